package dev.tracing.view;

import dev.tracing.otlp.OtlpIds;
import dev.tracing.otlp.StoredSpans;
import dev.tracing.model.TraceIds;
import dev.tracing.storage.TraceRow;
import dev.tracing.storage.StoredTrace;
import dev.tracing.otlp.TraceBatcher;
import io.opentelemetry.proto.common.v1.InstrumentationScope;
import io.opentelemetry.proto.trace.v1.Span;
import io.opentelemetry.proto.trace.v1.Status;
import java.io.ByteArrayOutputStream;
import java.util.Comparator;
import java.util.List;
import tools.jackson.core.JsonGenerator;
import tools.jackson.core.ObjectWriteContext;
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

  public static byte[] write(StoredTrace trace) {
    List<StoredSpans.SpanRecord> spans = StoredSpans.of(trace);
    spans.sort(Comparator.comparingLong((StoredSpans.SpanRecord r) -> r.span().getStartTimeUnixNano())
        .thenComparing(r -> OtlpIds.hex(r.span().getSpanId())));
    ByteArrayOutputStream out = new ByteArrayOutputStream(1024 + spans.size() * 600);
    try (JsonGenerator g = JSON.createGenerator(ObjectWriteContext.empty(), out)) {
      g.writeStartObject();
      g.writeNumberProperty("project_id", trace.projectId());
      QueryJson.writeRow(g, TraceRow.of(trace.summary()), trace.summary().spanCount());
      g.writeName("spans");
      g.writeStartArray();
      for (StoredSpans.SpanRecord r : spans) {
        writeSpan(g, r);
      }
      g.writeEndArray();
      g.writeEndObject();
    }
    return out.toByteArray();
  }

  public static String statusName(int code) {
    return code >= 0 && code < STATUS_NAMES.length ? STATUS_NAMES[code] : "STATUS_CODE_UNSET";
  }

  private static void writeSpan(JsonGenerator g, StoredSpans.SpanRecord r) {
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
    g.writeStringProperty("service_name", TraceBatcher.serviceName(r.resource()));
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
    JsonValues.writeAttributes(g, r.resource().getAttributesList());
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
