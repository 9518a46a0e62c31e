package dev.tracing.model;

import java.util.HexFormat;
import java.util.Locale;

/** Trace and span identifiers: 16 and 8 bytes, written as lowercase hex everywhere we answer. */
public final class TraceIds {
  private static final HexFormat HEX = HexFormat.of();

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
    return HEX.formatHex(id);
  }
}
