package dev.tracing.benchmarks.parts;

import dev.tracing.api.ApiRequest;
import dev.tracing.api.ApiResponse;
import dev.tracing.auth.AuthorizerContext;
import dev.tracing.auth.TokenVerdict;
import dev.tracing.benchmarks.harness.Config;
import dev.tracing.benchmarks.harness.Report;
import dev.tracing.benchmarks.harness.Report.Kind;
import dev.tracing.benchmarks.load.Percentiles;
import dev.tracing.benchmarks.workload.OtlpWorkload;
import dev.tracing.dynamodblocal.LocalDynamoDb;
import dev.tracing.model.Grant;
import dev.tracing.model.Scope;
import dev.tracing.runtime.Tracing;
import dev.tracing.config.TracingConfig;
import dev.tracing.storage.dynamodb.DynamoClients;
import dev.tracing.storage.dynamodb.DynamoRollupStore;
import dev.tracing.storage.dynamodb.TableSchema;
import io.opentelemetry.proto.collector.trace.v1.ExportTraceServiceRequest;
import java.io.IOException;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.EnumSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicLong;
import java.util.stream.Stream;

/**
 * Part 6: time-window views at volume. Two projects in one local DynamoDB, one with
 * {@code small} traces and one with {@code large} traces (default 10,000 and 1,000,000), their
 * start times spread over the last 7 days, loaded in-process through the real write path (the
 * ingest endpoint: decoding, batcher, DynamoDB writer with its rollups; no HTTP). Then each 7-day
 * view is requested in turn through the list-traces endpoint: analytics (all traces, one service),
 * service metrics (all services, one service's operations), the service map, and the first page
 * of the traces list slowest first (7 and 30 days, and one service) and fastest first (24 hours), timing each and
 * reading its {@code X-Read-Units}. The figures that matter: p95 per view at the large volume, and
 * read units at the large volume over those at the small one (a view whose cost followed the
 * traffic would show 100x).
 */
public final class ViewsPart {
  public static final String PART = "6 views at volume";
  public static final int DEFAULT_LARGE = 1_000_000;
  private static final long SMALL_PROJECT = 101;
  private static final long LARGE_PROJECT = 102;
  private static final int WRITERS = 4;
  private static final int MEAN_SPANS = 5;
  private static final tools.jackson.databind.json.JsonMapper JSON = tools.jackson.databind.json.JsonMapper.builder().build();

  private ViewsPart() {
  }

  /** One view: its route and parameters; {@code allPages}: timed and charged until its last page. */
  /** @param zipkinLookbackDays &gt; 0: Zipkin answers the same search over that many days, timed beside ours */
  private record View(String name, String route, String query, boolean allPages, double secondsBudget, int zipkinLookbackDays) {
    View(String name, String route, String query) {
      this(name, route, query, false, 0.3, 0);
    }
  }

  /** The attribute of the one needle trace each project holds (written mid-window after the load). */
  static final String NEEDLE_KEY = "enduser.id";
  static final String NEEDLE_VALUE = "needle-user-42";

  private static final List<View> VIEWS = List.of(
      new View("analytics, 7 days", "/traces/analytics", "period=7d"),
      new View("analytics, 7 days, service_name", "/traces/analytics", "period=7d&service_name=checkout"),
      new View("service metrics, 7 days", "/services/metrics", "period=7d"),
      new View("service metrics, 7 days, one service's operations", "/services/metrics", "period=7d&service_name=checkout"),
      new View("service map, 7 days", "/services/map", "period=7d"),
      new View("traces list, 7 days, slowest first", "/traces", "period=7d&sort=duration_desc"),
      new View("traces list, 30 days, slowest first", "/traces", "period=30d&sort=duration_desc"),
      new View("traces list, 24 hours, fastest first", "/traces", "period=24h&sort=duration_asc"),
      new View("traces list, 7 days, slowest first, service_name", "/traces", "period=7d&sort=duration_desc&service_name=checkout"),
      new View("needle present, 7 days, all pages", "/traces", "period=7d&attr_name=" + NEEDLE_KEY + "&attr_value="
          + NEEDLE_VALUE, true, 1.0, 7),
      new View("needle absent, 7 days, all pages", "/traces", "period=7d&attr_name=" + NEEDLE_KEY + "&attr_value=nobody",
          true, 1.0, 7),
      new View("needle present, 30 days, all pages", "/traces", "period=30d&attr_name=" + NEEDLE_KEY + "&attr_value="
          + NEEDLE_VALUE, true, 1.0, 30),
      new View("needle present, 7 days, slowest first, all pages", "/traces", "period=7d&sort=duration_desc&attr_name="
          + NEEDLE_KEY + "&attr_value=" + NEEDLE_VALUE, true, 1.0, 0));

