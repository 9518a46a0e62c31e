package dev.tracing.otlp;

import dev.tracing.storage.StoredTrace;
import dev.tracing.trace.TraceSummary;
import io.opentelemetry.proto.common.v1.InstrumentationScope;
import io.opentelemetry.proto.resource.v1.Resource;
import io.opentelemetry.proto.trace.v1.ResourceSpans;
import io.opentelemetry.proto.trace.v1.ScopeSpans;
import io.opentelemetry.proto.trace.v1.Span;
import io.opentelemetry.proto.trace.v1.TracesData;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/** The spans of a stored trace, decoded: each counted span once, with its resource and scope. */
public final class StoredSpans {
  private StoredSpans() {
  }

  /** A span with the resource and scope it was sent with. */
  public record SpanRecord(Span span, Resource resource, String resourceSchemaUrl, InstrumentationScope scope,
                           String scopeSchemaUrl) {
  }

  /**
   * Every counted span once, in stored order (callers sort as they need): a span of this trace
   * the summary counts by id, or any span of this trace in a chunk the summary counts whole. A
   * chunk (a request's span pack) holds other traces' spans too: they are passed over.
   */
  public static List<SpanRecord> of(StoredTrace trace) {
    TraceSummary summary = trace.summary();
    com.google.protobuf.ByteString traceId = com.google.protobuf.ByteString.fromHex(summary.traceId());
    List<SpanRecord> out = new ArrayList<>(summary.spanCount());
    Set<Long> seen = new HashSet<>();
    for (int c = 0; c < trace.chunks().size(); c++) {
      TracesData chunk = SpanChunks.decode(trace.chunks().get(c));
      boolean countedAsChunk = countedWhole(trace, c);
      for (ResourceSpans rs : chunk.getResourceSpansList()) {
        for (ScopeSpans ss : rs.getScopeSpansList()) {
          for (Span span : ss.getSpansList()) {
            if (!span.getTraceId().equals(traceId)) {
              continue;
            }
            long id = span.getSpanId().asReadOnlyByteBuffer().getLong();
            if ((summary.containsSpan(id) || countedAsChunk) && seen.add(id)) {
              out.add(new SpanRecord(span, rs.getResource(), rs.getSchemaUrl(), ss.getScope(), ss.getSchemaUrl()));
            }
          }
        }
      }
    }
    return out;
  }

  /**
   * Whether the summary counts the {@code c}-th chunk whole: every span of the trace in it is
   * counted, whatever its id. Otherwise a span is counted when the summary holds its id.
   */
  public static boolean countedWhole(StoredTrace trace, int c) {
    String key = trace.chunkKeys().get(c);
    return key != null && trace.summary().countsChunk(key);
  }
}
