package dev.tracing.trace;

import com.google.protobuf.ByteString;
import io.opentelemetry.proto.common.v1.AnyValue;
import io.opentelemetry.proto.common.v1.KeyValue;
import java.util.Arrays;
import java.util.List;

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
 * their order, then its resource's attributes in theirs: see {@link #inOrder}.
 * A false match needs a collision with one of at most 256 terms of a trace: at most 2^-40 per
 * trace and filter term, so a filter over a million traces meets one with odds of about 10^-6.
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

  /** Bits of a term's hash that are kept. */
  public static final int HASH_BITS = 48;

  /** The hash of a {@code key=value} term, as stored and as queried: {@link #HASH_BITS} bits, non-negative. */
  public static long hash(String key, String value) {
    return fromHash64(hash64(key, value));
  }

  /** The stored hash of a term: the top {@link #HASH_BITS} bits of its 64-bit hash. */
  private static long fromHash64(long hash64) {
    return hash64 >>> (64 - HASH_BITS);
  }

  private static long hash64(String key, String value) {
    return hash64(ByteString.copyFromUtf8(key), ByteString.copyFromUtf8(value));
  }

  private static long hash64(ByteString key, ByteString value) {
    long h = keyed(key);
    for (int i = 0, n = value.size(); i < n; i++) {
      h = (h ^ (value.byteAt(i) & 0xff)) * FNV_PRIME;
    }
    return mix(h);
  }

  /** {@link #hash64} of an ASCII value (the text of numbers and booleans) without encoding it first. */
  private static long hash64Ascii(ByteString key, String ascii) {
    long h = keyed(key);
    for (int i = 0, n = ascii.length(); i < n; i++) {
      h = (h ^ ascii.charAt(i)) * FNV_PRIME;
    }
    return mix(h);
  }

  private static final long FNV_PRIME = 0x100000001b3L;

  /** FNV-1a 64 over the key, then a separator no UTF-8 text contains; the value follows. */
  private static long keyed(ByteString key) {
    long h = 0xcbf29ce484222325L;
    for (int i = 0, n = key.size(); i < n; i++) {
      h = (h ^ (key.byteAt(i) & 0xff)) * FNV_PRIME;
    }
    return (h ^ 0xff) * FNV_PRIME;
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


  /** The hashes of the searchable terms of the attributes, in the attributes' order (repeats kept). */
  public static long[] inOrder(List<KeyValue> attributes) {
    return inOrder(attributes, new long[0]);
  }

  /**
   * The hashes of the searchable terms of a span's attributes in their order, followed by
   * {@code after} (its resource's terms, from {@link #inOrder(List)}): the order in which a trace
   * summary admits terms up to its bound. Repeats are kept; the summary counts each term once.
   */
  public static long[] inOrder(List<KeyValue> attributes, long[] after) {
    long[] out = new long[attributes.size() + after.length];
    int n = 0;
    for (int i = 0, size = attributes.size(); i < size; i++) {
      long h = termHash(attributes.get(i));
      if (h >= 0) {
        out[n++] = h;
      }
    }
    System.arraycopy(after, 0, out, n, after.length);
    n += after.length;
    return n == out.length ? out : Arrays.copyOf(out, n);
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
        long h = termHash(kv);
        if (h >= 0) {
          out[i++] = h;
        }
      }
    }
    long[] sorted = Arrays.copyOf(out, i);
    Arrays.sort(sorted);
    return distinct(sorted);
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

  /**
   * The hash of an attribute's term as {@link #hash} computes it from text, or {@code -1} when the
   * attribute is not searchable. String values are hashed from their UTF-8 bytes as received:
   * no {@code String} is made, so the span keeps its bytes for storing (protobuf re-encodes a
   * string field that was read as a {@code String}). They are valid UTF-8: protobuf refuses
   * anything else in a proto3 string field, and OTLP/JSON builds its strings from text.
   */
  static long termHash(KeyValue kv) {
    AnyValue value = kv.getValue();
    if (value.getValueCase() == AnyValue.ValueCase.STRING_VALUE) {
      ByteString utf8 = value.getStringValueBytes();
      ByteString key = kv.getKeyBytes();
      if (utf8.size() > MAX_VALUE_CHARS && utf8.toStringUtf8().length() > MAX_VALUE_CHARS) {
        return -1; // over the bound in characters (the rare case worth decoding for)
      }
      return fromHash64(hash64(key, utf8));
    }
    String text = text(value);
    // numbers and booleans: their text is ASCII
    return text == null ? -1 : fromHash64(hash64Ascii(kv.getKeyBytes(), text));
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
