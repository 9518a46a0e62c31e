package dev.tracing.query;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.tracing.api.ApiResponse;
import dev.tracing.query.QueryStack.Params;
import dev.tracing.query.TraceOracle.Row;
import dev.tracing.query.TraceOracle.SentSpan;
import dev.tracing.query.TraceOracle.Trace;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Collections;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;

/**
 * The main proof of the traces list and analytics: a seeded, realistic dataset goes in through the
 * ingest endpoint (OTLP/protobuf, concurrent requests, split traces, retries) into DynamoDB
 * (dynalite), and every listing of many query combinations, walked page by page with
 * {@code next_page_token}, must equal what {@link TraceOracle} computes by brute force from the
 * spans as sent: the same traces, once each, in the same order, with every field equal.
 *
 * <p>The clock is fixed, so periods are exact windows; the dataset puts traces on the edges of
 * every period and UTC hour, and ties in start time and in duration.
 */
class TraceSearchOracleTest {
  static final Instant NOW = Instant.parse("2026-11-24T12:34:56.789123456Z");
  static final long SEED = 20261124L;
  static final long P = SyntheticTraces.PROJECT;
  static final List<String> SORTS = List.of("timestamp_desc", "timestamp_asc", "duration_desc", "duration_asc");
  private static final DateTimeFormatter RFC3339 = DateTimeFormatter.ofPattern("uuuu-MM-dd'T'HH:mm:ss.SSSSSSSSSXXX");

  static QueryStack stack;
  static SyntheticTraces data;
  static TraceOracle oracle;
  static ExecutorService pool;
  static int blockHours;

  @BeforeAll
  static void load() throws Exception {
    long t0 = System.nanoTime();
    stack = QueryStack.create("oracle", Clock.fixed(NOW, ZoneOffset.UTC));
    data = new SyntheticTraces(SEED, NOW).generate(300);
    oracle = new TraceOracle(data.spans);
    pool = Executors.newFixedThreadPool(6);
    // half the requests, then the compactor builds term blocks, then the rest: attribute searches
    // meet sealed hours (read through their blocks) beside hours written since (read whole)
    int half = data.deliveries.size() / 2;
    for (List<SyntheticTraces.Delivery> part : List.of(data.deliveries.subList(0, half),
        data.deliveries.subList(half, data.deliveries.size()))) {
      List<Future<?>> sent = new ArrayList<>();
      for (SyntheticTraces.Delivery d : part) {
        sent.add(pool.submit(() -> stack.ingest(d.namespaceId(), d.projectId(), d.request())));
      }
      for (Future<?> f : sent) {
        f.get();
      }
      if (part.size() == half) {
        blockHours = stack.tracing.stores().termBlocks().compact(P, NOW.getEpochSecond());
      }
    }
    System.out.printf("TraceSearchOracleTest: %d traces, %d spans in %d requests stored in %d ms (seed %d)%n",
        oracle.traces(P).size() + oracle.traces(SyntheticTraces.OTHER_PROJECT).size(), data.spans.size(),
        data.deliveries.size(), (System.nanoTime() - t0) / 1_000_000, SEED);
  }

  @AfterAll
  static void close() {
    if (pool != null) {
      pool.shutdownNow();
    }
    if (stack != null) {
      stack.close();
    }
  }

