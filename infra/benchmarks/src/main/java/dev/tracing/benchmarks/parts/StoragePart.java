package dev.tracing.benchmarks.parts;

import com.google.protobuf.ByteString;
import dev.tracing.api.ApiResponse;
import dev.tracing.benchmarks.harness.Api;
import dev.tracing.benchmarks.harness.Config;
import dev.tracing.benchmarks.harness.Report;
import dev.tracing.benchmarks.harness.Report.Budget;
import dev.tracing.benchmarks.harness.Report.Kind;
import dev.tracing.benchmarks.capacity.CapacityAccountant;
import dev.tracing.benchmarks.capacity.CapacityCalculator;
import dev.tracing.benchmarks.capacity.CostModel;
import dev.tracing.benchmarks.capacity.ItemPerSpanDesign;
import dev.tracing.benchmarks.capacity.StreamEmulation;
import dev.tracing.benchmarks.workload.OtlpWorkload;
import dev.tracing.benchmarks.workload.ServiceExportWorkload;
import dev.tracing.dynamodblocal.LocalDynamoDb;
import dev.tracing.rollup.Granularity;
import dev.tracing.runtime.Tracing;
import dev.tracing.config.TracingConfig;
import dev.tracing.storage.dynamodb.DynamoClients;
import dev.tracing.storage.dynamodb.TableSchema;
import io.opentelemetry.proto.collector.trace.v1.ExportTraceServiceRequest;
import io.opentelemetry.proto.trace.v1.ResourceSpans;
import io.opentelemetry.proto.trace.v1.ScopeSpans;
import io.opentelemetry.proto.trace.v1.Span;
import java.net.URI;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.HexFormat;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Function;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;

/**
 * Part 2: what a span costs in DynamoDB, in two ways of receiving the same kind of traces.
 *
 * <ul>
 *   <li><b>whole-trace export</b>: each request is a 512-span batch holding ~20 traces whole, as a
 *       collector that groups by trace would send them, written by one writer;</li>
 *   <li><b>per-service export</b> ({@link ServiceExportWorkload}): each service's processes export
 *       their own spans in their own 512-span batches, so every trace arrives in several requests,
 *       seconds apart in simulated time, interleaved with other traces' fragments; four writers
 *       (each its own {@link Tracing}, as four function instances) ingest them concurrently, so
 *       summary writes race as they do in production.</li>
 * </ul>
 *
 * <p>Both at 25 and at 100 spans per trace, each on a fresh table, through the real ingest
 * endpoint into dynalite. Every call's capacity is computed by {@link CapacityAccountant} (table,
 * index, and writes refused on their condition) and priced by {@link CostModel}. The whole-trace
 * 25-span run also reads a list page and trace details, and compares an item-per-span design.
 */
public final class StoragePart {
  public static final String PART = "2 storage";
  static final String TABLE = "tracing";
  static final long PROJECT = 1;
  static final long NAMESPACE = 1;
  static final int WRITERS = 4;
  /** The budgets: write units per span on the per-service workload, and cost against AWS X-Ray's. */
  static final Budget WRITE_BUDGET = Budget.atMost(0.30, "<= 0.30");
  static final Budget XRAY_BUDGET_25 = Budget.atMost(0.8, "<= 0.8x");
  static final Budget XRAY_BUDGET_100 = Budget.atMost(1.0, "<= 1.0x");

  private StoragePart() {
  }

  public static CapacityAccountant accountant() {
    return accountant(TABLE);
  }

  static CapacityAccountant accountant(String table) {
    return new CapacityAccountant(table, List.of(TableSchema.PK, TableSchema.SK),
        CapacityCalculator.IndexSpec.include(TableSchema.LIST_INDEX, TableSchema.GPK, TableSchema.GSK, TableSchema.LIST_PROJECTION),
        CapacityCalculator.IndexSpec.include(TableSchema.DURATION_INDEX, TableSchema.DPK, TableSchema.DSK,
            TableSchema.DURATION_PROJECTION));
  }

  public static DynamoDbClient client(URI endpoint, CapacityAccountant accountant) {
    return client(endpoint, accountant, null);
  }

