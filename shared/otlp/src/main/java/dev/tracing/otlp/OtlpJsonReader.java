package dev.tracing.otlp;

import static dev.tracing.otlp.OtlpJsonValues.bool;
import static dev.tracing.otlp.OtlpJsonValues.bytes;
import static dev.tracing.otlp.OtlpJsonValues.describe;
import static dev.tracing.otlp.OtlpJsonValues.enumNames;
import static dev.tracing.otlp.OtlpJsonValues.enumValue;
import static dev.tracing.otlp.OtlpJsonValues.error;
import static dev.tracing.otlp.OtlpJsonValues.float64;
import static dev.tracing.otlp.OtlpJsonValues.int32;
import static dev.tracing.otlp.OtlpJsonValues.int64;
import static dev.tracing.otlp.OtlpJsonValues.invalidJson;
import static dev.tracing.otlp.OtlpJsonValues.nextElement;
import static dev.tracing.otlp.OtlpJsonValues.nextField;
import static dev.tracing.otlp.OtlpJsonValues.startArray;
import static dev.tracing.otlp.OtlpJsonValues.startObject;
import static dev.tracing.otlp.OtlpJsonValues.string;
import static dev.tracing.otlp.OtlpJsonValues.uint32;
import static dev.tracing.otlp.OtlpJsonValues.uint64;
import static dev.tracing.otlp.OtlpJsonValues.utf8;
import static dev.tracing.otlp.OtlpJsonValues.where;

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
import java.util.HexFormat;
import java.util.Map;
import java.util.Objects;
import java.util.function.Consumer;
import tools.jackson.core.JacksonException;
import tools.jackson.core.JsonParser;
import tools.jackson.core.JsonToken;
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

  private static final HexFormat HEX = HexFormat.of();

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
        case "schemaUrl", "schema_url" -> rs.setSchemaUrlBytes(utf8(p));
        default -> p.skipChildren();
      }
    }
  }

  private static void readResource(JsonParser p, Resource.Builder r) {
    startObject(p);
    for (String name; (name = nextField(p)) != null; ) {
      switch (name) {
        case "attributes" -> readAttributes(p, r::addAttributes);
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
            Span.Builder span = Span.newBuilder();
            readSpan(p, span);
            ss.addSpans(span.build());
          }
        }
        case "schemaUrl", "schema_url" -> ss.setSchemaUrlBytes(utf8(p));
        default -> p.skipChildren();
      }
    }
  }

  private static void readScope(JsonParser p, InstrumentationScope.Builder s) {
    startObject(p);
    for (String name; (name = nextField(p)) != null; ) {
      switch (name) {
        case "name" -> s.setNameBytes(utf8(p));
        case "version" -> s.setVersionBytes(utf8(p));
        case "attributes" -> readAttributes(p, s::addAttributes);
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
        case "traceState", "trace_state" -> s.setTraceStateBytes(utf8(p));
        case "parentSpanId", "parent_span_id" -> s.setParentSpanId(spanHexId(p, SPAN_ID_BYTES));
        case "flags" -> s.setFlags(uint32(p));
        case "name" -> s.setNameBytes(utf8(p));
        case "kind" -> s.setKindValue(enumValue(p, SPAN_KINDS, "span kind"));
        case "startTimeUnixNano", "start_time_unix_nano" -> s.setStartTimeUnixNano(spanTime(p));
        case "endTimeUnixNano", "end_time_unix_nano" -> s.setEndTimeUnixNano(spanTime(p));
        case "attributes" -> readAttributes(p, s::addAttributes);
        case "droppedAttributesCount", "dropped_attributes_count" ->
            s.setDroppedAttributesCount(uint32(p));
        case "events" -> {
          startArray(p);
          while (nextElement(p)) {
            Span.Event.Builder event = Span.Event.newBuilder();
            readEvent(p, event);
            s.addEvents(event.build());
          }
        }
        case "droppedEventsCount", "dropped_events_count" -> s.setDroppedEventsCount(uint32(p));
        case "links" -> {
          startArray(p);
          while (nextElement(p)) {
            Span.Link.Builder link = Span.Link.newBuilder();
            readLink(p, link);
            s.addLinks(link.build());
          }
        }
        case "droppedLinksCount", "dropped_links_count" -> s.setDroppedLinksCount(uint32(p));
        case "status" -> {
          Status.Builder status = Status.newBuilder();
          readStatus(p, status);
          s.setStatus(status.build());
        }
        default -> p.skipChildren();
      }
    }
  }

  private static void readEvent(JsonParser p, Span.Event.Builder e) {
    startObject(p);
    for (String name; (name = nextField(p)) != null; ) {
      switch (name) {
        case "timeUnixNano", "time_unix_nano" -> e.setTimeUnixNano(uint64(p));
        case "name" -> e.setNameBytes(utf8(p));
        case "attributes" -> readAttributes(p, e::addAttributes);
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
        case "traceState", "trace_state" -> l.setTraceStateBytes(utf8(p));
        case "attributes" -> readAttributes(p, l::addAttributes);
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
        case "message" -> s.setMessageBytes(utf8(p));
        case "code" -> s.setCodeValue(enumValue(p, STATUS_CODES, "status code"));
        default -> p.skipChildren();
      }
    }
  }

  /**
   * Each attribute is built on its own and handed to {@code add}: a message's nested builders
   * ({@code addAttributesBuilder()}) cost more than building the small messages and adding them.
   */
  private static void readAttributes(JsonParser p, Consumer<KeyValue> add) {
    startArray(p);
    while (nextElement(p)) {
      KeyValue.Builder kv = KeyValue.newBuilder();
      readKeyValue(p, kv, 0);
      add.accept(kv.build());
    }
  }

  private static void readKeyValue(JsonParser p, KeyValue.Builder kv, int depth) {
    startObject(p);
    for (String name; (name = nextField(p)) != null; ) {
      switch (name) {
        case "key" -> kv.setKeyBytes(utf8(p));
        case "value" -> {
          AnyValue.Builder value = AnyValue.newBuilder();
          readAnyValue(p, value, depth);
          kv.setValue(value.build());
        }
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
        case "stringValue", "string_value" -> v.setStringValueBytes(utf8(p));
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
                AnyValue.Builder value = AnyValue.newBuilder();
                readAnyValue(p, value, depth + 1);
                array.addValues(value.build());
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
                KeyValue.Builder kv = KeyValue.newBuilder();
                readKeyValue(p, kv, depth + 1);
                list.addValues(kv.build());
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
}
