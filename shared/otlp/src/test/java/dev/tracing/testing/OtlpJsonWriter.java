package dev.tracing.testing;

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
import java.io.ByteArrayOutputStream;
import java.util.Base64;
import java.util.HexFormat;
import java.util.List;
import tools.jackson.core.JsonGenerator;
import tools.jackson.core.json.JsonFactory;

/**
 * Writes OTLP/JSON export requests the way the spec asks senders to
 * (https://opentelemetry.io/docs/specs/otlp/#json-protobuf-encoding): lowerCamelCase names,
 * lowercase hex ids, enums as numbers, 64-bit integers as strings, fields at their default value
 * left out. The product only reads requests ({@code OtlpJsonReader}); tests and benchmarks send
 * what this writes.
 */
public final class OtlpJsonWriter {
  private static final JsonFactory JSON = new JsonFactory();
  private static final HexFormat HEX = HexFormat.of();

  private OtlpJsonWriter() {
  }

  /**
   * Encodes a request as OTLP/JSON: lowerCamelCase names, lowercase hex ids, enums as numbers,
   * 64-bit integers as strings, fields at their default value left out.
   */
  public static byte[] writeRequest(ExportTraceServiceRequest request) {
    return write(g -> {
      g.writeStartObject();
      if (request.getResourceSpansCount() > 0) {
        g.writeName("resourceSpans");
        g.writeStartArray();
        for (ResourceSpans rs : request.getResourceSpansList()) {
          writeResourceSpans(g, rs);
        }
        g.writeEndArray();
      }
      g.writeEndObject();
    });
  }

  private static void writeResourceSpans(JsonGenerator g, ResourceSpans rs) {
    g.writeStartObject();
    if (rs.hasResource()) {
      Resource r = rs.getResource();
      g.writeName("resource");
      g.writeStartObject();
      writeAttributes(g, r.getAttributesList());
      writeUint32(g, "droppedAttributesCount", r.getDroppedAttributesCount());
      if (r.getEntityRefsCount() > 0) {
        g.writeName("entityRefs");
        g.writeStartArray();
        for (EntityRef e : r.getEntityRefsList()) {
          g.writeStartObject();
          writeString(g, "schemaUrl", e.getSchemaUrl());
          writeString(g, "type", e.getType());
          writeStrings(g, "idKeys", e.getIdKeysList());
          writeStrings(g, "descriptionKeys", e.getDescriptionKeysList());
          g.writeEndObject();
        }
        g.writeEndArray();
      }
      g.writeEndObject();
    }
    if (rs.getScopeSpansCount() > 0) {
      g.writeName("scopeSpans");
      g.writeStartArray();
      for (ScopeSpans ss : rs.getScopeSpansList()) {
        writeScopeSpans(g, ss);
      }
      g.writeEndArray();
    }
    writeString(g, "schemaUrl", rs.getSchemaUrl());
    g.writeEndObject();
  }

  private static void writeScopeSpans(JsonGenerator g, ScopeSpans ss) {
    g.writeStartObject();
    if (ss.hasScope()) {
      InstrumentationScope s = ss.getScope();
      g.writeName("scope");
      g.writeStartObject();
      writeString(g, "name", s.getName());
      writeString(g, "version", s.getVersion());
      writeAttributes(g, s.getAttributesList());
      writeUint32(g, "droppedAttributesCount", s.getDroppedAttributesCount());
      g.writeEndObject();
    }
    if (ss.getSpansCount() > 0) {
      g.writeName("spans");
      g.writeStartArray();
      for (Span span : ss.getSpansList()) {
        writeSpan(g, span);
      }
      g.writeEndArray();
    }
    writeString(g, "schemaUrl", ss.getSchemaUrl());
    g.writeEndObject();
  }

  private static void writeSpan(JsonGenerator g, Span s) {
    g.writeStartObject();
    writeHex(g, "traceId", s.getTraceId());
    writeHex(g, "spanId", s.getSpanId());
    writeString(g, "traceState", s.getTraceState());
    writeHex(g, "parentSpanId", s.getParentSpanId());
    writeUint32(g, "flags", s.getFlags());
    writeString(g, "name", s.getName());
    if (s.getKindValue() != 0) {
      g.writeNumberProperty("kind", s.getKindValue());
    }
    writeUint64(g, "startTimeUnixNano", s.getStartTimeUnixNano());
    writeUint64(g, "endTimeUnixNano", s.getEndTimeUnixNano());
    writeAttributes(g, s.getAttributesList());
    writeUint32(g, "droppedAttributesCount", s.getDroppedAttributesCount());
    if (s.getEventsCount() > 0) {
      g.writeName("events");
      g.writeStartArray();
      for (Span.Event e : s.getEventsList()) {
        g.writeStartObject();
        writeUint64(g, "timeUnixNano", e.getTimeUnixNano());
        writeString(g, "name", e.getName());
        writeAttributes(g, e.getAttributesList());
        writeUint32(g, "droppedAttributesCount", e.getDroppedAttributesCount());
        g.writeEndObject();
      }
      g.writeEndArray();
    }
    writeUint32(g, "droppedEventsCount", s.getDroppedEventsCount());
    if (s.getLinksCount() > 0) {
      g.writeName("links");
      g.writeStartArray();
      for (Span.Link l : s.getLinksList()) {
        g.writeStartObject();
        writeHex(g, "traceId", l.getTraceId());
        writeHex(g, "spanId", l.getSpanId());
        writeString(g, "traceState", l.getTraceState());
        writeAttributes(g, l.getAttributesList());
        writeUint32(g, "droppedAttributesCount", l.getDroppedAttributesCount());
        writeUint32(g, "flags", l.getFlags());
        g.writeEndObject();
      }
      g.writeEndArray();
    }
    writeUint32(g, "droppedLinksCount", s.getDroppedLinksCount());
    if (s.hasStatus()) {
      Status st = s.getStatus();
      g.writeName("status");
      g.writeStartObject();
      writeString(g, "message", st.getMessage());
      if (st.getCodeValue() != 0) {
        g.writeNumberProperty("code", st.getCodeValue());
      }
      g.writeEndObject();
    }
    g.writeEndObject();
  }

