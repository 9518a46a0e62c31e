package dev.tracing.query;

import dev.tracing.rollup.Granularity;
import dev.tracing.rollup.RollupCell;
import dev.tracing.rollup.RollupFamily;
import dev.tracing.rollup.RollupKey;
import dev.tracing.storage.RollupStore;
import java.util.HashMap;
import java.util.Map;
import java.util.TreeMap;

/**
 * Reads the rollup cells of a whole-minute range and sums them per interval and name. Whole hours
 * the compactor has summed come from the hourly cells when each hour falls in one interval (the
 * interval is a whole number of hours); the minutes around them, the hours not compacted yet (the
 * last one or two) and hours written to since their compaction come from the minute cells: a
 * 7-day window reads about 170 cells per name instead of 10,080.
 */
final class RollupSeries {
  private final RollupStore store;

  RollupSeries(RollupStore store) {
    this.store = store;
  }

  /**
   * @param fromSecond start of the range, a whole minute
   * @param toSecond end of the range (exclusive), a whole minute
   * @param firstInterval start of the first interval, a multiple of {@code step}
   * @param step interval length in seconds, a multiple of 60
   * @return interval start → cell name → summed cell
   */
  Map<Long, Map<String, RollupCell>> read(long projectId, RollupFamily family, String dimension, long fromSecond,
                                          long toSecond, long firstInterval, long step) {
    Map<Long, Map<String, RollupCell>> out = new TreeMap<>();
    if (fromSecond >= toSecond) {
      return out;
    }
    long hour = Granularity.HOUR.seconds();
    long hoursFrom = Math.floorDiv(fromSecond + hour - 1, hour) * hour;
    long hoursTo = Math.floorDiv(toSecond, hour) * hour;
    if (step % hour != 0 || hoursFrom >= hoursTo) {
      add(out, store.read(projectId, family, Granularity.MINUTE, dimension, fromSecond, toSecond), firstInterval, step);
      return out;
    }
    // whole hours the compactor has summed come from hourly cells, the rest from minute cells
    RollupStore.Compaction compaction = store.compaction(projectId);
    long compactedTo = Math.max(hoursFrom, Math.min(hoursTo, Math.floorDiv(compaction.compactedBeforeSecond(), hour) * hour));
    if (compactedTo > hoursFrom) {
      Map<RollupKey, RollupCell> hourly = store.read(projectId, family, Granularity.HOUR, dimension, hoursFrom, compactedTo);
      hourly.keySet().removeIf(k -> !compaction.hourlyComplete(k.bucketSecond()));
      add(out, hourly, firstInterval, step);
      for (long h : compaction.pendingHours()) {
        if (h >= hoursFrom && h < compactedTo) {
          add(out, store.read(projectId, family, Granularity.MINUTE, dimension, h, h + hour), firstInterval, step);
        }
      }
    }
    add(out, store.read(projectId, family, Granularity.MINUTE, dimension, fromSecond, hoursFrom), firstInterval, step);
    add(out, store.read(projectId, family, Granularity.MINUTE, dimension, compactedTo, toSecond), firstInterval, step);
    return out;
  }

  private static void add(Map<Long, Map<String, RollupCell>> out, Map<RollupKey, RollupCell> cells, long firstInterval,
                          long step) {
    cells.forEach((key, cell) -> {
      long interval = firstInterval + Math.floorDiv(key.bucketSecond() - firstInterval, step) * step;
      out.computeIfAbsent(interval, k -> new HashMap<>()).computeIfAbsent(key.name(), k -> new RollupCell()).merge(cell);
    });
  }

  /** All intervals summed, per name. */
  static Map<String, RollupCell> totals(Map<Long, Map<String, RollupCell>> series) {
    Map<String, RollupCell> totals = new TreeMap<>();
    series.values().forEach(byName -> byName.forEach((name, cell) ->
        totals.computeIfAbsent(name, k -> new RollupCell()).merge(cell)));
    return totals;
  }

  /** Whole minutes overlapping {@code [startNano, endNano)}: the range span rollups answer for. */
  static long[] minutesOverlapping(long startNano, long endNano) {
    long from = Math.floorDiv(Math.floorDiv(startNano, 1_000_000_000L), 60) * 60;
    long endSecondCeil = Math.floorDiv(endNano + 999_999_999L, 1_000_000_000L);
    long to = Math.floorDiv(endSecondCeil + 59, 60) * 60;
    return new long[] {from, to};
  }
}
