package dev.tracing.deploy;

import static org.junit.jupiter.api.Assertions.assertEquals;

import com.amazonaws.services.lambda.runtime.events.APIGatewayV2CustomAuthorizerEvent;
import com.amazonaws.services.lambda.runtime.events.APIGatewayV2HTTPEvent;
import com.amazonaws.services.lambda.runtime.events.APIGatewayV2HTTPResponse;
import com.amazonaws.services.lambda.runtime.events.SimpleIAMPolicyResponse;
import dev.tracing.admin.ProjectAdmin;
import dev.tracing.auth.AuthorizerContext;
import dev.tracing.auth.TokenVerdict;
import dev.tracing.functions.authorizer.AuthorizerFunctionApplication;
import dev.tracing.functions.gettrace.GetTraceFunctionApplication;
import dev.tracing.functions.ingest.IngestFunctionApplication;
import dev.tracing.functions.listtraces.ListTracesFunctionApplication;
import dev.tracing.gateway.HttpApiEvents;
import dev.tracing.model.Grant;
import dev.tracing.model.Project;
import dev.tracing.model.Scope;
import dev.tracing.runtime.Tracing;
import dev.tracing.config.TracingConfig;
import dev.tracing.storage.dynamodb.DynamoClients;
import dev.tracing.storage.dynamodb.DynamoProjectStore;
import dev.tracing.storage.dynamodb.DynamoTokenStore;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.EnumSet;
import java.util.Map;
import java.util.Set;
import java.util.function.Function;
import java.util.zip.GZIPOutputStream;
import org.springframework.cloud.function.context.FunctionRegistration;
import org.springframework.context.support.GenericApplicationContext;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;

/**
 * Runs each function's main paths (and its SnapStart priming event) through its function bean,
 * registered by the same {@code register} method its Lambda package uses, over a DynamoDB client
 * that records every call: the DynamoDB permissions the function really needs.
 */
final class FunctionMainPaths {
  private static final String INGEST_ROUTE = "POST /v3/{namespaceId}/{projectId}/ingest/traces";
  private static final String PROTOBUF = "application/x-protobuf";

  private final LocalScenario scenario;
  private final ProjectAdmin admin;

  FunctionMainPaths(LocalScenario scenario) {
    this.scenario = scenario;
    this.admin = new ProjectAdmin(new DynamoProjectStore(scenario.client(), LocalScenario.TABLE, Clock.systemUTC()),
        new DynamoTokenStore(scenario.client(), LocalScenario.TABLE), Clock.systemUTC(), Project.DEFAULT_BYTES_PER_MINUTE);
  }

  /** The permissions {@code function}'s calls needed. */
  Set<DynamoDbCallRecorder.Permission> permissionsOf(String function) {
    DynamoDbCallRecorder recorder = new DynamoDbCallRecorder();
    DynamoDbClient client = DynamoDbClient.builder()
        .endpointOverride(scenario.dynamo().endpoint())
        .region(Region.of(LocalScenario.REGION))
        .credentialsProvider(StaticCredentialsProvider.create(AwsBasicCredentials.create(DynamoClients.LOCAL_ACCESS_KEY, "local")))
        .httpClient(DynamoClients.httpClient())
        .overrideConfiguration(c -> c.addExecutionInterceptor(recorder))
        .build();
    // as template.yaml deploys them: ingest stores spans, the summaries function folds them from the stream
    try (Tracing tracing = new Tracing(TracingConfig.local(scenario.dynamo().endpoint(), LocalScenario.TABLE)
        .withCaches(Duration.ZERO, Duration.ZERO).withSummariesAtIngest(false), client, Clock.systemUTC());
         GenericApplicationContext context = new GenericApplicationContext()) {
      switch (function) {
        case "authorizer" -> AuthorizerFunctionApplication.register(context, tracing::stores);
        case "ingest" -> IngestFunctionApplication.register(context, () -> tracing);
        case "get-trace" -> GetTraceFunctionApplication.register(context, () -> tracing);
        case "list-traces" -> ListTracesFunctionApplication.register(context, () -> tracing);
        case "compactor" -> dev.tracing.functions.compactor.CompactorFunctionApplication.register(context, tracing::stores);
        case "summaries" -> dev.tracing.functions.summaries.SummariesFunctionApplication.register(context, () -> tracing);
        default -> throw new IllegalArgumentException(function);
      }
      context.refresh();
      Object target = context.getBean(function, FunctionRegistration.class).getTarget();
      switch (function) {
        case "authorizer" -> authorizer(cast(target));
        case "ingest" -> ingest(cast(target));
        case "get-trace" -> getTrace(cast(target));
        case "compactor" -> compactor(cast(target));
        case "summaries" -> summaries(cast(target));
        default -> listTraces(cast(target));
      }
      primingEvent(function, target);
    }
    return recorder.calls();
  }

