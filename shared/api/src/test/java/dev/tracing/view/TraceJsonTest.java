package dev.tracing.view;

import static org.junit.jupiter.api.Assertions.assertEquals;

import com.google.protobuf.ByteString;
import dev.tracing.otlp.OtlpIds;
import dev.tracing.otlp.TraceBatcher;
import dev.tracing.storage.StoredTrace;
import dev.tracing.trace.TraceChunk;
import dev.tracing.trace.TraceSummary;
import io.opentelemetry.proto.collector.trace.v1.ExportTraceServiceRequest;
import io.opentelemetry.proto.common.v1.AnyValue;
import io.opentelemetry.proto.common.v1.KeyValue;
import io.opentelemetry.proto.resource.v1.Resource;
import io.opentelemetry.proto.trace.v1.ResourceSpans;
import io.opentelemetry.proto.trace.v1.ScopeSpans;
import io.opentelemetry.proto.trace.v1.Span;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

class TraceJsonTest {
  private static final JsonMapper JSON = JsonMapper.builder().build();
  private static final DateTimeFormatter RFC3339 =
      DateTimeFormatter.ofPattern("uuuu-MM-dd'T'HH:mm:ss.SSSSSSSSS'Z'").withZone(ZoneOffset.UTC);
  private static final long START = 1_796_000_000_000_000_000L;
  private static final byte[] TRACE_ID = {1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16};

  @Test
  void timestampsAreRfc3339WithNineFractionDigitsInUtc() {
    SplittableRandom random = new SplittableRandom(7);
    List<Long> cases = new ArrayList<>(List.of(0L, -1L, 1L, 999_999_999L, 1_000_000_000L, Long.MAX_VALUE, Long.MIN_VALUE,
        START, 951_782_400_000_000_000L /* 2000-02-29 */, 7_258_118_400_000_000_000L /* 2200-01-01 */));
    for (int i = 0; i < 10_000; i++) {
      cases.add(random.nextLong());
      cases.add(random.nextLong(0, 4_102_444_800_000_000_000L));
    }
    for (long nanos : cases) {
      String expected = RFC3339.format(Instant.ofEpochSecond(Math.floorDiv(nanos, 1_000_000_000L), Math.floorMod(nanos, 1_000_000_000L)));
      assertEquals(expected, JsonValues.timestamp(nanos), "timestamp of " + nanos);
    }
  }

  @Test
  void spansAreOrderedByStartThenSpanIdAndCarryTheirOwnResource() {
    // equal starts with span ids whose first byte is above and below 0x80: hex order, not signed byte order
    byte[][] ids = {{(byte) 0x80, 0, 0, 0, 0, 0, 0, 1}, {0x7f, 0, 0, 0, 0, 0, 0, 1}, {(byte) 0xff, 1, 0, 0, 0, 0, 0, 1},
        {0x01, 0, 0, 0, 0, 0, 0, 2}};
    ExportTraceServiceRequest request = ExportTraceServiceRequest.newBuilder()
        .addResourceSpans(resourceSpans("frontend", "eu", span(ids[0], START), span(ids[3], START + 5)))
        .addResourceSpans(resourceSpans("checkout", "us", span(ids[1], START), span(ids[2], START)))
        .build();
    StoredTrace trace = stored(request);

    JsonNode spans = JSON.readTree(TraceJson.write(trace)).get("spans");

    List<String> order = new ArrayList<>();
    spans.forEach(s -> order.add(s.get("span_id").asString()));
    assertEquals(List.of("7f00000000000001", "8000000000000001", "ff01000000000001", "0100000000000002"), order);
    for (JsonNode s : spans) {
      String service = s.get("service_name").asString();
      assertEquals(service, s.get("resource_attributes").get("service.name").asString());
      assertEquals(service.equals("frontend") ? "eu" : "us", s.get("resource_attributes").get("region").asString());
      assertEquals(1, s.get("resource_attributes").get("dup").asInt(), "a repeated key keeps its first value");
      assertEquals(JsonValues.timestamp(s.get("timestamp_nano").asLong()), s.get("timestamp").asString());
    }
  }

  private static StoredTrace stored(ExportTraceServiceRequest request) {
    TraceBatcher.Batch batch = new TraceBatcher(Duration.ofDays(30)).split(request, Instant.ofEpochSecond(START / 1_000_000_000L + 60));
    TraceSummary summary = new TraceSummary(OtlpIds.hex(ByteString.copyFrom(TRACE_ID)));
    assertEquals(0, batch.rejectedSpans(), batch.rejectionMessage());
    List<byte[]> chunks = new ArrayList<>();
    List<String> keys = new ArrayList<>();
    for (TraceChunk c : batch.chunks()) {
      summary.merge(c.key(), c.facts());
      chunks.add(c.payload());
      keys.add(c.key());
    }
    assertEquals(4, summary.spanCount());
    return new StoredTrace(7, summary, chunks, keys);
  }

  private static ResourceSpans resourceSpans(String service, String region, Span... spans) {
    Resource resource = Resource.newBuilder()
        .addAttributes(attribute("service.name", service))
        .addAttributes(attribute("region", region))
        .addAttributes(KeyValue.newBuilder().setKey("dup").setValue(AnyValue.newBuilder().setIntValue(1)))
        .addAttributes(KeyValue.newBuilder().setKey("dup").setValue(AnyValue.newBuilder().setIntValue(2)))
        .build();
    return ResourceSpans.newBuilder().setResource(resource)
        .addScopeSpans(ScopeSpans.newBuilder().addAllSpans(List.of(spans))).build();
  }

  private static KeyValue attribute(String key, String value) {
    return KeyValue.newBuilder().setKey(key).setValue(AnyValue.newBuilder().setStringValue(value)).build();
  }

  private static Span span(byte[] id, long start) {
    return Span.newBuilder().setTraceId(ByteString.copyFrom(TRACE_ID)).setSpanId(ByteString.copyFrom(id)).setName("op")
        .setStartTimeUnixNano(start).setEndTimeUnixNano(start + 1_000_000).build();
  }
}
