package dev.tracing.view;

import dev.tracing.model.Project;
import dev.tracing.query.ServiceMap;
import dev.tracing.query.ServiceMetrics;
import dev.tracing.query.TraceAnalytics;
import dev.tracing.query.TraceListService;
import dev.tracing.storage.TraceRow;
import java.io.ByteArrayOutputStream;
import java.util.List;
import java.util.function.Consumer;
import tools.jackson.core.JsonGenerator;
import tools.jackson.core.ObjectWriteContext;
import tools.jackson.core.json.JsonFactory;

/** The JSON answers of the query API other than trace detail. */
public final class QueryJson {
  private static final JsonFactory JSON = new JsonFactory();
  static final String INEXACT_FILTER = "a filter could not be applied exactly: attribute values longer than 256 characters are"
      + " not searchable, and a trace keeps at most 256 searchable attribute values, 100 services and 100 operations;"
      + " traces beyond these bounds may be missing from, or wrongly kept by, this filter";

  private QueryJson() {
  }

  static byte[] write(int sizeHint, Consumer<JsonGenerator> body) {
    ByteArrayOutputStream out = new ByteArrayOutputStream(sizeHint);
    try (JsonGenerator g = JSON.createGenerator(ObjectWriteContext.empty(), out)) {
      body.accept(g);
    }
    return out.toByteArray();
  }

  public static byte[] traces(long projectId, TraceListService.Page page, String nextPageToken, long scanBudget) {
    return write(256 + page.items().size() * 320, g -> {
      g.writeStartObject();
      g.writeNumberProperty("project_id", projectId);
      g.writeName("traces");
      g.writeStartArray();
      for (TraceListService.Item item : page.items()) {
        g.writeStartObject();
        writeRow(g, item.row(), item.matchedSpans());
        g.writeEndObject();
      }
      g.writeEndArray();
      if (nextPageToken == null) {
        g.writeNullProperty("next_page_token");
      } else {
        g.writeStringProperty("next_page_token", nextPageToken);
      }
      if (page.scanLimited() || page.attributeSearchInexact()) {
        g.writeName("warnings");
        g.writeStartArray();
        if (page.scanLimited()) {
          g.writeString("this page stopped after reading " + scanBudget + " traces without filling up: the filters are"
              + " selective for this time range. More matching traces may follow: request next_page_token, or narrow the"
              + " time range");
        }
        if (page.attributeSearchInexact()) {
          g.writeString(INEXACT_FILTER);
        }
        g.writeEndArray();
      }
      g.writeBooleanProperty("incomplete", page.scanLimited());
      g.writeEndObject();
    });
  }

  /** The fields a traces-list row and the trace-detail header share. */
  public static void writeRow(JsonGenerator g, TraceRow r, int matchedSpans) {
    g.writeStringProperty("trace_id", r.traceId());
    g.writeStringProperty("timestamp", JsonValues.timestamp(r.timestampNano()));
    g.writeNumberProperty("timestamp_nano", r.timestampNano());
    g.writeStringProperty("service_name", r.service());
    g.writeStringProperty("span_name", r.operation());
    g.writeNumberProperty("duration_nano", r.durationNano());
    g.writeStringProperty("status_code", TraceJson.statusName(r.statusCode()));
    g.writeNumberProperty("total_spans", r.spanCount());
    g.writeNumberProperty("matched_span_count", matchedSpans);
    g.writeNumberProperty("error_span_count", r.errorCount());
    g.writeBooleanProperty("in_progress", r.inProgress());
  }

  public static byte[] analytics(long projectId, TraceAnalytics.Result result) {
    return write(128 + result.intervals().size() * 160, g -> {
      g.writeStartObject();
      g.writeNumberProperty("project_id", projectId);
      g.writeNumberProperty("interval_seconds", result.stepSeconds());
      g.writeName("results");
      g.writeStartArray();
      for (TraceAnalytics.Interval i : result.intervals()) {
        g.writeStartObject();
        g.writeNumberProperty("interval", i.startSecond());
        g.writeNumberProperty("count", i.count());
        g.writeNumberProperty("error_count", i.errorCount());
        percentile(g, "p50_duration_nano", i.p50());
        percentile(g, "p75_duration_nano", i.p75());
        percentile(g, "p90_duration_nano", i.p90());
        percentile(g, "p95_duration_nano", i.p95());
        percentile(g, "p99_duration_nano", i.p99());
        g.writeEndObject();
      }
      g.writeEndArray();
      g.writeBooleanProperty("incomplete", result.completeFromSecond() != null);
      // where the figures come from: rollups give exact counts and percentiles within a stated error
      g.writeStringProperty("source", result.fromRollups() ? "rollups" : "traces");
      if (result.fromRollups()) {
        g.writeNumberProperty("percentile_relative_error", dev.tracing.rollup.DurationHistogram.RELATIVE_ERROR);
      }
      if (result.completeFromSecond() != null) {
        g.writeNumberProperty("complete_from", result.completeFromSecond());
      }
      if (result.completeFromSecond() != null || result.filterInexact()) {
        g.writeName("warnings");
        g.writeStartArray();
        if (result.completeFromSecond() != null) {
          g.writeString("the time range holds more traces than one analytics request reads; intervals before "
              + JsonValues.timestamp(result.completeFromSecond() * 1_000_000_000L) + " are left out: narrow the time range");
        }
        if (result.filterInexact()) {
          g.writeString(INEXACT_FILTER);
        }
        g.writeEndArray();
      }
      g.writeEndObject();
    });
  }

