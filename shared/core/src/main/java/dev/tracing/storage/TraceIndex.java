package dev.tracing.storage;

import dev.tracing.storage.TraceRow;

/**
 * The traces list index: every trace of a project by its timestamp, with the summary fields
 * filters need. Reads only; {@link TraceWriter} keeps it up to date.
 *
 * <p>Consistency: {@link #scan} may lag behind writes. The DynamoDB implementation reads a global
 * secondary index, and DynamoDB updates a GSI asynchronously and answers index queries only with
 * eventual consistency: on AWS a trace whose write was acknowledged (a {@code 200} to its
 * exporter) usually appears in the list within a second, but a scan right after the write may
 * not see it yet, or may see its summary as it was before the last write (an older span count or
 * status). {@link #rows} reads the table itself, also with eventually consistent reads, so it may
 * lag the same way. Callers must not assume that a write they just made is listed. Local servers
 * (dynalite, LocalStack) update the index at once, so tests do not see the lag.
 */
public interface TraceIndex {

  /** Receives rows in order; returns false to stop the scan. */
  @FunctionalInterface
  interface RowVisitor {
    boolean visit(TraceRow row);
  }

  /** How a scan ended. */
  record ScanOutcome(int rowsRead, boolean budgetExhausted, TraceRow lastVisited) {
  }

  /**
   * Visits the project's traces whose timestamp is in {@code [startNano, endNano)}, ordered by
   * timestamp (descending or ascending) and, within one timestamp, by trace id ascending. Expired
   * traces are skipped. The scan stops when the visitor returns false, or when it has read
   * {@code budget} rows (it finishes the group of rows sharing a timestamp first, so a caller can
   * resume after {@link ScanOutcome#lastVisited()} without losing or repeating a row).
   *
   * @throws StoreUnavailableException when the store cannot answer
   */
  ScanOutcome scan(long projectId, long startNano, long endNano, boolean descending, int budget, RowVisitor visitor);

  /**
   * {@link #scan}, for a search whose every match holds each of {@code requiredTerms} (attribute
   * term hashes): the index may pass over rows that cannot hold them (it may still visit some),
   * and counts only the rows it reads against {@code budget}. The visitor must still check each
   * row itself.
   */
  default ScanOutcome scan(long projectId, long startNano, long endNano, boolean descending, int budget,
                           long[] requiredTerms, RowVisitor visitor) {
    return scan(projectId, startNano, endNano, descending, budget, visitor);
  }

  /**
   * Visits the project's traces whose timestamp is in {@code [startNano, endNano)} ordered by
   * duration (descending or ascending) and, within one duration, by trace id ascending, starting
   * strictly after the trace {@code (afterDuration, afterTraceId)} in that order (from the first
   * when {@code afterTraceId} is null). Expired traces are skipped. Reads grow with the rows
   * visited and the days the window touches, not with the traces of the window. The scan stops
   * when the visitor returns false, or once it has passed {@code budget} index rows; then
   * {@link ScanOutcome#lastVisited()} is the last trace it passed in that order (visited or not),
   * to resume after.
   *
   * @throws StoreUnavailableException when the store cannot answer
   */
  ScanOutcome scanByDuration(long projectId, long startNano, long endNano, boolean descending, long afterDuration,
      String afterTraceId, int budget, RowVisitor visitor);

  /** The list rows of the given traces that exist and have not expired (for {@code trace_id} filters). */
  java.util.List<TraceRow> rows(long projectId, java.util.Collection<String> traceIds);
}
