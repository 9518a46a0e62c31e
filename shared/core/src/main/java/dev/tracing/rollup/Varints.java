package dev.tracing.rollup;

import java.io.ByteArrayOutputStream;

/** Unsigned LEB128 varints, the numbers of packed histograms, digests and prefix items. */
public final class Varints {
  private Varints() {
  }

  public static void write(ByteArrayOutputStream out, long value) {
    long v = value;
    while ((v & ~0x7fL) != 0) {
      out.write((int) ((v & 0x7f) | 0x80));
      v >>>= 7;
    }
    out.write((int) v);
  }

  /** The number at {@code at[0]}, which is advanced past it. */
  public static long read(byte[] data, int[] at) {
    long value = 0;
    for (int shift = 0; shift < 64; shift += 7) {
      if (at[0] >= data.length) {
        throw new IllegalArgumentException("packed rollup bytes end inside a number");
      }
      int b = data[at[0]++] & 0xff;
      value |= (long) (b & 0x7f) << shift;
      if ((b & 0x80) == 0) {
        return value;
      }
    }
    throw new IllegalArgumentException("packed rollup number longer than 64 bits");
  }

  /** A number that may be negative, zigzag-encoded (small magnitudes stay short). */
  public static void writeSigned(ByteArrayOutputStream out, long value) {
    write(out, (value << 1) ^ (value >> 63));
  }

  public static long readSigned(byte[] data, int[] at) {
    long zigzag = read(data, at);
    return (zigzag >>> 1) ^ -(zigzag & 1);
  }

  /** A byte string: its length, then its bytes. */
  public static void writeBytes(ByteArrayOutputStream out, byte[] bytes) {
    write(out, bytes.length);
    out.write(bytes, 0, bytes.length);
  }

  public static byte[] readBytes(byte[] data, int[] at) {
    long n = read(data, at);
    if (n < 0 || n > data.length - at[0]) {
      throw new IllegalArgumentException("packed rollup bytes end inside a string");
    }
    byte[] out = java.util.Arrays.copyOfRange(data, at[0], at[0] + (int) n);
    at[0] += (int) n;
    return out;
  }
}