  @Test
  void theDatasetHoldsWhatTheOtherTestsRelyOn() {
    Collection<Trace> traces = oracle.traces(P);
    assertTrue(traces.size() >= 300 && traces.size() <= 600, "traces: " + traces.size());
    Set<String> services = new TreeSet<>();
    Set<String> operations = new TreeSet<>();
    int spans = 0;
    int errorSpans = 0;
    Set<String> attributeTypes = new TreeSet<>();
    for (Trace t : traces) {
      for (SentSpan s : t.spans) {
        services.add(s.service());
        operations.add(s.name());
        spans++;
        if (s.statusCode() == 2) {
          errorSpans++;
        }
        s.attributes().forEach(kv -> attributeTypes.add("span " + kv.getValue().getValueCase()));
        s.resource().getAttributesList().forEach(kv -> attributeTypes.add("resource " + kv.getValue().getValueCase()));
      }
    }
    assertTrue(services.size() >= 6, "services " + services);
    assertTrue(operations.size() >= 15, "operations " + operations);
    double errorShare = errorSpans / (double) spans;
    assertTrue(errorShare > 0.10 && errorShare < 0.20, "error spans " + errorShare);
    for (String side : List.of("span", "resource")) {
      for (String type : List.of("STRING_VALUE", "INT_VALUE", "BOOL_VALUE", "DOUBLE_VALUE")) {
        assertTrue(attributeTypes.contains(side + " " + type), side + " attributes of type " + type + ": " + attributeTypes);
      }
    }
    long minDuration = traces.stream().mapToLong(Trace::durationNano).filter(d -> d > 0).min().orElseThrow();
    long maxDuration = traces.stream().mapToLong(Trace::durationNano).max().orElseThrow();
    assertTrue(minDuration <= 10_000 && maxDuration >= 1_000_000_000L, "durations " + minDuration + ".." + maxDuration);
    Map<Long, Long> byTimestamp = traces.stream().collect(Collectors.groupingBy(Trace::timestampNano, Collectors.counting()));
    Map<Long, Long> byDuration = traces.stream().collect(Collectors.groupingBy(Trace::durationNano, Collectors.counting()));
    assertTrue(byTimestamp.values().stream().filter(n -> n > 1).count() >= 10, "groups of traces with equal timestamps");
    assertTrue(byDuration.values().stream().filter(n -> n > 1).mapToLong(Long::longValue).sum() >= 40,
        "traces sharing a duration");
    assertTrue(traces.stream().filter(Trace::inProgress).count() >= 10, "in-progress traces");
    assertTrue(data.splitTraceIds.size() >= 20, "traces sent in 2-3 requests: " + data.splitTraceIds.size());
    dev.tracing.storage.dynamodb.DynamoTermBlocks.State blocks = stack.tracing.stores().termBlocks().state(P);
    Set<Long> hours = traces.stream().map(t -> Math.floorDiv(t.timestampNano(), 3_600_000_000_000L) * 3600).collect(
        Collectors.toSet());
    long sealed = hours.stream().filter(blocks::sealed).count();
    assertTrue(blockHours >= 3 && sealed >= 3 && sealed < hours.size(), "attribute searches meet hours read through term blocks ("
        + sealed + " of " + hours.size() + " hours with traces; " + blockHours + " built) and hours written since");
    assertTrue(data.resentSpans >= 3, "spans sent twice: " + data.resentSpans);
    assertTrue(data.retriedRequests >= 2, "retried requests: " + data.retriedRequests);
    assertTrue(data.skewedTraceIds.size() >= 3, "traces with a child starting before the root");
    assertTrue(oracle.traces(SyntheticTraces.OTHER_PROJECT).size() >= 10, "another project's traces");
    assertEquals(5, data.sharedTraceIds.size(), "trace ids used by both projects");
  }

  @Test
  void eachFilterAloneAndNegatedWithEverySort() {
    List<Check> checks = new ArrayList<>();
    for (Params f : fixture("filters.txt")) {
      for (int i = 0; i < SORTS.size(); i++) {
        // the last hour (crossing a UTC hour) with two sorts, the last four hours with the others
        String period = i % 2 == 0 ? "1h" : "4h";
        checks.add(new Check(P, Params.of("period", period, "sort", SORTS.get(i)).withAll(f)));
      }
    }
    runAll(checks);
  }