  /** @param stream records the span chunks written, for the summaries function; null: none */
  static DynamoDbClient client(URI endpoint, CapacityAccountant accountant, StreamEmulation stream) {
    return DynamoDbClient.builder()
        .httpClient(DynamoClients.httpClient())
        .endpointOverride(endpoint)
        .region(Region.US_EAST_1)
        .credentialsProvider(StaticCredentialsProvider.create(AwsBasicCredentials.create(DynamoClients.LOCAL_ACCESS_KEY, "local")))
        .overrideConfiguration(c -> {
          c.addExecutionInterceptor(accountant);
          if (stream != null) {
            c.addExecutionInterceptor(stream);
          }
        })
        .build();
  }

  static Tracing tracing(URI endpoint, String table, CapacityAccountant acct) {
    return tracing(endpoint, table, acct, null);
  }

  /**
   * @param stream null: summaries written at ingest; else ingest stores chunks only and {@code stream}
   *     records them for the summaries function, as deployed
   */
  static Tracing tracing(URI endpoint, String table, CapacityAccountant acct, StreamEmulation stream) {
    TracingConfig tc = new TracingConfig(table, endpoint, "us-east-1", Duration.ofDays(30), 1L << 40,
        Duration.ofSeconds(30), Duration.ofSeconds(10), TracingConfig.DEFAULT_MAX_BODY_BYTES, TracingConfig.randomSecret(),
        stream == null);
    return new Tracing(tc, client(endpoint, acct, stream), Clock.systemUTC());
  }

  /**
   * What one scenario wrote.
   *
   * @param nominalSpansPerTrace the trace size the scenario is named for (costs per trace use it)
   * @param requestsPerTrace mean number of requests a trace's spans arrived in
   * @param spreadSeconds mean time between a trace's first and last request (simulated), NaN when not simulated
   */
  record Scenario(String name, int nominalSpansPerTrace, long spans, long traces, long requests, double requestsPerTrace,
                  double spreadSeconds, CapacityAccountant.Units units, Map<String, Long> unitsByKind,
                  Map<String, double[]> writesByKind, Map<String, Double> summaryAttributeBytes,
                  CapacityAccountant.Storage storage, double seconds, StreamEmulation.Delivered delivered) {
    double perSpan(String kind) {
      return unitsByKind.getOrDefault(kind, 0L) / (double) spans;
    }

    double writeUnitsPerSpan() {
      return units.writeUnits() / (double) spans;
    }

    double readUnitsPerSpan() {
      return units.readUnits() / spans;
    }

    double storedBytesPerSpan() {
      return storage.billedBytes() / (double) spans;
    }

    double dollarsPerMillionSpans() {
      return CostModel.dollarsPerMillionSpans(writeUnitsPerSpan(), readUnitsPerSpan(), storedBytesPerSpan());
    }

    double dollarsPerMillionTraces() {
      return dollarsPerMillionSpans() * nominalSpansPerTrace;
    }

    double xrayRatio() {
      return dollarsPerMillionTraces() / CostModel.XRAY_RECORDED_PER_MILLION_TRACES;
    }

    double writesPerTrace(String kind) {
      double[] w = writesByKind.get(kind);
      return w == null ? 0 : w[0] / traces;
    }
  }

  public static void run(Config cfg, Report report) {
    try (LocalDynamoDb dynamo = LocalDynamoDb.startInMemory()) {
      URI endpoint = dynamo.endpoint();
      int spans = cfg.storageSpans();
      // as deployed: summaries folded from the table's stream
      Scenario whole25 = wholeTrace(endpoint, "tracing_whole25", 26, 25, spans, report, true);
      Scenario service25 = perService(endpoint, "tracing_service25", 25, spans, true);
      Scenario whole100 = wholeTrace(endpoint, "tracing_whole100", 100, 100, spans, null, true);
      Scenario service100 = perService(endpoint, "tracing_service100", 100, spans, true);
      // and written by each ingest request, for comparison (TRACING_SUMMARIES=ingest, the local stack)
      Scenario whole25AtIngest = wholeTrace(endpoint, "tracing_whole25_ingest", 26, 25, spans, null, false);
      Scenario service25AtIngest = perService(endpoint, "tracing_service25_ingest", 25, spans, false);
      budgets(report, whole25, service25, service100);
      report.add(PART, "  per-service export (25-span traces), summaries written at ingest", service25AtIngest.writeUnitsPerSpan(),
          "WCU", null, Kind.COMPUTED, String.format(Locale.ROOT, "the stream's batches: %.2fx fewer write units; whole-trace at"
              + " ingest: %.3f", service25AtIngest.writeUnitsPerSpan() / service25.writeUnitsPerSpan(),
              whole25AtIngest.writeUnitsPerSpan()));
      report.table(table(List.of(whole25, service25, whole100, service100, whole25AtIngest, service25AtIngest)));
      for (Scenario s : List.of(whole25, service25, service100)) {
        report.note(summaryAttributes(s));
      }
      report.note("storage: AWS X-Ray is priced at $5.00 per million traces recorded + $0.50 per million traces retrieved or"
          + " scanned; compared here: recorded only, $5.00 per million (our own reads are in the read-unit rows). " + CostModel.prices()
          + ". Costs per million traces are the cost per span times the trace size of the scenario (25 or 100).");
    }
  }

