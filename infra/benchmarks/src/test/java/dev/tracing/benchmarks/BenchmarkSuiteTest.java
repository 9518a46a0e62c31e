package dev.tracing.benchmarks;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.tracing.benchmarks.harness.Report;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The command line's choice of parts, and the rows a whole run adds for the deploy tool's figures. */
class BenchmarkSuiteTest {
  @Test
  void allSelectsEveryPartButTheProfileInTheOrderTheyRun() {
    assertEquals(List.of("ingest-cpu", "storage", "e2e", "query", "views"), List.copyOf(BenchmarkSuite.selected(List.of("all"))));
    assertEquals(List.of("ingest-cpu", "storage", "e2e", "query", "views", "profile-ingest"),
        List.copyOf(BenchmarkSuite.selected(List.of("all", "profile-ingest"))));
  }

  @Test
  void theTwoSmokeRunsTogetherRunEveryPart() {
    List<String> both = new ArrayList<>(SuiteSmokeTest.PARTS);
    both.addAll(ViewsSmokeTest.PARTS);
    assertEquals(BenchmarkSuite.PARTS.stream().sorted().toList(), BenchmarkSuite.selected(both).stream().sorted().toList());
  }

  @Test
  void anUnknownPartIsNamedWithTheParts() {
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> BenchmarkSuite.selected(List.of("query", "stroage")));
    assertEquals("unknown part 'stroage': name one or more of all, ingest-cpu, storage, e2e, query, views, profile-ingest", e.getMessage());
  }

  @Test
  void aWholeRunNamesTheDeployToolsBudgetsUngraded() {
    Report report = new Report();
    BenchmarkSuite.addDeployRows(report);
    Report.Row coldStart = report.find("5 cold start", "cold start").orElseThrow();
    assertEquals("<= 0.8x (authorizer <= 0.7x)", coldStart.target());
    assertEquals("-", coldStart.verdict(), "not measured by this suite, so not graded");
    Report.Row size = report.find("5 cold start", "function package size").orElseThrow();
    assertEquals("<= 15 MB", size.target());
    assertEquals("-", size.verdict());
    assertTrue(size.note().contains("deploy"), size.note());
  }
}