  @Test
  void curatedCombinationsWithEverySort() {
    List<Check> checks = new ArrayList<>();
    for (Params f : fixture("combinations.txt")) {
      for (int i = 0; i < SORTS.size(); i++) {
        // the last hour (crossing a UTC hour) with two sorts, the last four hours with the others
        String period = i % 2 == 0 ? "1h" : "4h";
        checks.add(new Check(P, Params.of("period", period, "sort", SORTS.get(i)).withAll(f)));
      }
    }
    runAll(checks);
  }

  @Test
  void pairsAndTriplesOfFilters() {
    List<Params> singles = fixture("filters.txt");
    Random random = new Random(SEED + 1);
    List<Check> checks = new ArrayList<>();
    List<String> periods = List.of("4h", "1h", "24h", "30m");
    for (int arity : new int[] {2, 3}) {
      int made = 0;
      while (made < (arity == 2 ? 50 : 30)) {
        Params combined = new Params();
        List<Params> parts = new ArrayList<>();
        for (int i = 0; i < arity; i++) {
          parts.add(singles.get(random.nextInt(singles.size())));
        }
        if (!combinable(parts)) {
          continue;
        }
        for (Params part : parts) {
          combined = combined.withAll(part);
        }
        String sort = SORTS.get(made % SORTS.size());
        String period = periods.get((made / SORTS.size()) % periods.size());
        checks.add(new Check(P, Params.of("period", period, "sort", sort).withAll(combined)));
        made++;
      }
    }
    runAll(checks);
  }

  @Test
  void everySortWithEveryPageSize() {
    List<Check> checks = new ArrayList<>();
    for (String sort : SORTS) {
      for (int size : new int[] {1, 7, 50, 500}) {
        checks.add(new Check(P, Params.of("period", "15m", "sort", sort), size));
      }
      // the whole dataset of the last hours: page boundaries fall inside groups of tied values
      for (int size : sort.equals("timestamp_desc") ? new int[] {7, 50, 500} : new int[] {50, 500}) {
        checks.add(new Check(P, Params.of("period", "4h", "sort", sort), size));
      }
    }
    // only traces of exactly 1 ms: in duration orders every neighbour is a tie, ordered by trace id alone
    for (String sort : SORTS) {
      checks.add(new Check(P, Params.of("period", "4h", "sort", sort, "gt[duration_nano]", "999999", "lt[duration_nano]",
          "1000001"), sort.startsWith("duration") ? 1 : 7));
    }
    // the default sort and period, as the web frontend first asks
    checks.add(new Check(P, new Params(), 50));
    checks.add(new Check(P, Params.of("period", "24h", "sort", "duration_desc", "status", "error"), 7));
    runAll(checks);
  }

