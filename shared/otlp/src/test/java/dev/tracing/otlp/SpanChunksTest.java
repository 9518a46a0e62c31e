package dev.tracing.otlp;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.tracing.testing.OtlpFixtures;
import io.opentelemetry.proto.collector.trace.v1.ExportTraceServiceRequest;
import io.opentelemetry.proto.trace.v1.TracesData;
import java.io.ByteArrayOutputStream;
import java.time.Instant;
import java.util.Arrays;
import java.util.zip.Deflater;
import org.junit.jupiter.api.Test;

class SpanChunksTest {
  private static TracesData sample() {
    var traceId = OtlpFixtures.randomTraceId();
    long now = OtlpFixtures.nanos(Instant.now());
    ExportTraceServiceRequest r = OtlpFixtures.request(OtlpFixtures.service("checkout"),
        OtlpFixtures.span(traceId, 1, 0, "GET /api/cart", now, 1_000, false, OtlpFixtures.attr("http.request.method", "GET"),
            OtlpFixtures.attr("url.path", "/api/cart"), OtlpFixtures.attr("server.address", "cart.local")),
        OtlpFixtures.span(traceId, 2, 1, "SELECT cart", now, 500, true, OtlpFixtures.attr("db.system", "postgresql"),
            OtlpFixtures.attr("db.query.text", "SELECT * FROM cart WHERE id = ?")));
    return TracesData.newBuilder().addAllResourceSpans(r.getResourceSpansList()).build();
  }

  @Test
  void chunksAreStoredWithTheDictionaryAndReadBack() {
    TracesData data = sample();
    byte[] payload = SpanChunks.encode(data);
    assertEquals(2, payload[0], "format 2: deflate with the preset dictionary");
    assertEquals(data, SpanChunks.decode(payload));
    assertTrue(payload.length < plainDeflate(data).length, "the dictionary makes a small chunk smaller: " + payload.length
        + " vs " + plainDeflate(data).length + " bytes");
  }

  @Test
  void corruptOrUnknownPayloadsAreRefused() {
    byte[] payload = SpanChunks.encode(sample());
    byte[] unknown = payload.clone();
    unknown[0] = 7;
    for (byte[] bad : new byte[][] {new byte[0], unknown, Arrays.copyOf(payload, payload.length / 2), plainDeflate(sample())}) {
      assertThrows(IllegalStateException.class, () -> SpanChunks.decode(bad), () -> Arrays.toString(bad));
    }
  }

  /** Deflate without the dictionary, behind a first byte of 1: for size comparison, and not a stored format. */
  private static byte[] plainDeflate(TracesData data) {
    Deflater d = new Deflater(Deflater.DEFAULT_COMPRESSION, true);
    try {
      d.setInput(data.toByteArray());
      d.finish();
      ByteArrayOutputStream out = new ByteArrayOutputStream();
      out.write(1);
      byte[] buf = new byte[4096];
      while (!d.finished()) {
        out.write(buf, 0, d.deflate(buf));
      }
      return out.toByteArray();
    } finally {
      d.end();
    }
  }
}
