package dev.tracing.query;

import dev.tracing.rollup.DurationHistogram;
import dev.tracing.rollup.RollupCell;
import dev.tracing.rollup.RollupFamily;
import dev.tracing.storage.RollupStore;
import dev.tracing.storage.TraceIndex;
import java.util.Map;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * Per-interval trace counts, error counts and duration percentiles for a window and filters:
 * the data of the list's charts.
 *
 * <p>From the traces rollups when the filters allow (none, one {@code service_name}, {@code status}
 * or {@code not[status]}) and intervals are whole minutes (windows over 1 hour): whole minutes
 * and hours from the rollup cells, the seconds before the first and after the last whole minute
 * from the list index (or, when fewer, the whole minute from the rollups less the rows of its
 * seconds outside the window), so counts are exact and percentiles within
 * {@link DurationHistogram#RELATIVE_ERROR}; the cost follows the number of buckets, not of traces.
 *
 * <p>Otherwise from the list index: reads at most {@code budget} index rows, newest first; when the
 * window holds more, the older intervals are left out and the answer says from when it is complete.
 */
public final class TraceAnalytics {
  /**
   * Interval lengths in seconds; the smallest giving at most {@link #MAX_INTERVALS} intervals is used.
   * No two hours: a 7-day chart takes three-hour intervals, which the rollups' three-hour cells answer.
   */
  private static final long[] STEPS = {1, 5, 10, 15, 30, 60, 120, 300, 600, 900, 1800, 3600, 10800, 21600, 43200, 86400};
  static final int MAX_INTERVALS = 120;

  private final TraceIndex index;
  private final RollupSeries rollups;
  private final int budget;

  /** Answers from the list index only. */
  public TraceAnalytics(TraceIndex index, int budget) {
    this(index, null, budget);
  }

  /** @param rollups {@code null}: always answer from the list index */
  public TraceAnalytics(TraceIndex index, RollupStore rollups, int budget) {
    this.index = index;
    this.rollups = rollups == null ? null : new RollupSeries(rollups);
    this.budget = budget;
  }

  /** One interval; percentiles are {@code null} when it holds no trace. */
  public record Interval(long startSecond, int count, int errorCount, Long p50, Long p75, Long p90, Long p95, Long p99) {
    /** An interval holding no trace. */
    static Interval none(long startSecond) {
      return new Interval(startSecond, 0, 0, null, null, null, null, null);
    }
  }

  /**
   * @param completeFromSecond when the read budget ran out: the start of the oldest interval that
   *     is complete; intervals before it are missing from the answer. {@code null} when complete.
   */
  public record Result(long stepSeconds, List<Interval> intervals, Long completeFromSecond, boolean filterInexact,
                       boolean fromRollups) {
    public Result {
      intervals = List.copyOf(intervals);
    }

  }

  public static long stepFor(long startNano, long endNano) {
    long seconds = Math.max(1, (endNano - startNano + 999_999_999L) / 1_000_000_000L);
    for (long step : STEPS) {
      if (seconds / step <= MAX_INTERVALS) {
        return step;
      }
    }
    return STEPS[STEPS.length - 1];
  }

  public Result compute(long projectId, TraceQuery q) {
    long step = stepFor(q.startNano(), q.endNano());
    if (q.filters().matchesNone()) {
      return empty(q, step); // contradicting filters: every interval is empty, nothing to read
    }
    String filterKey = rollupFilterKey(q.filters());
    if (rollups != null && filterKey != null && step % 60 == 0) {
      return fromRollups(projectId, q, step, filterKey);
    }
    return fromIndex(projectId, q, step);
  }

  /** The traces rollup dimension answering these filters, or {@code null} when they need the index. */
  static String rollupFilterKey(TraceQuery.Filters f) {
    if (!f.notServices().isEmpty() || !f.operations().isEmpty() || !f.notOperations().isEmpty()
        || !f.traceIds().isEmpty() || !f.notTraceIds().isEmpty() || f.minDurationExclusive() != null
        || f.maxDurationExclusive() != null || !f.attributes().isEmpty() || f.services().size() > 1) {
      return null;
    }
    return f.services().isEmpty() ? RollupFamily.ALL_TRACES : RollupFamily.serviceFilterKey(f.services().get(0));
  }

  private Result fromRollups(long projectId, TraceQuery q, long step, String filterKey) {
    long first = firstInterval(q, step);
    int n = intervalCount(q, step);
    // whole minutes inside the window from the rollups; the seconds around them from the index
    long wholeFrom = Math.floorDiv(q.startNano() + 59_999_999_999L, 60_000_000_000L) * 60;
    long wholeTo = Math.floorDiv(q.endNano(), 60_000_000_000L) * 60;
    // at either end, the minute the window cuts is taken whole from the rollups and the rows of its
    // seconds outside the window taken away, when those are fewer seconds than the ones inside
    long cellsFrom = wholeFrom;
    long cellsTo = wholeTo;
    if (wholeFrom < wholeTo) {
      long lowMinuteNano = (wholeFrom - 60) * 1_000_000_000L;
      if (q.startNano() - lowMinuteNano < wholeFrom * 1_000_000_000L - q.startNano()) {
        cellsFrom = wholeFrom - 60;
      }
      long highMinuteEndNano = (wholeTo + 60) * 1_000_000_000L;
      if (q.endNano() > wholeTo * 1_000_000_000L && highMinuteEndNano - q.endNano() < q.endNano() - wholeTo * 1_000_000_000L) {
        cellsTo = wholeTo + 60;
      }
    }
    Map<Long, Map<String, RollupCell>> cells = rollups.read(projectId, RollupFamily.TRACES, filterKey, cellsFrom, cellsTo,
        first, step);
    RollupCell[] intervals = new RollupCell[n];
    for (int i = 0; i < n; i++) {
      RollupCell c = cells.getOrDefault(first + i * step, Map.of()).get("");
      if (c == null) {
        c = new RollupCell();
      } else if (q.filters().statusError() != null) {
        c = q.filters().statusError() ? c.onlyErrors() : c.withoutErrors();
      }
      intervals[i] = c;
    }
    boolean[] inexact = {false};
    // rows in the window are added; rows outside it in a minute taken whole are taken away (they fall
    // in that minute's interval: intervals are whole minutes)
    java.util.function.IntFunction<TraceIndex.RowVisitor> rows = sign -> row -> {
      if (TraceListService.matches(q.filters(), row, inexact)) {
        int i = (int) ((Math.floorDiv(row.timestampNano(), 1_000_000_000L) - first) / step);
        intervals[i].add(row.durationNano(), row.isError(), sign);
      }
      return true;
    };
    long ns = 1_000_000_000L;
    long[][] ends = wholeFrom >= wholeTo ? new long[][] {{q.startNano(), q.endNano(), 1}} : new long[][] {
        cellsFrom < wholeFrom ? new long[] {cellsFrom * ns, q.startNano(), -1} : new long[] {q.startNano(), wholeFrom * ns, 1},
        cellsTo > wholeTo ? new long[] {q.endNano(), cellsTo * ns, -1} : new long[] {wholeTo * ns, q.endNano(), 1}};
    for (long[] e : ends) {
      index.scan(projectId, e[0], e[1], true, Integer.MAX_VALUE, rows.apply((int) e[2]));
    }
    List<Interval> out = new ArrayList<>(n);
    for (int i = 0; i < n; i++) {
      RollupCell c = intervals[i];
      if (c.count() <= 0) {
        out.add(Interval.none(first + i * step));
      } else {
        out.add(new Interval(first + i * step, (int) c.count(), (int) c.errors(), c.percentile(50), c.percentile(75),
            c.percentile(90), c.percentile(95), c.percentile(99)));
      }
    }
    return new Result(step, out, null, inexact[0], true);
  }

  /** The start, in Unix seconds, of the interval holding the window's first second. */
  private static long firstInterval(TraceQuery q, long step) {
    return Math.floorDiv(Math.floorDiv(q.startNano(), 1_000_000_000L), step) * step;
  }

  /** How many intervals of {@code step} seconds cover the window. */
  private static int intervalCount(TraceQuery q, long step) {
    long lastSecond = Math.floorDiv(q.endNano() - 1, 1_000_000_000L);
    return (int) ((lastSecond - firstInterval(q, step)) / step) + 1;
  }

  private static Result empty(TraceQuery q, long step) {
    long first = firstInterval(q, step);
    int n = intervalCount(q, step);
    List<Interval> out = new ArrayList<>(n);
    for (int i = 0; i < n; i++) {
      out.add(Interval.none(first + i * step));
    }
    return new Result(step, out, null, false, false);
  }

  private Result fromIndex(long projectId, TraceQuery q, long step) {
    long first = firstInterval(q, step);
    int n = intervalCount(q, step);
    long[][] durations = new long[n][];
    int[] counts = new int[n];
    int[] errors = new int[n];
    boolean[] inexact = {false};
    TraceIndex.ScanOutcome outcome = index.scan(projectId, q.startNano(), q.endNano(), true, budget,
        q.filters().requiredTerms(), row -> {
      if (TraceListService.matches(q.filters(), row, inexact)) {
        int i = (int) ((Math.floorDiv(row.timestampNano(), 1_000_000_000L) - first) / step);
        if (durations[i] == null) {
          durations[i] = new long[8];
        } else if (counts[i] == durations[i].length) {
          durations[i] = Arrays.copyOf(durations[i], counts[i] * 2);
        }
        durations[i][counts[i]++] = row.durationNano();
        if (row.isError()) {
          errors[i]++;
        }
      }
      return true;
    });
    Long completeFrom = null;
    int from = 0;
    if (outcome.budgetExhausted() && outcome.lastVisited() != null) {
      // the interval holding the last row read may be partial: report only those after it
      int partial = (int) ((Math.floorDiv(outcome.lastVisited().timestampNano(), 1_000_000_000L) - first) / step);
      from = partial + 1;
      completeFrom = first + from * step;
    }
    List<Interval> out = new ArrayList<>(n - from);
    for (int i = from; i < n; i++) {
      long start = first + i * step;
      if (counts[i] == 0) {
        out.add(Interval.none(start));
        continue;
      }
      long[] d = Arrays.copyOf(durations[i], counts[i]);
      Arrays.sort(d);
      out.add(new Interval(start, counts[i], errors[i], rank(d, 50), rank(d, 75), rank(d, 90), rank(d, 95), rank(d, 99)));
    }
    return new Result(step, out, completeFrom, inexact[0], false);
  }

  /** Nearest-rank percentile of sorted values. */
  static long rank(long[] sorted, int percentile) {
    int r = (int) Math.ceil(percentile / 100.0 * sorted.length);
    return sorted[Math.max(0, r - 1)];
  }
}
