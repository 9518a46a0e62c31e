package dev.tracing.functions.ingest;

import static dev.tracing.testing.OtlpFixtures.resource;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.tracing.otlp.StoredSpans;
import dev.tracing.otlp.OtlpIds;
import com.google.protobuf.InvalidProtocolBufferException;
import com.google.protobuf.UnknownFieldSet;
import dev.tracing.auth.AuthorizerContext;
import dev.tracing.auth.TokenVerdict;
import dev.tracing.functions.lambda.BinaryExports;
import dev.tracing.functions.lambda.GatewayEvent;
import dev.tracing.functions.lambda.GatewayResponse;
import dev.tracing.functions.lambda.LambdaFunctionProcess;
import dev.tracing.functions.lambda.LocalTracingStore;
import dev.tracing.config.TracingConfig;
import dev.tracing.ingest.SummaryFolder;
import dev.tracing.functions.summaries.SummariesFunctionApplication;
import dev.tracing.model.Grant;
import dev.tracing.model.Project;
import dev.tracing.model.Scope;
import dev.tracing.model.TraceIds;
import dev.tracing.storage.StoredTrace;
import dev.tracing.storage.dynamodb.CapacityMeter;
import dev.tracing.storage.dynamodb.DynamoTraceReader;
import io.opentelemetry.proto.collector.trace.v1.ExportTraceServiceRequest;
import io.opentelemetry.proto.collector.trace.v1.ExportTraceServiceResponse;
import io.opentelemetry.proto.trace.v1.ResourceSpans;
import io.opentelemetry.proto.trace.v1.ScopeSpans;
import io.opentelemetry.proto.trace.v1.Span;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.util.EnumSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;

/**
 * The ingest function on its AWS Lambda path: API Gateway HTTP API events (payload 2.0) through
 * Spring Cloud Function's {@code FunctionInvoker}, the handler the SAM template names, in a JVM
 * configured only by environment variables. Proves that protobuf bodies arrive byte-exact
 * (base64 in the event), that gzip and OTLP/JSON bodies decode, that path parameters and the
 * authorizer's context reach the function, and that what was stored is exactly what was sent.
 */
class IngestLambdaTest {
  private static final String PROTOBUF = "application/x-protobuf";
  private static final String JSON = "application/json";

  private static LocalTracingStore store;
  private static LambdaFunctionProcess ingest;
  private static Project everyByte;
  private static Project captured;
  private static Project gzipped;
  private static Project otlpJson;
  private static Project gzippedJson;
  private static Project errors;
  private static Project other;
  private static Project streamed;
  private static Project streamedJson;

  @BeforeAll
  static void deploy() {
    store = LocalTracingStore.start();
    everyByte = store.createProject(11, "bytes");
    captured = store.createProject(11, "captured-proto");
    gzipped = store.createProject(11, "captured-gzip");
    otlpJson = store.createProject(11, "captured-json");
    gzippedJson = store.createProject(11, "captured-json-gzip");
    errors = store.createProject(12, "errors");
    other = store.createProject(12, "other");
    streamed = store.createProject(13, "summaries-from-the-stream");
    streamedJson = store.createProject(13, "summaries-from-the-stream-json");
    ingest = LambdaFunctionProcess.builder(IngestFunctionApplication.FUNCTION, IngestFunctionApplication.class.getName())
        .env(store.functionEnvironment())
        // The captured SDK fixtures carry fixed timestamps (Nov 2026): keep them inside retention for years.
        .env("TRACING_RETENTION_DAYS", "3650")
        .start();
  }

  @AfterAll
  static void undeploy() {
    if (ingest != null) {
      ingest.close();
    }
    if (store != null) {
      store.close();
    }
  }

  @Test
  void protobufBodyWithEveryByteValueIsStoredByteExact() throws Exception {
    ExportTraceServiceRequest request = BinaryExports.everyByteValue();

    GatewayResponse response = send("protobuf-every-byte", ingestEvent(everyByte).header("content-type", PROTOBUF)
        .binaryBody(request.toByteArray()));

    assertAccepted(response, PROTOBUF);
    assertStoredExactly(everyByte, request);
  }

  @Test
  void capturedProtobufExportIsStoredByteExact() throws Exception {
    ExportTraceServiceRequest request = ExportTraceServiceRequest.parseFrom(resource("js-http-proto.bin"));

    GatewayResponse response = send("protobuf-captured", ingestEvent(captured).header("content-type", PROTOBUF)
        .binaryBody(resource("js-http-proto.bin")));

    assertAccepted(response, PROTOBUF);
    assertStoredExactly(captured, request);
  }

