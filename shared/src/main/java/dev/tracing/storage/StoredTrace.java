package dev.tracing.storage;

import dev.tracing.trace.TraceSummary;
import io.opentelemetry.proto.resource.v1.Resource;
import io.opentelemetry.proto.common.v1.InstrumentationScope;
import io.opentelemetry.proto.trace.v1.ResourceSpans;
import io.opentelemetry.proto.trace.v1.ScopeSpans;
import io.opentelemetry.proto.trace.v1.Span;
import io.opentelemetry.proto.trace.v1.TracesData;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * One trace as read back: its summary and its stored chunks. Readers hand out fresh objects;
 * callers may keep them.
 *
 * <p>Chunks can hold a span twice (sent again in a differently composed request) or hold spans
 * of a request that failed before it was acknowledged; {@link #spans()} returns each counted
 * span exactly once, so what a reader sees always agrees with the summary's counts.
 */
public record StoredTrace(long projectId, TraceSummary summary, List<TracesData> chunks, List<String> chunkKeys) {

  /** A trace whose chunk keys are unknown: only spans the summary tracks by id are shown. */
  public StoredTrace(long projectId, TraceSummary summary, List<TracesData> chunks) {
    this(projectId, summary, chunks, java.util.Collections.nCopies(chunks.size(), null));
  }

  /** A span with the resource and scope it was sent with. */
  public record SpanRecord(Span span, Resource resource, String resourceSchemaUrl, InstrumentationScope scope,
                           String scopeSchemaUrl) {
  }

  /** Every counted span once, in stored order (callers sort as they need). */
  public List<SpanRecord> spans() {
    List<SpanRecord> out = new ArrayList<>(summary.spanCount());
    Set<Long> seen = new HashSet<>();
    for (int c = 0; c < chunks.size(); c++) {
      TracesData chunk = chunks.get(c);
      String key = chunkKeys.get(c);
      boolean countedAsChunk = key != null && summary.countsChunk(key);
      for (ResourceSpans rs : chunk.getResourceSpansList()) {
        for (ScopeSpans ss : rs.getScopeSpansList()) {
          for (Span span : ss.getSpansList()) {
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
}
