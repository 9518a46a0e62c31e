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

  /** Marks the hours and records {@code nowSecond} as the last mark (same write). */
  void mark(long projectId, Collection<Long> hourSeconds, long nowSecond) {
    mark(projectId, hourSeconds, nowSecond, null, List.of());
  }

  /** Marks the hours, adds {@code values} to the number set {@code set}, and records {@code nowSecond}, in one write. */
  void mark(long projectId, Collection<Long> hourSeconds, long nowSecond, String set, Collection<Long> values) {
    if (hourSeconds.isEmpty()) {
      return;
    }
    Map<String, String> names = new java.util.HashMap<>(Map.of("#d", PENDING, "#t", LAST_MARK));
    Map<String, AttributeValue> vals = new java.util.HashMap<>(Map.of(":h", numberSet(hourSeconds),
        ":t", AttributeValue.fromN(Long.toString(nowSecond))));
    String expression = "ADD #d :h SET #t = :t";
    if (set != null && !values.isEmpty()) {
      expression = "ADD #d :h, #x :x SET #t = :t";
      names.put("#x", set);
      vals.put(":x", numberSet(values));
    }
    update(projectId, "mark", expression, null, names, vals);
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

  /** Takes a pending hour for building, in one write: after this, a write to it marks it pending again. */
  void take(long projectId, long hourSecond) {
    take(projectId, PENDING, IN_PROGRESS, List.of(hourSecond));
  }

  /**
   * Takes pending values of one set for building, in one write: moved from {@code pending} to
   * {@code inProgress}, so a write to one of them after this marks it pending again.
   */
  void take(long projectId, String pending, String inProgress, Collection<Long> values) {
    if (!values.isEmpty()) {
      update(projectId, "mark", "ADD #t :v DELETE #f :v", null, Map.of("#t", inProgress, "#f", pending),
          Map.of(":v", numberSet(values)));
    }
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

  private static AttributeValue numberSet(Collection<Long> values) {
    return AttributeValue.fromNs(new TreeSet<>(values).stream().map(String::valueOf).toList());
  }

  /** Removes values from a number set of the state item (atomic; absent values are ignored). */
  void unmark(long projectId, String attribute, Collection<Long> values) {
    if (!values.isEmpty()) {
      update(projectId, "unmark", "DELETE #d :h", null, Map.of("#d", attribute), Map.of(":h", numberSet(values)));
    }
  }

  /**
   * Sets a number attribute of the state item ({@code value} {@code null}: removes it) and removes
   * values from a number set, in one write.
   */
  void setAndUnmark(long projectId, String attribute, Long value, String set, Collection<Long> done) {
    Map<String, String> names = new java.util.HashMap<>(Map.of("#v", attribute));
    Map<String, AttributeValue> values = new java.util.HashMap<>();
    StringBuilder expression = new StringBuilder(value == null ? "REMOVE #v" : "SET #v = :v");
    if (value != null) {
      values.put(":v", AttributeValue.fromN(Long.toString(value)));
    }
    if (!done.isEmpty()) {
      expression.append(" DELETE #d :d");
      names.put("#d", set);
      values.put(":d", numberSet(done));
    }
    update(projectId, "mark", expression.toString(), null, names, values.isEmpty() ? null : values);
  }

  /** Adds values to number sets of the state item, all in one atomic write. */
  void markAll(long projectId, Map<String, ? extends Collection<Long>> sets) {
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
      values.put(":a" + i, numberSet(set));
    });
    if (!names.isEmpty()) {
      update(projectId, "mark", expression.toString(), null, names, values);
    }
  }

  /** Raises {@code w} to {@code doneBeforeSecond}, unless another compactor recorded a later value. */
  void advance(long projectId, long doneBeforeSecond) {
    advance(projectId, DONE_BEFORE, doneBeforeSecond);
  }

  /** Raises a number attribute of the state item, unless another compactor recorded a later value. */
  void advance(long projectId, String attribute, long doneBeforeSecond) {
    try {
      update(projectId, "mark", "SET #w = :w", "attribute_not_exists(#w) OR #w < :w", Map.of("#w", attribute),
          Map.of(":w", AttributeValue.fromN(Long.toString(doneBeforeSecond))));
    } catch (ConditionalCheckFailedException later) {
      // another compactor recorded a later state
    }
  }

  /** Sets a number attribute of the state item unless it is set already (the first compactor's value stays). */
  void setOnce(long projectId, String attribute, long value) {
    try {
      update(projectId, "mark", "SET #w = :w", "attribute_not_exists(#w)", Map.of("#w", attribute),
          Map.of(":w", AttributeValue.fromN(Long.toString(value))));
    } catch (ConditionalCheckFailedException set) {
      // another compactor set it first
    }
  }

  /** One update of the state item, its write units metered; {@code condition} may be {@code null}. */
  private void update(long projectId, String action, String expression, String condition, Map<String, String> names,
                      Map<String, AttributeValue> values) {
    UpdateItemResponse r = DynamoErrors.call("a " + what + " " + action, () -> client.updateItem(b -> b
        .tableName(table)
        .key(key(projectId))
        .updateExpression(expression)
        .conditionExpression(condition)
        .expressionAttributeNames(names)
        .expressionAttributeValues(values)
        .returnConsumedCapacity(ReturnConsumedCapacity.TOTAL)));
    meter.addWrite(r.consumedCapacity(), meterKind);
  }
}
