package dev.tracing.trace;

import java.io.DataInput;
import java.io.DataOutput;
import java.io.IOException;

/** Unsigned LEB128 varints, the one variable-length integer codec of the stored formats. */
final class Varints {
  private Varints() {
  }

  static void write(DataOutput out, long value) throws IOException {
    long v = value;
    while ((v & ~0x7fL) != 0) {
      out.writeByte((int) ((v & 0x7f) | 0x80));
      v >>>= 7;
    }
    out.writeByte((int) v);
  }

  static long read(DataInput in) throws IOException {
    long value = 0;
    for (int shift = 0; shift < 64; shift += 7) {
      int b = in.readUnsignedByte();
      value |= (long) (b & 0x7f) << shift;
      if ((b & 0x80) == 0) {
        return value;
      }
    }
    throw new IOException("varint too long");
  }

  /** A count or index, refused when above {@code max}. */
  static int readCount(DataInput in, int max) throws IOException {
    long n = read(in);
    if (n < 0 || n > max) {
      throw new IOException("count " + n + " over " + max);
    }
    return (int) n;
  }
}
