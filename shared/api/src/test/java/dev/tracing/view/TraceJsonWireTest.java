package dev.tracing.view;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.protobuf.ByteString;
import com.google.protobuf.CodedOutputStream;
import dev.tracing.otlp.OtlpIds;
import dev.tracing.otlp.SpanChunks;
import dev.tracing.otlp.TraceBatcher;
import dev.tracing.storage.StoredTrace;
import dev.tracing.trace.TraceChunk;
import dev.tracing.trace.TraceSummary;
import io.opentelemetry.proto.collector.trace.v1.ExportTraceServiceRequest;
import io.opentelemetry.proto.common.v1.AnyValue;
import io.opentelemetry.proto.common.v1.ArrayValue;
import io.opentelemetry.proto.common.v1.InstrumentationScope;
import io.opentelemetry.proto.common.v1.KeyValue;
import io.opentelemetry.proto.common.v1.KeyValueList;
import io.opentelemetry.proto.resource.v1.Resource;
import io.opentelemetry.proto.trace.v1.ResourceSpans;
import io.opentelemetry.proto.trace.v1.ScopeSpans;
import io.opentelemetry.proto.trace.v1.Span;
import io.opentelemetry.proto.trace.v1.Status;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/**
 * The detail answer written from the packs' bytes ({@link WireTraceJson}) against the reference
 * written from decoded messages ({@link DecodedTraceJson}): the same bytes for every trace; layouts
 * the byte reader does not read as stored (fields protobuf would merge, unknown groups) answered
 * the same from the packs as protobuf encodes them anew; corrupt packs refused as before.
 */
class TraceJsonWireTest {
  private static final long NOW_SECONDS = 1_796_000_000L;
  private static final long START = NOW_SECONDS * 1_000_000_000L - 3_600_000_000_000L;
  private static final String[] STRINGS = {"", "GET /cart", "quote \" and \\ backslash", "tab\tnew\nline\u0001\u001f",
      "héllo wörld", "日本語のスパン", "emoji \uD83D\uDE80 rocket", "</script>", "\u2028\u2029", "x".repeat(300)};

  @Test
  void randomTracesGiveTheSameBytesBothWays() throws IOException {
    SplittableRandom random = new SplittableRandom(20261206);
    for (int t = 0; t < 200; t++) {
      byte[] traceId = new byte[16];
      random.nextBytes(traceId);
      traceId[0] |= 1;
      List<ExportTraceServiceRequest> requests = new ArrayList<>();
      List<Span> sent = new ArrayList<>();
      int count = 1 + random.nextInt(3);
      for (int r = 0; r < count; r++) {
        requests.add(request(random, traceId, sent));
      }
      StoredTrace trace = stored(traceId, requests, random.nextBoolean());
      byte[] wire = WireTraceJson.write(trace, asStored(trace));
      byte[] decoded = DecodedTraceJson.write(trace);
      assertNotNull(wire, "trace " + t + " has the plain layout: the byte reader answers it as stored");
      assertEquals(new String(decoded, StandardCharsets.UTF_8), new String(wire, StandardCharsets.UTF_8), "trace " + t);
      assertArrayEquals(decoded, TraceJson.write(trace));
    }
  }

  @Test
  void anAllZeroParentIdIsARootsEmptyParent() throws IOException {
    byte[] traceId = {1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16};
    Span span = Span.newBuilder().setTraceId(ByteString.copyFrom(traceId)).setSpanId(ByteString.copyFrom(new byte[] {1, 1, 1, 1, 1, 1, 1, 1}))
        .setParentSpanId(ByteString.copyFrom(new byte[8])).setName("root").setStartTimeUnixNano(START).setEndTimeUnixNano(START + 5)
        .build();
    byte[] received = envelope(span.toByteArray());
    StoredTrace trace = stored(traceId, List.of(ExportTraceServiceRequest.parseFrom(received)), List.of(received));
    byte[] wire = WireTraceJson.write(trace, asStored(trace));
    assertNotNull(wire);
    String answer = new String(wire, StandardCharsets.UTF_8);
    // the summary counts the span as the root: the detail says it has no parent, as a tree needs
    assertTrue(answer.contains("\"parent_span_id\":\"\""), answer);
    assertEquals(new String(DecodedTraceJson.write(trace), StandardCharsets.UTF_8), answer);
  }