  /**
   * What a summary item's bytes are made of: each attribute's name and value, mean per summary
   * written, largest first (the keys of both indexes among them), the write units' first driver.
   */
  static String summaryAttributes(Scenario s) {
    StringBuilder attrs = new StringBuilder();
    double total = 0;
    for (Map.Entry<String, Double> e : s.summaryAttributeBytes().entrySet()) {
      attrs.append(attrs.length() == 0 ? "" : ", ").append(e.getKey()).append(' ')
          .append(String.format(Locale.ROOT, "%.0f", e.getValue()));
      total += e.getValue();
    }
    return String.format(Locale.ROOT, "summary item, mean bytes per attribute (%s; %.0f B in all): %s", s.name(), total, attrs);
  }

  private static void budgets(Report report, Scenario whole25, Scenario service25, Scenario service100) {
    report.graded(PART, "write units per span, per-service export (25-span traces)", service25.writeUnitsPerSpan(), "WCU",
        WRITE_BUDGET, Kind.COMPUTED, String.format(Locale.ROOT, "%,d spans in %,d requests from %d services x 2 processes, %d writers;"
            + " %.1f requests per trace, %.1f s apart", service25.spans(), service25.requests(),
            ServiceExportWorkload.CHAIN.size(), WRITERS, service25.requestsPerTrace(), service25.spreadSeconds()));
    report.add(PART, "  whole-trace export (25-span traces), same rules", whole25.writeUnitsPerSpan(), "WCU", null, Kind.COMPUTED,
        String.format(Locale.ROOT, "%,d spans in %,d requests of 512 spans, one writer", whole25.spans(), whole25.requests()));
    report.graded(PART, "$ per million 25-span traces kept 30 days vs AWS X-Ray, per-service", service25.xrayRatio(), "x",
        XRAY_BUDGET_25, Kind.COMPUTED, String.format(Locale.ROOT, "ours $%.2f, X-Ray $%.2f (whole-trace export: $%.2f, %.2fx)",
            service25.dollarsPerMillionTraces(), CostModel.XRAY_RECORDED_PER_MILLION_TRACES, whole25.dollarsPerMillionTraces(),
            whole25.xrayRatio()));
    report.graded(PART, "$ per million 100-span traces kept 30 days vs AWS X-Ray, per-service", service100.xrayRatio(), "x",
        XRAY_BUDGET_100, Kind.COMPUTED, String.format(Locale.ROOT, "ours $%.2f, X-Ray $%.2f", service100.dollarsPerMillionTraces(),
            CostModel.XRAY_RECORDED_PER_MILLION_TRACES));
    report.add(PART, "failed conditional writes per trace, per-service (25 spans)",
        service25.units().failedWrites() / (double) service25.traces(), "", null, Kind.COMPUTED,
        String.format(Locale.ROOT, "%.3f WCU/span; summary writes per trace: %.2f", service25.perSpan(CapacityAccountant.FAILED),
            service25.writesPerTrace(CapacityAccountant.SUMMARIES)));
  }

