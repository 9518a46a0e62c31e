package dev.tracing.runtime;

import dev.tracing.api.AuthorizerEndpoint;
import dev.tracing.api.CompactorEndpoint;
import dev.tracing.api.IngestEndpoint;
import dev.tracing.api.QueryEndpoint;
import dev.tracing.query.TraceAnalytics;
import dev.tracing.query.ServiceMap;
import dev.tracing.query.ServiceMetrics;
import dev.tracing.query.TraceListService;
import dev.tracing.storage.dynamodb.DynamoTraceIndex;
import dev.tracing.api.TraceDetailEndpoint;
import dev.tracing.auth.TokenAuthenticator;
import dev.tracing.ingest.IngestLimiter;
import dev.tracing.ingest.IngestService;
import dev.tracing.otlp.OtlpBody;
import dev.tracing.storage.dynamodb.CapacityMeter;
import dev.tracing.storage.dynamodb.DynamoIngestQuota;
import dev.tracing.storage.dynamodb.DynamoProjectStore;
import dev.tracing.storage.dynamodb.DynamoRollupStore;
import dev.tracing.storage.dynamodb.DynamoServiceCatalog;
import dev.tracing.storage.dynamodb.DynamoTokenStore;
import dev.tracing.storage.dynamodb.DynamoTraceReader;
import dev.tracing.storage.dynamodb.DynamoTraceWriter;
import dev.tracing.otlp.TraceBatcher;
import java.time.Clock;
import java.util.concurrent.ExecutorService;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;

/**
 * The composition root: builds the stores, services and endpoints from a configuration, once
 * per process (function initialization), each on first use so a function only builds what it
 * serves. Plain constructors, no container: Spring only adapts the endpoints to functions.
 */
public final class Tracing implements AutoCloseable {
  private final TracingConfig config;
  private final Clock clock;
  private final DynamoDbClient client;
  private final CapacityMeter meter = new CapacityMeter();
  private ExecutorService workers;
  private IngestEndpoint ingest;
  private QueryEndpoint query;
  private TraceDetailEndpoint traceDetail;
  private AuthorizerEndpoint authorizer;

  public Tracing(TracingConfig config, DynamoDbClient client, Clock clock) {
    this.config = config;
    this.client = client;
    this.clock = clock;
  }

  public static Tracing fromEnvironment() {
    TracingConfig config = TracingConfig.fromEnv(System.getenv());
    return new Tracing(config, dev.tracing.storage.dynamodb.DynamoClients.create(config.dynamoEndpoint(), config.region()),
        Clock.systemUTC());
  }

  public TracingConfig config() {
    return config;
  }

  public DynamoDbClient client() {
    return client;
  }

  public CapacityMeter meter() {
    return meter;
  }

  public DynamoProjectStore projects() {
    return new DynamoProjectStore(client, config.table(), clock, meter);
  }

  public DynamoTokenStore tokens() {
    return new DynamoTokenStore(client, config.table());
  }

  /** The rollups the ingest writes and the analytics, metrics and map views read. */
  public DynamoRollupStore rollups() {
    return new DynamoRollupStore(client, config.table(), clock, config.retention(), workers(), meter);
  }

  public DynamoServiceCatalog serviceCatalog() {
    return new DynamoServiceCatalog(client, config.table(), clock, config.retention(), meter);
  }

  public synchronized IngestEndpoint ingestEndpoint() {
    if (ingest == null) {
      IngestLimiter limiter = limiter();
      DynamoTraceWriter writer = new DynamoTraceWriter(client, config.table(), config.retention(), workers(), meter,
          rollups());
      ingest = new IngestEndpoint(new IngestService(new OtlpBody(config.maxBodyBytes()), limiter,
          new TraceBatcher(config.retention()), writer, serviceCatalog(), clock));
    }
    return ingest;
  }

  private IngestLimiter limiter() {
    return new IngestLimiter(projects(), new DynamoIngestQuota(client, config.table(), meter), clock, config.defaultBytesPerMinute(),
        config.limitCacheTtl());
  }

  private synchronized ExecutorService workers() {
    if (workers == null) {
      workers = meter.newWorkerPool(8, "tracing-worker");
    }
    return workers;
  }

  public synchronized QueryEndpoint queryEndpoint() {
    if (query == null) {
      DynamoTraceIndex index = new DynamoTraceIndex(client, config.table(), clock, meter);
      TraceListService list = new TraceListService(index, new DynamoTraceReader(client, config.table(), clock, meter), workers(),
          TraceListService.DEFAULT_PAGE_BUDGET, TraceListService.DEFAULT_WINDOW_BUDGET);
      DynamoRollupStore rollups = rollups();
      query = new QueryEndpoint(list, new TraceAnalytics(index, rollups, TraceListService.DEFAULT_WINDOW_BUDGET),
          new ServiceMetrics(rollups), new ServiceMap(rollups), serviceCatalog(), projects(), limiter(), meter,
          config.retention(), clock, TraceListService.DEFAULT_PAGE_BUDGET, config.pageTokens());
    }
    return query;
  }

  public synchronized TraceDetailEndpoint traceDetailEndpoint() {
    if (traceDetail == null) {
      traceDetail = new TraceDetailEndpoint(new DynamoTraceReader(client, config.table(), clock, meter), meter);
    }
    return traceDetail;
  }

  /** The compactor function's work: hourly rollup cells from the minute cells of finished hours. */
  public CompactorEndpoint compactorEndpoint() {
    return new CompactorEndpoint(projects(), rollups(), clock);
  }

  public synchronized AuthorizerEndpoint authorizerEndpoint() {
    if (authorizer == null) {
      authorizer = new AuthorizerEndpoint(new TokenAuthenticator(tokens(), clock, config.tokenCacheTtl()));
    }
    return authorizer;
  }

  @Override
  public synchronized void close() {
    if (workers != null) {
      workers.shutdownNow();
    }
    client.close();
  }
}
