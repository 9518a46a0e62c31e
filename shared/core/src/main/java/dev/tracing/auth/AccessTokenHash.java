package dev.tracing.auth;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.util.HexFormat;

/**
 * Token secrets and their stored form. A secret is 160 random bits; the store keeps only its
 * SHA-256, and lookups are by that hash, so no stored value can be turned back into a token and
 * no string comparison of secrets happens anywhere (nothing to leak through timing).
 */
public final class AccessTokenHash {
  /** Prefix that makes a leaked token recognizable to secret scanners, like GitLab's {@code glpat-}. */
  public static final String PREFIX = "trc_";
  private static final char[] ALPHABET = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789".toCharArray();
  private static final SecureRandom RANDOM = new SecureRandom();

  private AccessTokenHash() {
  }

  /** A new secret: the prefix and 32 random base-62 characters (about 190 bits). */
  public static String newSecret() {
    return PREFIX + random(32);
  }

  /** A new public token id: 12 random base-62 characters. */
  public static String newId() {
    return random(12);
  }

  public static String hash(String secret) {
    try {
      byte[] digest = MessageDigest.getInstance("SHA-256").digest(secret.getBytes(StandardCharsets.UTF_8));
      return HexFormat.of().formatHex(digest);
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }

  private static String random(int length) {
    char[] out = new char[length];
    for (int i = 0; i < length; i++) {
      out[i] = ALPHABET[RANDOM.nextInt(ALPHABET.length)];
    }
    return new String(out);
  }
}
