package dev.tracing.storage.dynamodb;

import static dev.tracing.testing.OtlpFixtures.nanos;
import static dev.tracing.testing.OtlpFixtures.randomTraceId;
import static dev.tracing.testing.OtlpFixtures.request;
import static dev.tracing.testing.OtlpFixtures.service;
import static dev.tracing.testing.OtlpFixtures.span;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.protobuf.ByteString;
import dev.tracing.dynamodblocal.LocalDynamoDb;
import dev.tracing.model.TraceIds;
import dev.tracing.storage.IngestQuota;
import dev.tracing.storage.IngestQuotaContract;
import dev.tracing.storage.ProjectStore;
import dev.tracing.storage.ProjectStoreContract;
import dev.tracing.storage.TokenStore;
import dev.tracing.storage.TokenStoreContract;
import dev.tracing.storage.TraceReader;
import dev.tracing.storage.TraceStoreContract;
import dev.tracing.storage.TraceWriter;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;

/**
 * The storage contracts against the DynamoDB implementation, on a local dynalite server. Every
 * test gets a table of its own (JUnit makes a new nested-class instance per test), so tests never
 * see each other's data.
 */
class DynamoStorageTest {
  private static final AtomicInteger TABLES = new AtomicInteger();
  private static LocalDynamoDb db;
  private static DynamoDbClient client;
  private static ExecutorService summaryPool;

  @BeforeAll
  static void startDynamoDb() {
    db = LocalDynamoDb.startInMemory();
    client = DynamoClients.create(db.endpoint(), "us-east-1");
    summaryPool = Executors.newFixedThreadPool(4);
  }

  @AfterAll
  static void stopDynamoDb() {
    if (summaryPool != null) {
      summaryPool.shutdownNow();
    }
    if (client != null) {
      client.close();
    }
    if (db != null) {
      db.close();
    }
  }

  static String newTable() {
    String table = "tracing-test-" + TABLES.incrementAndGet();
    TableSchema.ensureTable(client, table);
    return table;
  }

  /** Every item of the table, as DynamoDB holds it. */
  static List<Map<String, AttributeValue>> scan(String table) {
    List<Map<String, AttributeValue>> items = new ArrayList<>();
    client.scanPaginator(b -> b.tableName(table).consistentRead(true)).items().forEach(items::add);
    return items;
  }

  /** The items of one trace's collection (summary and chunks), expired or not. */
  static List<Map<String, AttributeValue>> traceItems(String table, long projectId, String traceId) {
    List<Map<String, AttributeValue>> items = new ArrayList<>();
    client.queryPaginator(b -> b.tableName(table).consistentRead(true)
            .keyConditionExpression("#pk = :pk")
            .expressionAttributeNames(Map.of("#pk", TableSchema.PK))
            .expressionAttributeValues(Map.of(":pk", AttributeValue.fromS(SummaryItems.tracePk(projectId, traceId)))))
        .items().forEach(items::add);
    return items;
  }

  static boolean isSummary(Map<String, AttributeValue> item) {
    return item.get(TableSchema.SK).s().equals(SummaryItems.SUMMARY_SK);
  }

  static long exp(Map<String, AttributeValue> item) {
    return Long.parseLong(item.get(TableSchema.EXPIRES).n());
  }

  @Nested
  class Traces extends TraceStoreContract {
    final String table = newTable();
    final CapacityMeter meter = new CapacityMeter();

    @Override
    protected TraceWriter writer() {
      return new DynamoTraceWriter(client, table, RETENTION, summaryPool, meter);
    }

    @Override
    protected TraceReader reader(Clock clock) {
      return new DynamoTraceReader(client, table, clock, meter);
    }

    @Test
    void everyItemOfATraceWrittenAtOnceExpiresAtItsEarliestStartPlusRetention() {
      ByteString traceId = randomTraceId();
      Instant rootStart = now.minus(Duration.ofDays(4)).plusMillis(750);
      long start = nanos(rootStart);
      write(request(service("frontend"),
          span(traceId, 2, 1, "child", start + 5_000_000, 1_000_000, false),
          span(traceId, 1, 0, "root", start, 10_000_000, false)));

      List<Map<String, AttributeValue>> items = traceItems(table, PROJECT, TraceIds.hex(traceId));

      assertEquals(2, items.size(), "one summary and one chunk: " + items);
      for (Map<String, AttributeValue> item : items) {
        assertEquals(rootStart.getEpochSecond() + RETENTION.toSeconds(), exp(item), "exp of " + item.get(TableSchema.SK));
      }
    }

    @Test
    void summaryExpiryMovesToAnEarlierSpanAndNoChunkExpiresBeforeTheSummary() {
      ByteString traceId = randomTraceId();
      Instant rootStart = now.minus(Duration.ofDays(4));
      Instant childStart = rootStart.plus(Duration.ofHours(2));
      write(request(service("backend"), span(traceId, 2, 1, "child", nanos(childStart), 1_000_000, false)));
      write(request(service("frontend"), span(traceId, 1, 0, "root", nanos(rootStart), Duration.ofHours(3).toNanos(), false)));

      List<Map<String, AttributeValue>> items = traceItems(table, PROJECT, TraceIds.hex(traceId));

      long summaryExp = items.stream().filter(DynamoStorageTest::isSummary).mapToLong(DynamoStorageTest::exp)
          .findFirst().orElseThrow();
      assertEquals(rootStart.getEpochSecond() + RETENTION.toSeconds(), summaryExp);
      List<Long> chunkExps = items.stream().filter(i -> !isSummary(i)).map(DynamoStorageTest::exp).sorted().toList();
      // A chunk carries the expiry of its own earliest span: never before the trace's, so no span
      // disappears while its summary still counts it.
      assertEquals(List.of(rootStart.getEpochSecond() + RETENTION.toSeconds(),
          childStart.getEpochSecond() + RETENTION.toSeconds()), chunkExps);
    }

