package dev.tracing.rollup;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Arrays;
import java.util.Random;
import org.junit.jupiter.api.Test;

class DurationHistogramTest {

  private static long nearestRank(long[] sorted, int p) {
    int rank = (int) Math.ceil(p / 100.0 * sorted.length);
    return sorted[Math.max(0, rank - 1)];
  }

  @Test
  void everyPercentileIsWithinTheStatedRelativeErrorOfTheExactOne() {
    Random random = new Random(7);
    for (int run = 0; run < 50; run++) {
      int n = 1 + random.nextInt(5000);
      long[] values = new long[n];
      DurationHistogram h = new DurationHistogram();
      for (int i = 0; i < n; i++) {
        // from 1 ns to hours, log-uniform, with zeros now and then
        values[i] = random.nextInt(50) == 0 ? 0 : (long) Math.exp(random.nextDouble() * 30);
        h.add(values[i]);
      }
      Arrays.sort(values);
      for (int p : new int[] {1, 50, 75, 90, 95, 99, 100}) {
        long exact = nearestRank(values, p);
        long got = h.percentile(p);
        assertTrue(Math.abs(got - exact) <= DurationHistogram.RELATIVE_ERROR * exact + 0.5,
            "p" + p + " of " + n + " values: " + got + " vs exact " + exact);
      }
    }
  }

  @Test
  void bucketsBoundTheirValuesAtBothEnds() {
    for (long v : new long[] {1, 2, 3, 999, 1000, 1001, 1_000_000, 123_456_789, 3_600_000_000_000L, Long.MAX_VALUE}) {
      long reported = DurationHistogram.valueOf(DurationHistogram.bucketOf(v));
      assertTrue(Math.abs(reported - v) <= DurationHistogram.RELATIVE_ERROR * v + 0.5, v + " reported as " + reported);
    }
    assertEquals(0, DurationHistogram.bucketOf(0));
    assertEquals(0, DurationHistogram.valueOf(0));
    assertTrue(DurationHistogram.bucketOf(Long.MAX_VALUE) <= DurationHistogram.MAX_BUCKET);
  }

  @Test
  void mergingAndSubtractingAddsUpBucketByBucket() {
    DurationHistogram all = new DurationHistogram();
    DurationHistogram errors = new DurationHistogram();
    for (long v = 1; v < 100_000; v *= 3) {
      all.add(v);
      if (v % 2 == 1 && v > 100) {
        errors.add(v);
      }
    }
    DurationHistogram ok = new DurationHistogram();
    ok.merge(all);
    ok.subtract(errors);
    assertEquals(all.total() - errors.total(), ok.total());
    DurationHistogram back = new DurationHistogram();
    back.merge(ok);
    back.merge(errors);
    for (int b = 0; b <= all.maxBucket(); b++) {
      assertEquals(all.count(b), back.count(b), "bucket " + b);
    }
    assertNull(new DurationHistogram().percentile(50), "an empty histogram has no percentile");
  }

  @Test
  void aTraceMovingBetweenCellsLeavesNothingBehind() {
    RollupCell cell = new RollupCell();
    cell.add(5_000_000, true, 1);
    cell.add(5_000_000, true, -1);
    assertTrue(cell.isZero(), "adding and taking away the same trace cancels out");
    RollupCell moved = new RollupCell();
    moved.add(5_000_000, false, 1);
    assertEquals(1, moved.withoutErrors().count());
    assertEquals(0, moved.onlyErrors().count());
  }

  @Test
  void packedBytesReadBackBucketByBucketNegativeCountsIncluded() {
    DurationHistogram h = new DurationHistogram();
    for (long v : new long[] {0, 1, 999, 1_000_000, 1_000_000, 3_600_000_000_000L, Long.MAX_VALUE}) {
      h.add(v);
    }
    h.addToBucket(DurationHistogram.bucketOf(5_000), -2); // a trace moved away
    byte[] packed = h.encode();
    DurationHistogram back = new DurationHistogram();
    back.addEncoded(packed);
    assertEquals(h.maxBucket(), back.maxBucket());
    for (int b = 0; b <= h.maxBucket(); b++) {
      assertEquals(h.count(b), back.count(b), "bucket " + b);
    }
    assertTrue(packed.length <= 3 * 8, "about 2-3 bytes a bucket: " + packed.length);
    assertEquals(0, new DurationHistogram().encode().length);
  }
}
