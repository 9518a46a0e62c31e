package dev.tracing.benchmarks.load;

import java.util.Arrays;

/** Nearest-rank percentiles. */
public final class Percentiles {
  private Percentiles() {
  }

  /** @param p in (0, 100] */
  public static double of(long[] values, double p) {
    if (values.length == 0) {
      return Double.NaN;
    }
    long[] sorted = values.clone();
    Arrays.sort(sorted);
    int rank = (int) Math.ceil(p / 100.0 * sorted.length);
    return sorted[Math.max(0, Math.min(sorted.length - 1, rank - 1))];
  }
}
