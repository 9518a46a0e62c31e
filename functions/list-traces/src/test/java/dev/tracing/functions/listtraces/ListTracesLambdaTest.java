package dev.tracing.functions.listtraces;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.tracing.api.ApiRequest;
import dev.tracing.api.ApiResponse;
import dev.tracing.auth.AuthorizerContext;
import dev.tracing.auth.TokenVerdict;
import dev.tracing.functions.lambda.GatewayEvent;
import dev.tracing.functions.lambda.GatewayResponse;
import dev.tracing.functions.lambda.LambdaFunctionProcess;
import dev.tracing.functions.lambda.LocalTracingStore;
import dev.tracing.model.Grant;
import dev.tracing.model.Project;
import dev.tracing.model.Scope;
import dev.tracing.runtime.Tracing;
import dev.tracing.config.TracingConfig;
import dev.tracing.storage.dynamodb.DynamoClients;
import dev.tracing.testing.OtlpFixtures;
import io.opentelemetry.proto.collector.trace.v1.ExportTraceServiceRequest;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.EnumSet;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;

/**
 * The list-traces function on its AWS Lambda handler ({@code FunctionInvoker}) in a JVM of its
 * own, as Lambda starts it from the template's environment, against a local DynamoDB: every route
 * it serves, the query string as API Gateway passes it, paging with the tokens it signs, and the
 * refusals. The traces are stored beforehand through the ingest endpoint in this JVM (the ingest
 * function's own Lambda path is tested in its module).
 */
class ListTracesLambdaTest {
  private static final int TRACES = 5;

  private static LocalTracingStore store;
  private static LambdaFunctionProcess listTraces;
  private static Project project;
  private static Project other;
  /** Trace ids, newest first: the default order of the list. */
  private static final List<String> newestFirst = new ArrayList<>();

  @BeforeAll
  static void deploy() {
    store = LocalTracingStore.start();
    project = store.createProject(17, "listed");
    other = store.createProject(17, "other");
    Map<String, String> env = store.functionEnvironment();
    try (Tracing tracing = new Tracing(TracingConfig.fromEnv(env), DynamoClients.create(
        java.net.URI.create(env.get(TracingConfig.DYNAMODB_ENDPOINT)), "us-east-1"), Clock.systemUTC())) {
      long now = OtlpFixtures.nanos(Instant.now());
      for (int i = 0; i < TRACES; i++) {
        var traceId = OtlpFixtures.randomTraceId();
        long start = now - (TRACES - i) * 60_000_000_000L; // a minute apart, the last one newest
        ExportTraceServiceRequest request = OtlpFixtures.request(OtlpFixtures.service(i % 2 == 0 ? "frontend" : "checkout"),
            OtlpFixtures.span(traceId, 1, 0, "GET /cart", start, 2_000_000, i == 3, OtlpFixtures.attr("http.method", "GET")),
            OtlpFixtures.span(traceId, 2, 1, "SELECT cart", start + 100_000, 500_000, false));
        ApiResponse r = tracing.ingestEndpoint().handle(new ApiRequest("POST", "/v3/17/" + project.projectId() + "/ingest/traces",
            Map.of("namespaceId", "17", "projectId", Long.toString(project.projectId())), "",
            Map.of("Content-Type", "application/x-protobuf"), request.toByteArray(), grant(project, EnumSet.allOf(Scope.class))));
        assertEquals(200, r.status(), r.bodyText());
        newestFirst.add(0, OtlpFixtures.hexOf(traceId));
      }
    }
    listTraces = LambdaFunctionProcess.builder(ListTracesFunctionApplication.FUNCTION,
        ListTracesFunctionApplication.class.getName()).env(env).start();
  }

  @AfterAll
  static void undeploy() {
    if (listTraces != null) {
      listTraces.close();
    }
    if (store != null) {
      store.close();
    }
  }

  private static Map<String, Object> grant(Project p, EnumSet<Scope> scopes) {
    return AuthorizerContext.of(TokenVerdict.valid(new Grant("t-" + p.projectId(), p.projectId(), p.namespaceId(), scopes)));
  }

