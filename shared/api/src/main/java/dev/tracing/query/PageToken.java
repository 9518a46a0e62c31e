package dev.tracing.query;

import dev.tracing.model.TraceIds;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Arrays;
import java.util.Base64;
import java.util.HexFormat;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * The opaque {@code page_token}: where the previous page stopped (the sort value and trace id of
 * its last row) and the absolute window of the first page, so a relative {@code period} does not
 * slide while the user pages. Bound to its project and to the query's filters and order: a token
 * used with another project or another query is refused, and so is a modified one.
 *
 * <p>Each token carries an HMAC-SHA256 tag (its first 16 bytes) under the deployment's secret, so
 * only a holder of the secret can make one: a token changed in any byte, or made with another
 * secret, is refused. Every instance that serves one deployment must use the same secret (Lambda
 * runs many), which is why the secret is configuration and not generated per process.
 */
public final class PageToken {
  /** The shortest secret accepted, in bytes: as long as the HMAC-SHA256 output. */
  public static final int MIN_SECRET_BYTES = dev.tracing.config.TracingConfig.MIN_PAGE_TOKEN_SECRET_BYTES;

  private static final byte VERSION = 2;
  private static final int TAG = 16;
  private static final int PAYLOAD = 1 + 8 + 8 + 8 + 8 + 8 + 16;
  private static final int LENGTH = PAYLOAD + TAG;
  private static final String ALGORITHM = "HmacSHA256";
  private static final String NOT_ISSUED =
      "page_token is not a token this API issued; use next_page_token from the previous page unchanged";

  private final SecretKeySpec key;

  /** A codec signing with {@code secret}, which must have at least {@link #MIN_SECRET_BYTES} bytes. */
  public PageToken(byte[] secret) {
    if (secret == null || secret.length < MIN_SECRET_BYTES) {
      throw new IllegalArgumentException("the page token secret must have at least " + MIN_SECRET_BYTES + " bytes, got "
          + (secret == null ? 0 : secret.length));
    }
    this.key = new SecretKeySpec(secret.clone(), ALGORITHM);
  }

  /** The position after the last row returned: its sort value (timestamp or duration) and trace id. */
  public record Cursor(long value, String traceId) {
  }

  /** A decoded token. */
  public record Decoded(long startNano, long endNano, Cursor cursor) {
  }

  public String encode(long projectId, String fingerprint, long startNano, long endNano, Cursor cursor) {
    ByteBuffer buf = ByteBuffer.allocate(LENGTH);
    buf.put(VERSION).putLong(projectId).putLong(fingerprintHash(fingerprint)).putLong(startNano).putLong(endNano)
        .putLong(cursor.value()).put(HexFormat.of().parseHex(cursor.traceId()));
    buf.put(tag(buf.array()));
    return Base64.getUrlEncoder().withoutPadding().encodeToString(buf.array());
  }

  public Decoded decode(String token, long projectId, String fingerprint) {
    byte[] raw;
    try {
      raw = Base64.getUrlDecoder().decode(token);
    } catch (IllegalArgumentException e) {
      throw invalid(NOT_ISSUED);
    }
    if (raw.length != LENGTH || raw[0] != VERSION) {
      throw invalid(NOT_ISSUED);
    }
    if (!MessageDigest.isEqual(tag(raw), Arrays.copyOfRange(raw, PAYLOAD, LENGTH))) {
      throw invalid("page_token was modified, or was issued by another deployment; use next_page_token from the previous "
          + "page unchanged");
    }
    ByteBuffer buf = ByteBuffer.wrap(raw);
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
      throw invalid(NOT_ISSUED);
    }
    long value = buf.getLong();
    byte[] id = new byte[16];
    buf.get(id);
    return new Decoded(start, end, new Cursor(value, TraceIds.hex(id)));
  }

  private static InvalidParameterException invalid(String message) {
    return new InvalidParameterException("page_token", message);
  }

  /** The tag of a token's payload (its first {@link #PAYLOAD} bytes). A Mac is not thread-safe: one per call. */
  private byte[] tag(byte[] token) {
    try {
      Mac mac = Mac.getInstance(ALGORITHM);
      mac.init(key);
      mac.update(token, 0, PAYLOAD);
      return Arrays.copyOf(mac.doFinal(), TAG);
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("HmacSHA256 is part of every Java runtime", e);
    }
  }

  private static long fingerprintHash(String fingerprint) {
    try {
      return ByteBuffer.wrap(MessageDigest.getInstance("SHA-256").digest(fingerprint.getBytes(StandardCharsets.UTF_8))).getLong();
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }
}
