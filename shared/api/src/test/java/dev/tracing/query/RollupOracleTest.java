package dev.tracing.query;

import static dev.tracing.testing.OtlpFixtures.attr;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.protobuf.ByteString;
import dev.tracing.api.ApiResponse;
import dev.tracing.rollup.DurationHistogram;
import dev.tracing.rollup.Granularity;
import io.opentelemetry.proto.collector.trace.v1.ExportTraceServiceRequest;
import io.opentelemetry.proto.resource.v1.Resource;
import io.opentelemetry.proto.trace.v1.ResourceSpans;
import io.opentelemetry.proto.trace.v1.ScopeSpans;
import io.opentelemetry.proto.trace.v1.Span;
import io.opentelemetry.proto.trace.v1.Status;
import java.nio.ByteBuffer;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.TreeMap;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import tools.jackson.databind.JsonNode;

/**
 * Service metrics, the service map and rollup analytics against a brute-force oracle over the same
 * spans, on the local DynamoDB: counts and error counts exactly, percentiles within the
 * histogram's stated relative error. The spans of each trace arrive as real services send them:
 * each service's spans in its own requests, in shuffled order, some requests retried, some traces
 * arriving hours after they started.
 */
class RollupOracleTest {
  private static final Instant NOW = Instant.parse("2026-11-24T12:00:00Z");
  private static final long NS = 1_000_000_000L;
  private static final long PROJECT = 42;
  private static final long NAMESPACE = 4;
  private static final String[] SERVICES = {"frontend", "checkout", "payment", "inventory", "db"};
  private static final Map<String, String[]> OPERATIONS = Map.of(
      "frontend", new String[] {"GET /cart", "POST /checkout", "GET /"},
      "checkout", new String[] {"PlaceOrder", "GetQuote"},
      "payment", new String[] {"Charge"},
      "inventory", new String[] {"Reserve", "Lookup"},
      "db", new String[] {"SELECT", "UPDATE"});

  /** A span as the oracle sees it. */
  record Sent(String traceId, long spanId, long parentId, String service, String name, long start, long end, boolean error) {
    long duration() {
      return end - start;
    }
  }

  private static QueryStack stack;
  private static final List<Sent> SPANS = new ArrayList<>();

  @BeforeAll
  static void ingest() {
    stack = QueryStack.create("rollups", Clock.fixed(NOW, ZoneOffset.UTC));
    Random random = new Random(20261124);
    long windowStart = NOW.getEpochSecond() * NS - Duration.ofDays(6).toNanos();
    long windowNanos = Duration.ofDays(6).toNanos() - Duration.ofMinutes(10).toNanos();
    long nextSpanId = 1;
    for (int t = 0; t < 240; t++) {
      String traceId = String.format("%032x", 0x1000L + t);
      long rootStart = windowStart + (long) (random.nextDouble() * windowNanos);
      List<Sent> trace = new ArrayList<>();
      nextSpanId = build(trace, traceId, random, nextSpanId, 0, "frontend", rootStart, 0);
      if (t % 17 == 0) {
        trace.remove(0); // no root: the trace stays in progress, headed by its earliest span
      }
      SPANS.addAll(trace);
    }
    // each service exports its own spans, in batches of up to 40, in shuffled order
    Map<String, List<Sent>> byService = new LinkedHashMap<>();
    for (Sent s : SPANS) {
      byService.computeIfAbsent(s.service(), k -> new ArrayList<>()).add(s);
    }
    List<ExportTraceServiceRequest> requests = new ArrayList<>();
    for (Map.Entry<String, List<Sent>> e : byService.entrySet()) {
      List<Sent> spans = new ArrayList<>(e.getValue());
      Collections.shuffle(spans, random);
      for (int from = 0; from < spans.size(); from += 40) {
        requests.add(request(e.getKey(), spans.subList(from, Math.min(spans.size(), from + 40))));
      }
    }
    Collections.shuffle(requests, random);
    for (int i = 0; i < requests.size(); i++) {
      stack.ingest(NAMESPACE, PROJECT, requests.get(i));
      if (i % 5 == 0) {
        stack.ingest(NAMESPACE, PROJECT, requests.get(i)); // an exporter retrying: nothing counts twice
      }
    }
    // every view as the minute cells answer it, then compacted into hourly cells
    for (String[] view : VIEWS) {
      BEFORE_COMPACTION.put(String.join(" ", view), stack.getRoute(PROJECT, view[0], window(view[1].split(","))).bodyText());
    }
    COMPACTED_HOURS = stack.tracing.rollups().compact(PROJECT, NOW.getEpochSecond());
  }

  private static final String[][] VIEWS = {{"/services/metrics", "interval,3600"}, {"/services/metrics", "interval,7200,service_name,db"},
      {"/services/metrics", "interval,10800"}, {"/services/metrics", "interval,86400,service_name,checkout"},
      {"/services/map", ""}, {"/traces/analytics", ""}, {"/traces/analytics", "service_name,payment"},
      {"/traces/analytics", "status,error"}};
  private static final Map<String, String> BEFORE_COMPACTION = new LinkedHashMap<>();
  private static int COMPACTED_HOURS;

  @Test
  void compactionChangesNoFigure() {
    assertTrue(COMPACTED_HOURS > 100, "the spans of 6 days fall in more than 100 hours: " + COMPACTED_HOURS);
    RollupStoreState state = RollupStoreState.of(stack);
    assertTrue(state.pendingHours().isEmpty(), "every finished hour is compacted: " + state.pendingHours());
    for (String[] view : VIEWS) {
      String key = String.join(" ", view);
      assertEquals(BEFORE_COMPACTION.get(key), stack.getRoute(PROJECT, view[0], window(view[1].split(","))).bodyText(),
          "hourly cells hold the sums of their minute cells: " + key);
    }
  }

  /** The compaction state as a reader sees it. */
  private record RollupStoreState(long compactedBeforeSecond, java.util.Set<Long> pendingHours) {
    static RollupStoreState of(QueryStack s) {
      var c = s.tracing.rollups().compaction(PROJECT);
      return new RollupStoreState(c.compactedBeforeSecond(), c.pendingHours());
    }
  }

