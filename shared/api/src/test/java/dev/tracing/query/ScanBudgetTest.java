package dev.tracing.query;

import dev.tracing.storage.TraceRow;
import static dev.tracing.query.TestSecrets.PAGE_TOKENS;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.tracing.api.ApiResponse;
import dev.tracing.query.QueryStack.Params;
import dev.tracing.query.TraceOracle.Row;
import dev.tracing.query.TraceOracle.SentSpan;
import dev.tracing.testing.OtlpFixtures;
import dev.tracing.view.TraceJson;
import io.opentelemetry.proto.common.v1.KeyValue;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;

/**
 * The read budgets: a page stops after a fixed number of index rows and says so, and its cursor
 * resumes exactly where reading stopped; duration orders over windows larger than the window
 * budget read the duration index under the same page budget;
 * analytics report from when they are complete. And the retention rule: a trace whose TTL has
 * passed is invisible to list, analytics, trace_id filters and detail, even though the local
 * DynamoDB (like DynamoDB itself, for up to days) still holds it.
 */
class ScanBudgetTest {
  private static final Instant NOW = Instant.parse("2026-11-24T16:20:00.5Z");
  private static final long NS = 5;
  private static final long PROJECT = 51;
  private static final long EXPIRY_PROJECT = 52;
  private static final int PAGE_BUDGET = 20;
  private static final int WINDOW_BUDGET = 60;

  static QueryStack stack;
  static SyntheticTraces data;
  static TraceOracle oracle;
  static List<String> rare = new ArrayList<>();

  @BeforeAll
  static void load() {
    stack = QueryStack.create("budget", Clock.fixed(NOW, ZoneOffset.UTC));
    data = new SyntheticTraces(51L, NOW);
    long now = TraceOracle.nanos(NOW);
    List<List<SentSpan>> traces = data.traces(PROJECT, 150, now - Duration.ofMinutes(55).toNanos(), now);
    // about one trace in twelve carries the rare attribute, on one span
    for (int i = 0; i < traces.size(); i += 12) {
      List<SentSpan> t = new ArrayList<>(traces.get(i));
      SentSpan s = t.get(t.size() - 1);
      List<KeyValue> attributes = new ArrayList<>(s.attributes());
      attributes.add(OtlpFixtures.attr("feature.flag", "rare-path"));
      t.set(t.size() - 1, new SentSpan(s.projectId(), s.traceId(), s.spanId(), s.parentSpanId(), s.name(), s.startNano(),
          s.endNano(), s.statusCode(), s.resource(), attributes));
      traces.set(i, t);
      rare.add(s.traceId());
    }
    for (SyntheticTraces.Delivery d : data.deliver(NS, PROJECT, traces)) {
      stack.ingest(d.namespaceId(), d.projectId(), d.request());
    }
    oracle = new TraceOracle(data.spans);
  }

  @AfterAll
  static void close() {
    stack.close();
  }

  @Test
  void aSelectivePageStopsAtTheBudgetSaysSoAndItsCursorsStillYieldExactlyTheOracle() {
    TraceListService service = stack.listService(PAGE_BUDGET, WINDOW_BUDGET);
    for (String sort : List.of("timestamp_desc", "timestamp_asc")) {
      Params query = Params.of("period", "1h", "sort", sort, "attr_name", "feature.flag", "attr_value", "rare-path",
          "page_size", "5");
      List<Row> expected = oracle.list(PROJECT, query.toMap(), NOW);
      assertEquals(rare.size(), expected.size(), "traces with the rare attribute");

      TraceQuery q = TraceQueryParser.parseList(query.toMap(), PROJECT, NOW, PAGE_TOKENS);
      TraceListService.Page first = service.list(PROJECT, q);
      assertTrue(first.scanLimited(), "the first page read " + PAGE_BUDGET + " rows and stopped");
      assertNotNull(first.nextCursor(), "a stopped page has a cursor to resume from");
      assertTrue(first.items().size() < 5, "a stopped page is not full: " + first.items().size());

      List<Row> all = new ArrayList<>();
      int limitedPages = 0;
      int pages = 0;
      TraceListService.Page page = first;
      while (true) {
        pages++;
        limitedPages += page.scanLimited() ? 1 : 0;
        page.items().forEach(i -> all.add(row(i)));
        if (page.nextCursor() == null) {
          break;
        }
        String token = PAGE_TOKENS.encode(PROJECT, q.fingerprint(), q.startNano(), q.endNano(), page.nextCursor());
        q = TraceQueryParser.parseList(query.with("page_token", token).toMap(), PROJECT, NOW, PAGE_TOKENS);
        page = service.list(PROJECT, q);
        assertTrue(pages < 100, "the listing ends");
      }
      assertEquals(List.of(), Listings.diff(expected, all), sort);
      assertTrue(limitedPages >= 3, "pages stopped by the budget: " + limitedPages + " of " + pages);
    }
  }