  static Report.Table table(List<Scenario> scenarios) {
    List<String> head = new ArrayList<>(List.of("per span unless stated"));
    for (Scenario s : scenarios) {
      head.add(s.name());
    }
    List<List<String>> rows = new ArrayList<>();
    rows.add(row("spans / traces / requests", scenarios, s -> String.format(Locale.ROOT, "%,d / %,d / %,d", s.spans(), s.traces(),
        s.requests())));
    rows.add(row("requests per trace", scenarios, s -> String.format(Locale.ROOT, "%.2f", s.requestsPerTrace())));
    rows.add(row("first to last request of a trace (simulated)", scenarios,
        s -> Double.isNaN(s.spreadSeconds()) ? "-" : String.format(Locale.ROOT, "%.1f s", s.spreadSeconds())));
    for (String kind : CapacityAccountant.KINDS) {
      rows.add(row("WU: " + kind, scenarios, s -> Report.format(s.perSpan(kind))));
    }
    rows.add(row("WU total", scenarios, s -> Report.format(s.writeUnitsPerSpan())));
    rows.add(row("summaries from: stream batches (changes per batch)", scenarios, s -> s.delivered() == null ? "ingest requests"
        : String.format(Locale.ROOT, "%,d (%.0f)", s.delivered().batches(), s.delivered().recordsPerBatch())));
    rows.add(row("summary writes per trace (ok / failed)", scenarios, s -> String.format(Locale.ROOT, "%.2f / %.2f",
        s.writesPerTrace(CapacityAccountant.SUMMARIES), s.writesPerTrace(CapacityAccountant.FAILED))));
    rows.add(row("summary item, mean bytes", scenarios, s -> {
      double[] w = s.writesByKind().get(CapacityAccountant.SUMMARIES);
      return w == null ? "-" : String.format(Locale.ROOT, "%.0f B", w[1]);
    }));
    rows.add(row("chunk items per trace, mean bytes", scenarios, s -> {
      double[] w = s.writesByKind().get(CapacityAccountant.CHUNKS);
      return w == null ? "-" : String.format(Locale.ROOT, "%.2f, %.0f B", w[0] / s.traces(), w[1]);
    }));
    rows.add(row("index entry writes per trace (of which moved), mean bytes", scenarios, s -> {
      double[] w = s.writesByKind().get(CapacityAccountant.INDEX);
      return w == null ? "-" : String.format(Locale.ROOT, "%.2f (%.2f), %.0f B", w[0] / s.traces(),
          s.writesPerTrace(CapacityAccountant.INDEX_KEY_MOVES), w[1]);
    }));
    rows.add(row("RU at ingest (summary reads)", scenarios, s -> Report.format(s.readUnitsPerSpan())));
    rows.add(row("stored bytes (items + index + overhead)", scenarios, s -> String.format(Locale.ROOT, "%.0f B", s.storedBytesPerSpan())));
    rows.add(row("$ per million spans, kept 30 days", scenarios, s -> String.format(Locale.ROOT, "%.3f", s.dollarsPerMillionSpans())));
    rows.add(row("$ per million traces (25 or 100 spans)", scenarios, s -> String.format(Locale.ROOT, "%.2f",
        s.dollarsPerMillionTraces())));
    rows.add(row("AWS X-Ray, $ per million traces recorded", scenarios, s -> String.format(Locale.ROOT, "%.2f",
        CostModel.XRAY_RECORDED_PER_MILLION_TRACES)));
    rows.add(row("ours vs X-Ray", scenarios, s -> String.format(Locale.ROOT, "%.2fx", s.xrayRatio())));
    rows.add(row("ingest time (wall clock, dynalite)", scenarios, s -> String.format(Locale.ROOT, "%.0f s", s.seconds())));
    return new Report.Table("storage cost by scenario (2 storage): write units (WU) and read units (RU) per span, computed with"
        + " DynamoDB's rules", head, rows);
  }

  private static List<String> row(String name, List<Scenario> scenarios, Function<Scenario, String> cell) {
    List<String> r = new ArrayList<>(List.of(name));
    for (Scenario s : scenarios) {
      r.add(cell.apply(s));
    }
    return r;
  }