  @Test
  void spansArrivingAfterTheirHourWasCompactedAreCountedAtOnceAndCompactedAgain() {
    long project = 43;
    long hourStart = NOW.getEpochSecond() * NS - Duration.ofHours(5).toNanos();
    List<Sent> first = List.of(new Sent(String.format("%032x", 0xabcL), 9001, 0, "frontend", "GET /", hourStart + 10 * 60 * NS,
        hourStart + 10 * 60 * NS + 5_000_000, false));
    stack.ingest(NAMESPACE, project, request("frontend", first));
    assertTrue(stack.tracing.rollups().compact(project, NOW.getEpochSecond()) >= 1);
    QueryStack.Params day = QueryStack.Params.of("period", "24h", "interval", "3600");
    assertEquals(1, metrics(project, day).get("services").get(0).get("span_count").asLong());
    // a late child span of another service, in the compacted hour
    List<Sent> late = List.of(new Sent(String.format("%032x", 0xabcL), 9002, 9001, "checkout", "PlaceOrder",
        hourStart + 11 * 60 * NS, hourStart + 11 * 60 * NS + 3_000_000, true));
    stack.ingest(NAMESPACE, project, request("checkout", late));
    assertTrue(stack.tracing.rollups().compaction(project).pendingHours().contains(
        Math.floorDiv(hourStart / NS, 3600) * 3600), "the hour is pending again");
    for (int round = 0; round < 2; round++) {
      JsonNode services = metrics(project, day).get("services");
      assertEquals(2, services.size(), "counted before and after compacting again: " + services);
      JsonNode map = QueryStack.JSON.readTree(stack.getRoute(project, "/services/map", QueryStack.Params.of("period", "24h")).body());
      assertEquals(1, map.get("edges").size(), map.toString());
      assertEquals(1, map.get("edges").get(0).get("error_count").asLong());
      stack.tracing.rollups().compact(project, NOW.getEpochSecond());
    }
    assertTrue(stack.tracing.rollups().compaction(project).pendingHours().isEmpty());
  }

  /**
   * Three-hour and daily cells are read where they fit, never while pending at their level or
   * holding a pending hour, and built again once an hour in them is compacted again.
   */
  @Test
  void compactedBlocksAreReadWhereTheyFitAndNeverWhilePending() {
    long project = 44;
    long daySecond = Math.floorDiv(NOW.getEpochSecond(), 86_400) * 86_400 - 2 * 86_400; // a finished day
    long spanStart = (daySecond + 5 * 3600 + 600) * NS;
    stack.ingest(NAMESPACE, project, request("frontend", List.of(new Sent(String.format("%032x", 0xd1L), 7001, 0, "frontend",
        "GET /", spanStart, spanStart + 4_000_000, false))));
    stack.tracing.rollups().compact(project, NOW.getEpochSecond());
    var state = stack.tracing.rollups().compaction(project);
    for (Granularity g : List.of(Granularity.THREE_HOURS, Granularity.DAY)) {
      assertTrue(state.coarse().get(g).builtBeforeSecond() >= daySecond + 86_400, g + " built past the day: " + state);
      assertTrue(state.coarse().get(g).pending().isEmpty(), g + " has nothing left to build: " + state);
    }
    assertTrue(state.complete(Granularity.DAY, daySecond));
    QueryStack.Params week = QueryStack.Params.of("period", "7d");
    assertEquals(1, mapSpanCount(project, week, "frontend"));

    // a daily cell that disagreed with its hours would show: the map reads the day's cell
    String table = stack.table;
    // the day's cell and its digest (what a series point of one day reads), both saying `count`
    java.util.function.Consumer<Long> writeDayCell = count -> {
      stack.tracing.client().putItem(b -> b.tableName(table).item(Map.of(
          "pk", AttributeValue.fromS("R#" + project + "#S#d##" + Math.floorDiv(daySecond / 86_400, 16)),
          "sk", AttributeValue.fromS(String.format("%010d#frontend", daySecond)),
          "c", AttributeValue.fromN(Long.toString(count)))));
      java.io.ByteArrayOutputStream entry = new java.io.ByteArrayOutputStream();
      dev.tracing.rollup.Varints.writeBytes(entry, "frontend".getBytes(java.nio.charset.StandardCharsets.UTF_8));
      dev.tracing.rollup.Varints.write(entry, count * 2);
      dev.tracing.rollup.Varints.write(entry, 0);
      // a digest of all items, its five percentiles in bucket 300 (~0.15 s), nothing by status
      entry.write(1);
      for (int p = 0; p < 5; p++) {
        dev.tracing.rollup.Varints.write(entry, 300);
      }
      entry.write(0);
      entry.write(0);
      java.io.ByteArrayOutputStream packed = new java.io.ByteArrayOutputStream();
      dev.tracing.rollup.Varints.writeBytes(packed, entry.toByteArray());
      stack.tracing.client().putItem(b -> b.tableName(table).item(Map.of(
          "pk", AttributeValue.fromS("R#" + project + "#S#dq##" + Math.floorDiv(daySecond / 86_400, 16)),
          "sk", AttributeValue.fromS(String.format("%010d#~", daySecond)),
          "pb", AttributeValue.fromB(software.amazon.awssdk.core.SdkBytes.fromByteArray(packed.toByteArray())))));
    };
    writeDayCell.accept(1000L);
    assertEquals(1000, daySpanCount(project, "frontend", daySecond), "the day's point comes from its daily cell's digest");
    assertEquals(1, mapSpanCount(project, week, "frontend"), "the map's totals are differences of prefix sums");

    // pending at its level (a compactor stopped before building it again): read from its hours instead
    stack.tracing.client().updateItem(b -> b.tableName(table)
        .key(Map.of("pk", AttributeValue.fromS("R#" + project + "#C"), "sk", AttributeValue.fromS("#")))
        .updateExpression("ADD dd :d").expressionAttributeValues(Map.of(":d", AttributeValue.fromNs(List.of(Long.toString(daySecond))))));
    assertFalse(stack.tracing.rollups().compaction(project).complete(Granularity.DAY, daySecond));
    assertEquals(1, daySpanCount(project, "frontend", daySecond), "a pending day is read from its three-hour cells");
    stack.tracing.rollups().compact(project, NOW.getEpochSecond());
    assertTrue(stack.tracing.rollups().compaction(project).coarse().get(Granularity.DAY).pending().isEmpty());
    assertEquals(1, daySpanCount(project, "frontend", daySecond), "built again from its hours");

    // a late span in the finished day: its hour is pending, so the day is not read until compacted again
    writeDayCell.accept(1000L);
    long lateStart = spanStart + 60 * NS;
    stack.ingest(NAMESPACE, project, request("checkout", List.of(new Sent(String.format("%032x", 0xd1L), 7002, 7001,
        "checkout", "PlaceOrder", lateStart, lateStart + 2_000_000, true))));
    assertFalse(stack.tracing.rollups().compaction(project).complete(Granularity.DAY, daySecond));
    assertEquals(1, daySpanCount(project, "frontend", daySecond));
    assertEquals(1, daySpanCount(project, "checkout", daySecond), "counted at once, from its minute cells");
    assertEquals(1, mapSpanCount(project, week, "checkout"), "the prefix sums stop before the pending hour");
    stack.tracing.rollups().compact(project, NOW.getEpochSecond());
    var after = stack.tracing.rollups().compaction(project);
    assertTrue(after.complete(Granularity.DAY, daySecond) && after.complete(Granularity.THREE_HOURS, daySecond + 3 * 3600),
        "the day and its block were built again: " + after);
    assertEquals(1, daySpanCount(project, "frontend", daySecond), "the rebuilt daily cell holds its hours' sums");
    assertEquals(1, daySpanCount(project, "checkout", daySecond));
    assertEquals(1, mapSpanCount(project, week, "checkout"), "the prefix sums after the hour were rebuilt");
    JsonNode metricsByDay = metrics(project, QueryStack.Params.of("period", "7d", "interval", "86400"));
    assertEquals(2, metricsByDay.get("services").size(), metricsByDay.toString());
  }