  @SuppressWarnings("unchecked")
  private static <I, O> Function<I, O> cast(Object target) {
    return (Function<I, O>) target;
  }

  /** Spans of two hours ago, stored by another client (not recorded), then the scheduler's run compacts their hour. */
  private void compactor(Function<Map<String, Object>, Map<String, Object>> fn) {
    Project project = scenario.project();
    try (Tracing writer = new Tracing(TracingConfig.local(scenario.dynamo().endpoint(), LocalScenario.TABLE)
        .withCaches(Duration.ZERO, Duration.ZERO), DynamoClients.create(scenario.dynamo().endpoint(), LocalScenario.REGION),
        Clock.systemUTC())) {
      byte[] old = SampleTraces.checkout(SampleTraces.randomTraceId(), "checkout", Instant.now().minus(Duration.ofHours(2)))
          .toByteArray();
      dev.tracing.api.ApiResponse r = writer.ingestEndpoint().handle(new dev.tracing.api.ApiRequest("POST",
          "/v3/" + project.namespaceId() + "/" + project.projectId() + "/ingest/traces",
          Map.of("namespaceId", Long.toString(project.namespaceId()), "projectId", Long.toString(project.projectId())), "",
          Map.of("content-type", PROTOBUF), old, AuthorizerContext.of(dev.tracing.auth.TokenVerdict.valid(
              new dev.tracing.model.Grant("paths", project.projectId(), project.namespaceId(), EnumSet.allOf(Scope.class))))));
      assertEquals(200, r.status(), r.bodyText());
    }
    Map<String, Object> out = fn.apply(Map.of("detail-type", "Scheduled Event"));
    org.junit.jupiter.api.Assertions.assertTrue(((Number) out.get("hours_compacted")).intValue() >= 1,
        "the hour of the old spans is compacted: " + out);
    org.junit.jupiter.api.Assertions.assertTrue(((Number) out.get("term_block_hours")).intValue() >= 1,
        "the term blocks of the old spans' hour are built: " + out);
  }

  /**
   * Two traces stored by stream-mode ingest through another client (not recorded), one of them sent
   * twice, then folded from their stream batch, and the batch delivered again.
   */
  private void summaries(Function<Map<String, Object>, Map<String, Object>> fn) {
    Project project = admin.createProject(scenario.project().namespaceId(), "summaries");
    String first = SampleTraces.randomTraceId();
    String second = SampleTraces.randomTraceId();
    try (Tracing writer = new Tracing(TracingConfig.local(scenario.dynamo().endpoint(), LocalScenario.TABLE)
        .withCaches(Duration.ZERO, Duration.ZERO).withSummariesAtIngest(false),
        DynamoClients.create(scenario.dynamo().endpoint(), LocalScenario.REGION), Clock.systemUTC())) {
      for (var request : java.util.List.of(SampleTraces.checkout(first, "checkout", Instant.now().minusSeconds(30)),
          SampleTraces.checkout(second, "checkout", Instant.now().minusSeconds(20)),
          SampleTraces.checkout(second, "payment", Instant.now().minusSeconds(20)))) {
        dev.tracing.api.ApiResponse r = writer.ingestEndpoint().handle(new dev.tracing.api.ApiRequest("POST",
            "/v3/" + project.namespaceId() + "/" + project.projectId() + "/ingest/traces",
            Map.of("namespaceId", Long.toString(project.namespaceId()), "projectId", Long.toString(project.projectId())), "",
            Map.of("content-type", PROTOBUF), request.toByteArray(), context(project)));
        assertEquals(200, r.status(), r.bodyText());
      }
    }
    java.util.List<Map<String, software.amazon.awssdk.services.dynamodb.model.AttributeValue>> chunks;
    try (DynamoDbClient reader = DynamoClients.create(scenario.dynamo().endpoint(), LocalScenario.REGION)) {
      // the project's span packs, not folded yet: what the stream hands the function
      chunks = reader.query(b -> b.tableName(LocalScenario.TABLE).keyConditionExpression("pk = :p")
          .expressionAttributeValues(Map.of(":p", software.amazon.awssdk.services.dynamodb.model.AttributeValue.fromS(
              dev.tracing.storage.dynamodb.DynamoTraceWriter.packPartition(project.projectId()))))).items();
    }
    Map<String, Object> event = dev.tracing.ingest.SummaryFolder.streamEvent(chunks);
    Map<String, Object> out = fn.apply(event);
    assertEquals(2, ((Number) out.get("traces")).intValue(), "both traces folded: " + out);
    assertEquals(chunks.size(), ((Number) out.get("packs")).intValue(), "every pack folded: " + out);
    fn.apply(event); // delivered again: read, nothing new
    // a batch of one trace's changes reads its summary alone
    Map<String, Object> one = fn.apply(dev.tracing.ingest.SummaryFolder.streamEvent(chunks.subList(0, 1)));
    assertEquals(1, ((Number) one.get("traces")).intValue(), "one trace: " + one);
  }

