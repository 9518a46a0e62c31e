package dev.tracing.storage;

import dev.tracing.trace.TraceSummary;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

/**
 * One trace as read back: its summary and its stored chunk payloads (as
 * {@link dev.tracing.trace.TraceChunk#payload()} holds them), with the chunk keys. Readers hand
 * out fresh objects; callers may keep them.
 *
 * <p>Chunks can hold a span twice (sent again in a differently composed request) or hold spans
 * of a request that failed before it was acknowledged; {@code dev.tracing.otlp.StoredSpans}
 * decodes them and returns each counted span exactly once, so what a reader sees always agrees
 * with the summary's counts.
 */
public record StoredTrace(long projectId, TraceSummary summary, List<byte[]> chunks, List<String> chunkKeys) {
  public StoredTrace {
    chunks = List.copyOf(chunks);
    // a chunk's key is null when unknown
    chunkKeys = Collections.unmodifiableList(new ArrayList<>(chunkKeys));
  }

  /** A trace whose chunk keys are unknown: only spans the summary tracks by id are shown. */
  public StoredTrace(long projectId, TraceSummary summary, List<byte[]> chunks) {
    this(projectId, summary, chunks, Collections.nCopies(chunks.size(), null));
  }
}
