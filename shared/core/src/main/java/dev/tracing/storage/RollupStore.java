package dev.tracing.storage;

import dev.tracing.rollup.Granularity;
import dev.tracing.rollup.RollupCell;
import dev.tracing.rollup.RollupFamily;
import dev.tracing.rollup.RollupKey;
import java.util.Map;

/**
 * Per-project time-bucket aggregates (see {@link RollupFamily}), written at ingest and read by
 * the analytics, service metrics and service map views, so their cost follows the number of
 * buckets in a window, not the number of traces.
 */
public interface RollupStore {

  /**
   * Adds the cells to the stored ones, each atomically (concurrent writers never lose an
   * addition). Not idempotent by itself: the caller adds each change exactly once, which the
   * trace summaries make possible (only spans a request newly stored are folded in).
   *
   * @throws StoreUnavailableException when the store did not confirm every addition
   */
  void add(long projectId, Map<RollupKey, RollupCell> cells);

  /**
   * The stored cells of a family at a granularity whose bucket starts in
   * {@code [fromSecond, toSecond)}, for one dimension (a {@link RollupFamily#TRACES} filter key,
   * the service of {@link RollupFamily#OPERATIONS}; empty for the others). Expired cells are
   * skipped. Eventually consistent: an addition may show a moment late.
   *
   * @throws StoreUnavailableException when the store cannot answer
   */
  Map<RollupKey, RollupCell> read(long projectId, RollupFamily family, Granularity granularity, String dimension,
                                  long fromSecond, long toSecond);

  /** What a {@link Read} reads. */
  enum ReadKind {
    /** The cells, with their histograms. */
    CELLS,
    /**
     * The cells' digests ({@link dev.tracing.rollup.CellDigest}): counts and percentiles, no
     * histograms; kept for the three-hour and daily levels, answered as {@link RollupCell#isDigest()} cells.
     */
    DIGESTS,
    /**
     * Prefix sums: per name, the sum of a family's cells from the start of a block
     * ({@code fromSecond}) to a boundary in it ({@code toSecond}), keyed with the boundary as
     * bucket. At {@link Granularity#HOUR}: hourly cells from the start of a prefix block (a
     * multiple of {@link #PREFIX_BLOCK_SECONDS}) to an hour boundary, kept for the services,
     * operations and calls families and exact only up to {@link Compaction#prefixUsableTo}. At
     * {@link Granularity#TEN_MINUTES}: an hour's running sums, its minute cells from the hour's
     * start to a ten-minute boundary in it, kept for every family and exact where
     * {@link Compaction#complete} says the block before the boundary is.
     */
    PREFIX
  }

  /** How long a prefix block is: sums start again every 16 UTC days (the coarse cells' partitions). */
  long PREFIX_BLOCK_SECONDS = 16 * 86_400L;

  /**
   * One range of cells to read: a family's cells at a granularity whose bucket starts in
   * {@code [fromSecond, toSecond)}, for one dimension, but none of the buckets in {@code skip};
   * or their digests, or the family's prefix sums at one boundary (see {@link ReadKind}).
   */
  record Read(RollupFamily family, Granularity granularity, String dimension, long fromSecond, long toSecond,
              java.util.Set<Long> skip, ReadKind kind) {
    public Read {
      skip = java.util.Set.copyOf(skip);
    }

    public Read(RollupFamily family, Granularity granularity, String dimension, long fromSecond, long toSecond,
                java.util.Set<Long> skip) {
      this(family, granularity, dimension, fromSecond, toSecond, skip, ReadKind.CELLS);
    }

    /** The digests of a level's cells whose bucket starts in {@code [fromSecond, toSecond)}. */
    public static Read digests(RollupFamily family, Granularity granularity, String dimension, long fromSecond,
                               long toSecond) {
      return new Read(family, granularity, dimension, fromSecond, toSecond, java.util.Set.of(), ReadKind.DIGESTS);
    }

    /**
     * The prefix sums of a family and dimension over {@code [blockStart, boundarySecond)}: from the
     * start of a prefix block to an hour boundary in it (or its end); nothing when they are equal.
     */
    public static Read prefix(RollupFamily family, String dimension, long blockStart, long boundarySecond) {
      return new Read(family, Granularity.HOUR, dimension, blockStart, boundarySecond, java.util.Set.of(), ReadKind.PREFIX);
    }

    /**
     * The running sums of a family and dimension over {@code [hourStart, boundarySecond)}: the
     * hour's minute cells up to a ten-minute boundary in it (or its end); nothing when they are equal.
     */
    public static Read running(RollupFamily family, String dimension, long hourStart, long boundarySecond) {
      return new Read(family, Granularity.TEN_MINUTES, dimension, hourStart, boundarySecond, java.util.Set.of(),
          ReadKind.PREFIX);
    }
  }