  @Test
  void aStatusGivenTwiceIsMergedAsProtobufMergesIt() throws IOException {
    byte[] traceId = {1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16};
    Span span = Span.newBuilder().setTraceId(ByteString.copyFrom(traceId)).setSpanId(ByteString.copyFrom(new byte[] {1, 1, 1, 1, 1, 1, 1, 1}))
        .setName("op").setStartTimeUnixNano(START).setEndTimeUnixNano(START + 5)
        .setStatus(Status.newBuilder().setMessage("first").setCode(Status.StatusCode.STATUS_CODE_ERROR)).build();
    // a second status carrying only a message: protobuf keeps the first one's code and takes the message
    ByteArrayOutputStream spanBytes = new ByteArrayOutputStream();
    span.writeTo(spanBytes);
    CodedOutputStream extra = CodedOutputStream.newInstance(spanBytes);
    extra.writeMessage(15, Status.newBuilder().setMessage("second").build());
    extra.flush();
    byte[] received = envelope(spanBytes.toByteArray());
    ExportTraceServiceRequest request = ExportTraceServiceRequest.parseFrom(received);
    assertEquals("second", request.getResourceSpans(0).getScopeSpans(0).getSpans(0).getStatus().getMessage());

    StoredTrace trace = stored(traceId, List.of(request), List.of(received));

    assertNull(WireTraceJson.write(trace, asStored(trace)), "a status given twice is left to protobuf");
    String answer = new String(TraceJson.write(trace), StandardCharsets.UTF_8);
    assertEquals(new String(DecodedTraceJson.write(trace), StandardCharsets.UTF_8), answer);
    assertTrue(answer.contains("\"status_code\":\"STATUS_CODE_ERROR\",\"status_message\":\"second\""), answer);
  }

  @Test
  void aStringThatIsNotUtf8IsLeftToProtobufWhichRefusesThePackAsBefore() {
    byte[] traceId = {1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16};
    Span span = Span.newBuilder().setTraceId(ByteString.copyFrom(traceId)).setSpanId(ByteString.copyFrom(new byte[] {2, 2, 2, 2, 2, 2, 2, 2}))
        .setName("opXY").setStartTimeUnixNano(START).setEndTimeUnixNano(START + 5).build();
    ExportTraceServiceRequest request = ExportTraceServiceRequest.newBuilder().addResourceSpans(ResourceSpans.newBuilder()
        .addScopeSpans(ScopeSpans.newBuilder().addSpans(span))).build();
    // the name's last two bytes replaced by an overlong encoding, as a client could send them: ingest
    // decodes the request it was handed and stores these bytes as they came
    byte[] received = request.toByteArray();
    String wire = new String(received, StandardCharsets.ISO_8859_1);
    int at = wire.indexOf("opXY");
    received[at + 2] = (byte) 0xc0;
    received[at + 3] = (byte) 0x80;
    StoredTrace trace = stored(traceId, List.of(request), List.of(received));

    assertNull(WireTraceJson.write(trace, asStored(trace)), "an overlong encoding is not written into the answer");
    IllegalStateException refused = assertThrows(IllegalStateException.class, () -> TraceJson.write(trace));
    assertEquals("corrupt span chunk", refused.getMessage());
  }

