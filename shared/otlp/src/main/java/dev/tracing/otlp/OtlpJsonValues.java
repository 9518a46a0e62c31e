package dev.tracing.otlp;

import com.google.protobuf.ByteString;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;
import tools.jackson.core.JacksonException;
import tools.jackson.core.JsonParser;
import tools.jackson.core.JsonToken;
import tools.jackson.core.TokenStreamContext;
import tools.jackson.core.TokenStreamLocation;

/**
 * The token-level reading of {@link OtlpJsonReader}: objects, arrays and the scalars of the proto3
 * JSON mapping, each read leniently where senders differ, and every refusal an {@link
 * OtlpFormatException} naming the value by its path in the document.
 */
final class OtlpJsonValues {
  /** Jackson's messages carry a redacted source description that means nothing to a client. */
  private static final Pattern JACKSON_SOURCE = Pattern.compile("\\[Source: [^;\\]]*; ");

  /** Nor do the names of Jackson's settings in its limit messages. */
  private static final Pattern JACKSON_INTERNALS = Pattern.compile(", from `[^`]*`");

  /** Segments kept at each end of a path in a message; deep attribute values elide the middle. */
  private static final int PATH_ENDS = 12;

  private OtlpJsonValues() {
  }

  // Structure helpers. Each leaves the parser on the value token of what it read.

  /**
   * Moves to the next field of the current object and onto its value. Fields whose value is
   * {@code null} are skipped here, once for all: in OTLP/JSON a null means "not set".
   *
   * @return the field name, or {@code null} at the end of the object
   */
  static String nextField(JsonParser p) {
    while (true) {
      String name = p.nextName();
      if (name == null) {
        return null; // END_OBJECT: the parser itself rejects anything else here
      }
      if (p.nextToken() != JsonToken.VALUE_NULL) {
        return name;
      }
    }
  }

  /** Moves onto the next element of the current array, skipping nulls like absent elements. */
  static boolean nextElement(JsonParser p) {
    JsonToken t;
    do {
      t = p.nextToken();
    } while (t == JsonToken.VALUE_NULL);
    return t != JsonToken.END_ARRAY;
  }

  static void startObject(JsonParser p) {
    if (p.currentToken() != JsonToken.START_OBJECT) {
      throw typeError(p, "an object");
    }
  }

  static void startArray(JsonParser p) {
    if (p.currentToken() != JsonToken.START_ARRAY) {
      throw typeError(p, "an array");
    }
  }

  // Scalar readers.

  static String string(JsonParser p) {
    if (p.currentToken() != JsonToken.VALUE_STRING) {
      throw typeError(p, "a string");
    }
    return p.getString();
  }

  /**
   * A string field's value as UTF-8, for the {@code set…Bytes} setters: the request is stored
   * protobuf-encoded, and a message holding its strings as bytes is written by copying them,
   * where one holding {@code String}s has each measured and encoded again.
   */
  static ByteString utf8(JsonParser p) {
    return ByteString.copyFromUtf8(string(p));
  }

  static boolean bool(JsonParser p) {
    return switch (p.currentToken()) {
      case VALUE_TRUE -> true;
      case VALUE_FALSE -> false;
      default -> throw typeError(p, "a boolean");
    };
  }

  static ByteString bytes(JsonParser p) {
    String text = string(p);
    try {
      // proto3 JSON allows standard and URL-safe base64, with or without padding.
      boolean urlSafe = text.indexOf('-') >= 0 || text.indexOf('_') >= 0;
      Base64.Decoder decoder = urlSafe ? Base64.getUrlDecoder() : Base64.getDecoder();
      return ByteString.copyFrom(decoder.decode(text));
    } catch (IllegalArgumentException e) {
      throw error(p, "not valid base64: " + e.getMessage());
    }
  }

  static double float64(JsonParser p) {
    switch (p.currentToken()) {
      case VALUE_NUMBER_INT, VALUE_NUMBER_FLOAT -> {
        return p.getDoubleValue();
      }
      case VALUE_STRING -> {
        String text = p.getString();
        switch (text) {
          case "NaN" -> {
            return Double.NaN;
          }
          case "Infinity" -> {
            return Double.POSITIVE_INFINITY;
          }
          case "-Infinity" -> {
            return Double.NEGATIVE_INFINITY;
          }
          default -> {
            // BigDecimal checks the JSON number syntax that Double.parseDouble is lax about
            // ("0x1p3", "1d", surrounding blanks); parseDouble then gives the exact double.
            try {
              new BigDecimal(text);
              return Double.parseDouble(text);
            } catch (NumberFormatException e) {
              throw error(p, "expected a number, got the string " + quote(text));
            }
          }
        }
      }
      default -> throw typeError(p, "a number");
    }
  }

