package dev.tracing.local;

import static org.junit.jupiter.api.Assertions.assertEquals;

import com.google.protobuf.ByteString;
import dev.tracing.model.Project;
import dev.tracing.model.Scope;
import dev.tracing.testing.OtlpFixtures;
import io.opentelemetry.proto.collector.trace.v1.ExportTraceServiceRequest;
import io.opentelemetry.proto.collector.trace.v1.ExportTraceServiceResponse;
import io.opentelemetry.proto.trace.v1.Span;
import java.net.URI;
import java.time.Instant;
import java.util.EnumSet;
import java.util.HexFormat;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;

/**
 * OTLP/JSON and protobuf refuse bad spans alike: the same defects (bad trace, span, parent and
 * link ids, bad timestamps) are span-level refusals in both encodings, reported in
 * {@code partial_success} with the same count and the same reasons, while the good spans of the
 * request are stored.
 */
class BadSpansAlikeTest {
  static final String GOOD_TRACE = "5b8efff798038103d269b633813fc60c";

  static LocalStack stack;
  static Project project;
  static String token;
  static URI ingest;

  @BeforeAll
  static void start() throws Exception {
    stack = LocalStack.start(LocalStack.Options.forTests());
    project = stack.admin().createProject(70, "bad-spans");
    token = stack.admin().createToken(project.projectId(), EnumSet.allOf(Scope.class), "alike", null).secret();
    ingest = URI.create(stack.ingestUrl(project));
  }

  @AfterAll
  static void stop() {
    if (stack != null) {
      stack.close();
    }
  }

  /** One span as OTLP/JSON members, with the given id and time fields spliced in. */
  static String jsonSpan(String traceId, String spanId, String parent, String start, String end, String links) {
    return "{\"traceId\":" + traceId + ",\"spanId\":" + spanId + ",\"parentSpanId\":" + parent + ",\"name\":\"op\","
        + "\"startTimeUnixNano\":" + start + ",\"endTimeUnixNano\":" + end + links + "}";
  }

  static String q(String s) {
    return "\"" + s + "\"";
  }