  /**
   * Once compacted, a long window's totals are differences of prefix sums and its series points of
   * whole three-hour blocks their digests: no three-hour or daily histogram is read (the figures
   * equal the oracle's and the minute cells': the tests above).
   */
  @Test
  void longViewsReadPrefixSumsAndDigestsInsteadOfHistograms() {
    var meter = stack.tracing.meter();
    meter.reset();
    assertEquals(200, stack.getRoute(PROJECT, "/services/map", window()).status());
    Map<String, Double> map = meter.readUnitsByKind();
    assertTrue(map.containsKey("rollups, prefix sums"), map.toString());
    assertFalse(map.containsKey("rollups, day") || map.containsKey("rollups, three hours"), map.toString());
    meter.reset();
    assertEquals(200, stack.getRoute(PROJECT, "/services/metrics", window("interval,10800".split(","))).status());
    Map<String, Double> metrics = meter.readUnitsByKind();
    assertTrue(metrics.containsKey("rollups, three hours digests") && metrics.containsKey("rollups, prefix sums"),
        metrics.toString());
    assertFalse(metrics.containsKey("rollups, day") || metrics.containsKey("rollups, three hours"), metrics.toString());
    meter.reset();
    assertEquals(200, stack.getRoute(PROJECT, "/traces/analytics", window("status,error".split(","))).status());
    Map<String, Double> analytics = meter.readUnitsByKind();
    assertTrue(analytics.containsKey("rollups, three hours digests"), analytics.toString());
    assertFalse(analytics.containsKey("rollups, three hours"), analytics.toString());
  }

  /**
   * The map's totals are differences of prefix sums where those are exact, and read from cells from
   * an hour whose sums wait to be rebuilt (a compactor stopped half way) until the next run rebuilds them.
   */
  @Test
  void prefixSumsAreReadOnlyWhereExact() {
    long project = 46;
    long hourSecond = Math.floorDiv(NOW.getEpochSecond(), 3600) * 3600 - 5 * 3600;
    ingestRootSpan(project, 0xf1L, (hourSecond + 300) * NS);
    stack.tracing.rollups().compact(project, NOW.getEpochSecond());
    long blockStart = Math.floorDiv(hourSecond, dev.tracing.storage.RollupStore.PREFIX_BLOCK_SECONDS)
        * dev.tracing.storage.RollupStore.PREFIX_BLOCK_SECONDS;
    var state = stack.tracing.rollups().compaction(project);
    assertTrue(state.prefixUsableTo(blockStart) > hourSecond, "sums built past the hour: " + state);
    QueryStack.Params day = QueryStack.Params.of("period", "24h");
    assertEquals(1, mapSpanCount(project, day, "frontend"));

    // a wrong sum at the end of the hour: read, since the state says the sums there are exact
    java.io.ByteArrayOutputStream entry = new java.io.ByteArrayOutputStream();
    dev.tracing.rollup.Varints.writeBytes(entry, "frontend".getBytes(java.nio.charset.StandardCharsets.UTF_8));
    dev.tracing.rollup.Varints.write(entry, 2000);
    dev.tracing.rollup.Varints.write(entry, 0);
    dev.tracing.rollup.Varints.writeBytes(entry, new byte[0]);
    dev.tracing.rollup.Varints.writeBytes(entry, new byte[0]);
    java.io.ByteArrayOutputStream packed = new java.io.ByteArrayOutputStream();
    dev.tracing.rollup.Varints.writeBytes(packed, entry.toByteArray());
    stack.tracing.client().putItem(b -> b.tableName(stack.table).item(Map.of(
        "pk", AttributeValue.fromS("R#" + project + "#S#p##" + blockStart / dev.tracing.storage.RollupStore.PREFIX_BLOCK_SECONDS),
        "sk", AttributeValue.fromS(String.format("%010d#~", hourSecond + 3600)),
        "pb", AttributeValue.fromB(software.amazon.awssdk.core.SdkBytes.fromByteArray(packed.toByteArray())))));
    assertEquals(1000, mapSpanCount(project, day, "frontend"), "the sums are what the map reads");

    // the hour's sums waiting to be rebuilt (left by a compactor that stopped): read from its cells
    var key = Map.of("pk", AttributeValue.fromS("R#" + project + "#C"), "sk", AttributeValue.fromS("#"));
    stack.tracing.client().updateItem(b -> b.tableName(stack.table).key(key).updateExpression("ADD dp :h")
        .expressionAttributeValues(Map.of(":h", AttributeValue.fromNs(List.of(Long.toString(hourSecond))))));
    assertEquals(hourSecond, stack.tracing.rollups().compaction(project).prefixUsableTo(blockStart));
    assertEquals(1, mapSpanCount(project, day, "frontend"), "from the hour on, cells");
    assertEquals(1, metrics(project, QueryStack.Params.of("period", "24h", "interval", "10800")).get("services").get(0)
        .get("span_count").asLong());

    stack.tracing.rollups().compact(project, NOW.getEpochSecond());
    var rebuilt = stack.tracing.rollups().compaction(project);
    assertTrue(rebuilt.prefixPending().isEmpty() && rebuilt.prefixUsableTo(blockStart) > hourSecond, rebuilt.toString());
    assertEquals(1, mapSpanCount(project, day, "frontend"), "the next run rebuilt the sums from the hour");
  }

  /** A compactor that took an hour and stopped before writing its hourly cells leaves it pending, not lost. */
  @Test
  void aCompactorThatStopsHalfWayLosesNothing() {
    long project = 45;
    long hourSecond = Math.floorDiv(NOW.getEpochSecond(), 3600) * 3600 - 4 * 3600;
    ingestRootSpan(project, 0xe1L, (hourSecond + 120) * NS);
    QueryStack.Params day = QueryStack.Params.of("period", "24h");
    assertEquals(1, mapSpanCount(project, day, "frontend"));
    // what a compactor leaves when it stops right after taking the hour (its state moved to "dh",
    // no hourly cell written), then records how far it got as the next run would
    var key = Map.of("pk", AttributeValue.fromS("R#" + project + "#C"), "sk", AttributeValue.fromS("#"));
    stack.tracing.client().updateItem(b -> b.tableName(stack.table).key(key)
        .updateExpression("ADD dh :h DELETE d :h SET w = :w")
        .expressionAttributeValues(Map.of(":h", AttributeValue.fromNs(List.of(Long.toString(hourSecond))),
            ":w", AttributeValue.fromN(Long.toString(hourSecond + 3 * 3600)))));
    var state = stack.tracing.rollups().compaction(project);
    assertTrue(state.pendingHours().contains(hourSecond) && !state.hourlyComplete(hourSecond),
        "an hour in progress is pending to readers: " + state);
    assertEquals(1, mapSpanCount(project, day, "frontend"), "read from its minute cells");
    stack.tracing.rollups().compact(project, NOW.getEpochSecond());
    assertTrue(stack.tracing.rollups().compaction(project).hourlyComplete(hourSecond), "the next run compacts it");
    assertEquals(1, mapSpanCount(project, day, "frontend"), "from its hourly cell");
    assertEquals(1, metrics(project, QueryStack.Params.of("period", "24h", "interval", "3600")).get("services").get(0)
        .get("span_count").asLong());
  }