  public static void run(Config cfg, Report report, PrintStream out, int largeTraces) throws Exception {
    run(cfg, report, out, largeTraces, 0);
  }

  /** @param smallTraces traces of the small project; 0: a hundredth of the large one's */
  public static void run(Config cfg, Report report, PrintStream out, int largeTraces, int smallTraces) throws Exception {
    run(cfg, report, out, largeTraces, smallTraces, null);
  }

  /**
   * @param keepDir {@code null}: a temporary local DynamoDB, deleted at the end. Else where its data
   *     is kept: when it already holds a load of this part ({@code views-load.properties}), the load is
   *     skipped and the views are measured on those traces (their window as loaded, the views' windows
   *     as of now); otherwise the traces are loaded there and kept for later runs.
   */
  public static void run(Config cfg, Report report, PrintStream out, int largeTraces, int smallTraces, Path keepDir)
      throws Exception {
    int large = cfg.smoke() ? 1_000 : largeTraces;
    int small = cfg.smoke() || smallTraces <= 0 ? Math.max(1, large / 100) : smallTraces;
    // a smoke run (its figures mean nothing) times each view once, with no warm-up request
    int repeats = cfg.smoke() ? 1 : 40;
    Path dataDir = keepDir != null ? keepDir : Files.createTempDirectory(cfg.workDir(), "views-dynamodb");
    Path loadFile = dataDir.resolve("views-load.properties");
    SavedLoad saved = keepDir != null && Files.exists(loadFile) ? SavedLoad.read(loadFile) : null;
    String table = "views";
    // measured on a kept load, every request sees one instant inside its traces: 30 s before the end
    // of the last whole hour they fill, so the window's last hour is full of traces, as a busy
    // project's is (not the empty time the load itself took), and pending, as ingest keeps a busy
    // project's current hour (see runViews). At 59.5 minutes into its hour a window's ends read the
    // most minute cells a totals view reads (the pending hour's running sums, then nine minutes)
    Clock clock = saved == null ? Clock.systemUTC() : Clock.fixed(java.time.Instant.ofEpochSecond(
        Math.floorDiv(saved.toNano / 1_000_000_000L, 3600) * 3600 - 30), java.time.ZoneOffset.UTC);
    try (LocalDynamoDb db = LocalDynamoDb.start(dataDir.resolve("dynamodb"), 0)) {
      TracingConfig config = new TracingConfig(table, db.endpoint(), "us-east-1", Duration.ofDays(30), 1L << 40,
          Duration.ofMinutes(5), Duration.ofMinutes(5), TracingConfig.DEFAULT_MAX_BODY_BYTES, TracingConfig.randomSecret());
      try (Tracing tracing = new Tracing(config, DynamoClients.create(db.endpoint(), "us-east-1"), clock)) {
        TableSchema.ensureTable(tracing.client(), table);
        long now = clock.millis() * 1_000_000L;
        if (saved != null) {
          out.printf("reusing the traces loaded in %s at %s (%,d / %,d traces); Zipkin is not fed on reuse; the views'"
              + " clock is fixed at %s, inside the traces, its hour pending%n", dataDir,
              java.time.Instant.ofEpochMilli(saved.loadedAtMillis), saved.small.traces, saved.large.traces, clock.instant());
          runViews(report, tracing, clock, now, saved.small, saved.large, (int) saved.small.traces, (int) saved.large.traces,
              repeats, null, saved.fromNano, saved.toNano, true);
          return;
        }
        // the traces fill the week the views read; a smoke run (its figures mean nothing) spreads
        // them over the last six hours only: the compactor then builds 6 hours per project, not
        // 168, and every view still reads its whole week
        long from = now - loadSpan(cfg).toNanos() + Duration.ofMinutes(2).toNanos();
        long to = now - Duration.ofMinutes(2).toNanos();
        Load smallLoad = load(tracing, SMALL_PROJECT, small, from, to, out, cfg.smoke(), null);
        // Zipkin (in-memory storage) is fed the large project's batches as they are ingested, converted
        // as the OpenTelemetry Zipkin exporter maps spans, to answer the needle searches beside ours
        ZipkinFeed zipkin = cfg.zipkin() ? ZipkinFeed.start(cfg, dataDir, (long) large * MEAN_SPANS, out) : null;
        try {
          Load largeLoad = load(tracing, LARGE_PROJECT, large, from, to, out, cfg.smoke(), zipkin);
          if (keepDir != null) {
            new SavedLoad(System.currentTimeMillis(), from, to, smallLoad, largeLoad).write(loadFile);
          }
          runViews(report, tracing, clock, now, smallLoad, largeLoad, small, large, repeats, zipkin, from, to, false);
        } finally {
          if (zipkin != null) {
            zipkin.close();
          }
        }
      }
    } finally {
      if (keepDir == null) {
        deleteTree(dataDir);
      }
    }
  }