  /**
   * Whole traces in 512-span batches, one writer. With {@code report}, also the read figures and
   * the item-per-span comparison.
   */
  static Scenario wholeTrace(URI endpoint, String table, int meanSpansPerTrace, int nominal, int spanBudget, Report report,
                             boolean fromStream) {
    CapacityAccountant acct = accountant(table);
    StreamEmulation stream = fromStream ? new StreamEmulation() : null;
    try (Tracing tracing = tracing(endpoint, table, acct, stream)) {
      TableSchema.ensureTable(tracing.client(), table);
      OtlpWorkload workload = new OtlpWorkload(OtlpWorkload.Shape.sdkBatch().withMeanSpansPerTrace(meanSpansPerTrace), 7);
      long now = System.currentTimeMillis() * 1_000_000L;
      long hourAgo = now - 3_600_000_000_000L;
      // An SDK exports every 5 s what ended in the last 5 s: batch i holds the traces of the i-th
      // 5-second slice of the last hour (what rollups fold into depends on it).
      long slice = 5_000_000_000L;
      // one batch first, not counted: the service catalog records names once per hour per process
      ingest(tracing, workload.nextBatch(hourAgo - slice, hourAgo));
      deliver(stream, tracing);
      acct.clear();
      tracing.meter().reset();

      ItemPerSpanDesign naive = new ItemPerSpanDesign();
      int batches = Math.max(1, spanBudget / workload.shape().spansPerBatch());
      long spans = 0;
      long fragments = 0;
      Set<ByteString> traceIds = new HashSet<>();
      ExportTraceServiceRequest last = null;
      long started = System.nanoTime();
      for (int i = 0; i < batches; i++) {
        long sliceStart = hourAgo + (i * slice) % (3_600_000_000_000L - slice);
        ExportTraceServiceRequest batch = workload.nextBatch(sliceStart, sliceStart + slice);
        Set<ByteString> ids = traceIds(batch);
        fragments += ids.size();
        traceIds.addAll(ids);
        spans += OtlpWorkload.stats(batch).spans();
        if (stream != null) {
          stream.at(i * slice); // the SDK's schedule: one batch every 5 s
        }
        ingest(tracing, batch);
        if (report != null) {
          naive.write(PROJECT, batch);
        }
        last = batch;
      }
      StreamEmulation.Delivered delivered = deliver(stream, tracing);
      compact(tracing, acct, batches * slice / 1e9, hourAgo, hourAgo + Math.min((long) batches * slice, 3_600_000_000_000L - slice));
      double seconds = (System.nanoTime() - started) / 1e9;
      Scenario s = new Scenario("whole-trace, " + nominal + (fromStream ? "" : ", at ingest"), nominal, spans, traceIds.size(), batches,
          (double) fragments / traceIds.size(), Double.NaN, acct.units(), acct.writeUnitsByKind(), acct.writesByKind(),
          acct.summaryAttributeBytes(), acct.storage(), seconds, delivered);
      if (report != null) {
        details(report, tracing, stream, acct, workload, naive, s, last, now);
      }
      return s;
    }
  }

  /** The dynalite cross-check, reads at ingest, stored bytes, the item-per-span design, and read units of queries. */
  private static void details(Report report, Tracing tracing, StreamEmulation stream, CapacityAccountant acct, OtlpWorkload workload,
                              ItemPerSpanDesign naive, Scenario s, ExportTraceServiceRequest last, long now) {
    CapacityAccountant.Units u = s.units();
    long spans = s.spans();
    report.add(PART, "dynalite-reported write units per span (table only), whole-trace 25", u.reportedWrite() / spans, "WCU", null,
        Kind.REPORTED, String.format(Locale.ROOT, "CapacityMeter: %.3f; the rules on the same calls: %.3f; dynalite charges no index"
            + " writes", tracing.meter().writeUnits() / spans, u.computedWriteOnReported() / spans));

    CapacityAccountant.Units nu = naive.accountant().units();
    double naivePerSpan = (double) nu.writeUnits() / spans;
    double naiveStored = (double) naive.accountant().storage().billedBytes() / spans;
    report.add(PART, "item-per-span design + 1 GSI: write units per span", naivePerSpan, "WCU", null, Kind.COMPUTED,
        String.format(Locale.ROOT, "stores %.0f B/span; $%.3f per million spans kept 30 days", naiveStored,
            CostModel.dollarsPerMillionSpans(naivePerSpan, 0, naiveStored)));
    report.add(PART, "  whole-trace 25 vs item-per-span", s.writeUnitsPerSpan() / naivePerSpan, "x", null, Kind.RATIO, null);

    acct.reset();
    check(tracing.queryEndpoint().handle(Api.list(NAMESPACE, PROJECT, "period=1h&service_name=checkout")), "list");
    CapacityAccountant.Units lu = acct.units();
    report.add(PART, "read units per list page (1h, service_name, 50 rows)", lu.readUnits(), "RCU", null, Kind.COMPUTED,
        String.format(Locale.ROOT, "dynalite-reported %.1f", lu.reportedRead()));

    String typical = typicalTrace(last);
    acct.reset();
    check(tracing.traceDetailEndpoint().handle(Api.detail(NAMESPACE, PROJECT, typical)), "detail");
    CapacityAccountant.Units du = acct.units();
    report.add(PART, "read units per trace detail (" + spanCount(last, typical) + " spans)", du.readUnits(), "RCU", null,
        Kind.COMPUTED, String.format(Locale.ROOT, "dynalite-reported %.1f", du.reportedRead()));

    acct.reset();
    int bigSpans = 1000;
    List<ExportTraceServiceRequest> big = workload.trace(bigSpans, now - 600_000_000_000L);
    for (ExportTraceServiceRequest r : big) {
      ingest(tracing, r);
    }
    deliver(stream, tracing);
    CapacityAccountant.Units bw = acct.units();
    String bigId = HexFormat.of().formatHex(big.get(0).getResourceSpans(0).getScopeSpans(0).getSpans(0).getTraceId().toByteArray());
    acct.reset();
    check(tracing.traceDetailEndpoint().handle(Api.detail(NAMESPACE, PROJECT, bigId)), "detail");
    CapacityAccountant.Units bu = acct.units();
    report.add(PART, "read units per trace detail (" + bigSpans + " spans)", bu.readUnits(), "RCU", null, Kind.COMPUTED,
        String.format(Locale.ROOT, "dynalite-reported %.1f; writing it in %d requests took %.3f WCU/span", bu.reportedRead(),
            big.size(), (double) bw.writeUnits() / bigSpans));
  }