  private void authorizer(Function<APIGatewayV2CustomAuthorizerEvent, SimpleIAMPolicyResponse> fn) {
    long p = scenario.project().projectId();
    String path = "/v3/query/" + p + "/traces";
    String route = "GET /v3/query/{projectId}/traces";
    ProjectAdmin.CreatedToken revoked = admin.createToken(p, EnumSet.of(Scope.READ_API), "revoked", null);
    admin.revokeToken(p, revoked.token().id());
    Map<String, Map<String, String>> cases = Map.of(
        "VALID", Map.of("private-token", scenario.secret()),
        "UNKNOWN", Map.of("authorization", "Bearer trc_not-a-token-of-this-deployment"),
        "MISSING", Map.of(),
        "REVOKED", Map.of("private-token", revoked.secret()));
    cases.forEach((verdict, headers) -> assertEquals(verdict,
        fn.apply(HttpApiEvents.authorizerEvent("GET", path, headers, route)).getContext().get(AuthorizerContext.VERDICT),
        "authorizer verdict for " + headers.keySet()));
  }

  private void ingest(Function<APIGatewayV2HTTPEvent, APIGatewayV2HTTPResponse> fn) {
    Project project = scenario.project();
    String traceId = SampleTraces.randomTraceId();
    byte[] first = SampleTraces.checkout(traceId, "checkout", Instant.now()).toByteArray();
    assertEquals(200, ingestTo(fn, project, first, PROTOBUF, null), "new trace");
    assertEquals(200, ingestTo(fn, project, first, PROTOBUF, null), "the same request again (an exporter's retry)");
    byte[] more = SampleTraces.checkout(traceId, "payments", Instant.now().minusSeconds(5)).toByteArray();
    assertEquals(200, ingestTo(fn, project, gzip(more), PROTOBUF, "gzip"), "more spans of the trace, gzip");
    // SDK batches hold many traces: their summaries are read in one batch
    byte[] several = SampleTraces.checkout(traceId, "inventory", Instant.now()).toBuilder()
        .addAllResourceSpans(SampleTraces.checkout(SampleTraces.randomTraceId(), "checkout", Instant.now()).getResourceSpansList())
        .build().toByteArray();
    assertEquals(200, ingestTo(fn, project, several, PROTOBUF, null), "two traces, one new");
    String json = "{\"resourceSpans\":[{\"resource\":{\"attributes\":[{\"key\":\"service.name\",\"value\":{\"stringValue\":\"web\"}}]},"
        + "\"scopeSpans\":[{\"spans\":[{\"traceId\":\"" + SampleTraces.randomTraceId() + "\",\"spanId\":\"00f067aa0ba902b7\","
        + "\"name\":\"GET /\",\"kind\":2,\"startTimeUnixNano\":\"" + nanos(Instant.now()) + "\",\"endTimeUnixNano\":\""
        + nanos(Instant.now().plusMillis(3)) + "\"}]}]}]}";
    assertEquals(200, ingestTo(fn, project, json.getBytes(java.nio.charset.StandardCharsets.UTF_8), "application/json", null),
        "OTLP/JSON");
    // Limits: a project with a small limit answers 413 for a request over it and 429 when the minute is used up.
    Project small = admin.createProject(project.namespaceId(), "small");
    admin.setLimit(small.projectId(), first.length + first.length / 2);
    assertEquals(413, ingestTo(fn, small, SampleTraces.checkout(SampleTraces.randomTraceId(), "big", Instant.now()).toBuilder()
        .addAllResourceSpans(SampleTraces.checkout(SampleTraces.randomTraceId(), "big", Instant.now()).getResourceSpansList())
        .build().toByteArray(), PROTOBUF, null), "larger than the limit");
    assertEquals(200, ingestTo(fn, small, first, PROTOBUF, null), "within the limit");
    assertEquals(429, ingestTo(fn, small, first, PROTOBUF, null), "over the limit");
  }