  @Test
  void periodsAndExplicitWindows() {
    List<Params> windows = new ArrayList<>();
    for (String period : List.of("5m", "15m", "30m", "1h", "4h", "12h", "24h", "7d", "30d")) {
      windows.add(Params.of("period", period));
    }
    long hour = data.hourBoundaryNano;
    long nowNano = data.nowNano;
    windows.add(window(hour, hour + 1)); // the traces starting exactly on the hour
    windows.add(window(hour - 1, hour)); // the last nanosecond before it
    windows.add(window(hour - Duration.ofHours(1).toNanos(), hour)); // one whole UTC hour, edges included/excluded
    windows.add(window(hour - 1, hour + 1)); // across two hour partitions
    windows.add(window(nowNano - Duration.ofHours(3).toNanos(), nowNano + Duration.ofHours(1).toNanos())); // into the future
    windows.add(window(nowNano - Duration.ofMinutes(61).toNanos(), nowNano - Duration.ofMinutes(59).toNanos()));
    windows.add(window(nowNano - Duration.ofDays(7).toNanos(), nowNano));
    windows.add(window(nowNano - Duration.ofDays(30).toNanos(), nowNano)); // the longest allowed window, exact
    windows.add(window(nowNano - Duration.ofDays(13).toNanos(), nowNano - Duration.ofDays(7).toNanos())); // older days only
    windows.add(window(nowNano, nowNano + Duration.ofHours(2).toNanos())); // only what starts at now or later
    // another offset than Z, and start_time alone (end_time defaults to now)
    windows.add(Params.of("start_time", RFC3339.format(instant(nowNano - Duration.ofHours(2).toNanos()).atOffset(ZoneOffset.ofHours(2))),
        "end_time", RFC3339.format(instant(nowNano - Duration.ofMinutes(30).toNanos()).atOffset(ZoneOffset.ofHoursMinutes(-5, -30)))));
    windows.add(Params.of("start_time", instant(nowNano - Duration.ofMinutes(30).toNanos()).toString()));
    windows.add(Params.of("start_time", "2026-11-24T11:00:00Z", "end_time", "2026-11-24T12:00:00Z"));
    List<Check> checks = new ArrayList<>();
    for (Params w : windows) {
      for (String sort : List.of("timestamp_desc", "duration_desc", "timestamp_asc")) {
        checks.add(new Check(P, w.with("sort", sort)));
      }
      checks.add(new Check(P, w.with("sort", "duration_asc").with("status", "error")));
    }
    // attribute searches over long windows (through term blocks where the hours are sealed): a value
    // no trace holds, a common one (~100 traces) walked page by page, and a rare one combined with
    // other filters
    int common = oracle.list(P, Params.of("period", "7d", "attr_name", "sample.rate", "attr_value", "0.001").toMap(), NOW).size();
    assertTrue(common > 75, "the common value fills more than three pages of 25: " + common);
    for (String period : List.of("7d", "30d")) {
      checks.add(new Check(P, Params.of("period", period, "attr_name", "user.tier", "attr_value", "platinum")));
      for (String sort : SORTS) {
        // five pages in time order, four in duration order (each of its pages reads the window's
        // matches again): every page boundary a cursor resumes from inside the long window
        checks.add(new Check(P, Params.of("period", period, "sort", sort, "attr_name", "sample.rate", "attr_value", "0.001"),
            sort.startsWith("duration") ? 25 : 20));
        checks.add(new Check(P, Params.of("period", period, "sort", sort, "attr_name", "db.system", "attr_value", "mysql",
            "status", "error", "service_name", "checkout")));
      }
    }
    runAll(checks);
  }

  @Test
  void tiesInTimestampArePagedOneByOneByTraceId() {
    List<Check> checks = new ArrayList<>();
    for (long t : data.tieInstants) {
      Params w = window(t, t + 1);
      assertTrue(oracle.list(P, w.toMap(), NOW).size() >= 2, "a tie group at " + instant(t));
      for (String sort : SORTS) {
        checks.add(new Check(P, w.with("sort", sort), 1));
      }
    }
    runAll(checks);
  }

