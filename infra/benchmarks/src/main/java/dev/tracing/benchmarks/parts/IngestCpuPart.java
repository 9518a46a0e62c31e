package dev.tracing.benchmarks.parts;

import dev.tracing.benchmarks.harness.Config;
import dev.tracing.benchmarks.harness.Report;
import dev.tracing.benchmarks.harness.Report.Kind;
import dev.tracing.benchmarks.ingest.IngestCpuBenchmark;
import dev.tracing.benchmarks.ingest.Payloads;
import dev.tracing.benchmarks.workload.OtlpWorkload;
import java.util.Collection;
import java.util.HashMap;
import java.util.Map;
import org.openjdk.jmh.results.RunResult;
import org.openjdk.jmh.runner.Runner;
import org.openjdk.jmh.runner.RunnerException;
import org.openjdk.jmh.runner.options.ChainedOptionsBuilder;
import org.openjdk.jmh.runner.options.OptionsBuilder;
import org.openjdk.jmh.runner.options.TimeValue;
import org.openjdk.jmh.runner.options.VerboseMode;

/**
 * Part 1: ingest CPU with JMH ({@link IngestCpuBenchmark}): one benchmark thread in a forked JVM,
 * so a figure is what one core does; the JIT compiler and GC threads may use the machine's
 * second core (with {@code -XX:ActiveProcessorCount=1} the single compiler thread needs minutes
 * to compile the AWS SDK's request path, far longer than any warm-up we can afford).
 */
public final class IngestCpuPart {
  public static final String PART = "1 ingest CPU";
  /** The budgets (per CPU-second, so a busy machine does not move them much). */
  static final Report.Budget INGEST_BUDGET = Report.Budget.atLeast(150_000, ">= 150,000");
  static final Report.Budget PARSE_RATIO_BUDGET = Report.Budget.atLeast(0.15, ">= 0.15x");
  static final Report.Budget JSON_BUDGET = Report.Budget.atLeast(0.8, ">= 0.8x");

  private IngestCpuPart() {
  }

  /** JMH options of a run; {@code profilerJfr} adds JMH's JFR profiler to the fork. */
  public static ChainedOptionsBuilder options(Config cfg, String include) {
    ChainedOptionsBuilder o = new OptionsBuilder()
        .include(IngestCpuBenchmark.class.getName() + "." + include)
        .forks(cfg.jmhForks())
        .threads(1)
        .warmupIterations(cfg.jmhWarmups())
        .warmupTime(TimeValue.milliseconds(cfg.jmhWarmupTime().toMillis()))
        .measurementIterations(cfg.jmhIterations())
        .measurementTime(TimeValue.milliseconds(cfg.jmhIterationTime().toMillis()))
        .shouldFailOnError(true)
        .verbosity(cfg.smoke() ? VerboseMode.SILENT : VerboseMode.NORMAL);
    if (cfg.jmhForks() > 0) {
      o = o.jvmArgsAppend("-Xms1g", "-Xmx1g");
    }
    return o;
  }

  public static void run(Config cfg, Report report) throws RunnerException {
    Collection<RunResult> results = new Runner(options(cfg, ".*").build()).run();
    Map<String, double[]> score = new HashMap<>();
    for (RunResult r : results) {
      String name = r.getParams().getBenchmark();
      name = name.substring(name.lastIndexOf('.') + 1);
      score.put(name, new double[] {r.getPrimaryResult().getScore(), r.getPrimaryResult().getScoreError()});
    }
    Payloads sizes = new Payloads(OtlpWorkload.Shape.sdkBatch(), 4, 42);
    OtlpWorkload.Stats stats = OtlpWorkload.stats(sizes.request(0));
    String batch = String.format("512 spans, %d traces, %.1f attributes/span; %.0f KB protobuf, %.0f KB gzip, %.0f KB JSON, %.0f KB"
        + " JSON gzip", stats.traces(), stats.attributesPerSpan(), sizes.meanBytes(Payloads.Form.PROTOBUF) / 1024,
        sizes.meanBytes(Payloads.Form.PROTOBUF_GZIP) / 1024, sizes.meanBytes(Payloads.Form.JSON) / 1024,
        sizes.meanBytes(Payloads.Form.JSON_GZIP) / 1024);
    double base = score.get("parseBaseline")[0];
    row(report, score, "parseBaseline", "bare ExportTraceServiceRequest.parseFrom (ceiling)", null, batch);
    row(report, score, "decode", "decode (OtlpBody.read, protobuf)", null, null);
    row(report, score, "decodeAndBatch", "decode + validate + group (TraceBatcher)", null, null);
    row(report, score, "ingestProtobuf", "ingest endpoint, protobuf", null, "decode+validate+map+encode, SDK marshalling");
    report.add(PART, "  ratio to bare parse", score.get("ingestProtobuf")[0] / base, "x", null, Kind.RATIO, null);
    row(report, score, "ingestProtobufGzip", "ingest endpoint, protobuf + gzip", null, null);
    row(report, score, "ingestJson", "ingest endpoint, OTLP/JSON", null, null);
    row(report, score, "ingestJsonGzip", "ingest endpoint, OTLP/JSON + gzip", null, null);
    report.add(PART, "  JSON vs protobuf", score.get("ingestJson")[0] / score.get("ingestProtobuf")[0], "x", null, Kind.RATIO, null);
    cpuTime(cfg, report);
    foldCpu(cfg, report, new Payloads(OtlpWorkload.Shape.sdkBatch(), IngestCpuBenchmark.BATCHES, 42));
  }

