package dev.tracing.rollup;

import java.io.ByteArrayOutputStream;
import java.util.List;

/**
 * The percentiles the views show, read off one compacted cell's histograms once, when the
 * compactor writes the cell: a series point that is exactly one cell reads these few bytes instead
 * of the cell's histogram, whose size grows with the distinct durations of its time. Each
 * percentile is kept as its histogram bucket, so it answers exactly what the histogram would.
 * Kept over every item, and for traces cells also over the failed items and over the others.
 */
public final class CellDigest {
  /** The percentiles a digest answers: those of analytics, a superset of the metrics' and the map's. */
  public static final List<Integer> PERCENTILES = List.of(50, 75, 90, 95, 99);

  /** Which items a percentile is over. */
  public enum Items {
    ALL, FAILED, OK
  }

  /** Per {@link Items}, the buckets of {@link #PERCENTILES}; {@code null} when there are none (or not kept). */
  private final int[][] sets;

  private CellDigest(int[][] sets) {
    this.sets = sets;
  }

  /** The digest of a cell; {@code byStatus}: also of its failed and other items apart (traces cells). */
  public static CellDigest of(RollupCell cell, boolean byStatus) {
    return new CellDigest(new int[][] {buckets(cell.durations()),
        byStatus ? buckets(cell.onlyErrors().durations()) : null, byStatus ? buckets(cell.withoutErrors().durations()) : null});
  }

  private static int[] buckets(DurationHistogram h) {
    if (h.isEmpty()) {
      return null;
    }
    int[] out = new int[PERCENTILES.size()];
    for (int i = 0; i < out.length; i++) {
      out[i] = h.percentileBucket(PERCENTILES.get(i));
    }
    return out;
  }

  /** Whether the failed and other items' percentiles are kept (a traces cell's digest). */
  public boolean byStatus() {
    return sets[1] != null || sets[2] != null;
  }

  /** A percentile of some items as the histogram reports it; {@code null} when there are none. */
  public Long percentile(Items items, int percentile) {
    int i = PERCENTILES.indexOf(percentile);
    if (i < 0) {
      throw new IllegalArgumentException("a cell digest keeps no p" + percentile);
    }
    int[] set = sets[items.ordinal()];
    return set == null ? null : DurationHistogram.valueOf(set[i]);
  }

  /** The digest as bytes: per set a presence byte, then its buckets as varints. */
  public void encode(ByteArrayOutputStream out) {
    for (int[] set : sets) {
      if (set == null) {
        out.write(0);
        continue;
      }
      out.write(1);
      for (int b : set) {
        Varints.write(out, b);
      }
    }
  }

  /** Reads a digest written by {@link #encode} at {@code at[0]}, advancing it. */
  public static CellDigest decode(byte[] data, int[] at) {
    int[][] sets = new int[Items.values().length][];
    for (int s = 0; s < sets.length; s++) {
      if (at[0] >= data.length) {
        throw new IllegalArgumentException("cell digest ends early");
      }
      if (data[at[0]++] == 0) {
        continue;
      }
      sets[s] = new int[PERCENTILES.size()];
      for (int i = 0; i < sets[s].length; i++) {
        sets[s][i] = (int) Varints.read(data, at);
      }
    }
    return new CellDigest(sets);
  }
}
