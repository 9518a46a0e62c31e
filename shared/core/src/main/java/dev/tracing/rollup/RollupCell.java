package dev.tracing.rollup;

/**
 * What one rollup cell holds: a count, how many of those failed (status ERROR), and their
 * durations; for {@link RollupFamily#TRACES} cells also the failed traces' durations on their own.
 * Values add up: cells of the same key from several requests, or of several buckets, merge.
 */
public final class RollupCell {
  private long count;
  private long errors;
  private final DurationHistogram durations = new DurationHistogram();
  private final DurationHistogram errorDurations = new DurationHistogram();

  /** Adds one item ({@code sign} 1) or takes one away ({@code sign} -1). */
  public void add(long durationNano, boolean error, int sign) {
    count += sign;
    int bucket = DurationHistogram.bucketOf(durationNano);
    durations.addToBucket(bucket, sign);
    if (error) {
      errors += sign;
      errorDurations.addToBucket(bucket, sign);
    }
  }

  public void addCounts(long count, long errors) {
    this.count += count;
    this.errors += errors;
  }

  public void merge(RollupCell other) {
    count += other.count;
    errors += other.errors;
    durations.merge(other.durations);
    errorDurations.merge(other.errorDurations);
  }

  public long count() {
    return count;
  }

  public long errors() {
    return errors;
  }

  public DurationHistogram durations() {
    return durations;
  }

  public DurationHistogram errorDurations() {
    return errorDurations;
  }

  /** Whether applying this cell changes nothing (additions and removals cancelled out). */
  public boolean isZero() {
    if (count != 0 || errors != 0) {
      return false;
    }
    for (int b = 0; b <= durations.maxBucket(); b++) {
      if (durations.count(b) != 0) {
        return false;
      }
    }
    for (int b = 0; b <= errorDurations.maxBucket(); b++) {
      if (errorDurations.count(b) != 0) {
        return false;
      }
    }
    return true;
  }

  /** The cell keeping only the successful (status not ERROR) items. */
  public RollupCell withoutErrors() {
    RollupCell ok = new RollupCell();
    ok.count = count - errors;
    ok.durations.merge(durations);
    ok.durations.subtract(errorDurations);
    return ok;
  }

  /** The cell keeping only the failed items. */
  public RollupCell onlyErrors() {
    RollupCell failed = new RollupCell();
    failed.count = errors;
    failed.errors = errors;
    failed.durations.merge(errorDurations);
    failed.errorDurations.merge(errorDurations);
    return failed;
  }
}
