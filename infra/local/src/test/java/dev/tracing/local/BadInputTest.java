package dev.tracing.local;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.protobuf.ByteString;
import dev.tracing.model.Project;
import dev.tracing.model.Scope;
import dev.tracing.config.TracingConfig;
import dev.tracing.testing.GzipBombs;
import dev.tracing.testing.OtlpFixtures;
import dev.tracing.testing.OtlpJsonWriter;
import io.opentelemetry.proto.collector.trace.v1.ExportTraceServiceRequest;
import io.opentelemetry.proto.collector.trace.v1.ExportTraceServiceResponse;
import io.opentelemetry.proto.trace.v1.Span;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpRequest;
import java.time.Duration;
import java.time.Instant;
import java.util.Arrays;
import java.nio.charset.StandardCharsets;
import java.util.EnumSet;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;

/**
 * Everything a broken or hostile client can send: each is a 4xx whose message says what was
 * wrong, never a 5xx, and the server keeps answering valid requests afterwards (checked after
 * every test).
 */
class BadInputTest {
  static final int GATEWAY_LIMIT = 10 * 1024 * 1024;
  static final int BODY_CAP = TracingConfig.DEFAULT_MAX_BODY_BYTES;

  static LocalStack stack;
  static Project project;
  static String token;
  static URI ingest;
  /** 1 GiB of zeros, gzip-compressed (about 1 MB). */
  static byte[] gzipBomb;

  @BeforeAll
  static void start() throws Exception {
    stack = LocalStack.start(LocalStack.Options.forTests());
    project = stack.admin().createProject(50, "bad-input");
    token = stack.admin().createToken(project.projectId(), EnumSet.allOf(Scope.class), "bad", null).secret();
    ingest = URI.create(stack.ingestUrl(project));
  }

  @AfterAll
  static void stop() {
    if (stack != null) {
      stack.close();
    }
  }

  @AfterEach
  void stillAnswersAValidRequest() {
    ExportTraceServiceRequest r = validRequest();
    Http.ingest(ingest, token, r).expect(200);
    Http.getTrace(stack.baseUri(), project.projectId(), traceIdOf(r), token).expect(200);
  }

  @Test
  void aBodyWhoseChunksAreMalformedIsAnswered400AtOnce() throws Exception {
    for (String chunks : new String[] {"zz\r\nabc\r\n0\r\n\r\n", "5\r\nab"}) {
      boolean halfClose = chunks.startsWith("5");
      try (java.net.Socket s = new java.net.Socket("127.0.0.1", ingest.getPort())) {
        s.setSoTimeout(30_000); // a guard against a hang, far above any answer's time
        String head = "POST " + ingest.getRawPath() + " HTTP/1.1\r\nHost: 127.0.0.1\r\nPRIVATE-TOKEN: " + token
            + "\r\nContent-Type: application/x-protobuf\r\nTransfer-Encoding: chunked\r\n\r\n";
        s.getOutputStream().write((head + chunks).getBytes(StandardCharsets.US_ASCII));
        s.getOutputStream().flush();
        if (halfClose) {
          s.shutdownOutput(); // the body ends mid-chunk
        }
        String answer = oneAnswer(s.getInputStream());
        assertTrue(answer.startsWith("HTTP/1.1 400 "), chunks + ": " + answer);
        assertTrue(answer.contains("\"error\":\"bad_request\"") && answer.contains("the request body could not be read"),
            answer);
      }
    }
  }

  /** One HTTP answer: its head, then as many bytes as its Content-length says (the connection may stay open). */
  private static String oneAnswer(java.io.InputStream in) throws IOException {
    java.io.ByteArrayOutputStream read = new java.io.ByteArrayOutputStream();
    int headEnd = -1;
    int length = -1;
    while (headEnd < 0 || read.size() < headEnd + length) {
      int b = in.read();
      if (b < 0) {
        break;
      }
      read.write(b);
      String text = read.toString(StandardCharsets.UTF_8);
      if (headEnd < 0 && text.endsWith("\r\n\r\n")) {
        headEnd = read.size();
        java.util.regex.Matcher m = java.util.regex.Pattern.compile("(?i)content-length: *(\\d+)").matcher(text);
        length = m.find() ? Integer.parseInt(m.group(1)) : 0;
      }
    }
    return read.toString(StandardCharsets.UTF_8);
  }