  @Test
  void traceIdFilters() {
    List<Row> recent = oracle.list(P, Params.of("period", "4h").toMap(), NOW);
    String x = recent.get(3).traceId();
    String y = recent.get(recent.size() / 2).traceId();
    String inProgress = recent.stream().filter(Row::inProgress).findFirst().orElseThrow().traceId();
    String old = oracle.list(P, window(data.nowNano - Duration.ofDays(6).toNanos(), data.nowNano - Duration.ofDays(1).toNanos())
        .toMap(), NOW).get(0).traceId();
    String shared = data.sharedTraceIds.get(0);
    String otherOnly = oracle.traces(SyntheticTraces.OTHER_PROJECT).stream().map(t -> t.traceId)
        .filter(id -> oracle.trace(P, id) == null).findFirst().orElseThrow();
    String none = "0123456789abcdef0123456789abcdef";
    List<Params> queries = List.of(
        Params.of("period", "4h", "trace_id", x),
        Params.of("period", "4h", "trace_id", x.toUpperCase(Locale.ROOT)),
        Params.of("period", "4h", "trace_id", inProgress),
        Params.of("period", "4h", "trace_id", old),
        Params.of("period", "7d", "trace_id", old),
        Params.of("period", "24h", "trace_id", shared),
        Params.of("period", "4h", "trace_id", otherOnly),
        Params.of("period", "4h", "trace_id", none),
        Params.of("period", "4h", "trace_id", x, "trace_id", y, "trace_id", old, "trace_id", otherOnly, "trace_id", none,
            "trace_id", inProgress),
        Params.of("period", "4h", "trace_id", x, "trace_id", y, "status", "error"),
        Params.of("period", "4h", "trace_id", x, "trace_id", y, "service_name", "frontend"),
        Params.of("period", "4h", "trace_id", x, "not[trace_id]", x),
        Params.of("period", "4h", "not[trace_id]", x, "not[trace_id]", y, "not[trace_id]", inProgress),
        Params.of("period", "15m", "not[trace_id]", recent.get(0).traceId(), "not[trace_id]", recent.get(1).traceId()));
    List<Check> checks = new ArrayList<>();
    for (Params q : queries) {
      for (String sort : SORTS) {
        // a few traces each, one per page; not[trace_id] alone keeps most of the window
        checks.add(new Check(P, q.with("sort", sort), q.toMap().containsKey("trace_id") ? 1 : 0));
      }
    }
    runAll(checks);
  }

  @Test
  void anotherProjectsTracesNeverAppear() {
    long other = SyntheticTraces.OTHER_PROJECT;
    List<Check> checks = new ArrayList<>();
    for (String sort : SORTS) {
      checks.add(new Check(other, Params.of("period", "4h", "sort", sort), 7));
      checks.add(new Check(other, Params.of("period", "4h", "sort", sort, "service_name", "intruder"), 1));
    }
    checks.add(new Check(P, Params.of("period", "7d", "service_name", "intruder"), 50));
    checks.add(new Check(P, Params.of("period", "7d", "operation", "steal"), 50));
    runAll(checks);
    for (String id : data.sharedTraceIds) {
      ApiResponse mine = stack.detail(P, id);
      assertEquals(200, mine.status());
      JsonNode body = QueryStack.JSON.readTree(mine.body());
      assertEquals(oracle.trace(P, id).spans.size(), body.get("spans").size(), "spans of " + id + " in project " + P);
    }
    // a project with no data at all
    assertEquals(0, stack.list(99, Params.of("period", "7d")).get("traces").size());
  }

  @Test
  void traceDetailAgreesWithTheListAndTheOracle() {
    List<String> ids = new ArrayList<>();
    ids.addAll(data.inProgressTraceIds.subList(0, 5));
    ids.addAll(data.splitTraceIds.subList(0, 10));
    ids.addAll(data.skewedTraceIds);
    List<String> problems = new ArrayList<>();
    for (String id : ids) {
      Trace t = oracle.trace(P, id);
      if (t == null) {
        continue;
      }
      ApiResponse r = stack.detail(P, id);
      assertEquals(200, r.status(), id);
      JsonNode body = QueryStack.JSON.readTree(r.body());
      Row expected = new Row(id, t.timestampNano(), t.durationNano(), t.head().service(), t.head().name(), t.statusName(),
          t.spans.size(), t.spans.size(), t.errorSpans(), t.inProgress());
      Row actual = Listings.row(body);
      if (!expected.equals(actual)) {
        problems.add("detail of " + id + ":\n  expected " + expected + "\n  actual   " + actual);
      }
      Set<String> expectedSpans = new TreeSet<>();
      t.spans.forEach(s -> expectedSpans.add(String.format("%016x", s.spanId())));
      Set<String> actualSpans = new TreeSet<>();
      body.get("spans").forEach(s -> actualSpans.add(s.get("span_id").asString()));
      if (!expectedSpans.equals(actualSpans) || body.get("spans").size() != expectedSpans.size()) {
        problems.add("spans of " + id + ": expected " + expectedSpans + ", got " + body.get("spans").size() + " " + actualSpans);
      }
    }
    assertTrue(problems.isEmpty(), String.join("\n", problems));
  }

