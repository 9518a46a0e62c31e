package dev.tracing.benchmarks.harness;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.Test;

class ReportTest {

  @Test
  void budgetsGradeAtMostAndAtLeastAndLeaveMissingFiguresUngraded() {
    Report.Budget atMost = Report.Budget.atMost(0.30, "<= 0.30");
    assertEquals("PASS", atMost.grade(0.30));
    assertEquals("MISS", atMost.grade(0.31));
    Report.Budget atLeast = Report.Budget.atLeast(150_000, ">= 150,000");
    assertEquals("MISS", atLeast.grade(149_999));
    assertEquals("PASS", atLeast.grade(150_000));
    assertEquals("-", atLeast.grade(Double.NaN));
  }

  @Test
  void aFigureIsGradedOnTheValueNamedForItsBudget() {
    Report report = new Report();
    Report.Row row = report.graded("4 query", "list p50 / p95", 40, "40 ms / 160 ms", Report.Budget.atMost(150, "p95 <= 150 ms"), 160,
        Report.Kind.MEASURED, null);
    assertEquals("MISS", row.verdict(), "graded on the p95, not on the p50 shown first");
  }

  @Test
  void tablesPrintAfterTheRowsInTextAndMarkdown() {
    Report report = new Report();
    report.graded("2 storage", "write units per span", 0.5, "WCU", Report.Budget.atMost(0.30, "<= 0.30"), Report.Kind.COMPUTED, null);
    report.table(new Report.Table("by scenario", List.of("figure", "a", "b"), List.of(List.of("WU total", "0.28", "1.24"))));
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    report.print(new PrintStream(bytes, true, StandardCharsets.UTF_8));
    String text = bytes.toString(StandardCharsets.UTF_8);
    assertTrue(text.contains("| verdict |") && text.contains("| MISS "), text);
    assertTrue(text.indexOf("by scenario") > text.indexOf("write units per span"), text);
    String md = report.markdown();
    assertTrue(md.contains("| part | figure | value | target | verdict | kind | note |"), md);
    assertTrue(md.contains("| figure | a | b |\n|---|---|---|\n| WU total | 0.28 | 1.24 |"), md);
  }
}
