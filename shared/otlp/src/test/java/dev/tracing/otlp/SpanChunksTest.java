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
    // fixed, so a byte flipped in the compressed frame lands on the same spot in every run (a flip
    // inside a literal of random ids could still decode to some other valid message)
    var traceId = com.google.protobuf.ByteString.copyFrom(java.util.HexFormat.of().parseHex("0af7651916cd43dd8448eb211c80319c"));
    long now = OtlpFixtures.nanos(Instant.parse("2026-11-24T12:00:00Z"));
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
    assertEquals(3, payload[0], "format 3: zstd with the preset dictionary");
    assertEquals(data, SpanChunks.decode(payload));
    assertTrue(payload.length < plainDeflate(data).length, "the dictionary makes a small chunk smaller: " + payload.length
        + " vs " + plainDeflate(data).length + " bytes");
  }

  @Test
  void packsStoredInTheDeflateFormatAreStillRead() throws Exception {
    TracesData data = sample();
    byte[] dictionary;
    try (var in = SpanChunks.class.getResourceAsStream("chunk-dictionary-2.txt")) {
      dictionary = in.readAllBytes();
    }
    byte[] format2 = deflate(data, dictionary, (byte) 2);

    assertEquals(data, SpanChunks.decode(format2));
  }

  @Test
  void aZstdFrameWhoseSizeOrBytesAreWrongIsRefused() {
    byte[] payload = SpanChunks.encode(sample());
    byte[] flipped = payload.clone();
    flipped[flipped.length / 2] ^= 0x55;
    byte[] header = Arrays.copyOf(payload, 3);
    for (byte[] bad : new byte[][] {flipped, header, new byte[] {3}}) {
      IllegalStateException e = assertThrows(IllegalStateException.class, () -> SpanChunks.decode(bad), () -> Arrays.toString(bad));
      assertTrue(e.getMessage().startsWith("corrupt span chunk") || e.getMessage().startsWith("unknown"), e.getMessage());
    }
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
    return deflate(data, null, (byte) 1);
  }

  private static byte[] deflate(TracesData data, byte[] dictionary, byte format) {
    Deflater d = new Deflater(Deflater.DEFAULT_COMPRESSION, true);
    try {
      if (dictionary != null) {
        d.setDictionary(dictionary);
      }
      d.setInput(data.toByteArray());
      d.finish();
      ByteArrayOutputStream out = new ByteArrayOutputStream();
      out.write(format);
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
