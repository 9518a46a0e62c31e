package dev.tracing.benchmarks;

import dev.tracing.benchmarks.harness.Config;
import dev.tracing.benchmarks.harness.Report;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.tracing.benchmarks.parts.EndToEndPart;
import dev.tracing.benchmarks.parts.IngestCpuPart;
import dev.tracing.benchmarks.parts.QueryPart;
import dev.tracing.benchmarks.parts.StoragePart;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Runs every part of the suite at tiny sizes (as {@code java -jar tracing-benchmarks.jar all
 * --smoke} does) so the benchmark code cannot rot. It checks that each figure was produced and is
 * sane; it never checks a timing against a target.
 */
class SuiteSmokeTest {
  static Report report;
  static String printed;

  @BeforeAll
  static void runSuite() throws Exception {
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    Config cfg = Config.tiny().withCommandLine(List.of("java", "-jar", "tracing-benchmarks.jar", "all", "profile-ingest", "--smoke"));
    report = BenchmarkSuite.run(cfg, List.of("all", "profile-ingest"), new PrintStream(bytes, true, StandardCharsets.UTF_8));
    printed = bytes.toString(StandardCharsets.UTF_8);
  }

  private static double value(String part, String figure) {
    return report.find(part, figure).orElseThrow(() -> new AssertionError("no figure '" + figure + "' in:\n" + printed)).value();
  }

  @Test
  void printsTheCommandTheMachineAndTheTable() {
    assertTrue(printed.contains("command: java -jar tracing-benchmarks.jar all"), printed);
    assertTrue(printed.contains("cpus: "), printed);
    assertTrue(printed.contains("jdk: "), printed);
    assertTrue(printed.contains("| figure"), printed);
  }

  @Test
  void ingestCpuFiguresForEveryWireFormAndTheBaseline() {
    for (String f : List.of("bare ExportTraceServiceRequest.parseFrom", "decode (", "decode + validate", "ingest endpoint, protobuf",
        "ingest endpoint, protobuf + gzip", "ingest endpoint, OTLP/JSON", "ingest endpoint, OTLP/JSON + gzip")) {
      assertTrue(value(IngestCpuPart.PART, f) > 0, f);
    }
    assertTrue(value(IngestCpuPart.PART, "per CPU-second: ingest endpoint, protobuf") > 0);
    assertTrue(value(IngestCpuPart.PART, "per CPU-second: ingest endpoint, json + gzip") > 0);
    double ratio = value(IngestCpuPart.PART, "  ratio to bare parse");
    assertTrue(ratio > 0 && ratio < 2, "ingest can hardly be faster than parsing alone: " + ratio);
    Report.Row cpu = report.find(IngestCpuPart.PART, "per CPU-second: ingest endpoint, protobuf").orElseThrow();
    assertEquals(">= 150,000", cpu.target());
    assertEquals(cpu.value() >= 150_000 ? "PASS" : "MISS", cpu.verdict());
    assertEquals(">= 0.8x", report.find(IngestCpuPart.PART, "  JSON vs protobuf (CPU time)").orElseThrow().target());
  }

  @Test
  void everyViewAtVolumeIsTimedAndItsReadUnitsCompared() {
    for (String view : List.of("analytics, 7 days", "analytics, 7 days, service_name", "service metrics, 7 days",
        "service metrics, 7 days, one service's operations", "service map, 7 days")) {
      Report.Row p95 = report.find(dev.tracing.benchmarks.parts.ViewsPart.PART, view + ": p95").orElseThrow();
      assertTrue(p95.value() > 0, view);
      assertEquals(p95.value() <= 300 ? "PASS" : "MISS", p95.verdict(), view);
      Report.Row ratio = report.find(dev.tracing.benchmarks.parts.ViewsPart.PART, view + ": read units").orElseThrow();
      assertTrue(ratio.value() > 0, view + " read something at both volumes");
    }
    assertTrue(value(dev.tracing.benchmarks.parts.ViewsPart.PART, "write units per span at load") > 0);
    // Zipkin answered the same needle searches over the same spans (it found the needle, or nothing when absent)
    for (String needle : List.of("needle present, 7 days, all pages", "needle absent, 7 days, all pages",
        "needle present, 30 days, all pages")) {
      assertTrue(value(dev.tracing.benchmarks.parts.ViewsPart.PART, needle + ": Zipkin (in-memory) p95") > 0, needle);
      assertTrue(value(dev.tracing.benchmarks.parts.ViewsPart.PART, needle + ": p95 ours / Zipkin's") > 0, needle);
    }
    assertTrue(value(dev.tracing.benchmarks.parts.ViewsPart.PART, "Zipkin (in-memory): spans held") > 0);
  }

