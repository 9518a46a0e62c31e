package dev.tracing.benchmarks.parts;

import dev.tracing.api.ApiResponse;
import dev.tracing.benchmarks.Api;
import dev.tracing.benchmarks.Config;
import dev.tracing.benchmarks.Report;
import dev.tracing.benchmarks.Report.Kind;
import dev.tracing.benchmarks.capacity.CapacityAccountant;
import dev.tracing.benchmarks.capacity.CapacityCalculator;
import dev.tracing.benchmarks.capacity.CostModel;
import dev.tracing.benchmarks.capacity.ItemPerSpanDesign;
import dev.tracing.benchmarks.workload.OtlpWorkload;
import dev.tracing.dynamodblocal.LocalDynamoDb;
import dev.tracing.runtime.Tracing;
import dev.tracing.runtime.TracingConfig;
import dev.tracing.storage.dynamodb.DynamoClients;
import dev.tracing.storage.dynamodb.TableSchema;
import io.opentelemetry.proto.collector.trace.v1.ExportTraceServiceRequest;
import io.opentelemetry.proto.trace.v1.ResourceSpans;
import io.opentelemetry.proto.trace.v1.ScopeSpans;
import io.opentelemetry.proto.trace.v1.Span;
import java.net.URI;
import java.time.Clock;
import java.time.Duration;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;

/**
 * Part 2: what a span costs in DynamoDB. SDK batches go through the real ingest endpoint into
 * dynalite; every call's capacity is computed by {@link CapacityAccountant} (table and index) and
 * compared with what dynalite reports (table only: it does not charge index writes). Then a list
 * page and trace details are read and their read units counted the same way.
 */
public final class StoragePart {
  public static final String PART = "2 storage";
  static final String TABLE = "tracing";
  static final long PROJECT = 1;
  static final long NAMESPACE = 1;

  private StoragePart() {
  }

  public static CapacityAccountant accountant() {
    return new CapacityAccountant(TABLE, List.of(TableSchema.PK, TableSchema.SK),
        CapacityCalculator.IndexSpec.include(TableSchema.LIST_INDEX, TableSchema.GPK, TableSchema.GSK, TableSchema.LIST_PROJECTION));
  }

  public static DynamoDbClient client(URI endpoint, CapacityAccountant accountant) {
    return DynamoDbClient.builder()
        .httpClient(UrlConnectionHttpClient.builder().build())
        .endpointOverride(endpoint)
        .region(Region.US_EAST_1)
        .credentialsProvider(StaticCredentialsProvider.create(AwsBasicCredentials.create(DynamoClients.LOCAL_ACCESS_KEY, "local")))
        .overrideConfiguration(c -> c.addExecutionInterceptor(accountant))
        .build();
  }

  public static void run(Config cfg, Report report) {
    CapacityAccountant acct = accountant();
    try (LocalDynamoDb dynamo = LocalDynamoDb.startInMemory()) {
      DynamoDbClient client = client(dynamo.endpoint(), acct);
      TracingConfig tc = new TracingConfig(TABLE, dynamo.endpoint(), "us-east-1", Duration.ofDays(30), 1L << 40,
          Duration.ofSeconds(30), Duration.ofSeconds(10), TracingConfig.DEFAULT_MAX_BODY_BYTES,
          TracingConfig.randomSecret());
      try (Tracing tracing = new Tracing(tc, client, Clock.systemUTC())) {
        TableSchema.ensureTable(client, TABLE);
        measure(cfg, report, tracing, acct);
      }
    }
  }

