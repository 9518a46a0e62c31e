package dev.tracing.local;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.tracing.model.Project;
import dev.tracing.model.Scope;
import java.net.URI;
import java.net.http.HttpRequest;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;

/**
 * One error shape on every route, as README's HTTP API documents it: every JSON error, from
 * ingest, the query routes, the trace detail, the token check and the gateway itself, is an
 * object with exactly {@code code} (the gRPC status code of the HTTP status), {@code error} and
 * {@code message}.
 */
class ErrorShapeTest {
  static LocalStack stack;
  static Project project;
  static String token;

  @BeforeAll
  static void start() throws Exception {
    stack = LocalStack.start(LocalStack.Options.forTests());
    project = stack.admin().createProject(60, "error-shape");
    token = stack.admin().createToken(project.projectId(), EnumSet.allOf(Scope.class), "shape", null).secret();
  }

  @AfterAll
  static void stop() {
    if (stack != null) {
      stack.close();
    }
  }

  /** The HTTP status and its gRPC status code, as every JSON error pairs them. */
  static final Map<Integer, Integer> GRPC = Map.of(400, 3, 401, 16, 403, 7, 404, 5, 405, 12, 413, 3, 415, 3, 429, 8, 503, 14);

  static void assertErrorShape(Http.Reply reply) {
    assertTrue(reply.header("Content-Type").startsWith("application/json"), reply.toString());
    JsonNode json = reply.json();
    List<String> fields = new ArrayList<>(json.propertyNames());
    assertEquals(List.of("code", "error", "message"), fields, reply + ": " + json);
    assertEquals(GRPC.get(reply.status()), json.get("code").asInt(), reply + ": " + json);
    assertTrue(json.get("error").asString().matches("[a-z]+(_[a-z]+)*"), reply + ": " + json);
    assertFalse(json.get("message").asString().isBlank(), reply + ": " + json);
  }

  @Test
  void everyRouteAnswersItsErrorsInOneShape() {
    URI base = stack.baseUri();
    URI ingest = URI.create(stack.ingestUrl(project));
    String p = "/v3/query/" + project.projectId();
    List<Object[]> calls = List.of(
        // ingest (OTLP/JSON requests get JSON errors)
        new Object[] {400, Http.post(ingest, "{".getBytes(), "Content-Type", Http.JSON_TYPE, "PRIVATE-TOKEN", token)},
        new Object[] {401, Http.post(ingest, "{}".getBytes(), "Content-Type", Http.JSON_TYPE)},
        new Object[] {403, Http.post(URI.create(ingest.toString().replace("/" + project.projectId() + "/", "/999999/")), "{}".getBytes(),
            "Content-Type", Http.JSON_TYPE, "PRIVATE-TOKEN", token)},
        new Object[] {415, Http.post(ingest, "{}".getBytes(), "Content-Type", "text/plain", "PRIVATE-TOKEN", token)},
        new Object[] {400, Http.post(URI.create(ingest + "?foo=bar"), "{}".getBytes(), "Content-Type", Http.JSON_TYPE, "PRIVATE-TOKEN", token)},
        // query routes
        new Object[] {400, Http.get(base.resolve(p + "/traces?sort=newest"), "PRIVATE-TOKEN", token)},
        new Object[] {400, Http.get(base.resolve(p + "/traces/analytics?page_size=5"), "PRIVATE-TOKEN", token)},
        new Object[] {400, Http.get(base.resolve(p + "/services?limit=5"), "PRIVATE-TOKEN", token)},
        new Object[] {400, Http.get(base.resolve(p + "/services/cart/operations?limit=5"), "PRIVATE-TOKEN", token)},
        new Object[] {400, Http.get(base.resolve(p + "?verbose=1"), "PRIVATE-TOKEN", token)},
        new Object[] {401, Http.get(base.resolve(p + "/traces"))},
        new Object[] {401, Http.get(base.resolve(p + "/services"), "PRIVATE-TOKEN", "glpat-not-a-token")},
        new Object[] {403, Http.get(base.resolve("/v3/query/999999/traces"), "PRIVATE-TOKEN", token)},
        // trace detail
        new Object[] {400, Http.get(base.resolve(p + "/traces/xyz"), "PRIVATE-TOKEN", token)},
        new Object[] {400, Http.get(base.resolve(p + "/traces/0123456789abcdef0123456789abcdef?spans=1"), "PRIVATE-TOKEN", token)},
        new Object[] {404, Http.get(base.resolve(p + "/traces/0123456789abcdef0123456789abcdef"), "PRIVATE-TOKEN", token)},
        // the gateway's own answers
        new Object[] {404, Http.get(base.resolve("/v3/nothing"), "PRIVATE-TOKEN", token)},
        new Object[] {404, Http.post(base.resolve("/v1/traces"), new byte[] {1}, "Content-Type", Http.PROTOBUF)},
        new Object[] {404, Http.get(base.resolve("/no-such-file.js"))},
        new Object[] {405, Http.send(Http.request(ingest).method("GET", HttpRequest.BodyPublishers.noBody()).build())});
    for (Object[] call : calls) {
      Http.Reply reply = (Http.Reply) call[1];
      assertEquals((int) (Integer) call[0], reply.status(), reply.toString());
      assertErrorShape(reply);
    }
  }

  @Test
  void ingestRefusesQueryParametersAsEveryRouteDoes() {
    URI ingest = URI.create(stack.ingestUrl(project));
    Http.Reply reply = Http.post(URI.create(ingest + "?compression=gzip"), "{}".getBytes(), "Content-Type", Http.JSON_TYPE,
        "PRIVATE-TOKEN", token);
    assertEquals(400, reply.status(), reply.toString());
    assertEquals("unknown parameter 'compression'; this route takes no query parameters", reply.json().get("message").asString());
    // an empty query string is no parameter
    assertEquals(200, Http.post(URI.create(ingest + "?"), "{}".getBytes(), "Content-Type", Http.JSON_TYPE, "PRIVATE-TOKEN", token)
        .status());
  }

  @Test
  void theGatewaysOwnAnswersOnQueryPathsSayTheyReadNothing() {
    URI base = stack.baseUri();
    String p = "/v3/query/" + project.projectId();
    Http.Reply noRoute = Http.get(base.resolve(p + "/spans"), "PRIVATE-TOKEN", token);
    Http.Reply trailingSlash = Http.get(base.resolve(p + "/traces/"), "PRIVATE-TOKEN", token);
    Http.Reply wrongMethod = Http.post(base.resolve(p + "/traces"), new byte[0], "PRIVATE-TOKEN", token);
    for (Http.Reply reply : List.of(noRoute, trailingSlash, wrongMethod)) {
      assertErrorShape(reply);
      assertEquals("0", reply.header("X-Read-Units"), reply.toString());
    }
    assertEquals(List.of(404, 404, 405), List.of(noRoute.status(), trailingSlash.status(), wrongMethod.status()));
    // the advice lists every query route
    String advice = noRoute.json().get("message").asString();
    for (String route : List.of("/traces/analytics", "/traces/{traceId}", "/services/{serviceName}/operations", "/services/metrics",
        "/services/map")) {
      assertTrue(advice.contains(route), advice);
    }
    assertEquals("drop the trailing slash: GET " + p + "/traces", trailingSlash.json().get("message").asString()
        .replaceFirst("^no route GET [^:]*: ", ""));
    // an ingest path's answers are not query answers
    assertNull(Http.get(base.resolve("/v3/nothing"), "PRIVATE-TOKEN", token).header("X-Read-Units"));
  }
}