  /** How far back from now the loaded traces start: the week the views read (six hours in a smoke run). */
  static Duration loadSpan(Config cfg) {
    return cfg.smoke() ? Duration.ofHours(6) : Duration.ofDays(7);
  }

  /** What a kept load was: its window and its figures, so a later run can measure the views on it. */
  private record SavedLoad(long loadedAtMillis, long fromNano, long toNano, Load small, Load large) {
    void write(Path file) throws IOException {
      java.util.Properties p = new java.util.Properties();
      p.setProperty("loadedAtMillis", Long.toString(loadedAtMillis));
      p.setProperty("fromNano", Long.toString(fromNano));
      p.setProperty("toNano", Long.toString(toNano));
      put(p, "small", small);
      put(p, "large", large);
      try (var w = Files.newBufferedWriter(file)) {
        p.store(w, "traces loaded by the views part; delete the directory to load again");
      }
    }

    private static void put(java.util.Properties p, String prefix, Load l) {
      p.setProperty(prefix + ".traces", Long.toString(l.traces));
      p.setProperty(prefix + ".spans", Long.toString(l.spans));
      p.setProperty(prefix + ".seconds", Double.toString(l.seconds));
      p.setProperty(prefix + ".writeUnits", Double.toString(l.writeUnits));
      p.setProperty(prefix + ".rollupUnits", Double.toString(l.rollupUnits));
    }

    static SavedLoad read(Path file) throws IOException {
      java.util.Properties p = new java.util.Properties();
      try (var r = Files.newBufferedReader(file)) {
        p.load(r);
      }
      return new SavedLoad(Long.parseLong(p.getProperty("loadedAtMillis")), Long.parseLong(p.getProperty("fromNano")),
          Long.parseLong(p.getProperty("toNano")), get(p, "small"), get(p, "large"));
    }

    private static Load get(java.util.Properties p, String prefix) {
      return new Load(Long.parseLong(p.getProperty(prefix + ".traces")), Long.parseLong(p.getProperty(prefix + ".spans")),
          Double.parseDouble(p.getProperty(prefix + ".seconds")), Double.parseDouble(p.getProperty(prefix + ".writeUnits")),
          Double.parseDouble(p.getProperty(prefix + ".rollupUnits")));
    }
  }

