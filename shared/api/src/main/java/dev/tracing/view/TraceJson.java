package dev.tracing.view;

import dev.tracing.otlp.OtlpIds;
import dev.tracing.otlp.StoredSpans;
import dev.tracing.model.TraceIds;
import dev.tracing.storage.TraceRow;
import dev.tracing.storage.StoredTrace;
import dev.tracing.otlp.TraceBatcher;
import com.google.protobuf.ByteString;
import io.opentelemetry.proto.common.v1.InstrumentationScope;
import io.opentelemetry.proto.resource.v1.Resource;
import io.opentelemetry.proto.trace.v1.Span;
import io.opentelemetry.proto.trace.v1.Status;
import java.io.ByteArrayOutputStream;
import java.io.StringWriter;
import java.util.Comparator;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import tools.jackson.core.JsonGenerator;
import tools.jackson.core.ObjectWriteContext;
import tools.jackson.core.io.SerializedString;
import tools.jackson.core.json.JsonFactory;

/**
 * The trace-detail answer: the list fields of the trace plus every span, sorted by start time
 * (ties by span id, so the order is stable).
 */
public final class TraceJson {
  private static final JsonFactory JSON = new JsonFactory();
  private static final String[] STATUS_NAMES = {"STATUS_CODE_UNSET", "STATUS_CODE_OK", "STATUS_CODE_ERROR"};

  private TraceJson() {
  }

  /**
   * The answer for a trace: written from the packs' bytes ({@link WireTraceJson}), or, when a pack
   * has a layout that reader leaves to protobuf, from the decoded spans; both give the same bytes.
   */
  public static byte[] write(StoredTrace trace) {
    byte[] wire = WireTraceJson.write(trace);
    return wire != null ? wire : writeDecoded(trace);
  }

  /**
   * The answer built from the spans decoded into protobuf messages: what {@link #write} falls back
   * on, and the reference the byte reader is checked and measured against.
   */
  public static byte[] writeDecoded(StoredTrace trace) {
    List<StoredSpans.SpanRecord> spans = StoredSpans.of(trace);
    // unsigned byte order of span ids is the order of their lowercase hex
    spans.sort(Comparator.comparingLong((StoredSpans.SpanRecord r) -> r.span().getStartTimeUnixNano())
        .thenComparing(r -> r.span().getSpanId(), ByteString.unsignedLexicographicalComparator()));
    ByteArrayOutputStream out = new ByteArrayOutputStream(1024 + spans.size() * 1400);
    // the spans of one resource share its service name and attributes: written once, copied per span
    Map<Resource, ResourceJson> resources = new IdentityHashMap<>();
    try (JsonGenerator g = JSON.createGenerator(ObjectWriteContext.empty(), out)) {
      g.writeStartObject();
      writeHead(g, trace);
      g.writeName("spans");
      g.writeStartArray();
      for (StoredSpans.SpanRecord r : spans) {
        writeSpan(g, r, resources.computeIfAbsent(r.resource(), ResourceJson::of));
      }
      g.writeEndArray();
      g.writeEndObject();
    }
    return out.toByteArray();
  }

  /** The fields before the spans: the project and the trace's list fields. */
  static void writeHead(JsonGenerator g, StoredTrace trace) {
    g.writeNumberProperty("project_id", trace.projectId());
    QueryJson.writeRow(g, TraceRow.of(trace.summary()), trace.summary().spanCount());
  }

  public static String statusName(int code) {
    return code >= 0 && code < STATUS_NAMES.length ? STATUS_NAMES[code] : "STATUS_CODE_UNSET";
  }

  /** A resource's service name, and its attributes as a JSON object. */
  record ResourceJson(SerializedString serviceName, SerializedString attributes) {
    static ResourceJson of(Resource resource) {
      StringWriter attributes = new StringWriter();
      try (JsonGenerator g = JSON.createGenerator(ObjectWriteContext.empty(), attributes)) {
        JsonValues.writeAttributes(g, resource.getAttributesList());
      }
      return new ResourceJson(new SerializedString(TraceBatcher.serviceName(resource)), new SerializedString(attributes.toString()));
    }
  }

  private static void writeSpan(JsonGenerator g, StoredSpans.SpanRecord r, ResourceJson resource) {
    Span span = r.span();
    InstrumentationScope scope = r.scope();
    Status status = span.getStatus();
    long start = span.getStartTimeUnixNano();
    g.writeStartObject();
    g.writeStringProperty("span_id", OtlpIds.hex(span.getSpanId()));
    g.writeStringProperty("trace_id", OtlpIds.hex(span.getTraceId()));
    g.writeStringProperty("parent_span_id", span.getParentSpanId().isEmpty() ? "" : OtlpIds.hex(span.getParentSpanId()));
    g.writeStringProperty("timestamp", JsonValues.timestamp(start));
    g.writeNumberProperty("timestamp_nano", start);
    g.writeNumberProperty("duration_nano", Math.max(0, span.getEndTimeUnixNano() - start));
    g.writeName("service_name");
    g.writeString(resource.serviceName());
    g.writeStringProperty("operation", span.getName());
    // a kind number this OTLP version does not know reads as unspecified
    g.writeStringProperty("span_kind", span.getKind() == Span.SpanKind.UNRECOGNIZED ? "SPAN_KIND_UNSPECIFIED" : span.getKind().name());
    g.writeStringProperty("scope_name", scope.getName());
    g.writeStringProperty("scope_version", scope.getVersion());
    g.writeStringProperty("status_code", statusName(status.getCodeValue()));
    g.writeStringProperty("status_message", status.getMessage());
    g.writeStringProperty("trace_state", span.getTraceState());
    g.writeName("span_attributes");
    JsonValues.writeAttributes(g, span.getAttributesList());
    g.writeName("resource_attributes");
    g.writeRawValue(resource.attributes());
    g.writeName("events");
    g.writeStartArray();
    for (Span.Event e : span.getEventsList()) {
      g.writeStartObject();
      g.writeStringProperty("timestamp", JsonValues.timestamp(e.getTimeUnixNano()));
      g.writeNumberProperty("timestamp_nano", e.getTimeUnixNano());
      g.writeStringProperty("name", e.getName());
      g.writeName("attributes");
      JsonValues.writeAttributes(g, e.getAttributesList());
      g.writeEndObject();
    }
    g.writeEndArray();
    g.writeName("links");
    g.writeStartArray();
    for (Span.Link l : span.getLinksList()) {
      g.writeStartObject();
      g.writeStringProperty("trace_id", OtlpIds.hex(l.getTraceId()));
      g.writeStringProperty("span_id", OtlpIds.hex(l.getSpanId()));
      g.writeStringProperty("trace_state", l.getTraceState());
      g.writeName("attributes");
      JsonValues.writeAttributes(g, l.getAttributesList());
      g.writeEndObject();
    }
    g.writeEndArray();
    g.writeEndObject();
  }
}
