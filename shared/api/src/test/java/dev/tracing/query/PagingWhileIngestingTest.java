package dev.tracing.query;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.tracing.query.QueryStack.MutableClock;
import dev.tracing.query.QueryStack.Params;
import dev.tracing.query.TraceOracle.Row;
import dev.tracing.query.TraceOracle.SentSpan;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import tools.jackson.databind.JsonNode;

/**
 * Paging while traces keep arriving: between two pages the clock moves on a minute and new traces
 * are stored, with start times inside the first page's window (before and after the cursor) and
 * after its end (inside the window a fresh {@code period=1h} would have), and late spans join
 * traces already listed. Every trace that existed at the first page must come exactly once, in
 * order; nothing may come twice; and everything returned must lie in the first page's window.
 */
class PagingWhileIngestingTest {
  private static final long NS = 11;
  private static final long PROJECT = 77;
  private static final Instant T0 = Instant.parse("2026-11-24T09:10:11.123456789Z");
  private static final Duration HOUR = Duration.ofHours(1);

  private MutableClock clock;
  private QueryStack stack;
  private SyntheticTraces data;

  @BeforeEach
  void start() {
    clock = new MutableClock(T0);
    stack = QueryStack.create("paging", clock);
    data = new SyntheticTraces(77L, T0);
  }

  @AfterEach
  void stop() {
    stack.close();
  }

  @ParameterizedTest
  @ValueSource(strings = {"timestamp_desc", "duration_asc", "timestamp_asc"})
  void everyTraceOfTheFirstPageStaysListedOnceInOrderWhileTracesArrive(String sort) {
    long t0 = TraceOracle.nanos(T0);
    long windowStart = t0 - HOUR.toNanos();
    // before the first page: 80 traces in the window, 20 just before it
    send(data.traces(PROJECT, 80, windowStart, t0));
    send(data.traces(PROJECT, 20, windowStart - Duration.ofMinutes(20).toNanos(), windowStart));
    TraceOracle before = new TraceOracle(data.spans);
    Params query = Params.of("period", "1h", "sort", sort);
    List<Row> existing = before.list(PROJECT, query.toMap(), T0);
    Set<String> existingIds = existing.stream().map(Row::traceId).collect(Collectors.toSet());
    assertTrue(existing.size() >= 70, "traces in the first window: " + existing.size());

    Random random = new Random(sort.hashCode());
    List<Row> seen = new ArrayList<>();
    Set<String> written = new HashSet<>();
    String token = null;
    int pages = 0;
    int pageSize = 9;
    do {
      Params p = query.with("page_size", Integer.toString(pageSize));
      if (token != null) {
        p = p.with("page_token", token);
      }
      JsonNode body = stack.list(PROJECT, p);
      body.get("traces").forEach(t -> seen.add(Listings.row(t)));
      JsonNode next = body.get("next_page_token");
      token = next == null || next.isNull() ? null : next.asString();
      pages++;
      // the world moves on before the next page
      clock.advance(Duration.ofMinutes(1));
      long now = TraceOracle.nanos(clock.instant());
      List<List<SentSpan>> arriving = new ArrayList<>();
      arriving.addAll(data.traces(PROJECT, 2, windowStart, t0)); // inside the pinned window, anywhere
      arriving.addAll(data.traces(PROJECT, 2, t0, now)); // after its end: only a sliding window would show them
      arriving.addAll(data.traces(PROJECT, 1, windowStart - HOUR.toNanos(), windowStart)); // before its start
      arriving.forEach(t -> written.add(t.get(0).traceId()));
      send(arriving);
      // and late spans join traces already stored (neither start nor duration changes: they have a root)
      for (int i = 0; i < 2; i++) {
        Row r = existing.get(random.nextInt(existing.size()));
        SentSpan root = before.trace(PROJECT, r.traceId()).root();
        if (root != null) {
          send(List.of(List.of(data.lateChild(root))));
        }
      }
      pageSize = pageSize == 9 ? 5 : 9;
    } while (token != null && pages < 200);
    assertTrue(token == null, "the listing ended");

    // nothing twice
    Map<String, Integer> counts = new HashMap<>();
    seen.forEach(r -> counts.merge(r.traceId(), 1, Integer::sum));
    List<String> twice = counts.entrySet().stream().filter(e -> e.getValue() > 1).map(Map.Entry::getKey).toList();
    assertTrue(twice.isEmpty(), "returned more than once: " + twice);
    // everything in the first page's window, whatever the clock says now
    List<Row> outside = seen.stream().filter(r -> r.timestampNano() < windowStart || r.timestampNano() >= t0).toList();
    assertTrue(outside.isEmpty(), "outside the first page's window [" + T0.minus(HOUR) + ", " + T0 + "): " + outside);
    // the whole listing in the query's order
    Comparator<Row> order = switch (sort) {
      case "timestamp_desc" -> Comparator.comparingLong(Row::timestampNano).reversed();
      case "timestamp_asc" -> Comparator.comparingLong(Row::timestampNano);
      default -> Comparator.comparingLong(Row::durationNano);
    };
    order = order.thenComparing(Row::traceId);
    for (int i = 1; i < seen.size(); i++) {
      assertTrue(order.compare(seen.get(i - 1), seen.get(i)) < 0, "out of order at " + i + ": " + seen.get(i - 1) + " then "
          + seen.get(i));
    }
    // every trace that existed at the first page, once, in the oracle's order
    List<String> expectedOrder = existing.stream().map(Row::traceId).toList();
    List<String> existingSeen = seen.stream().map(Row::traceId).filter(existingIds::contains).toList();
    assertEquals(expectedOrder, existingSeen, "the traces that existed at the first page");
    // anything else is a trace written while paging, inside the window
    Set<String> others = seen.stream().map(Row::traceId).filter(id -> !existingIds.contains(id)).collect(Collectors.toSet());
    assertTrue(written.containsAll(others), "traces neither stored before nor while paging: " + others);
    System.out.printf("paging %s while ingesting: %d pages, %d traces existed, %d arrived while paging, %d of those listed%n",
        sort, pages, existing.size(), written.size(), others.size());
  }

  private void send(List<List<SentSpan>> traces) {
    for (SyntheticTraces.Delivery d : data.deliver(NS, PROJECT, traces)) {
      stack.ingest(d.namespaceId(), d.projectId(), d.request());
    }
  }
}