  static ExportTraceServiceRequest validRequest() {
    return OtlpFixtures.request(OtlpFixtures.service("bad-input"),
        OtlpFixtures.span(OtlpFixtures.randomTraceId(), 1, 0, "ok", OtlpFixtures.nanos(Instant.now().minusSeconds(1)), 1_000, false));
  }

  static String traceIdOf(ExportTraceServiceRequest r) {
    return TraceAssertions.hex(r.getResourceSpans(0).getScopeSpans(0).getSpans(0).getTraceId());
  }

  static Http.Reply postProtobuf(byte[] body, String... extraHeaders) {
    return Http.post(ingest, body, headers(Http.PROTOBUF, extraHeaders));
  }

  static Http.Reply postJson(byte[] body, String... extraHeaders) {
    return Http.post(ingest, body, headers(Http.JSON_TYPE, extraHeaders));
  }

  static String[] headers(String contentType, String... extra) {
    String[] h = Arrays.copyOf(new String[] {"Content-Type", contentType, "PRIVATE-TOKEN", token}, 4 + extra.length);
    System.arraycopy(extra, 0, h, 4, extra.length);
    return h;
  }

  /** A protobuf request's error: the status, a google.rpc.Status with INVALID_ARGUMENT, and its message. */
  static String protobufError(Http.Reply reply, int status) {
    assertEquals(status, reply.status(), reply.toString());
    Http.RpcStatus rpc = reply.rpcStatus();
    assertEquals(3, rpc.code(), "INVALID_ARGUMENT: " + rpc);
    return rpc.message();
  }

  /** A JSON error: the status, the error code, and the message. */
  static String jsonError(Http.Reply reply, int status, String error) {
    assertEquals(status, reply.status(), reply.toString());
    JsonNode json = reply.json();
    assertEquals(error, json.path("error").asString(), json.toString());
    ErrorShapeTest.assertErrorShape(reply);
    return json.path("message").asString();
  }

  static void assertMentions(String message, String... parts) {
    for (String part : parts) {
      assertTrue(message.contains(part), "message should mention '" + part + "': " + message);
    }
  }

  @Test
  void garbageProtobufIs400() {
    byte[] random = new byte[2048];
    new Random(42).nextBytes(random);
    for (byte[] garbage : List.of(random, OtlpFixtures.resource("not-json.txt"), new byte[] {(byte) 0xff, (byte) 0xff, (byte) 0xff},
        "{\"resourceSpans\":[]}".getBytes())) {
      String message = protobufError(postProtobuf(garbage), 400);
      assertMentions(message, "ExportTraceServiceRequest");
    }
  }

  @Test
  void truncatedProtobufIs400() {
    byte[] whole = OtlpFixtures.resource("js-http-proto.bin");
    String message = protobufError(postProtobuf(Arrays.copyOf(whole, whole.length / 2)), 400);
    assertMentions(message, "not a valid OTLP protobuf ExportTraceServiceRequest");
    assertMentions(message.toLowerCase(), "truncated");
  }

  @Test
  void invalidJsonIs400() {
    assertMentions(jsonError(postJson(OtlpFixtures.resource("not-json.txt")), 400, "bad_request"),
        "not a valid OTLP/JSON ExportTraceServiceRequest", "invalid JSON at line 1");
    assertMentions(jsonError(postJson(OtlpFixtures.resource("truncated.json")), 400, "bad_request"), "invalid JSON");
    assertMentions(jsonError(postJson(new byte[0]), 400, "bad_request"), "empty body");
    assertMentions(jsonError(postJson("[1,2]".getBytes()), 400, "bad_request"), "expected a JSON object at the top level");
    assertMentions(jsonError(postJson("{\"resourceSpans\": 5}".getBytes()), 400, "bad_request"), "resourceSpans");
    JsonNode body = postJson(OtlpFixtures.resource("not-json.txt")).json();
    assertEquals(3, body.path("code").asInt(), "the google.rpc.Status code of OTLP/JSON errors: " + body);
  }

  @Test
  void badIdsInJsonAreRejectedSpanBySpanAsInProtobuf() {
    // five spans without timestamps, one of them with a 30-character trace id: each refused on its own
    JsonNode partial = postJson(OtlpFixtures.resource("hex-id-wrong-length.json")).expect(200).json().path("partialSuccess");
    assertEquals("5", partial.path("rejectedSpans").asString(), partial.toString());
    assertEquals("1 span with an invalid trace id (must be 16 bytes, not all zero); 4 spans with missing, unreadable or inverted timestamps"
        + " (start and end must be set, as whole nanoseconds since the epoch, and end >= start)", partial.path("errorMessage").asString());
  }

