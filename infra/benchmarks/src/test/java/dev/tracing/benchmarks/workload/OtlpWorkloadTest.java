package dev.tracing.benchmarks.workload;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.tracing.otlp.OtlpJsonReader;
import dev.tracing.testing.OtlpJsonWriter;
import io.opentelemetry.proto.collector.trace.v1.ExportTraceServiceRequest;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.ObjectMapper;

class OtlpWorkloadTest {
  private static final long NOW = 1_795_000_000_000_000_000L;

  @Test
  void batchesHaveTheBudgetWorkloadsShape() {
    ExportTraceServiceRequest batch = new OtlpWorkload(OtlpWorkload.Shape.sdkBatch(), 1).nextBatch(NOW - 3_600_000_000_000L, NOW);
    OtlpWorkload.Stats stats = OtlpWorkload.stats(batch);
    assertEquals(512, stats.spans());
    assertTrue(stats.traces() >= 14 && stats.traces() <= 30, "about 20 traces, got " + stats.traces());
    assertEquals(10.0, stats.attributesPerSpan(), 0.01);
  }

  @Test
  void theSameSeedGivesTheSameBytes() {
    byte[] a = new OtlpWorkload(OtlpWorkload.Shape.sdkBatch(), 5).nextBatch(0, NOW).toByteArray();
    byte[] b = new OtlpWorkload(OtlpWorkload.Shape.sdkBatch(), 5).nextBatch(0, NOW).toByteArray();
    assertArrayEquals(a, b);
  }

  @Test
  void aBigTraceComesInBatchesOfAtMost512Spans() {
    List<ExportTraceServiceRequest> parts = new OtlpWorkload(OtlpWorkload.Shape.sdkBatch(), 2).trace(1000, NOW);
    assertEquals(2, parts.size());
    assertEquals(1000, parts.stream().mapToInt(p -> OtlpWorkload.stats(p).spans()).sum());
    assertEquals(1, OtlpWorkload.stats(parts.get(0)).traces());
  }

  @Test
  void otlpJsonOfABatchReadsBackEqual() {
    ExportTraceServiceRequest batch = new OtlpWorkload(OtlpWorkload.Shape.sdkBatch(), 3).nextBatch(NOW - 1000, NOW);
    assertEquals(batch, OtlpJsonReader.parseRequest(OtlpJsonWriter.writeRequest(batch)));
  }

  @Test
  void zipkinJsonHasOneV2SpanPerOtlpSpan() {
    ExportTraceServiceRequest batch = new OtlpWorkload(OtlpWorkload.Shape.sdkBatch(), 4).nextBatch(NOW - 1000, NOW);
    JsonNode spans = new ObjectMapper().readTree(new String(ZipkinJson.spans(batch), StandardCharsets.UTF_8));
    assertEquals(512, spans.size());
    JsonNode first = spans.get(0);
    assertEquals(32, first.get("traceId").asString().length());
    assertEquals(16, first.get("id").asString().length());
    assertEquals("frontend", first.get("localEndpoint").get("serviceName").asString());
    assertEquals("SERVER", first.get("kind").asString());
    assertTrue(first.get("timestamp").asLong() > 0 && first.get("duration").asLong() > 0);
    assertTrue(first.get("tags").size() >= 10);
  }
}
