package dev.tracing.query;

import dev.tracing.rollup.RollupCell;
import dev.tracing.rollup.RollupFamily;
import dev.tracing.storage.RollupStore;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Rate, errors and duration per service, or per operation of one service (RED metrics), from the
 * span rollups. Spans count by the minute they started in: a window covers the whole minutes
 * that overlap it. Percentiles are within {@link dev.tracing.rollup.DurationHistogram#RELATIVE_ERROR}.
 */
public final class ServiceMetrics {
  private final RollupSeries series;

  public ServiceMetrics(RollupStore store) {
    this.series = new RollupSeries(store);
  }

  /** One interval of one service or operation. */
  public record Point(long intervalSecond, long spanCount, long errorCount, Long p50, Long p95, Long p99) {
    static Point of(long interval, RollupCell c) {
      return new Point(interval, c.count(), c.errors(), c.percentile(50), c.percentile(95), c.percentile(99));
    }
  }

  /** A service's (or operation's) totals over the window and its series, one point per interval. */
  public record Entry(String name, Point total, List<Point> series) {
    public Entry {
      series = List.copyOf(series);
    }

  }

  /** @param operations whether {@link #entries()} are a service's operations rather than services */
  public record Result(long stepSeconds, boolean operations, List<Entry> entries) {
    public Result {
      entries = List.copyOf(entries);
    }

  }

  public Result compute(long projectId, ServiceQuery q) {
    long[] range = RollupSeries.minutesOverlapping(q.startNano(), q.endNano());
    long step = q.stepSeconds();
    long first = Math.floorDiv(range[0], step) * step;
    RollupFamily family = q.service() == null ? RollupFamily.SERVICES : RollupFamily.OPERATIONS;
    String dimension = q.service() == null ? "" : q.service();
    RollupSeries.Answer answer = series.read(projectId, List.of(new RollupSeries.Source(family, dimension)), range[0],
        range[1], first, step, true, true).get(0);
    Map<Long, Map<String, RollupCell>> byInterval = answer.series();
    Map<String, RollupCell> totals = answer.totals();
    List<Entry> entries = new ArrayList<>();
    totals.forEach((name, total) -> {
      if (total.count() <= 0) {
        return;
      }
      List<Point> points = new ArrayList<>();
      for (long t = first; t < range[1]; t += step) {
        RollupCell c = byInterval.getOrDefault(t, Map.of()).get(name);
        points.add(Point.of(t, c == null ? new RollupCell() : c));
      }
      entries.add(new Entry(name, Point.of(first, total), points));
    });
    return new Result(step, q.service() != null, entries);
  }
}