  private static void measure(Config cfg, Report report, Tracing tracing, CapacityAccountant acct) {
    OtlpWorkload workload = new OtlpWorkload(OtlpWorkload.Shape.sdkBatch(), 7);
    long now = System.currentTimeMillis() * 1_000_000L;
    long hourAgo = now - 3_600_000_000_000L;
    // one batch first, not counted: the service catalog records names once per hour per process
    ingest(tracing, workload.nextBatch(hourAgo, now - 1_000_000_000L));
    acct.clear();
    tracing.meter().reset();

    ItemPerSpanDesign naive = new ItemPerSpanDesign();
    long spans = 0;
    long traces = 0;
    long protobufBytes = 0;
    ExportTraceServiceRequest last = null;
    for (int i = 0; i < cfg.storageBatches(); i++) {
      ExportTraceServiceRequest batch = workload.nextBatch(hourAgo, now - 1_000_000_000L);
      OtlpWorkload.Stats stats = OtlpWorkload.stats(batch);
      spans += stats.spans();
      traces += stats.traces();
      protobufBytes += batch.getSerializedSize();
      ingest(tracing, batch);
      naive.write(PROJECT, batch);
      last = batch;
    }
    CapacityAccountant.Units u = acct.units();
    CapacityAccountant.Storage st = acct.storage();
    StringBuilder kinds = new StringBuilder();
    acct.writesByKind().forEach((k, v) -> kinds.append(kinds.length() == 0 ? "" : "; ")
        .append(String.format("%s: %.1f per request, %.0f B, %.2f WCU each", k, v[0] / cfg.storageBatches(), v[1], v[2])));
    double perSpan = (double) u.writeUnits() / spans;
    String shape = cfg.storageBatches() + " batches x 512 spans, " + String.format("%.1f", (double) traces / cfg.storageBatches())
        + " traces per batch";
    report.add(PART, "write units per span (table + index)", perSpan, "WCU", "<= 0.3", Kind.COMPUTED, shape);
    report.add(PART, "  of which table items (chunks, summaries, quota)", (double) u.tableWriteUnits() / spans, "WCU", null,
        Kind.COMPUTED, String.format("%.1f items and %.1f write calls per request", (double) u.itemsWritten() / cfg.storageBatches(),
            (double) u.writeCalls() / cfg.storageBatches()));
    report.add(PART, "  of which list index entries (by_start)", (double) u.indexWriteUnits() / spans, "WCU", null, Kind.COMPUTED,
        "dynalite does not charge index writes");
    report.note("writes by kind (part 2): " + kinds);
    StringBuilder attrs = new StringBuilder();
    acct.summaryAttributeBytes().forEach((k, v) -> attrs.append(attrs.length() == 0 ? "" : ", ").append(k).append(' ')
        .append(String.format("%.0f", v)));
    report.note("summary item, mean bytes per attribute (part 2): " + attrs);
    report.add(PART, "dynalite-reported write units per span (table only)", u.reportedWrite() / spans, "WCU", null, Kind.REPORTED,
        String.format("CapacityMeter: %.3f; the rules on the same calls: %.3f", tracing.meter().writeUnits() / spans,
            u.computedWriteOnReported() / spans));
    report.add(PART, "read units per span at ingest (summary reads)", u.readUnits() / spans, "RCU", null, Kind.COMPUTED,
        "consistent BatchGetItem of the request's trace summaries (each key charged as a read)");
    double storedPerSpan = (double) st.billedBytes() / spans;
    report.add(PART, "stored bytes per span (items + index + overhead)", storedPerSpan, "B", null, Kind.COMPUTED,
        String.format("OTLP protobuf in: %.0f B/span; %d items, %d index entries", (double) protobufBytes / spans, st.items(),
            st.indexEntries()));

    // item-per-span design with one index, same spans, same rules
    CapacityAccountant.Units nu = naive.accountant().units();
    CapacityAccountant.Storage ns = naive.accountant().storage();
    double naivePerSpan = (double) nu.writeUnits() / spans;
    double naiveStored = (double) ns.billedBytes() / spans;
    report.add(PART, "item-per-span design + 1 GSI: write units per span", naivePerSpan, "WCU", null, Kind.COMPUTED,
        String.format("stores %.0f B/span", naiveStored));
    report.add(PART, "write units per span vs item-per-span", perSpan / naivePerSpan, "x", null, Kind.RATIO, null);

    double ours = CostModel.dollarsPerMillionSpans(perSpan, u.readUnits() / spans, storedPerSpan);
    double naiveCost = CostModel.dollarsPerMillionSpans(naivePerSpan, 0, naiveStored);
    double spansPerTrace = (double) spans / traces;
    report.add(PART, "$ per million spans ingested + kept 30 days", ours, "USD", null, Kind.COMPUTED,
        String.format("writes $%.3f, ingest reads $%.4f, storage $%.4f", CostModel.writeDollarsPerMillionSpans(perSpan),
            u.readUnits() / spans * CostModel.RRU_PER_MILLION, CostModel.storageDollarsPerMillionSpans(storedPerSpan)));
    report.add(PART, "  item-per-span design + 1 GSI", naiveCost, "USD", null, Kind.COMPUTED, null);
    report.add(PART, "  AWS X-Ray (recording, 30 days kept)", CostModel.XRAY_RECORDED_PER_MILLION_TRACES / spansPerTrace, "USD",
        null, Kind.COMPUTED, String.format("$5.00 per million traces at %.1f spans per trace; ours per million traces: $%.2f",
            spansPerTrace, ours * spansPerTrace));

    // reads: a list page (last hour, one filter), a typical trace, a 1,000-span trace
    acct.reset();
    ApiResponse list = tracing.queryEndpoint().handle(Api.list(NAMESPACE, PROJECT, "period=1h&service_name=checkout"));
    check(list, "list");
    CapacityAccountant.Units lu = acct.units();
    report.add(PART, "read units per list page (1h, service_name, 50 rows)", lu.readUnits(), "RCU", null, Kind.COMPUTED,
        String.format("dynalite-reported %.1f", lu.reportedRead()));

    String typical = typicalTrace(last);
    acct.reset();
    check(tracing.traceDetailEndpoint().handle(Api.detail(NAMESPACE, PROJECT, typical)), "detail");
    CapacityAccountant.Units du = acct.units();
    report.add(PART, "read units per trace detail (" + spanCount(last, typical) + " spans)", du.readUnits(), "RCU", null,
        Kind.COMPUTED, String.format("dynalite-reported %.1f", du.reportedRead()));

    acct.reset();
    List<ExportTraceServiceRequest> big = workload.trace(cfg.bigTraceSpans(), now - 600_000_000_000L);
    for (ExportTraceServiceRequest r : big) {
      ingest(tracing, r);
    }
    CapacityAccountant.Units bw = acct.units();
    String bigId = HexFormat.of().formatHex(big.get(0).getResourceSpans(0).getScopeSpans(0).getSpans(0).getTraceId().toByteArray());
    acct.reset();
    check(tracing.traceDetailEndpoint().handle(Api.detail(NAMESPACE, PROJECT, bigId)), "detail");
    CapacityAccountant.Units bu = acct.units();
    report.add(PART, "read units per trace detail (" + cfg.bigTraceSpans() + " spans)", bu.readUnits(), "RCU", null,
        Kind.COMPUTED, String.format("dynalite-reported %.1f; writing it in %d requests took %.3f WCU/span", bu.reportedRead(),
            big.size(), (double) bw.writeUnits() / cfg.bigTraceSpans()));
  }

  private static void ingest(Tracing tracing, ExportTraceServiceRequest batch) {
    check(tracing.ingestEndpoint().handle(Api.ingest(NAMESPACE, PROJECT, "application/x-protobuf", batch.toByteArray())), "ingest");
  }

  static void check(ApiResponse r, String what) {
    if (r.status() != 200) {
      throw new IllegalStateException(what + " answered " + r.status() + ": " + new String(r.body()));
    }
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
