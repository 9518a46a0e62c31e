package dev.tracing.trace;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/**
 * Attribute search terms: {@code key=value} pairs compared as text ({@code true}, {@code 42},
 * {@code 0.5}, {@code GET}), kept on the trace summary as 48-bit hashes (stored in 6 bytes) so
 * filters need no span reads and summaries and index entries stay small.
 *
 * <p>The documented bound: values longer than {@link #MAX_VALUE_CHARS} characters, array and
 * map values, and attributes beyond {@link #MAX_TERMS_PER_TRACE} distinct terms per trace are not
 * searchable; a trace over the bound is marked so the query can say its filter was inexact. The
 * terms a trace keeps are the first {@link #MAX_TERMS_PER_TRACE} distinct ones in the order its
 * spans are stored (request by request, spans in request order), each span's own attributes in
 * their order, then its resource's attributes in theirs: see {@code dev.tracing.otlp.OtlpAttributes#inOrder}.
 * A false match needs a collision with one of at most 256 terms of a trace: at most 2^-40 per
 * trace and filter term, so a filter over a million traces meets one with odds of about 10^-6.
 */
public final class AttributeTerms {
  public static final int MAX_VALUE_CHARS = 256;
  public static final int MAX_TERMS_PER_TRACE = 256;

  private AttributeTerms() {
  }

  /** Bits of a term's hash that are kept. */
  public static final int HASH_BITS = 48;

  /** The hash of a {@code key=value} term, as stored and as queried: {@link #HASH_BITS} bits, non-negative. */
  public static long hash(String key, String value) {
    long h = separate(update(begin(), key.getBytes(StandardCharsets.UTF_8)));
    return finish(update(h, value.getBytes(StandardCharsets.UTF_8)));
  }

  /** The stored hash of a term: the top {@link #HASH_BITS} bits of its mixed 64-bit hash. */
  public static long finish(long hash64) {
    return mix(hash64) >>> (64 - HASH_BITS);
  }

  private static final long FNV_PRIME = 0x100000001b3L;
  private static final long FNV_OFFSET = 0xcbf29ce484222325L;

  /**
   * A term's hash is FNV-1a 64 over the key's UTF-8 bytes, then a separator no UTF-8 text
   * contains, then the value's bytes, then {@link #finish}. These steps let a decoder hash bytes
   * where they lie ({@code dev.tracing.otlp.OtlpAttributes} hashes protobuf strings without making
   * a {@code String}); {@link #hash} is the same function over text.
   */
  public static long begin() {
    return FNV_OFFSET;
  }

  /** Folds one byte (0-255) into the running hash. */
  public static long update(long hash, int unsignedByte) {
    return (hash ^ unsignedByte) * FNV_PRIME;
  }

  /** Ends the key: the separator byte 0xff, which UTF-8 never uses. */
  public static long separate(long hash) {
    return update(hash, 0xff);
  }

  private static long update(long hash, byte[] bytes) {
    long h = hash;
    for (byte b : bytes) {
      h = update(h, b & 0xff);
    }
    return h;
  }

  /** The final mix, so that the top bits kept depend on every input byte. */
  private static long mix(long hash) {
    long h = hash;
    h ^= h >>> 33;
    h *= 0xff51afd7ed558ccdL;
    h ^= h >>> 33;
    h *= 0xc4ceb9fe1a85ec53L;
    h ^= h >>> 33;
    return h;
  }

  /** The union of two sorted distinct hash arrays, sorted and distinct. */
  public static long[] union(long[] a, long[] b) {
    if (b.length == 0) {
      return a;
    }
    if (a.length == 0) {
      return b;
    }
    long[] out = new long[a.length + b.length];
    int i = 0;
    int j = 0;
    int n = 0;
    while (i < a.length && j < b.length) {
      long x = a[i];
      long y = b[j];
      if (x == y) {
        out[n++] = x;
        i++;
        j++;
      } else if (x < y) {
        out[n++] = x;
        i++;
      } else {
        out[n++] = y;
        j++;
      }
    }
    while (i < a.length) {
      out[n++] = a[i++];
    }
    while (j < b.length) {
      out[n++] = b[j++];
    }
    return n == out.length ? out : Arrays.copyOf(out, n);
  }

  /** Drops repeats from a sorted array (in place when it can). */
  public static long[] distinct(long[] sorted) {
    if (sorted.length < 2) {
      return sorted;
    }
    int w = 1;
    for (int r = 1; r < sorted.length; r++) {
      if (sorted[r] != sorted[w - 1]) {
        sorted[w++] = sorted[r];
      }
    }
    return w == sorted.length ? sorted : Arrays.copyOf(sorted, w);
  }
}