  /**
   * Each service's processes exporting their own spans; {@value #WRITERS} writers, each its own
   * {@link Tracing} (as separate function instances), take the requests in arrival order.
   */
  static Scenario perService(URI endpoint, String table, int spansPerTrace, int spanBudget, boolean fromStream) {
    CapacityAccountant acct = accountant(table);
    StreamEmulation stream = fromStream ? new StreamEmulation() : null;
    List<Tracing> writers = new ArrayList<>();
    try {
      for (int i = 0; i < WRITERS; i++) {
        writers.add(tracing(endpoint, table, acct, stream));
      }
      TableSchema.ensureTable(writers.get(0).client(), table);
      ServiceExportWorkload workload = new ServiceExportWorkload(ServiceExportWorkload.Shape.sdkDefaults(spansPerTrace), 11);
      long now = System.currentTimeMillis() * 1_000_000L;
      long start = now - 3_600_000_000_000L;
      // not counted: every writer records the workload's names in the service catalog once (per hour per process)
      ServiceExportWorkload.Run warm = workload.run(Math.max(5, 500 / spansPerTrace), start - 900_000_000_000L);
      for (Tracing w : writers) {
        for (ServiceExportWorkload.Export e : warm.exports()) {
          ingest(w, e.request());
        }
      }
      deliver(stream, writers.get(0));
      acct.clear();

      ServiceExportWorkload.Run run = workload.run(Math.max(1, spanBudget / spansPerTrace), start);
      List<ServiceExportWorkload.Export> exports = run.exports();
      AtomicInteger next = new AtomicInteger();
      AtomicReference<RuntimeException> failure = new AtomicReference<>();
      List<Thread> threads = new ArrayList<>();
      long started = System.nanoTime();
      for (Tracing w : writers) {
        Thread t = new Thread(() -> {
          try {
            for (int i = next.getAndIncrement(); i < exports.size() && failure.get() == null; i = next.getAndIncrement()) {
              if (stream != null) {
                stream.at(exports.get(i).atNano());
              }
              ingest(w, exports.get(i).request());
            }
          } catch (RuntimeException e) {
            failure.compareAndSet(null, e);
          }
        }, "storage-writer");
        threads.add(t);
        t.start();
      }
      for (Thread t : threads) {
        t.join();
      }
      if (failure.get() != null) {
        throw failure.get();
      }
      StreamEmulation.Delivered delivered = deliver(stream, writers.get(0));
      compact(writers.get(0), acct, (exports.get(exports.size() - 1).atNano() - exports.get(0).atNano()) / 1e9,
          exports.get(0).atNano(), exports.get(exports.size() - 1).atNano());
      double seconds = (System.nanoTime() - started) / 1e9;
      return new Scenario("per-service, " + spansPerTrace + (fromStream ? "" : ", at ingest"), spansPerTrace, run.spans(),
          run.traces(), exports.size(), run.requestsPerTrace(), run.meanSpreadSeconds(), acct.units(), acct.writeUnitsByKind(),
          acct.writesByKind(), acct.summaryAttributeBytes(), acct.storage(), seconds, delivered);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted while writing the per-service workload", e);
    } finally {
      writers.forEach(Tracing::close);
    }
  }

