package dev.tracing.storage;

import java.util.Optional;

/** Reads whole traces. */
public interface TraceReader {

  /**
   * Reads one trace of a project.
   *
   * @param traceId 32 lowercase hex characters (normalize first with
   *     {@link dev.tracing.model.TraceIds#normalizeTraceId})
   * @return empty when the project has no such trace, or when it has expired (its TTL passed,
   *     even if the store has not deleted it yet)
   * @throws StoreUnavailableException when the store cannot answer
   */
  Optional<StoredTrace> read(long projectId, String traceId);
}
