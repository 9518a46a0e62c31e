package dev.tracing.storage.dynamodb;

import dev.tracing.otlp.OtlpIds;
import static dev.tracing.testing.OtlpFixtures.nanos;
import static dev.tracing.testing.OtlpFixtures.randomTraceId;
import static dev.tracing.testing.OtlpFixtures.request;
import static dev.tracing.testing.OtlpFixtures.service;
import static dev.tracing.testing.OtlpFixtures.span;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.protobuf.ByteString;
import dev.tracing.dynamodblocal.LocalDynamoDb;
import dev.tracing.model.TraceIds;
import dev.tracing.storage.IngestQuota;
import dev.tracing.storage.IngestQuotaContract;
import dev.tracing.storage.ProjectStore;
import dev.tracing.storage.ProjectStoreContract;
import dev.tracing.storage.ServiceCatalog;
import dev.tracing.storage.ServiceCatalogContract;
import dev.tracing.storage.TokenStore;
import dev.tracing.storage.StoreUnavailableException;
import dev.tracing.storage.StoredTrace;
import dev.tracing.storage.TokenStoreContract;
import dev.tracing.storage.TraceIndex;
import dev.tracing.storage.TraceIndexContract;
import dev.tracing.storage.TraceReader;
import dev.tracing.storage.TraceRow;
import dev.tracing.storage.TraceStoreContract;
import dev.tracing.storage.TraceWriter;
import dev.tracing.testing.OtlpFixtures;
import dev.tracing.otlp.TraceBatcher;
import dev.tracing.trace.TraceChunk;
import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.awscore.retry.AwsRetryStrategy;
import software.amazon.awssdk.core.interceptor.Context;
import software.amazon.awssdk.core.interceptor.ExecutionAttributes;
import software.amazon.awssdk.core.interceptor.ExecutionInterceptor;
import software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.QueryRequest;

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
  /** A trace's items: its summary and the span packs the summary names (none without a summary). */
  static List<Map<String, AttributeValue>> traceItems(String table, long projectId, String traceId) {
    List<Map<String, AttributeValue>> items = new ArrayList<>();
    client.queryPaginator(b -> b.tableName(table).consistentRead(true)
            .keyConditionExpression("#pk = :pk")
            .expressionAttributeNames(Map.of("#pk", TableSchema.PK))
            .expressionAttributeValues(Map.of(":pk", AttributeValue.fromS(SummaryItems.tracePk(projectId, traceId)))))
        .items().forEach(items::add);
    for (Map<String, AttributeValue> summary : List.copyOf(items)) {
      for (long id : SummaryItems.fromItem(traceId, summary).chunkIds()) {
        Map<String, AttributeValue> pack = client.getItem(b -> b.tableName(table).consistentRead(true)
            .key(ChunkItems.key(projectId, dev.tracing.trace.TraceSummary.chunkKeyOf(id)))).item();
        if (pack != null && !pack.isEmpty()) {
          items.add(pack);
        }
      }
    }
    return items;
  }

  /** Stores the packs of these pieces without folding them: what a writer that died between its two steps leaves behind. */
  static void putPacks(String table, long projectId, List<TraceChunk> pieces) {
    Map<String, List<TraceChunk>> byPack = new java.util.LinkedHashMap<>();
    pieces.forEach(p -> byPack.computeIfAbsent(p.key(), k -> new ArrayList<>()).add(p));
    byPack.values().forEach(pack -> client.putItem(b -> b.tableName(table).item(ChunkItems.toItem(projectId, pack,
        Duration.ofDays(30).toSeconds()))));
  }

  static boolean isSummary(Map<String, AttributeValue> item) {
    return item.get(TableSchema.SK).s().equals(SummaryItems.SUMMARY_SK);
  }

  static long exp(Map<String, AttributeValue> item) {
    return Long.parseLong(item.get(TableSchema.EXPIRES).n());
  }

  @Test
  void unreachableStoreIsReportedAsUnavailableByEveryStore() throws IOException {
    int deadPort;
    try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      deadPort = s.getLocalPort();
    }
    // Without the SDK's retries (about 3 s of backoff per call): this is about how failures are reported.
    try (DynamoDbClient dead = DynamoDbClient.builder()
        .endpointOverride(URI.create("http://127.0.0.1:" + deadPort))
        .region(Region.US_EAST_1)
        .credentialsProvider(StaticCredentialsProvider.create(AwsBasicCredentials.create("test", "test")))
        .httpClient(UrlConnectionHttpClient.create())
        .overrideConfiguration(c -> c.retryStrategy(AwsRetryStrategy.doNotRetry()))
        .build()) {
      String traceId = "0af7651916cd43dd8448eb211c80319c";
      TraceWriter writer = new DynamoTraceWriter(dead, "t", Duration.ofDays(30), null, new CapacityMeter());
      List<TraceChunk> chunks = new TraceBatcher(Duration.ofDays(30)).split(request(service("s"),
          span(OtlpFixtures.traceId(traceId), 1, 0, "op", nanos(Instant.now()), 1_000, false)), Instant.now()).chunks();

      assertThrows(StoreUnavailableException.class, () -> writer.write(1, chunks), "trace write");
      assertThrows(StoreUnavailableException.class,
          () -> new DynamoTraceReader(dead, "t", Clock.systemUTC(), new CapacityMeter()).read(1, traceId), "trace read");
      assertThrows(StoreUnavailableException.class, () -> new DynamoIngestQuota(dead, "t").tryConsume(1, 1, 1, 10), "quota");
      assertThrows(StoreUnavailableException.class, () -> new DynamoProjectStore(dead, "t", Clock.systemUTC()).find(1),
          "project lookup");
      assertThrows(StoreUnavailableException.class, () -> new DynamoTokenStore(dead, "t").findByHash("00"), "token lookup");
    }
  }

  @Test
  void aMissingTableIsAMisconfigurationNotAPassingOutage() {
    // a 503 would have exporters retry for ever; the table never appears by itself
    DynamoProjectStore projects = new DynamoProjectStore(client, "no-such-table", Clock.systemUTC());
    IllegalStateException e = assertThrows(IllegalStateException.class, () -> projects.find(1));
    assertTrue(e.getMessage().contains("TRACING_TABLE"), e.getMessage());
    assertThrows(IllegalStateException.class, () -> new DynamoIngestQuota(client, "no-such-table").tryConsume(1, 1, 1, 10));
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

    /** A page of a list reads its traces together: the pack that holds them all is read once, not once a trace. */
    @Test
    void tracesReadTogetherReadTheirSharedPackOnce() {
      List<io.opentelemetry.proto.trace.v1.Span> spans = new ArrayList<>();
      List<String> ids = new ArrayList<>();
      for (int t = 0; t < 20; t++) {
        ByteString traceId = randomTraceId();
        ids.add(OtlpIds.hex(traceId));
        for (int i = 1; i <= 3; i++) {
          spans.add(span(traceId, i, i == 1 ? 0 : 1, "op " + i, t0 + t * 1_000_000L + i, 1_000, false,
              dev.tracing.testing.OtlpFixtures.attr("user.id", "u" + t + "-" + i)));
        }
      }
      write(request(service("frontend"), spans.toArray(new io.opentelemetry.proto.trace.v1.Span[0])));
      TraceReader reader = reader();
      double before = meter.readUnitsByKind().getOrDefault("span packs", 0.0);
      Map<String, StoredTrace> one = new java.util.LinkedHashMap<>();
      for (String id : ids) {
        one.put(id, reader.read(PROJECT, id).orElseThrow());
      }
      double eachAlone = meter.readUnitsByKind().get("span packs") - before;
      List<String> asked = new ArrayList<>(ids);
      asked.add("0123456789abcdef0123456789abcdef"); // no such trace: left out
      Map<String, StoredTrace> together = reader.readAll(PROJECT, asked);
      double once = meter.readUnitsByKind().get("span packs") - before - eachAlone;

      assertEquals(ids, List.copyOf(together.keySet()), "every trace found, in the order asked");
      for (String id : ids) {
        StoredTrace a = one.get(id);
        StoredTrace b = together.get(id);
        assertEquals(a.summary().traceId(), b.summary().traceId(), id);
        assertEquals(a.summary().spanCount(), b.summary().spanCount(), id);
        assertEquals(a.summary().durationNano(), b.summary().durationNano(), id);
        assertTrue(java.util.Arrays.equals(a.summary().attributeHashes(), b.summary().attributeHashes()), id);
        assertEquals(a.chunkKeys(), b.chunkKeys(), id);
        assertEquals(a.chunks().size(), b.chunks().size(), id);
        for (int c = 0; c < a.chunks().size(); c++) {
          assertTrue(java.util.Arrays.equals(a.chunks().get(c), b.chunks().get(c)), id + " chunk " + c);
        }
      }
      assertEquals(1, together.values().stream().flatMap(t -> t.chunkKeys().stream()).distinct().count(), "one pack holds them");
      assertTrue(once > 0, "the local server charges a pack read");
      assertEquals(eachAlone / ids.size(), once, 1e-9, "read one trace at a time, the pack is read 20 times; together, once");
    }

    @Test
    void everyItemOfATraceWrittenAtOnceExpiresAtItsEarliestStartPlusRetention() {
      ByteString traceId = randomTraceId();
      Instant rootStart = now.minus(Duration.ofDays(4)).plusMillis(750);
      long start = nanos(rootStart);
      write(request(service("frontend"),
          span(traceId, 2, 1, "child", start + 5_000_000, 1_000_000, false),
          span(traceId, 1, 0, "root", start, 10_000_000, false)));

      List<Map<String, AttributeValue>> items = traceItems(table, PROJECT, OtlpIds.hex(traceId));

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

      List<Map<String, AttributeValue>> items = traceItems(table, PROJECT, OtlpIds.hex(traceId));

      long summaryExp = items.stream().filter(DynamoStorageTest::isSummary).mapToLong(DynamoStorageTest::exp)
          .findFirst().orElseThrow();
      assertEquals(rootStart.getEpochSecond() + RETENTION.toSeconds(), summaryExp);
      List<Long> chunkExps = items.stream().filter(i -> !isSummary(i)).map(DynamoStorageTest::exp).sorted().toList();
      // A pack carries the expiry of its own latest span: never before the trace's, so no span
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

      assertTrue(reader(afterExpiry).read(PROJECT, OtlpIds.hex(traceId)).isEmpty());
      assertEquals(2, traceItems(table, PROJECT, OtlpIds.hex(traceId)).size(),
          "dynalite never deletes expired items: the reader's filter is what hides them");
    }

    @Test
    void largeChunkIsStoredAsSeveralItemsEachUnderTheItemSizeLimit() {
      ByteString traceId = randomTraceId();
      write(largeRequest(traceId));

      List<Map<String, AttributeValue>> chunks = traceItems(table, PROJECT, OtlpIds.hex(traceId)).stream()
          .filter(i -> !isSummary(i)).toList();

      assertTrue(chunks.size() >= 2, "a ~600 KB chunk needs at least two items, got " + chunks.size());
      int spans = 0;
      for (Map<String, AttributeValue> chunk : chunks) {
        assertTrue(chunk.get(ChunkItems.DATA).b().asByteArrayUnsafe().length <= TraceChunk.MAX_PAYLOAD_BYTES);
        spans += Integer.parseInt(chunk.get(ChunkItems.SPAN_COUNT).n());
      }
      assertEquals(LARGE_SPANS, spans);
    }

    @Test
    void retriedLargeChunkOverwritesTheSameItems() {
      ByteString traceId = randomTraceId();
      List<TraceChunk> chunks = chunks(largeRequest(traceId));
      writer().write(PROJECT, chunks);
      List<String> keysAfterFirst = traceItems(table, PROJECT, OtlpIds.hex(traceId)).stream()
          .map(i -> i.get(TableSchema.PK).s() + " " + i.get(TableSchema.SK).s()).sorted().toList();

      writer().write(PROJECT, chunks);

      assertEquals(keysAfterFirst, traceItems(table, PROJECT, OtlpIds.hex(traceId)).stream()
          .map(i -> i.get(TableSchema.PK).s() + " " + i.get(TableSchema.SK).s()).sorted().toList());
    }

    @Test
    void requestsOfTwoTracesWithTheSameSpanIdsAreStoredApart() {
      // span packs are keyed per project: two traces reusing span ids must not share a pack key
      ByteString first = randomTraceId();
      ByteString second = randomTraceId();
      write(checkoutRequest(first, 1, 2));
      write(checkoutRequest(second, 1, 2));

      for (ByteString traceId : List.of(first, second)) {
        StoredTrace stored = read(traceId);
        assertEquals(List.of(1L, 2L), spanIds(stored), "spans of " + OtlpIds.hex(traceId));
        assertEquals(1, stored.chunks().size(), "one pack for " + OtlpIds.hex(traceId));
      }
      assertNotEquals(read(first).chunkKeys(), read(second).chunkKeys());
    }

    @Test
    void spansOfARequestThatFailedBeforeItsSummaryUpdateStayHiddenUntilTheRetryCountsThem() {
      ByteString traceId = randomTraceId();
      write(checkoutRequest(traceId, 1, 2));
      List<TraceChunk> failed = chunks(checkoutRequest(traceId, 3, 4));
      putPacks(table, PROJECT, failed);

      StoredTrace before = read(traceId);
      assertEquals(List.of(1L, 2L), spanIds(before));
      assertEquals(2, before.summary().spanCount());

      writer().write(PROJECT, failed); // the exporter's retry

      StoredTrace after = read(traceId);
      assertEquals(List.of(1L, 2L, 3L, 4L), spanIds(after));
      assertEquals(4, after.summary().spanCount());
      assertEquals(1, after.summary().errorCount());
    }

    @Test
    void traceWhoseOnlyRequestFailedBeforeItsSummaryIsNotFound() {
      ByteString traceId = randomTraceId();
      putPacks(table, PROJECT, chunks(checkoutRequest(traceId, 1, 2)));

      assertTrue(reader().read(PROJECT, OtlpIds.hex(traceId)).isEmpty());
    }

    @Test
    void consumedCapacityOfWritesAndReadsArrivesInTheMeter() {
      // dynalite reports ReturnConsumedCapacity like DynamoDB: writes 1 unit per started KB of the
      // item (an overwrite the larger of old and new), strongly consistent reads 1 unit per started
      // 4 KB, eventually consistent ones half that; a GetItem that finds nothing costs 1 unit.
      ByteString traceId = randomTraceId();
      List<TraceChunk> chunks = chunks(request(service("frontend"),
          span(traceId, 1, 0, "GET /", t0, 1_000_000, false),
          span(traceId, 2, 1, "db", t0 + 1, 1_000, false)));

      writer().write(PROJECT, chunks);
      // one span pack, one summary item, 5 minute rollup cells (the service, its 2 operations, all
      // traces, the service's traces), the mark of their hour for the rollup compaction and the mark
      // of the summary's index hour for the term blocks, each under 1 KB
      assertEquals(9.0, meter.writeUnits(), "one span pack, one summary item, 5 rollup cells, 2 compaction marks");
      assertEquals(1.0, meter.readUnits(), "the consistent read of the (absent) summary");

      writer().write(PROJECT, chunks);
      assertEquals(11.0, meter.writeUnits(), "a retry puts the pack again and marks the summary's index hour again, but"
          + " leaves the summary and rollups alone");
      assertEquals(2.0, meter.readUnits(), "a retry reads the summary once");

      meter.reset();
      read(traceId);
      assertEquals(0.0, meter.writeUnits());
      assertEquals(1.0, meter.readUnits(), "two eventually consistent reads of under 4 KB: the summary, its span pack");
    }
  }

  @Nested
  class Index extends TraceIndexContract {
    final String table = newTable();

    @Override
    protected TraceWriter writer() {
      return new DynamoTraceWriter(client, table, RETENTION, summaryPool, new CapacityMeter());
    }

    @Override
    protected TraceIndex index(Clock clock) {
      return new DynamoTraceIndex(client, table, clock, new CapacityMeter());
    }

    /**
     * A sparse project's 30 days: after a few empty hours, each past day is asked once whether it
     * holds a trace, and only the hours of days that do are read; every trace is still listed.
     */
    @Test
    void aSparseMonthReadsTheHoursOfItsBusyDaysOnly() {
      long hour = Duration.ofHours(1).toNanos();
      long today = nanos(Instant.now().truncatedTo(ChronoUnit.DAYS));
      List<String> written = new ArrayList<>();
      // today (always read hour by hour), 2 and 17 days ago (one of them on two hours), the window's first day
      for (long t : new long[] {today + 5_000_000L, today - 2 * 24 * hour + 3 * hour, today - 17 * 24 * hour + 7 * hour,
          today - 17 * 24 * hour + 20 * hour, today - 28 * 24 * hour}) {
        written.add(trace(t));
      }
      long end = nanos(Instant.now());
      long start = end - Duration.ofDays(30).toNanos();
      // the queries the scan sends, counted on a client of its own (the local server charges an
      // empty query nothing, DynamoDB at least half a read unit, so the count is what is asserted)
      AtomicInteger queries = new AtomicInteger();
      try (DynamoDbClient counted =
               DynamoDbClient.builder()
                   .endpointOverride(db.endpoint()).region(Region.US_EAST_1)
                   .credentialsProvider(StaticCredentialsProvider.create(
                       AwsBasicCredentials.create(DynamoClients.LOCAL_ACCESS_KEY, "local")))
                   .overrideConfiguration(c -> c.addExecutionInterceptor(
                       new ExecutionInterceptor() {
                         @Override
                         public void beforeExecution(Context.BeforeExecution context,
                                                     ExecutionAttributes attributes) {
                           if (context.request() instanceof QueryRequest) {
                             queries.incrementAndGet();
                           }
                         }
                       }))
                   .build()) {
        for (boolean descending : new boolean[] {true, false}) {
          queries.set(0);
          List<TraceRow> rows = new ArrayList<>();
          new DynamoTraceIndex(counted, table, Clock.systemUTC(), new CapacityMeter()).scan(project, start, end, descending,
              Integer.MAX_VALUE, rows::add);
          List<String> listed = rows.stream().map(TraceRow::traceId).toList();
          assertEquals(Set.copyOf(written), Set.copyOf(listed), "every trace of the month, once");
          assertEquals(written.size(), listed.size());
          List<Long> times = rows.stream().map(TraceRow::timestampNano).toList();
          List<Long> sorted = new ArrayList<>(times);
          sorted.sort(descending ? Comparator.reverseOrder() : Comparator.naturalOrder());
          assertEquals(sorted, times, "in order");
          System.out.printf("a sparse month, %s: %d queries%n", descending ? "newest first" : "oldest first", queries.get());
          // 721 hours read one by one would be 721 queries: here today's hours, the three busy days'
          // 72, the 31 days asked once each, and three empty hours before each run of asking
          assertTrue(queries.get() <= 24 + 3 * 24 + 31 + 3 * 4, "queries of a sparse month: " + queries.get());
        }
      }
    }
  }

  @Nested
  class Catalog extends ServiceCatalogContract {
    final String table = newTable();

    @Override
    protected ServiceCatalog catalog(Clock clock) {
      return new DynamoServiceCatalog(client, table, clock, RETENTION);
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