  @Test
  void analyticsEqualTheOracle() {
    assertTrue(usesRollups("24h") && usesRollups("7d") && !usesRollups("1h"),
        "windows over an hour answer from rollups, shorter ones from the list index");
    long hour = data.hourBoundaryNano;
    List<Params> queries = new ArrayList<>();
    for (String period : List.of("5m", "15m", "1h", "4h", "24h", "7d")) {
      queries.add(Params.of("period", period));
    }
    queries.add(Params.of("period", "4h", "status", "error"));
    queries.add(Params.of("period", "24h", "status", "error", "status", "ERROR"));
    queries.add(Params.of("period", "24h", "status", "error", "not[status]", "error")); // matches nothing
    queries.add(Params.of("period", "1h", "gt[duration_nano]", "1000", "gt[duration_nano]", "2000000", "lt[duration_nano]", "2000001"));
    queries.add(Params.of("period", "4h", "service_name", "payment", "not[operation]", "refund"));
    queries.add(Params.of("period", "4h", "attr_name", "http.status_code", "attr_value", "500"));
    queries.add(Params.of("period", "1h", "gt[duration_nano]", "1000", "lt[duration_nano]", "250000000"));
    queries.add(window(hour - 1, hour + 1));
    queries.add(window(hour - Duration.ofMinutes(90).toNanos(), hour + Duration.ofMinutes(10).toNanos()));
    queries.add(window(data.nowNano - Duration.ofHours(3).toNanos(), data.nowNano + Duration.ofHours(1).toNanos()));
    List<String> problems = new ArrayList<>();
    for (Params q : queries) {
      JsonNode body = stack.analytics(P, q);
      long step = body.get("interval_seconds").asLong();
      List<TraceOracle.Interval> expected = oracle.analytics(P, q.toMap(), NOW, step);
      List<TraceOracle.Interval> actual = new ArrayList<>();
      for (JsonNode i : body.get("results")) {
        actual.add(new TraceOracle.Interval(i.get("interval").asLong(), i.get("count").asInt(), i.get("error_count").asInt(),
            nullableLong(i.get("p50_duration_nano")), nullableLong(i.get("p75_duration_nano")),
            nullableLong(i.get("p90_duration_nano")), nullableLong(i.get("p95_duration_nano")),
            nullableLong(i.get("p99_duration_nano"))));
      }
      if (body.get("incomplete").asBoolean()) {
        problems.add("?" + q + ": incomplete under the default budget");
      }
      int total = expected.stream().mapToInt(TraceOracle.Interval::count).sum();
      boolean rollups = "rollups".equals(body.get("source").asString());
      boolean sameAnswer = rollups ? withinRollupError(expected, actual) : expected.equals(actual);
      if (!sameAnswer) {
        String first = "";
        for (int i = 0; i < Math.min(expected.size(), actual.size()); i++) {
          if (!expected.get(i).equals(actual.get(i))) {
            first = "\n  expected " + expected.get(i) + "\n  actual   " + actual.get(i);
            break;
          }
        }
        problems.add("?" + q + " (" + total + " traces, step " + step + " s): " + expected.size() + " intervals expected, "
            + actual.size() + " returned" + first);
      }
    }
    assertTrue(problems.isEmpty(), String.join("\n", problems));
  }

