package dev.tracing.storage;

import dev.tracing.query.TraceRow;

/**
 * The traces list index: every trace of a project by its timestamp, with the summary fields
 * filters need. Reads only; {@link TraceWriter} keeps it up to date.
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

  /** The list rows of the given traces that exist and have not expired (for {@code trace_id} filters). */
  java.util.List<TraceRow> rows(long projectId, java.util.Collection<String> traceIds);
}