  /** A GET as API Gateway hands it to the function, with the authorizer's context for {@code scopes} on {@code p}. */
  private static GatewayResponse get(String label, String path, String rawQuery, Map<String, String> pathParams,
                                     Map<String, Object> context) {
    // the route API Gateway matches for the path, as template.yaml declares it
    String route = path.replaceFirst("^/v3/query/[^/]+", "/v3/query/{projectId}")
        .replaceFirst("/services/[^/]+/operations$", "/services/{serviceName}/operations");
    GatewayEvent event = GatewayEvent.fromTemplate("/events/list-traces.json").path(path).query(rawQuery)
        .pathParameters(pathParams).routeKey("GET " + route);
    event = context == null ? event.withoutAuthorizer() : event.authorizerContext(context);
    return GatewayResponse.parse(listTraces.invoke(label, event.json()));
  }

  private static GatewayResponse list(String label, String rawQuery) {
    String id = Long.toString(project.projectId());
    return get(label, "/v3/query/" + id + "/traces", rawQuery, Map.of("projectId", id),
        grant(project, EnumSet.of(Scope.READ_OBSERVABILITY)));
  }

  private static List<String> traceIds(JsonNode page) {
    List<String> ids = new ArrayList<>();
    page.get("traces").forEach(t -> ids.add(t.get("trace_id").asString()));
    return ids;
  }

  @Test
  void theListPagesThroughEveryTraceOnceNewestFirst() {
    GatewayResponse first = list("page-1", "period=1h&page_size=2");
    assertEquals(200, first.statusCode(), first.json());
    assertEquals("application/json", first.header("content-type"));
    JsonNode body = first.bodyJson();
    assertEquals(project.projectId(), body.get("project_id").asLong());
    List<String> seen = new ArrayList<>(traceIds(body));
    String token = body.get("next_page_token").asString();
    for (int page = 2; token != null; page++) {
      GatewayResponse next = list("page-" + page, "period=1h&page_size=2&page_token=" + token);
      assertEquals(200, next.statusCode(), next.json());
      seen.addAll(traceIds(next.bodyJson()));
      JsonNode t = next.bodyJson().get("next_page_token");
      token = t == null || t.isNull() ? null : t.asString();
      assertTrue(page <= TRACES, "paging ends");
    }
    assertEquals(newestFirst, seen);
  }

  @Test
  void filtersArriveThroughTheQueryStringDecoded() {
    GatewayResponse r = list("filtered", "period=1h&service_name=checkout&operation=GET%20%2Fcart&status=error"
        + "&attr_name=http.method&attr_value=GET");
    assertEquals(200, r.statusCode(), r.json());
    assertEquals(List.of(newestFirst.get(TRACES - 1 - 3)), traceIds(r.bodyJson()), "the one failed checkout trace");
    JsonNode trace = r.bodyJson().get("traces").get(0);
    assertEquals("checkout", trace.get("service_name").asString());
    assertEquals("STATUS_CODE_ERROR", trace.get("status_code").asString());
    assertEquals(2, trace.get("total_spans").asInt());
  }

  @Test
  void aModifiedOrForeignPageTokenIs400NamingPageToken() {
    String token = list("token-source", "period=1h&page_size=1").bodyJson().get("next_page_token").asString();
    byte[] raw = Base64.getUrlDecoder().decode(token);
    raw[raw.length / 2] ^= 0x01;
    String modified = Base64.getUrlEncoder().withoutPadding().encodeToString(raw);
    String foreign = new dev.tracing.query.PageToken(TracingConfig.randomSecret().getBytes(java.nio.charset.StandardCharsets.UTF_8))
        .encode(project.projectId(), "", 0, 1, new dev.tracing.query.PageToken.Cursor(0, "0af7651916cd43dd8448eb211c80319c"));
    for (String bad : List.of(modified, foreign)) {
      GatewayResponse r = list("bad-token", "period=1h&page_size=1&page_token=" + bad);
      assertEquals(400, r.statusCode(), r.json());
      assertEquals("invalid_parameter", r.bodyJson().get("error").asString());
      assertTrue(r.bodyJson().get("message").asString().contains("page_token"), r.bodyText());
    }
  }