  /**
   * The same work per CPU second instead of per wall-clock second: on a machine shared with other
   * processes, wall-clock throughput falls with the machine's load while CPU time per request does
   * not (much). Process CPU (this JVM: the loop, GC and JIT threads; nothing else runs meanwhile)
   * is the conservative figure; the loop thread's own CPU is in the note.
   */
  /** Rounds of the CPU-time measurement; each form runs {@code 1/MEASURE_ROUNDS} of its time in each. */
  static final int MEASURE_ROUNDS = 5;

  static void cpuTime(Config cfg, Report report) {
    Payloads payloads = new Payloads(OtlpWorkload.Shape.sdkBatch(), IngestCpuBenchmark.BATCHES, 42);
    long warm = cfg.smoke() ? 400 : 40_000;
    long measure = cfg.smoke() ? 300 : 10_000;
    double base = 0;
    double protobuf = 0;
    String[] forms = {"parse", "PROTOBUF", "PROTOBUF_GZIP", "JSON", "JSON_GZIP", "PROTOBUF_FOLD"};
    try (dev.tracing.benchmarks.ingest.IngestPipeline pipeline = new dev.tracing.benchmarks.ingest.IngestPipeline();
         dev.tracing.benchmarks.ingest.IngestPipeline folding = new dev.tracing.benchmarks.ingest.IngestPipeline(true)) {
      Runnable[] ops = new Runnable[forms.length];
      int[] i = {0};
      for (int k = 0; k < forms.length; k++) {
        if (forms[k].equals("parse")) {
          ops[k] = () -> {
            try {
              io.opentelemetry.proto.collector.trace.v1.ExportTraceServiceRequest.parseFrom(
                  payloads.body(Payloads.Form.PROTOBUF, i[0]++ % payloads.size()));
            } catch (com.google.protobuf.InvalidProtocolBufferException e) {
              throw new IllegalStateException(e);
            }
          };
        } else {
          boolean fold = forms[k].endsWith("_FOLD");
          Payloads.Form f = Payloads.Form.valueOf(fold ? forms[k].substring(0, forms[k].length() - "_FOLD".length()) : forms[k]);
          dev.tracing.benchmarks.ingest.IngestPipeline p = fold ? folding : pipeline;
          ops[k] = () -> {
            if (p.handle(f.contentType, f.contentEncoding, payloads.body(f, i[0]++ % payloads.size())).status() != 200) {
              throw new IllegalStateException("ingest failed");
            }
          };
        }
      }
      // warm every path first, round robin, so no form is measured while the JIT still compiles the shared code
      for (int round = 0; round < 4; round++) {
        for (Runnable op : ops) {
          loop(op, warm / 4);
        }
      }
      // Measured in rounds, each form in turn, so that a shared machine's drift (its speed moved by 10-20%
      // between one form's 10 s and the next's) falls on every form alike instead of on one ratio's side.
      java.lang.management.ThreadMXBean threads = java.lang.management.ManagementFactory.getThreadMXBean();
      com.sun.management.OperatingSystemMXBean os =
          (com.sun.management.OperatingSystemMXBean) java.lang.management.ManagementFactory.getOperatingSystemMXBean();
      long[] requests = new long[forms.length];
      double[] threadCpu = new double[forms.length];
      double[] processCpu = new double[forms.length];
      double[] wall = new double[forms.length];
      for (int round = 0; round < MEASURE_ROUNDS; round++) {
        for (int k = 0; k < forms.length; k++) {
          long t0 = threads.getCurrentThreadCpuTime();
          long p0 = os.getProcessCpuTime();
          long w0 = System.nanoTime();
          requests[k] += loop(ops[k], measure / MEASURE_ROUNDS);
          threadCpu[k] += (threads.getCurrentThreadCpuTime() - t0) / 1e9;
          processCpu[k] += (os.getProcessCpuTime() - p0) / 1e9;
          wall[k] += (System.nanoTime() - w0) / 1e9;
        }
      }
      for (int k = 0; k < forms.length; k++) {
        String form = forms[k];
        long n = requests[k];
        double threadSeconds = threadCpu[k];
        double processSeconds = processCpu[k];
        double wallSeconds = wall[k];
        double perProcessCpu = n * (double) IngestCpuBenchmark.SPANS / processSeconds;
        String note = String.format("loop thread alone: %.0f spans per CPU-s; wall clock: %.0f spans/s", n * 512.0 / threadSeconds,
            n * 512.0 / wallSeconds);
        switch (form) {
          case "parse" -> {
            base = perProcessCpu;
            report.add(PART, "per CPU-second: bare parseFrom (ceiling)", perProcessCpu, "spans/CPU-s", null, Kind.MEASURED, note);
          }
          case "PROTOBUF" -> {
            protobuf = perProcessCpu;
            report.graded(PART, "per CPU-second: ingest endpoint, protobuf", perProcessCpu, "spans/CPU-s", INGEST_BUDGET,
                Kind.MEASURED, note);
            report.graded(PART, "  ratio to bare parse (CPU time)", protobuf / base, "x", PARSE_RATIO_BUDGET, Kind.RATIO, null);
          }
          case "JSON" -> {
            report.add(PART, "per CPU-second: ingest endpoint, json", perProcessCpu, "spans/CPU-s", null, Kind.MEASURED, note);
            report.graded(PART, "  JSON vs protobuf (CPU time)", perProcessCpu / protobuf, "x", JSON_BUDGET, Kind.RATIO, null);
          }
          case "PROTOBUF_FOLD" -> report.add(PART, "per CPU-second: ingest and summaries fold together, protobuf", perProcessCpu,
              "spans/CPU-s", null, Kind.MEASURED, note + "; the local stack's mode (TRACING_SUMMARIES=ingest); deployed, the fold"
                  + " runs in the summaries function over batches of many requests");
          default -> report.add(PART, "per CPU-second: ingest endpoint, " + form.toLowerCase(java.util.Locale.ROOT)
              .replace("_", " + "), perProcessCpu, "spans/CPU-s", null, Kind.MEASURED, note);
        }
      }
    }
  }

