package dev.tracing.functions.gettrace;

import static dev.tracing.testing.OtlpFixtures.resource;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.tracing.otlp.OtlpIds;
import dev.tracing.admin.ProjectAdmin;
import dev.tracing.functions.lambda.BinaryExports;
import dev.tracing.functions.lambda.GatewayEvent;
import dev.tracing.functions.lambda.GatewayResponse;
import dev.tracing.functions.lambda.LambdaFunctionProcess;
import dev.tracing.functions.lambda.LocalTracingStore;
import dev.tracing.model.Project;
import dev.tracing.model.Scope;
import dev.tracing.model.TraceIds;
import io.opentelemetry.proto.collector.trace.v1.ExportTraceServiceRequest;
import io.opentelemetry.proto.collector.trace.v1.ExportTraceServiceResponse;
import io.opentelemetry.proto.common.v1.AnyValue;
import io.opentelemetry.proto.common.v1.InstrumentationScope;
import io.opentelemetry.proto.common.v1.KeyValue;
import io.opentelemetry.proto.resource.v1.Resource;
import io.opentelemetry.proto.trace.v1.ResourceSpans;
import io.opentelemetry.proto.trace.v1.ScopeSpans;
import io.opentelemetry.proto.trace.v1.Span;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ArrayNode;
import tools.jackson.databind.node.JsonNodeFactory;
import tools.jackson.databind.node.ObjectNode;

/**
 * The whole cloud path, every function on its AWS Lambda handler ({@code FunctionInvoker}):
 * an exporter's request goes through the authorizer function, API Gateway hands the authorizer's
 * context and the request to the ingest function, and the web frontend's request for the trace
 * goes through the authorizer again to the get-trace function. What the get-trace function
 * answers must carry every span id and attribute exactly as the exporter sent them.
 *
 * <p>The authorizer and ingest functions run from their modules' compiled classes
 * ({@code ../authorizer/target/classes}, {@code ../ingest/target/classes}): the functions modules
 * build in one reactor, authorizer and ingest before get-trace.
 */
class GetTraceLambdaTest {
  private static final JsonNodeFactory NODES = JsonNodeFactory.instance;

  private static LocalTracingStore store;
  private static LambdaFunctionProcess authorizer;
  private static LambdaFunctionProcess ingest;
  private static LambdaFunctionProcess getTrace;
  private static Project project;
  private static Project other;
  private static ProjectAdmin.CreatedToken token;
  private static ProjectAdmin.CreatedToken otherToken;

  @BeforeAll
  static void deploy() {
    store = LocalTracingStore.start();
    project = store.createProject(31, "round-trip");
    other = store.createProject(31, "other");
    token = store.createToken(project.projectId(), Scope.WRITE_OBSERVABILITY, Scope.READ_OBSERVABILITY);
    otherToken = store.createToken(other.projectId(), Scope.READ_OBSERVABILITY);
    Map<String, String> env = new LinkedHashMap<>(store.functionEnvironment());
    // The captured SDK fixtures carry fixed timestamps (Nov 2026): keep them inside retention for years.
    env.put("TRACING_RETENTION_DAYS", "3650");
    // Three execution environments initializing side by side, as after a deployment.
    CompletableFuture<LambdaFunctionProcess> startingAuthorizer = CompletableFuture.supplyAsync(() -> LambdaFunctionProcess
        .builder("authorizer", "dev.tracing.functions.authorizer.AuthorizerFunctionApplication")
        .functionClasses(Path.of("..", "authorizer", "target", "classes")).env(env).start());
    CompletableFuture<LambdaFunctionProcess> startingIngest = CompletableFuture.supplyAsync(() -> LambdaFunctionProcess
        .builder("ingest", "dev.tracing.functions.ingest.IngestFunctionApplication")
        .functionClasses(Path.of("..", "ingest", "target", "classes")).env(env).start());
    getTrace = LambdaFunctionProcess.builder(GetTraceFunctionApplication.FUNCTION, GetTraceFunctionApplication.class.getName())
        .env(env).start();
    authorizer = join(startingAuthorizer);
    ingest = join(startingIngest);
  }