  @Test
  void anUnknownGroupAndDeepValuesAreAnsweredAsTheReferenceAnswersThem() throws IOException {
    byte[] traceId = {1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16};
    // a value nested 40 arrays deep: within ingest's limit of 100 nested messages
    AnyValue deep = string("bottom");
    for (int i = 0; i < 40; i++) {
      deep = AnyValue.newBuilder().setArrayValue(ArrayValue.newBuilder().addValues(deep).addValues(string("level " + i))).build();
    }
    Span span = Span.newBuilder().setTraceId(ByteString.copyFrom(traceId)).setSpanId(ByteString.copyFrom(new byte[] {3, 3, 3, 3, 3, 3, 3, 3}))
        .setName("deep").setStartTimeUnixNano(START).setEndTimeUnixNano(START + 5).addAttributes(kv("nested", deep)).build();
    byte[] plain = envelope(span.toByteArray());
    StoredTrace deepTrace = stored(traceId, List.of(ExportTraceServiceRequest.parseFrom(plain)), List.of(plain));
    byte[] asStored = WireTraceJson.write(deepTrace, asStored(deepTrace));
    assertNotNull(asStored, "values as deep as ingest takes are read as stored");
    assertArrayEquals(DecodedTraceJson.write(deepTrace), asStored);

    // the same span with a field of a later OTLP version, given as a group (wire types 3 and 4)
    ByteArrayOutputStream spanBytes = new ByteArrayOutputStream();
    span.writeTo(spanBytes);
    CodedOutputStream extra = CodedOutputStream.newInstance(spanBytes);
    extra.writeTag(99, com.google.protobuf.WireFormat.WIRETYPE_START_GROUP);
    extra.writeUInt64(1, 12345);
    extra.writeTag(99, com.google.protobuf.WireFormat.WIRETYPE_END_GROUP);
    extra.flush();
    byte[] received = envelope(spanBytes.toByteArray());
    ExportTraceServiceRequest request = ExportTraceServiceRequest.parseFrom(received);
    assertTrue(request.getResourceSpans(0).getScopeSpans(0).getSpans(0).getUnknownFields().hasField(99), "protobuf keeps the group");
    StoredTrace trace = stored(traceId, List.of(request), List.of(received));

    assertNull(WireTraceJson.write(trace, asStored(trace)), "the byte reader does not read groups as stored");
    assertArrayEquals(asStored, TraceJson.write(trace), "the unknown field is not part of the answer");
  }

  /** The encoded {@code TracesData} of each of the trace's packs, as stored. */
  private static List<byte[]> asStored(StoredTrace trace) {
    List<byte[]> packs = new ArrayList<>();
    for (byte[] payload : trace.chunks()) {
      packs.add(SpanChunks.inflate(payload));
    }
    return packs;
  }

  private static byte[] envelope(byte[] span) throws IOException {
    ByteArrayOutputStream scope = new ByteArrayOutputStream();
    CodedOutputStream s = CodedOutputStream.newInstance(scope);
    s.writeByteArray(2, span);
    s.flush();
    ByteArrayOutputStream resource = new ByteArrayOutputStream();
    CodedOutputStream r = CodedOutputStream.newInstance(resource);
    r.writeMessage(1, Resource.newBuilder().addAttributes(kv("service.name", AnyValue.newBuilder().setStringValue("svc").build())).build());
    r.writeByteArray(2, scope.toByteArray());
    r.flush();
    ByteArrayOutputStream request = new ByteArrayOutputStream();
    CodedOutputStream q = CodedOutputStream.newInstance(request);
    q.writeByteArray(1, resource.toByteArray());
    q.flush();
    return request.toByteArray();
  }

  private static StoredTrace stored(byte[] traceId, List<ExportTraceServiceRequest> requests, boolean asReceived) {
    List<byte[]> received = new ArrayList<>();
    for (ExportTraceServiceRequest r : requests) {
      received.add(asReceived ? r.toByteArray() : null);
    }
    return stored(traceId, requests, received);
  }

