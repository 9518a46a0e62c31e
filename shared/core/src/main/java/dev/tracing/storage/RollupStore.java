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

  /**
   * How far the hourly cells are complete: an hour's hourly cells hold exactly the sum of its
   * minute cells when it ended before {@code compactedBeforeSecond} and is not pending (written to
   * since it was last compacted). Other hours are read from their minute cells.
   */
  record Compaction(long compactedBeforeSecond, java.util.Set<Long> pendingHours) {
    public Compaction {
      pendingHours = java.util.Set.copyOf(pendingHours);
    }

    public boolean hourlyComplete(long hourSecond) {
      return hourSecond + 3600 <= compactedBeforeSecond && !pendingHours.contains(hourSecond);
    }
  }

  /** The project's compaction state; nothing compacted yet: {@code compactedBeforeSecond} 0. */
  Compaction compaction(long projectId);

  /**
   * Sums the minute cells of each hour that ended a minute or more before {@code nowSecond} and was
   * written to since it was last compacted into that hour's hourly cells (replacing them whole, so
   * compacting again is harmless), and records the new state. Safe beside concurrent ingest: an
   * hour is unmarked before its minute cells are read, and ingest marks an hour after writing to
   * it, so an addition the compactor did not see leaves its hour pending.
   *
   * @return how many hours were compacted
   */
  int compact(long projectId, long nowSecond);
}
