package dev.tracing.storage;

import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.Map;
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

  /**
   * Reads several traces of a project, as {@link #read} reads each: those found, by trace id. A
   * store may read them together, and what they share (a stored batch of spans holds spans of
   * many traces) once.
   */
  default Map<String, StoredTrace> readAll(long projectId, Collection<String> traceIds) {
    Map<String, StoredTrace> out = new LinkedHashMap<>();
    for (String id : traceIds) {
      read(projectId, id).ifPresent(t -> out.put(id, t));
    }
    return out;
  }
}
