package dev.tracing.storage.dynamodb;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.tracing.dynamodblocal.LocalDynamoDb;
import dev.tracing.rollup.CellDigest;
import dev.tracing.rollup.Granularity;
import dev.tracing.rollup.RollupCell;
import dev.tracing.rollup.RollupFamily;
import dev.tracing.rollup.RollupKey;
import dev.tracing.rollup.Varints;
import dev.tracing.storage.RollupStore;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.core.SdkBytes;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;

/**
 * Digests and prefix sums on the local DynamoDB: a bucket holding more names than one item takes
 * is written in parts and read whole, and what is read equals the cells it was built from.
 */
class DynamoRollupStoreTest {
  private static final Instant NOW = Instant.parse("2026-11-30T10:20:00Z");
  private static final long PROJECT = 9;
  private static LocalDynamoDb db;
  private static DynamoDbClient client;

  @BeforeAll
  static void start() {
    db = LocalDynamoDb.startInMemory();
    client = DynamoClients.create(db.endpoint(), "us-east-1");
  }

  @AfterAll
  static void stop() {
    client.close();
    db.close();
  }

  @Test
  void aBucketOfManyNamesIsWrittenInPartsAndReadWhole() {
    String table = "rollup-parts";
    TableSchema.ensureTable(client, table);
    CapacityMeter meter = new CapacityMeter();
    DynamoRollupStore store = new DynamoRollupStore(client, table, Clock.fixed(NOW, ZoneOffset.UTC), Duration.ofDays(30),
        null, meter);
    long hour = 3600;
    long block = Math.floorDiv(NOW.getEpochSecond(), 10_800) * 10_800 - 10_800; // a finished three-hour block
    // 1,000 operations of one service, with long names (~270 bytes, as long URL templates are) and
    // ~40 distinct durations each: their sums take ~370 KB, more than one item holds
    Random random = new Random(7);
    Map<RollupKey, RollupCell> cells = new HashMap<>();
    Map<String, RollupCell> expected = new java.util.TreeMap<>();
    RollupCell service = new RollupCell();
    for (int i = 0; i < 1_000; i++) {
      String op = String.format("GET /api/v1/route/%04d/", i) + "{segment}/".repeat(25);
      RollupCell cell = new RollupCell();
      for (int j = 0; j < 45; j++) {
        long duration = (long) Math.exp(random.nextDouble() * 20);
        boolean error = j % 9 == 0;
        cell.add(duration, error, 1);
        service.add(duration, error, 1);
      }
      long minute = block + hour + 60L * (i % 60);
      cells.put(new RollupKey(RollupFamily.OPERATIONS, Granularity.MINUTE, minute, "checkout", op), cell);
      expected.put(op, cell);
    }
    cells.put(new RollupKey(RollupFamily.SERVICES, Granularity.MINUTE, block + hour, "", "checkout"), service);
    store.add(PROJECT, cells);
    store.compact(PROJECT, NOW.getEpochSecond());

    RollupStore.Compaction state = store.compaction(PROJECT);
    long prefixBlock = Math.floorDiv(block, RollupStore.PREFIX_BLOCK_SECONDS) * RollupStore.PREFIX_BLOCK_SECONDS;
    assertTrue(state.complete(Granularity.THREE_HOURS, block) && state.prefixUsableTo(prefixBlock) >= block + 2 * hour,
        state.toString());
    long parts = client.query(b -> b.tableName(table).keyConditionExpression("pk = :p")
        .expressionAttributeValues(Map.of(":p", AttributeValue.fromS(
            DynamoRollupStore.prefixPartition(PROJECT, RollupFamily.OPERATIONS, "checkout", prefixBlock))))).count();
    assertTrue(parts > 1, "the sums of the hour take more than one item: " + parts);
    long deflated = client.query(b -> b.tableName(table).keyConditionExpression("pk = :p")
        .expressionAttributeValues(Map.of(":p", AttributeValue.fromS(
            DynamoRollupStore.prefixPartition(PROJECT, RollupFamily.OPERATIONS, "checkout", prefixBlock)))))
        .items().stream().filter(i -> i.containsKey("z")).count();
    assertEquals(parts, deflated, "every part of the sums is stored deflated");

    List<Map<RollupKey, RollupCell>> read = store.read(PROJECT, List.of(
        RollupStore.Read.prefix(RollupFamily.OPERATIONS, "checkout", prefixBlock, block + 2 * hour),
        RollupStore.Read.prefix(RollupFamily.OPERATIONS, "checkout", prefixBlock, block + hour),
        RollupStore.Read.digests(RollupFamily.OPERATIONS, Granularity.THREE_HOURS, "checkout", block, block + 10_800)));
    Map<RollupKey, RollupCell> sums = read.get(0);
    assertEquals(1_000, sums.size());
    assertTrue(read.get(1).isEmpty(), "nothing before the hour: " + read.get(1).size());
    Map<RollupKey, RollupCell> digests = read.get(2);
    assertEquals(1_000, digests.size());
    expected.forEach((op, cell) -> {
      RollupCell sum = sums.get(new RollupKey(RollupFamily.OPERATIONS, Granularity.HOUR, block + 2 * hour, "checkout", op));
      assertEquals(cell.count(), sum.count(), op);
      assertEquals(cell.errors(), sum.errors(), op);
      assertArrayEquals(cell.durations().encode(), sum.durations().encode(), op);
      RollupCell digest = digests.get(new RollupKey(RollupFamily.OPERATIONS, Granularity.THREE_HOURS, block, "checkout", op));
      assertTrue(digest.isDigest());
      assertEquals(cell.count(), digest.count(), op);
      for (int p : CellDigest.PERCENTILES) {
        assertEquals(cell.durations().percentile(p), digest.percentile(p), op + " p" + p);
      }
    });
  }

