package dev.tracing.trace;

import io.opentelemetry.proto.common.v1.AnyValue;
import io.opentelemetry.proto.common.v1.KeyValue;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.List;

/**
 * Attribute search terms: {@code key=value} pairs compared as text ({@code true}, {@code 42},
 * {@code 0.5}, {@code GET}), kept on the trace summary as 64-bit hashes so filters need no span
 * reads and summaries stay small.
 *
 * <p>The documented bound: values longer than {@link #MAX_VALUE_CHARS} characters, array and
 * map values, and attributes beyond {@link #MAX_TERMS_PER_TRACE} distinct terms per trace are not
 * searchable; a trace over the bound is marked so the query can say its filter was inexact.
 * With 64-bit hashes a false match needs a collision among at most 256 terms: about 2^-56, far
 * below any other error rate of the system.
 */
public final class AttributeTerms {
  public static final int MAX_VALUE_CHARS = 256;
  public static final int MAX_TERMS_PER_TRACE = 256;

  private AttributeTerms() {
  }

  /** The searchable text of a value, or {@code null} when the value is not searchable. */
  public static String text(AnyValue value) {
    String text = switch (value.getValueCase()) {
      case STRING_VALUE -> value.getStringValue();
      case BOOL_VALUE -> Boolean.toString(value.getBoolValue());
      case INT_VALUE -> Long.toString(value.getIntValue());
      case DOUBLE_VALUE -> doubleText(value.getDoubleValue());
      default -> null;
    };
    return text != null && text.length() <= MAX_VALUE_CHARS ? text : null;
  }

  /** Doubles as users type them: {@code 0.5}, {@code 2} for 2.0, Java's form otherwise. */
  static String doubleText(double d) {
    if (d == Math.rint(d) && !Double.isInfinite(d) && Math.abs(d) < 1e15) {
      return Long.toString((long) d);
    }
    return Double.toString(d);
  }

  /** The hash of a {@code key=value} term, as stored and as queried. */
  public static long hash(String key, String value) {
    byte[] k = key.getBytes(StandardCharsets.UTF_8);
    byte[] v = value.getBytes(StandardCharsets.UTF_8);
    // FNV-1a 64 over key, a separator no UTF-8 text contains, then value; then a final mix.
    long h = 0xcbf29ce484222325L;
    for (byte b : k) {
      h = (h ^ (b & 0xff)) * 0x100000001b3L;
    }
    h = (h ^ 0xff) * 0x100000001b3L;
    for (byte b : v) {
      h = (h ^ (b & 0xff)) * 0x100000001b3L;
    }
    h ^= h >>> 33;
    h *= 0xff51afd7ed558ccdL;
    h ^= h >>> 33;
    h *= 0xc4ceb9fe1a85ec53L;
    h ^= h >>> 33;
    return h;
  }

  /** Sorted distinct hashes of the searchable terms of the given attribute lists. */
  @SafeVarargs
  public static long[] hashes(List<KeyValue>... lists) {
    int n = 0;
    for (List<KeyValue> l : lists) {
      n += l.size();
    }
    long[] out = new long[n];
    int i = 0;
    for (List<KeyValue> l : lists) {
      for (KeyValue kv : l) {
        String text = text(kv.getValue());
        if (text != null) {
          out[i++] = hash(kv.getKey(), text);
        }
      }
    }
    long[] sorted = Arrays.copyOf(out, i);
    Arrays.sort(sorted);
    return distinct(sorted);
  }

  static long[] distinct(long[] sorted) {
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