  @Test
  void badSpansInAValidProtobufRequestAreRejectedOneByOne() {
    ByteString traceId = OtlpFixtures.randomTraceId();
    long now = OtlpFixtures.nanos(Instant.now().minusSeconds(2));
    Span good = OtlpFixtures.span(traceId, 1, 0, "good root", now, 5_000, false);
    Span goodChild = OtlpFixtures.span(traceId, 2, 1, "good child", now + 1_000, 2_000, false);
    Span shortTraceId = good.toBuilder().setTraceId(traceId.substring(0, 15)).setSpanId(OtlpFixtures.spanId(3)).build();
    Span zeroSpanId = good.toBuilder().setSpanId(OtlpFixtures.spanId(0)).build();
    Span shortParent = goodChild.toBuilder().setSpanId(OtlpFixtures.spanId(4)).setParentSpanId(ByteString.copyFrom(new byte[4])).build();
    Span inverted = goodChild.toBuilder().setSpanId(OtlpFixtures.spanId(5)).setEndTimeUnixNano(now - 1).build();
    long monthAgo = OtlpFixtures.nanos(Instant.now().minus(Duration.ofDays(31)));
    Span tooOld = goodChild.toBuilder().setSpanId(OtlpFixtures.spanId(6)).setStartTimeUnixNano(monthAgo).setEndTimeUnixNano(monthAgo + 1).build();
    long later = OtlpFixtures.nanos(Instant.now().plus(Duration.ofHours(2)));
    Span future = goodChild.toBuilder().setSpanId(OtlpFixtures.spanId(7)).setStartTimeUnixNano(later).setEndTimeUnixNano(later + 1).build();
    ExportTraceServiceRequest request = OtlpFixtures.request(OtlpFixtures.service("bad-input"),
        good, shortTraceId, zeroSpanId, shortParent, goodChild, inverted, tooOld, future);

    Http.Reply reply = postProtobuf(request.toByteArray()).expect(200);
    ExportTraceServiceResponse response = reply.exportResponse();
    assertTrue(response.hasPartialSuccess(), "partial_success expected: " + response);
    assertEquals(6, response.getPartialSuccess().getRejectedSpans());
    assertMentions(response.getPartialSuccess().getErrorMessage(),
        "1 span with an invalid trace id", "1 span with an invalid span id", "1 span with an invalid parent span id",
        "1 span with missing, unreadable or inverted timestamps", "1 span older than the retention window",
        "1 span starting more than 1 hour in the future");

    JsonNode trace = Http.getTrace(stack.baseUri(), project.projectId(), TraceAssertions.hex(traceId), token).expect(200).json();
    assertEquals(2, trace.path("total_spans").asInt(), trace.toString());
    assertEquals(List.of("0000000000000001", "0000000000000002"),
        trace.path("spans").valueStream().map(s -> s.path("span_id").asString()).toList());
  }

  @Test
  void badSpansInAValidJsonRequestAreReportedInJson() {
    ExportTraceServiceRequest r = validRequest();
    Span zero = r.getResourceSpans(0).getScopeSpans(0).getSpans(0).toBuilder().setSpanId(OtlpFixtures.spanId(0)).build();
    ExportTraceServiceRequest withZero = r.toBuilder()
        .setResourceSpans(0, r.getResourceSpans(0).toBuilder().setScopeSpans(0, r.getResourceSpans(0).getScopeSpans(0).toBuilder()
            .addSpans(zero)))
        .build();
    Http.Reply reply = postJson(OtlpJsonWriter.writeRequest(withZero)).expect(200);
    JsonNode partial = reply.json().path("partialSuccess");
    assertEquals("1", partial.path("rejectedSpans").asString(), reply.text());
    assertMentions(partial.path("errorMessage").asString(), "1 span with an invalid span id");
    Http.getTrace(stack.baseUri(), project.projectId(), traceIdOf(r), token).expect(200);
  }

