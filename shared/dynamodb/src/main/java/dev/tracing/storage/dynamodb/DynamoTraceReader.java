package dev.tracing.storage.dynamodb;

import dev.tracing.storage.StoredTrace;
import dev.tracing.storage.TraceReader;
import dev.tracing.trace.TraceSummary;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.QueryResponse;
import software.amazon.awssdk.services.dynamodb.model.ReturnConsumedCapacity;

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
    TraceSummary summary = null;
    List<byte[]> chunks = new ArrayList<>();
    List<String> chunkKeys = new ArrayList<>();
    Map<String, AttributeValue> start = null;
    do {
      Map<String, AttributeValue> exclusiveStart = start;
      QueryResponse page = DynamoErrors.call("a trace read", () -> client.query(b -> b
          .tableName(table)
          .keyConditionExpression("#pk = :pk")
          .expressionAttributeNames(Map.of("#pk", TableSchema.PK))
          .expressionAttributeValues(Map.of(":pk", AttributeValue.fromS(pk)))
          .exclusiveStartKey(exclusiveStart)
          .returnConsumedCapacity(ReturnConsumedCapacity.TOTAL)));
      meter.addRead(page.consumedCapacity());
      for (Map<String, AttributeValue> item : page.items()) {
        if (expired(item, now)) {
          continue;
        }
        String sk = item.get(TableSchema.SK).s();
        if (sk.equals(SummaryItems.SUMMARY_SK)) {
          summary = SummaryItems.fromItem(traceId, item);
        } else if (sk.startsWith(ChunkItems.CHUNK_SK_PREFIX)) {
          chunks.add(item.get(ChunkItems.DATA).b().asByteArrayUnsafe());
          chunkKeys.add(sk.substring(ChunkItems.CHUNK_SK_PREFIX.length()));
        }
      }
      start = page.hasLastEvaluatedKey() && !page.lastEvaluatedKey().isEmpty() ? page.lastEvaluatedKey() : null;
    } while (start != null);
    // Spans without a summary were written by a request that failed before acknowledging them:
    // they become visible once the client's retry counts them.
    return summary == null ? Optional.empty() : Optional.of(new StoredTrace(projectId, summary, chunks, chunkKeys));
  }

  static boolean expired(Map<String, AttributeValue> item, long nowEpochSecond) {
    AttributeValue exp = item.get(TableSchema.EXPIRES);
    return exp != null && Long.parseLong(exp.n()) <= nowEpochSecond;
  }
}
