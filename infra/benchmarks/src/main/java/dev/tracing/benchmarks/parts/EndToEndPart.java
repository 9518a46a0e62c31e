package dev.tracing.benchmarks.parts;

import dev.tracing.benchmarks.harness.Config;
import dev.tracing.benchmarks.harness.Machine;
import dev.tracing.benchmarks.harness.Report;
import dev.tracing.benchmarks.harness.Report.Kind;
import dev.tracing.benchmarks.harness.Stacks;
import dev.tracing.benchmarks.load.HttpLoad;
import dev.tracing.benchmarks.workload.OtlpWorkload;
import dev.tracing.benchmarks.workload.ZipkinJson;
import dev.tracing.benchmarks.zipkin.ZipkinServer;
import io.opentelemetry.proto.collector.trace.v1.ExportTraceServiceRequest;
import java.io.PrintStream;
import java.lang.management.ManagementFactory;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;

/**
 * Part 3: end-to-end ingest. Concurrent exporters POST SDK batches (protobuf) to the local
 * stack's ingest URL; a {@code 200} means the spans are in dynalite, which persists to disk. Then
 * the same spans, as Zipkin v2 JSON, go to Zipkin ({@code POST /api/v2/spans}) with the same
 * number of exporters. Spans start 24 to 48 hours ago so that part 4's last-hour queries do not
 * see them.
 */
public final class EndToEndPart {
  public static final String PART = "3 end-to-end ingest";
  static final int WARMUP_BATCHES = 8;

  /** Batches sent before the timed ones: two in a smoke run, whose figures mean nothing. */
  static int warmupBatches(Config cfg) {
    return cfg.smoke() ? 2 : WARMUP_BATCHES;
  }

  private EndToEndPart() {
  }

  public static void run(Config cfg, Report report, Stacks stacks, PrintStream out) throws Exception {
    OtlpWorkload workload = new OtlpWorkload(OtlpWorkload.Shape.sdkBatch(), 11);
    long now = System.currentTimeMillis() * 1_000_000L;
    long from = now - 48 * 3_600_000_000_000L;
    long to = now - 24 * 3_600_000_000_000L;
    List<ExportTraceServiceRequest> batches = new ArrayList<>();
    int warmup = warmupBatches(cfg);
    for (int i = 0; i < warmup + cfg.e2eBatches(); i++) {
      batches.add(workload.nextBatch(from, to));
    }
    List<HttpLoad.Request> protobuf = new ArrayList<>();
    List<HttpLoad.Request> zipkin = new ArrayList<>();
    for (ExportTraceServiceRequest b : batches) {
      int spans = OtlpWorkload.stats(b).spans();
      protobuf.add(new HttpLoad.Request(b.toByteArray(), spans));
      if (cfg.zipkin()) {
        zipkin.add(new HttpLoad.Request(ZipkinJson.spans(b), spans));
      }
    }
    HttpClient client = HttpLoad.client();
    Map<String, String> ours = Map.of("Content-Type", "application/x-protobuf", "PRIVATE-TOKEN", stacks.e2e.token());
    out.printf("%d exporters, up to %d batches of 512 spans or %d s%n", cfg.exporters(), cfg.e2eBatches(), cfg.e2eLimit().toSeconds());

    HttpLoad.Result warm = HttpLoad.run(client, stacks.e2e.ingestUrl(), ours, protobuf.subList(0, warmup), cfg.exporters(),
        Duration.ofSeconds(120));
    requireNoErrors(warm, "local stack warm-up");
    double jvm0 = jvmCpuSeconds();
    double node0 = Machine.processCpuSeconds(stacks.stack.dynamo().pid());
    HttpLoad.Result r = HttpLoad.run(client, stacks.e2e.ingestUrl(), ours, protobuf.subList(warmup, protobuf.size()),
        cfg.exporters(), cfg.e2eLimit());
    double jvm = jvmCpuSeconds() - jvm0;
    double node = Machine.processCpuSeconds(stacks.stack.dynamo().pid()) - node0;
    out.printf("local stack: %d requests, %d errors, %.0f spans/s, statuses %s%n", r.sent(), r.errors(), r.spansPerSecond(), r.statuses());
    int readBack = readBack(client, stacks, batches.subList(warmup, warmup + Math.max(1, r.ok())));
    report.add(PART, "local stack (dynalite on disk): spans/s", r.spansPerSecond(), "spans/s", null, Kind.MEASURED,
        String.format("%d exporters, %d requests, %d errors, %d of 3 traces read back", cfg.exporters(), r.sent(), r.errors(), readBack)
            + (r.firstError() == null ? "" : "; first error " + r.firstError()));
    report.add(PART, "  request latency p50 / p95", r.percentileMillis(50), "ms",
        null, Kind.MEASURED, String.format("p95 %.0f ms", r.percentileMillis(95)));
    report.add(PART, "  CPU per 100k spans: tracing JVM / dynalite", jvm / r.spans() * 100_000, "s", null, Kind.MEASURED,
        String.format("dynalite (node) %.1f s; the JVM figure includes the load generator", node / r.spans() * 100_000));

    if (cfg.zipkin()) {
      HttpLoad.Result z = zipkin(cfg, client, stacks.zipkin, zipkin, "in-memory", report, out);
      report.add(PART, "local stack vs Zipkin (in-memory) spans/s", r.spansPerSecond() / z.spansPerSecond(), "x", null, Kind.RATIO,
          null);
      if (stacks.zipkinMysql != null) {
        HttpLoad.Result m = zipkin(cfg, client, stacks.zipkinMysql, zipkin, "MySQL on MariaDB", report, out);
        report.add(PART, "local stack vs Zipkin (MySQL) spans/s", r.spansPerSecond() / m.spansPerSecond(), "x", null, Kind.RATIO, null);
      } else if (cfg.zipkinMysql()) {
        report.addText(PART, "Zipkin (MySQL on MariaDB)", "skipped", null, Kind.MEASURED, stacks.mysqlSkipped);
      }
    }
  }

