package dev.tracing.view;

import io.opentelemetry.proto.common.v1.AnyValue;
import io.opentelemetry.proto.common.v1.KeyValue;
import java.time.LocalDate;
import java.util.Base64;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import tools.jackson.core.JsonGenerator;

/** How OTLP values are written in API answers. */
final class JsonValues {
  /** Integers beyond this lose precision in JavaScript: they are written as strings. */
  static final long MAX_SAFE_INTEGER = (1L << 53) - 1;

  private JsonValues() {
  }

  /** RFC 3339 with all nine fraction digits, UTC: {@code 2026-11-24T10:00:00.123456789Z}. */
  public static String timestamp(long unixNano) {
    char[] c = new char[TIMESTAMP_CHARS];
    timestamp(unixNano, c);
    return new String(c);
  }

  static final int TIMESTAMP_CHARS = 30;

  /** {@link #timestamp(long)} into {@code c} from index 0; answers how many chars: always 30. */
  static int timestamp(long unixNano, char[] c) {
    long second = Math.floorDiv(unixNano, 1_000_000_000L);
    int nano = (int) Math.floorMod(unixNano, 1_000_000_000L);
    // a signed 64-bit count of nanoseconds spans the years 1677 to 2262: always four year digits
    LocalDate date = LocalDate.ofEpochDay(Math.floorDiv(second, 86_400L));
    int secondOfDay = (int) Math.floorMod(second, 86_400L);
    digits(c, 0, date.getYear(), 4);
    c[4] = '-';
    digits(c, 5, date.getMonthValue(), 2);
    c[7] = '-';
    digits(c, 8, date.getDayOfMonth(), 2);
    c[10] = 'T';
    digits(c, 11, secondOfDay / 3600, 2);
    c[13] = ':';
    digits(c, 14, secondOfDay / 60 % 60, 2);
    c[16] = ':';
    digits(c, 17, secondOfDay % 60, 2);
    c[19] = '.';
    digits(c, 20, nano, 9);
    c[29] = 'Z';
    return TIMESTAMP_CHARS;
  }

  private static final int SHORT_LIST = 16;

  private static boolean repeated(List<KeyValue> attributes, int index) {
    String key = attributes.get(index).getKey();
    for (int i = 0; i < index; i++) {
      if (attributes.get(i).getKey().equals(key)) {
        return true;
      }
    }
    return false;
  }

  private static void digits(char[] out, int at, int value, int width) {
    for (int i = at + width - 1; i >= at; i--) {
      out[i] = (char) ('0' + value % 10);
      value /= 10;
    }
  }

  /**
   * Attributes as a JSON object; values keep their type (string, number, boolean, array,
   * object, bytes as base64). A key repeated in one list keeps its first value, as OTLP says
   * keys must be unique.
   */
  public static void writeAttributes(JsonGenerator g, List<KeyValue> attributes) {
    g.writeStartObject();
    int n = attributes.size();
    // a short list is checked for repeated keys by comparing with the keys before: no hashing
    Set<String> seen = n > SHORT_LIST ? new HashSet<>() : null;
    for (int i = 0; i < n; i++) {
      KeyValue kv = attributes.get(i);
      if (seen != null ? !seen.add(kv.getKey()) : repeated(attributes, i)) {
        continue;
      }
      g.writeName(kv.getKey());
      writeValue(g, kv.getValue(), 0);
    }
    g.writeEndObject();
  }

  static void writeValue(JsonGenerator g, AnyValue v, int depth) {
    switch (v.getValueCase()) {
      case STRING_VALUE -> g.writeString(v.getStringValue());
      case BOOL_VALUE -> g.writeBoolean(v.getBoolValue());
      case INT_VALUE -> {
        long n = v.getIntValue();
        if (n > MAX_SAFE_INTEGER || n < -MAX_SAFE_INTEGER) {
          g.writeString(Long.toString(n));
        } else {
          g.writeNumber(n);
        }
      }
      case DOUBLE_VALUE -> {
        double d = v.getDoubleValue();
        if (Double.isNaN(d) || Double.isInfinite(d)) {
          g.writeString(Double.toString(d)); // JSON has no NaN or Infinity
        } else {
          g.writeNumber(d);
        }
      }
      case BYTES_VALUE -> g.writeString(Base64.getEncoder().encodeToString(v.getBytesValue().toByteArray()));
      case ARRAY_VALUE -> {
        g.writeStartArray();
        for (AnyValue item : v.getArrayValue().getValuesList()) {
          writeValue(g, item, depth + 1);
        }
        g.writeEndArray();
      }
      case KVLIST_VALUE -> writeAttributes(g, v.getKvlistValue().getValuesList());
      default -> g.writeNull();
    }
  }
}