  static long uint64(JsonParser p) {
    return integer(p, IntKind.UINT64);
  }

  static long int64(JsonParser p) {
    return integer(p, IntKind.INT64);
  }

  static int uint32(JsonParser p) {
    // Values above Integer.MAX_VALUE keep their bits in the int, as protobuf-java stores uint32.
    return (int) integer(p, IntKind.UINT32);
  }

  static int int32(JsonParser p) {
    return (int) integer(p, IntKind.INT32);
  }

  private enum IntKind {
    INT32("int32", BigInteger.valueOf(Integer.MIN_VALUE), BigInteger.valueOf(Integer.MAX_VALUE)),
    UINT32("uint32", BigInteger.ZERO, BigInteger.valueOf(0xFFFF_FFFFL)),
    INT64("int64", BigInteger.valueOf(Long.MIN_VALUE), BigInteger.valueOf(Long.MAX_VALUE)),
    UINT64("uint64", BigInteger.ZERO, BigInteger.ONE.shiftLeft(64).subtract(BigInteger.ONE));

    final String label;
    final BigInteger min;
    final BigInteger max;
    final long minLong;
    final long maxLong;

    IntKind(String label, BigInteger min, BigInteger max) {
      this.label = label;
      this.min = min;
      this.max = max;
      this.minLong = min.longValue();
      this.maxLong = max.bitLength() < 64 ? max.longValue() : Long.MAX_VALUE;
    }
  }

  /**
   * Reads an integer given as a JSON number or a string (proto3 JSON writes 64-bit ones as
   * strings so that JavaScript does not round them). Unsigned 64-bit values above
   * Long.MAX_VALUE come back in two's complement, as protobuf-java stores fixed64.
   */
  private static long integer(JsonParser p, IntKind kind) {
    JsonToken t = p.currentToken();
    if (t == JsonToken.VALUE_NUMBER_INT && p.getNumberType() != JsonParser.NumberType.BIG_INTEGER) {
      return inRange(p, kind, p.getLongValue());
    }
    BigInteger big;
    if (t == JsonToken.VALUE_NUMBER_INT) {
      big = p.getBigIntegerValue();
    } else if (t == JsonToken.VALUE_NUMBER_FLOAT) {
      if (p.isNaN()) {
        throw error(p, "expected an integer, got " + p.getString());
      }
      BigDecimal decimal;
      try {
        decimal = p.getDecimalValue();
      } catch (NumberFormatException | ArithmeticException e) {
        throw error(p, "the number " + abbreviateNumber(p.getString()) + " is out of range for " + kind.label);
      }
      big = exactInteger(p, decimal, p.getString());
    } else if (t == JsonToken.VALUE_STRING) {
      String text = p.getString();
      try {
        return inRange(p, kind, Long.parseLong(text));
      } catch (NumberFormatException notALong) {
        try {
          big = exactInteger(p, new BigDecimal(text), text);
        } catch (NumberFormatException | ArithmeticException e) {
          throw error(p, "expected an integer, got the string " + quote(text));
        }
      }
    } else {
      throw typeError(p, "an integer (number or string)");
    }
    if (big.compareTo(kind.min) < 0 || big.compareTo(kind.max) > 0) {
      throw error(p, big + " is out of range for " + kind.label);
    }
    return big.longValue();
  }

  private static String abbreviateNumber(String text) {
    return text.length() <= 40 ? text : text.substring(0, 40) + "...";
  }

  private static long inRange(JsonParser p, IntKind kind, long value) {
    if (value < kind.minLong || value > kind.maxLong) {
      throw error(p, value + " is out of range for " + kind.label);
    }
    return value;
  }

  /** Accepts 1e9 or 5.0 (the proto3 JSON mapping does), rejects 1.5. */
  private static BigInteger exactInteger(JsonParser p, BigDecimal value, String text) {
    // More than 20 integer digits is beyond any 64-bit value: refuse before materializing it
    // (1e999999999 would otherwise become a billion-digit BigInteger).
    if ((long) value.precision() - value.scale() > 20) {
      throw error(p, "the number " + abbreviateNumber(text) + " is out of range for a 64-bit integer");
    }
    try {
      return value.toBigIntegerExact();
    } catch (ArithmeticException e) {
      throw error(p, "expected an integer, got " + text);
    }
  }

