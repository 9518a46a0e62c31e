package dev.tracing.benchmarks.capacity;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.tracing.benchmarks.capacity.CapacityCalculator.IndexSpec;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.core.SdkBytes;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.BatchWriteItemRequest;
import software.amazon.awssdk.services.dynamodb.model.BatchWriteItemResponse;
import software.amazon.awssdk.services.dynamodb.model.DeleteItemRequest;
import software.amazon.awssdk.services.dynamodb.model.DeleteItemResponse;
import software.amazon.awssdk.services.dynamodb.model.PutItemRequest;
import software.amazon.awssdk.services.dynamodb.model.PutItemResponse;
import software.amazon.awssdk.services.dynamodb.model.PutRequest;
import software.amazon.awssdk.services.dynamodb.model.QueryRequest;
import software.amazon.awssdk.services.dynamodb.model.QueryResponse;
import software.amazon.awssdk.services.dynamodb.model.UpdateItemRequest;
import software.amazon.awssdk.services.dynamodb.model.UpdateItemResponse;
import software.amazon.awssdk.services.dynamodb.model.WriteRequest;

/** DynamoDB's documented sizing and capacity rules, one rule per test. */
class CapacityCalculatorTest {

  @Test
  void stringsCountUtf8BytesOfNameAndValue() {
    assertEquals(1 + 3, CapacityCalculator.itemSize(Map.of("a", AttributeValue.fromS("abc"))));
    assertEquals(2 + 2 + 3, CapacityCalculator.itemSize(Map.of("pk", AttributeValue.fromS("é€"))), "é is 2 bytes, € 3");
  }

  @Test
  void numbersTakeOneBytePerTwoSignificantDigitsPlusOne() {
    assertEquals(4, CapacityCalculator.numberSize("12345"));
    assertEquals(2, CapacityCalculator.numberSize("1000"), "trailing zeros are trimmed");
    assertEquals(2, CapacityCalculator.numberSize("-1.50"));
    assertEquals(2, CapacityCalculator.numberSize("0"));
    assertEquals(11, CapacityCalculator.numberSize("1795000000123456789"), "19 digits");
  }

  @Test
  void binariesBooleansSetsListsAndMaps() {
    assertEquals(1 + 10, CapacityCalculator.itemSize(Map.of("d", AttributeValue.fromB(SdkBytes.fromByteArray(new byte[10])))));
    assertEquals(2 + 1, CapacityCalculator.itemSize(Map.of("ip", AttributeValue.fromBool(true))));
    assertEquals(4 + 3 + 4, CapacityCalculator.itemSize(Map.of("svcs", AttributeValue.fromSs(List.of("abc", "defg")))));
    assertEquals(1 + 3 + 2 + 2, CapacityCalculator.itemSize(Map.of("l", AttributeValue.fromL(List.of(AttributeValue.fromS("a"),
        AttributeValue.fromS("b"))))));
    assertEquals(1 + 3 + 1 + 1 + 1, CapacityCalculator.itemSize(Map.of("m", AttributeValue.fromM(Map.of("k", AttributeValue.fromS("v"))))));
  }

  @Test
  void writeUnitsPerStartedKilobyteAtLeastOne() {
    assertEquals(1, CapacityCalculator.writeUnits(0));
    assertEquals(1, CapacityCalculator.writeUnits(1024));
    assertEquals(2, CapacityCalculator.writeUnits(1025));
    assertEquals(4, CapacityCalculator.writeUnits(3500));
  }

  @Test
  void readUnitsPerStarted4KilobytesHalfWhenEventuallyConsistent() {
    assertEquals(1.0, CapacityCalculator.readUnits(4096, true));
    assertEquals(2.0, CapacityCalculator.readUnits(4097, true));
    assertEquals(0.5, CapacityCalculator.readUnits(100, false));
    assertEquals(0.5, CapacityCalculator.readUnits(0, false), "a get of a missing item costs the minimum");
  }

  private static final IndexSpec INDEX = IndexSpec.include("by_start", "gpk", "gsk", List.of("svc"));

  private static Map<String, AttributeValue> item(String pk, String gsk, int payload) {
    Map<String, AttributeValue> item = new HashMap<>();
    item.put("pk", AttributeValue.fromS(pk));
    item.put("sk", AttributeValue.fromS("#S"));
    if (gsk != null) {
      item.put("gpk", AttributeValue.fromS("L#1#2026112510"));
      item.put("gsk", AttributeValue.fromS(gsk));
      item.put("svc", AttributeValue.fromS("frontend"));
    }
    item.put("d", AttributeValue.fromB(SdkBytes.fromByteArray(new byte[payload])));
    return item;
  }

  private static void put(CapacityAccountant a, Map<String, AttributeValue> item) {
    a.account(PutItemRequest.builder().tableName("t").item(item).build(), PutItemResponse.builder().build());
  }

