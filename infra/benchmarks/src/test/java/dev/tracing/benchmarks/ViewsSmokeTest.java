package dev.tracing.benchmarks;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.tracing.benchmarks.harness.Report;
import dev.tracing.benchmarks.parts.ViewsPart;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Runs the suite's views-at-volume part at tiny sizes so its code cannot rot, in a class of its own
 * so the build's second test JVM runs it beside {@link SuiteSmokeTest}. It checks that each figure
 * was produced and is sane; it never checks a timing against a target.
 */
class ViewsSmokeTest {
  static final List<String> PARTS = List.of("views");
  static SmokeRun run;

  @BeforeAll
  static void runParts() throws Exception {
    run = SmokeRun.of(PARTS);
  }

  @Test
  void everyViewAtVolumeIsTimedAndItsReadUnitsCompared() {
    for (String view : List.of("analytics, 7 days", "analytics, 7 days, service_name", "service metrics, 7 days",
        "service metrics, 7 days, one service's operations", "service map, 7 days")) {
      Report.Row p95 = run.report().find(ViewsPart.PART, view + ": p95").orElseThrow();
      assertTrue(p95.value() > 0, view);
      assertEquals(p95.value() <= 300 ? "PASS" : "MISS", p95.verdict(), view);
      Report.Row ratio = run.report().find(ViewsPart.PART, view + ": read units").orElseThrow();
      assertTrue(ratio.value() > 0, view + " read something at both volumes");
    }
    assertTrue(run.value(ViewsPart.PART, "write units per span at load") > 0);
    // Zipkin answered the same needle searches over the same spans (it found the needle, or nothing when absent)
    for (String needle : List.of("needle present, 7 days, all pages", "needle absent, 7 days, all pages",
        "needle present, 30 days, all pages")) {
      assertTrue(run.value(ViewsPart.PART, needle + ": Zipkin (in-memory) p95") > 0, needle);
      assertTrue(run.value(ViewsPart.PART, needle + ": p95 ours / Zipkin's") > 0, needle);
    }
    assertTrue(run.value(ViewsPart.PART, "Zipkin (in-memory): spans held") > 0);
  }
}