  private static void writeAttributes(JsonGenerator g, List<KeyValue> attributes) {
    if (!attributes.isEmpty()) {
      g.writeName("attributes");
      writeKeyValues(g, attributes);
    }
  }

  private static void writeKeyValues(JsonGenerator g, List<KeyValue> values) {
    g.writeStartArray();
    for (KeyValue kv : values) {
      g.writeStartObject();
      g.writeStringProperty("key", kv.getKey()); // always written: a key-less attribute reads oddly
      if (kv.hasValue()) {
        g.writeName("value");
        writeAnyValue(g, kv.getValue());
      }
      if (kv.getKeyStrindex() != 0) {
        g.writeNumberProperty("keyStrindex", kv.getKeyStrindex());
      }
      g.writeEndObject();
    }
    g.writeEndArray();
  }

  /** The set oneof case is written even at its default value: "intValue": "0" is data. */
  private static void writeAnyValue(JsonGenerator g, AnyValue v) {
    g.writeStartObject();
    switch (v.getValueCase()) {
      case STRING_VALUE -> g.writeStringProperty("stringValue", v.getStringValue());
      case BOOL_VALUE -> g.writeBooleanProperty("boolValue", v.getBoolValue());
      case INT_VALUE -> g.writeStringProperty("intValue", Long.toString(v.getIntValue()));
      case DOUBLE_VALUE -> {
        g.writeName("doubleValue");
        writeDouble(g, v.getDoubleValue());
      }
      case BYTES_VALUE -> g.writeStringProperty(
          "bytesValue", Base64.getEncoder().encodeToString(v.getBytesValue().toByteArray()));
      case ARRAY_VALUE -> {
        g.writeName("arrayValue");
        g.writeStartObject();
        if (v.getArrayValue().getValuesCount() > 0) {
          g.writeName("values");
          g.writeStartArray();
          for (AnyValue element : v.getArrayValue().getValuesList()) {
            writeAnyValue(g, element);
          }
          g.writeEndArray();
        }
        g.writeEndObject();
      }
      case KVLIST_VALUE -> {
        g.writeName("kvlistValue");
        g.writeStartObject();
        if (v.getKvlistValue().getValuesCount() > 0) {
          g.writeName("values");
          writeKeyValues(g, v.getKvlistValue().getValuesList());
        }
        g.writeEndObject();
      }
      case STRING_VALUE_STRINDEX ->
          g.writeNumberProperty("stringValueStrindex", v.getStringValueStrindex());
      case VALUE_NOT_SET -> { }
    }
    g.writeEndObject();
  }

  private static void writeDouble(JsonGenerator g, double d) {
    // proto3 JSON spells the non-finite doubles as strings; plain JSON has no token for them.
    if (Double.isNaN(d)) {
      g.writeString("NaN");
    } else if (Double.isInfinite(d)) {
      g.writeString(d > 0 ? "Infinity" : "-Infinity");
    } else {
      g.writeNumber(d);
    }
  }

  private static void writeString(JsonGenerator g, String name, String value) {
    if (!value.isEmpty()) {
      g.writeStringProperty(name, value);
    }
  }

  private static void writeStrings(JsonGenerator g, String name, List<String> values) {
    if (!values.isEmpty()) {
      g.writeName(name);
      g.writeStartArray();
      for (String s : values) {
        g.writeString(s);
      }
      g.writeEndArray();
    }
  }

  private static void writeUint32(JsonGenerator g, String name, int value) {
    if (value != 0) {
      g.writeNumberProperty(name, Integer.toUnsignedLong(value));
    }
  }

  private static void writeUint64(JsonGenerator g, String name, long value) {
    if (value != 0) {
      g.writeStringProperty(name, Long.toUnsignedString(value));
    }
  }

  private static void writeHex(JsonGenerator g, String name, ByteString id) {
    if (!id.isEmpty()) {
      g.writeStringProperty(name, HEX.formatHex(id.toByteArray()));
    }
  }

  private interface JsonBody {
    void write(JsonGenerator g);
  }

  private static byte[] write(JsonBody body) {
    ByteArrayOutputStream out = new ByteArrayOutputStream(256);
    try (JsonGenerator g = JSON.createGenerator(out)) {
      body.write(g);
    }
    return out.toByteArray();
  }
}