  private static LambdaFunctionProcess join(CompletableFuture<LambdaFunctionProcess> starting) {
    try {
      return starting.join();
    } catch (CompletionException e) {
      if (e.getCause() instanceof Error error) {
        throw error; // the start's own assertion, with the function's output
      }
      throw e;
    }
  }

  @AfterAll
  static void undeploy() {
    for (LambdaFunctionProcess fn : new LambdaFunctionProcess[] {authorizer, ingest, getTrace}) {
      if (fn != null) {
        fn.close();
      }
    }
    if (store != null) {
      store.close();
    }
  }

  @Test
  void binarySpansIngestedThroughLambdaReadBackExactly() {
    ExportTraceServiceRequest sent = BinaryExports.everyByteValue();
    GatewayResponse ingested = export("export-every-byte", "application/x-protobuf", sent.toByteArray(), true);
    assertEquals(200, ingested.statusCode(), ingested.json());

    GatewayResponse answer = getTrace("get-every-byte", BinaryExports.EVERY_BYTE_TRACE_ID, token.secret());

    assertEquals(200, answer.statusCode(), answer.json());
    // the event's client accepts gzip (accept-encoding: gzip, deflate, br): the JSON comes gzipped, base64 in the event
    assertEquals("gzip", answer.header("content-encoding"));
    assertEquals("Accept-Encoding", answer.header("vary"));
    assertTrue(answer.isBase64Encoded(), answer.json());
    assertTrue(answer.body().length < answer.decodedBody().length, "gzip made the answer smaller");
    assertEquals("application/json", answer.header("content-type"));
    assertTraceEquals(sent, BinaryExports.EVERY_BYTE_TRACE_ID, answer.bodyJson());
  }

  @Test
  void aClientThatDoesNotAcceptGzipGetsPlainJson() {
    GatewayResponse ingested = export("export-for-plain", "application/x-protobuf", BinaryExports.everyByteValue().toByteArray(), true);
    assertEquals(200, ingested.statusCode(), ingested.json());
    String id = Long.toString(project.projectId());
    Map<String, String> context = authorize("get-plain", GatewayEvent.fromTemplate("/events/authorizer-request-get-trace.json")
        .path("/v3/query/" + id + "/traces/" + BinaryExports.EVERY_BYTE_TRACE_ID)
        .pathParameters(Map.of("projectId", id, "traceId", BinaryExports.EVERY_BYTE_TRACE_ID)).header("private-token", token.secret()));
    GatewayEvent event = getTraceEvent(project, BinaryExports.EVERY_BYTE_TRACE_ID).authorizerContext(context)
        .header("private-token", token.secret()).header("accept-encoding", "identity, gzip;q=0");

    GatewayResponse answer = GatewayResponse.parse(getTrace.invoke("get-plain", event.json()));

    assertEquals(200, answer.statusCode(), answer.json());
    assertEquals(null, answer.header("content-encoding"));
    assertFalse(answer.isBase64Encoded(), answer.json());
    assertEquals(BinaryExports.EVERY_BYTE_TRACE_ID, answer.bodyJson().get("trace_id").asString());
  }

  @Test
  void capturedJsonExportReadsBackAsTheSdksSpans() throws Exception {
    // The JS SDK's OTLP/JSON and protobuf captures carry the same batch.
    ExportTraceServiceRequest batch = ExportTraceServiceRequest.parseFrom(resource("js-http-proto.bin"));
    GatewayResponse ingested = export("export-captured-json", "application/json", resource("js-http-json.json"), false);
    assertEquals(200, ingested.statusCode(), ingested.json());

    for (String traceId : traceIds(batch)) {
      GatewayResponse answer = getTrace("get-" + traceId, traceId, token.secret());
      assertEquals(200, answer.statusCode(), answer.json());
      assertTraceEquals(batch, traceId, answer.bodyJson());
    }
  }

