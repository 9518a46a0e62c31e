package dev.tracing.otlp;

import com.google.protobuf.ByteString;
import io.opentelemetry.proto.collector.trace.v1.ExportTraceServiceRequest;
import io.opentelemetry.proto.common.v1.AnyValue;
import io.opentelemetry.proto.common.v1.EntityRef;
import io.opentelemetry.proto.common.v1.InstrumentationScope;
import io.opentelemetry.proto.common.v1.KeyValue;
import io.opentelemetry.proto.resource.v1.Resource;
import io.opentelemetry.proto.trace.v1.ResourceSpans;
import io.opentelemetry.proto.trace.v1.ScopeSpans;
import io.opentelemetry.proto.trace.v1.Span;
import io.opentelemetry.proto.trace.v1.Status;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Collections;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.regex.Pattern;
import tools.jackson.core.JacksonException;
import tools.jackson.core.JsonParser;
import tools.jackson.core.JsonToken;
import tools.jackson.core.TokenStreamContext;
import tools.jackson.core.TokenStreamLocation;
import tools.jackson.core.json.JsonFactory;
import tools.jackson.core.json.JsonReadFeature;

/**
 * Reads OTLP/JSON requests of the trace export service
 * (https://opentelemetry.io/docs/specs/otlp/#json-protobuf-encoding).
 *
 * <p>Hand-written over Jackson's streaming parser rather than protobuf-java-util's {@code
 * JsonFormat}: OTLP/JSON departs from the proto3 JSON mapping (trace and span ids are hex, not
 * base64), and receivers must ignore unknown fields. Every bad input becomes an {@link
 * OtlpFormatException} whose message names the offending field by its path in the document, e.g.
 * {@code resourceSpans[0].scopeSpans[1].spans[3].traceId}.
 *
 * <p>Reading is lenient where the spec or real senders differ: field names in lowerCamelCase or
 * snake_case, enums as numbers or names, 64-bit integers as strings or numbers, {@code null} as
 * absent, bare {@code NaN}/{@code Infinity} tokens (Python's json module writes them). The answer
 * to a request is written by {@link ExportResponseJson}.
 */
public final class OtlpJsonReader {

  /**
   * Nesting of arrayValue/kvlistValue. Each level is two protobuf messages, and a stored chunk must
   * parse again within protobuf's default recursion limit of 100: 32 levels leave room for the
   * envelope (TracesData, ResourceSpans, ScopeSpans, Span, KeyValue).
   */
  public static final int MAX_ANY_VALUE_DEPTH = 32;

  private static final int TRACE_ID_BYTES = 16;
  private static final int SPAN_ID_BYTES = 8;

  private static final JsonFactory JSON =
      JsonFactory.builder().enable(JsonReadFeature.ALLOW_NON_NUMERIC_NUMBERS).build();

  private static final Map<String, Integer> SPAN_KINDS = enumNames(Span.SpanKind.values());
  private static final Map<String, Integer> STATUS_CODES =
      enumNames(Status.StatusCode.values());

  /** Jackson's messages carry a redacted source description that means nothing to a client. */
  private static final Pattern JACKSON_SOURCE = Pattern.compile("\\[Source: [^;\\]]*; ");

  /** Nor do the names of Jackson's settings in its limit messages. */
  private static final Pattern JACKSON_INTERNALS = Pattern.compile(", from `[^`]*`");

  private static final HexFormat HEX = HexFormat.of();

  /** Segments kept at each end of a path in a message; deep attribute values elide the middle. */
  private static final int PATH_ENDS = 12;

  private OtlpJsonReader() {}

