package dev.tracing.local;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.tracing.model.Project;
import dev.tracing.model.Scope;
import dev.tracing.otlp.OtlpJsonReader;
import dev.tracing.testing.OtlpFixtures;
import dev.tracing.testing.OtlpJsonWriter;
import io.opentelemetry.proto.collector.trace.v1.ExportTraceServiceRequest;
import io.opentelemetry.proto.collector.trace.v1.ExportTraceServiceResponse;
import io.opentelemetry.proto.trace.v1.ResourceSpans;
import io.opentelemetry.proto.trace.v1.ScopeSpans;
import io.opentelemetry.proto.trace.v1.Span;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.time.Duration;
import java.time.Instant;
import java.util.EnumSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.stream.Stream;
import java.util.zip.GZIPInputStream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import tools.jackson.databind.JsonNode;

/**
 * The requests the OpenTelemetry JS exporters really sent (JSON and protobuf, plain and gzip,
 * chunked as they send them and with a fixed length), each into its own project, read back span
 * by span against the captured content.
 */
class JsonAndGzipIngestTest {
  /** Spans start at most this long before now, or the fixture's timestamps are moved to now (see {@link #payload}). */
  static final Duration KEEP_AS_CAPTURED = Duration.ofDays(29);

  static LocalStack stack;

  /** The captured batch, decoded from the protobuf capture by protobuf-java itself. */
  static ExportTraceServiceRequest captured;
  /** The batch as sent: the capture, or the capture moved to the present when it is too old for the retention window. */
  static ExportTraceServiceRequest sent;
  static boolean shifted;

  @BeforeAll
  static void start() throws Exception {
    stack = LocalStack.start(LocalStack.Options.forTests());
    captured = ExportTraceServiceRequest.parseFrom(OtlpFixtures.resource("js-http-proto.bin"));
    long now = nanos(Instant.now());
    long earliest = captured.getResourceSpansList().stream().flatMap(rs -> rs.getScopeSpansList().stream())
        .flatMap(ss -> ss.getSpansList().stream()).mapToLong(Span::getStartTimeUnixNano).min().orElseThrow();
    // -Dtracing.e2e.shiftFixtures=true exercises the shifted path on the day of capture too.
    shifted = earliest < now - KEEP_AS_CAPTURED.toNanos() || earliest > now || Boolean.getBoolean("tracing.e2e.shiftFixtures");
    sent = shifted ? shift(captured, now - Duration.ofMinutes(1).toNanos() - earliest) : captured;
  }

  @AfterAll
  static void stop() {
    if (stack != null) {
      stack.close();
    }
  }

  @Test
  void theFourCapturesCarryTheSameBatch() {
    assertEquals(captured, OtlpJsonReader.parseRequest(OtlpFixtures.resource("js-http-json.json")), "js-http-json.json");
    assertEquals(captured, OtlpJsonReader.parseRequest(gunzip(OtlpFixtures.resource("js-http-json.json.gz"))), "js-http-json.json.gz");
    assertEquals(OtlpFixtures.resource("js-http-proto.bin").length, gunzip(OtlpFixtures.resource("js-http-proto.bin.gz")).length);
    assertEquals(Set.of("63a5b1783e10b591821795bfab0bd62e", "109d9b695b705ab0c47f9f1ff36c12d8"), TraceAssertions.traceIds(captured));
  }

  static Stream<Arguments> captures() {
    return Stream.of(
        Arguments.of("js-http-json.json", Http.JSON_TYPE, null, false),
        Arguments.of("js-http-json.json", Http.JSON_TYPE, null, true),
        Arguments.of("js-http-proto.bin", Http.PROTOBUF, null, false),
        Arguments.of("js-http-proto.bin", Http.PROTOBUF, null, true),
        Arguments.of("js-http-json.json.gz", Http.JSON_TYPE, "gzip", false),
        Arguments.of("js-http-json.json.gz", Http.JSON_TYPE, "gzip", true),
        Arguments.of("js-http-proto.bin.gz", Http.PROTOBUF, "gzip", false),
        Arguments.of("js-http-proto.bin.gz", Http.PROTOBUF, "gzip", true));
  }

