package dev.tracing.rollup;

import java.util.Arrays;

/**
 * A mergeable histogram of durations on a logarithmic scale (the DDSketch layout): bucket
 * {@code i >= 1} holds durations in {@code (γ^(i-2), γ^(i-1)]} nanoseconds with
 * {@code γ = (1 + α) / (1 - α)}, bucket 0 holds zero durations. A percentile read from it is
 * within {@link #RELATIVE_ERROR} of the exact nearest-rank percentile of the durations added.
 *
 * <p>Counts may be negative while a trace moves from one rollup bucket to another (its head span
 * changed); merged over all updates they are the counts of the durations currently represented.
 * Not thread-safe.
 */
public final class DurationHistogram {
  /** α: the largest relative error of a percentile read from a histogram. */
  public static final double RELATIVE_ERROR = 0.02;
  static final double GAMMA = (1 + RELATIVE_ERROR) / (1 - RELATIVE_ERROR);
  private static final double LOG_GAMMA = Math.log(GAMMA);
  /** Durations up to 2^63 ns need about 1,100 buckets. */
  public static final int MAX_BUCKET = 1 + (int) Math.ceil(Math.log(Long.MAX_VALUE) / LOG_GAMMA);

  private long[] counts = new long[16];
  private int maxBucket = -1;

  /** The bucket holding a duration. */
  public static int bucketOf(long durationNano) {
    if (durationNano <= 0) {
      return 0;
    }
    // ceil(log_γ(v)) with a guard against rounding at exact powers of γ
    int i = (int) Math.ceil(Math.log(durationNano) / LOG_GAMMA - 1e-9);
    return 1 + Math.max(0, i);
  }

  /** The value reported for a bucket: the point whose relative distance to both bounds is α. */
  public static long valueOf(int bucket) {
    if (bucket <= 0) {
      return 0;
    }
    double upper = Math.pow(GAMMA, bucket - 1);
    return Math.round(2 * upper / (GAMMA + 1));
  }

  public void add(long durationNano) {
    addToBucket(bucketOf(durationNano), 1);
  }

  public void addToBucket(int bucket, long n) {
    if (bucket < 0 || bucket > MAX_BUCKET) {
      throw new IllegalArgumentException("bucket " + bucket + " outside 0.." + MAX_BUCKET);
    }
    if (bucket >= counts.length) {
      counts = Arrays.copyOf(counts, Math.max(bucket + 1, counts.length * 2));
    }
    counts[bucket] += n;
    maxBucket = Math.max(maxBucket, bucket);
  }

  public void merge(DurationHistogram other) {
    for (int b = 0; b <= other.maxBucket; b++) {
      if (other.counts[b] != 0) {
        addToBucket(b, other.counts[b]);
      }
    }
  }

  /** Subtracts another histogram (e.g. the error traces' from all traces'). */
  public void subtract(DurationHistogram other) {
    for (int b = 0; b <= other.maxBucket; b++) {
      if (other.counts[b] != 0) {
        addToBucket(b, -other.counts[b]);
      }
    }
  }

  public long count(int bucket) {
    return bucket <= maxBucket ? counts[bucket] : 0;
  }

  /** The highest bucket ever touched, or -1 when empty. */
  public int maxBucket() {
    return maxBucket;
  }

  public long total() {
    long n = 0;
    for (int b = 0; b <= maxBucket; b++) {
      n += Math.max(0, counts[b]);
    }
    return n;
  }

  public boolean isEmpty() {
    return total() == 0;
  }

  /**
   * The nearest-rank percentile ({@code ceil(p/100 × n)}-th smallest duration), within
   * {@link #RELATIVE_ERROR} of the exact one; {@code null} when empty.
   */
  public Long percentile(int percentile) {
    return isEmpty() ? null : valueOf(percentileBucket(percentile));
  }

  /** The bucket {@link #percentile} reports; -1 when empty. */
  public int percentileBucket(int percentile) {
    long n = total();
    if (n == 0) {
      return -1;
    }
    long rank = Math.max(1, (long) Math.ceil(percentile / 100.0 * n));
    long seen = 0;
    for (int b = 0; b <= maxBucket; b++) {
      seen += Math.max(0, counts[b]);
      if (seen >= rank) {
        return b;
      }
    }
    return maxBucket;
  }

  /**
   * The non-empty buckets as bytes: for each, the gap from the previous bucket and the count
   * (zigzag, counts may be negative), as unsigned LEB128 varints. About 2 bytes a bucket, where a
   * number attribute per bucket takes 6-7: what the compactor stores in hourly cells, which are
   * written whole and read by every long view.
   */
  public byte[] encode() {
    java.io.ByteArrayOutputStream out = new java.io.ByteArrayOutputStream(16 + 4 * Math.max(0, maxBucket));
    int previous = -1;
    for (int b = 0; b <= maxBucket; b++) {
      if (counts[b] != 0) {
        Varints.write(out, b - previous);
        Varints.writeSigned(out, counts[b]);
        previous = b;
      }
    }
    return out.toByteArray();
  }

  /** Adds the buckets of {@link #encode()}'s bytes to this histogram. */
  public void addEncoded(byte[] data) {
    int[] at = {0};
    int bucket = -1;
    while (at[0] < data.length) {
      bucket += (int) Varints.read(data, at);
      addToBucket(bucket, Varints.readSigned(data, at));
    }
  }
}
