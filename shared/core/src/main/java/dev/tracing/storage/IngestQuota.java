package dev.tracing.storage;

/**
 * Per-project, per-clock-minute byte counters for the ingest limit. Each counter changes only
 * through one atomic conditional update, so concurrent requests can never together pass more
 * bytes than the limit.
 */
public interface IngestQuota {

  /**
   * Adds {@code bytes} to the project's counter for {@code epochMinute} if the total stays within
   * {@code limit}.
   *
   * @return true when the bytes were counted, false when they would exceed the limit (nothing
   *     counted)
   */
  boolean tryConsume(long projectId, long epochMinute, long bytes, long limit);

  /** Gives back bytes counted for a request that was then not stored (so a retry is not charged twice). */
  void refund(long projectId, long epochMinute, long bytes);

  /** Bytes counted so far in that minute. */
  long used(long projectId, long epochMinute);
}