  @Test
  void aNewItemWithIndexKeysCostsItsUnitsPlusOneIndexEntry() {
    CapacityAccountant a = new CapacityAccountant("t", List.of("pk", "sk"), INDEX);
    put(a, item("T#1#a", "1#a", 1500));
    assertEquals(2, a.units().tableWriteUnits());
    assertEquals(1, a.units().indexWriteUnits(), "the entry projects keys and svc only: under 1 KB");
  }

  @Test
  void aReplacingPutIsChargedOnTheLargerItemAndAnIndexKeyChangeTwice() {
    CapacityAccountant a = new CapacityAccountant("t", List.of("pk", "sk"), INDEX);
    put(a, item("T#1#a", "1#a", 3000));
    a.reset();
    put(a, item("T#1#a", "2#a", 100));
    assertEquals(3, a.units().tableWriteUnits(), "larger of 3 KB before and 0.1 KB after");
    assertEquals(2, a.units().indexWriteUnits(), "delete the old entry, put the new one");
    a.reset();
    put(a, item("T#1#a", "2#a", 100));
    assertEquals(1, a.units().indexWriteUnits(), "same index key: one entry update");
  }

  @Test
  void itemsWithoutIndexKeysCostNoIndexWrites() {
    CapacityAccountant a = new CapacityAccountant("t", List.of("pk", "sk"), INDEX);
    put(a, item("T#1#a", null, 10));
    assertEquals(1, a.units().tableWriteUnits());
    assertEquals(0, a.units().indexWriteUnits());
  }

  @Test
  void unprocessedBatchItemsAreNotCharged() {
    CapacityAccountant a = new CapacityAccountant("t", List.of("pk", "sk"), INDEX);
    WriteRequest w1 = WriteRequest.builder().putRequest(PutRequest.builder().item(item("T#1#a", null, 2000)).build()).build();
    WriteRequest w2 = WriteRequest.builder().putRequest(PutRequest.builder().item(item("T#1#b", null, 2000)).build()).build();
    a.account(BatchWriteItemRequest.builder().requestItems(Map.of("t", List.of(w1, w2))).build(),
        BatchWriteItemResponse.builder().unprocessedItems(Map.of("t", List.of(w2))).build());
    assertEquals(2, a.units().tableWriteUnits());
    assertEquals(1, a.units().itemsWritten());
  }

  @Test
  void aPutRefusedOnItsConditionIsChargedOnTheLargerOfStoredAndNewItemWithoutIndexWrites() {
    CapacityAccountant a = new CapacityAccountant("t", List.of("pk", "sk"), INDEX);
    put(a, item("T#1#a", "1#a", 2500));
    a.reset();
    a.accountFailed(PutItemRequest.builder().tableName("t").item(item("T#1#a", "1#a", 100)).conditionExpression("#v = :v").build());
    assertEquals(3, a.units().failedWriteUnits(), "the stored 2.5 KB item, not the 0.1 KB one refused");
    assertEquals(1, a.units().failedWrites());
    assertEquals(0, a.units().tableWriteUnits());
    assertEquals(0, a.units().indexWriteUnits(), "nothing written, no index entry");
    assertEquals(3, a.units().writeUnits());
    assertEquals(3L, a.writeUnitsByKind().get(CapacityAccountant.FAILED));
    a.reset();
    a.accountFailed(PutItemRequest.builder().tableName("t").item(item("T#1#b", "1#b", 1500)).build());
    assertEquals(2, a.units().failedWriteUnits(), "no stored item: the refused item's size");
    assertEquals(1, a.storage().items(), "a refused put stores nothing");
  }

  @Test
  void aRefusedCounterUpdateCostsAtLeastOneUnitAndCountsAsFailedNotAsCounter() {
    CapacityAccountant a = new CapacityAccountant("t", List.of("pk", "sk"), INDEX);
    a.accountFailed(UpdateItemRequest.builder().tableName("t")
        .key(Map.of("pk", AttributeValue.fromS("Q#1"), "sk", AttributeValue.fromS("29583000")))
        .updateExpression("ADD #b :n").conditionExpression("#b <= :max")
        .expressionAttributeValues(Map.of(":n", AttributeValue.fromN("250000"), ":max", AttributeValue.fromN("0"))).build());
    assertEquals(1, a.units().failedWriteUnits());
    assertEquals(Map.of(CapacityAccountant.FAILED, 1L), a.writeUnitsByKind());
  }

  @Test
  void aRefusedWriteToAnotherTableIsNotCharged() {
    CapacityAccountant a = new CapacityAccountant("t", List.of("pk", "sk"), INDEX);
    a.accountFailed(PutItemRequest.builder().tableName("other").item(item("T#1#a", "1#a", 100)).build());
    assertEquals(0, a.units().writeUnits(), "another table is not ours to charge");
  }