  @Test
  void unsupportedContentTypeIs415() {
    byte[] body = validRequest().toByteArray();
    for (String type : List.of("text/plain", "application/grpc", "application/xml")) {
      String message = jsonError(Http.post(ingest, body, "Content-Type", type, "PRIVATE-TOKEN", token), 415, "unsupported_media_type");
      assertEquals("unsupported Content-Type '" + type + "': send application/x-protobuf or application/json (OTLP/HTTP)", message);
    }
    String message = jsonError(Http.post(ingest, body, "PRIVATE-TOKEN", token), 415, "unsupported_media_type");
    assertMentions(message, "unsupported Content-Type ''");
    // Parameters and case do not matter for the types that are supported.
    Http.post(ingest, OtlpJsonWriter.writeRequest(validRequest()), "Content-Type", "Application/JSON; charset=utf-8", "PRIVATE-TOKEN", token)
        .expect(200);
  }

  @Test
  void unsupportedContentEncodingIs415() {
    byte[] body = validRequest().toByteArray();
    for (String encoding : List.of("br", "deflate", "zstd")) {
      String message = protobufError(postProtobuf(body, "Content-Encoding", encoding), 415);
      assertEquals("unsupported Content-Encoding '" + encoding + "': send gzip or no encoding", message);
    }
    String message = jsonError(postJson(OtlpJsonWriter.writeRequest(validRequest()), "Content-Encoding", "br"), 415, "unsupported_media_type");
    assertMentions(message, "unsupported Content-Encoding 'br'");
  }

  @Test
  void bodyThatIsNotGzipDespiteTheHeaderIs400() {
    String message = protobufError(postProtobuf(validRequest().toByteArray(), "Content-Encoding", "gzip"), 400);
    assertMentions(message, "not valid gzip");
    byte[] gz = Http.gzip(validRequest().toByteArray());
    message = protobufError(postProtobuf(Arrays.copyOf(gz, gz.length - 12), "Content-Encoding", "gzip"), 400);
    assertMentions(message, "gzip body is truncated");
  }

  @Test
  void gzipBombIs413() throws IOException {
    byte[] bomb = gzipBomb();
    assertTrue(bomb.length < 2 * 1024 * 1024, "the bomb is small on the wire: " + bomb.length);
    long limit = project.bytesPerMinute();
    // Protobuf: inflating stops at the project's per-minute limit, before anything is decoded.
    String message = protobufError(postProtobuf(bomb, "Content-Encoding", "gzip"), 413);
    assertEquals("the gzip body inflates to more than " + limit + " bytes but the project's ingest limit is " + limit
        + " bytes per minute, so it can never be accepted: export smaller batches (OTEL_BSP_MAX_EXPORT_BATCH_SIZE)"
        + " or ask an operator to raise the limit", message);
    // OTLP/JSON may take 8 times the limit's bytes.
    message = jsonError(postJson(bomb, "Content-Encoding", "gzip"), 413, "payload_too_large");
    assertMentions(message, "inflates to more than " + 8 * limit + " bytes of OTLP/JSON", "8 times the project's ingest limit");
  }

  @Test
  void protobufBodyOverTheProjectLimitIs413BeforeDecoding() {
    long limit = project.bytesPerMinute();
    byte[] body = new byte[(int) limit + 1];
    String message = protobufError(postProtobuf(body), 413);
    assertEquals("the request body is " + (limit + 1) + " bytes but the project's ingest limit is " + limit
        + " bytes per minute, so it can never be accepted: export smaller batches (OTEL_BSP_MAX_EXPORT_BATCH_SIZE)"
        + " or ask an operator to raise the limit", message);
    // Nothing was counted against this minute's budget: a valid request still passes (checked after each test).
  }

  /** gzip of 1 GiB of zeros ({@link GzipBombs}), made once. */
  static synchronized byte[] gzipBomb() {
    if (gzipBomb == null) {
      gzipBomb = GzipBombs.zeros(1L << 30);
    }
    return gzipBomb;
  }

