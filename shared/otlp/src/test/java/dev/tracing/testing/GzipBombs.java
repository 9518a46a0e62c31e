package dev.tracing.testing;

import java.io.ByteArrayOutputStream;
import java.util.zip.CRC32;
import java.util.zip.Deflater;

/**
 * gzip bodies of many zeros (decompression bombs) for the bad-input tests, built in well under a
 * second: 16 MiB of zeros are deflated once, ending in a full flush (so the block does not
 * refer to anything before it), and that block is repeated; a final empty block and the gzip
 * trailer (the CRC-32 and length of all the zeros) close the stream. Any gzip reader inflates it
 * to exactly {@code size} zero bytes, as if the zeros had gone through {@code GZIPOutputStream},
 * which takes seconds a gibibyte.
 */
public final class GzipBombs {
  private static final int CHUNK = 16 << 20;

  private GzipBombs() {
  }

  /** gzip of {@code size} zero bytes: deflate caps its ratio near 1000:1, so 1 GiB makes ~1 MB. */
  public static byte[] zeros(long size) {
    ByteArrayOutputStream out = new ByteArrayOutputStream((int) Math.min(Integer.MAX_VALUE - 8, size / 900 + 64));
    // header: magic, deflate, no flags, no time, no extra flags, unknown OS
    out.writeBytes(new byte[] {0x1f, (byte) 0x8b, 8, 0, 0, 0, 0, 0, 0, (byte) 0xff});
    byte[] zeros = new byte[CHUNK];
    byte[] block = flushedBlock(zeros, CHUNK);
    CRC32 crc = new CRC32();
    long whole = size / CHUNK;
    for (long i = 0; i < whole; i++) {
      out.writeBytes(block);
      crc.update(zeros, 0, CHUNK);
    }
    int tail = (int) (size % CHUNK);
    if (tail > 0) {
      out.writeBytes(flushedBlock(zeros, tail));
      crc.update(zeros, 0, tail);
    }
    out.writeBytes(new byte[] {0x03, 0x00}); // a final, empty block of fixed codes
    writeIntLe(out, crc.getValue());
    writeIntLe(out, size); // the length modulo 2^32, as gzip keeps it
    return out.toByteArray();
  }

  /** Raw deflate of the first {@code length} bytes, ended by a full flush: it stands alone anywhere in a stream. */
  private static byte[] flushedBlock(byte[] input, int length) {
    Deflater deflater = new Deflater(Deflater.DEFAULT_COMPRESSION, true);
    try {
      deflater.setInput(input, 0, length);
      ByteArrayOutputStream out = new ByteArrayOutputStream();
      byte[] buffer = new byte[64 * 1024];
      int n;
      do {
        n = deflater.deflate(buffer, 0, buffer.length, Deflater.FULL_FLUSH);
        out.write(buffer, 0, n);
      } while (n == buffer.length || !deflater.needsInput());
      return out.toByteArray();
    } finally {
      deflater.end();
    }
  }

  private static void writeIntLe(ByteArrayOutputStream out, long value) {
    for (int i = 0; i < 4; i++) {
      out.write((int) (value >>> (8 * i)) & 0xff);
    }
  }
}