  @Test
  void uppercaseTraceIdInThePathIsNormalized() {
    GatewayResponse ingested = export("export-for-uppercase", "application/x-protobuf", BinaryExports.everyByteValue().toByteArray(), true);
    assertEquals(200, ingested.statusCode(), ingested.json());

    GatewayResponse answer = getTrace("get-uppercase", BinaryExports.EVERY_BYTE_TRACE_ID.toUpperCase(Locale.ROOT), token.secret());

    assertEquals(200, answer.statusCode(), answer.json());
    assertEquals(BinaryExports.EVERY_BYTE_TRACE_ID, answer.bodyJson().get("trace_id").asString());
  }

  @Test
  void missingAuthorizerContextIs401() {
    GatewayResponse answer = GatewayResponse.parse(getTrace.invoke("no-authorizer",
        getTraceEvent(project, BinaryExports.EVERY_BYTE_TRACE_ID).withoutAuthorizer().json()));

    assertEquals(401, answer.statusCode(), answer.json());
    assertEquals("application/json", answer.header("content-type"));
    assertEquals("unauthorized", answer.bodyJson().get("error").asString());
  }

  @Test
  void unknownTokenIs401() {
    GatewayResponse answer = getTrace("unknown-token", BinaryExports.EVERY_BYTE_TRACE_ID, "glpat-" + "y".repeat(40));

    assertEquals(401, answer.statusCode(), answer.json());
    assertTrue(answer.bodyJson().get("message").asString().contains("not valid"), answer.bodyText());
  }

  @Test
  void tokenOfAnotherProjectIs403() {
    GatewayResponse answer = getTrace("other-project-token", BinaryExports.EVERY_BYTE_TRACE_ID, otherToken.secret());

    assertEquals(403, answer.statusCode(), answer.json());
    assertEquals("forbidden", answer.bodyJson().get("error").asString());
  }

  @Test
  void unknownTraceIs404() {
    GatewayResponse answer = getTrace("unknown-trace", "0123456789abcdef0123456789abcdef", token.secret());

    assertEquals(404, answer.statusCode(), answer.json());
    assertEquals("not_found", answer.bodyJson().get("error").asString());
  }

  @Test
  void malformedTraceIdIs400() {
    GatewayResponse answer = getTrace("bad-trace-id", "not-a-trace-id", token.secret());

    assertEquals(400, answer.statusCode(), answer.json());
    assertEquals("invalid_parameter", answer.bodyJson().get("error").asString());
  }

  @Test
  void noFunctionWritesTheTokenToItsLog() {
    getTrace("log-check", BinaryExports.EVERY_BYTE_TRACE_ID, token.secret());

    for (LambdaFunctionProcess fn : List.of(authorizer, ingest, getTrace)) {
      String log = fn.log();
      assertFalse(log.contains(token.secret()), "the access token was written to a function's log (CloudWatch):\n" + log);
    }
  }

  // ---------------------------------------------------------------------------------------------

  /** An exporter's POST: the authorizer runs first, then ingest gets the request with its context. */
  private static GatewayResponse export(String label, String contentType, byte[] body, boolean binary) {
    String ns = Long.toString(project.namespaceId());
    String id = Long.toString(project.projectId());
    String path = "/v3/" + ns + "/" + id + "/ingest/traces";
    Map<String, String> params = Map.of("namespaceId", ns, "projectId", id);
    Map<String, String> context = authorize(label, GatewayEvent.fromTemplate("/events/authorizer-request.json")
        .path(path).pathParameters(params).header("content-type", contentType).header("private-token", token.secret()));
    GatewayEvent event = GatewayEvent.fromTemplate("/events/ingest-traces.json")
        .path(path).pathParameters(params).authorizerContext(context)
        .header("content-type", contentType).header("private-token", token.secret());
    if (binary) {
      event.binaryBody(body);
    } else {
      event.textBody(new String(body, StandardCharsets.UTF_8));
    }
    GatewayResponse response = GatewayResponse.parse(ingest.invoke(label, event.json()));
    if (response.statusCode() == 200 && binary) {
      try {
        ExportTraceServiceResponse answer = ExportTraceServiceResponse.parseFrom(response.body());
        assertFalse(answer.hasPartialSuccess(), answer.toString());
      } catch (com.google.protobuf.InvalidProtocolBufferException e) {
        throw new AssertionError("not an ExportTraceServiceResponse: " + response.json(), e);
      }
    }
    return response;
  }