  @Test
  void bodyOverTheGatewayLimitIs413() {
    List<org.junit.jupiter.api.function.Executable> variants = new java.util.ArrayList<>();
    for (int size : List.of(GATEWAY_LIMIT + 1, 11 * 1024 * 1024, 17 * 1024 * 1024)) {
      for (boolean chunked : List.of(false, true)) {
        String what = (chunked ? "a chunked" : "a fixed-length") + " body of " + size + " bytes";
        variants.add(() -> {
          Http.Reply reply = sendOrFail(what, () -> chunked
              ? Http.postChunked(ingest, new byte[size], "Content-Type", Http.PROTOBUF, "PRIVATE-TOKEN", token)
              : Http.post(ingest, new byte[size], "Content-Type", Http.PROTOBUF, "PRIVATE-TOKEN", token));
          String message = jsonError(reply, 413, "payload_too_large");
          assertEquals("the request body exceeds the gateway's limit of " + GATEWAY_LIMIT + " bytes: send smaller batches", message,
              what);
        });
      }
    }
    org.junit.jupiter.api.Assertions.assertAll(variants);
  }

  /** A client must be able to read the error answer, not just see the connection drop. */
  static Http.Reply sendOrFail(String what, java.util.function.Supplier<Http.Reply> call) {
    try {
      return call.get();
    } catch (java.io.UncheckedIOException e) {
      throw new AssertionError("posting " + what + ": the client did not get the 413 answer whole (" + e.getCause() + ")", e);
    }
  }

  @Test
  void bodyAtTheGatewayLimitIsReadWhole() {
    // Exactly at the limit the gateway passes it on; the function then says what is wrong with it.
    byte[] body = new byte[GATEWAY_LIMIT];
    String message = protobufError(postProtobuf(body), 413);
    assertEquals("the request body is " + GATEWAY_LIMIT + " bytes; the largest accepted is " + BODY_CAP + " bytes: send smaller batches",
        message);
  }

  @Test
  void emptyProtobufExportIsAccepted() {
    ExportTraceServiceResponse response = postProtobuf(new byte[0]).expect(200).exportResponse();
    assertFalse(response.hasPartialSuccess(), response.toString());
  }

  @Test
  void badTraceIdInTheQueryPathIs400() {
    for (String bad : List.of("xyz", "0123456789abcdef0123456789abcde", "0123456789abcdef0123456789abcdef0",
        "00000000000000000000000000000000", "g123456789abcdef0123456789abcdef", "0123456789abcdef-123456789abcdef")) {
      String message = jsonError(Http.getTrace(stack.baseUri(), project.projectId(), bad, token), 400, "invalid_parameter");
      assertEquals("traceId must be 32 hexadecimal characters (not all zero)", message, bad);
    }
    for (String badProject : List.of("abc", "0", "-1", "1.5")) {
      String message = jsonError(Http.get(stack.baseUri().resolve("/v3/query/" + badProject + "/traces/0123456789abcdef0123456789abcdef"),
          "PRIVATE-TOKEN", token), 400, "invalid_parameter");
      assertEquals("projectId must be a positive decimal integer of at most 18 digits", message, badProject);
    }
    // A well-formed id of a trace that does not exist is a 404 that says so.
    String message = jsonError(Http.getTrace(stack.baseUri(), project.projectId(), "0123456789abcdef0123456789abcdef", token), 404,
        "not_found");
    assertMentions(message, "has no trace 0123456789abcdef0123456789abcdef");
  }

  @Test
  void badIdsInTheIngestPathAre400() {
    for (String path : List.of("/v3/abc/" + project.projectId() + "/ingest/traces", "/v3/" + project.namespaceId() + "/0/ingest/traces",
        "/v3/" + project.namespaceId() + "/12345678901234567890/ingest/traces")) {
      String message = jsonError(Http.post(stack.baseUri().resolve(path), OtlpJsonWriter.writeRequest(validRequest()),
          "Content-Type", Http.JSON_TYPE, "PRIVATE-TOKEN", token), 400, "invalid_parameter");
      assertMentions(message, "namespace and project ids in the path must be positive decimal integers");
    }
  }

  @Test
  void unknownRouteIs404Json() {
    for (String path : List.of("/v3/nothing", "/v3/" + project.namespaceId() + "/" + project.projectId() + "/ingest/logs",
        "/v3/query/" + project.projectId() + "/traces/0123456789abcdef0123456789abcdef/extra")) {
      String message = jsonError(Http.get(stack.baseUri().resolve(path), "PRIVATE-TOKEN", token), 404, "not_found");
      assertTrue(message.startsWith("no route GET " + path + ": "), message);
    }
    assertEquals(404, Http.post(stack.baseUri().resolve("/v3/" + project.namespaceId() + "/" + project.projectId() + "/ingest/metrics"),
        validRequest().toByteArray(), "Content-Type", Http.PROTOBUF, "PRIVATE-TOKEN", token).status());
  }

