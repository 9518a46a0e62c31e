package dev.tracing.storage.dynamodb;

import dev.tracing.storage.StoredTrace;
import dev.tracing.storage.TraceReader;
import dev.tracing.trace.TraceSummary;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicReference;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;

/**
 * Reads a trace's item collection (summary and chunks) with one paginated query, skipping items
 * whose TTL has passed: DynamoDB deletes expired items up to days late, and local DynamoDB
 * servers never do, so the filter here is what enforces retention.
 */
public final class DynamoTraceReader implements TraceReader {
  private final DynamoDbClient client;
  private final String table;
  private final Clock clock;
  private final CapacityMeter meter;

  public DynamoTraceReader(DynamoDbClient client, String table, Clock clock, CapacityMeter meter) {
    this.client = client;
    this.table = table;
    this.clock = clock;
    this.meter = meter;
  }

  @Override
  public Optional<StoredTrace> read(long projectId, String traceId) {
    long now = clock.instant().getEpochSecond();
    meter.countTraceRead();
    String pk = SummaryItems.tracePk(projectId, traceId);
    List<byte[]> chunks = new ArrayList<>();
    List<String> chunkKeys = new ArrayList<>();
    AtomicReference<TraceSummary> summary = new AtomicReference<>();
    PartitionReads.forEachLiveItem(client, table, pk, now, meter, "a trace read", item -> {
      String sk = item.get(TableSchema.SK).s();
      if (sk.equals(SummaryItems.SUMMARY_SK)) {
        summary.set(SummaryItems.fromItem(traceId, item));
      } else if (sk.startsWith(ChunkItems.CHUNK_SK_PREFIX)) {
        chunks.add(item.get(ChunkItems.DATA).b().asByteArrayUnsafe());
        chunkKeys.add(sk.substring(ChunkItems.CHUNK_SK_PREFIX.length()));
      }
    });
    // Spans without a summary were written by a request that failed before acknowledging them:
    // they become visible once the client's retry counts them.
    return summary.get() == null ? Optional.empty() : Optional.of(new StoredTrace(projectId, summary.get(), chunks, chunkKeys));
  }
}