  /** The web frontend's GET: the authorizer runs first, then get-trace gets the request with its context. */
  private static GatewayResponse getTrace(String label, String traceId, String secret) {
    String id = Long.toString(project.projectId());
    String path = "/v3/query/" + id + "/traces/" + traceId;
    Map<String, String> params = Map.of("projectId", id, "traceId", traceId);
    Map<String, String> context = authorize(label, GatewayEvent.fromTemplate("/events/authorizer-request-get-trace.json")
        .path(path).pathParameters(params).header("private-token", secret));
    GatewayEvent event = getTraceEvent(project, traceId).authorizerContext(context).header("private-token", secret);
    return GatewayResponse.parse(getTrace.invoke(label, event.json()));
  }

  private static GatewayEvent getTraceEvent(Project p, String traceId) {
    String id = Long.toString(p.projectId());
    return GatewayEvent.fromTemplate("/events/get-trace.json")
        .path("/v3/query/" + id + "/traces/" + traceId)
        .pathParameters(Map.of("projectId", id, "traceId", traceId));
  }

  /** Runs the authorizer and returns the context API Gateway passes on (it requires isAuthorized). */
  private static Map<String, String> authorize(String label, GatewayEvent event) {
    JsonNode response = GatewayEvent.readJson(authorizer.invoke(label + "-authorize", event.json()));
    assertTrue(response.get("isAuthorized").asBoolean(), response.toString());
    Map<String, String> context = new TreeMap<>();
    response.get("context").properties().forEach(e -> context.put(e.getKey(), e.getValue().asString()));
    return context;
  }

  private static List<String> traceIds(ExportTraceServiceRequest request) {
    return request.getResourceSpansList().stream().flatMap(rs -> rs.getScopeSpansList().stream())
        .flatMap(ss -> ss.getSpansList().stream()).map(s -> OtlpIds.hex(s.getTraceId())).distinct().sorted().toList();
  }

  /** Every span of the trace in the request, field by field, against the trace-detail JSON. */
  private static void assertTraceEquals(ExportTraceServiceRequest sent, String traceId, JsonNode trace) {
    assertEquals(project.projectId(), trace.get("project_id").asLong());
    assertEquals(traceId, trace.get("trace_id").asString());
    Map<String, JsonNode> got = new TreeMap<>();
    trace.get("spans").values().forEach(s -> got.put(s.get("span_id").asString(), s));
    Map<String, JsonNode> expected = new TreeMap<>();
    for (ResourceSpans rs : sent.getResourceSpansList()) {
      for (ScopeSpans ss : rs.getScopeSpansList()) {
        for (Span span : ss.getSpansList()) {
          if (OtlpIds.hex(span.getTraceId()).equals(traceId)) {
            expected.put(OtlpIds.hex(span.getSpanId()), expectedSpan(span, rs.getResource(), ss.getScope()));
          }
        }
      }
    }
    assertEquals(expected.keySet(), got.keySet(), "span ids of trace " + traceId);
    assertEquals(expected.size(), trace.get("total_spans").asInt());
    for (Map.Entry<String, JsonNode> e : expected.entrySet()) {
      JsonNode actual = got.get(e.getKey());
      e.getValue().properties().forEach(field -> assertEquals(field.getValue(), actual.get(field.getKey()),
          "span " + e.getKey() + ": " + field.getKey()));
    }
  }

