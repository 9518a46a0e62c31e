package dev.tracing.trace;

import io.opentelemetry.proto.trace.v1.TracesData;
import java.util.List;

/**
 * The spans of one trace that arrived in one request, kept in their OTLP form (resource and
 * scope included) so every field survives storage exactly.
 *
 * @param traceId lowercase hex
 * @param key deterministic identity of this chunk: a digest of its sorted span ids, so an
 *     exporter's retry of the same request writes the same chunk again instead of a new one
 * @param spans the spans with their resources and scopes, only of this trace
 * @param facts one entry per span, in the order of {@code spans}
 */
public record TraceChunk(String traceId, String key, TracesData spans, List<SpanFacts> facts) {

  public int spanCount() {
    return facts.size();
  }

  /** The earliest span start in this chunk, in Unix nanoseconds. */
  public long minStartNano() {
    long min = Long.MAX_VALUE;
    for (SpanFacts f : facts) {
      min = Math.min(min, f.startNano());
    }
    return min;
  }
}