  /**
   * The compactor's run once the scenario's hours, three-hour blocks and day have settled: the
   * hourly, three-hour and daily rollup cells (with the coarser cells' digests and the hours'
   * prefix sums) and the term blocks of every hour written, each built
   * once (the schedule builds a bucket once it is over, and again only if late spans change it).
   * Charged with the rest: the term blocks scale with the traffic; the compacted rollup cells are a
   * fixed few per bucket, here spread over the scenario's ~100 s of traffic instead of a bucket's:
   * each level is charged for the share of its buckets the scenario's traffic filled (at steady
   * traffic every bucket writes them once), the state item's writes with the hours'.
   */
  private static void compact(Tracing tracing, CapacityAccountant acct, double trafficSeconds, long firstNano, long lastNano) {
    long settled = System.currentTimeMillis() / 1000 + 86_400 + 3 * 3600;
    Map<String, Long> before = acct.rollupWriteUnitsByLevel();
    tracing.rollups().compact(PROJECT, settled);
    Map<String, Long> after = acct.rollupWriteUnitsByLevel();
    tracing.stores().termBlocks().compact(PROJECT, settled);
    for (Granularity g : Granularity.values()) {
      if (g == Granularity.MINUTE) {
        continue;
      }
      // a level's cells and their digests (partition level code + "q"); with the hours, the prefix
      // sums (one item per hour with cells, per family) and the state item
      List<String> levels = g == Granularity.HOUR ? List.of(g.code(), "p", "state") : List.of(g.code(), g.code() + "q");
      long units = 0;
      for (String level : levels) {
        units += after.getOrDefault(level, 0L) - before.getOrDefault(level, 0L);
      }
      long buckets = Math.floorDiv(lastNano / 1_000_000_000L, g.seconds()) - Math.floorDiv(firstNano / 1_000_000_000L, g.seconds()) + 1;
      // a bucket's cells are written once whatever its traffic: charge the share of its buckets the traffic filled
      acct.amortize(CapacityAccountant.ROLLUPS, units, Math.min(1.0, trafficSeconds / (g.seconds() * (double) buckets)));
    }
  }

  /** Hands what ingest stored to the summaries function, as the table's stream would; nothing without a stream. */
  private static StreamEmulation.Delivered deliver(StreamEmulation stream, Tracing tracing) {
    return stream == null ? null : stream.deliver(tracing.summaryFolder());
  }

  private static void ingest(Tracing tracing, ExportTraceServiceRequest batch) {
    check(tracing.ingestEndpoint().handle(Api.ingest(NAMESPACE, PROJECT, "application/x-protobuf", batch.toByteArray())), "ingest");
  }

  static void check(ApiResponse r, String what) {
    if (r.status() != 200) {
      throw new IllegalStateException(what + " answered " + r.status() + ": " + r.bodyText());
    }
  }

  static Set<ByteString> traceIds(ExportTraceServiceRequest batch) {
    Set<ByteString> ids = new HashSet<>();
    for (ResourceSpans rs : batch.getResourceSpansList()) {
      for (ScopeSpans ss : rs.getScopeSpansList()) {
        for (Span s : ss.getSpansList()) {
          ids.add(s.getTraceId());
        }
      }
    }
    return ids;
  }

  /** The trace of the batch whose span count is closest to the batch's mean. */
  static String typicalTrace(ExportTraceServiceRequest batch) {
    Map<String, Integer> counts = counts(batch);
    double mean = counts.values().stream().mapToInt(Integer::intValue).average().orElse(0);
    return counts.entrySet().stream().min((a, b) -> Double.compare(Math.abs(a.getValue() - mean), Math.abs(b.getValue() - mean)))
        .orElseThrow().getKey();
  }

  static int spanCount(ExportTraceServiceRequest batch, String traceId) {
    return counts(batch).getOrDefault(traceId, 0);
  }

  static Map<String, Integer> counts(ExportTraceServiceRequest batch) {
    Map<String, Integer> counts = new HashMap<>();
    for (ResourceSpans rs : batch.getResourceSpansList()) {
      for (ScopeSpans ss : rs.getScopeSpansList()) {
        for (Span s : ss.getSpansList()) {
          counts.merge(HexFormat.of().formatHex(s.getTraceId().toByteArray()), 1, Integer::sum);
        }
      }
    }
    return counts;
  }
}