  /** An ADD to 60 number attributes: with their names (8-9 bytes) and values, about 700 bytes. */
  private static void addNewAttributes(CapacityAccountant a, String prefix) {
    StringBuilder expression = new StringBuilder("ADD ");
    Map<String, String> names = new HashMap<>();
    Map<String, AttributeValue> values = new HashMap<>();
    for (int i = 0; i < 60; i++) {
      expression.append(i == 0 ? "" : ", ").append("#a").append(i).append(" :a").append(i);
      names.put("#a" + i, prefix + i);
      values.put(":a" + i, AttributeValue.fromN("1"));
    }
    a.account(UpdateItemRequest.builder().tableName("t").key(Map.of("pk", AttributeValue.fromS("R#1#S#m##1"), "sk",
        AttributeValue.fromS("0000000060#checkout"))).updateExpression(expression.toString())
        .expressionAttributeNames(names).expressionAttributeValues(values).build(), UpdateItemResponse.builder().build());
  }

  @Test
  void anUpdateAddingNewAttributesIsChargedOnTheGrownItem() {
    CapacityAccountant a = new CapacityAccountant("t", List.of("pk", "sk"), INDEX);
    String longName = "h".repeat(7);
    addNewAttributes(a, longName);
    long first = a.units().writeUnits();
    addNewAttributes(a, longName); // the same attributes again: the item does not grow
    long same = a.units().writeUnits() - first;
    addNewAttributes(a, "x".repeat(7)); // 60 more attributes: the item is now about 1.4 KB
    long grown = a.units().writeUnits() - first - same;
    assertEquals(1, first, "under 1 KB: one unit");
    assertEquals(1, same, "adding to existing attributes leaves the size alone");
    assertEquals(2, grown, "charged on the item after the update, old attributes and new");
    assertEquals(4L, a.writeUnitsByKind().get(CapacityAccountant.ROLLUPS), "R# items are rollups");
  }

  @Test
  void writesAreTalliedByKindFromTheirKeys() {
    CapacityAccountant a = new CapacityAccountant("t", List.of("pk", "sk"), INDEX);
    put(a, item("T#1#a", "1#a", 10));
    Map<String, AttributeValue> chunk = new HashMap<>(Map.of("pk", AttributeValue.fromS("F#1"), "sk", AttributeValue.fromS("00")));
    put(a, chunk);
    put(a, Map.of("pk", AttributeValue.fromS("S#1"), "sk", AttributeValue.fromS("checkout")));
    a.account(UpdateItemRequest.builder().tableName("t").key(Map.of("pk", AttributeValue.fromS("Q#1"), "sk",
        AttributeValue.fromS("1"))).build(), UpdateItemResponse.builder().build());
    Map<String, Long> kinds = a.writeUnitsByKind();
    assertEquals(1L, kinds.get(CapacityAccountant.SUMMARIES));
    assertEquals(1L, kinds.get(CapacityAccountant.INDEX));
    assertEquals(1L, kinds.get(CapacityAccountant.CHUNKS));
    assertEquals(1L, kinds.get(CapacityAccountant.CATALOG));
    assertEquals(1L, kinds.get(CapacityAccountant.COUNTER));
    assertEquals(a.units().writeUnits(), kinds.values().stream().mapToLong(Long::longValue).sum());
  }

  @Test
  void aSecondIndexIsChargedOnItsOwnEntriesAndKeyMoves() {
    IndexSpec byDuration = IndexSpec.include("by_duration", "dpk", "dsk", List.of("ts"));
    CapacityAccountant a = new CapacityAccountant("t", List.of("pk", "sk"), INDEX, byDuration);
    Map<String, AttributeValue> item = item("T#1#a", "1#a", 10);
    item.put("dpk", AttributeValue.fromS("D#1#20261125"));
    item.put("dsk", AttributeValue.fromS("0000000000000000005#a"));
    item.put("ts", AttributeValue.fromN("1"));
    put(a, item);
    assertEquals(2, a.units().indexWriteUnits(), "one entry in each index");
    assertEquals(1L, a.writeUnitsByKind().get(CapacityAccountant.SECOND_INDEX));
    a.reset();
    Map<String, AttributeValue> longer = new HashMap<>(item);
    longer.put("dsk", AttributeValue.fromS("0000000000000000009#a"));
    put(a, longer);
    assertEquals(3, a.units().indexWriteUnits(), "the list entry updated in place, the duration entry moved (delete + put)");
    assertEquals(2L, a.writeUnitsByKind().get(CapacityAccountant.SECOND_INDEX));
    a.reset();
    a.account(DeleteItemRequest.builder().tableName("t").key(Map.of("pk", AttributeValue.fromS("T#1#a"), "sk",
        AttributeValue.fromS("#S"))).build(), DeleteItemResponse.builder().build());
    assertEquals(2, a.units().indexWriteUnits(), "a deleted item removes its entry from both indexes");
    assertEquals(0, a.storage().indexEntries());
  }

  @Test
  void aQuerySumsItemSizesBeforeRounding() {
    CapacityAccountant a = new CapacityAccountant("t", List.of("pk", "sk"), INDEX);
    List<Map<String, AttributeValue>> items = List.of(item("T#1#a", null, 3000), item("T#1#b", null, 3000));
    a.account(QueryRequest.builder().tableName("t").build(), QueryResponse.builder().items(items).build());
    assertEquals(1.0, a.units().readUnits(), "about 6 KB, eventually consistent: 2 units halved");
  }
}