  /**
   * The hour still open is read from its running sums at the end of its last finished block and the
   * minutes after them; a block written to since it was built makes the sums from it on unread
   * until they are built again, and a wrong running sum would show (so they are what is read).
   */
  @Test
  void theOpenHourReadsRunningSumsOfFinishedBlocksOnly() {
    long project = 47;
    long hourSecond = Math.floorDiv(NOW.getEpochSecond(), 3600) * 3600;
    long nowSecond = hourSecond + 47 * 60;
    QueryStack open = stack.withClock(Clock.fixed(Instant.ofEpochSecond(nowSecond), ZoneOffset.UTC));
    try {
      // blocks 0, 1, 2 and 4 of the hour; block 3 stays empty
      for (int minute : new int[] {3, 15, 27, 41}) {
        ingestRootSpan(open, project, 0x470L + minute, (hourSecond + minute * 60 + 5) * NS);
      }
      var marked = open.tracing.rollups().compaction(project);
      assertEquals(java.util.Set.of(hourSecond, hourSecond + 600, hourSecond + 1200, hourSecond + 2400),
          marked.tenMinutes().pending(), "ingest marks the ten-minute blocks it wrote to: " + marked);
      assertEquals(0, open.tracing.rollups().compact(project, nowSecond), "no hour is over");
      var state = open.tracing.rollups().compaction(project);
      assertEquals(hourSecond, state.tenMinutes().fromSecond(), "a new project's level starts at its oldest hour");
      assertEquals(hourSecond + 2400, state.tenMinutes().builtBeforeSecond(), "blocks finished a minute ago are built");
      assertEquals(java.util.Set.of(hourSecond + 2400), state.tenMinutes().pending(), "the block still open waits");
      for (long b = hourSecond; b < hourSecond + 2400; b += 600) {
        assertTrue(state.complete(Granularity.TEN_MINUTES, b), "block " + b + " is complete: " + state);
      }
      QueryStack.Params hour = QueryStack.Params.of("period", "1h");
      var meter = open.tracing.meter();
      meter.reset();
      assertEquals(4, mapSpanCount(open, project, hour, "frontend"));
      assertTrue(meter.readUnitsByKind().containsKey("rollups, ten minutes"), meter.readUnitsByKind().toString());
      JsonNode series = metrics(open, project, QueryStack.Params.of("period", "1h", "interval", "600")).get("services")
          .get(0);
      assertEquals(4, series.get("span_count").asLong(), series.toString());
      java.util.Map<Long, Long> perBlock = new java.util.TreeMap<>();
      for (JsonNode point : series.get("series")) {
        if (point.get("span_count").asLong() != 0) {
          perBlock.put(point.get("interval").asLong(), point.get("span_count").asLong());
        }
      }
      assertEquals(java.util.Map.of(hourSecond, 1L, hourSecond + 600, 1L, hourSecond + 1200, 1L, hourSecond + 2400, 1L),
          perBlock, "each block's point is the difference of two running sums: " + series);

      // a wrong running sum is read while its block is complete: the sums up to block 2 replaced by
      // those up to block 0 lose the spans of blocks 1 and 2...
      String pk = "R#" + project + "#S#xp##" + Math.floorDiv(hourSecond / 86_400, 16);
      var stored = open.tracing.client().getItem(b -> b.tableName(open.table).key(Map.of("pk", AttributeValue.fromS(pk),
          "sk", AttributeValue.fromS(String.format("%010d#~", hourSecond + 600))))).item();
      assertFalse(stored.isEmpty(), "the running sums at the end of block 0");
      Map<String, AttributeValue> wrong = new java.util.HashMap<>(stored);
      wrong.put("sk", AttributeValue.fromS(String.format("%010d#~", hourSecond + 1800)));
      open.tracing.client().putItem(b -> b.tableName(open.table).item(wrong));
      assertEquals(2, mapSpanCount(open, project, hour, "frontend"), "the running sums are what is read");
      // ...and not once a span lands in a block before it: the blocks from there on are read from
      // their minutes until the next run builds them again
      ingestRootSpan(open, project, 0x47aL, (hourSecond + 22 * 60) * NS);
      var written = open.tracing.rollups().compaction(project);
      assertTrue(written.complete(Granularity.TEN_MINUTES, hourSecond + 600), written.toString());
      assertFalse(written.complete(Granularity.TEN_MINUTES, hourSecond + 1200), written.toString());
      assertFalse(written.complete(Granularity.TEN_MINUTES, hourSecond + 1800), "the sums after a pending block change");
      assertEquals(5, mapSpanCount(open, project, hour, "frontend"), "counted at once, from its minute cells");
      open.tracing.rollups().compact(project, nowSecond);
      assertTrue(open.tracing.rollups().compaction(project).complete(Granularity.TEN_MINUTES, hourSecond + 1800));
      assertEquals(5, mapSpanCount(open, project, hour, "frontend"), "built again from the block on");

      // a project whose compactor built per-block ten-minute cells: every hour from where they
      // started is built again as running sums, the first run marking its blocks pending
      var key = Map.of("pk", AttributeValue.fromS("R#" + project + "#C"), "sk", AttributeValue.fromS("#"));
      open.tracing.client().updateItem(b -> b.tableName(open.table).key(key)
          .updateExpression("SET fx = :f REMOVE fr").expressionAttributeValues(Map.of(":f",
              AttributeValue.fromN(Long.toString(hourSecond)))));
      open.tracing.client().deleteItem(b -> b.tableName(open.table).key(Map.of("pk", AttributeValue.fromS(pk),
          "sk", AttributeValue.fromS(String.format("%010d#~", hourSecond + 1800)))));
      open.tracing.rollups().compact(project, nowSecond);
      var rebuilt = open.tracing.rollups().compaction(project);
      assertEquals(hourSecond, rebuilt.tenMinutes().fromSecond(), rebuilt.toString());
      assertTrue(rebuilt.complete(Granularity.TEN_MINUTES, hourSecond + 1800), rebuilt.toString());
      assertEquals(java.util.Set.of(hourSecond + 2400), rebuilt.tenMinutes().pending(), rebuilt.toString());
      assertEquals(5, mapSpanCount(open, project, hour, "frontend"), "the deleted sums were built again");

      // a project compacted before ingest marked ten-minute blocks: its level starts after the next hour
      open.tracing.client().updateItem(b -> b.tableName(open.table).key(key).updateExpression("REMOVE fx, fr, vx"));
      open.tracing.rollups().compact(project, nowSecond);
      var upgraded = open.tracing.rollups().compaction(project);
      assertEquals(hourSecond + 2 * 3600, upgraded.tenMinutes().fromSecond(), upgraded.toString());
      assertFalse(upgraded.complete(Granularity.TEN_MINUTES, hourSecond), "blocks before the level's start are not read");
      assertEquals(5, mapSpanCount(open, project, hour, "frontend"), "read from minutes");
    } finally {
      open.close();
    }
  }