  @Test
  void aPostToAPathThatIsNoRouteIs404WithAHintNot405() {
    // the OTLP default path: an exporter given OTEL_EXPORTER_OTLP_ENDPOINT (which appends /v1/traces)
    for (String path : List.of("/v1/traces", ingest.getRawPath() + "/v1/traces")) {
      String message = jsonError(Http.post(stack.baseUri().resolve(path), validRequest().toByteArray(), "Content-Type", Http.PROTOBUF,
          "PRIVATE-TOKEN", token), 404, "not_found");
      assertEquals("no route POST " + path + ": OTLP exporters send traces to /v3/{namespaceId}/{projectId}/ingest/traces: set"
          + " OTEL_EXPORTER_OTLP_TRACES_ENDPOINT to that full URL (OTEL_EXPORTER_OTLP_ENDPOINT would append /v1/traces)", message);
    }
    String noNamespace = "/v3/" + project.projectId() + "/ingest/traces";
    assertEquals("no route POST " + noNamespace + ": ingest is POST /v3/{namespaceId}/{projectId}/ingest/traces, both ids decimal"
        + " integers", jsonError(Http.post(stack.baseUri().resolve(noNamespace), validRequest().toByteArray(), "Content-Type",
        Http.PROTOBUF, "PRIVATE-TOKEN", token), 404, "not_found"));
    String slash = ingest.getRawPath() + "/";
    assertEquals("no route POST " + slash + ": drop the trailing slash: POST " + ingest.getRawPath(), jsonError(Http.post(
        stack.baseUri().resolve(slash), validRequest().toByteArray(), "Content-Type", Http.PROTOBUF, "PRIVATE-TOKEN", token), 404,
        "not_found"));
    assertEquals("no route POST /api/traces: the API is POST /v3/{namespaceId}/{projectId}/ingest/traces and GET"
        + " /v3/query/{projectId}/...; see the HTTP API in README.md", jsonError(Http.post(stack.baseUri().resolve("/api/traces"),
        new byte[] {1}, "Content-Type", Http.PROTOBUF), 404, "not_found"));
    // a file of the web frontend exists: another method on it is a 405 naming the allowed ones
    Http.Reply onIndex = Http.post(stack.baseUri().resolve("/index.html"), new byte[] {1}, "Content-Type", "text/plain");
    assertEquals("method POST is not allowed on /index.html: the web frontend's files answer GET and HEAD only",
        jsonError(onIndex, 405, "method_not_allowed"));
    assertEquals("GET, HEAD", onIndex.header("Allow"));
  }

  @Test
  void wrongMethodIs405() {
    String tracePath = "/v3/query/" + project.projectId() + "/traces/0123456789abcdef0123456789abcdef";
    String ingestPath = ingest.getRawPath();
    for (String[] call : List.of(new String[] {"GET", ingestPath}, new String[] {"PUT", ingestPath},
        new String[] {"DELETE", tracePath}, new String[] {"POST", tracePath})) {
      HttpRequest.Builder b = Http.request(stack.baseUri().resolve(call[1])).header("PRIVATE-TOKEN", token)
          .method(call[0], HttpRequest.BodyPublishers.noBody());
      String message = jsonError(Http.send(b.build()), 405, "method_not_allowed");
      String allowed = call[1].equals(ingestPath) ? "POST" : "GET";
      assertEquals("method " + call[0] + " is not allowed on " + call[1] + "; use " + allowed, message);
    }
  }

  @Test
  void wrongMethodAnswerSaysWhichMethodIsAllowed() {
    // RFC 9110 15.5.6: a 405 response MUST carry an Allow header with the route's methods.
    Http.Reply onIngest = Http.get(ingest, "PRIVATE-TOKEN", token);
    assertEquals(405, onIngest.status());
    assertEquals("POST", onIngest.header("Allow"), "Allow header of the 405 on the ingest route");
    Http.Reply onTrace = Http.send(Http.request(stack.baseUri().resolve("/v3/query/" + project.projectId()
        + "/traces/0123456789abcdef0123456789abcdef")).DELETE().build());
    assertEquals(405, onTrace.status());
    assertTrue(onTrace.header("Allow") != null && onTrace.header("Allow").contains("GET"), "Allow header of the 405 on the trace route");
  }
}