  private static HttpLoad.Result zipkin(Config cfg, HttpClient client, ZipkinServer server, List<HttpLoad.Request> requests,
                                        String storage, Report report, PrintStream out) {
    URI uri = server.base().resolve("/api/v2/spans");
    Map<String, String> headers = Map.of("Content-Type", "application/json");
    int warmup = warmupBatches(cfg);
    requireNoErrors(HttpLoad.run(client, uri, headers, requests.subList(0, warmup), cfg.exporters(), Duration.ofSeconds(120)),
        "Zipkin warm-up");
    double cpu0 = Machine.processCpuSeconds(server.pid());
    HttpLoad.Result z = HttpLoad.run(client, uri, headers, requests.subList(warmup, requests.size()), cfg.exporters(),
        cfg.e2eLimit());
    double cpu = Machine.processCpuSeconds(server.pid()) - cpu0;
    out.printf("zipkin %s: %d requests, %d errors, %.0f spans/s, statuses %s%n", storage, z.sent(), z.errors(), z.spansPerSecond(),
        z.statuses());
    report.add(PART, "Zipkin (" + storage + "), v2 JSON: spans/s", z.spansPerSecond(), "spans/s", null, Kind.MEASURED,
        String.format("%d requests, %d errors; p50 %.0f ms, p95 %.0f ms; Zipkin CPU %.1f s per 100k spans; answers 202 before"
            + " storing", z.sent(), z.errors(), z.percentileMillis(50), z.percentileMillis(95), cpu / Math.max(1, z.spans()) * 100_000)
            + (z.firstError() == null ? "" : "; first error " + z.firstError()));
    return z;
  }

  /** Reads back up to three traces of the acknowledged batches through the query API. */
  private static int readBack(HttpClient client, Stacks stacks, List<ExportTraceServiceRequest> sent) throws Exception {
    int ok = 0;
    for (int i = 0; i < 3; i++) {
      ExportTraceServiceRequest b = sent.get(i * (sent.size() - 1) / 2);
      String id = HexFormat.of().formatHex(b.getResourceSpans(0).getScopeSpans(0).getSpans(0).getTraceId().toByteArray());
      HttpResponse<String> r = client.send(HttpRequest.newBuilder(stacks.stack.baseUri().resolve("/v3/query/"
          + stacks.e2e.project().projectId() + "/traces/" + id)).header("PRIVATE-TOKEN", stacks.e2e.token()).build(),
          HttpResponse.BodyHandlers.ofString());
      if (r.statusCode() == 200 && r.body().contains(id)) {
        ok++;
      }
    }
    return ok;
  }

  static void requireNoErrors(HttpLoad.Result r, String what) {
    if (r.errors() > 0) {
      throw new IllegalStateException(what + ": " + r.errors() + " errors, first: " + r.firstError());
    }
  }

  static double jvmCpuSeconds() {
    return ((com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean()).getProcessCpuTime() / 1e9;
  }
}
