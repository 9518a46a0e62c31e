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
  /** Set on a cell read as its digest (no histograms): its percentiles come from here. */
  private CellDigest digest;
  /** Which of the digest's items this cell's are: all, only the failed ones, or the others. */
  private CellDigest.Items digestItems = CellDigest.Items.ALL;

  /** A cell read as counts and a digest, without its histograms: it answers percentiles but cannot be merged. */
  public static RollupCell ofDigest(long count, long errors, CellDigest digest) {
    RollupCell cell = new RollupCell();
    cell.count = count;
    cell.errors = errors;
    cell.digest = digest;
    return cell;
  }

  /** Whether this cell was read as a digest (it has counts and percentiles, no histograms). */
  public boolean isDigest() {
    return digest != null;
  }

  /**
   * A percentile of the durations, within {@link DurationHistogram#RELATIVE_ERROR}; {@code null}
   * when the cell holds none. A digest cell answers {@link CellDigest#PERCENTILES} only.
   */
  public Long percentile(int percentile) {
    return digest != null ? digest.percentile(digestItems, percentile) : durations.percentile(percentile);
  }

  /** Adds one item ({@code sign} 1) or takes one away ({@code sign} -1). */
  public void add(long durationNano, boolean error, int sign) {
    if (digest != null) {
      throw new IllegalStateException("a cell read as its digest has no histograms to add to");
    }
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
    if (digest != null || other.digest != null) {
      throw new IllegalStateException("a cell read as its digest has no histograms to merge");
    }
    count += other.count;
    errors += other.errors;
    durations.merge(other.durations);
    errorDurations.merge(other.errorDurations);
  }

  /** Takes another cell's items away (a prefix sum from a later one): counts and histograms subtract exactly. */
  public void subtract(RollupCell other) {
    if (digest != null || other.digest != null) {
      throw new IllegalStateException("a cell read as its digest has no histograms to subtract");
    }
    count -= other.count;
    errors -= other.errors;
    durations.subtract(other.durations);
    errorDurations.subtract(other.errorDurations);
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
    if (digest != null) {
      return fromDigest(count - errors, 0, CellDigest.Items.OK);
    }
    RollupCell ok = new RollupCell();
    ok.count = count - errors;
    ok.durations.merge(durations);
    ok.durations.subtract(errorDurations);
    return ok;
  }

  /** The cell keeping only the failed items. */
  public RollupCell onlyErrors() {
    if (digest != null) {
      return fromDigest(errors, errors, CellDigest.Items.FAILED);
    }
    RollupCell failed = new RollupCell();
    failed.count = errors;
    failed.errors = errors;
    failed.durations.merge(errorDurations);
    failed.errorDurations.merge(errorDurations);
    return failed;
  }

  private RollupCell fromDigest(long count, long errors, CellDigest.Items items) {
    if (!digest.byStatus() && count > 0) {
      throw new IllegalStateException("this cell's digest keeps no percentiles by status");
    }
    RollupCell cell = ofDigest(count, errors, digest);
    cell.digestItems = items;
    return cell;
  }
}