  @Test
  void readUnitsPerListPage() {
    // dynalite reports consumed capacity like DynamoDB: on-demand read units, eventually consistent
    List<Params> pages = List.of(
        Params.of("period", "1h", "page_size", "50"),
        Params.of("period", "4h", "page_size", "50"),
        // selective: about 3% of the window, on trace-level fields only (no span reads)
        Params.of("period", "4h", "page_size", "50", "gt[duration_nano]", "2000000000", "status", "error"),
        // service and operation filters: matched_span_count from the rows' span counts, no trace reads
        Params.of("period", "4h", "page_size", "50", "service_name", "frontend"),
        Params.of("period", "4h", "page_size", "50", "service_name", "recommendation", "operation", "GET /search?q=x&y=1"),
        // an attribute filter: each row on the page also reads its trace for matched_span_count
        Params.of("period", "4h", "page_size", "50", "operation", "GET /search?q=x&y=1", "status", "error",
            "attr_name", "user.tier", "attr_value", "gold"),
        Params.of("period", "4h", "page_size", "50", "sort", "duration_desc"));
    StringBuilder report = new StringBuilder("read units per list page (" + oracle.traces(P).size() + " traces stored):");
    double unfiltered = -1;
    for (Params q : pages) {
      stack.tracing.meter().reset();
      JsonNode body = stack.list(P, q);
      double units = stack.tracing.meter().readUnits();
      if (unfiltered < 0) {
        unfiltered = units;
      }
      int matching = oracle.list(P, q.toMap(), NOW).size();
      long traceReads = stack.tracing.meter().traceReads();
      report.append(String.format("%n  ?%s -> %d traces on the page (%d match in the window), %.1f read units, %d traces read",
          q, body.get("traces").size(), matching, units, traceReads));
      boolean attributeFilter = q.toMap().containsKey("attr_name");
      assertEquals(attributeFilter ? body.get("traces").size() : 0, traceReads,
          "whole traces read for ?" + q + " (only attribute filters need the spans)");
    }
    System.out.println(report);
    assertTrue(unfiltered > 0, "the meter saw the reads of a list page (does the local DynamoDB report consumed capacity?)");
  }

  @Test
  void aTraceIdGivenTwiceSelectsThatTraceOnce() {
    // a user pasting the same id twice, or once in capitals and once not: the API says "trace_id: that trace" (docs/api.md)
    List<Row> recent = oracle.list(P, Params.of("period", "4h").toMap(), NOW);
    String x = recent.get(5).traceId();
    List<String> problems = new ArrayList<>();
    for (Params q : List.of(Params.of("period", "4h", "trace_id", x, "trace_id", x),
        Params.of("period", "4h", "trace_id", x, "trace_id", x.toUpperCase(Locale.ROOT), "sort", "duration_desc"))) {
      try {
        ApiResponse r = stack.listResponse(P, q);
        if (r.status() != 200) {
          problems.add("?" + q + " answered " + r.status() + ": " + r.bodyText());
          continue;
        }
        problems.addAll(Listings.check(stack, oracle, P, q, 50));
      } catch (RuntimeException e) {
        problems.add("?" + q + " failed inside the endpoint (a 5xx at the gateway): " + e);
      }
    }
    assertTrue(problems.isEmpty(), String.join("\n", problems));
  }

  // ---------------------------------------------------------------------------------------------

  /** One listing to walk: a query, the project, the page size (0: chosen from the expected size). */
  record Check(long projectId, Params query, int pageSize) {
    Check(long projectId, Params query) {
      this(projectId, query, 0);
    }
  }

  /** Runs the checks in parallel (they only read) and fails with every difference found. */
  static void runAll(List<Check> checks) {
    List<Future<List<String>>> results = new ArrayList<>();
    for (Check c : checks) {
      results.add(pool.submit(() -> {
        int size = c.pageSize() > 0 ? c.pageSize() : pageSizeFor(c);
        return Listings.check(stack, oracle, c.projectId(), c.query(), size);
      }));
    }
    List<String> problems = new ArrayList<>();
    for (Future<List<String>> f : results) {
      try {
        problems.addAll(f.get());
      } catch (Exception e) {
        throw new AssertionError(e);
      }
    }
    assertTrue(problems.isEmpty(), problems.size() + " problems in " + checks.size() + " listings:\n"
        + String.join("\n", problems.subList(0, Math.min(15, problems.size()))));
  }