  @Test
  void overHttpAStoppedPageIsMarkedIncompleteAndTheWalkStillEqualsTheOracle() {
    try (QueryStack budgeted = stack.withClock(stack.clock).useBudgets(PAGE_BUDGET, WINDOW_BUDGET, 10_000)) {
      Params query = Params.of("period", "1h", "attr_name", "feature.flag", "attr_value", "rare-path");
      JsonNode first = budgeted.list(PROJECT, query.with("page_size", "5"));
      assertTrue(first.get("incomplete").asBoolean(), first.toString());
      assertTrue(first.get("warnings").get(0).asString().contains("next_page_token"), first.toString());
      assertFalse(first.get("next_page_token").isNull(), "a stopped page links to the rest");
      Listings.Walk walk = Listings.walk(budgeted, PROJECT, query, 5, 100);
      assertEquals(List.of(), walk.problems());
      assertEquals(List.of(), Listings.diff(oracle.list(PROJECT, query.toMap(), NOW), walk.rows()));
      assertTrue(walk.incompletePages() >= 3, "incomplete pages: " + walk.incompletePages());
    }
  }

  @Test
  void durationOrderOverAWindowLargerThanItsBudgetReadsTheDurationIndexPageByPageAndStaysExact() {
    TraceListService service = stack.listService(PAGE_BUDGET, WINDOW_BUDGET);
    for (String sort : List.of("duration_desc", "duration_asc")) {
      Params query = Params.of("period", "1h", "sort", sort);
      List<Row> expected = oracle.list(PROJECT, query.toMap(), NOW);
      assertTrue(expected.size() > WINDOW_BUDGET, "the hour holds more traces than the window budget: " + expected.size());
      TraceQuery q = TraceQueryParser.parseList(query.with("page_size", "5").toMap(), PROJECT, NOW, PAGE_TOKENS);
      TraceListService.Page first = service.list(PROJECT, q);
      assertEquals(5, first.items().size(), "an unfiltered page is full");
      assertFalse(first.scanLimited());
      assertEquals(expected.subList(0, 5), first.items().stream().map(ScanBudgetTest::row).toList(), sort);
    }
    try (QueryStack budgeted = stack.withClock(stack.clock).useBudgets(PAGE_BUDGET, WINDOW_BUDGET, 10_000)) {
      for (String sort : List.of("duration_desc", "duration_asc")) {
        // the whole hour, page by page
        Params all = Params.of("period", "1h", "sort", sort);
        Listings.Walk walk = Listings.walk(budgeted, PROJECT, all, 7, 100);
        assertEquals(List.of(), walk.problems());
        assertEquals(List.of(), Listings.diff(oracle.list(PROJECT, all.toMap(), NOW), walk.rows()), sort);
        // a selective filter: pages stop at the page budget, say so, and the walk is still exact
        Params rarePath = all.with("attr_name", "feature.flag").with("attr_value", "rare-path");
        JsonNode first = budgeted.list(PROJECT, rarePath.with("page_size", "5"));
        assertTrue(first.get("incomplete").asBoolean(), first.toString());
        Listings.Walk rareWalk = Listings.walk(budgeted, PROJECT, rarePath, 5, 100);
        assertEquals(List.of(), rareWalk.problems());
        assertEquals(List.of(), Listings.diff(oracle.list(PROJECT, rarePath.toMap(), NOW), rareWalk.rows()), sort);
        assertTrue(rareWalk.incompletePages() >= 3, "incomplete pages: " + rareWalk.incompletePages());
      }
      // a window the window budget covers is read whole and sorted, exactly as before
      Params small = Params.of("period", "15m", "sort", "duration_asc");
      List<Row> expected = oracle.list(PROJECT, small.toMap(), NOW);
      assertTrue(expected.size() > 5 && expected.size() < WINDOW_BUDGET, "traces in 15 minutes: " + expected.size());
      Listings.Walk walk = Listings.walk(budgeted, PROJECT, small, 4, 50);
      assertEquals(List.of(), walk.problems());
      assertEquals(List.of(), Listings.diff(expected, walk.rows()));
    }
  }

