package dev.tracing.runtime;

import dev.tracing.api.IngestEndpoint;
import dev.tracing.api.QueryEndpoint;
import dev.tracing.api.TraceDetailEndpoint;
import dev.tracing.config.TracingConfig;
import dev.tracing.ingest.IngestLimiter;
import dev.tracing.ingest.IngestService;
import dev.tracing.ingest.SummaryFolder;
import dev.tracing.otlp.OtlpBody;
import dev.tracing.otlp.SpanChunks;
import dev.tracing.otlp.TraceBatcher;
import dev.tracing.query.PageToken;
import dev.tracing.query.ServiceMap;
import dev.tracing.query.ServiceMetrics;
import dev.tracing.query.TraceAnalytics;
import dev.tracing.query.TraceListService;
import dev.tracing.storage.dynamodb.CapacityMeter;
import dev.tracing.storage.dynamodb.DynamoProjectStore;
import dev.tracing.storage.dynamodb.DynamoRollupStore;
import dev.tracing.storage.dynamodb.DynamoServiceCatalog;
import dev.tracing.storage.dynamodb.DynamoStores;
import dev.tracing.storage.dynamodb.DynamoTokenStore;
import dev.tracing.storage.dynamodb.DynamoTraceIndex;
import java.time.Clock;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;

/**
 * The composition root of the HTTP functions (ingest, list-traces, get-trace) and of the summaries
 * function that ingest's stream feeds: builds their
 * endpoints over {@link DynamoStores}, once per process, each on first use so a function only
 * builds what it serves. The authorizer and the compactor need none of this module and build
 * theirs from the stores directly.
 */
public final class Tracing implements AutoCloseable {
  private final DynamoStores stores;
  private IngestEndpoint ingest;
  private QueryEndpoint query;
  private TraceDetailEndpoint traceDetail;
  private SummaryFolder summaryFolder;

  public Tracing(DynamoStores stores) {
    this.stores = stores;
  }

  public Tracing(TracingConfig config, DynamoDbClient client, Clock clock) {
    this(new DynamoStores(config, client, clock));
  }

  public static Tracing fromEnvironment() {
    return new Tracing(DynamoStores.fromEnvironment());
  }

  public DynamoStores stores() {
    return stores;
  }

  public TracingConfig config() {
    return stores.config();
  }

  public DynamoDbClient client() {
    return stores.client();
  }

  public CapacityMeter meter() {
    return stores.meter();
  }

  public DynamoProjectStore projects() {
    return stores.projects();
  }

  public DynamoTokenStore tokens() {
    return stores.tokens();
  }

  public DynamoRollupStore rollups() {
    return stores.rollups();
  }

  public DynamoServiceCatalog serviceCatalog() {
    return stores.serviceCatalog();
  }

  public synchronized IngestEndpoint ingestEndpoint() {
    if (ingest == null) {
      SpanChunks.load();
      TracingConfig config = stores.config();
      ingest = new IngestEndpoint(new IngestService(new OtlpBody(config.maxBodyBytes()), limiter(),
          new TraceBatcher(config.retention(), config.summariesAtIngest()), stores.traceWriter(), stores.serviceCatalog(), stores.clock()));
    }
    return ingest;
  }

  private IngestLimiter limiter() {
    TracingConfig config = stores.config();
    return new IngestLimiter(stores.projects(), stores.ingestQuota(), stores.clock(), config.defaultBytesPerMinute(),
        config.limitCacheTtl());
  }

  public synchronized QueryEndpoint queryEndpoint() {
    if (query == null) {
      TracingConfig config = stores.config();
      DynamoTraceIndex index = stores.traceIndex();
      TraceListService list = new TraceListService(index, stores.traceReader(), stores.workers(),
          TraceListService.DEFAULT_PAGE_BUDGET, TraceListService.DEFAULT_WINDOW_BUDGET);
      DynamoRollupStore rollups = stores.rollups();
      query = new QueryEndpoint(list, new TraceAnalytics(index, rollups, TraceListService.DEFAULT_WINDOW_BUDGET),
          new ServiceMetrics(rollups), new ServiceMap(rollups), stores.serviceCatalog(), stores.projects(), limiter(),
          stores.meter(), config.retention(), stores.clock(), TraceListService.DEFAULT_PAGE_BUDGET,
          new PageToken(config.pageTokenSecretBytes()));
    }
    return query;
  }

  /** The summaries function's endpoint: folds stored chunks from the table's stream. */
  public synchronized SummaryFolder summaryFolder() {
    if (summaryFolder == null) {
      SpanChunks.load();
      summaryFolder = new SummaryFolder(stores.traceWriter());
    }
    return summaryFolder;
  }

  public synchronized TraceDetailEndpoint traceDetailEndpoint() {
    if (traceDetail == null) {
      SpanChunks.load();
      traceDetail = new TraceDetailEndpoint(stores.traceReader(), stores.meter());
    }
    return traceDetail;
  }

  @Override
  public void close() {
    stores.close();
  }
}
