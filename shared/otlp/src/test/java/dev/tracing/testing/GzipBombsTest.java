package dev.tracing.testing;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.util.zip.GZIPInputStream;
import org.junit.jupiter.api.Test;

class GzipBombsTest {
  /** Reads the whole stream (GZIPInputStream checks the trailer's CRC-32 and length at its end). */
  private static long[] inflate(byte[] gzip) throws IOException {
    long total = 0;
    long nonZero = 0;
    try (InputStream in = new GZIPInputStream(new ByteArrayInputStream(gzip), 1 << 16)) {
      byte[] buffer = new byte[1 << 16];
      int n;
      while ((n = in.read(buffer)) > 0) {
        total += n;
        for (int i = 0; i < n; i++) {
          nonZero += buffer[i] != 0 ? 1 : 0;
        }
      }
    }
    return new long[] {total, nonZero};
  }

  @Test
  void inflatesToExactlyThatManyZerosWithAValidTrailer() throws IOException {
    for (long size : new long[] {0, 1, 16 << 20, 3 * (16 << 20) + 12_345}) {
      long[] read = inflate(GzipBombs.zeros(size));
      assertEquals(size, read[0], "bytes inflated from a bomb of " + size);
      assertEquals(0, read[1], "only zeros");
    }
  }

  @Test
  void aGibibyteIsAboutAMegabyteOnTheWire() throws IOException {
    byte[] bomb = GzipBombs.zeros(1L << 30);
    assertTrue(bomb.length > 900_000, "bytes: " + bomb.length);
    // no larger than GZIPOutputStream makes it (1,043,656 bytes): a nested bomb of it still fits a 1 MiB limit
    assertTrue(bomb.length < 1_048_576, "bytes: " + bomb.length);
  }
}
