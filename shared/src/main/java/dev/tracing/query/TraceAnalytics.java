package dev.tracing.query;

import dev.tracing.storage.TraceIndex;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * Per-interval trace counts, error counts and duration percentiles for a window and filters:
 * the data of the list's charts. Reads at most {@code budget} index rows, newest first; when the
 * window holds more, the older intervals are left out and the answer says from when it is complete.
 */
public final class TraceAnalytics {
  /** Interval lengths in seconds; the smallest giving at most {@link #MAX_INTERVALS} intervals is used. */
  private static final long[] STEPS = {1, 5, 10, 15, 30, 60, 120, 300, 600, 900, 1800, 3600, 7200, 10800, 21600, 43200, 86400};
  static final int MAX_INTERVALS = 120;

  private final TraceIndex index;
  private final int budget;

  public TraceAnalytics(TraceIndex index, int budget) {
    this.index = index;
    this.budget = budget;
  }

  /** One interval; percentiles are {@code null} when it holds no trace. */
  public record Interval(long startSecond, int count, int errorCount, Long p50, Long p75, Long p90, Long p95, Long p99) {
  }

  /**
   * @param completeFromSecond when the read budget ran out: the start of the oldest interval that
   *     is complete; intervals before it are missing from the answer. {@code null} when complete.
   */
  public record Result(long stepSeconds, List<Interval> intervals, Long completeFromSecond, boolean filterInexact) {
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
    long first = Math.floorDiv(Math.floorDiv(q.startNano(), 1_000_000_000L), step) * step;
    long lastSecond = Math.floorDiv(q.endNano() - 1, 1_000_000_000L);
    int n = (int) ((lastSecond - first) / step) + 1;
    long[][] durations = new long[n][];
    int[] counts = new int[n];
    int[] errors = new int[n];
    boolean[] inexact = {false};
    TraceIndex.ScanOutcome outcome = index.scan(projectId, q.startNano(), q.endNano(), true, budget, row -> {
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
        out.add(new Interval(start, 0, 0, null, null, null, null, null));
        continue;
      }
      long[] d = Arrays.copyOf(durations[i], counts[i]);
      Arrays.sort(d);
      out.add(new Interval(start, counts[i], errors[i], rank(d, 50), rank(d, 75), rank(d, 90), rank(d, 95), rank(d, 99)));
    }
    return new Result(step, out, completeFrom, inexact[0]);
  }

  /** Nearest-rank percentile of sorted values. */
  static long rank(long[] sorted, int percentile) {
    int r = (int) Math.ceil(percentile / 100.0 * sorted.length);
    return sorted[Math.max(0, r - 1)];
  }
}