  @Test
  void gzipProtobufExportIsDecompressedAndStoredByteExact() throws Exception {
    ExportTraceServiceRequest request = ExportTraceServiceRequest.parseFrom(resource("js-http-proto.bin"));

    GatewayResponse response = send("protobuf-gzip", ingestEvent(gzipped).header("content-type", PROTOBUF)
        .header("content-encoding", "gzip").binaryBody(resource("js-http-proto.bin.gz")));

    assertAccepted(response, PROTOBUF);
    assertStoredExactly(gzipped, request);
  }

  @Test
  void otlpJsonExportSentAsTextIsStoredAsTheSameSpans() throws Exception {
    // The JS exporters' JSON and protobuf captures carry the same batch.
    ExportTraceServiceRequest request = ExportTraceServiceRequest.parseFrom(resource("js-http-proto.bin"));

    GatewayResponse response = send("otlp-json", ingestEvent(otlpJson).header("content-type", JSON)
        .header("user-agent", "OTel-OTLP-Exporter-JavaScript/0.301.0")
        .textBody(new String(resource("js-http-json.json"), StandardCharsets.UTF_8)));

    assertEquals(200, response.statusCode(), response.json());
    assertFalse(response.isBase64Encoded(), "JSON answers travel as text: " + response.json());
    assertEquals(JSON, response.header("content-type"));
    JsonNode body = response.bodyJson();
    assertTrue(body.isObject() && !body.has("partialSuccess"), "an ExportTraceServiceResponse without partial success: "
        + response.bodyText());
    assertStoredExactly(otlpJson, request);
  }

  @Test
  void gzipOtlpJsonExportArrivesBase64EncodedAndIsStoredAsTheSameSpans() throws Exception {
    ExportTraceServiceRequest request = ExportTraceServiceRequest.parseFrom(resource("js-http-proto.bin"));

    // Compressed, the body is binary: API Gateway base64-encodes it.
    GatewayResponse response = send("otlp-json-gzip", ingestEvent(gzippedJson).header("content-type", JSON)
        .header("content-encoding", "gzip").binaryBody(resource("js-http-json.json.gz")));

    assertEquals(200, response.statusCode(), response.json());
    assertEquals(JSON, response.header("content-type"));
    assertFalse(response.bodyJson().has("partialSuccess"), response.bodyText());
    assertStoredExactly(gzippedJson, request);
  }

  @Test
  void missingAuthorizerContextIs401InTheRequestsEncoding() throws Exception {
    GatewayResponse json = send("no-authorizer-json", ingestEvent(errors).withoutAuthorizer().header("content-type", JSON)
        .textBody("{\"resourceSpans\":[]}"));
    assertEquals(401, json.statusCode(), json.json());
    assertEquals(JSON, json.header("content-type"));
    assertEquals("unauthorized", json.bodyJson().get("error").asString());
    assertEquals(16, json.bodyJson().get("code").asInt(), "gRPC UNAUTHENTICATED");
    assertEquals(TokenVerdict.Outcome.MISSING.message, json.bodyJson().get("message").asString());

    GatewayResponse proto = send("no-authorizer-protobuf", ingestEvent(errors).withoutAuthorizer()
        .header("content-type", PROTOBUF).binaryBody(BinaryExports.everyByteValue().toByteArray()));
    assertEquals(401, proto.statusCode(), proto.json());
    assertTrue(proto.isBase64Encoded());
    assertRpcStatus(proto, 16, TokenVerdict.Outcome.MISSING.message);
  }

  @Test
  void unknownTokenVerdictFromTheAuthorizerIs401() {
    GatewayResponse response = send("verdict-unknown", ingestEvent(errors)
        .authorizerContext(AuthorizerContext.of(TokenVerdict.denied(TokenVerdict.Outcome.UNKNOWN)))
        .header("content-type", JSON).textBody("{\"resourceSpans\":[]}"));

    assertEquals(401, response.statusCode(), response.json());
    assertEquals(TokenVerdict.Outcome.UNKNOWN.message, response.bodyJson().get("message").asString());
  }

  @Test
  void tokenOfAnotherProjectIs403() {
    // The path names project `errors`; the token is for `other`: only pathParameters can tell.
    GatewayResponse response = send("wrong-project", ingestEvent(errors).authorizerContext(context(other, Scope.WRITE_OBSERVABILITY))
        .header("content-type", JSON).textBody("{\"resourceSpans\":[]}"));

    assertEquals(403, response.statusCode(), response.json());
    assertEquals("forbidden", response.bodyJson().get("error").asString());
    assertTrue(response.bodyJson().get("message").asString().contains("project " + errors.projectId()), response.bodyText());
  }

  @Test
  void tokenWithoutWriteScopeIs403() {
    GatewayResponse response = send("read-only-token", ingestEvent(errors).authorizerContext(context(errors, Scope.READ_OBSERVABILITY))
        .header("content-type", JSON).textBody("{\"resourceSpans\":[]}"));

    assertEquals(403, response.statusCode(), response.json());
    assertTrue(response.bodyJson().get("message").asString().contains("write_observability"), response.bodyText());
  }