  @ParameterizedTest(name = "{0} chunked={3}")
  @MethodSource("captures")
  void capturedExportIsStoredSpanBySpan(String fixture, String contentType, String contentEncoding, boolean chunked) {
    Project project = stack.admin().createProject(20, fixture + (chunked ? " chunked" : ""));
    String token = stack.admin().createToken(project.projectId(), EnumSet.allOf(Scope.class), "js", null).secret();
    byte[] body = payload(fixture);
    String[] headers = contentEncoding == null
        ? new String[] {"Content-Type", contentType, "PRIVATE-TOKEN", token, "User-Agent", "OTel-OTLP-Exporter-JavaScript/0.301.0"}
        : new String[] {"Content-Type", contentType, "Content-Encoding", contentEncoding, "PRIVATE-TOKEN", token,
            "User-Agent", "OTel-OTLP-Exporter-JavaScript/0.301.0"};
    URI ingest = URI.create(stack.ingestUrl(project));
    Http.Reply reply = chunked ? Http.postChunked(ingest, body, headers) : Http.post(ingest, body, headers);

    reply.expect(200);
    if (contentType.equals(Http.JSON_TYPE)) {
      assertEquals("{}", reply.text(), "OTLP/JSON success answer without partial success");
      assertTrue(reply.header("Content-Type").startsWith(Http.JSON_TYPE), "Content-Type of the answer");
    } else {
      ExportTraceServiceResponse response = reply.exportResponse();
      assertFalse(response.hasPartialSuccess(), "no span was rejected: " + response);
    }

    for (String traceId : TraceAssertions.traceIds(sent)) {
      JsonNode answer = Http.getTrace(stack.baseUri(), project.projectId(), traceId, token).expect(200).json();
      TraceAssertions.assertTraceEquals(sent, traceId, project.projectId(), answer);
    }
  }

  @Test
  void theCapturedValuesReadBackAsTheJsExporterSentThem() {
    Project project = stack.admin().createProject(20, "spelled-out");
    String token = stack.admin().createToken(project.projectId(), EnumSet.allOf(Scope.class), "js", null).secret();
    Http.post(URI.create(stack.ingestUrl(project)), payload("js-http-json.json"),
        "Content-Type", Http.JSON_TYPE, "PRIVATE-TOKEN", token).expect(200);

    // Trace ids are accepted in upper case and answered in lower case.
    JsonNode trace = Http.getTrace(stack.baseUri(), project.projectId(), "109D9B695B705AB0C47F9F1FF36C12D8", token).expect(200).json();
    assertEquals("109d9b695b705ab0c47f9f1ff36c12d8", trace.path("trace_id").asString());
    assertEquals("POST /checkout", trace.path("span_name").asString());
    assertEquals("checkout", trace.path("service_name").asString());
    assertEquals(11_103_192, trace.path("duration_nano").asLong());
    assertEquals(4, trace.path("total_spans").asInt());
    assertEquals(2, trace.path("error_span_count").asInt());
    assertEquals("STATUS_CODE_ERROR", trace.path("status_code").asString());
    assertFalse(trace.path("in_progress").asBoolean());
    JsonNode root = spanById(trace, "b7cb373d13dbd61e");
    assertEquals("SPAN_KIND_SERVER", root.path("span_kind").asString());
    assertEquals("payment failed", root.path("status_message").asString());
    assertEquals("checkout-http", root.path("scope_name").asString());
    assertEquals("1.4.2", root.path("scope_version").asString());
    JsonNode attrs = root.path("span_attributes");
    assertEquals(502, attrs.path("http.response.status_code").intValue());
    assertTrue(attrs.path("checkout.express").booleanValue());
    assertEquals(123.45, attrs.path("checkout.total").doubleValue());
    assertEquals(4_294_967_296L, attrs.path("checkout.big_count").longValue());
    assertEquals(List.of("sku-1", "sku-22", "sku-333"),
        attrs.path("checkout.item_ids").valueStream().map(JsonNode::stringValue).toList());
    assertEquals(List.of(1, 2, 30), attrs.path("checkout.quantities").valueStream().map(JsonNode::intValue).toList());
    assertEquals(List.of(true, false, true), attrs.path("checkout.gift_flags").valueStream().map(JsonNode::booleanValue).toList());
    assertEquals(List.of(9.99, 0.5, 100.25), attrs.path("checkout.prices").valueStream().map(JsonNode::doubleValue).toList());
    assertEquals(4242, root.path("resource_attributes").path("process.pid").intValue());
    JsonNode link = root.path("links").get(0);
    assertEquals("63a5b1783e10b591821795bfab0bd62e", link.path("trace_id").asString());
    assertEquals("4af5c703950d19f1", link.path("span_id").asString());
    assertEquals("vendor1=opaque1,congo=t61rcWkgMzE", link.path("trace_state").asString());
    assertEquals(7, link.path("attributes").path("link.batch").intValue());
    JsonNode event = root.path("events").get(0);
    assertEquals("cart loaded", event.path("name").asString());
    assertEquals(3, event.path("attributes").path("cart.items").intValue());
    JsonNode charge = spanById(trace, "e2069375b01bb06a");
    assertEquals("checkout-payments", charge.path("scope_name").asString());
    assertEquals("card declined by issuer", charge.path("status_message").asString());
    assertEquals("PaymentDeclinedError", charge.path("events").get(0).path("attributes").path("exception.type").asString());
    if (!shifted) {
      assertEquals(1_795_629_718_945_000_000L, trace.path("timestamp_nano").asLong());
      assertEquals("2026-11-25T18:01:58.945000000Z", trace.path("timestamp").asString());
      assertEquals(1_795_629_718_945_061_363L, event.path("timestamp_nano").asLong());
    }

    JsonNode producer = Http.getTrace(stack.baseUri(), project.projectId(), "63a5b1783e10b591821795bfab0bd62e", token)
        .expect(200).json();
    assertEquals(1, producer.path("total_spans").asInt());
    assertEquals("SPAN_KIND_PRODUCER", producer.path("spans").get(0).path("span_kind").asString());
    assertEquals("STATUS_CODE_UNSET", producer.path("status_code").asString());
  }

