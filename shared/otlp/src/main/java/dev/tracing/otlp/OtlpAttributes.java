package dev.tracing.otlp;

import com.google.protobuf.ByteString;
import dev.tracing.trace.AttributeTerms;
import io.opentelemetry.proto.common.v1.AnyValue;
import io.opentelemetry.proto.common.v1.KeyValue;
import java.util.Arrays;
import java.util.List;

/**
 * The searchable terms of OTLP attributes ({@link AttributeTerms} says what is searchable and
 * how terms are hashed): their text for exact matching, and their hashes computed from the bytes
 * as received.
 */
public final class OtlpAttributes {
  private OtlpAttributes() {
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
    return text != null && text.length() <= AttributeTerms.MAX_VALUE_CHARS ? text : null;
  }

  /** Doubles as users type them: {@code 0.5}, {@code 2} for 2.0, Java's form otherwise. */
  static String doubleText(double d) {
    if (d == Math.rint(d) && !Double.isInfinite(d) && Math.abs(d) < 1e15) {
      return Long.toString((long) d);
    }
    return Double.toString(d);
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
    return AttributeTerms.distinct(sorted);
  }

  /**
   * The hash of an attribute's term as {@link AttributeTerms#hash} computes it from text, or
   * {@code -1} when the attribute is not searchable. String values are hashed from their UTF-8
   * bytes as received: no {@code String} is made, so the span keeps its bytes for storing
   * (protobuf re-encodes a string field that was read as a {@code String}). They are valid UTF-8:
   * protobuf refuses anything else in a proto3 string field, and OTLP/JSON builds its strings
   * from text.
   */
  static long termHash(KeyValue kv) {
    AnyValue value = kv.getValue();
    if (value.getValueCase() == AnyValue.ValueCase.STRING_VALUE) {
      ByteString utf8 = value.getStringValueBytes();
      if (utf8.size() > AttributeTerms.MAX_VALUE_CHARS && utf8.toStringUtf8().length() > AttributeTerms.MAX_VALUE_CHARS) {
        return -1; // over the bound in characters (the rare case worth decoding for)
      }
      return AttributeTerms.finish(update(keyed(kv.getKeyBytes()), utf8));
    }
    String text = text(value);
    if (text == null) {
      return -1;
    }
    long h = keyed(kv.getKeyBytes());
    for (int i = 0, n = text.length(); i < n; i++) {
      h = AttributeTerms.update(h, text.charAt(i)); // numbers and booleans: their text is ASCII
    }
    return AttributeTerms.finish(h);
  }

  private static long keyed(ByteString key) {
    return AttributeTerms.separate(update(AttributeTerms.begin(), key));
  }

  private static long update(long hash, ByteString bytes) {
    long h = hash;
    for (int i = 0, n = bytes.size(); i < n; i++) {
      h = AttributeTerms.update(h, bytes.byteAt(i) & 0xff);
    }
    return h;
  }
}
