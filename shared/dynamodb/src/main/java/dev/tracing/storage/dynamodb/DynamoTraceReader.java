package dev.tracing.storage.dynamodb;

import dev.tracing.storage.StoredTrace;
import dev.tracing.storage.TraceReader;
import dev.tracing.trace.TraceSummary;
import java.time.Clock;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.GetItemResponse;
import software.amazon.awssdk.services.dynamodb.model.ReturnConsumedCapacity;

/**
 * Reads a trace: its summary ({@code GetItem}), then the span packs it names ({@code BatchGetItem}),
 * skipping items whose TTL has passed: DynamoDB deletes expired items up to days late, and local DynamoDB servers never do, so the filter here is what enforces retention. A pack
 * the eventually consistent read did not find yet (written a moment before its summary) is read
 * once more, consistently.
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
    GetItemResponse got = DynamoErrors.call("a trace read", () -> client.getItem(b -> b.tableName(table)
        .key(Map.of(TableSchema.PK, SummaryItems.str(SummaryItems.tracePk(projectId, traceId)),
            TableSchema.SK, SummaryItems.str(SummaryItems.SUMMARY_SK)))
        .returnConsumedCapacity(ReturnConsumedCapacity.TOTAL)));
    meter.addRead(got.consumedCapacity(), "trace summaries");
    if (!got.hasItem() || got.item().isEmpty() || PartitionReads.expired(got.item(), now)) {
      // Spans without a summary were stored by a request whose fold has not run yet (or failed
      // before acknowledging them): they become visible once a fold counts them.
      return Optional.empty();
    }
    TraceSummary summary = SummaryItems.fromItem(traceId, got.item());
    List<String> keys = new ArrayList<>();
    for (long id : summary.chunkIds()) {
      keys.add(TraceSummary.chunkKeyOf(id));
    }
    Map<String, byte[]> packs = readPacks(projectId, keys, now, false);
    List<String> missing = keys.stream().filter(k -> !packs.containsKey(k)).toList();
    if (!missing.isEmpty()) {
      packs.putAll(readPacks(projectId, missing, now, true));
    }
    List<byte[]> chunks = new ArrayList<>();
    List<String> chunkKeys = new ArrayList<>();
    for (String key : keys) {
      byte[] payload = packs.get(key);
      if (payload != null) { // gone only when expired: its spans are past retention
        chunks.add(payload);
        chunkKeys.add(key);
      }
    }
    return Optional.of(new StoredTrace(projectId, summary, chunks, chunkKeys));
  }

  /** The live packs among these keys, by key. */
  private Map<String, byte[]> readPacks(long projectId, List<String> keys, long now, boolean consistent) {
    Map<String, byte[]> found = new HashMap<>();
    List<Map<String, AttributeValue>> itemKeys = new ArrayList<>();
    for (String key : keys) {
      itemKeys.add(ChunkItems.key(projectId, key));
    }
    Batches.getAll(client, table, itemKeys, consistent, null, null, meter, "span packs", item -> {
      if (!PartitionReads.expired(item, now)) {
        found.put(item.get(TableSchema.SK).s(), item.get(ChunkItems.DATA).b().asByteArrayUnsafe());
      }
    });
    return found;
  }
}