  /** {@code GET /v3/query/{p}/services/metrics}: per service, or per operation of one service. */
  public static byte[] serviceMetrics(long projectId, ServiceMetrics.Result result) {
    return write(128 + result.entries().size() * 4096, g -> {
      g.writeStartObject();
      g.writeNumberProperty("project_id", projectId);
      g.writeNumberProperty("interval", result.stepSeconds());
      g.writeName(result.operations() ? "operations" : "services");
      g.writeStartArray();
      for (ServiceMetrics.Entry e : result.entries()) {
        g.writeStartObject();
        g.writeStringProperty("name", e.name());
        redFields(g, e.total());
        g.writeName("series");
        g.writeStartArray();
        for (ServiceMetrics.Point p : e.series()) {
          g.writeStartObject();
          g.writeNumberProperty("interval", p.intervalSecond());
          redFields(g, p);
          g.writeEndObject();
        }
        g.writeEndArray();
        g.writeEndObject();
      }
      g.writeEndArray();
      g.writeEndObject();
    });
  }

  private static void redFields(JsonGenerator g, ServiceMetrics.Point p) {
    g.writeNumberProperty("span_count", p.spanCount());
    g.writeNumberProperty("error_count", p.errorCount());
    percentile(g, "p50_duration_nano", p.p50());
    percentile(g, "p95_duration_nano", p.p95());
    percentile(g, "p99_duration_nano", p.p99());
  }

  /** {@code GET /v3/query/{p}/services/map}: services and the calls between them. */
  public static byte[] serviceMap(long projectId, ServiceMap.Result result) {
    return write(128 + result.services().size() * 96 + result.edges().size() * 192, g -> {
      g.writeStartObject();
      g.writeNumberProperty("project_id", projectId);
      g.writeName("services");
      g.writeStartArray();
      for (ServiceMap.Node n : result.services()) {
        g.writeStartObject();
        g.writeStringProperty("name", n.name());
        g.writeNumberProperty("span_count", n.spanCount());
        g.writeNumberProperty("error_count", n.errorCount());
        g.writeEndObject();
      }
      g.writeEndArray();
      g.writeName("edges");
      g.writeStartArray();
      for (ServiceMap.Edge e : result.edges()) {
        g.writeStartObject();
        g.writeStringProperty("parent", e.parent());
        g.writeStringProperty("child", e.child());
        g.writeNumberProperty("call_count", e.callCount());
        g.writeNumberProperty("error_count", e.errorCount());
        percentile(g, "p50_duration_nano", e.p50());
        percentile(g, "p95_duration_nano", e.p95());
        g.writeEndObject();
      }
      g.writeEndArray();
      g.writeEndObject();
    });
  }

  private static void percentile(JsonGenerator g, String name, Long v) {
    if (v == null) {
      g.writeNullProperty(name);
    } else {
      g.writeNumberProperty(name, v);
    }
  }

  /** {@code {"<field>": [{"name": ...}, ...]}}. */
  public static byte[] names(String field, List<String> names) {
    return write(64 + names.size() * 32, g -> {
      g.writeStartObject();
      g.writeName(field);
      g.writeStartArray();
      for (String n : names) {
        g.writeStartObject();
        g.writeStringProperty("name", n);
        g.writeEndObject();
      }
      g.writeEndArray();
      g.writeEndObject();
    });
  }

  public static byte[] project(Project p, long bytesUsedThisMinute, long retentionDays) {
    return write(256, g -> {
      g.writeStartObject();
      g.writeNumberProperty("project_id", p.projectId());
      g.writeNumberProperty("namespace_id", p.namespaceId());
      g.writeStringProperty("name", p.name());
      g.writeNumberProperty("bytes_per_minute_limit", p.bytesPerMinute());
      g.writeNumberProperty("bytes_used_current_minute", bytesUsedThisMinute);
      g.writeNumberProperty("retention_days", retentionDays);
      g.writeEndObject();
    });
  }
}