  static int enumValue(JsonParser p, Map<String, Integer> names, String what) {
    if (p.currentToken() == JsonToken.VALUE_STRING) {
      Integer value = names.get(p.getString());
      if (value != null) {
        return value;
      }
      String text = p.getString();
      if (text.isEmpty() || !(Character.isDigit(text.charAt(0)) || text.charAt(0) == '-')) {
        throw error(p, "unknown " + what + " " + quote(text) + ", expected one of "
            + String.join(", ", names.keySet().stream().sorted().toList()) + " or a number");
      }
    }
    // Unknown numbers are kept: proto3 enums are open, and the store can decide what to do.
    return (int) integer(p, IntKind.INT32);
  }

  static <E extends Enum<E> & com.google.protobuf.ProtocolMessageEnum>
      Map<String, Integer> enumNames(E[] values) {
    Map<String, Integer> names = new HashMap<>();
    for (E e : values) {
      if (!e.name().equals("UNRECOGNIZED")) {
        names.put(e.name(), e.getNumber());
      }
    }
    return Map.copyOf(names);
  }

  // Errors.

  private static OtlpFormatException typeError(JsonParser p, String expected) {
    return error(p, "expected " + expected + ", got " + describe(p.currentToken()));
  }

  static OtlpFormatException error(JsonParser p, String problem) {
    return new OtlpFormatException(path(p) + ": " + problem);
  }

  /** {@code fallback} locates errors Jackson reports without a location (its limits). */
  static OtlpFormatException invalidJson(JacksonException e, TokenStreamLocation fallback) {
    String detail = e.getOriginalMessage();
    detail = detail == null
        ? e.getClass().getSimpleName()
        : JACKSON_INTERNALS.matcher(JACKSON_SOURCE.matcher(detail).replaceAll("[")).replaceAll("");
    TokenStreamLocation at = e.getLocation() != null ? e.getLocation() : fallback;
    String where = at == null ? "" : " at " + where(at);
    return new OtlpFormatException("invalid JSON" + where + ": " + detail, e);
  }

  static String where(TokenStreamLocation at) {
    return "line " + at.getLineNr() + " column " + at.getColumnNr();
  }

  /**
   * The path of the current value, e.g. {@code resourceSpans[0].scopeSpans[1].spans[3].traceId},
   * taken from Jackson's own read context so that parsing keeps no bookkeeping of its own.
   */
  private static String path(JsonParser p) {
    List<String> segments = new ArrayList<>();
    TokenStreamContext c = p.streamReadContext();
    for (; c != null && !c.inRoot(); c = c.getParent()) {
      if (c.inObject() && c.currentName() != null) {
        segments.add("." + c.currentName());
      } else if (c.inArray() && c.getCurrentIndex() >= 0) {
        segments.add("[" + c.getCurrentIndex() + "]");
      }
    }
    Collections.reverse(segments);
    if (segments.size() > 2 * PATH_ENDS) {
      int n = segments.size();
      List<String> ends = new ArrayList<>(segments.subList(0, PATH_ENDS));
      ends.add(".(" + (n - 2 * PATH_ENDS) + " more)");
      ends.addAll(segments.subList(n - PATH_ENDS, n));
      segments = ends;
    }
    String path = String.join("", segments);
    return path.startsWith(".") ? path.substring(1) : path;
  }

  static String describe(JsonToken t) {
    if (t == null) {
      return "the end of the input";
    }
    return switch (t) {
      case START_OBJECT -> "an object";
      case START_ARRAY -> "an array";
      case VALUE_STRING -> "a string";
      case VALUE_NUMBER_INT, VALUE_NUMBER_FLOAT -> "a number";
      case VALUE_TRUE, VALUE_FALSE -> "a boolean";
      case VALUE_NULL -> "null";
      default -> t.name();
    };
  }

  /** Quotes client text for a message, shortened and with control characters escaped. */
  private static String quote(String text) {
    String shown = text.length() > 40 ? text.substring(0, 40) + "..." : text;
    StringBuilder out = new StringBuilder("\"");
    for (int i = 0; i < shown.length(); i++) {
      char c = shown.charAt(i);
      if (c < 0x20 || c == 0x7f) {
        out.append(String.format("\\u%04x", (int) c));
      } else {
        out.append(c);
      }
    }
    return out.append('"').toString();
  }
}
