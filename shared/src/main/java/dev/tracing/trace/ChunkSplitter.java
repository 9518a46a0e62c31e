package dev.tracing.trace;

import io.opentelemetry.proto.trace.v1.ResourceSpans;
import io.opentelemetry.proto.trace.v1.ScopeSpans;
import io.opentelemetry.proto.trace.v1.TracesData;
import java.util.ArrayList;
import java.util.List;

/** Splits a chunk too large for one stored item into two deterministic halves. */
public final class ChunkSplitter {
  private ChunkSplitter() {
  }

  /**
   * @return two chunks holding the first and second half of the spans (in stored order), each
   *     with its resources and scopes and its own deterministic key
   * @throws IllegalArgumentException for a chunk of one span, which cannot be split
   */
  public static List<TraceChunk> halves(TraceChunk chunk) {
    int total = chunk.spanCount();
    if (total < 2) {
      throw new IllegalArgumentException("a single span cannot be split");
    }
    int half = total / 2;
    return List.of(slice(chunk, 0, half), slice(chunk, half, total));
  }

  private static TraceChunk slice(TraceChunk chunk, int from, int to) {
    TracesData.Builder data = TracesData.newBuilder();
    int index = 0;
    for (ResourceSpans rs : chunk.spans().getResourceSpansList()) {
      ResourceSpans.Builder rsb = null;
      for (ScopeSpans ss : rs.getScopeSpansList()) {
        ScopeSpans.Builder ssb = null;
        for (var span : ss.getSpansList()) {
          if (index >= from && index < to) {
            if (ssb == null) {
              ssb = ScopeSpans.newBuilder().setScope(ss.getScope()).setSchemaUrl(ss.getSchemaUrl());
            }
            ssb.addSpans(span);
          }
          index++;
        }
        if (ssb != null) {
          if (rsb == null) {
            rsb = ResourceSpans.newBuilder().setResource(rs.getResource()).setSchemaUrl(rs.getSchemaUrl());
          }
          rsb.addScopeSpans(ssb);
        }
      }
      if (rsb != null) {
        data.addResourceSpans(rsb);
      }
    }
    List<SpanFacts> facts = new ArrayList<>(chunk.facts().subList(from, to));
    return new TraceChunk(chunk.traceId(), TraceBatcher.chunkKey(facts), data.build(), List.copyOf(facts));
  }
}