  private static void runViews(Report report, Tracing tracing, Clock clock, long now, Load smallLoad, Load largeLoad,
                               int small, int large, int repeats, ZipkinFeed zipkin, long from, long to,
                               boolean currentHourPending) throws Exception {
    String smallNeedle = needle(tracing, SMALL_PROJECT, (from + to) / 2, null);
    String largeNeedle = needle(tracing, LARGE_PROJECT, (from + to) / 2, zipkin);
    // the compactor, as its schedule runs it once the hours are over
    double unitsBefore = tracing.meter().writeUnits();
    long compactStart = System.nanoTime();
    // at the time it runs (the load took a while): the loaded hours are over, the needles' hour too
    long compactAt = clock.millis() / 1000;
    // each project's rollups on their own, so the cost of the compacted cells, digests and prefix
    // sums shows at both volumes
    String[] kinds = {DynamoRollupStore.METER_KIND, DynamoRollupStore.DIGEST_METER_KIND, DynamoRollupStore.PREFIX_METER_KIND,
        DynamoRollupStore.TEN_MINUTES_METER_KIND, DynamoRollupStore.OPEN_BLOCK_METER_KIND};
    StringBuilder rollupUnits = new StringBuilder();
    int hours = 0;
    for (long project : new long[] {SMALL_PROJECT, LARGE_PROJECT}) {
      double[] before = new double[kinds.length];
      for (int k = 0; k < kinds.length; k++) {
        before[k] = tracing.meter().writeUnits(kinds[k]);
      }
      hours += tracing.rollups().compact(project, compactAt);
      double spans = project == SMALL_PROJECT ? smallLoad.spans : largeLoad.spans;
      // the sums inside the open block are written on every run (every 5 minutes in the template):
      // their cost per span is one run's, twelve times an hour, over an hour's spans of the load
      double openRun = tracing.meter().writeUnits(kinds[4]) - before[4];
      double spansPerHour = spans / (double) Math.max(1, Math.round((to - from) / 3.6e12));
      rollupUnits.append(String.format("; project %d's rollups: cells %.4f, digests %.4f, prefix sums %.4f, running"
          + " sums %.4f WU per span, the open block's %.1f WU a run (%.4f WU per span at 12 runs an hour)", project,
          (tracing.meter().writeUnits(kinds[0]) - before[0]) / spans,
          (tracing.meter().writeUnits(kinds[1]) - before[1]) / spans, (tracing.meter().writeUnits(kinds[2]) - before[2]) / spans,
          (tracing.meter().writeUnits(kinds[3]) - before[3]) / spans, openRun, openRun * 12 / spansPerHour));
    }
    int blockHours = tracing.stores().termBlocks().compact(SMALL_PROJECT, compactAt)
        + tracing.stores().termBlocks().compact(LARGE_PROJECT, compactAt);
    double compactSeconds = (System.nanoTime() - compactStart) / 1e9;
    if (currentHourPending) {
      // a kept load was compacted after it ended, its last hour too; under continuous ingest the
      // current hour is pending for the rollups (no hourly cell, no prefix sum past it; the running
      // sums of its finished ten-minute blocks built) and for the term blocks (its rows read whole):
      // one more trace, a few seconds before the instant, marks it so through the write path
      for (long project : new long[] {SMALL_PROJECT, LARGE_PROJECT}) {
        ingest(tracing, project, oneSpan(String.format("00006c6174657374%016x", project), "GET /cart",
            now - 5_000_000_000L, null), "the current hour's trace");
      }
    }
    double compactUnits = tracing.meter().writeUnits() - unitsBefore;
    report.add(PART, "compaction: write units per span", compactUnits / (smallLoad.spans + largeLoad.spans), "WU", null,
        Kind.MEASURED, String.format("%d hours of rollups and %d of term blocks compacted in %.1f s; each hourly cell"
            + " and block written once%s", hours, blockHours, compactSeconds, rollupUnits));
    report.add(PART, "traces loaded in 7 days: small / large", largeLoad.traces, "",
        null, Kind.MEASURED, String.format("%,d / %,d traces (%,d spans), %.1f spans per trace; loaded at %,.0f traces/s"
            + " in-process into the local DynamoDB", smallLoad.traces, largeLoad.traces, largeLoad.spans,
            largeLoad.spans / (double) largeLoad.traces, largeLoad.traces / largeLoad.seconds));
    report.add(PART, "write units per span at load, everything included", largeLoad.writeUnits / largeLoad.spans, "WU",
        null, Kind.MEASURED, String.format("rollups %.3f WU/span of it (%.0f%%); whole traces of ~%d spans in 512-span"
            + " batches", largeLoad.rollupUnits / largeLoad.spans, 100 * largeLoad.rollupUnits / largeLoad.writeUnits,
            MEAN_SPANS));
    // what a needle search would read without term blocks: every index row of the window
    double scanUnits = scanUnits(tracing, LARGE_PROJECT, now - Duration.ofDays(7).toNanos(), now);
    report.add(PART, "reading the 7-day window's index rows, large project", scanUnits, "RU", null, Kind.MEASURED,
        "every by_start row of the window, as an attribute search without term blocks reads them");
    for (View view : VIEWS) {
      int warmUps = repeats > 1 ? 2 : 0;
      Timing smallRun = time(tracing, SMALL_PROJECT, view, repeats, warmUps);
      Timing largeRun = time(tracing, LARGE_PROJECT, view, repeats, warmUps);
      if (view.allPages && view.query.contains(NEEDLE_VALUE) && (smallRun.rows != 1 || largeRun.rows != 1)) {
        throw new IllegalStateException(view.name + " found " + smallRun.rows + " and " + largeRun.rows + " traces, not the"
            + " needles " + smallNeedle + " and " + largeNeedle);
      }
      if (view.allPages) {
        report.graded(PART, view.name + ": read units vs reading the window's index", largeRun.readUnits / scanUnits, "x",
            Report.Budget.atMost(1.0 / 30, "<= 1/30"), Kind.RATIO, String.format("%.1f of %.0f read units; %.1f pages",
                largeRun.readUnits, scanUnits, largeRun.pages));
      }
      report.graded(PART, view.name + ": p95 at " + format(large) + " traces", largeRun.p95Ms, "ms",
          Report.Budget.atMost(view.secondsBudget * 1000, "<= " + Math.round(view.secondsBudget * 1000) + " ms"), Kind.MEASURED, String.format("p50 %.1f ms; %d requests in-process through the list-traces endpoint; at %s"
              + " traces p95 %.1f ms", largeRun.p50Ms, repeats, format(small), smallRun.p95Ms));
      report.graded(PART, view.name + ": read units, large / small", largeRun.readUnits / Math.max(0.5, smallRun.readUnits),
          "x", Report.Budget.atMost(2, "<= 2x"), Kind.RATIO, String.format("%.1f read units at %s traces, %.1f at %s (X-Read-Units); per request at %s: %s; at %s: %s",
              largeRun.readUnits, format(large), smallRun.readUnits, format(small), format(large), largeRun.breakdown(),
              format(small), smallRun.breakdown()));
      if (zipkin != null && zipkin.failure() == null && view.zipkinLookbackDays > 0) {
        ZipkinFeed.Timing z;
        try {
          z = zipkin.time(view.query.contains(NEEDLE_VALUE) ? NEEDLE_VALUE : "nobody", view.zipkinLookbackDays,
              Math.min(repeats, 10), view.query.contains(NEEDLE_VALUE) ? largeNeedle : null);
        } catch (Exception e) {
          report.add(PART, view.name + ": Zipkin (in-memory)", 0, "", null, Kind.MEASURED, "skipped: " + e.getMessage());
          continue;
        }
        report.add(PART, view.name + ": Zipkin (in-memory) p95 at " + format(large) + " traces", z.p95Ms(), "ms", null,
            Kind.MEASURED, String.format("p50 %.1f ms; %d requests of /api/v2/traces?annotationQuery=%s=...&lookback=%d days"
                + "&limit=10, the same spans", z.p50Ms(), z.requests(), NEEDLE_KEY, view.zipkinLookbackDays));
        report.add(PART, view.name + ": p95 ours / Zipkin's", largeRun.p95Ms / z.p95Ms(), "x", null, Kind.RATIO,
            "below 1: ours answers faster; Zipkin keeps spans in its own memory, ours reads DynamoDB");
      }
    }
    if (zipkin != null) {
      report.add(PART, "Zipkin (in-memory): spans held", zipkin.spansFed(), "spans", null, Kind.MEASURED,
          zipkin.failure() != null ? "needle searches skipped: " + zipkin.failure()
              : "Zipkin's API has no duration order (its UI sorts the page it got), so slowest first has no Zipkin column");
    }
  }

