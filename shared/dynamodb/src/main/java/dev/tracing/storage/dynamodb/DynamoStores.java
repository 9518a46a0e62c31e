package dev.tracing.storage.dynamodb;

import dev.tracing.config.TracingConfig;
import java.time.Clock;
import java.time.Duration;
import java.util.concurrent.ExecutorService;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;

/**
 * Every store on the one table, built from a configuration once per process (function
 * initialization) and sharing one client, one capacity meter and one worker pool. Plain
 * constructors, no container: each function takes the stores it uses.
 */
public final class DynamoStores implements AutoCloseable {
  private final TracingConfig config;
  private final Clock clock;
  private final DynamoDbClient client;
  private final CapacityMeter meter = new CapacityMeter();
  private ExecutorService workers;

  public DynamoStores(TracingConfig config, DynamoDbClient client, Clock clock) {
    this.config = config;
    this.client = client;
    this.clock = clock;
  }

  /** The stores a deployed function uses: settings from its environment, the region's endpoint. */
  public static DynamoStores fromEnvironment() {
    TracingConfig config = TracingConfig.fromEnv(System.getenv());
    return new DynamoStores(config, DynamoClients.create(config.dynamoEndpoint(), config.region()), Clock.systemUTC());
  }

  public TracingConfig config() {
    return config;
  }

  public DynamoDbClient client() {
    return client;
  }

  public Clock clock() {
    return clock;
  }

  /** What this process's DynamoDB calls consumed (the {@code X-Read-Units} header, benchmarks). */
  public CapacityMeter meter() {
    return meter;
  }

  public DynamoProjectStore projects() {
    return new DynamoProjectStore(client, config.table(), clock, meter);
  }

  public DynamoTokenStore tokens() {
    return new DynamoTokenStore(client, config.table());
  }

  public DynamoIngestQuota ingestQuota() {
    return new DynamoIngestQuota(client, config.table(), meter);
  }

  /** The rollups the ingest writes and the analytics, metrics and map views read. */
  public DynamoRollupStore rollups() {
    return new DynamoRollupStore(client, config.table(), clock, config.retention(), workers(), meter);
  }

  /** Bloom filters of each finished hour's attribute terms, for attribute search (built by the compactor). */
  public DynamoTermBlocks termBlocks() {
    // DynamoDB updates the list index asynchronously; local servers at once
    Duration settle = config.dynamoEndpoint() == null ? Duration.ofSeconds(2) : Duration.ZERO;
    return new DynamoTermBlocks(client, config.table(), clock, config.retention(), settle, meter);
  }

  public DynamoServiceCatalog serviceCatalog() {
    return new DynamoServiceCatalog(client, config.table(), clock, config.retention(), meter);
  }

  public DynamoTraceIndex traceIndex() {
    return new DynamoTraceIndex(client, config.table(), clock, meter, termBlocks(), workers());
  }

  public DynamoTraceReader traceReader() {
    return new DynamoTraceReader(client, config.table(), clock, meter);
  }

  public DynamoTraceWriter traceWriter() {
    return new DynamoTraceWriter(client, config.table(), config.retention(), workers(), meter, rollups(), termBlocks(),
        config.summariesAtIngest());
  }

  /** The pool that fans out summary and rollup writes and index reads; its tasks charge {@link #meter}. */
  public synchronized ExecutorService workers() {
    if (workers == null) {
      workers = meter.newWorkerPool(8, "tracing-worker");
    }
    return workers;
  }

  @Override
  public synchronized void close() {
    if (workers != null) {
      workers.shutdownNow();
    }
    client.close();
  }
}