  /**
   * Several ranges at once (a store may run them in parallel), in the order given.
   *
   * @throws StoreUnavailableException when the store cannot answer
   */
  default java.util.List<Map<RollupKey, RollupCell>> read(long projectId, java.util.List<Read> reads) {
    java.util.List<Map<RollupKey, RollupCell>> out = new java.util.ArrayList<>();
    for (Read r : reads) {
      if (r.kind() != ReadKind.CELLS) {
        throw new UnsupportedOperationException("this store keeps no " + r.kind() + " (its compaction state never offers them)");
      }
      Map<RollupKey, RollupCell> cells = new java.util.LinkedHashMap<>(
          read(projectId, r.family(), r.granularity(), r.dimension(), r.fromSecond(), r.toSecond()));
      cells.keySet().removeIf(k -> r.skip().contains(k.bucketSecond()));
      out.add(cells);
    }
    return out;
  }

  /**
   * How far the compacted cells are complete. An hour's hourly cells hold exactly the sum of its
   * minute cells when it ended before {@code compactedBeforeSecond} and is not pending (written to
   * since it was last compacted); an hour's running sums up to the end of a ten-minute block, when
   * the ten-minute level was built past the block and no block of the hour up to it is pending (by
   * the level's own marks); a three-hour or daily cell holds the sum of its hours when its level
   * was built past it, it is not pending at its level, and no hour or finer block in it is pending.
   * Other buckets are read from finer cells.
   *
   * <p>Every three-hour and daily cell complete at its level has a digest; prefix sums are exact
   * up to {@link #prefixUsableTo}.
   *
   * @param coarse the levels above the hour: how far each was built, and its blocks to build again
   * @param prefixBuiltBefore prefix sums were built at every boundary up to here (0: none)
   * @param prefixPending hours compacted again whose prefix sums after them are not rebuilt yet
   * @param tenMinutes the ten-minute level: the first hour whose running sums it holds, how far
   *     it was built, and its blocks written to since they were built (or being built)
   * @param openBlockRunningTo where the running sums written inside the ten-minute block still open
   *     end (a minute boundary inside it: its minutes before there are summed in), when no minute
   *     they sum was written to since; 0 when there are none to read
   */
  record Compaction(long compactedBeforeSecond, java.util.Set<Long> pendingHours, Map<Granularity, Level> coarse,
                    long prefixBuiltBefore, java.util.Set<Long> prefixPending, Level tenMinutes,
                    long openBlockRunningTo) {
    public Compaction {
      pendingHours = java.util.Set.copyOf(pendingHours);
      coarse = Map.copyOf(coarse);
      prefixPending = java.util.Set.copyOf(prefixPending);
      java.util.Objects.requireNonNull(tenMinutes, "tenMinutes");
    }

    public Compaction(long compactedBeforeSecond, java.util.Set<Long> pendingHours, Map<Granularity, Level> coarse,
                      long prefixBuiltBefore, java.util.Set<Long> prefixPending, Level tenMinutes) {
      this(compactedBeforeSecond, pendingHours, coarse, prefixBuiltBefore, prefixPending, tenMinutes, 0);
    }

    public Compaction(long compactedBeforeSecond, java.util.Set<Long> pendingHours, Map<Granularity, Level> coarse,
                      long prefixBuiltBefore, java.util.Set<Long> prefixPending) {
      this(compactedBeforeSecond, pendingHours, coarse, prefixBuiltBefore, prefixPending, Level.NONE);
    }

    public Compaction(long compactedBeforeSecond, java.util.Set<Long> pendingHours, Map<Granularity, Level> coarse) {
      this(compactedBeforeSecond, pendingHours, coarse, 0, java.util.Set.of());
    }

    public Compaction(long compactedBeforeSecond, java.util.Set<Long> pendingHours) {
      this(compactedBeforeSecond, pendingHours, Map.of());
    }

    /**
     * The last boundary of the prefix block starting at {@code blockStart} whose prefix sums are
     * exact: every hour before it in the block compacted, none pending or compacted again since its
     * sums were built. {@code blockStart} itself (the sum of nothing) when none is.
     */
    public long prefixUsableTo(long blockStart) {
      long hour = Granularity.HOUR.seconds();
      long usable = Math.min(blockStart + PREFIX_BLOCK_SECONDS, Math.floorDiv(prefixBuiltBefore, hour) * hour);
      for (long h : pendingHours) {
        if (h >= blockStart && h < usable) {
          usable = h;
        }
      }
      for (long h : prefixPending) {
        if (h >= blockStart && h < usable) {
          usable = h;
        }
      }
      return Math.max(blockStart, usable);
    }

    /**
     * A compacted level: built for every block from {@code fromSecond} that ends by
     * {@code builtBeforeSecond}, but the pending ones. The levels above the hour hold every block
     * of the retention ({@code fromSecond} unbounded); the ten-minute level holds the running sums
     * of the hours from the one its compactor chose on its first run.
     */
    public record Level(long fromSecond, long builtBeforeSecond, java.util.Set<Long> pending) {
      /** A level with no block built. */
      public static final Level NONE = new Level(Long.MAX_VALUE, 0, java.util.Set.of());

      public Level {
        pending = java.util.Set.copyOf(pending);
      }

      public Level(long builtBeforeSecond, java.util.Set<Long> pending) {
        this(Long.MIN_VALUE, builtBeforeSecond, pending);
      }
    }

    public boolean hourlyComplete(long hourSecond) {
      return hourSecond + 3600 <= compactedBeforeSecond && !pendingHours.contains(hourSecond);
    }

    /**
     * How far the hour's running sums reach into the ten-minute block starting at
     * {@code blockSecond}, a block not complete (the one still open, or one not built again yet):
     * to {@link #openBlockRunningTo} when that lies inside the block and the running sums up to the
     * block's start may be read; else {@code blockSecond} (none: its minutes are read).
     */
    public long runningWithin(long blockSecond) {
      long to = openBlockRunningTo;
      long size = Granularity.TEN_MINUTES.seconds();
      if (to <= blockSecond || to >= blockSecond + size || blockSecond < tenMinutes.fromSecond()) {
        return blockSecond;
      }
      boolean hourStart = Granularity.HOUR.bucketOfSecond(blockSecond) == blockSecond;
      return hourStart || complete(Granularity.TEN_MINUTES, blockSecond - size) ? to : blockSecond;
    }

    /** How far cells of a level are built (0: not at all); minutes are always complete. */
    public long builtBefore(Granularity g) {
      if (g == Granularity.MINUTE) {
        return Long.MAX_VALUE;
      }
      if (g == Granularity.HOUR) {
        return compactedBeforeSecond;
      }
      if (g == Granularity.TEN_MINUTES) {
        return tenMinutes.builtBeforeSecond();
      }
      Level level = coarse.get(g);
      return level == null ? 0 : level.builtBeforeSecond();
    }

    /**
     * Whether the cells of the bucket starting at {@code bucketSecond} at level {@code g} may be
     * read; at {@link Granularity#TEN_MINUTES}, whether the running sums of the block's hour up to
     * the block's end may (then so may those up to every block before it in the hour).
     */
    public boolean complete(Granularity g, long bucketSecond) {
      if (g == Granularity.MINUTE) {
        return true;
      }
      if (g == Granularity.HOUR) {
        return hourlyComplete(bucketSecond);
      }
      long end = bucketSecond + g.seconds();
      if (g == Granularity.TEN_MINUTES) {
        if (bucketSecond < tenMinutes.fromSecond() || end > tenMinutes.builtBeforeSecond()) {
          return false;
        }
        long hourStart = Granularity.HOUR.bucketOfSecond(bucketSecond);
        for (long b : tenMinutes.pending()) {
          if (b >= hourStart && b <= bucketSecond) {
            return false;
          }
        }
        return true;
      }
      Level level = coarse.get(g);
      if (level == null || end > level.builtBeforeSecond() || level.pending().contains(bucketSecond)) {
        return false;
      }
      for (long h : pendingHours) {
        if (h >= bucketSecond && h < end) {
          return false;
        }
      }
      for (Granularity f = g.finer(); f.aboveHour(); f = f.finer()) {
        Level finer = coarse.get(f);
        if (finer != null) {
          for (long b : finer.pending()) {
            if (b >= bucketSecond && b < end) {
              return false;
            }
          }
        }
      }
      return true;
    }
  }

