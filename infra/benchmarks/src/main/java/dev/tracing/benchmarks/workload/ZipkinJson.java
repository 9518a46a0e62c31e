package dev.tracing.benchmarks.workload;

import io.opentelemetry.proto.collector.trace.v1.ExportTraceServiceRequest;
import io.opentelemetry.proto.common.v1.AnyValue;
import io.opentelemetry.proto.common.v1.KeyValue;
import io.opentelemetry.proto.trace.v1.ResourceSpans;
import io.opentelemetry.proto.trace.v1.ScopeSpans;
import io.opentelemetry.proto.trace.v1.Span;
import io.opentelemetry.proto.trace.v1.Status;
import java.nio.charset.StandardCharsets;
import java.util.HexFormat;

/**
 * OTLP spans as Zipkin v2 JSON ({@code POST /api/v2/spans}), mapped as the OpenTelemetry
 * Zipkin exporter maps them: ids as hex, microsecond timestamp and duration, kind (INTERNAL
 * omitted), {@code localEndpoint.serviceName} from {@code service.name}, span attributes as string
 * tags plus {@code otel.scope.name}/{@code otel.scope.version}, {@code otel.status_code} and
 * {@code error} for an error status, events as annotations. Resource attributes other than the
 * service name are not carried (the exporter does not either).
 */
public final class ZipkinJson {
  private static final HexFormat HEX = HexFormat.of();

  private ZipkinJson() {
  }

  public static byte[] spans(ExportTraceServiceRequest request) {
    StringBuilder out = new StringBuilder(request.getSerializedSize() * 2);
    out.append('[');
    boolean first = true;
    for (ResourceSpans rs : request.getResourceSpansList()) {
      String service = "unknown_service";
      for (KeyValue kv : rs.getResource().getAttributesList()) {
        if (kv.getKey().equals("service.name")) {
          service = kv.getValue().getStringValue();
        }
      }
      for (ScopeSpans ss : rs.getScopeSpansList()) {
        for (Span span : ss.getSpansList()) {
          if (!first) {
            out.append(',');
          }
          first = false;
          span(out, service, ss, span);
        }
      }
    }
    out.append(']');
    return out.toString().getBytes(StandardCharsets.UTF_8);
  }

  private static void span(StringBuilder out, String service, ScopeSpans ss, Span span) {
    out.append("{\"traceId\":\"").append(HEX.formatHex(span.getTraceId().toByteArray()))
        .append("\",\"id\":\"").append(HEX.formatHex(span.getSpanId().toByteArray())).append('"');
    if (!span.getParentSpanId().isEmpty()) {
      out.append(",\"parentId\":\"").append(HEX.formatHex(span.getParentSpanId().toByteArray())).append('"');
    }
    String kind = switch (span.getKind()) {
      case SPAN_KIND_SERVER -> "SERVER";
      case SPAN_KIND_CLIENT -> "CLIENT";
      case SPAN_KIND_PRODUCER -> "PRODUCER";
      case SPAN_KIND_CONSUMER -> "CONSUMER";
      default -> null;
    };
    if (kind != null) {
      out.append(",\"kind\":\"").append(kind).append('"');
    }
    out.append(",\"name\":");
    string(out, span.getName());
    long startMicros = span.getStartTimeUnixNano() / 1000;
    out.append(",\"timestamp\":").append(startMicros)
        .append(",\"duration\":").append(Math.max(1, (span.getEndTimeUnixNano() - span.getStartTimeUnixNano()) / 1000));
    out.append(",\"localEndpoint\":{\"serviceName\":");
    string(out, service);
    out.append('}');
    if (span.getEventsCount() > 0) {
      out.append(",\"annotations\":[");
      for (int i = 0; i < span.getEventsCount(); i++) {
        Span.Event e = span.getEvents(i);
        if (i > 0) {
          out.append(',');
        }
        out.append("{\"timestamp\":").append(e.getTimeUnixNano() / 1000).append(",\"value\":");
        string(out, e.getName());
        out.append('}');
      }
      out.append(']');
    }
    out.append(",\"tags\":{");
    boolean first = true;
    for (KeyValue kv : span.getAttributesList()) {
      first = tag(out, first, kv.getKey(), text(kv.getValue()));
    }
    first = tag(out, first, "otel.scope.name", ss.getScope().getName());
    first = tag(out, first, "otel.scope.version", ss.getScope().getVersion());
    if (span.getStatus().getCode() == Status.StatusCode.STATUS_CODE_ERROR) {
      first = tag(out, first, "otel.status_code", "ERROR");
      tag(out, first, "error", span.getStatus().getMessage());
    }
    out.append("}}");
  }

  private static boolean tag(StringBuilder out, boolean first, String key, String value) {
    if (!first) {
      out.append(',');
    }
    string(out, key);
    out.append(':');
    string(out, value);
    return false;
  }

  private static String text(AnyValue v) {
    return switch (v.getValueCase()) {
      case STRING_VALUE -> v.getStringValue();
      case BOOL_VALUE -> Boolean.toString(v.getBoolValue());
      case INT_VALUE -> Long.toString(v.getIntValue());
      case DOUBLE_VALUE -> Double.toString(v.getDoubleValue());
      default -> v.toString();
    };
  }

  static void string(StringBuilder out, String s) {
    out.append('"');
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      switch (c) {
        case '"' -> out.append("\\\"");
        case '\\' -> out.append("\\\\");
        case '\n' -> out.append("\\n");
        case '\r' -> out.append("\\r");
        case '\t' -> out.append("\\t");
        default -> {
          if (c < 0x20) {
            out.append(String.format("\\u%04x", (int) c));
          } else {
            out.append(c);
          }
        }
      }
    }
    out.append('"');
  }
}