  /**
   * A busy project's open block: the compactor sums its minutes that ended 90 s ago into the hour's
   * running sums, which views read instead of those minutes (the same answers, to the byte), until
   * a span lands late in a minute they summed; the next run sums it in. A quiet project's open
   * block is left to its minutes (cheaper to read than to write sums for).
   */
  @Test
  void aBusyOpenBlockIsReadAsRunningSumsUpToItsSettledMinutes() {
    long project = 48;
    long hourSecond = Math.floorDiv(NOW.getEpochSecond(), 3600) * 3600;
    long nowSecond = hourSecond + 27 * 60 + 45;
    long openBlock = hourSecond + 1200;
    long openTo = hourSecond + 26 * 60; // the last minute that ended 90 s ago is minute 25
    QueryStack open = stack.withClock(Clock.fixed(Instant.ofEpochSecond(nowSecond), ZoneOffset.UTC));
    try {
      Random random = new Random(48);
      long nextSpanId = 1;
      List<Sent> spans = new ArrayList<>();
      // blocks 0 and 1 a few traces; minutes 20 to 27 of the open block 40 traces each
      for (int t = 0; t < 340; t++) {
        int minute = t < 20 ? t : 20 + (t - 20) / 40;
        long start = (hourSecond + minute * 60L) * NS + random.nextInt(50_000) * 1_000_000L;
        nextSpanId = build(spans, String.format("%032x", 0x4800L + t), random, nextSpanId, 0, "frontend", start, 0);
      }
      Map<String, List<Sent>> byService = new LinkedHashMap<>();
      spans.forEach(sent -> byService.computeIfAbsent(sent.service(), k -> new ArrayList<>()).add(sent));
      byService.forEach((service, list) -> {
        for (int from = 0; from < list.size(); from += 200) {
          open.ingest(NAMESPACE, project, request(service, list.subList(from, Math.min(list.size(), from + 200))));
        }
      });
      QueryStack.Params hour = QueryStack.Params.of("period", "1h");
      QueryStack.Params blocks = QueryStack.Params.of("period", "1h", "interval", "600");
      String mapFromMinutes = open.getRoute(project, "/services/map", hour).bodyText();
      String metricsFromMinutes = open.getRoute(project, "/services/metrics", blocks).bodyText();
      open.tracing.rollups().compact(project, nowSecond);
      var state = open.tracing.rollups().compaction(project);
      assertEquals(openTo, state.openBlockRunningTo(), "the open block's settled minutes are summed: " + state);
      assertEquals(openTo, state.runningWithin(openBlock), state.toString());
      assertFalse(state.complete(Granularity.TEN_MINUTES, openBlock), "the open block is not a finished one");
      var meter = open.tracing.meter();
      meter.reset();
      assertEquals(mapFromMinutes, open.getRoute(project, "/services/map", hour).bodyText(), "the same map");
      assertEquals(metricsFromMinutes, open.getRoute(project, "/services/metrics", blocks).bodyText(),
          "the same series: the open block's point is its running sums and two minutes");
      assertTrue(meter.readUnitsByKind().containsKey("rollups, ten minutes"), meter.readUnitsByKind().toString());
      assertEquals(spans.stream().filter(sent -> sent.service().equals("frontend")).count(),
          mapSpanCount(open, project, hour, "frontend"), "the oracle's count");

      // the sums inside the open block are what is read: replaced by those up to its start, they
      // lose the spans of minutes 20 to 25...
      String pk = "R#" + project + "#S#xp##" + Math.floorDiv(hourSecond / 86_400, 16);
      java.util.function.Function<Long, Map<String, AttributeValue>> runningAt = boundary -> open.tracing.client()
          .getItem(b -> b.tableName(open.table).key(Map.of("pk", AttributeValue.fromS(pk),
              "sk", AttributeValue.fromS(String.format("%010d#~", boundary))))).item();
      Map<String, AttributeValue> inside = runningAt.apply(openTo);
      assertFalse(inside.isEmpty(), "the running sums inside the open block");
      Map<String, AttributeValue> wrong = new java.util.HashMap<>(runningAt.apply(openBlock));
      wrong.put("sk", inside.get("sk"));
      open.tracing.client().putItem(b -> b.tableName(open.table).item(wrong));
      long frontend = spans.stream().filter(sent -> sent.service().equals("frontend")).count();
      long settled = spans.stream().filter(sent -> sent.service().equals("frontend") && sent.start() >= openBlock * NS
          && sent.start() < openTo * NS).count();
      assertTrue(settled > 0);
      assertEquals(frontend - settled, mapSpanCount(open, project, hour, "frontend"), "the sums are what is read");
      // ...and not once a span lands late in a minute they sum: read from minutes until the next run
      ingestRootSpan(open, project, 0x48ffL, (hourSecond + 22 * 60 + 7) * NS);
      var late = open.tracing.rollups().compaction(project);
      assertEquals(0, late.openBlockRunningTo(), "a late minute unsettles the sums: " + late);
      assertEquals(frontend + 1, mapSpanCount(open, project, hour, "frontend"), "counted at once, from its minute");
      // a span in a minute the sums do not reach yet leaves them be
      open.tracing.rollups().compact(project, nowSecond);
      ingestRootSpan(open, project, 0x48feL, (hourSecond + 27 * 60 + 1) * NS);
      assertEquals(openTo, open.tracing.rollups().compaction(project).openBlockRunningTo(), "summed again, not unsettled");
      assertEquals(frontend + 2, mapSpanCount(open, project, hour, "frontend"));
      // a late span in a finished block before it: the sums after that block wait for it too
      ingestRootSpan(open, project, 0x48fdL, (hourSecond + 12 * 60) * NS);
      var earlier = open.tracing.rollups().compaction(project);
      assertEquals(openBlock, earlier.runningWithin(openBlock), earlier.toString());
      assertEquals(frontend + 3, mapSpanCount(open, project, hour, "frontend"));
      open.tracing.rollups().compact(project, nowSecond);
      assertEquals(openTo, open.tracing.rollups().compaction(project).runningWithin(openBlock));
      assertEquals(frontend + 3, mapSpanCount(open, project, hour, "frontend"), "built again with it");
      // once the block is finished, its own sums are read and those inside it no more
      long later = hourSecond + 31 * 60;
      open.tracing.rollups().compact(project, later);
      var finished = open.tracing.rollups().compaction(project);
      assertTrue(finished.complete(Granularity.TEN_MINUTES, openBlock), finished.toString());
      assertEquals(0, finished.openBlockRunningTo(), "minute 29 ended less than 90 s ago: nothing inside block 3 yet");

      // a quiet project's open block: no sums written inside it
      long quiet = 49;
      for (int minute : new int[] {21, 23, 24}) {
        ingestRootSpan(open, quiet, 0x4900L + minute, (hourSecond + minute * 60) * NS);
      }
      open.tracing.rollups().compact(quiet, nowSecond);
      assertEquals(0, open.tracing.rollups().compaction(quiet).openBlockRunningTo());
      assertEquals(3, mapSpanCount(open, quiet, hour, "frontend"));
    } finally {
      open.close();
    }
  }

