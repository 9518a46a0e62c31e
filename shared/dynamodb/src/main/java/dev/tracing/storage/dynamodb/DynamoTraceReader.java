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
        .key(summaryKey(SummaryItems.tracePk(projectId, traceId)))
        .returnConsumedCapacity(ReturnConsumedCapacity.TOTAL)));
    meter.addRead(got.consumedCapacity(), "trace summaries");
    if (!got.hasItem() || got.item().isEmpty() || PartitionReads.expired(got.item(), now)) {
      // Spans without a summary were stored by a request whose fold has not run yet (or failed
      // before acknowledging them): they become visible once a fold counts them.
      return Optional.empty();
    }
    TraceSummary summary = SummaryItems.fromItem(traceId, got.item());
    Map<String, byte[]> packs = readPacks(projectId, packKeys(List.of(summary)), now);
    return Optional.of(assemble(projectId, summary, packs));
  }

  /**
   * The summaries in batch reads, then every pack any of them names, each once (a page of a list
   * often names the same packs many times: a request's pack holds all of its traces' spans).
   */
  @Override
  public Map<String, StoredTrace> readAll(long projectId, java.util.Collection<String> traceIds) {
    long now = clock.instant().getEpochSecond();
    Map<String, String> idsByPk = new java.util.LinkedHashMap<>();
    for (String id : traceIds) {
      idsByPk.putIfAbsent(SummaryItems.tracePk(projectId, id), id);
    }
    List<Map<String, AttributeValue>> keys = new ArrayList<>();
    idsByPk.keySet().forEach(pk -> {
      meter.countTraceRead();
      keys.add(summaryKey(pk));
    });
    Map<String, TraceSummary> summaries = new HashMap<>();
    Batches.getAll(client, table, keys, false, null, null, meter, "trace summaries", item -> {
      if (!PartitionReads.expired(item, now)) {
        String id = idsByPk.get(item.get(TableSchema.PK).s());
        summaries.put(id, SummaryItems.fromItem(id, item));
      }
    });
    Map<String, byte[]> packs = readPacks(projectId, packKeys(summaries.values()), now);
    Map<String, StoredTrace> out = new java.util.LinkedHashMap<>();
    for (String id : idsByPk.values()) {
      TraceSummary summary = summaries.get(id);
      if (summary != null) {
        out.put(id, assemble(projectId, summary, packs));
      }
    }
    return out;
  }

  /** The key of the summary item in this trace partition. */
  private static Map<String, AttributeValue> summaryKey(String tracePk) {
    return Map.of(TableSchema.PK, SummaryItems.str(tracePk), TableSchema.SK, SummaryItems.str(SummaryItems.SUMMARY_SK));
  }

  /** The keys of the packs these summaries name, each once, in order. */
  private static List<String> packKeys(java.util.Collection<TraceSummary> summaries) {
    java.util.Set<String> keys = new java.util.LinkedHashSet<>();
    for (TraceSummary summary : summaries) {
      for (long id : summary.chunkIds()) {
        keys.add(TraceSummary.chunkKeyOf(id));
      }
    }
    return new ArrayList<>(keys);
  }

  /**
   * The live packs among these keys, by key: read eventually consistent, then the ones not found
   * once more, consistently (a pack is written before the summary that names it).
   */
  private Map<String, byte[]> readPacks(long projectId, List<String> keys, long now) {
    Map<String, byte[]> packs = readPacks(projectId, keys, now, false);
    List<String> missing = keys.stream().filter(k -> !packs.containsKey(k)).toList();
    if (!missing.isEmpty()) {
      packs.putAll(readPacks(projectId, missing, now, true));
    }
    return packs;
  }

  /** The trace of this summary, from the packs it names (one gone only when expired: its spans are past retention). */
  private static StoredTrace assemble(long projectId, TraceSummary summary, Map<String, byte[]> packs) {
    List<byte[]> chunks = new ArrayList<>();
    List<String> chunkKeys = new ArrayList<>();
    for (long id : summary.chunkIds()) {
      String key = TraceSummary.chunkKeyOf(id);
      byte[] payload = packs.get(key);
      if (payload != null) {
        chunks.add(payload);
        chunkKeys.add(key);
      }
    }
    return new StoredTrace(projectId, summary, chunks, chunkKeys);
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
