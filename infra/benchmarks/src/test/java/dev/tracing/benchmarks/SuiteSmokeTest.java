package dev.tracing.benchmarks;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.tracing.benchmarks.harness.Report;
import dev.tracing.benchmarks.parts.EndToEndPart;
import dev.tracing.benchmarks.parts.IngestCpuPart;
import dev.tracing.benchmarks.parts.QueryPart;
import dev.tracing.benchmarks.parts.StoragePart;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Runs every part of the suite but the views at tiny sizes (as {@code java -jar
 * tracing-benchmarks.jar ... --smoke} does) so the benchmark code cannot rot ({@link ViewsSmokeTest}
 * runs the views part beside it). It checks that each figure was produced and is sane; it never
 * checks a timing against a target.
 */
class SuiteSmokeTest {
  static final List<String> PARTS = List.of("ingest-cpu", "storage", "e2e", "query", "profile-ingest");
  static SmokeRun run;

  @BeforeAll
  static void runParts() throws Exception {
    run = SmokeRun.of(PARTS);
  }

  @Test
  void printsTheCommandTheMachineAndTheTable() {
    assertTrue(run.printed().contains("command: java -jar tracing-benchmarks.jar ingest-cpu storage e2e query profile-ingest --smoke"), run.printed());
    assertTrue(run.printed().contains("cpus: "), run.printed());
    assertTrue(run.printed().contains("jdk: "), run.printed());
    assertTrue(run.printed().contains("| figure"), run.printed());
  }

  @Test
  void ingestCpuFiguresForEveryWireFormAndTheBaseline() {
    for (String f : List.of("bare ExportTraceServiceRequest.parseFrom", "decode (", "decode + validate", "ingest endpoint, protobuf",
        "ingest endpoint, protobuf + gzip", "ingest endpoint, OTLP/JSON", "ingest endpoint, OTLP/JSON + gzip")) {
      assertTrue(run.value(IngestCpuPart.PART, f) > 0, f);
    }
    assertTrue(run.value(IngestCpuPart.PART, "per CPU-second: ingest endpoint, protobuf") > 0);
    assertTrue(run.value(IngestCpuPart.PART, "per CPU-second: ingest endpoint, json + gzip") > 0);
    double ratio = run.value(IngestCpuPart.PART, "  ratio to bare parse");
    assertTrue(ratio > 0 && ratio < 2, "ingest can hardly be faster than parsing alone: " + ratio);
    Report.Row cpu = run.report().find(IngestCpuPart.PART, "per CPU-second: ingest endpoint, protobuf").orElseThrow();
    assertEquals(">= 150,000", cpu.target());
    assertEquals(cpu.value() >= 150_000 ? "PASS" : "MISS", cpu.verdict());
    assertEquals(">= 0.8x", run.report().find(IngestCpuPart.PART, "  JSON vs protobuf (CPU time)").orElseThrow().target());
  }

  @Test
  void storageFiguresForBothScenariosAreComputedAndGraded() {
    double perService = run.value(StoragePart.PART, "write units per span, per-service export");
    double whole = run.value(StoragePart.PART, "  whole-trace export");
    assertTrue(perService > 0.01 && perService < 10, "per-service write units per span " + perService);
    assertTrue(whole > 0.01 && whole < 5, "whole-trace write units per span " + whole);
    double atIngest = run.value(StoragePart.PART, "  per-service export (25-span traces), summaries written at ingest");
    assertTrue(atIngest > perService, "folded at ingest, a trace written in several requests rewrites its summary each time;"
        + " folded from the stream's batches, about once: " + atIngest + " vs " + perService);
    for (String graded : List.of("write units per span, per-service", "$ per million 25-span traces", "$ per million 100-span traces")) {
      String verdict = run.report().find(StoragePart.PART, graded).orElseThrow().verdict();
      assertTrue(verdict.equals("PASS") || verdict.equals("MISS"), graded + ": " + verdict);
    }
    // the rules and dynalite agree on the calls dynalite reports (table only, no index writes)
    double reported = run.value(StoragePart.PART, "dynalite-reported write units per span");
    String note = run.report().find(StoragePart.PART, "dynalite-reported").orElseThrow().note();
    assertTrue(reported > 0, note);
    java.util.regex.Matcher agree = java.util.regex.Pattern.compile("CapacityMeter: ([0-9.]+); the rules on the same calls: ([0-9.]+)")
        .matcher(note);
    assertTrue(agree.find(), note);
    assertEquals(Double.parseDouble(agree.group(1)), Double.parseDouble(agree.group(2)), 0.002, note);
    assertEquals(run.value(StoragePart.PART, "item-per-span design"), 2.0, 0.5, "item + index entry per span");
    assertTrue(run.value(StoragePart.PART, "read units per list page") > 0);
    assertTrue(run.value(StoragePart.PART, "read units per trace detail (") > 0);
    Report.Table table = run.report().tables().stream().filter(t -> t.title().startsWith("storage cost by scenario")).findFirst()
        .orElseThrow(() -> new AssertionError(run.printed()));
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
    Report.Row row = run.report().find(EndToEndPart.PART, "local stack").orElseThrow();
    assertTrue(row.value() > 0, row.toString());
    assertTrue(row.note().contains(" 0 errors"), row.note());
    assertTrue(row.note().contains("3 of 3 traces read back"), row.note());
    Report.Row zipkin = run.report().find(EndToEndPart.PART, "Zipkin (in-memory)").orElseThrow();
    assertTrue(zipkin.value() > 0 && zipkin.note().contains(" 0 errors"), zipkin.toString());
    assertTrue(run.value(EndToEndPart.PART, "local stack vs Zipkin") > 0);
  }

  @Test
  void queryLatenciesForBothStores() {
    assertTrue(run.value(QueryPart.PART, "traces stored") >= 300);
    assertTrue(run.value(QueryPart.PART, "list, last hour") > 0);
    assertTrue(run.value(QueryPart.PART, "trace detail") > 0);
    assertTrue(run.value(QueryPart.PART, "Zipkin (in-memory) /api/v2/traces") > 0);
    assertTrue(run.value(QueryPart.PART, "Zipkin (in-memory) /api/v2/trace/") > 0);
    assertTrue(run.value(QueryPart.PART, "list p95: ours vs Zipkin") > 0);
  }

  @Test
  void theProfileSampledTheIngestThread() {
    assertTrue(run.value("profile", "ingest endpoint under JFR") > 0);
    assertTrue(run.printed().contains("-- own time (top frame) --"), run.printed());
  }
}