  private static String format(int traces) {
    return traces >= 1_000_000 && traces % 1_000_000 == 0 ? traces / 1_000_000 + "M"
        : traces >= 1_000 && traces % 1_000 == 0 ? traces / 1_000 + "k" : Integer.toString(traces);
  }

  private record Load(long traces, long spans, double seconds, double writeUnits, double rollupUnits) {
  }

  /** Loads about {@code traces} traces of project {@code projectId} through the ingest endpoint, from several writers. */
  /** @param zipkin {@code null}, or fed every batch once ingest accepted it */
  private static Load load(Tracing tracing, long projectId, int traces, long from, long to, PrintStream out, boolean quiet,
                           ZipkinFeed zipkin) throws Exception {
    Map<String, Object> grant = AuthorizerContext.of(TokenVerdict.valid(
        new Grant("bench", projectId, 1, EnumSet.allOf(Scope.class))));
    AtomicLong tracesSent = new AtomicLong();
    AtomicLong nextSlice = new AtomicLong();
    AtomicLong spansSent = new AtomicLong();
    double unitsBefore = tracing.meter().writeUnits();
    double rollupBefore = RollupUnits.of(tracing);
    long start = System.nanoTime();
    ExecutorService writers = Executors.newFixedThreadPool(WRITERS);
    try {
      List<Future<?>> done = new ArrayList<>();
      for (int w = 0; w < WRITERS; w++) {
        OtlpWorkload workload = new OtlpWorkload(OtlpWorkload.Shape.sdkBatch().withMeanSpansPerTrace(MEAN_SPANS),
            projectId * 100 + w);
        done.add(writers.submit(() -> {
          // Exporters send what just happened: batch k holds the traces of the k-th slice of the week,
          // a slice as long as the traffic needs to fill a batch; the writers take slices in turn.
          long slice = Math.max(1, (to - from) / Math.max(1, traces / (workload.shape().spansPerBatch() / MEAN_SPANS)));
          while (true) {
            long k = nextSlice.getAndIncrement();
            long sliceStart = from + k * slice;
            if (sliceStart >= to) {
              break;
            }
            ExportTraceServiceRequest batch = workload.nextBatch(sliceStart, Math.min(to, sliceStart + slice));
            OtlpWorkload.Stats stats = OtlpWorkload.stats(batch);
            ApiResponse r = tracing.ingestEndpoint().handle(new ApiRequest("POST", "/v3/1/" + projectId + "/ingest/traces",
                Map.of("namespaceId", "1", "projectId", Long.toString(projectId)), "",
                Map.of("content-type", "application/x-protobuf"), batch.toByteArray(), grant));
            if (r.status() != 200) {
              throw new IllegalStateException("ingest answered " + r.status() + ": " + r.bodyText());
            }
            if (zipkin != null) {
              zipkin.post(batch);
            }
            long sent = tracesSent.addAndGet(stats.traces());
            spansSent.addAndGet(stats.spans());
            if (!quiet && sent / 50_000 != (sent - stats.traces()) / 50_000) {
              out.printf("  project %d: %,d traces loaded in %.0f s%n", projectId, sent, (System.nanoTime() - start) / 1e9);
              out.flush();
            }
          }
          return null;
        }));
      }
      for (Future<?> f : done) {
        f.get();
      }
    } finally {
      writers.shutdownNow();
    }
    double seconds = (System.nanoTime() - start) / 1e9;
    return new Load(tracesSent.get(), spansSent.get(), seconds, tracing.meter().writeUnits() - unitsBefore,
        RollupUnits.of(tracing) - rollupBefore);
  }