  /**
   * Decodes an OTLP/JSON {@code ExportTraceServiceRequest}.
   *
   * @throws OtlpFormatException if the body is not JSON or does not fit the OTLP schema
   */
  public static ExportTraceServiceRequest parseRequest(byte[] json) {
    Objects.requireNonNull(json, "json");
    JsonParser p = openParser(json);
    try {
      return readRequest(p);
    } catch (JacksonException e) {
      // Caught before the parser is closed, which would lose the position of the error.
      throw invalidJson(e, p.currentTokenLocation());
    } catch (NumberFormatException | ArithmeticException e) {
      // numbers beyond what Jackson or BigDecimal hold (e.g. an exponent of 2^31)
      throw new OtlpFormatException("a number at line " + p.currentTokenLocation().getLineNr() + " column "
          + p.currentTokenLocation().getColumnNr() + " is out of range: " + e.getMessage(), e);
    } finally {
      p.close();
    }
  }

  private static ExportTraceServiceRequest readRequest(JsonParser p) {
    JsonToken first = p.nextToken();
    if (first == null) {
      throw new OtlpFormatException(
          "empty body: expected an OTLP/JSON ExportTraceServiceRequest object");
    }
    if (first != JsonToken.START_OBJECT) {
      throw new OtlpFormatException(
          "expected a JSON object at the top level, got " + describe(first));
    }
    ExportTraceServiceRequest.Builder request = ExportTraceServiceRequest.newBuilder();
    for (String name; (name = nextField(p)) != null; ) {
      switch (name) {
        case "resourceSpans", "resource_spans" -> {
          startArray(p);
          while (nextElement(p)) {
            readResourceSpans(p, request.addResourceSpansBuilder());
          }
        }
        default -> p.skipChildren();
      }
    }
    if (p.nextToken() != null) {
      throw new OtlpFormatException("invalid JSON at " + where(p.currentTokenLocation())
          + ": content after the end of the top-level object");
    }
    return request.build();
  }

  private static JsonParser openParser(byte[] json) {
    try {
      return JSON.createParser(json);
    } catch (JacksonException e) {
      throw invalidJson(e, null);
    }
  }

  private static void readResourceSpans(JsonParser p, ResourceSpans.Builder rs) {
    startObject(p);
    for (String name; (name = nextField(p)) != null; ) {
      switch (name) {
        case "resource" -> readResource(p, rs.getResourceBuilder());
        case "scopeSpans", "scope_spans" -> {
          startArray(p);
          while (nextElement(p)) {
            readScopeSpans(p, rs.addScopeSpansBuilder());
          }
        }
        case "schemaUrl", "schema_url" -> rs.setSchemaUrl(string(p));
        default -> p.skipChildren();
      }
    }
  }

  private static void readResource(JsonParser p, Resource.Builder r) {
    startObject(p);
    for (String name; (name = nextField(p)) != null; ) {
      switch (name) {
        case "attributes" -> readAttributes(p, r::addAttributesBuilder);
        case "droppedAttributesCount", "dropped_attributes_count" ->
            r.setDroppedAttributesCount(uint32(p));
        case "entityRefs", "entity_refs" -> {
          startArray(p);
          while (nextElement(p)) {
            readEntityRef(p, r.addEntityRefsBuilder());
          }
        }
        default -> p.skipChildren();
      }
    }
  }

  private static void readEntityRef(JsonParser p, EntityRef.Builder e) {
    startObject(p);
    for (String name; (name = nextField(p)) != null; ) {
      switch (name) {
        case "schemaUrl", "schema_url" -> e.setSchemaUrl(string(p));
        case "type" -> e.setType(string(p));
        case "idKeys", "id_keys" -> {
          startArray(p);
          while (nextElement(p)) {
            e.addIdKeys(string(p));
          }
        }
        case "descriptionKeys", "description_keys" -> {
          startArray(p);
          while (nextElement(p)) {
            e.addDescriptionKeys(string(p));
          }
        }
        default -> p.skipChildren();
      }
    }
  }

