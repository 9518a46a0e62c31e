package dev.tracing.view;

import com.google.protobuf.ByteString;
import dev.tracing.otlp.OtlpIds;
import dev.tracing.otlp.StoredSpans;
import dev.tracing.storage.StoredTrace;
import io.opentelemetry.proto.common.v1.InstrumentationScope;
import io.opentelemetry.proto.resource.v1.Resource;
import io.opentelemetry.proto.trace.v1.Span;
import io.opentelemetry.proto.trace.v1.Status;
import java.io.ByteArrayOutputStream;
import java.util.Comparator;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import tools.jackson.core.JsonGenerator;
import tools.jackson.core.ObjectWriteContext;
import tools.jackson.core.json.JsonFactory;

/**
 * The reference for the trace-detail answer: written from the spans decoded into protobuf
 * messages ({@link StoredSpans#of}), one field at a time, the plainest way to write what the API
 * documents. {@link TraceJson#write} writes the answer from the packs' bytes instead; the tests
 * and the query benchmark check that both give the same bytes, and the benchmark times both.
 */
public final class DecodedTraceJson {
  private static final JsonFactory JSON = new JsonFactory();

  private DecodedTraceJson() {
  }

  /**
   * The answer built from the decoded spans.
   *
   * @throws IllegalStateException for a corrupt pack
   */
  public static byte[] write(StoredTrace trace) {
    List<StoredSpans.SpanRecord> spans = StoredSpans.of(trace);
    // unsigned byte order of span ids is the order of their lowercase hex
    spans.sort(Comparator.comparingLong((StoredSpans.SpanRecord r) -> r.span().getStartTimeUnixNano())
        .thenComparing(r -> r.span().getSpanId(), ByteString.unsignedLexicographicalComparator()));
    ByteArrayOutputStream out = new ByteArrayOutputStream(1024 + spans.size() * 1400);
    // the spans of one resource share its service name and attributes: written once, copied per span
    Map<Resource, TraceJson.ResourceJson> resources = new IdentityHashMap<>();
    try (JsonGenerator g = JSON.createGenerator(ObjectWriteContext.empty(), out)) {
      g.writeStartObject();
      TraceJson.writeHead(g, trace);
      g.writeName("spans");
      g.writeStartArray();
      for (StoredSpans.SpanRecord r : spans) {
        writeSpan(g, r, resources.computeIfAbsent(r.resource(), TraceJson.ResourceJson::of));
      }
      g.writeEndArray();
      g.writeEndObject();
    }
    return out.toByteArray();
  }

  private static void writeSpan(JsonGenerator g, StoredSpans.SpanRecord r, TraceJson.ResourceJson resource) {
    Span span = r.span();
    InstrumentationScope scope = r.scope();
    Status status = span.getStatus();
    long start = span.getStartTimeUnixNano();
    g.writeStartObject();
    g.writeStringProperty("span_id", OtlpIds.hex(span.getSpanId()));
    g.writeStringProperty("trace_id", OtlpIds.hex(span.getTraceId()));
    g.writeStringProperty("parent_span_id", OtlpIds.isAllZero(span.getParentSpanId()) ? "" : OtlpIds.hex(span.getParentSpanId()));
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
    g.writeStringProperty("status_code", TraceJson.statusName(status.getCodeValue()));
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