  @Test
  void analyticsServicesOperationsAndProjectInfo() {
    String id = Long.toString(project.projectId());
    Map<String, Object> read = grant(project, EnumSet.of(Scope.READ_OBSERVABILITY));

    GatewayResponse analytics = get("analytics", "/v3/query/" + id + "/traces/analytics", "period=1h", Map.of("projectId", id), read);
    assertEquals(200, analytics.statusCode(), analytics.json());
    long count = 0;
    for (JsonNode bucket : analytics.bodyJson().get("results")) {
      count += bucket.get("count").asLong();
    }
    assertEquals(TRACES, count, analytics.bodyText());

    GatewayResponse services = get("services", "/v3/query/" + id + "/services", "", Map.of("projectId", id), read);
    assertEquals(200, services.statusCode(), services.json());
    List<String> names = new ArrayList<>();
    services.bodyJson().get("services").forEach(s -> names.add(s.get("name").asString()));
    assertEquals(List.of("checkout", "frontend"), names.stream().sorted().toList());

    GatewayResponse operations = get("operations", "/v3/query/" + id + "/services/frontend/operations", "",
        Map.of("projectId", id, "serviceName", "frontend"), read);
    assertEquals(200, operations.statusCode(), operations.json());
    List<String> ops = new ArrayList<>();
    operations.bodyJson().get("operations").forEach(o -> ops.add(o.get("name").asString()));
    assertEquals(List.of("GET /cart", "SELECT cart"), ops.stream().sorted().toList());

    GatewayResponse info = get("project-info", "/v3/query/" + id, "", Map.of("projectId", id),
        grant(project, EnumSet.of(Scope.READ_API)));
    assertEquals(200, info.statusCode(), info.json());
    assertEquals(project.projectId(), info.bodyJson().get("project_id").asLong(), info.bodyText());
  }

  @Test
  void refusalsAreJsonWithTheRightStatus() {
    String id = Long.toString(project.projectId());
    String path = "/v3/query/" + id + "/traces";

    GatewayResponse noContext = get("no-authorizer", path, "period=1h", Map.of("projectId", id), null);
    assertEquals(401, noContext.statusCode(), noContext.json());
    assertEquals("unauthorized", noContext.bodyJson().get("error").asString());

    GatewayResponse otherProject = get("other-project", path, "period=1h", Map.of("projectId", id),
        grant(other, EnumSet.of(Scope.READ_OBSERVABILITY)));
    assertEquals(403, otherProject.statusCode(), otherProject.json());
    assertEquals("forbidden", otherProject.bodyJson().get("error").asString());

    GatewayResponse wrongScope = get("wrong-scope", path, "period=1h", Map.of("projectId", id),
        grant(project, EnumSet.of(Scope.WRITE_OBSERVABILITY)));
    assertEquals(403, wrongScope.statusCode(), wrongScope.json());

    GatewayResponse unknown = list("unknown-parameter", "period=1h&colour=blue");
    assertEquals(400, unknown.statusCode(), unknown.json());
    assertEquals("invalid_parameter", unknown.bodyJson().get("error").asString());
    assertTrue(unknown.bodyJson().get("message").asString().contains("colour"), unknown.bodyText());
  }

  @Test
  void noStackTraceOrTokenSecretInTheLog() {
    list("log-check", "period=1h&sort=sideways");
    String log = listTraces.log();
    assertFalse(log.contains("\tat dev.tracing"), "a refused query must not log a stack trace:\n" + log);
    assertFalse(log.contains(store.functionEnvironment().get(TracingConfig.PAGE_TOKEN_SECRET)), "the page-token secret was logged");
  }
}