  private static void readScopeSpans(JsonParser p, ScopeSpans.Builder ss) {
    startObject(p);
    for (String name; (name = nextField(p)) != null; ) {
      switch (name) {
        case "scope" -> readScope(p, ss.getScopeBuilder());
        case "spans" -> {
          startArray(p);
          while (nextElement(p)) {
            readSpan(p, ss.addSpansBuilder());
          }
        }
        case "schemaUrl", "schema_url" -> ss.setSchemaUrl(string(p));
        default -> p.skipChildren();
      }
    }
  }

  private static void readScope(JsonParser p, InstrumentationScope.Builder s) {
    startObject(p);
    for (String name; (name = nextField(p)) != null; ) {
      switch (name) {
        case "name" -> s.setName(string(p));
        case "version" -> s.setVersion(string(p));
        case "attributes" -> readAttributes(p, s::addAttributesBuilder);
        case "droppedAttributesCount", "dropped_attributes_count" ->
            s.setDroppedAttributesCount(uint32(p));
        default -> p.skipChildren();
      }
    }
  }

  private static void readSpan(JsonParser p, Span.Builder s) {
    startObject(p);
    for (String name; (name = nextField(p)) != null; ) {
      switch (name) {
        case "traceId", "trace_id" -> s.setTraceId(spanHexId(p, TRACE_ID_BYTES));
        case "spanId", "span_id" -> s.setSpanId(spanHexId(p, SPAN_ID_BYTES));
        case "traceState", "trace_state" -> s.setTraceState(string(p));
        case "parentSpanId", "parent_span_id" -> s.setParentSpanId(spanHexId(p, SPAN_ID_BYTES));
        case "flags" -> s.setFlags(uint32(p));
        case "name" -> s.setName(string(p));
        case "kind" -> s.setKindValue(enumValue(p, SPAN_KINDS, "span kind"));
        case "startTimeUnixNano", "start_time_unix_nano" -> s.setStartTimeUnixNano(spanTime(p));
        case "endTimeUnixNano", "end_time_unix_nano" -> s.setEndTimeUnixNano(spanTime(p));
        case "attributes" -> readAttributes(p, s::addAttributesBuilder);
        case "droppedAttributesCount", "dropped_attributes_count" ->
            s.setDroppedAttributesCount(uint32(p));
        case "events" -> {
          startArray(p);
          while (nextElement(p)) {
            readEvent(p, s.addEventsBuilder());
          }
        }
        case "droppedEventsCount", "dropped_events_count" -> s.setDroppedEventsCount(uint32(p));
        case "links" -> {
          startArray(p);
          while (nextElement(p)) {
            readLink(p, s.addLinksBuilder());
          }
        }
        case "droppedLinksCount", "dropped_links_count" -> s.setDroppedLinksCount(uint32(p));
        case "status" -> readStatus(p, s.getStatusBuilder());
        default -> p.skipChildren();
      }
    }
  }

  private static void readEvent(JsonParser p, Span.Event.Builder e) {
    startObject(p);
    for (String name; (name = nextField(p)) != null; ) {
      switch (name) {
        case "timeUnixNano", "time_unix_nano" -> e.setTimeUnixNano(uint64(p));
        case "name" -> e.setName(string(p));
        case "attributes" -> readAttributes(p, e::addAttributesBuilder);
        case "droppedAttributesCount", "dropped_attributes_count" ->
            e.setDroppedAttributesCount(uint32(p));
        default -> p.skipChildren();
      }
    }
  }

  private static void readLink(JsonParser p, Span.Link.Builder l) {
    startObject(p);
    for (String name; (name = nextField(p)) != null; ) {
      switch (name) {
        case "traceId", "trace_id" -> l.setTraceId(spanHexId(p, TRACE_ID_BYTES));
        case "spanId", "span_id" -> l.setSpanId(spanHexId(p, SPAN_ID_BYTES));
        case "traceState", "trace_state" -> l.setTraceState(string(p));
        case "attributes" -> readAttributes(p, l::addAttributesBuilder);
        case "droppedAttributesCount", "dropped_attributes_count" ->
            l.setDroppedAttributesCount(uint32(p));
        case "flags" -> l.setFlags(uint32(p));
        default -> p.skipChildren();
      }
    }
  }