  /** A key's parts beyond what its head counts (left by an earlier, longer write) are not read. */
  @Test
  void partsBeyondTheHeadsCountAreIgnored() {
    List<Map<String, AttributeValue>> items = List.of(
        packed("0000003600#~", 2, "a"), packed("0000003600#1", 0, "b"), packed("0000003600#2", 0, "stale"),
        packed("0000007200#~", 0, "c"));
    Map<Long, List<byte[]>> unpacked = DynamoRollupStore.unpack(items);
    assertEquals(List.of("a", "b"), unpacked.get(3600L).stream().map(String::new).toList());
    assertEquals(List.of("c"), unpacked.get(7200L).stream().map(String::new).toList());
  }

  /** A deflated packed item reads as its entries; a damaged one is refused with what it is, not read as garbage. */
  @Test
  void deflatedItemsAreReadAndDamagedOnesRefused() {
    java.io.ByteArrayOutputStream out = new java.io.ByteArrayOutputStream();
    for (int i = 0; i < 100; i++) {
      Varints.writeBytes(out, ("entry " + i).getBytes(java.nio.charset.StandardCharsets.UTF_8));
    }
    byte[] deflated = DynamoRollupStore.deflate(out.toByteArray());
    assertTrue(deflated.length < out.size(), deflated.length + " of " + out.size());
    Map<String, AttributeValue> item = new HashMap<>(Map.of("pk", AttributeValue.fromS("p"),
        "sk", AttributeValue.fromS("0000003600#~"), "pb", AttributeValue.fromB(SdkBytes.fromByteArray(deflated)),
        "z", AttributeValue.fromN("1")));
    List<byte[]> entries = DynamoRollupStore.unpack(List.of(item)).get(3600L);
    assertEquals(100, entries.size());
    assertEquals("entry 99", new String(entries.get(99), java.nio.charset.StandardCharsets.UTF_8));

    item.put("pb", AttributeValue.fromB(SdkBytes.fromByteArray(java.util.Arrays.copyOf(deflated, deflated.length / 2))));
    dev.tracing.storage.StoreUnavailableException e = org.junit.jupiter.api.Assertions.assertThrows(
        dev.tracing.storage.StoreUnavailableException.class, () -> DynamoRollupStore.unpack(List.of(item)));
    assertTrue(e.getMessage().contains("0000003600#~") && e.getMessage().contains("damaged"), e.getMessage());
  }

  private static Map<String, AttributeValue> packed(String sk, int parts, String entry) {
    java.io.ByteArrayOutputStream out = new java.io.ByteArrayOutputStream();
    Varints.writeBytes(out, entry.getBytes(java.nio.charset.StandardCharsets.UTF_8));
    Map<String, AttributeValue> item = new HashMap<>(Map.of("pk", AttributeValue.fromS("p"), "sk", AttributeValue.fromS(sk),
        "pb", AttributeValue.fromB(SdkBytes.fromByteArray(out.toByteArray()))));
    if (parts > 1) {
      item.put("n", AttributeValue.fromN(Integer.toString(parts)));
    }
    return item;
  }
}
