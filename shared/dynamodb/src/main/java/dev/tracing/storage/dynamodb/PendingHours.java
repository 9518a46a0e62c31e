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
 * it; the compactor moves an hour to {@code dh} (in progress) before reading it, so a write it did
 * not see leaves the hour marked, and removes it from {@code dh} once built, so a compactor that
 * stops half way leaves it pending. The rollups and the term blocks each keep one such item (sort keys {@code #} and
 * {@code #T}).
 */
final class PendingHours {
  static final String PENDING = "d";
  /**
   * Hours a compactor has taken (moved here from {@link #PENDING} in one write) and not finished
   * building: pending to readers and to the next compactor, so one that stops half way loses nothing.
   */
  static final String IN_PROGRESS = "dh";
  static final String DONE_BEFORE = "w";
  /** When a writer last marked an hour (epoch seconds), where the compactor asks for it. */
  static final String LAST_MARK = "t";

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

  /** The pending hours, how far the compactor got (0: never) and when an hour was last marked (0: not recorded). */
  record Marks(long doneBeforeSecond, Set<Long> pendingHours, long lastMarkSecond) {
    Marks {
      pendingHours = Set.copyOf(pendingHours);
    }
  }

  private Map<String, AttributeValue> key(long projectId) {
    return Map.of(TableSchema.PK, AttributeValue.fromS("R#" + projectId + "#C"), TableSchema.SK, AttributeValue.fromS(sortKey));
  }

  void mark(long projectId, Collection<Long> hourSeconds) {
    mark(projectId, hourSeconds, -1);
  }

  /** Marks the hours and, when {@code nowSecond >= 0}, records it as the last mark (same write). */
  void mark(long projectId, Collection<Long> hourSeconds, long nowSecond) {
    if (hourSeconds.isEmpty()) {
      return;
    }
    Map<String, String> names = new java.util.HashMap<>(Map.of("#d", PENDING));
    Map<String, AttributeValue> values = new java.util.HashMap<>(Map.of(":h", AttributeValue.fromNs(
        new TreeSet<>(hourSeconds).stream().map(String::valueOf).toList())));
    String expression = "ADD #d :h";
    if (nowSecond >= 0) {
      expression += " SET #t = :t";
      names.put("#t", LAST_MARK);
      values.put(":t", AttributeValue.fromN(Long.toString(nowSecond)));
    }
    String update = expression;
    UpdateItemResponse r = DynamoErrors.call("a " + what + " mark", () -> client.updateItem(b -> b
        .tableName(table)
        .key(key(projectId))
        .updateExpression(update)
        .expressionAttributeNames(names)
        .expressionAttributeValues(values)
        .returnConsumedCapacity(ReturnConsumedCapacity.TOTAL)));
    meter.addWrite(r.consumedCapacity(), meterKind);
  }

  Marks read(long projectId, boolean consistent) {
    return marks(readItem(projectId, consistent));
  }

  /** The state item as stored (empty when there is none), for callers that keep more sets on it. */
  Map<String, AttributeValue> readItem(long projectId, boolean consistent) {
    GetItemResponse r = DynamoErrors.call("a " + what + " read", () -> client.getItem(b -> b
        .tableName(table).key(key(projectId)).consistentRead(consistent)
        .returnConsumedCapacity(ReturnConsumedCapacity.TOTAL)));
    meter.addRead(r.consumedCapacity(), "compaction marks");
    return r.hasItem() ? r.item() : Map.of();
  }

  /** The hours' marks of a state item read by {@link #readItem}; hours in progress count as pending. */
  static Marks marks(Map<String, AttributeValue> item) {
    Set<Long> pending = numbers(item, PENDING);
    pending.addAll(numbers(item, IN_PROGRESS));
    return new Marks(number(item.get(DONE_BEFORE)), pending, number(item.get(LAST_MARK)));
  }

  /** Takes a pending hour for building: after this, a write to it marks it pending again. */
  void take(long projectId, long hourSecond) {
    move(projectId, PENDING, IN_PROGRESS, hourSecond);
  }

  /** The hour taken by {@link #take} is built. */
  void done(long projectId, long hourSecond) {
    unmark(projectId, IN_PROGRESS, List.of(hourSecond));
  }

  /** A number set attribute of the state item, empty when absent. */
  static Set<Long> numbers(Map<String, AttributeValue> item, String attribute) {
    Set<Long> out = new TreeSet<>();
    AttributeValue v = item.get(attribute);
    if (v != null && v.hasNs()) {
      v.ns().forEach(n -> out.add(Long.parseLong(n)));
    }
    return out;
  }

  static long number(AttributeValue v) {
    return v == null || v.n() == null ? 0 : Long.parseLong(v.n());
  }

  /** Removes values from a number set of the state item (atomic; absent values are ignored). */
  void unmark(long projectId, String attribute, java.util.Collection<Long> values) {
    if (values.isEmpty()) {
      return;
    }
    UpdateItemResponse r = DynamoErrors.call("a " + what + " unmark", () -> client.updateItem(b -> b
        .tableName(table)
        .key(key(projectId))
        .updateExpression("DELETE #d :h")
        .expressionAttributeNames(Map.of("#d", attribute))
        .expressionAttributeValues(Map.of(":h", AttributeValue.fromNs(values.stream().map(String::valueOf).toList())))
        .returnConsumedCapacity(ReturnConsumedCapacity.TOTAL)));
    meter.addWrite(r.consumedCapacity(), meterKind);
  }

  /** Moves a value from one number set of the state item to another, in one atomic write. */
  void move(long projectId, String from, String to, long value) {
    AttributeValue v = AttributeValue.fromNs(List.of(Long.toString(value)));
    UpdateItemResponse r = DynamoErrors.call("a " + what + " mark", () -> client.updateItem(b -> b
        .tableName(table)
        .key(key(projectId))
        .updateExpression("ADD #t :v DELETE #f :v")
        .expressionAttributeNames(Map.of("#t", to, "#f", from))
        .expressionAttributeValues(Map.of(":v", v))
        .returnConsumedCapacity(ReturnConsumedCapacity.TOTAL)));
    meter.addWrite(r.consumedCapacity(), meterKind);
  }

  /** Adds values to number sets of the state item, all in one atomic write. */
  void markAll(long projectId, Map<String, ? extends java.util.Collection<Long>> sets) {
    Map<String, String> names = new java.util.HashMap<>();
    Map<String, AttributeValue> values = new java.util.HashMap<>();
    StringBuilder expression = new StringBuilder();
    sets.forEach((attribute, set) -> {
      if (set.isEmpty()) {
        return;
      }
      int i = names.size();
      expression.append(expression.length() == 0 ? "ADD " : ", ").append("#a").append(i).append(" :a").append(i);
      names.put("#a" + i, attribute);
      values.put(":a" + i, AttributeValue.fromNs(new TreeSet<>(set).stream().map(String::valueOf).toList()));
    });
    if (names.isEmpty()) {
      return;
    }
    UpdateItemResponse r = DynamoErrors.call("a " + what + " mark", () -> client.updateItem(b -> b
        .tableName(table)
        .key(key(projectId))
        .updateExpression(expression.toString())
        .expressionAttributeNames(names)
        .expressionAttributeValues(values)
        .returnConsumedCapacity(ReturnConsumedCapacity.TOTAL)));
    meter.addWrite(r.consumedCapacity(), meterKind);
  }

  /** Raises {@code w} to {@code doneBeforeSecond}, unless another compactor recorded a later value. */
  void advance(long projectId, long doneBeforeSecond) {
    advance(projectId, DONE_BEFORE, doneBeforeSecond);
  }

  /** Raises a number attribute of the state item, unless another compactor recorded a later value. */
  void advance(long projectId, String attribute, long doneBeforeSecond) {
    try {
      UpdateItemResponse r = DynamoErrors.call("a " + what + " mark", () -> client.updateItem(b -> b
          .tableName(table)
          .key(key(projectId))
          .updateExpression("SET #w = :w")
          .conditionExpression("attribute_not_exists(#w) OR #w < :w")
          .expressionAttributeNames(Map.of("#w", attribute))
          .expressionAttributeValues(Map.of(":w", AttributeValue.fromN(Long.toString(doneBeforeSecond))))
          .returnConsumedCapacity(ReturnConsumedCapacity.TOTAL)));
      meter.addWrite(r.consumedCapacity(), meterKind);
    } catch (ConditionalCheckFailedException later) {
      // another compactor recorded a later state
    }
  }
}