  /** The trace as ingest stores it: one pack per request, merged into a summary in request order. */
  private static StoredTrace stored(byte[] traceId, List<ExportTraceServiceRequest> requests, List<byte[]> received) {
    TraceSummary summary = new TraceSummary(OtlpIds.hex(ByteString.copyFrom(traceId)));
    List<byte[]> chunks = new ArrayList<>();
    List<String> keys = new ArrayList<>();
    TraceBatcher batcher = new TraceBatcher(Duration.ofDays(30));
    for (int i = 0; i < requests.size(); i++) {
      TraceBatcher.Batch batch = batcher.split(requests.get(i), received.get(i), Instant.ofEpochSecond(NOW_SECONDS));
      assertEquals(0, batch.rejectedSpans(), batch.rejectionMessage());
      for (TraceChunk c : batch.chunks()) {
        if (c.traceId().equals(summary.traceId())) {
          summary.merge(c.key(), c.facts());
          chunks.add(c.payload());
          keys.add(c.key());
        }
      }
    }
    return new StoredTrace(7, summary, chunks, keys);
  }

  /** A request with spans of the trace (some sent again from earlier requests) and of another trace. */
  private static ExportTraceServiceRequest request(SplittableRandom random, byte[] traceId, List<Span> sent) {
    ExportTraceServiceRequest.Builder request = ExportTraceServiceRequest.newBuilder();
    int resources = 1 + random.nextInt(3);
    for (int r = 0; r < resources; r++) {
      ResourceSpans.Builder rs = ResourceSpans.newBuilder();
      if (random.nextInt(5) > 0) {
        Resource.Builder resource = Resource.newBuilder().addAttributes(kv("service.name", string("svc-" + random.nextInt(4))));
        attributes(random, random.nextInt(6), 0).forEach(resource::addAttributes);
        rs.setResource(resource);
      }
      int scopes = 1 + random.nextInt(2);
      for (int s = 0; s < scopes; s++) {
        ScopeSpans.Builder ss = ScopeSpans.newBuilder();
        if (random.nextBoolean()) {
          ss.setScope(InstrumentationScope.newBuilder().setName(pick(random)).setVersion(random.nextBoolean() ? "1.2.3" : ""));
        }
        int spans = 1 + random.nextInt(8);
        for (int i = 0; i < spans; i++) {
          if (!sent.isEmpty() && random.nextInt(6) == 0) {
            ss.addSpans(sent.get(random.nextInt(sent.size()))); // an exporter's retry
            continue;
          }
          byte[] id = traceId;
          if (random.nextInt(6) == 0) {
            id = traceId.clone();
            id[15] ^= 0x55; // another trace in the same request
          }
          Span span = span(random, id, sent.isEmpty() ? null : sent.get(0));
          ss.addSpans(span);
          if (id == traceId) {
            sent.add(span);
          }
        }
        rs.addScopeSpans(ss);
      }
      request.addResourceSpans(rs);
    }
    return request.build();
  }

