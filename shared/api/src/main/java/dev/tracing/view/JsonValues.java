package dev.tracing.view;

import io.opentelemetry.proto.common.v1.AnyValue;
import io.opentelemetry.proto.common.v1.KeyValue;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.Base64;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import tools.jackson.core.JsonGenerator;

/** How OTLP values are written in API answers. */
final class JsonValues {
  /** Integers beyond this lose precision in JavaScript: they are written as strings. */
  static final long MAX_SAFE_INTEGER = (1L << 53) - 1;
  private static final DateTimeFormatter RFC3339_NANOS =
      DateTimeFormatter.ofPattern("uuuu-MM-dd'T'HH:mm:ss.SSSSSSSSS'Z'").withZone(ZoneOffset.UTC);

  private JsonValues() {
  }

  /** RFC 3339 with all nine fraction digits, UTC: {@code 2026-11-24T10:00:00.123456789Z}. */
  public static String timestamp(long unixNano) {
    return RFC3339_NANOS.format(Instant.ofEpochSecond(Math.floorDiv(unixNano, 1_000_000_000L), Math.floorMod(unixNano, 1_000_000_000L)));
  }

  /**
   * Attributes as a JSON object; values keep their type (string, number, boolean, array,
   * object, bytes as base64). A key repeated in one list keeps its first value, as OTLP says
   * keys must be unique.
   */
  public static void writeAttributes(JsonGenerator g, List<KeyValue> attributes) {
    g.writeStartObject();
    Set<String> seen = attributes.size() > 1 ? new HashSet<>() : null;
    for (KeyValue kv : attributes) {
      if (seen != null && !seen.add(kv.getKey())) {
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