  private static void readStatus(JsonParser p, Status.Builder s) {
    startObject(p);
    for (String name; (name = nextField(p)) != null; ) {
      switch (name) {
        case "message" -> s.setMessage(string(p));
        case "code" -> s.setCodeValue(enumValue(p, STATUS_CODES, "status code"));
        default -> p.skipChildren();
      }
    }
  }

  /** Adds builders through {@code add} so each KeyValue is parsed in place, without copies. */
  private interface KeyValueAdder {
    KeyValue.Builder add();
  }

  private static void readAttributes(JsonParser p, KeyValueAdder add) {
    startArray(p);
    while (nextElement(p)) {
      readKeyValue(p, add.add(), 0);
    }
  }

  private static void readKeyValue(JsonParser p, KeyValue.Builder kv, int depth) {
    startObject(p);
    for (String name; (name = nextField(p)) != null; ) {
      switch (name) {
        case "key" -> kv.setKey(string(p));
        case "value" -> readAnyValue(p, kv.getValueBuilder(), depth);
        case "keyStrindex", "key_strindex" -> kv.setKeyStrindex(int32(p));
        default -> p.skipChildren();
      }
    }
  }

  /**
   * {@code depth} counts the arrayValue/kvlistValue levels above this value; recursion is bounded
   * by {@link #MAX_ANY_VALUE_DEPTH} so a hostile body cannot overflow the stack.
   */
  private static void readAnyValue(JsonParser p, AnyValue.Builder v, int depth) {
    startObject(p);
    for (String name; (name = nextField(p)) != null; ) {
      switch (name) {
        case "stringValue", "string_value" -> v.setStringValue(string(p));
        case "boolValue", "bool_value" -> v.setBoolValue(bool(p));
        case "intValue", "int_value" -> v.setIntValue(int64(p));
        case "doubleValue", "double_value" -> v.setDoubleValue(float64(p));
        case "bytesValue", "bytes_value" -> v.setBytesValue(bytes(p));
        case "stringValueStrindex", "string_value_strindex" -> v.setStringValueStrindex(int32(p));
        case "arrayValue", "array_value" -> {
          checkDepth(p, depth + 1);
          // getArrayValueBuilder() also selects the oneof case, so {} yields an empty array.
          var array = v.getArrayValueBuilder();
          startObject(p);
          for (String field; (field = nextField(p)) != null; ) {
            if (field.equals("values")) {
              startArray(p);
              while (nextElement(p)) {
                readAnyValue(p, array.addValuesBuilder(), depth + 1);
              }
            } else {
              p.skipChildren();
            }
          }
        }
        case "kvlistValue", "kvlist_value" -> {
          checkDepth(p, depth + 1);
          var list = v.getKvlistValueBuilder();
          startObject(p);
          for (String field; (field = nextField(p)) != null; ) {
            if (field.equals("values")) {
              startArray(p);
              while (nextElement(p)) {
                readKeyValue(p, list.addValuesBuilder(), depth + 1);
              }
            } else {
              p.skipChildren();
            }
          }
        }
        default -> p.skipChildren();
      }
    }
  }

  private static void checkDepth(JsonParser p, int depth) {
    if (depth > MAX_ANY_VALUE_DEPTH) {
      throw error(p, "attribute value nested deeper than " + MAX_ANY_VALUE_DEPTH
          + " levels of arrayValue/kvlistValue");
    }
  }

  // Structure helpers. Each leaves the parser on the value token of what it read.

