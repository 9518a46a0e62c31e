package dev.tracing.storage;

/**
 * Per-hour summaries of the attribute terms in the list index (bloom filters), which let an
 * attribute search read only the parts of a window that may hold a match. Ingest marks the hours
 * whose rows it changed; the compactor rebuilds them once they are over.
 */
public interface TermBlockStore {

  /**
   * Rebuilds the blocks of each hour marked since it was last built, once it has settled (it
   * ended a little while ago, or the project stopped writing: a busy project's current hour waits,
   * since its next write would mark it again at once), and records {@code nowSecond} as the time
   * of this build. Safe beside concurrent ingest: an hour is unmarked before its rows are read,
   * and ingest marks an hour after writing its rows; until its blocks are written the hour stays
   * in progress, which readers take for pending, so a compactor that stops half way loses nothing.
   *
   * @return how many hours were rebuilt
   * @throws StoreUnavailableException when the store cannot answer
   */
  int compact(long projectId, long nowSecond);

  /**
   * {@link #compact(long, long)} for several projects at once (a store may then wait for its
   * indexes once for all of them instead of once per project).
   *
   * @return how many hours were rebuilt, in all
   */
  default int compact(java.util.List<Long> projectIds, long nowSecond) {
    int hours = 0;
    for (long id : projectIds) {
      hours += compact(id, nowSecond);
    }
    return hours;
  }
}