  /** @param unitsByKind mean read units per request by what was read (rollups by granularity, index, summaries, ...) */
  private record Timing(double p50Ms, double p95Ms, double readUnits, double pages, int rows, Map<String, Double> unitsByKind) {
    String breakdown() {
      StringBuilder b = new StringBuilder();
      unitsByKind.forEach((kind, units) -> {
        if (units >= 0.05) {
          b.append(b.length() == 0 ? "" : ", ").append(kind).append(String.format(" %.1f", units));
        }
      });
      return b.toString();
    }
  }

  /** One trace of one span, mid-window, whose root span carries the needle attribute; returns its id. */
  private static String needle(Tracing tracing, long projectId, long startNano, ZipkinFeed zipkin) throws Exception {
    // a fixed id per project ("needle" in ASCII, then the project id)
    String traceId = String.format("00006e6565646c65%016x", projectId);
    ExportTraceServiceRequest request = oneSpan(traceId, "GET /account", startNano,
        io.opentelemetry.proto.common.v1.KeyValue.newBuilder().setKey(NEEDLE_KEY)
            .setValue(io.opentelemetry.proto.common.v1.AnyValue.newBuilder().setStringValue(NEEDLE_VALUE)).build());
    ingest(tracing, projectId, request, "the needle trace");
    if (zipkin != null) {
      zipkin.post(request);
    }
    return traceId;
  }

