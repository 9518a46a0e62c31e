package dev.tracing.storage.dynamodb;

import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.ConditionalCheckFailedException;
import software.amazon.awssdk.services.dynamodb.model.GetItemResponse;
import software.amazon.awssdk.services.dynamodb.model.ReturnConsumedCapacity;
import software.amazon.awssdk.services.dynamodb.model.UpdateItemResponse;

/**
 * A project's hours waiting for a compactor, on one small state item ({@code pk R#<project>#C}):
 * {@code d} the pending hours (a number set, changed only by atomic {@code ADD}/{@code DELETE}),
 * {@code w} how far the compactor got (only ever raised). Writers mark an hour after writing to
 * it; the compactor unmarks an hour before reading it, so a write it did not see leaves the hour
 * marked. The rollups and the term blocks each keep one such item (sort keys {@code #} and
 * {@code #T}).
 */
final class PendingHours {
  static final String PENDING = "d";
  static final String DONE_BEFORE = "w";

  private final DynamoDbClient client;
  private final String table;
  private final String sortKey;
  private final CapacityMeter meter;
  private final String meterKind;
  private final String what;

  /** @param what names the item in errors, e.g. "rollup compaction" */
  PendingHours(DynamoDbClient client, String table, String sortKey, CapacityMeter meter, String meterKind, String what) {
    this.client = client;
    this.table = table;
    this.sortKey = sortKey;
    this.meter = meter;
    this.meterKind = meterKind;
    this.what = what;
  }

  /** The pending hours and how far the compactor got (0: never). */
  record Marks(long doneBeforeSecond, Set<Long> pendingHours) {
    Marks {
      pendingHours = Set.copyOf(pendingHours);
    }
  }

  private Map<String, AttributeValue> key(long projectId) {
    return Map.of(TableSchema.PK, AttributeValue.fromS("R#" + projectId + "#C"), TableSchema.SK, AttributeValue.fromS(sortKey));
  }

  void mark(long projectId, Collection<Long> hourSeconds) {
    if (hourSeconds.isEmpty()) {
      return;
    }
    UpdateItemResponse r = DynamoErrors.call("a " + what + " mark", () -> client.updateItem(b -> b
        .tableName(table)
        .key(key(projectId))
        .updateExpression("ADD #d :h")
        .expressionAttributeNames(Map.of("#d", PENDING))
        .expressionAttributeValues(Map.of(":h", AttributeValue.fromNs(new TreeSet<>(hourSeconds).stream()
            .map(String::valueOf).toList())))
        .returnConsumedCapacity(ReturnConsumedCapacity.TOTAL)));
    meter.addWrite(r.consumedCapacity(), meterKind);
  }

  Marks read(long projectId, boolean consistent) {
    GetItemResponse r = DynamoErrors.call("a " + what + " read", () -> client.getItem(b -> b
        .tableName(table).key(key(projectId)).consistentRead(consistent)
        .returnConsumedCapacity(ReturnConsumedCapacity.TOTAL)));
    meter.addRead(r.consumedCapacity(), "compaction marks");
    if (!r.hasItem() || r.item().isEmpty()) {
      return new Marks(0, Set.of());
    }
    Set<Long> hours = new TreeSet<>();
    AttributeValue pending = r.item().get(PENDING);
    if (pending != null && pending.hasNs()) {
      pending.ns().forEach(n -> hours.add(Long.parseLong(n)));
    }
    AttributeValue before = r.item().get(DONE_BEFORE);
    return new Marks(before == null || before.n() == null ? 0 : Long.parseLong(before.n()), hours);
  }

  void unmark(long projectId, long hourSecond) {
    DynamoErrors.call("a " + what + " unmark", () -> client.updateItem(b -> b
        .tableName(table)
        .key(key(projectId))
        .updateExpression("DELETE #d :h")
        .expressionAttributeNames(Map.of("#d", PENDING))
        .expressionAttributeValues(Map.of(":h", AttributeValue.fromNs(List.of(Long.toString(hourSecond)))))));
  }

  /** Raises {@code w} to {@code doneBeforeSecond}, unless another compactor recorded a later value. */
  void advance(long projectId, long doneBeforeSecond) {
    try {
      DynamoErrors.call("a " + what + " mark", () -> client.updateItem(b -> b
          .tableName(table)
          .key(key(projectId))
          .updateExpression("SET #w = :w")
          .conditionExpression("attribute_not_exists(#w) OR #w < :w")
          .expressionAttributeNames(Map.of("#w", DONE_BEFORE))
          .expressionAttributeValues(Map.of(":w", AttributeValue.fromN(Long.toString(doneBeforeSecond))))));
    } catch (ConditionalCheckFailedException later) {
      // another compactor recorded a later state
    }
  }
}