  @Test
  void aRetriedExportStoresEachSpanOnce() {
    Project project = stack.admin().createProject(20, "retries");
    String token = stack.admin().createToken(project.projectId(), EnumSet.allOf(Scope.class), "js", null).secret();
    URI ingest = URI.create(stack.ingestUrl(project));
    Http.post(ingest, payload("js-http-proto.bin"), "Content-Type", Http.PROTOBUF, "PRIVATE-TOKEN", token).expect(200);
    Http.postChunked(ingest, payload("js-http-proto.bin"), "Content-Type", Http.PROTOBUF, "PRIVATE-TOKEN", token).expect(200);
    // The same spans again, as JSON and gzip-compressed: still the same spans.
    Http.post(ingest, payload("js-http-json.json.gz"), "Content-Type", Http.JSON_TYPE, "Content-Encoding", "gzip",
        "PRIVATE-TOKEN", token).expect(200);

    for (String traceId : TraceAssertions.traceIds(sent)) {
      JsonNode answer = Http.getTrace(stack.baseUri(), project.projectId(), traceId, token).expect(200).json();
      TraceAssertions.assertTraceEquals(sent, traceId, project.projectId(), answer);
    }
  }

  static JsonNode spanById(JsonNode trace, String spanId) {
    for (JsonNode s : trace.path("spans")) {
      if (s.path("span_id").asString().equals(spanId)) {
        return s;
      }
    }
    throw new AssertionError("no span " + spanId + " in " + trace);
  }

  /** The body to send for a fixture: the captured bytes, or the same encoding of the shifted batch. */
  static byte[] payload(String fixture) {
    if (!shifted) {
      return OtlpFixtures.resource(fixture);
    }
    String name = fixture.toLowerCase(Locale.ROOT);
    byte[] raw = name.contains(".json") ? OtlpJsonWriter.writeRequest(sent) : sent.toByteArray();
    return name.endsWith(".gz") ? Http.gzip(raw) : raw;
  }

  /** Moves every timestamp of a request by {@code deltaNano}. */
  static ExportTraceServiceRequest shift(ExportTraceServiceRequest request, long deltaNano) {
    ExportTraceServiceRequest.Builder b = request.toBuilder();
    for (ResourceSpans.Builder rs : b.getResourceSpansBuilderList()) {
      for (ScopeSpans.Builder ss : rs.getScopeSpansBuilderList()) {
        for (Span.Builder s : ss.getSpansBuilderList()) {
          s.setStartTimeUnixNano(s.getStartTimeUnixNano() + deltaNano);
          s.setEndTimeUnixNano(s.getEndTimeUnixNano() + deltaNano);
          for (Span.Event.Builder e : s.getEventsBuilderList()) {
            e.setTimeUnixNano(e.getTimeUnixNano() + deltaNano);
          }
        }
      }
    }
    return b.build();
  }

  static long nanos(Instant t) {
    return t.getEpochSecond() * 1_000_000_000L + t.getNano();
  }

  static byte[] gunzip(byte[] gz) {
    try (GZIPInputStream in = new GZIPInputStream(new ByteArrayInputStream(gz))) {
      return in.readAllBytes();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
