package dev.tracing.rollup;

import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The rollup changes of one export request, gathered before they are stored, so each cell is
 * written once per request however many spans fold into it. Ingest writes minute cells only; the
 * hourly cells are summed from them by the compactor once an hour is over (an hourly cell updated
 * by every request of its hour would be billed its whole, growing size each time). Thread-safe:
 * the summaries of a request's traces are merged in parallel.
 */
public final class RollupBatch {
  private final Map<RollupKey, RollupCell> cells = new LinkedHashMap<>();

  /** What a trace adds to the {@link RollupFamily#TRACES} cells as its summary stands. */
  public record TraceContribution(long headStartNano, long durationNano, boolean error, Collection<String> services) {
    public TraceContribution {
      services = List.copyOf(services);
    }

  }

  /** A span newly stored: counted for its service and its (service, operation). */
  public synchronized void addSpan(String service, String operation, long startNano, long durationNano, boolean error) {
    Granularity g = Granularity.MINUTE;
    long bucket = g.bucketOf(startNano);
    cell(new RollupKey(RollupFamily.SERVICES, g, bucket, "", service)).add(durationNano, error, 1);
    cell(new RollupKey(RollupFamily.OPERATIONS, g, bucket, service, operation)).add(durationNano, error, 1);
  }

  /** A call from one service to another, newly seen: the child span's start, duration and status. */
  public synchronized void addEdge(String parentService, String childService, long childStartNano, long durationNano,
                                   boolean error) {
    Granularity g = Granularity.MINUTE;
    cell(new RollupKey(RollupFamily.EDGES, g, g.bucketOf(childStartNano), "", RollupFamily.edgeName(parentService, childService)))
        .add(durationNano, error, 1);
  }

  /**
   * A trace's summary changed: takes its old contribution away and adds the new one. Where both
   * fall in the same cell with the same duration and status, nothing is written.
   *
   * @param before the contribution before this request, or {@code null} for a new trace
   */
  public synchronized void replaceTrace(TraceContribution before, TraceContribution after) {
    if (before != null) {
      traceCells(before, -1);
    }
    traceCells(after, 1);
  }

  private void traceCells(TraceContribution c, int sign) {
    Granularity g = Granularity.MINUTE;
    long bucket = g.bucketOf(c.headStartNano());
    cell(new RollupKey(RollupFamily.TRACES, g, bucket, RollupFamily.ALL_TRACES, "")).add(c.durationNano(), c.error(), sign);
    for (String service : c.services()) {
      cell(new RollupKey(RollupFamily.TRACES, g, bucket, RollupFamily.serviceFilterKey(service), ""))
          .add(c.durationNano(), c.error(), sign);
    }
  }

  private RollupCell cell(RollupKey key) {
    return cells.computeIfAbsent(key, k -> new RollupCell());
  }

  /** The cells to store: those whose changes did not cancel out. */
  public synchronized Map<RollupKey, RollupCell> cells() {
    Map<RollupKey, RollupCell> out = new LinkedHashMap<>();
    cells.forEach((k, v) -> {
      if (!v.isZero()) {
        out.put(k, v);
      }
    });
    return out;
  }

  public synchronized boolean isEmpty() {
    return cells().isEmpty();
  }
}