  /**
   * Where a window cuts a minute closer to its far side, analytics takes the minute's cell whole and
   * the rows of its seconds outside the window away: the counts stay the list's.
   */
  @Test
  void analyticsTakesAwayTheRowsOutsideAMinuteItReadsWhole() {
    long project = 49;
    long t0 = Instant.parse("2026-11-24T06:30:00Z").getEpochSecond();
    long t1 = t0 + 3 * 3600;
    long[][] traces = {{t0 + 2, 1}, {t0 + 30, 0}, {t1 + 10, 0}, {t1 + 58, 1}};
    for (long[] t : traces) {
      stack.ingest(NAMESPACE, project, request("frontend", List.of(new Sent(String.format("%032x", 0x490L + t[0]), t[0],
          0, "frontend", "GET /", t[0] * NS, t[0] * NS + 4_000_000, t[1] == 1))));
    }
    // 5 s of the first minute and 5 s of the last fall outside: each minute is read whole, less those rows
    QueryStack.Params window = QueryStack.Params.of("start_time", "2026-11-24T06:30:05Z", "end_time", "2026-11-24T09:30:55Z");
    var meter = stack.tracing.meter();
    meter.reset();
    ApiResponse r = stack.getRoute(project, "/traces/analytics", window);
    assertEquals(200, r.status(), r.bodyText());
    JsonNode body = QueryStack.JSON.readTree(r.body());
    long count = 0;
    long errors = 0;
    for (JsonNode interval : body.get("results")) {
      count += interval.get("count").asLong();
      errors += interval.get("error_count").asLong();
    }
    assertEquals(2, count, "the traces at 06:30:30 and 09:30:10: " + body);
    assertEquals(0, errors, "the failed trace at 06:30:02 is outside the window: " + body);
    JsonNode list = QueryStack.JSON.readTree(stack.getRoute(project, "/traces", window).body());
    assertEquals(count, list.get("traces").size(), "the list finds the same traces");
    assertTrue(meter.readUnitsByKind().containsKey("rollups, minute"), meter.readUnitsByKind().toString());
    JsonNode failed = QueryStack.JSON.readTree(stack.getRoute(project, "/traces/analytics",
        QueryStack.Params.of("start_time", "2026-11-24T06:30:05Z", "end_time", "2026-11-24T09:30:55Z", "status", "error")).body());
    long failedCount = 0;
    for (JsonNode interval : failed.get("results")) {
      failedCount += interval.get("count").asLong();
    }
    assertEquals(0, failedCount, failed.toString());
  }

  /** One frontend root span of 4 ms, a trace of its own. */
  private static void ingestRootSpan(long project, long traceId, long startNano) {
    ingestRootSpan(stack, project, traceId, startNano);
  }

  private static void ingestRootSpan(QueryStack into, long project, long traceId, long startNano) {
    into.ingest(NAMESPACE, project, request("frontend", List.of(new Sent(String.format("%032x", traceId), traceId + 1, 0,
        "frontend", "GET /", startNano, startNano + 4_000_000, false))));
  }

  private long mapSpanCount(long project, QueryStack.Params params, String service) {
    return mapSpanCount(stack, project, params, service);
  }

  private static long mapSpanCount(QueryStack on, long project, QueryStack.Params params, String service) {
    ApiResponse r = on.getRoute(project, "/services/map", params);
    assertEquals(200, r.status(), r.bodyText());
    for (JsonNode n : QueryStack.JSON.readTree(r.body()).get("services")) {
      if (n.get("name").asString().equals(service)) {
        return n.get("span_count").asLong();
      }
    }
    return 0;
  }

  /** A service's span count on one day, as the series point of daily intervals says it (a complete day: its digest). */
  private long daySpanCount(long project, String service, long daySecond) {
    for (JsonNode n : metrics(project, QueryStack.Params.of("period", "7d", "interval", "86400")).get("services")) {
      if (n.get("name").asString().equals(service)) {
        for (JsonNode point : n.get("series")) {
          if (point.get("interval").asLong() == daySecond) {
            return point.get("span_count").asLong();
          }
        }
      }
    }
    return 0;
  }

  private JsonNode metrics(long project, QueryStack.Params params) {
    return metrics(stack, project, params);
  }

  private static JsonNode metrics(QueryStack on, long project, QueryStack.Params params) {
    ApiResponse r = on.getRoute(project, "/services/metrics", params);
    assertEquals(200, r.status(), r.bodyText());
    return QueryStack.JSON.readTree(r.body());
  }

  /** A span and its children: frontend → checkout → payment/inventory → db, with cross-service calls. */
  private static long build(List<Sent> out, String traceId, Random random, long nextId, long parentId, String service,
                            long start, int depth) {
    long id = nextId++;
    String[] ops = OPERATIONS.get(service);
    long duration = (long) (Math.exp(random.nextGaussian() * 1.5 + 15) / Math.max(1, depth)); // ~3 ms, heavy tailed
    boolean error = random.nextInt(12) == 0;
    out.add(new Sent(traceId, id, parentId, service, ops[random.nextInt(ops.length)], start, start + duration, error));
    List<String> children = switch (service) {
      case "frontend" -> List.of("checkout", "frontend");
      case "checkout" -> random.nextBoolean() ? List.of("payment", "inventory") : List.of("inventory");
      case "payment", "inventory" -> List.of("db");
      default -> List.of();
    };
    if (depth < 4) {
      for (String child : children) {
        if (child.equals(service) && depth > 0) {
          continue;
        }
        nextId = build(out, traceId, random, nextId, id, child, start + 1000 + random.nextInt(1_000_000), depth + 1);
      }
    }
    return nextId;
  }