  @Test
  void analyticsWithATinyBudgetReportOnlyCompleteIntervalsAndFromWhen() {
    TraceAnalytics analytics = new TraceAnalytics(stack.index(), 40);
    Map<String, List<String>> params = Map.of("period", List.of("1h"));
    TraceQuery q = TraceQueryParser.parseAnalytics(params, PROJECT, NOW);
    TraceAnalytics.Result r = analytics.compute(PROJECT, q);
    assertNotNull(r.completeFromSecond(), "40 rows cannot cover the hour");
    List<TraceOracle.Interval> expected = oracle.analytics(PROJECT, params, NOW, r.stepSeconds()).stream()
        .filter(i -> i.startSecond() >= r.completeFromSecond()).toList();
    assertFalse(expected.isEmpty(), "some intervals are complete");
    assertTrue(expected.size() < oracle.analytics(PROJECT, params, NOW, r.stepSeconds()).size(), "some are left out");
    assertEquals(expected, intervals(r));

    TraceAnalytics.Result full = new TraceAnalytics(stack.index(), 10_000).compute(PROJECT, q);
    assertNull(full.completeFromSecond());
    assertEquals(oracle.analytics(PROJECT, params, NOW, full.stepSeconds()), intervals(full));

    try (QueryStack budgeted = stack.withClock(stack.clock).useBudgets(PAGE_BUDGET, WINDOW_BUDGET, 40)) {
      JsonNode body = budgeted.analytics(PROJECT, Params.of("period", "1h"));
      assertTrue(body.get("incomplete").asBoolean());
      assertEquals(r.completeFromSecond().longValue(), body.get("complete_from").asLong());
      assertEquals(expected.size(), body.get("results").size());
    }
  }

  @Test
  void aTraceWhoseTtlHasPassedAppearsNowhere() {
    // written now; read 30 days later, when the first two have just expired (TTL = start second + 30 days)
    long base = TraceOracle.nanos(NOW.minus(Duration.ofMinutes(30)).truncatedTo(java.time.temporal.ChronoUnit.SECONDS));
    long second = 1_000_000_000L;
    long[] starts = {base, base + second, base + 2 * second, base + 3 * second};
    List<List<SentSpan>> traces = new ArrayList<>();
    for (long start : starts) {
      traces.add(data.trace(EXPIRY_PROJECT, hexId(start), start, false, false));
    }
    for (SyntheticTraces.Delivery d : data.deliver(NS, EXPIRY_PROJECT, traces)) {
      stack.ingest(d.namespaceId(), d.projectId(), d.request());
    }
    Instant later = Instant.ofEpochSecond(starts[1] / second).plus(Duration.ofDays(30)); // = expiry of the second
    String window = "start_time=" + instant(base - second) + "&end_time=" + instant(base + 10 * second);
    Params query = Params.of("start_time", instant(base - second).toString(), "end_time", instant(base + 10 * second).toString());
    List<String> alive = List.of(traces.get(2).get(0).traceId(), traces.get(3).get(0).traceId());
    List<String> expired = List.of(traces.get(0).get(0).traceId(), traces.get(1).get(0).traceId());

    // before: all four everywhere
    assertEquals(4, stack.list(EXPIRY_PROJECT, query).get("traces").size(), window);

    try (QueryStack reading = stack.withClock(Clock.fixed(later, ZoneOffset.UTC))) {
      for (String sort : List.of("timestamp_desc", "timestamp_asc", "duration_desc", "duration_asc")) {
        JsonNode list = reading.list(EXPIRY_PROJECT, query.with("sort", sort));
        List<String> ids = new ArrayList<>();
        list.get("traces").forEach(t -> ids.add(t.get("trace_id").asString()));
        assertEquals(alive.stream().sorted().toList(), ids.stream().sorted().toList(), "listed with " + sort);
      }
      for (String id : expired) {
        assertEquals(0, reading.list(EXPIRY_PROJECT, query.with("trace_id", id)).get("traces").size(), "trace_id=" + id);
        assertEquals(404, reading.detail(EXPIRY_PROJECT, id).status(), "detail of expired " + id);
      }
      for (String id : alive) {
        assertEquals(1, reading.list(EXPIRY_PROJECT, query.with("trace_id", id)).get("traces").size(), "trace_id=" + id);
        assertEquals(200, reading.detail(EXPIRY_PROJECT, id).status(), "detail of " + id);
      }
      JsonNode analytics = reading.analytics(EXPIRY_PROJECT, query);
      int count = 0;
      for (JsonNode i : analytics.get("results")) {
        count += i.get("count").asInt();
      }
      assertEquals(2, count, "traces counted by analytics");
    }
  }

  private static String hexId(long seed) {
    return String.format("%016x%016x", seed ^ 0x5bd1e995L, seed | 1);
  }

  private static Instant instant(long nanos) {
    return Instant.ofEpochSecond(nanos / 1_000_000_000L, nanos % 1_000_000_000L);
  }

  static Row row(TraceListService.Item i) {
    TraceRow r = i.row();
    return new Row(r.traceId(), r.timestampNano(), r.durationNano(), r.service(), r.operation(), TraceJson.statusName(r.statusCode()),
        r.spanCount(), i.matchedSpans(), r.errorCount(), r.inProgress());
  }

  static List<TraceOracle.Interval> intervals(TraceAnalytics.Result r) {
    return r.intervals().stream().map(i -> new TraceOracle.Interval(i.startSecond(), i.count(), i.errorCount(), i.p50(), i.p75(),
        i.p90(), i.p95(), i.p99())).toList();
  }
}