  /**
   * The start of the oldest hour whose cells have not expired (their TTL is past): prefix sums,
   * which outlive single hours, are read only from here on. {@link Long#MIN_VALUE} when nothing expires.
   */
  default long retainedFromSecond() {
    return Long.MIN_VALUE;
  }

  /** The project's compaction state; nothing compacted yet: {@code compactedBeforeSecond} 0. */
  Compaction compaction(long projectId);

  /**
   * Sums the minute cells of each hour that ended a minute or more before {@code nowSecond} and was
   * written to since it was last compacted into its hourly cells, and of each such ten-minute block
   * into its hour's running sums (rewriting them from the block to the end of the hour's finished
   * blocks); each replaced whole, so compacting again is harmless. Then it builds the three-hour and
   * daily cells of the blocks that ended since the last run or hold an hour compacted again, and
   * records the new state. Safe beside concurrent ingest: an hour (or ten-minute block) is unmarked
   * (and marked in progress until built) before its minute cells are read, and ingest marks it after
   * writing to it, so an addition the compactor did not see leaves it pending, and a compactor that
   * stops half way leaves it in progress; a block holding a pending hour is not read, and a block is
   * marked pending before its hour is unmarked and unmarked only once built again.
   *
   * @return how many hours were compacted
   */
  int compact(long projectId, long nowSecond);
}
