package dev.tracing.model;

import java.nio.charset.StandardCharsets;
import java.util.Locale;

/** Trace and span identifiers: 16 and 8 bytes, written as lowercase hex everywhere we answer. */
public final class TraceIds {
  private static final byte[] DIGITS = "0123456789abcdef".getBytes(StandardCharsets.US_ASCII);

  private TraceIds() {
  }

  /**
   * Normalizes a trace id from a path or query: 32 hex characters, any case.
   *
   * @return the lowercase form, or {@code null} when it is not a valid trace id
   */
  public static String normalizeTraceId(String raw) {
    if (raw == null || raw.length() != 32) {
      return null;
    }
    for (int i = 0; i < 32; i++) {
      char c = raw.charAt(i);
      // ASCII only: Character.digit would also take other scripts' digits
      if (!((c >= '0' && c <= '9') || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F'))) {
        return null;
      }
    }
    String lower = raw.toLowerCase(Locale.ROOT);
    return lower.equals("00000000000000000000000000000000") ? null : lower;
  }

  public static String hex(byte[] id) {
    return hex(id, 0, id.length);
  }

  /**
   * Lowercase hex of {@code length} bytes at {@code from}: written as ASCII bytes and made a string
   * in one copy (ingest writes one per span; {@code HexFormat} appends a character at a time).
   */
  public static String hex(byte[] bytes, int from, int length) {
    byte[] out = new byte[2 * length];
    for (int i = 0; i < length; i++) {
      int v = bytes[from + i] & 0xff;
      out[2 * i] = DIGITS[v >>> 4];
      out[2 * i + 1] = DIGITS[v & 0xf];
    }
    return new String(out, StandardCharsets.ISO_8859_1);
  }
}