  private static Span span(SplittableRandom random, byte[] traceId, Span parent) {
    byte[] spanId = new byte[8];
    random.nextBytes(spanId);
    spanId[7] |= 1;
    // equal starts now and then: the order falls back to the span id
    long start = START + random.nextInt(4) * 1_000_000L;
    Span.Builder b = Span.newBuilder().setTraceId(ByteString.copyFrom(traceId)).setSpanId(ByteString.copyFrom(spanId))
        .setName(pick(random)).setStartTimeUnixNano(start).setEndTimeUnixNano(start + random.nextInt(-5, 1_000_000_000))
        .setKindValue(random.nextInt(8));
    if (parent != null && random.nextBoolean()) {
      b.setParentSpanId(parent.getSpanId());
    }
    if (random.nextBoolean()) {
      b.setTraceState(random.nextBoolean() ? "rojo=00f067aa0ba902b7" : pick(random));
    }
    if (random.nextBoolean()) {
      b.setStatus(Status.newBuilder().setCodeValue(random.nextInt(5)).setMessage(random.nextBoolean() ? pick(random) : ""));
    }
    attributes(random, random.nextInt(random.nextInt(8) == 0 ? 40 : 12), 0).forEach(b::addAttributes);
    for (int e = random.nextInt(4) == 0 ? random.nextInt(4) : 0; e > 0; e--) {
      Span.Event.Builder ev = Span.Event.newBuilder().setTimeUnixNano(start + e).setName(pick(random));
      attributes(random, random.nextInt(4), 0).forEach(ev::addAttributes);
      b.addEvents(ev);
    }
    for (int l = random.nextInt(5) == 0 ? random.nextInt(3) : 0; l > 0; l--) {
      byte[] linked = new byte[16];
      random.nextBytes(linked);
      Span.Link.Builder link = Span.Link.newBuilder().setTraceId(ByteString.copyFrom(linked)).setSpanId(ByteString.copyFrom(spanId))
          .setTraceState(random.nextBoolean() ? "a=b" : "").setFlags(random.nextInt());
      attributes(random, random.nextInt(3), 0).forEach(link::addAttributes);
      b.addLinks(link);
    }
    return b.build();
  }

  /** Attributes of every value type, keys repeated now and then (the first value stands). */
  private static List<KeyValue> attributes(SplittableRandom random, int n, int depth) {
    List<KeyValue> out = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      String key = random.nextInt(8) == 0 ? "repeated" : random.nextInt(20) == 0 ? "" : "k" + random.nextInt(1000) + pick(random);
      out.add(random.nextInt(30) == 0 ? KeyValue.newBuilder().setKey(key).build() : kv(key, value(random, depth)));
    }
    return out;
  }

  private static AnyValue value(SplittableRandom random, int depth) {
    switch (random.nextInt(depth < 3 ? 10 : 7)) {
      case 0, 1 -> {
        return string(pick(random));
      }
      case 2 -> {
        return AnyValue.newBuilder().setBoolValue(random.nextBoolean()).build();
      }
      case 3 -> {
        long[] ints = {0, -1, 42, JsonValues.MAX_SAFE_INTEGER, JsonValues.MAX_SAFE_INTEGER + 1, -JsonValues.MAX_SAFE_INTEGER - 1,
            Long.MIN_VALUE, random.nextLong()};
        return AnyValue.newBuilder().setIntValue(ints[random.nextInt(ints.length)]).build();
      }
      case 4 -> {
        double[] doubles = {0.0, -0.0, 1.5, Double.NaN, Double.POSITIVE_INFINITY, Double.NEGATIVE_INFINITY, 1e300, 4.9e-324,
            random.nextDouble()};
        return AnyValue.newBuilder().setDoubleValue(doubles[random.nextInt(doubles.length)]).build();
      }
      case 5 -> {
        byte[] bytes = new byte[random.nextInt(20)];
        random.nextBytes(bytes);
        return AnyValue.newBuilder().setBytesValue(ByteString.copyFrom(bytes)).build();
      }
      case 6 -> {
        return AnyValue.getDefaultInstance(); // no value set
      }
      case 7, 8 -> {
        ArrayValue.Builder array = ArrayValue.newBuilder();
        for (int i = random.nextInt(5); i > 0; i--) {
          array.addValues(value(random, depth + 1));
        }
        return AnyValue.newBuilder().setArrayValue(array).build();
      }
      default -> {
        return AnyValue.newBuilder().setKvlistValue(KeyValueList.newBuilder().addAllValues(attributes(random, random.nextInt(5), depth + 1)))
            .build();
      }
    }
  }

  private static String pick(SplittableRandom random) {
    return STRINGS[random.nextInt(STRINGS.length)];
  }

  private static AnyValue string(String s) {
    return AnyValue.newBuilder().setStringValue(s).build();
  }

  private static KeyValue kv(String key, AnyValue value) {
    return KeyValue.newBuilder().setKey(key).setValue(value).build();
  }
}
