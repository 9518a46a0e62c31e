package dev.tracing.storage.dynamodb;

import java.util.Map;
import java.util.function.Consumer;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.QueryResponse;
import software.amazon.awssdk.services.dynamodb.model.ReturnConsumedCapacity;

/** Reading every item of one partition, page after page, skipping items past their expiry. */
final class PartitionReads {
  private PartitionReads() {
  }

  /**
   * Hands each live item of partition {@code pk}, in sort-key order, charging the
   * read capacity to {@code meter}; {@code what} names the read in errors.
   */
  static void forEachLiveItem(DynamoDbClient client, String table, String pk, long nowEpochSecond, CapacityMeter meter,
                              String what, Consumer<Map<String, AttributeValue>> each) {
    forEachLiveItem(client, table, null, TableSchema.PK, pk, nowEpochSecond, meter, what, each);
  }

  /**
   * The same for partition {@code value} of {@code keyAttribute} in {@code index} (the table
   * itself when {@code null}).
   */
  static void forEachLiveItem(DynamoDbClient client, String table, String index, String keyAttribute, String value,
                              long nowEpochSecond, CapacityMeter meter, String what, Consumer<Map<String, AttributeValue>> each) {
    forEachLiveItem(client, table, index, keyAttribute, value, null, null, null, nowEpochSecond, meter, what, each);
  }

  /**
   * The same for the items whose sort key {@code sortAttribute} lies in {@code [lo, hi]} (the whole
   * partition when {@code sortAttribute} is {@code null}).
   */
  static void forEachLiveItem(DynamoDbClient client, String table, String index, String keyAttribute, String value,
                              String sortAttribute, String lo, String hi, long nowEpochSecond, CapacityMeter meter,
                              String what, Consumer<Map<String, AttributeValue>> each) {
    Map<String, String> names = sortAttribute == null ? Map.of("#pk", keyAttribute)
        : Map.of("#pk", keyAttribute, "#sk", sortAttribute);
    Map<String, AttributeValue> values = sortAttribute == null ? Map.of(":pk", AttributeValue.fromS(value))
        : Map.of(":pk", AttributeValue.fromS(value), ":lo", AttributeValue.fromS(lo), ":hi", AttributeValue.fromS(hi));
    String condition = sortAttribute == null ? "#pk = :pk" : "#pk = :pk AND #sk BETWEEN :lo AND :hi";
    Map<String, AttributeValue> start = null;
    do {
      Map<String, AttributeValue> exclusiveStart = start;
      QueryResponse page = DynamoErrors.call(what, () -> client.query(b -> b
          .tableName(table)
          .indexName(index)
          .keyConditionExpression(condition)
          .expressionAttributeNames(names)
          .expressionAttributeValues(values)
          .exclusiveStartKey(exclusiveStart)
          .returnConsumedCapacity(ReturnConsumedCapacity.TOTAL)));
      meter.addRead(page.consumedCapacity());
      for (Map<String, AttributeValue> item : page.items()) {
        if (!expired(item, nowEpochSecond)) {
          each.accept(item);
        }
      }
      start = page.hasLastEvaluatedKey() && !page.lastEvaluatedKey().isEmpty() ? page.lastEvaluatedKey() : null;
    } while (start != null);
  }

  static boolean expired(Map<String, AttributeValue> item, long nowEpochSecond) {
    AttributeValue exp = item.get(TableSchema.EXPIRES);
    return exp != null && Long.parseLong(exp.n()) <= nowEpochSecond;
  }
}