  @Test
  void storageFiguresForBothScenariosAreComputedAndGraded() {
    double perService = value(StoragePart.PART, "write units per span, per-service export");
    double whole = value(StoragePart.PART, "  whole-trace export");
    assertTrue(perService > 0.01 && perService < 10, "per-service write units per span " + perService);
    assertTrue(whole > 0.01 && whole < 5, "whole-trace write units per span " + whole);
    double atIngest = value(StoragePart.PART, "  per-service export (25-span traces), summaries written at ingest");
    assertTrue(atIngest > perService, "folded at ingest, a trace written in several requests rewrites its summary each time;"
        + " folded from the stream's batches, about once: " + atIngest + " vs " + perService);
    for (String graded : List.of("write units per span, per-service", "$ per million 25-span traces", "$ per million 100-span traces")) {
      String verdict = report.find(StoragePart.PART, graded).orElseThrow().verdict();
      assertTrue(verdict.equals("PASS") || verdict.equals("MISS"), graded + ": " + verdict);
    }
    // the rules and dynalite agree on the calls dynalite reports (table only, no index writes)
    double reported = value(StoragePart.PART, "dynalite-reported write units per span");
    String note = report.find(StoragePart.PART, "dynalite-reported").orElseThrow().note();
    assertTrue(reported > 0, note);
    java.util.regex.Matcher agree = java.util.regex.Pattern.compile("CapacityMeter: ([0-9.]+); the rules on the same calls: ([0-9.]+)")
        .matcher(note);
    assertTrue(agree.find(), note);
    assertEquals(Double.parseDouble(agree.group(1)), Double.parseDouble(agree.group(2)), 0.002, note);
    assertEquals(value(StoragePart.PART, "item-per-span design"), 2.0, 0.5, "item + index entry per span");
    assertTrue(value(StoragePart.PART, "read units per list page") > 0);
    assertTrue(value(StoragePart.PART, "read units per trace detail (") > 0);
    Report.Table table = report.tables().stream().filter(t -> t.title().startsWith("storage cost by scenario")).findFirst()
        .orElseThrow(() -> new AssertionError(printed));
    assertEquals(List.of("per span unless stated", "whole-trace, 25", "per-service, 25", "whole-trace, 100", "per-service, 100",
        "whole-trace, 25, at ingest", "per-service, 25, at ingest"), table.head());
    List<String> from = table.rows().stream().filter(r -> r.get(0).startsWith("summaries from")).findFirst().orElseThrow();
    for (int column = 1; column <= 4; column++) {
      assertTrue(from.get(column).matches("[\\d,]+ \\(\\d+\\)"), "stream batches in " + table.head().get(column) + ": " + from);
    }
    assertEquals(List.of("ingest requests", "ingest requests"), from.subList(5, 7));
    for (int column = 1; column <= 6; column++) {
      double kinds = 0;
      double total = Double.NaN;
      for (List<String> row : table.rows()) {
        if (row.get(0).startsWith("WU: ")) {
          kinds += Double.parseDouble(row.get(column));
        } else if (row.get(0).equals("WU total")) {
          total = Double.parseDouble(row.get(column));
        }
      }
      assertEquals(total, kinds, total * 0.02 + 0.002, "kinds add up to the total in " + table.head().get(column));
    }
  }

  @Test
  void endToEndIngestStoredEverythingWithoutErrors() {
    Report.Row row = report.find(EndToEndPart.PART, "local stack").orElseThrow();
    assertTrue(row.value() > 0, row.toString());
    assertTrue(row.note().contains(" 0 errors"), row.note());
    assertTrue(row.note().contains("3 of 3 traces read back"), row.note());
    Report.Row zipkin = report.find(EndToEndPart.PART, "Zipkin (in-memory)").orElseThrow();
    assertTrue(zipkin.value() > 0 && zipkin.note().contains(" 0 errors"), zipkin.toString());
    assertTrue(value(EndToEndPart.PART, "local stack vs Zipkin") > 0);
  }

  @Test
  void queryLatenciesForBothStores() {
    assertTrue(value(QueryPart.PART, "traces stored") >= 300);
    assertTrue(value(QueryPart.PART, "list, last hour") > 0);
    assertTrue(value(QueryPart.PART, "trace detail") > 0);
    assertTrue(value(QueryPart.PART, "Zipkin (in-memory) /api/v2/traces") > 0);
    assertTrue(value(QueryPart.PART, "Zipkin (in-memory) /api/v2/trace/") > 0);
    assertTrue(value(QueryPart.PART, "list p95: ours vs Zipkin") > 0);
  }

  @Test
  void theProfileSampledTheIngestThread() {
    assertTrue(value("profile", "ingest endpoint under JFR") > 0);
    assertTrue(printed.contains("-- own time (top frame) --"), printed);
  }

  @Test
  void coldStartHasItsRow() {
    Report.Row row = report.find("5 cold start", "cold start").orElseThrow();
    assertEquals("<= 0.8x (authorizer <= 0.7x)", row.target());
    assertEquals("-", row.verdict(), "not measured by this suite, so not graded");
  }
}