  @Test
  void malformedProtobufIs400WithAnRpcStatus() throws Exception {
    GatewayResponse response = send("bad-protobuf", ingestEvent(errors).header("content-type", PROTOBUF)
        .binaryBody(new byte[] {(byte) 0xff, 0x00, (byte) 0xfe, 0x7f}));

    assertEquals(400, response.statusCode(), response.json());
    assertEquals(PROTOBUF, response.header("content-type"));
    assertRpcStatus(response, 3, null);
  }

  @Test
  void malformedJsonIs400WithAJsonError() {
    GatewayResponse response = send("bad-json", ingestEvent(errors).header("content-type", JSON)
        .textBody("{\"resourceSpans\": [ {\"scopeSpans\": "));

    assertEquals(400, response.statusCode(), response.json());
    assertEquals(JSON, response.header("content-type"));
    assertEquals(3, response.bodyJson().get("code").asInt(), "gRPC INVALID_ARGUMENT: " + response.bodyText());
  }

  @Test
  void bodyFlaggedBase64ButNotBase64Is400() {
    GatewayResponse response = send("bad-base64", ingestEvent(errors).header("content-type", PROTOBUF)
        .rawBody("not base64 at all!", true));

    assertEquals(400, response.statusCode(), response.json());
    assertEquals("bad_request", response.bodyJson().get("error").asString());
  }

  @Test
  void pathParametersAreWhatTheFunctionRoutesOn() {
    // API Gateway always sends them for this route; without them the function must not guess from rawPath.
    GatewayResponse response = send("no-path-parameters", ingestEvent(errors).withoutPathParameters()
        .header("content-type", JSON).textBody("{\"resourceSpans\":[]}"));

    assertEquals(400, response.statusCode(), response.json());
    assertEquals("invalid_parameter", response.bodyJson().get("error").asString());
  }

  /**
   * The deployed configuration: ingest stores spans only ({@code TRACING_SUMMARIES=stream}), and the
   * summaries function folds them from the table's stream event. The OTLP/JSON export takes
   * ingest's other path: its transcoded bytes are stored without being parsed again.
   */
  @Test
  void theSummariesFunctionFoldsWhatStreamModeIngestStored() throws Exception {
    ExportTraceServiceRequest request = ExportTraceServiceRequest.parseFrom(resource("js-http-proto.bin"));
    try (LambdaFunctionProcess storeOnly = LambdaFunctionProcess.builder(IngestFunctionApplication.FUNCTION,
             IngestFunctionApplication.class.getName()).env(store.functionEnvironment()).env("TRACING_RETENTION_DAYS", "3650")
             .env(TracingConfig.SUMMARIES, "stream").start();
         LambdaFunctionProcess summaries = LambdaFunctionProcess.builder(SummariesFunctionApplication.FUNCTION,
             SummariesFunctionApplication.class.getName()).env(store.functionEnvironment()).env("TRACING_RETENTION_DAYS", "3650")
             .env(TracingConfig.SUMMARIES, "stream").start()) {
      ingestAndFold(storeOnly, summaries, streamed, request, ingestEvent(streamed).header("content-type", PROTOBUF)
          .binaryBody(request.toByteArray()));
      ingestAndFold(storeOnly, summaries, streamedJson, request, ingestEvent(streamedJson).header("content-type", JSON)
          .textBody(new String(resource("js-http-json.json"), StandardCharsets.UTF_8)));
    }
  }

  private static void ingestAndFold(LambdaFunctionProcess storeOnly, LambdaFunctionProcess summaries, Project project,
                                    ExportTraceServiceRequest request, GatewayEvent event) throws Exception {
    String traceId = OtlpIds.hex(request.getResourceSpans(0).getScopeSpans(0).getSpans(0).getTraceId());
    DynamoTraceReader reader = new DynamoTraceReader(store.client(), LocalTracingStore.TABLE, Clock.systemUTC(), new CapacityMeter());
    GatewayResponse response = GatewayResponse.parse(storeOnly.invoke("stream-mode-ingest-" + project.name(), event.json()));
    assertEquals(200, response.statusCode(), response.json());
    assertTrue(reader.read(project.projectId(), traceId).isEmpty(), "no summary before the stream is folded");

    List<Map<String, AttributeValue>> chunks = store.client().scanPaginator(b -> b.tableName(LocalTracingStore.TABLE)
            .filterExpression("pk = :p")
            .expressionAttributeValues(Map.of(":p", AttributeValue.fromS(dev.tracing.storage.dynamodb.DynamoTraceWriter.packPartition(project.projectId())))))
        .items().stream().toList();
    assertFalse(chunks.isEmpty(), "stream-mode ingest stored its span pack");
    JsonNode answer = GatewayEvent.readJson(summaries.invoke("summaries-" + project.name(),
        tools.jackson.databind.json.JsonMapper.builder().build().writeValueAsString(SummaryFolder.streamEvent(chunks))));
    assertEquals(chunks.size(), answer.get("packs").asInt(), answer.toString());
    assertEquals(0, answer.get("unreadable").asInt(), answer.toString());
    assertStoredExactly(project, request);
  }