  /** A trace of one 3 ms frontend span, with one attribute or none. */
  private static ExportTraceServiceRequest oneSpan(String traceIdHex, String name, long startNano,
                                                   io.opentelemetry.proto.common.v1.KeyValue attribute) {
    io.opentelemetry.proto.trace.v1.Span.Builder span = io.opentelemetry.proto.trace.v1.Span.newBuilder()
        .setTraceId(com.google.protobuf.ByteString.copyFrom(java.util.HexFormat.of().parseHex(traceIdHex)))
        .setSpanId(com.google.protobuf.ByteString.copyFrom(new byte[] {1, 2, 3, 4, 5, 6, 7, 8}))
        .setName(name).setStartTimeUnixNano(startNano).setEndTimeUnixNano(startNano + 3_000_000);
    if (attribute != null) {
      span.addAttributes(attribute);
    }
    return ExportTraceServiceRequest.newBuilder().addResourceSpans(
        io.opentelemetry.proto.trace.v1.ResourceSpans.newBuilder()
            .setResource(io.opentelemetry.proto.resource.v1.Resource.newBuilder().addAttributes(
                io.opentelemetry.proto.common.v1.KeyValue.newBuilder().setKey("service.name")
                    .setValue(io.opentelemetry.proto.common.v1.AnyValue.newBuilder().setStringValue("frontend"))))
            .addScopeSpans(io.opentelemetry.proto.trace.v1.ScopeSpans.newBuilder().addSpans(span))).build();
  }

