package dev.tracing.storage;

import dev.tracing.trace.TraceChunk;
import java.util.List;

/** Stores spans. One method, like Zipkin's {@code SpanConsumer}. */
public interface TraceWriter {

  /**
   * Stores the chunks of one export request and folds them into their traces' summaries, or, where
   * summaries come from the store's stream of changes (the DynamoDB backend with
   * {@code TRACING_SUMMARIES=stream}), stores them for that fold.
   *
   * <p>Durable: when this returns normally, every span of every chunk is stored (and counted, or
   * on its way to be counted by the stream's fold); when it throws, the caller must not
   * acknowledge the request (some spans may be stored).
   *
   * <p>Idempotent: writing the same chunks again (an exporter retrying after a failure or a lost
   * answer) stores nothing new and counts nothing twice. A span that arrives again inside a
   * differently composed chunk is counted once in the summary and returned once by readers.
   *
   * <p>Order-independent: the summary is the same whatever order the chunks of a trace arrive in.
   *
   * @throws StoreUnavailableException when the store did not confirm every write
   */
  void write(long projectId, List<TraceChunk> chunks);
}