  private int ingestTo(Function<APIGatewayV2HTTPEvent, APIGatewayV2HTTPResponse> fn, Project project, byte[] body,
                       String contentType, String encoding) {
    Map<String, String> headers = new java.util.LinkedHashMap<>(Map.of("content-type", contentType));
    if (encoding != null) {
      headers.put("content-encoding", encoding);
    }
    String p = Long.toString(project.projectId());
    String ns = Long.toString(project.namespaceId());
    return fn.apply(HttpApiEvents.requestEvent("POST", "/v3/" + ns + "/" + p + "/ingest/traces", "", headers, body, INGEST_ROUTE,
        Map.of("namespaceId", ns, "projectId", p), context(project))).getStatusCode();
  }

  private void getTrace(Function<APIGatewayV2HTTPEvent, APIGatewayV2HTTPResponse> fn) {
    String p = Long.toString(scenario.project().projectId());
    String route = "GET /v3/query/{projectId}/traces/{traceId}";
    assertEquals(200, fn.apply(HttpApiEvents.requestEvent("GET", "/v3/query/" + p + "/traces/" + scenario.storedTraceId(), "",
        Map.of(), null, route, Map.of("projectId", p, "traceId", scenario.storedTraceId()), context(scenario.project())))
        .getStatusCode(), "stored trace");
    String missing = SampleTraces.randomTraceId();
    assertEquals(404, fn.apply(HttpApiEvents.requestEvent("GET", "/v3/query/" + p + "/traces/" + missing, "", Map.of(), null, route,
        Map.of("projectId", p, "traceId", missing), context(scenario.project()))).getStatusCode(), "unknown trace");
  }

  private void listTraces(Function<APIGatewayV2HTTPEvent, APIGatewayV2HTTPResponse> fn) {
    String p = Long.toString(scenario.project().projectId());
    String trace = scenario.storedTraceId();
    Map<String, String[]> requests = new java.util.LinkedHashMap<>();
    requests.put("project info", new String[] {"/v3/query/" + p, "", "GET /v3/query/{projectId}"});
    requests.put("list", new String[] {"/v3/query/" + p + "/traces", "period=1h", "GET /v3/query/{projectId}/traces"});
    requests.put("list, filtered, by duration, paged", new String[] {"/v3/query/" + p + "/traces",
        "period=24h&service_name=checkout&operation=POST%20%2Fcheckout&attr_name=http.route&attr_value=%2Fcheckout"
            + "&status=ok&sort=duration_desc&page_size=1", "GET /v3/query/{projectId}/traces"});
    requests.put("list, slowest first over 7 days", new String[] {"/v3/query/" + p + "/traces",
        "period=7d&sort=duration_desc&page_size=5", "GET /v3/query/{projectId}/traces"});
    requests.put("list by trace id", new String[] {"/v3/query/" + p + "/traces", "period=1h&trace_id=" + trace,
        "GET /v3/query/{projectId}/traces"});
    requests.put("analytics", new String[] {"/v3/query/" + p + "/traces/analytics", "period=1h",
        "GET /v3/query/{projectId}/traces/analytics"});
    requests.put("services", new String[] {"/v3/query/" + p + "/services", "", "GET /v3/query/{projectId}/services"});
    requests.put("operations", new String[] {"/v3/query/" + p + "/services/checkout/operations", "",
        "GET /v3/query/{projectId}/services/{serviceName}/operations"});
    requests.forEach((what, r) -> {
      Map<String, String> params = new java.util.LinkedHashMap<>(Map.of("projectId", p));
      if (r[2].contains("{serviceName}")) {
        params.put("serviceName", "checkout");
      }
      APIGatewayV2HTTPResponse response = fn.apply(HttpApiEvents.requestEvent("GET", r[0], r[1], Map.of(), null, r[2], params,
          context(scenario.project())));
      assertEquals(200, response.getStatusCode(), what + ": " + response.getBody());
      if (what.equals("list") || what.equals("list by trace id")) {
        org.junit.jupiter.api.Assertions.assertTrue(response.getBody().contains(trace), what + " finds the stored trace: "
            + response.getBody());
      } else if (what.startsWith("list")) {
        // Traces of the same shape stored by other paths may share the project: a page of one of them.
        org.junit.jupiter.api.Assertions.assertTrue(response.getBody().contains("\"traces\":[{"), what + " returns a row: "
            + response.getBody());
      }
    });
  }