  /** Sends a request through the ingest endpoint in-process. */
  private static void ingest(Tracing tracing, long projectId, ExportTraceServiceRequest request, String what) {
    Map<String, Object> grant = AuthorizerContext.of(TokenVerdict.valid(
        new Grant("bench", projectId, 1, EnumSet.allOf(Scope.class))));
    ApiResponse r = tracing.ingestEndpoint().handle(new ApiRequest("POST", "/v3/1/" + projectId + "/ingest/traces",
        Map.of("namespaceId", "1", "projectId", Long.toString(projectId)), "",
        Map.of("content-type", "application/x-protobuf"), request.toByteArray(), grant));
    if (r.status() != 200) {
      throw new IllegalStateException(what + " was refused: " + r.status() + " " + r.bodyText());
    }
  }

  /** The read units of reading every list-index row of the window once. */
  private static double scanUnits(Tracing tracing, long projectId, long fromNano, long toNano) {
    try (dev.tracing.storage.dynamodb.CapacityMeter.Tally tally = tracing.meter().start()) {
      tracing.stores().traceIndex().scan(projectId, fromNano, toNano, true, Integer.MAX_VALUE, row -> true);
      return tally.units();
    }
  }

  private static Timing time(Tracing tracing, long projectId, View view, int repeats, int warmUps) {
    Map<String, Object> grant = AuthorizerContext.of(TokenVerdict.valid(
        new Grant("bench", projectId, 1, EnumSet.allOf(Scope.class))));
    long[] nanos = new long[repeats];
    List<Double> units = new ArrayList<>();
    int pages = 0;
    int rows = 0;
    Map<String, Double> kindsBefore = Map.of();
    for (int i = -warmUps; i < repeats; i++) {
      if (i == 0) {
        kindsBefore = tracing.meter().readUnitsByKind();
      }
      long t0 = System.nanoTime();
      double charged = 0;
      String token = null;
      int pagesNow = 0;
      int rowsNow = 0;
      do {
        String query = token == null ? view.query : view.query + "&page_token=" + java.net.URLEncoder.encode(token,
            java.nio.charset.StandardCharsets.UTF_8);
        ApiResponse r = tracing.queryEndpoint().handle(new ApiRequest("GET", "/v3/query/" + projectId + view.route,
            Map.of("projectId", Long.toString(projectId)), query, Map.of(), null, grant));
        if (r.status() != 200) {
          throw new IllegalStateException(view.name + " answered " + r.status() + ": " + r.bodyText());
        }
        charged += Double.parseDouble(r.header("X-Read-Units"));
        pagesNow++;
        token = null;
        if (view.allPages) {
          tools.jackson.databind.JsonNode body = JSON.readTree(r.bodyText());
          rowsNow += body.path("traces").size();
          token = body.path("next_page_token").isString() ? body.path("next_page_token").asString() : null;
        }
      } while (token != null && pagesNow < 1000);
      long elapsed = System.nanoTime() - t0;
      if (i >= 0) {
        nanos[i] = elapsed;
        units.add(charged);
        pages += pagesNow;
        rows = rowsNow;
      }
    }
    units.sort(Comparator.naturalOrder());
    Map<String, Double> byKind = new java.util.TreeMap<>();
    Map<String, Double> before = kindsBefore;
    tracing.meter().readUnitsByKind().forEach((kind, total) ->
        byKind.put(kind, (total - before.getOrDefault(kind, 0.0)) / repeats));
    return new Timing(Percentiles.of(nanos, 50) / 1e6, Percentiles.of(nanos, 95) / 1e6, units.get(units.size() / 2),
        pages / (double) repeats, rows, byKind);
  }

  /** The write units of rollup updates, as the meter counts them per item kind. */
  private static final class RollupUnits {
    static double of(Tracing tracing) {
      return tracing.meter().writeUnits(dev.tracing.storage.dynamodb.DynamoRollupStore.METER_KIND);
    }
  }

  private static void deleteTree(Path dir) {
    try (Stream<Path> paths = Files.walk(dir)) {
      for (Path p : paths.sorted(Comparator.reverseOrder()).toList()) {
        Files.deleteIfExists(p);
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
