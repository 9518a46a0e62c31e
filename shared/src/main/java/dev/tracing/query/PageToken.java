package dev.tracing.query;

import dev.tracing.model.TraceIds;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Base64;
import java.util.HexFormat;

/**
 * The opaque {@code page_token}: where the previous page stopped (the sort value and trace id of
 * its last row) and the absolute window of the first page, so a relative {@code period} does not
 * slide while the user pages. Bound to its project and to the query's filters and order: a token
 * used with another project or another query is refused, and so is a modified one.
 */
public final class PageToken {
  private static final byte VERSION = 1;
  private static final int LENGTH = 1 + 8 + 8 + 8 + 8 + 8 + 16 + 8;
  private static final byte[] KEY = "tracing page token v1".getBytes(StandardCharsets.UTF_8);

  private PageToken() {
  }

  /** The position after the last row returned: its sort value (timestamp or duration) and trace id. */
  public record Cursor(long value, String traceId) {
  }

  /** A decoded token. */
  public record Decoded(long startNano, long endNano, Cursor cursor) {
  }

  public static String encode(long projectId, String fingerprint, long startNano, long endNano, Cursor cursor) {
    ByteBuffer buf = ByteBuffer.allocate(LENGTH);
    buf.put(VERSION).putLong(projectId).putLong(fingerprintHash(fingerprint)).putLong(startNano).putLong(endNano)
        .putLong(cursor.value()).put(HexFormat.of().parseHex(cursor.traceId()));
    buf.putLong(check(buf.array(), LENGTH - 8));
    return Base64.getUrlEncoder().withoutPadding().encodeToString(buf.array());
  }

  public static Decoded decode(String token, long projectId, String fingerprint) {
    byte[] raw;
    try {
      raw = Base64.getUrlDecoder().decode(token);
    } catch (IllegalArgumentException e) {
      throw invalid("page_token is not a token this API issued; use next_page_token from the previous page unchanged");
    }
    if (raw.length != LENGTH || raw[0] != VERSION) {
      throw invalid("page_token is not a token this API issued; use next_page_token from the previous page unchanged");
    }
    ByteBuffer buf = ByteBuffer.wrap(raw);
    if (buf.getLong(LENGTH - 8) != check(raw, LENGTH - 8)) {
      throw invalid("page_token was modified; use next_page_token from the previous page unchanged");
    }
    buf.get();
    if (buf.getLong() != projectId) {
      throw invalid("page_token belongs to another project");
    }
    if (buf.getLong() != fingerprintHash(fingerprint)) {
      throw invalid("page_token belongs to a query with other filters, time range or sort; start again without page_token");
    }
    long start = buf.getLong();
    long end = buf.getLong();
    long span = end - start; // negative on overflow
    if (start >= end || span < 0 || span > TraceQueryParser.MAX_WINDOW.toNanos()) {
      throw invalid("page_token is not a token this API issued; use next_page_token from the previous page unchanged");
    }
    long value = buf.getLong();
    byte[] id = new byte[16];
    buf.get(id);
    return new Decoded(start, end, new Cursor(value, TraceIds.hex(id)));
  }

  private static InvalidParameterException invalid(String message) {
    return new InvalidParameterException("page_token", message);
  }

  private static long fingerprintHash(String fingerprint) {
    return ByteBuffer.wrap(sha256(fingerprint.getBytes(StandardCharsets.UTF_8))).getLong();
  }

  private static long check(byte[] data, int length) {
    try {
      MessageDigest sha = MessageDigest.getInstance("SHA-256");
      sha.update(KEY);
      sha.update(data, 0, length);
      return ByteBuffer.wrap(sha.digest()).getLong();
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }

  private static byte[] sha256(byte[] data) {
    try {
      return MessageDigest.getInstance("SHA-256").digest(data);
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }
}