    @Test
    void expiredTraceStaysInTheTableButIsNotReturned() {
      ByteString traceId = randomTraceId();
      Instant start = now.minus(Duration.ofDays(1));
      write(request(service("frontend"), span(traceId, 1, 0, "GET /", nanos(start), 1_000_000, false)));
      Clock afterExpiry = fixed(start.plus(RETENTION).plusSeconds(60));

      assertTrue(reader(afterExpiry).read(PROJECT, TraceIds.hex(traceId)).isEmpty());
      assertEquals(2, traceItems(table, PROJECT, TraceIds.hex(traceId)).size(),
          "dynalite never deletes expired items: the reader's filter is what hides them");
    }

    @Test
    void largeChunkIsStoredAsSeveralItemsEachUnderTheItemSizeLimit() {
      ByteString traceId = randomTraceId();
      write(largeRequest(traceId));

      List<Map<String, AttributeValue>> chunks = traceItems(table, PROJECT, TraceIds.hex(traceId)).stream()
          .filter(i -> !isSummary(i)).toList();

      assertTrue(chunks.size() >= 2, "a ~600 KB chunk needs at least two items, got " + chunks.size());
      int spans = 0;
      for (Map<String, AttributeValue> chunk : chunks) {
        assertTrue(chunk.get(ChunkItems.DATA).b().asByteArrayUnsafe().length <= ChunkItems.MAX_PAYLOAD_BYTES);
        spans += Integer.parseInt(chunk.get(ChunkItems.SPAN_COUNT).n());
      }
      assertEquals(LARGE_SPANS, spans);
    }

    @Test
    void consumedCapacityOfWritesAndReadsArrivesInTheMeter() {
      // dynalite reports ReturnConsumedCapacity like DynamoDB: writes 1 unit per started KB of the
      // item (an overwrite the larger of old and new), strongly consistent reads 1 unit per started
      // 4 KB, eventually consistent ones half that; a GetItem that finds nothing costs 1 unit.
      ByteString traceId = randomTraceId();
      List<dev.tracing.trace.TraceChunk> chunks = chunks(request(service("frontend"),
          span(traceId, 1, 0, "GET /", t0, 1_000_000, false),
          span(traceId, 2, 1, "db", t0 + 1, 1_000, false)));

      writer().write(PROJECT, chunks);
      assertEquals(2.0, meter.writeUnits(), "one chunk item and one summary item, each under 1 KB");
      assertEquals(1.0, meter.readUnits(), "the consistent read of the (absent) summary");

      writer().write(PROJECT, chunks);
      assertEquals(3.0, meter.writeUnits(), "a retry puts the chunk again but leaves the summary alone");
      assertEquals(2.0, meter.readUnits(), "a retry reads the summary once");

      meter.reset();
      read(traceId);
      assertEquals(0.0, meter.writeUnits());
      assertEquals(0.5, meter.readUnits(), "one eventually consistent query of under 4 KB");
    }
  }

  @Nested
  class Projects extends ProjectStoreContract {
    final String table = newTable();

    @Override
    protected ProjectStore projects(Clock clock) {
      return new DynamoProjectStore(client, table, clock);
    }
  }

  @Nested
  class Tokens extends TokenStoreContract {
    final String table = newTable();

    @Override
    protected TokenStore tokens() {
      return new DynamoTokenStore(client, table);
    }

    @Test
    void storedItemsNeverContainTheSecret() {
      Issued ci = create(token(PROJECT, "ci", CREATED, null));
      Issued other = create(token(PROJECT, "deploy", CREATED, null));
      tokens().revoke(PROJECT, other.token().id(), CREATED.plusSeconds(5));

      List<String> stored = new ArrayList<>();
      for (Map<String, AttributeValue> item : scan(table)) {
        item.forEach((name, value) -> stored.add(name + "=" + text(value)));
      }

      assertTrue(stored.stream().anyMatch(s -> s.contains(ci.token().id())), "the scan sees the token items: " + stored);
      for (Issued issued : List.of(ci, other)) {
        String random = issued.secret().substring("trc_".length());
        for (String s : stored) {
          assertFalse(s.contains(random), "stored attribute " + s + " holds the secret of token " + issued.token().id());
        }
      }
    }

    /** An attribute value as every text it could show: strings, sets, and binaries as UTF-8 and hex. */
    private String text(AttributeValue v) {
      StringBuilder sb = new StringBuilder(String.valueOf(v.s())).append(' ').append(v.n()).append(' ').append(v.ss());
      if (v.b() != null) {
        byte[] bytes = v.b().asByteArray();
        sb.append(' ').append(new String(bytes, StandardCharsets.ISO_8859_1)).append(' ').append(HexFormat.of().formatHex(bytes));
      }
      return sb.toString();
    }
  }

  @Nested
  class Quota extends IngestQuotaContract {
    final String table = newTable();

    @Override
    protected IngestQuota quota() {
      return new DynamoIngestQuota(client, table);
    }

    @Test
    void counterItemCarriesAShortExpiry() {
      assertTrue(quota().tryConsume(PROJECT, MINUTE, 10, LIMIT));

      List<Map<String, AttributeValue>> items = scan(table);

      assertEquals(1, items.size());
      assertEquals((MINUTE + 1) * 60 + 3600, exp(items.get(0)), "an hour after the end of its minute");
    }
  }
}