  /**
   * Moves to the next field of the current object and onto its value. Fields whose value is
   * {@code null} are skipped here, once for all: in OTLP/JSON a null means "not set".
   *
   * @return the field name, or {@code null} at the end of the object
   */
  private static String nextField(JsonParser p) {
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
  private static boolean nextElement(JsonParser p) {
    JsonToken t;
    do {
      t = p.nextToken();
    } while (t == JsonToken.VALUE_NULL);
    return t != JsonToken.END_ARRAY;
  }

  private static void startObject(JsonParser p) {
    if (p.currentToken() != JsonToken.START_OBJECT) {
      throw typeError(p, "an object");
    }
  }

  private static void startArray(JsonParser p) {
    if (p.currentToken() != JsonToken.START_ARRAY) {
      throw typeError(p, "an array");
    }
  }

  // Scalar readers.

  private static String string(JsonParser p) {
    if (p.currentToken() != JsonToken.VALUE_STRING) {
      throw typeError(p, "a string");
    }
    return p.getString();
  }

  private static boolean bool(JsonParser p) {
    return switch (p.currentToken()) {
      case VALUE_TRUE -> true;
      case VALUE_FALSE -> false;
      default -> throw typeError(p, "a boolean");
    };
  }

  /**
   * A span's (or link's) id, read so that a bad one refuses that span, not the request, exactly as
   * the same span in protobuf is refused (the ingest answer's {@code partial_success} names it):
   * hex of any even length becomes its bytes (a 16-character trace id is 8 bytes, as protobuf
   * would carry it); anything else (odd length, a non-hex character, a number, an object) becomes
   * {@code bytes + 1} zero bytes, a length no valid id has, so the span is refused for its id.
   */
  private static ByteString spanHexId(JsonParser p, int bytes) {
    if (p.currentToken() != JsonToken.VALUE_STRING) {
      p.skipChildren();
      return ByteString.copyFrom(new byte[bytes + 1]);
    }
    try {
      // parseHex refuses an odd length and any character outside ASCII 0-9, a-f, A-F.
      return ByteString.copyFrom(HEX.parseHex(p.getString()));
    } catch (IllegalArgumentException notHex) {
      return ByteString.copyFrom(new byte[bytes + 1]);
    }
  }

  /**
   * A span's start or end time; one that is not an unsigned 64-bit integer reads as missing (0),
   * so the span is refused for its timestamps, as a protobuf span without them is.
   */
  private static long spanTime(JsonParser p) {
    try {
      return uint64(p);
    } catch (OtlpFormatException notATime) {
      p.skipChildren();
      return 0;
    }
  }

  private static ByteString bytes(JsonParser p) {
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

  private static double float64(JsonParser p) {
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

  private static long uint64(JsonParser p) {
    return integer(p, IntKind.UINT64);
  }

  private static long int64(JsonParser p) {
    return integer(p, IntKind.INT64);
  }

  private static int uint32(JsonParser p) {
    // Values above Integer.MAX_VALUE keep their bits in the int, as protobuf-java stores uint32.
    return (int) integer(p, IntKind.UINT32);
  }

  private static int int32(JsonParser p) {
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

  private static int enumValue(JsonParser p, Map<String, Integer> names, String what) {
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

  private static <E extends Enum<E> & com.google.protobuf.ProtocolMessageEnum>
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

  private static OtlpFormatException error(JsonParser p, String problem) {
    return new OtlpFormatException(path(p) + ": " + problem);
  }

  /** {@code fallback} locates errors Jackson reports without a location (its limits). */
  private static OtlpFormatException invalidJson(JacksonException e, TokenStreamLocation fallback) {
    String detail = e.getOriginalMessage();
    detail = detail == null
        ? e.getClass().getSimpleName()
        : JACKSON_INTERNALS.matcher(JACKSON_SOURCE.matcher(detail).replaceAll("[")).replaceAll("");
    TokenStreamLocation at = e.getLocation() != null ? e.getLocation() : fallback;
    String where = at == null ? "" : " at " + where(at);
    return new OtlpFormatException("invalid JSON" + where + ": " + detail, e);
  }

  private static String where(TokenStreamLocation at) {
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

  private static String describe(JsonToken t) {
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