  @Test
  void theSameBadSpansGetTheSamePartialSuccessInJsonAndProtobuf() {
    long now = OtlpFixtures.nanos(Instant.now().minusSeconds(5));
    String t = q(Long.toString(now));
    String t2 = q(Long.toString(now + 1000));
    String good = "00f067aa0ba902b7";
    String none = q("");
    // In JSON: ids of the wrong length, ids that are not hex, not strings, timestamps that are no uint64.
    List<String> badJson = List.of(
        jsonSpan(q("0102030405060708"), q("1000000000000001"), none, t, t2, ""),         // 16-hex-char trace id
        jsonSpan(q("zz8efff798038103d269b633813fc60c"), q("1000000000000002"), none, t, t2, ""), // not hex
        jsonSpan("12345", q("1000000000000003"), none, t, t2, ""),                        // a number
        jsonSpan(q(GOOD_TRACE), q("eee19b7ec3c1b17"), none, t, t2, ""),                   // 15 chars
        jsonSpan(q(GOOD_TRACE), q("1000000000000005"), q("7u7etj1qjm7Rzct8LRUdug=="), t, t2, ""), // base64 parent
        jsonSpan(q(GOOD_TRACE), q("1000000000000006"), none, q("-1"), t2, ""),          // negative start
        jsonSpan(q(GOOD_TRACE), q("1000000000000007"), none, t, q("soon"), ""),         // not a number
        jsonSpan(q(GOOD_TRACE), q("1000000000000008"), none, t, "1.5", ""),             // not an integer
        jsonSpan(q(GOOD_TRACE), q("1000000000000009"), none, t, t2,
            ",\"links\":[{\"traceId\":\"abc\",\"spanId\":\"" + good + "\"}]"));          // link id not hex
    String goodJson = jsonSpan(q(GOOD_TRACE), q("100000000000000a"), none, t, t2, "");
    String body = "{\"resourceSpans\":[{\"resource\":{\"attributes\":[{\"key\":\"service.name\",\"value\":{\"stringValue\":"
        + "\"alike\"}}]},\"scopeSpans\":[{\"spans\":[" + String.join(",", badJson) + "," + goodJson + "]}]}]}";

    // The same defects, as protobuf can carry them.
    HexFormat hex = HexFormat.of();
    ByteString trace = ByteString.copyFrom(hex.parseHex(GOOD_TRACE));
    Span.Builder base = Span.newBuilder().setTraceId(trace).setName("op").setStartTimeUnixNano(now).setEndTimeUnixNano(now + 1000);
    List<Span> badProto = List.of(
        base.clone().setTraceId(ByteString.copyFrom(hex.parseHex("0102030405060708"))).setSpanId(OtlpFixtures.spanId(0x11)).build(),
        base.clone().setTraceId(ByteString.copyFrom(new byte[17])).setSpanId(OtlpFixtures.spanId(0x12)).build(),
        base.clone().setTraceId(ByteString.copyFrom(new byte[3])).setSpanId(OtlpFixtures.spanId(0x13)).build(),
        base.clone().setSpanId(ByteString.copyFrom(new byte[] {1, 2, 3, 4, 5, 6, 7})).build(),
        base.clone().setSpanId(OtlpFixtures.spanId(0x15)).setParentSpanId(ByteString.copyFrom(new byte[16])).build(),
        base.clone().setSpanId(OtlpFixtures.spanId(0x16)).setStartTimeUnixNano(0).build(),
        base.clone().setSpanId(OtlpFixtures.spanId(0x17)).setEndTimeUnixNano(0).build(),
        base.clone().setSpanId(OtlpFixtures.spanId(0x18)).setEndTimeUnixNano(now - 1).build(),
        base.clone().setSpanId(OtlpFixtures.spanId(0x19)).addLinks(Span.Link.newBuilder()
            .setTraceId(ByteString.copyFrom(new byte[2])).setSpanId(ByteString.copyFrom(hex.parseHex(good)))).build());
    ExportTraceServiceRequest proto = OtlpFixtures.request(OtlpFixtures.service("alike"),
        java.util.stream.Stream.concat(badProto.stream(), java.util.stream.Stream.of(base.clone().setSpanId(OtlpFixtures.spanId(0x1a))
            .build())).toArray(Span[]::new));

    Http.Reply jsonReply = Http.post(ingest, body.getBytes(), "Content-Type", Http.JSON_TYPE, "PRIVATE-TOKEN", token);
    assertEquals(200, jsonReply.status(), jsonReply.toString());
    JsonNode partial = jsonReply.json().get("partialSuccess");
    Http.Reply protoReply = Http.ingest(ingest, token, proto);
    assertEquals(200, protoReply.status(), protoReply.toString());
    ExportTraceServiceResponse protoResponse = protoResponse(protoReply);

    String expected = "3 spans with an invalid trace id (must be 16 bytes, not all zero)"
        + "; 1 span with an invalid span id (must be 8 bytes, not all zero)"
        + "; 1 span with an invalid parent span id (must be empty or 8 bytes)"
        + "; 1 span with an invalid link (its trace id must be 16 bytes and its span id 8 bytes)"
        + "; 3 spans with missing, unreadable or inverted timestamps (start and end must be set, as whole nanoseconds since the"
        + " epoch, and end >= start)";
    assertEquals(expected, partial.get("errorMessage").asString(), partial.toString());
    assertEquals("9", partial.get("rejectedSpans").asString());
    assertEquals(expected, protoResponse.getPartialSuccess().getErrorMessage());
    assertEquals(9, protoResponse.getPartialSuccess().getRejectedSpans());
    // and the good span of each request is stored
    JsonNode stored = Http.getTrace(stack.baseUri(), project.projectId(), GOOD_TRACE, token).expect(200).json();
    assertEquals(2, stored.get("spans").size(), stored.toString());
  }

  static ExportTraceServiceResponse protoResponse(Http.Reply reply) {
    try {
      return ExportTraceServiceResponse.parseFrom(reply.body());
    } catch (com.google.protobuf.InvalidProtocolBufferException e) {
      throw new AssertionError("not an ExportTraceServiceResponse: " + e.getMessage(), e);
    }
  }

  @Test
  void aBodyThatIsNoExportRequestIsStillA400() {
    Http.Reply reply = Http.post(ingest, "{\"resourceSpans\":[{\"scopeSpans\":[{\"spans\":[{\"traceId\":".getBytes(),
        "Content-Type", Http.JSON_TYPE, "PRIVATE-TOKEN", token);
    assertEquals(400, reply.status(), reply.toString());
    assertEquals("bad_request", reply.json().get("error").asString());
  }
}
