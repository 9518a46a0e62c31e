package dev.tracing.rollup;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.util.Random;
import org.junit.jupiter.api.Test;

/** A digest answers every percentile it keeps exactly as the cell's histogram does, by status too. */
class CellDigestTest {

  @Test
  void answersAsTheHistogramDoes() {
    Random random = new Random(3);
    RollupCell cell = new RollupCell();
    for (int i = 0; i < 5_000; i++) {
      cell.add((long) Math.exp(random.nextGaussian() * 2 + 14), random.nextInt(10) == 0, 1);
    }
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    CellDigest.of(cell, true).encode(out);
    byte[] bytes = out.toByteArray();
    assertTrue(bytes.length <= 3 + 15 * 2, "a few bytes whatever the traffic: " + bytes.length);
    int[] at = {0};
    RollupCell digest = RollupCell.ofDigest(cell.count(), cell.errors(), CellDigest.decode(bytes, at));
    assertEquals(bytes.length, at[0]);
    for (int p : CellDigest.PERCENTILES) {
      assertEquals(cell.durations().percentile(p), digest.percentile(p), "p" + p);
      assertEquals(cell.onlyErrors().durations().percentile(p), digest.onlyErrors().percentile(p), "failed p" + p);
      assertEquals(cell.withoutErrors().durations().percentile(p), digest.withoutErrors().percentile(p), "ok p" + p);
    }
    assertEquals(cell.errors(), digest.onlyErrors().count());
    assertEquals(cell.count() - cell.errors(), digest.withoutErrors().count());
  }

  @Test
  void emptySetsHaveNoPercentileAndDigestCellsRefuseMerging() {
    RollupCell ok = new RollupCell();
    ok.add(1_000_000, false, 1);
    RollupCell digest = RollupCell.ofDigest(1, 0, CellDigest.of(ok, true));
    assertNull(digest.onlyErrors().percentile(50), "no failed item");
    assertEquals(ok.durations().percentile(99), digest.withoutErrors().percentile(99));
    assertThrows(IllegalStateException.class, () -> new RollupCell().merge(digest));
    assertThrows(IllegalStateException.class, () -> digest.add(5, false, 1));
    assertThrows(IllegalArgumentException.class, () -> digest.percentile(42));
  }

  @Test
  void truncatedBytesAreRefused() {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    RollupCell cell = new RollupCell();
    cell.add(1_000_000_000L, true, 1);
    CellDigest.of(cell, true).encode(out);
    byte[] bytes = java.util.Arrays.copyOf(out.toByteArray(), 4);
    assertThrows(IllegalArgumentException.class, () -> CellDigest.decode(bytes, new int[] {0}));
  }
}