  private static ExportTraceServiceRequest request(String service, List<Sent> spans) {
    ScopeSpans.Builder scope = ScopeSpans.newBuilder();
    for (Sent s : spans) {
      Span.Builder b = Span.newBuilder()
          .setTraceId(ByteString.fromHex(s.traceId()))
          .setSpanId(ByteString.copyFrom(ByteBuffer.allocate(8).putLong(s.spanId()).array()))
          .setName(s.name())
          .setStartTimeUnixNano(s.start())
          .setEndTimeUnixNano(s.end())
          .setStatus(Status.newBuilder().setCodeValue(s.error() ? 2 : 1))
          .addAttributes(attr("http.method", "GET"));
      if (s.parentId() != 0) {
        b.setParentSpanId(ByteString.copyFrom(ByteBuffer.allocate(8).putLong(s.parentId()).array()));
      }
      scope.addSpans(b);
    }
    return ExportTraceServiceRequest.newBuilder().addResourceSpans(ResourceSpans.newBuilder()
        .setResource(Resource.newBuilder().addAttributes(attr("service.name", service)))
        .addScopeSpans(scope)).build();
  }

  @AfterAll
  static void close() {
    stack.close();
  }

  // ---- the oracle ----

  /** Spans that started in the whole minutes overlapping [start, end). */
  private static List<Sent> spansIn(long startNano, long endNano) {
    long from = Math.floorDiv(startNano, 60 * NS) * 60 * NS;
    long to = Math.floorDiv(endNano + 60 * NS - 1, 60 * NS) * 60 * NS;
    return SPANS.stream().filter(s -> s.start() >= from && s.start() < to).toList();
  }

  private static long nearestRank(List<Long> values, int p) {
    List<Long> sorted = new ArrayList<>(values);
    Collections.sort(sorted);
    int rank = (int) Math.ceil(p / 100.0 * sorted.size());
    return sorted.get(Math.max(0, rank - 1));
  }

  private static void assertPercentile(List<Long> values, int p, JsonNode got, String what) {
    long exact = nearestRank(values, p);
    assertNotNull(got, what + " p" + p);
    long value = got.asLong();
    assertTrue(Math.abs(value - exact) <= DurationHistogram.RELATIVE_ERROR * exact + 1,
        what + " p" + p + ": " + value + " is not within 2% of " + exact);
  }

  private static QueryStack.Params window(String... more) {
    List<String> p = new ArrayList<>(List.of("start_time", "2026-11-18T13:17:30Z", "end_time", "2026-11-24T11:41:10Z"));
    for (String m : more) {
      if (!m.isEmpty()) {
        p.add(m);
      }
    }
    return QueryStack.Params.of(p.toArray(String[]::new));
  }

  private static final long WINDOW_START = Instant.parse("2026-11-18T13:17:30Z").getEpochSecond() * NS;
  private static final long WINDOW_END = Instant.parse("2026-11-24T11:41:10Z").getEpochSecond() * NS;

  private JsonNode get(String route, QueryStack.Params params) {
    ApiResponse r = stack.getRoute(PROJECT, route, params);
    assertEquals(200, r.status(), () -> route + "?" + params.raw() + " answered " + r.status() + ": " + r.bodyText());
    assertNotNull(r.header("X-Read-Units"), "every query answer says what it read");
    return QueryStack.JSON.readTree(r.body());
  }

  @Test
  void serviceMetricsMatchTheOracle() {
    JsonNode body = get("/services/metrics", window("interval", "3600"));
    assertEquals(3600, body.get("interval").asLong());
    List<Sent> spans = spansIn(WINDOW_START, WINDOW_END);
    Map<String, List<Sent>> byService = new TreeMap<>();
    spans.forEach(s -> byService.computeIfAbsent(s.service(), k -> new ArrayList<>()).add(s));
    assertEquals(byService.size(), body.get("services").size(), body.toString());
    for (JsonNode service : body.get("services")) {
      List<Sent> expected = byService.get(service.get("name").asString());
      assertNotNull(expected, "unexpected service " + service.get("name"));
      assertEquals(expected.size(), service.get("span_count").asLong(), service.get("name") + " span_count");
      assertEquals(expected.stream().filter(Sent::error).count(), service.get("error_count").asLong(),
          service.get("name") + " error_count");
      List<Long> durations = expected.stream().map(Sent::duration).toList();
      for (int p : new int[] {50, 95, 99}) {
        assertPercentile(durations, p, service.get("p" + p + "_duration_nano"), service.get("name").asString());
      }
      long seriesTotal = 0;
      long first = Math.floorDiv(WINDOW_START / NS, 3600) * 3600;
      for (JsonNode point : service.get("series")) {
        long interval = point.get("interval").asLong();
        long lo = Math.max(interval * NS, Math.floorDiv(WINDOW_START, 60 * NS) * 60 * NS);
        long hi = Math.min((interval + 3600) * NS, Math.floorDiv(WINDOW_END + 60 * NS - 1, 60 * NS) * 60 * NS);
        long inInterval = expected.stream().filter(s -> s.start() >= lo && s.start() < hi).count();
        assertEquals(inInterval, point.get("span_count").asLong(), "series point " + interval);
        assertEquals(0, (interval - first) % 3600);
        seriesTotal += point.get("span_count").asLong();
      }
      assertEquals(expected.size(), seriesTotal, "the series adds up to the total");
    }
  }

  @Test
  void operationMetricsOfOneServiceMatchTheOracle() {
    JsonNode body = get("/services/metrics", window("service_name", "checkout", "interval", "600"));
    Map<String, List<Sent>> byOperation = new TreeMap<>();
    spansIn(WINDOW_START, WINDOW_END).stream().filter(s -> s.service().equals("checkout"))
        .forEach(s -> byOperation.computeIfAbsent(s.name(), k -> new ArrayList<>()).add(s));
    assertEquals(byOperation.keySet().size(), body.get("operations").size(), body.toString());
    for (JsonNode op : body.get("operations")) {
      List<Sent> expected = byOperation.get(op.get("name").asString());
      assertEquals(expected.size(), op.get("span_count").asLong(), op.get("name") + " span_count");
      assertEquals(expected.stream().filter(Sent::error).count(), op.get("error_count").asLong());
      assertPercentile(expected.stream().map(Sent::duration).toList(), 95, op.get("p95_duration_nano"), "op");
    }
  }

