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
 * number of them, and the intervals start on one); the part hours at the window's ends and the
 * hour still open from the hour's running sums at ten-minute boundaries (a run of whole blocks is
 * the difference of two, or one from the hour's start) and the minutes around them; the buckets
 * not compacted yet and those written to since their compaction from finer cells. A series point
 * that is exactly one complete three-hour or daily cell reads that cell's digest instead (its
 * percentiles, a few bytes); totals over whole hours are differences of the compactor's prefix
 * sums (two items per family and prefix block, whatever the window's length). A 7-day chart reads
 * 56 digests and the cells of its first and last points per name; the map two prefix items per
 * family, a few running sums and the minutes around its whole hours, instead of 10,080 minute
 * cells.
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
    return read(projectId, List.of(new Source(family, dimension)), fromSecond, toSecond, firstInterval, step, true, false)
        .get(0).series();
  }

  /**
   * What a range reads to: per interval and name the summed cells, and per name the range's totals.
   * A series point that is exactly one complete three-hour or daily cell is a digest cell
   * ({@link RollupCell#isDigest()}: counts and percentiles, no histograms).
   */
  record Answer(Map<Long, Map<String, RollupCell>> series, Map<String, RollupCell> totals) {
  }

  /**
   * Several sources over the same range, read at once; one answer per source, in order.
   *
   * @param series whether the answer needs the intervals (else only the totals)
   * @param totals whether it needs the totals: read, where they can be, as differences of prefix
   *     sums (two histograms per name whatever the window's length) instead of summing the intervals
   */
  List<Answer> read(long projectId, List<Source> sources, long fromSecond, long toSecond, long firstInterval, long step,
                    boolean series, boolean totals) {
    List<Answer> out = new ArrayList<>();
    sources.forEach(s -> out.add(new Answer(new TreeMap<>(), new TreeMap<>())));
    if (fromSecond >= toSecond) {
      return out;
    }
    // the compaction state is needed only where a compacted bucket may fit
    long hour = Granularity.HOUR.seconds();
    long firstHour = Math.floorDiv(fromSecond + hour - 1, hour) * hour;
    long lastHour = Math.floorDiv(toSecond, hour) * hour;
    long ten = Granularity.TEN_MINUTES.seconds();
    boolean compacted = fits(Granularity.TEN_MINUTES, firstInterval, step)
        && Math.floorDiv(fromSecond + ten - 1, ten) * ten < Math.floorDiv(toSecond, ten) * ten;
    RollupStore.Compaction compaction = compacted ? store.compaction(projectId) : null;

    // prefix sums are kept for the families whose totals a view shows
    boolean prefixed = sources.stream().allMatch(src -> src.family() != RollupFamily.TRACES);
    // series points that are one complete cell of a level keeping digests (with totals, only where
    // prefix sums give the totals over those points)
    Granularity digestLevel = null;
    if (series && compaction != null && (prefixed || !totals)) {
      for (Granularity g : DIGEST_LEVELS) {
        if (g.seconds() == step && fits(g, firstInterval, step)) {
          digestLevel = g;
        }
      }
    }
    List<long[]> runs = new ArrayList<>();
    // prefix sums and digests outlive the hours they sum: only hours not expired
    long horizon = store.retainedFromSecond();
    long retained = Math.max(fromSecond, horizon);
    if (digestLevel != null) {
      long builtBefore = compaction.builtBefore(digestLevel);
      for (long t = firstInterval; t + step <= toSecond; t += step) {
        if (t >= retained && t + step <= builtBefore && compaction.complete(digestLevel, t)) {
          if (!runs.isEmpty() && runs.get(runs.size() - 1)[1] == t) {
            runs.get(runs.size() - 1)[1] = t + step;
          } else {
            runs.add(new long[] {t, t + step});
          }
        }
      }
    }
    // totals only: the whole hours, and the hour around either end when fewer of its items (running
    // sums and minutes) fall outside the window than inside (those are read and taken away:
    // histograms subtract exactly)
    boolean extendLeft = false;
    boolean extendRight = false;
    if (!series && totals && compaction != null && prefixed) {
      long start = Math.max(firstHour, Math.floorDiv(horizon + hour - 1, hour) * hour);
      long end = lastHour;
      long lowHour = Math.floorDiv(fromSecond, hour) * hour;
      if (start == firstHour && lowHour < fromSecond && lowHour >= horizon
          && cellsIn(lowHour, fromSecond) < cellsIn(fromSecond, firstHour)) {
        start = lowHour;
        extendLeft = true;
      }
      if (lastHour < toSecond && cellsIn(toSecond, lastHour + hour) < cellsIn(lastHour, toSecond)) {
        end = lastHour + hour;
        extendRight = true;
      }
      if (start < end) {
        runs.add(new long[] {start, end});
      } else {
        extendLeft = extendRight = false;
      }
    }
    // with totals, each run is cut where its prefix sums stop being exact (a pending hour): what
    // follows is read as cells
    List<long[]> segments = new ArrayList<>();
    if (totals && !runs.isEmpty()) {
      List<long[]> cut = new ArrayList<>();
      for (long[] run : runs) {
        List<long[]> runSegments = new ArrayList<>();
        long reached = prefixSegments(compaction, run[0], run[1], runSegments);
        if (digestLevel != null && reached < run[1]) {
          // whole intervals only: the rest of the run is read as cells
          reached = run[0] + Math.floorDiv(reached - run[0], step) * step;
          runSegments.clear();
          prefixSegments(compaction, run[0], reached, runSegments);
        }
        if (reached > run[0]) {
          cut.add(new long[] {run[0], reached});
          segments.addAll(runSegments);
        } else {
          extendLeft = false;
        }
        if (reached < run[1]) {
          extendRight = false;
        }
      }
      runs = cut;
    }
    List<Part> outside = new ArrayList<>();
    if (extendLeft) {
      plan(LEVELS.length - 1, runs.get(0)[0], fromSecond, firstInterval, step, compaction, outside);
    }
    if (extendRight) {
      plan(LEVELS.length - 1, toSecond, runs.get(0)[1], firstInterval, step, compaction, outside);
    }

    // the rest of the range, from cells
    List<Part> parts = new ArrayList<>();
    long at = fromSecond;
    for (long[] run : runs) {
      plan(LEVELS.length - 1, at, run[0], firstInterval, step, compaction, parts);
      at = run[1];
    }
    plan(LEVELS.length - 1, at, toSecond, firstInterval, step, compaction, parts);

    // each read once (a running sum may end one part and start the next)
    Reads reads = new Reads();
    List<List<int[]>> perSource = new ArrayList<>();
    for (Source source : sources) {
      List<int[]> slots = new ArrayList<>();
      for (Part p : parts) {
        slots.add(reads.add(p.reads(source)));
      }
      if (series && digestLevel != null) {
        for (long[] run : runs) {
          slots.add(reads.add(List.of(RollupStore.Read.digests(source.family(), digestLevel, source.dimension(), run[0],
              run[1]))));
        }
      }
      if (totals) {
        for (long[] seg : segments) {
          slots.add(reads.add(List.of(RollupStore.Read.prefix(source.family(), source.dimension(), seg[0], seg[1]),
              RollupStore.Read.prefix(source.family(), source.dimension(), seg[0], seg[2]))));
        }
        for (Part p : outside) {
          slots.add(reads.add(p.reads(source)));
        }
      }
      perSource.add(slots);
    }
    List<Map<RollupKey, RollupCell>> cells = store.read(projectId, reads.unique);
    for (int s = 0; s < sources.size(); s++) {
      Answer answer = out.get(s);
      java.util.Iterator<int[]> slot = perSource.get(s).iterator();
      for (Part p : parts) {
        Map<RollupKey, RollupCell> read = p.cells(Reads.of(cells, slot.next()));
        add(answer.series(), read, firstInterval, step);
        if (totals) {
          sum(answer.totals(), read, false);
        }
      }
      if (series && digestLevel != null) {
        for (int k = 0; k < runs.size(); k++) {
          cells.get(slot.next()[0]).forEach((key, cell) ->
              answer.series().computeIfAbsent(key.bucketSecond(), b -> new HashMap<>()).put(key.name(), cell));
        }
      }
      if (totals) {
        for (int k = 0; k < segments.size(); k++) {
          int[] ends = slot.next();
          sum(answer.totals(), cells.get(ends[1]), false);
          sum(answer.totals(), cells.get(ends[0]), true);
        }
        for (Part p : outside) {
          sum(answer.totals(), p.cells(Reads.of(cells, slot.next())), true);
        }
      }
    }
    return out;
  }

  /** The reads of one request, each kept once; a piece of the answer names its reads by index. */
  private static final class Reads {
    final List<RollupStore.Read> unique = new ArrayList<>();
    private final Map<RollupStore.Read, Integer> index = new HashMap<>();

    int[] add(List<RollupStore.Read> reads) {
      int[] at = new int[reads.size()];
      for (int k = 0; k < at.length; k++) {
        at[k] = index.computeIfAbsent(reads.get(k), r -> {
          unique.add(r);
          return unique.size() - 1;
        });
      }
      return at;
    }

    static List<Map<RollupKey, RollupCell>> of(List<Map<RollupKey, RollupCell>> cells, int[] at) {
      List<Map<RollupKey, RollupCell>> out = new ArrayList<>(at.length);
      for (int k : at) {
        out.add(cells.get(k));
      }
      return out;
    }
  }

  /**
   * How many items a part of one hour reads: its whole ten-minute blocks one running sum, or the
   * difference of two when they start after the hour's, and the minutes around them.
   */
  private static long cellsIn(long fromSecond, long toSecond) {
    long ten = Granularity.TEN_MINUTES.seconds();
    long firstBlock = Math.floorDiv(fromSecond + ten - 1, ten) * ten;
    long tens = Math.max(0, Math.floorDiv(toSecond, ten) - firstBlock / ten);
    long running = tens == 0 ? 0 : Math.floorMod(firstBlock, Granularity.HOUR.seconds()) == 0 ? 1 : 2;
    return running + (toSecond - fromSecond) / 60 - tens * 10;
  }

  /** Adds cells to (or takes them from) per-name totals. */
  private static void sum(Map<String, RollupCell> totals, Map<RollupKey, RollupCell> cells, boolean subtract) {
    cells.forEach((key, cell) -> {
      RollupCell total = totals.computeIfAbsent(key.name(), n -> new RollupCell());
      if (subtract) {
        total.subtract(cell);
      } else {
        total.merge(cell);
      }
    });
  }

  /** The levels whose complete cells have digests. */
  private static final List<Granularity> DIGEST_LEVELS = List.of(Granularity.THREE_HOURS, Granularity.DAY);

  /**
   * Splits {@code [from, to)} (hour boundaries) into prefix blocks' pieces {@code {blockStart, from, to}}
   * whose sums are exact at both ends, from {@code from} on while they are.
   *
   * @return where the pieces end: {@code to}, or earlier where a block's sums stop being exact
   */
  static long prefixSegments(RollupStore.Compaction compaction, long from, long to, List<long[]> out) {
    long block = RollupStore.PREFIX_BLOCK_SECONDS;
    long at = from;
    while (at < to) {
      long blockStart = Math.floorDiv(at, block) * block;
      long blockEnd = Math.min(blockStart + block, to);
      long usable = compaction.prefixUsableTo(blockStart);
      long end = Math.min(blockEnd, usable);
      if (end <= at) {
        break;
      }
      out.add(new long[] {blockStart, at, end});
      at = end;
      if (end < blockEnd) {
        break;
      }
    }
    return at;
  }

  /**
   * A range read at one level, but the buckets in {@code skip} (not complete: read finer); or
   * ({@code running}) whole ten-minute blocks of one hour, read as the difference of the hour's
   * running sums at the range's ends.
   */
  private record Part(Granularity granularity, long fromSecond, long toSecond, Set<Long> skip, boolean running) {
    /** What to read for a source: one range, or the running sums at the end and (unless the hour's start) the start. */
    List<RollupStore.Read> reads(Source source) {
      if (!running) {
        return List.of(new RollupStore.Read(source.family(), granularity, source.dimension(), fromSecond, toSecond, skip));
      }
      long hourStart = Granularity.HOUR.bucketOfSecond(fromSecond);
      return List.of(RollupStore.Read.running(source.family(), source.dimension(), hourStart, toSecond),
          RollupStore.Read.running(source.family(), source.dimension(), hourStart, fromSecond));
    }

    /** The cells read, keyed at their bucket; a running part's at its start. */
    Map<RollupKey, RollupCell> cells(List<Map<RollupKey, RollupCell>> read) {
      if (!running) {
        return read.get(0);
      }
      Map<String, RollupCell> sums = new TreeMap<>();
      sum(sums, read.get(0), false);
      sum(sums, read.get(1), true);
      Map<RollupKey, RollupCell> cells = new HashMap<>();
      read.get(0).keySet().forEach(k -> {
        RollupCell cell = sums.get(k.name());
        if (cell.count() != 0) {
          cells.put(new RollupKey(k.family(), granularity, fromSecond, k.dimension(), k.name()), cell);
        }
      });
      return cells;
    }
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
      // one read for adjacent minutes
      Part last = out.isEmpty() ? null : out.get(out.size() - 1);
      if (last != null && last.granularity() == g && last.toSecond() == lo) {
        out.set(out.size() - 1, new Part(g, last.fromSecond(), hi, Set.of(), false));
      } else {
        out.add(new Part(g, lo, hi, Set.of(), false));
      }
      return;
    }
    long size = g.seconds();
    long blocksFrom = Math.floorDiv(lo + size - 1, size) * size;
    long blocksTo = Math.floorDiv(hi, size) * size;
    // (a ten-minute block cut by the range's end may still start with running sums)
    if (compaction == null || !fits(g, firstInterval, step)
        || blocksFrom >= (g == Granularity.TEN_MINUTES ? hi : blocksTo)) {
      plan(level - 1, lo, hi, firstInterval, step, compaction, out);
      return;
    }
    long builtTo = Math.min(blocksTo, Math.max(blocksFrom, Math.floorDiv(compaction.builtBefore(g), size) * size));
    plan(level - 1, lo, blocksFrom, firstInterval, step, compaction, out);
    if (g == Granularity.TEN_MINUTES) {
      // runs of complete blocks, each in one hour and one interval: the difference of two running
      // sums; a block not complete up to where the running sums inside it reach (the block still
      // open), the rest of it from minutes
      long hour = Granularity.HOUR.seconds();
      long runStart = -1;
      long runEnd = -1;
      for (long b = blocksFrom; b < hi; b += size) {
        long end = Math.min(b + size, hi);
        long reach = end == b + size && b < builtTo && compaction.complete(g, b) ? end : compaction.runningWithin(b);
        if (reach > end) {
          reach = b;
        }
        if (runStart >= 0 && (reach == b || Math.floorMod(b, hour) == 0 || Math.floorMod(b - firstInterval, step) == 0)) {
          out.add(new Part(g, runStart, runEnd, Set.of(), true));
          runStart = -1;
        }
        if (reach > b) {
          runStart = runStart < 0 ? b : runStart;
          runEnd = reach;
        }
        if (reach < end) {
          if (runStart >= 0) {
            out.add(new Part(g, runStart, runEnd, Set.of(), true));
            runStart = -1;
          }
          plan(level - 1, reach, end, firstInterval, step, compaction, out);
        }
      }
      if (runStart >= 0) {
        out.add(new Part(g, runStart, runEnd, Set.of(), true));
      }
      return;
    }
    Set<Long> skip = new TreeSet<>();
    for (long b = blocksFrom; b < builtTo; b += size) {
      if (!compaction.complete(g, b)) {
        skip.add(b);
        plan(level - 1, b, b + size, firstInterval, step, compaction, out);
      }
    }
    if (skip.size() < (builtTo - blocksFrom) / size) {
      out.add(new Part(g, blocksFrom, builtTo, skip, false));
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

  /** Whole minutes overlapping {@code [startNano, endNano)}: the range span rollups answer for. */
  static long[] minutesOverlapping(long startNano, long endNano) {
    long from = Math.floorDiv(Math.floorDiv(startNano, 1_000_000_000L), 60) * 60;
    long endSecondCeil = Math.floorDiv(endNano + 999_999_999L, 1_000_000_000L);
    long to = Math.floorDiv(endSecondCeil + 59, 60) * 60;
    return new long[] {from, to};
  }
}