  /**
   * A page size that walks several pages without walking hundreds: every size from 1 to 500
   * appears across the checks (duration orders read the whole window per page, so fewer pages).
   */
  static int pageSizeFor(Check c) {
    int n = oracle.list(c.projectId(), c.query().toMap(), NOW).size();
    String sort = c.query().toMap().getOrDefault("sort", List.of("timestamp_desc")).get(0);
    int maxPages = sort.startsWith("duration") ? 3 : 6;
    for (int size : new int[] {1, 7, 50, 500}) {
      if ((n + size - 1) / size <= maxPages) {
        return size;
      }
    }
    return 500;
  }

  static boolean combinable(List<Params> parts) {
    Set<String> names = new HashSet<>();
    for (Params p : parts) {
      for (String name : p.toMap().keySet()) {
        boolean single = List.of("status", "not[status]", "gt[duration_nano]", "lt[duration_nano]").contains(name);
        if (single && !names.add(name)) {
          return false;
        }
      }
    }
    return !(names.contains("status") && names.contains("not[status]"));
  }

  static Params window(long startNano, long endNano) {
    return Params.of("start_time", instant(startNano).toString(), "end_time", instant(endNano).toString());
  }

  static Instant instant(long nanos) {
    return Instant.ofEpochSecond(Math.floorDiv(nanos, 1_000_000_000L), Math.floorMod(nanos, 1_000_000_000L));
  }

  private static Long nullableLong(JsonNode n) {
    return n == null || n.isNull() ? null : n.asLong();
  }

  /** Query strings from {@code src/test/resources/query/<name>}, one per line, URL-encoded; # starts a comment. */
  static List<Params> fixture(String name) {
    try (InputStream in = TraceSearchOracleTest.class.getResourceAsStream("/query/" + name)) {
      List<Params> out = new ArrayList<>();
      for (String line : new String(in.readAllBytes(), StandardCharsets.UTF_8).split("\n")) {
        line = line.strip();
        if (line.isEmpty() || line.startsWith("#")) {
          continue;
        }
        Params p = new Params();
        for (String pair : line.split("&")) {
          int eq = pair.indexOf('=');
          p.add(URLDecoder.decode(pair.substring(0, eq), StandardCharsets.UTF_8),
              URLDecoder.decode(pair.substring(eq + 1), StandardCharsets.UTF_8));
        }
        out.add(p);
      }
      return Collections.unmodifiableList(out);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private boolean usesRollups(String period) {
    return "rollups".equals(stack.analytics(P, Params.of("period", period)).get("source").asString());
  }

  /** Rollups: the same intervals and counts, percentiles within the histogram's stated relative error. */
  private static boolean withinRollupError(List<TraceOracle.Interval> expected, List<TraceOracle.Interval> actual) {
    if (expected.size() != actual.size()) {
      return false;
    }
    for (int i = 0; i < expected.size(); i++) {
      TraceOracle.Interval e = expected.get(i);
      TraceOracle.Interval a = actual.get(i);
      if (e.startSecond() != a.startSecond() || e.count() != a.count() || e.errorCount() != a.errorCount()) {
        return false;
      }
      Long[][] pairs = {{e.p50(), a.p50()}, {e.p75(), a.p75()}, {e.p90(), a.p90()}, {e.p95(), a.p95()}, {e.p99(), a.p99()}};
      for (Long[] p : pairs) {
        if (p[0] == null || p[1] == null) {
          if (p[0] != p[1]) {
            return false;
          }
        } else if (Math.abs(p[1] - p[0]) > dev.tracing.rollup.DurationHistogram.RELATIVE_ERROR * p[0] + 1) {
          return false;
        }
      }
    }
    return true;
  }
}
