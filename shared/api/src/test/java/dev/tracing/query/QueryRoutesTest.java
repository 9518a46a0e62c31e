package dev.tracing.query;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.tracing.api.ApiRequest;
import dev.tracing.api.ApiResponse;
import dev.tracing.runtime.Tracing;
import java.time.Clock;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;

/**
 * The list-traces function routes by the gateway's route key, not by what the path happens to
 * contain: a service named like a route segment is still a service, and a route the function
 * does not serve is a 404 naming the routes it does.
 */
class QueryRoutesTest {
  private static final long PROJECT = 61;
  static QueryStack stack;

  @BeforeAll
  static void start() {
    stack = QueryStack.create("routes", Clock.systemUTC());
  }

  @AfterAll
  static void close() {
    stack.close();
  }

  private static ApiResponse get(String path, Map<String, String> pathParameters, String routeKey) {
    Tracing tracing = stack.tracing;
    return tracing.queryEndpoint().handle(new ApiRequest("GET", path, pathParameters, "", Map.of(), null,
        QueryStack.grant(1, PROJECT), routeKey));
  }

  @Test
  void theRouteKeyDecidesNotThePath() {
    // a path that mentions traces, routed as the services list
    ApiResponse services = get("/v3/query/61/traces", Map.of("projectId", "61"), "GET /v3/query/{projectId}/services");
    assertEquals(200, services.status(), services.bodyText());
    JsonNode body = QueryStack.JSON.readTree(services.body());
    assertTrue(body.has("services"), body.toString());
  }

  @Test
  void aServiceNamedLikeARouteSegmentIsAService() {
    for (String name : new String[] {"metrics", "map", "services", "traces"}) {
      ApiResponse r = get("/v3/query/61/services/" + name + "/operations", Map.of("projectId", "61", "serviceName", name), null);
      assertEquals(200, r.status(), name + ": " + r.bodyText());
      assertTrue(QueryStack.JSON.readTree(r.body()).has("operations"), name + ": " + r.bodyText());
    }
    ApiResponse encoded = get("/v3/query/61/services/a%20b%2Fc/operations", Map.of("projectId", "61", "serviceName", "a b/c"),
        null);
    assertEquals(200, encoded.status(), encoded.bodyText());
  }

  @Test
  void aRouteOfAnotherFunctionIsNotFoundHere() {
    ApiResponse r = get("/v3/query/61/traces/abc", Map.of("projectId", "61", "traceId", "abc"),
        "GET /v3/query/{projectId}/traces/{traceId}");
    assertEquals(404, r.status());
    JsonNode body = QueryStack.JSON.readTree(r.body());
    assertEquals("not_found", body.get("error").asString());
    assertTrue(body.get("message").asString().contains("/v3/query/{projectId}/services/map"), body.toString());
  }
}