  /** What the trace-detail API promises for a span (docs/api.md), built from what was sent. */
  private static JsonNode expectedSpan(Span span, Resource resource, InstrumentationScope scope) {
    ObjectNode s = NODES.objectNode();
    s.put("span_id", OtlpIds.hex(span.getSpanId()));
    s.put("trace_id", OtlpIds.hex(span.getTraceId()));
    s.put("parent_span_id", span.getParentSpanId().isEmpty() ? "" : OtlpIds.hex(span.getParentSpanId()));
    s.put("timestamp", rfc3339(span.getStartTimeUnixNano()));
    s.put("timestamp_nano", span.getStartTimeUnixNano());
    s.put("duration_nano", span.getEndTimeUnixNano() - span.getStartTimeUnixNano());
    s.put("operation", span.getName());
    s.put("span_kind", span.getKind().name());
    s.put("scope_name", scope.getName());
    s.put("scope_version", scope.getVersion());
    s.put("status_code", span.getStatus().getCode().name());
    s.put("status_message", span.getStatus().getMessage());
    s.put("trace_state", span.getTraceState());
    s.set("span_attributes", attributes(span.getAttributesList()));
    s.set("resource_attributes", attributes(resource.getAttributesList()));
    for (KeyValue kv : resource.getAttributesList()) {
      if (kv.getKey().equals("service.name")) {
        s.put("service_name", kv.getValue().getStringValue());
      }
    }
    ArrayNode events = s.putArray("events");
    for (Span.Event e : span.getEventsList()) {
      ObjectNode event = events.addObject();
      event.put("timestamp", rfc3339(e.getTimeUnixNano()));
      event.put("timestamp_nano", e.getTimeUnixNano());
      event.put("name", e.getName());
      event.set("attributes", attributes(e.getAttributesList()));
    }
    ArrayNode links = s.putArray("links");
    for (Span.Link l : span.getLinksList()) {
      ObjectNode link = links.addObject();
      link.put("trace_id", OtlpIds.hex(l.getTraceId()));
      link.put("span_id", OtlpIds.hex(l.getSpanId()));
      link.put("trace_state", l.getTraceState());
      link.set("attributes", attributes(l.getAttributesList()));
    }
    // Through text and back, so numbers compare as the same node types the answer parses to.
    return GatewayEvent.readJson(s.toString());
  }

  /** RFC 3339 in UTC with all nine fraction digits, as the API's examples show (docs/api.md). */
  private static String rfc3339(long unixNano) {
    Instant t = Instant.ofEpochSecond(unixNano / 1_000_000_000L, unixNano % 1_000_000_000L);
    return DateTimeFormatter.ofPattern("uuuu-MM-dd'T'HH:mm:ss.SSSSSSSSS'Z'").withZone(ZoneOffset.UTC).format(t);
  }

  private static ObjectNode attributes(List<KeyValue> kvs) {
    ObjectNode out = NODES.objectNode();
    for (KeyValue kv : kvs) {
      out.set(kv.getKey(), value(kv.getValue()));
    }
    return out;
  }

  /** Values keep their JSON type; int64 beyond 2^53 as a string; bytes as base64 (docs/api.md, trace detail). */
  private static JsonNode value(AnyValue v) {
    return switch (v.getValueCase()) {
      case STRING_VALUE -> NODES.stringNode(v.getStringValue());
      case BOOL_VALUE -> NODES.booleanNode(v.getBoolValue());
      case INT_VALUE -> Math.abs((double) v.getIntValue()) > (double) ((1L << 53) - 1)
          ? NODES.stringNode(Long.toString(v.getIntValue())) : NODES.numberNode(v.getIntValue());
      case DOUBLE_VALUE -> NODES.numberNode(v.getDoubleValue());
      case BYTES_VALUE -> NODES.stringNode(Base64.getEncoder().encodeToString(v.getBytesValue().toByteArray()));
      case ARRAY_VALUE -> {
        ArrayNode array = NODES.arrayNode();
        v.getArrayValue().getValuesList().forEach(item -> array.add(value(item)));
        yield array;
      }
      case KVLIST_VALUE -> attributes(v.getKvlistValue().getValuesList());
      default -> NODES.nullNode();
    };
  }
}