  // ---------------------------------------------------------------------------------------------

  private static GatewayEvent ingestEvent(Project project) {
    String ns = Long.toString(project.namespaceId());
    String id = Long.toString(project.projectId());
    return GatewayEvent.fromTemplate("/events/ingest-traces.json")
        .path("/v3/" + ns + "/" + id + "/ingest/traces")
        .pathParameters(Map.of("namespaceId", ns, "projectId", id))
        .authorizerContext(context(project, Scope.WRITE_OBSERVABILITY));
  }

  /** What the authorizer function returns for a valid token of the project (see AuthorizerContext). */
  private static Map<String, Object> context(Project project, Scope... scopes) {
    return AuthorizerContext.of(TokenVerdict.valid(new Grant("tok" + project.projectId(), project.projectId(),
        project.namespaceId(), EnumSet.copyOf(List.of(scopes)))));
  }

  private static GatewayResponse send(String label, GatewayEvent event) {
    return GatewayResponse.parse(ingest.invoke(label, event.json()));
  }

  private static void assertAccepted(GatewayResponse response, String contentType) throws InvalidProtocolBufferException {
    assertEquals(200, response.statusCode(), response.json());
    assertTrue(response.isBase64Encoded(), "a protobuf answer must be base64-encoded for API Gateway: " + response.json());
    assertEquals(contentType, response.header("content-type"));
    ExportTraceServiceResponse answer = ExportTraceServiceResponse.parseFrom(response.body());
    assertFalse(answer.hasPartialSuccess(), "no span may be rejected: " + answer);
  }

  /** A {@code google.rpc.Status} (code 1, message 2), read without its generated class. */
  private static void assertRpcStatus(GatewayResponse response, int code, String message) throws InvalidProtocolBufferException {
    UnknownFieldSet status = UnknownFieldSet.parseFrom(response.body());
    assertEquals(List.of((long) code), status.getField(1).getVarintList(), "google.rpc.Status code");
    String text = status.getField(2).getLengthDelimitedList().get(0).toStringUtf8();
    if (message != null) {
      assertEquals(message, text);
    } else {
      assertFalse(text.isBlank(), "the status says what is wrong");
    }
  }

  /**
   * Every span of the request is stored with exactly its bytes: ids, attributes, events, links,
   * and the resource and scope it came with (protobuf equality compares every field).
   */
  private static void assertStoredExactly(Project project, ExportTraceServiceRequest request) {
    DynamoTraceReader reader = new DynamoTraceReader(store.client(), LocalTracingStore.TABLE, Clock.systemUTC(), new CapacityMeter());
    Map<String, Map<String, Span>> sentByTrace = new TreeMap<>();
    int spans = 0;
    for (ResourceSpans rs : request.getResourceSpansList()) {
      for (ScopeSpans ss : rs.getScopeSpansList()) {
        for (Span span : ss.getSpansList()) {
          sentByTrace.computeIfAbsent(OtlpIds.hex(span.getTraceId()), k -> new TreeMap<>()).put(OtlpIds.hex(span.getSpanId()), span);
          spans++;
        }
      }
    }
    assertTrue(spans > 0);
    for (Map.Entry<String, Map<String, Span>> trace : sentByTrace.entrySet()) {
      Optional<StoredTrace> stored = reader.read(project.projectId(), trace.getKey());
      assertTrue(stored.isPresent(), "trace " + trace.getKey() + " was not stored");
      Map<String, StoredSpans.SpanRecord> got = new TreeMap<>();
      StoredSpans.of(stored.get()).forEach(r -> got.put(OtlpIds.hex(r.span().getSpanId()), r));
      assertEquals(trace.getValue().keySet(), got.keySet(), "span ids of trace " + trace.getKey());
      for (Map.Entry<String, Span> sent : trace.getValue().entrySet()) {
        StoredSpans.SpanRecord record = got.get(sent.getKey());
        assertEquals(sent.getValue(), record.span(), "span " + sent.getKey());
        ResourceSpans rs = resourceOf(request, sent.getValue());
        assertEquals(rs.getResource(), record.resource(), "resource of span " + sent.getKey());
      }
    }
  }

  private static ResourceSpans resourceOf(ExportTraceServiceRequest request, Span span) {
    return request.getResourceSpansList().stream()
        .filter(rs -> rs.getScopeSpansList().stream().anyMatch(ss -> ss.getSpansList().contains(span)))
        .findFirst().orElseThrow();
  }
}