  /**
   * The summaries function's CPU per span: the packs of {@code requests} requests (ingested by a
   * recording pipeline, not timed) folded in batches of {@code perBatch}, as the stream delivers
   * them, over the canned store (every trace reads as new: a trace's first fold, the dearest).
   */
  static void foldCpu(Config cfg, Report report, Payloads payloads) {
    int perBatch = 6; // the storage benchmark's whole-trace batches: 30 s of 5-second requests
    try (dev.tracing.benchmarks.ingest.IngestPipeline recorder = new dev.tracing.benchmarks.ingest.IngestPipeline(false, true)) {
      int requests = cfg.smoke() ? 6 : 600; // a smoke run folds one batch
      for (int r = 0; r < requests; r++) {
        Payloads.Form f = Payloads.Form.PROTOBUF;
        if (recorder.handle(f.contentType, f.contentEncoding, payloads.body(f, r % payloads.size())).status() != 200) {
          throw new IllegalStateException("ingest failed");
        }
      }
      java.util.List<java.util.Map<String, software.amazon.awssdk.services.dynamodb.model.AttributeValue>> packs =
          recorder.writtenPacks();
      dev.tracing.ingest.SummaryFolder folder = recorder.summaryFolder();
      Runnable foldAll = () -> {
        for (int from = 0; from < packs.size(); from += perBatch) {
          folder.fold(packs.subList(from, Math.min(packs.size(), from + perBatch)));
        }
      };
      foldAll.run(); // warm
      foldAll.run();
      com.sun.management.OperatingSystemMXBean os =
          (com.sun.management.OperatingSystemMXBean) java.lang.management.ManagementFactory.getOperatingSystemMXBean();
      long p0 = os.getProcessCpuTime();
      int rounds = cfg.smoke() ? 1 : 3;
      for (int i = 0; i < rounds; i++) {
        foldAll.run();
      }
      double seconds = (os.getProcessCpuTime() - p0) / 1e9;
      double spans = (double) rounds * requests * IngestCpuBenchmark.SPANS;
      report.add(PART, "per CPU-second: summaries function, fold of " + perBatch + "-request batches", spans / seconds,
          "spans/CPU-s", null, Kind.MEASURED, String.format(java.util.Locale.ROOT, "%d packs of whole-trace requests, each trace"
              + " folded once per batch over a store that answers at once; the CPU that moved off ingest", packs.size()));
    }
  }

  private static long loop(Runnable op, long millis) {
    long end = System.nanoTime() + millis * 1_000_000L;
    long n = 0;
    while (System.nanoTime() < end) {
      op.run();
      n++;
    }
    return n;
  }

  private static void row(Report report, Map<String, double[]> score, String key, String figure, String target, String note) {
    double[] s = score.get(key);
    report.add(PART, figure, s[0], "spans/s", target, Kind.MEASURED,
        (Double.isNaN(s[1]) ? "" : String.format("+/- %.0f (99.9%% CI)", s[1])) + (note == null ? "" : (Double.isNaN(s[1]) ? "" : "; ") + note));
  }
}
