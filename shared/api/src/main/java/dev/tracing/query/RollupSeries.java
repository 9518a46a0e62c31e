package dev.tracing.query;

import dev.tracing.rollup.Granularity;
import dev.tracing.rollup.RollupCell;
import dev.tracing.rollup.RollupFamily;
import dev.tracing.rollup.RollupKey;
import dev.tracing.storage.RollupStore;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * Reads the rollup cells of a whole-minute range and sums them per interval and name. Each part of
 * the range comes from the coarsest cells that fit it: whole days, three-hour blocks and hours the
 * compactor has summed, when each such bucket falls in one interval (the interval is a whole
 * number of them, and the intervals start on one); the minutes around them, the buckets not
 * compacted yet (the last hour or two) and those written to since their compaction come from finer
 * cells. A 7-day window of one interval reads about 30 cells per name instead of 10,080.
 */
final class RollupSeries {
  private static final Granularity[] LEVELS = Granularity.values();
  private final RollupStore store;

  RollupSeries(RollupStore store) {
    this.store = store;
  }

  /** What to read: one family, one dimension (see {@link RollupStore#read}). */
  record Source(RollupFamily family, String dimension) {
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
    return read(projectId, List.of(new Source(family, dimension)), fromSecond, toSecond, firstInterval, step).get(0);
  }

  /** Several sources over the same range, read at once; one answer per source, in order. */
  List<Map<Long, Map<String, RollupCell>>> read(long projectId, List<Source> sources, long fromSecond, long toSecond,
                                                long firstInterval, long step) {
    List<Map<Long, Map<String, RollupCell>>> out = new ArrayList<>();
    sources.forEach(s -> out.add(new TreeMap<>()));
    if (fromSecond >= toSecond) {
      return out;
    }
    // the compaction state is needed only where a compacted bucket may fit
    long hour = Granularity.HOUR.seconds();
    boolean compacted = fits(Granularity.HOUR, firstInterval, step)
        && Math.floorDiv(fromSecond + hour - 1, hour) < Math.floorDiv(toSecond, hour);
    RollupStore.Compaction compaction = compacted ? store.compaction(projectId) : null;
    List<Part> parts = new ArrayList<>();
    plan(LEVELS.length - 1, fromSecond, toSecond, firstInterval, step, compaction, parts);
    List<RollupStore.Read> reads = new ArrayList<>();
    for (Source source : sources) {
      for (Part p : parts) {
        reads.add(new RollupStore.Read(source.family(), p.granularity(), source.dimension(), p.fromSecond(), p.toSecond(),
            p.skip()));
      }
    }
    List<Map<RollupKey, RollupCell>> cells = store.read(projectId, reads);
    for (int i = 0; i < cells.size(); i++) {
      add(out.get(i / parts.size()), cells.get(i), firstInterval, step);
    }
    return out;
  }

  /** A range read at one level, but the buckets in {@code skip} (not complete: read finer). */
  private record Part(Granularity granularity, long fromSecond, long toSecond, Set<Long> skip) {
  }

  /** Whether each bucket of a level falls in one interval. */
  private static boolean fits(Granularity g, long firstInterval, long step) {
    return step % g.seconds() == 0 && Math.floorMod(firstInterval, g.seconds()) == 0;
  }

  /** Splits {@code [lo, hi)} into parts read at {@code LEVELS[level]} or finer. */
  private static void plan(int level, long lo, long hi, long firstInterval, long step, RollupStore.Compaction compaction,
                           List<Part> out) {
    if (lo >= hi) {
      return;
    }
    Granularity g = LEVELS[level];
    if (g == Granularity.MINUTE) {
      out.add(new Part(g, lo, hi, Set.of()));
      return;
    }
    long size = g.seconds();
    long blocksFrom = Math.floorDiv(lo + size - 1, size) * size;
    long blocksTo = Math.floorDiv(hi, size) * size;
    if (compaction == null || !fits(g, firstInterval, step) || blocksFrom >= blocksTo) {
      plan(level - 1, lo, hi, firstInterval, step, compaction, out);
      return;
    }
    long builtTo = Math.min(blocksTo, Math.max(blocksFrom, Math.floorDiv(compaction.builtBefore(g), size) * size));
    plan(level - 1, lo, blocksFrom, firstInterval, step, compaction, out);
    Set<Long> skip = new TreeSet<>();
    for (long b = blocksFrom; b < builtTo; b += size) {
      if (!compaction.complete(g, b)) {
        skip.add(b);
        plan(level - 1, b, b + size, firstInterval, step, compaction, out);
      }
    }
    if (skip.size() < (builtTo - blocksFrom) / size) {
      out.add(new Part(g, blocksFrom, builtTo, skip));
    }
    plan(level - 1, builtTo, hi, firstInterval, step, compaction, out);
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