  /** The SnapStart priming event goes through the same bean: its calls need permissions too. */
  private static void primingEvent(String function, Object target) {
    LambdaPackage pkg = LambdaPackage.FUNCTIONS.stream().filter(p -> p.definition().equals(function)).findFirst().orElseThrow();
    String json = LocalScenario.primingEvent(pkg);
    if (function.equals("summaries")) {
      @SuppressWarnings("unchecked")
      Map<String, Object> event = GatewayEvents.JSON.readValue(json, Map.class);
      Map<String, Object> r = FunctionMainPaths.<Map<String, Object>, Map<String, Object>>cast(target).apply(event);
      assertEquals(Map.of("records", 0, "packs", 0, "traces", 0, "unreadable", 0), r, "priming answer of the summaries function");
      return;
    }
    if (function.equals("compactor")) {
      @SuppressWarnings("unchecked")
      Map<String, Object> event = GatewayEvents.JSON.readValue(json, Map.class);
      Map<String, Object> r = FunctionMainPaths.<Map<String, Object>, Map<String, Object>>cast(target).apply(event);
      assertEquals(Map.of("projects", 1, "hours_compacted", 0, "term_block_hours", 0), r, "priming answer of the compactor");
      return;
    }
    if (function.equals("authorizer")) {
      SimpleIAMPolicyResponse r = FunctionMainPaths.<APIGatewayV2CustomAuthorizerEvent, SimpleIAMPolicyResponse>cast(target)
          .apply(pojo(json, APIGatewayV2CustomAuthorizerEvent.class));
      assertEquals("UNKNOWN", r.getContext().get(AuthorizerContext.VERDICT), "priming verdict");
    } else {
      APIGatewayV2HTTPResponse r = FunctionMainPaths.<APIGatewayV2HTTPEvent, APIGatewayV2HTTPResponse>cast(target)
          .apply(pojo(json, APIGatewayV2HTTPEvent.class));
      int expected = function.equals("get-trace") ? 404 : 200;
      assertEquals(expected, r.getStatusCode(), "priming answer of " + function + ": " + r.getBody());
    }
  }

  /**
   * The event object the AWS adapter would deserialize: leniently, and without {@code requestContext.time}
   * (a Joda {@code DateTime} in the authorizer event class, which the adapter reads with a module of its own).
   */
  private static <T> T pojo(String json, Class<T> type) {
    tools.jackson.databind.node.ObjectNode tree = (tools.jackson.databind.node.ObjectNode) GatewayEvents.JSON.readTree(json);
    ((tools.jackson.databind.node.ObjectNode) tree.get("requestContext")).remove("time");
    return tools.jackson.databind.json.JsonMapper.builder()
        .disable(tools.jackson.databind.DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES).build().treeToValue(tree, type);
  }

  private static Map<String, Object> context(Project project) {
    return AuthorizerContext.of(TokenVerdict.valid(new Grant("paths", project.projectId(), project.namespaceId(),
        EnumSet.allOf(Scope.class))));
  }

  private static long nanos(Instant t) {
    return t.getEpochSecond() * 1_000_000_000L + t.getNano();
  }

  private static byte[] gzip(byte[] data) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    try (GZIPOutputStream gz = new GZIPOutputStream(out)) {
      gz.write(data);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return out.toByteArray();
  }
}
