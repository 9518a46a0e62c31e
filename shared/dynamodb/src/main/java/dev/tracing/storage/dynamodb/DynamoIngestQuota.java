package dev.tracing.storage.dynamodb;

import dev.tracing.storage.IngestQuota;
import java.util.Map;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.ConditionalCheckFailedException;
import software.amazon.awssdk.services.dynamodb.model.GetItemResponse;
import software.amazon.awssdk.services.dynamodb.model.ReturnConsumedCapacity;

/**
 * One counter item per project and clock minute ({@code Q#<project>}, sort key the epoch
 * minute), changed only by a conditional {@code ADD}: DynamoDB applies it atomically, so
 * concurrent requests cannot pass more than the limit between them. Counters expire (TTL) an
 * hour after their minute.
 */
public final class DynamoIngestQuota implements IngestQuota {
  private static final String BYTES = "bytes";
  private static final long COUNTER_TTL_SECONDS = 3600;

  private final DynamoDbClient client;
  private final String table;

  private final CapacityMeter meter;

  public DynamoIngestQuota(DynamoDbClient client, String table) {
    this(client, table, new CapacityMeter());
  }

  public DynamoIngestQuota(DynamoDbClient client, String table, CapacityMeter meter) {
    this.meter = meter;
    this.client = client;
    this.table = table;
  }

  @Override
  public boolean tryConsume(long projectId, long epochMinute, long bytes, long limit) {
    if (bytes > limit) {
      return false;
    }
    try {
      DynamoErrors.call("an ingest counter update", () -> client.updateItem(b -> b
          .tableName(table)
          .key(key(projectId, epochMinute))
          .updateExpression("ADD #b :n SET #exp = :exp")
          .conditionExpression("attribute_not_exists(#b) OR #b <= :max")
          .expressionAttributeNames(Map.of("#b", BYTES, "#exp", TableSchema.EXPIRES))
          .expressionAttributeValues(Map.of(
              ":n", AttributeValue.fromN(Long.toString(bytes)),
              ":max", AttributeValue.fromN(Long.toString(limit - bytes)),
              ":exp", AttributeValue.fromN(Long.toString(epochMinute * 60 + 60 + COUNTER_TTL_SECONDS))))));
      return true;
    } catch (ConditionalCheckFailedException overLimit) {
      return false;
    }
  }

  @Override
  public void refund(long projectId, long epochMinute, long bytes) {
    try {
      DynamoErrors.call("an ingest counter refund", () -> client.updateItem(b -> b
        .tableName(table)
        .key(key(projectId, epochMinute))
        .updateExpression("ADD #b :n")
        .conditionExpression("attribute_exists(#b)")
        .expressionAttributeNames(Map.of("#b", BYTES))
        .expressionAttributeValues(Map.of(":n", AttributeValue.fromN(Long.toString(-bytes))))));
    } catch (ConditionalCheckFailedException expired) {
      // the minute's counter is gone already: nothing left to refund
    }
  }

  @Override
  public long used(long projectId, long epochMinute) {
    GetItemResponse r = DynamoErrors.call("an ingest counter read", () -> client.getItem(b -> b
        .tableName(table).key(key(projectId, epochMinute)).consistentRead(true)
        .returnConsumedCapacity(ReturnConsumedCapacity.TOTAL)));
    meter.addRead(r.consumedCapacity());
    AttributeValue v = r.hasItem() ? r.item().get(BYTES) : null;
    return v == null ? 0 : Long.parseLong(v.n());
  }

  private static Map<String, AttributeValue> key(long projectId, long epochMinute) {
    return Map.of(TableSchema.PK, AttributeValue.fromS("Q#" + projectId),
        TableSchema.SK, AttributeValue.fromS(Long.toString(epochMinute)));
  }
}
