package dev.tracing.ingest;

import dev.tracing.otlp.OtlpBody;
import dev.tracing.storage.ServiceCatalog;
import dev.tracing.storage.StoreUnavailableException;
import dev.tracing.storage.TraceWriter;
import dev.tracing.trace.SpanFacts;
import dev.tracing.otlp.TraceBatcher;
import dev.tracing.trace.TraceChunk;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;
import java.util.logging.Level;
import java.util.logging.Logger;
import java.time.Clock;

/**
 * Ingest of one OTLP export request for one project: decode, limit, validate, store.
 *
 * <p>The answer is {@link Result.Stored} only after every accepted span is durably stored; any
 * store failure gives {@link Result.Unavailable} and refunds the bytes counted against the limit.
 */
public final class IngestService {
  private static final Logger LOG = Logger.getLogger(IngestService.class.getName());
  private final OtlpBody bodies;
  private final IngestLimiter limiter;
  private final TraceBatcher batcher;
  private final TraceWriter writer;
  private final ServiceCatalog catalog;
  private final Clock clock;

  public IngestService(OtlpBody bodies, IngestLimiter limiter, TraceBatcher batcher, TraceWriter writer, ServiceCatalog catalog,
                       Clock clock) {
    this.bodies = bodies;
    this.limiter = limiter;
    this.batcher = batcher;
    this.writer = writer;
    this.catalog = catalog;
    this.clock = clock;
  }

  /** What became of a request. */
  public sealed interface Result {
    record Stored(int acceptedSpans, int rejectedSpans, String rejectionMessage) implements Result {
    }

    record Refused(int status, String message, int retryAfterSeconds) implements Result {
    }

    record Unavailable(String reason) implements Result {
    }
  }

  public Result ingest(long projectId, String contentType, String contentEncoding, byte[] body) {
    long limit;
    OtlpBody.Decoded request;
    try {
      // The limit is known before decoding, so a body that could never fit is not decoded at all.
      limit = limiter.limitOf(projectId);
      request = bodies.decode(contentType, contentEncoding, body, limit);
    } catch (StoreUnavailableException e) {
      return new Result.Unavailable(e.getMessage());
    } catch (OtlpBody.BodyException e) {
      return new Result.Refused(e.status(), e.getMessage(), 0);
    }
    long size = request.protobufBytes();
    IngestLimiter.Decision decision;
    try {
      decision = limiter.admit(projectId, size, limit);
    } catch (StoreUnavailableException e) {
      return new Result.Unavailable(e.getMessage());
    }
    if (decision instanceof IngestLimiter.Decision.TooLarge tooLarge) {
      return new Result.Refused(413, "this request is " + tooLarge.bytes() + " bytes (protobuf-encoded) but the project's ingest limit is "
          + tooLarge.limit() + " bytes per minute, so it can never be accepted: export smaller batches"
          + " (OTEL_BSP_MAX_EXPORT_BATCH_SIZE) or ask an operator to raise the limit", 0);
    }
    if (decision instanceof IngestLimiter.Decision.OverLimit over) {
      return new Result.Refused(429, "the project's ingest limit of " + over.limit() + " bytes per minute is used up for this minute;"
          + " retry after " + over.retryAfterSeconds() + " seconds", over.retryAfterSeconds());
    }
    IngestLimiter.Decision.Admitted admitted = (IngestLimiter.Decision.Admitted) decision;
    TraceBatcher.Batch batch;
    try {
      batch = batcher.split(request, clock.instant());
    } catch (OtlpBody.BodyException e) {
      // a transcoded body is parsed here, if at all; the transcoder's output always parses
      refund(projectId, admitted);
      return new Result.Refused(e.status(), e.getMessage(), 0);
    }
    try {
      writer.write(projectId, batch.chunks());
    } catch (StoreUnavailableException e) {
      refund(projectId, admitted);
      return new Result.Unavailable(e.getMessage());
    }
    recordNames(projectId, batch);
    return new Result.Stored(batch.acceptedSpans(), batch.rejectedSpans(), batch.rejectionMessage());
  }

  private void refund(long projectId, IngestLimiter.Decision.Admitted admitted) {
    try {
      limiter.refund(projectId, admitted);
    } catch (StoreUnavailableException ignored) {
      // the store is down; the client's retry may be charged twice within this minute
    }
  }

  /** Autocomplete names: best effort, the spans are already stored and acknowledged either way. */
  private void recordNames(long projectId, TraceBatcher.Batch batch) {
    Map<String, Set<String>> names = new HashMap<>();
    for (TraceChunk chunk : batch.chunks()) {
      for (SpanFacts f : chunk.facts()) {
        names.computeIfAbsent(f.service(), k -> new HashSet<>()).add(f.name());
      }
    }
    try {
      catalog.record(projectId, names);
    } catch (StoreUnavailableException e) {
      LOG.log(Level.FINE, "service catalog not updated", e);
    }
  }
}