  @Test
  void serviceMapMatchesTheOracle() {
    JsonNode body = get("/services/map", window());
    List<Sent> spans = spansIn(WINDOW_START, WINDOW_END);
    Map<Long, Sent> byId = new HashMap<>();
    SPANS.forEach(s -> byId.put(s.spanId(), s));
    Map<String, List<Sent>> edges = new TreeMap<>();
    for (Sent child : spans) {
      Sent parent = byId.get(child.parentId());
      if (parent != null && !parent.service().equals(child.service())) {
        edges.computeIfAbsent(parent.service() + "->" + child.service(), k -> new ArrayList<>()).add(child);
      }
    }
    assertTrue(edges.size() >= 4, "the workload crosses services: " + edges.keySet());
    assertEquals(edges.size(), body.get("edges").size(), body.toString());
    for (JsonNode edge : body.get("edges")) {
      String key = edge.get("parent").asString() + "->" + edge.get("child").asString();
      List<Sent> calls = edges.get(key);
      assertNotNull(calls, "unexpected edge " + key);
      assertEquals(calls.size(), edge.get("call_count").asLong(), key + " call_count");
      assertEquals(calls.stream().filter(Sent::error).count(), edge.get("error_count").asLong(), key + " error_count");
      assertPercentile(calls.stream().map(Sent::duration).toList(), 50, edge.get("p50_duration_nano"), key);
      assertPercentile(calls.stream().map(Sent::duration).toList(), 95, edge.get("p95_duration_nano"), key);
    }
    Map<String, Long> nodes = new TreeMap<>();
    spans.forEach(s -> nodes.merge(s.service(), 1L, Long::sum));
    assertEquals(nodes.size(), body.get("services").size());
    for (JsonNode n : body.get("services")) {
      assertEquals(nodes.get(n.get("name").asString()), n.get("span_count").asLong(), n.get("name") + " span_count");
    }
  }

  /** Traces by the list's timestamp (root start, else earliest span start), with their duration and status. */
  private record TraceFacts(long timestamp, long duration, boolean error, List<String> services) {
  }

  private static Map<String, TraceFacts> traces() {
    Map<String, List<Sent>> byTrace = new LinkedHashMap<>();
    SPANS.forEach(s -> byTrace.computeIfAbsent(s.traceId(), k -> new ArrayList<>()).add(s));
    Map<String, TraceFacts> out = new LinkedHashMap<>();
    byTrace.forEach((id, spans) -> {
      Sent head = spans.stream().filter(s -> s.parentId() == 0).findFirst()
          .orElse(spans.stream().min((a, b) -> a.start() != b.start() ? Long.compare(a.start(), b.start())
              : Long.compareUnsigned(a.spanId(), b.spanId())).orElseThrow());
      out.put(id, new TraceFacts(head.start(), head.duration(), spans.stream().anyMatch(Sent::error),
          spans.stream().map(Sent::service).distinct().toList()));
    });
    return out;
  }

  @Test
  void analyticsFromRollupsMatchTheOracle() {
    for (String[] filter : new String[][] {{}, {"service_name", "payment"}, {"status", "error"}, {"status", "OK"},
        {"service_name", "inventory", "not[status]", "error"}}) {
      JsonNode body = get("/traces/analytics", window(filter));
      long step = body.get("interval_seconds").asLong();
      assertEquals(10800, step, "a 6-day window charts 3-hour intervals, from three-hour cells where they fit");
      String service = filter.length >= 2 && filter[0].equals("service_name") ? filter[1] : null;
      Boolean error = null;
      for (int i = 0; i + 1 < filter.length; i += 2) {
        if (filter[i].equals("status")) {
          error = filter[i + 1].equalsIgnoreCase("error");
        } else if (filter[i].equals("not[status]")) {
          error = !filter[i + 1].equalsIgnoreCase("error");
        }
      }
      Boolean wantError = error;
      List<TraceFacts> matching = traces().values().stream()
          .filter(t -> t.timestamp() >= WINDOW_START && t.timestamp() < WINDOW_END)
          .filter(t -> service == null || t.services().contains(service))
          .filter(t -> wantError == null || t.error() == wantError)
          .toList();
      long total = 0;
      for (JsonNode interval : body.get("results")) {
        long from = interval.get("interval").asLong() * NS;
        List<TraceFacts> in = matching.stream().filter(t -> t.timestamp() >= from && t.timestamp() < from + step * NS).toList();
        String what = String.join(",", filter) + " @" + interval.get("interval");
        assertEquals(in.size(), interval.get("count").asLong(), what + " count");
        assertEquals(in.stream().filter(TraceFacts::error).count(), interval.get("error_count").asLong(), what + " errors");
        if (!in.isEmpty()) {
          assertPercentile(in.stream().map(TraceFacts::duration).toList(), 50, interval.get("p50_duration_nano"), what);
          assertPercentile(in.stream().map(TraceFacts::duration).toList(), 99, interval.get("p99_duration_nano"), what);
        }
        total += in.size();
      }
      assertEquals(matching.size(), total, "every matching trace is in one interval");
      assertTrue(total > 0, "the filter " + String.join(",", filter) + " matches some traces");
    }
  }

  @Test
  void expiredRollupsAreNotRead() {
    QueryStack later = stack.withClock(Clock.fixed(NOW.plus(Duration.ofDays(40)), ZoneOffset.UTC));
    ApiResponse r = later.getRoute(PROJECT, "/services/map", window());
    assertEquals(200, r.status(), r.bodyText());
    JsonNode body = QueryStack.JSON.readTree(r.body());
    assertEquals(0, body.get("services").size(), "cells past their TTL are ignored: " + body);
    assertEquals(0, body.get("edges").size());
    later.close();
  }

  @Test
  void badParametersAreRefusedByName() {
    for (String[] c : new String[][] {{"interval", "45"}, {"interval", "abc"}, {"interval", "60", "period", "7d"},
        {"operation", "x"}}) {
      String[] p = c.length == 2 ? new String[] {c[0], c[1], "period", "7d"} : c;
      ApiResponse r = stack.getRoute(PROJECT, "/services/metrics", QueryStack.Params.of(p));
      assertEquals(400, r.status(), r.bodyText());
      JsonNode body = QueryStack.JSON.readTree(r.body());
      assertEquals("invalid_parameter", body.get("error").asString());
      assertTrue(body.get("message").asString().contains(c[0]), body.toString());
    }
    ApiResponse r = stack.getRoute(PROJECT, "/services/map", QueryStack.Params.of("service_name", "x"));
    assertEquals(400, r.status(), "the map takes the time parameters only");
  }

  @Test
  void everyQueryAnswerSaysWhatItRead() {
    String traceId = SPANS.get(0).traceId();
    Map<String, ApiResponse> answers = new LinkedHashMap<>();
    answers.put("traces", stack.getRoute(PROJECT, "/traces", window()));
    answers.put("analytics", stack.getRoute(PROJECT, "/traces/analytics", window()));
    answers.put("services", stack.getRoute(PROJECT, "/services", QueryStack.Params.of()));
    answers.put("detail", stack.detail(PROJECT, traceId));
    answers.put("refused", stack.getRoute(PROJECT, "/services/map", QueryStack.Params.of("period", "9d")));
    answers.forEach((route, r) -> {
      String units = r.header("X-Read-Units");
      assertNotNull(units, route + " answers X-Read-Units");
      double value = Double.parseDouble(units);
      if (route.equals("refused")) {
        assertEquals(400, r.status());
        assertEquals(0.0, value, "a refused query reads nothing");
      } else {
        assertEquals(200, r.status(), route + ": " + r.bodyText());
        assertTrue(value > 0, route + " read something: " + units);
      }
    });
  }
}
