package dev.tracing.storage;

import dev.tracing.otlp.OtlpIds;
import static dev.tracing.testing.OtlpFixtures.nanos;
import static dev.tracing.testing.OtlpFixtures.randomTraceId;
import static dev.tracing.testing.OtlpFixtures.request;
import static dev.tracing.testing.OtlpFixtures.service;
import static dev.tracing.testing.OtlpFixtures.span;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.protobuf.ByteString;
import dev.tracing.model.TraceIds;
import dev.tracing.storage.TraceRow;
import dev.tracing.otlp.TraceBatcher;
import io.opentelemetry.proto.collector.trace.v1.ExportTraceServiceRequest;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ThreadLocalRandom;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

/**
 * The contract of {@link TraceIndex}, run by every storage backend as a {@code @Nested} subclass:
 * what the traces list reads. Traces enter through the backend's {@link TraceWriter}, which keeps
 * the index. Each test works in a project of its own, so a backend may share its storage between
 * tests.
 */
public abstract class TraceIndexContract {
  /** The retention the backend's writer must be configured with. */
  protected static final Duration RETENTION = Duration.ofDays(30);
  private static final long MS = 1_000_000L;
  private static final long MINUTE = 60_000 * MS;

  /** A writer storing with {@link #RETENTION}. */
  protected abstract TraceWriter writer();

  /** The index over the same store, judging expiry by {@code clock}. */
  protected abstract TraceIndex index(Clock clock);

  protected final TraceIndex index() {
    return index(Clock.systemUTC());
  }

  protected final long project = ThreadLocalRandom.current().nextLong(1_000_000, 1_000_000_000);
  /** Two hours ago on a whole hour: windows below cross hour boundaries on purpose. */
  protected final long base = nanos(Instant.now().minus(Duration.ofHours(2)).truncatedTo(ChronoUnit.HOURS));

  /** A two-span trace (root and child) of {@code service} that starts at {@code startNano}; returns its id. */
  protected final String trace(long projectId, String service, long startNano, long durationNano, boolean error) {
    ByteString id = randomTraceId();
    write(projectId, request(service(service),
        span(id, 1, 0, "GET /" + service, startNano, durationNano, false),
        span(id, 2, 1, "SELECT " + service, startNano + MS, MS, error)));
    return OtlpIds.hex(id);
  }

  protected final String trace(long startNano) {
    return trace(project, "frontend", startNano, 5 * MS, false);
  }

  protected final void write(long projectId, ExportTraceServiceRequest request) {
    writer().write(projectId, new TraceBatcher(RETENTION).split(request, Instant.now()).chunks());
  }

  /** Every row of the window, in the index's order. */
  protected final List<TraceRow> all(long startNano, long endNano, boolean descending) {
    List<TraceRow> rows = new ArrayList<>();
    TraceIndex.ScanOutcome outcome = index().scan(project, startNano, endNano, descending, Integer.MAX_VALUE, rows::add);
    assertFalse(outcome.budgetExhausted());
    return rows;
  }

  private static List<String> ids(List<TraceRow> rows) {
    return rows.stream().map(TraceRow::traceId).toList();
  }

  @Test
  void aWindowIsVisitedInTimestampOrderEitherWayWithItsStartInAndItsEndOut() {
    long start = base + 10 * MINUTE;
    long end = start + 100 * MINUTE;
    trace(start - 1); // before the window
    String first = trace(start);
    String second = trace(start + 37 * MINUTE);
    String third = trace(start + 61 * MINUTE); // the next hour
    String last = trace(end - 1);
    trace(end); // the end is exclusive

    assertEquals(List.of(last, third, second, first), ids(all(start, end, true)));
    assertEquals(List.of(first, second, third, last), ids(all(start, end, false)));
  }

  @Test
  void equalTimestampsAreOrderedByTraceIdAscendingInBothDirections() {
    long t = base + 30 * MINUTE;
    String before = trace(t - MS);
    List<String> tied = new ArrayList<>(List.of(trace(t), trace(t), trace(t), trace(t)));
    String after = trace(t + MS);
    tied.sort(Comparator.naturalOrder());

    List<String> descending = new ArrayList<>(List.of(after));
    descending.addAll(tied);
    descending.add(before);
    assertEquals(descending, ids(all(base, base + 60 * MINUTE, true)));
    List<String> ascending = new ArrayList<>(List.of(before));
    ascending.addAll(tied);
    ascending.add(after);
    assertEquals(ascending, ids(all(base, base + 60 * MINUTE, false)));
  }

  @Test
  void aRowCarriesTheSummaryOfItsTrace() {
    long t = base + 5 * MINUTE;
    String failed = trace(project, "checkout", t, 7 * MS, true);
    ByteString open = randomTraceId(); // a child whose root has not arrived: in progress, headed by the child
    write(project, request(service("backend"), span(open, 9, 8, "charge", t + MINUTE, 3 * MS, false)));

    List<TraceRow> rows = all(base, base + 60 * MINUTE, false);
    assertEquals(2, rows.size(), rows.toString());
    TraceRow row = rows.get(0);
    assertEquals(failed, row.traceId());
    assertEquals(t, row.timestampNano());
    assertEquals(7 * MS, row.durationNano());
    assertEquals("checkout", row.service());
    assertEquals("GET /checkout", row.operation());
    assertEquals(2, row.statusCode(), "a trace with a failed span is an error");
    assertEquals(2, row.spanCount());
    assertEquals(1, row.errorCount());
    assertFalse(row.inProgress());
    assertTrue(row.hasServiceOperation("checkout", "SELECT checkout"));
    TraceRow inProgress = rows.get(1);
    assertEquals(OtlpIds.hex(open), inProgress.traceId());
    assertTrue(inProgress.inProgress());
    assertEquals("charge", inProgress.operation());
    assertEquals(t + MINUTE, inProgress.timestampNano());
  }

  @Test
  void anotherProjectsTracesAreNeverVisited() {
    long t = base + 20 * MINUTE;
    String mine = trace(t);
    String theirs = trace(project + 1, "frontend", t, 5 * MS, false);

    assertEquals(List.of(mine), ids(all(base, base + 60 * MINUTE, true)));
    assertEquals(List.of(mine), ids(index().rows(project, List.of(mine, theirs))));
  }

  @Test
  void anEmptyOrInvertedWindowVisitsNothing() {
    long t = base + 20 * MINUTE;
    trace(t);
    assertEquals(List.of(), all(t, t, true));
    assertEquals(List.of(), all(t + 1, t, false));
  }

  @Test
  void expiredTracesAreSkippedByScanAndRows() {
    Instant start = Instant.now().minus(Duration.ofDays(2)).truncatedTo(ChronoUnit.SECONDS);
    long t = nanos(start);
    String id = trace(t);
    Clock beforeExpiry = Clock.fixed(start.plus(RETENTION).minusSeconds(60), ZoneOffset.UTC);
    Clock afterExpiry = Clock.fixed(start.plus(RETENTION).plusSeconds(60), ZoneOffset.UTC);

    List<TraceRow> seen = new ArrayList<>();
    index(beforeExpiry).scan(project, t - MINUTE, t + MINUTE, true, 100, seen::add);
    assertEquals(List.of(id), ids(seen), "listed until it expires");
    assertEquals(List.of(id), ids(index(beforeExpiry).rows(project, List.of(id))));

    seen.clear();
    index(afterExpiry).scan(project, t - MINUTE, t + MINUTE, true, 100, seen::add);
    assertEquals(List.of(), seen, "an expired trace is not listed, even where the store has not deleted it yet");
    assertEquals(List.of(), index(afterExpiry).rows(project, List.of(id)));
  }

  @Test
  void theVisitorStopsTheScanAtTheRowItRefuses() {
    List<String> expected = new ArrayList<>();
    for (int i = 0; i < 5; i++) {
      expected.add(0, trace(base + i * MINUTE));
    }
    List<String> visited = new ArrayList<>();
    TraceIndex.ScanOutcome outcome = index().scan(project, base, base + 60 * MINUTE, true, 1000, row -> {
      visited.add(row.traceId());
      return visited.size() < 2;
    });

    assertEquals(expected.subList(0, 2), visited);
    assertFalse(outcome.budgetExhausted());
    assertEquals(expected.get(1), outcome.lastVisited().traceId(), "the row the visitor refused");
  }

  @Test
  void aScanWithinItsBudgetEndsAtTheLastRowOfTheWindow() {
    String older = trace(base + MINUTE);
    String newer = trace(base + 2 * MINUTE);
    TraceIndex.ScanOutcome outcome = index().scan(project, base, base + 60 * MINUTE, true, 1000, row -> true);

    assertFalse(outcome.budgetExhausted());
    assertEquals(2, outcome.rowsRead());
    assertEquals(older, outcome.lastVisited().traceId());
    assertNotEquals(newer, outcome.lastVisited().traceId());
    assertNull(index().scan(project, base + 50 * MINUTE, base + 60 * MINUTE, true, 1000, row -> true).lastVisited(),
        "nothing visited, nothing to resume after");
  }

  @Test
  void aBudgetedScanStopsBetweenTimestampsAndResumesWithoutLosingOrRepeatingARow() {
    // 14 traces; every third timestamp is shared by three traces, so budgets fall inside tie groups
    for (int i = 0; i < 8; i++) {
      long t = base + (i * 7 + 3) * MINUTE;
      trace(t);
      if (i % 3 == 0) {
        trace(t);
        trace(t);
      }
    }
    long end = base + 60 * MINUTE;
    List<TraceRow> expected = all(base, end, true);
    assertEquals(14, expected.size());

    int budget = 4;
    List<TraceRow> resumed = new ArrayList<>();
    long windowEnd = end;
    Long skipTimestamp = null;
    for (int scans = 0; ; scans++) {
      assertTrue(scans < 14, "each budgeted scan makes progress");
      Long skip = skipTimestamp;
      List<TraceRow> page = new ArrayList<>();
      TraceIndex.ScanOutcome outcome = index().scan(project, base, windowEnd, true, budget, row -> {
        if (skip == null || row.timestampNano() != skip) {
          page.add(row);
        }
        return true;
      });
      resumed.addAll(page);
      if (!outcome.budgetExhausted()) {
        break;
      }
      assertTrue(outcome.rowsRead() >= budget, "stopped for its budget after reading " + outcome.rowsRead() + " rows");
      TraceRow last = outcome.lastVisited();
      assertEquals(resumed.get(resumed.size() - 1), last, "lastVisited is the last row handed to the visitor");
      int at = expected.indexOf(last);
      assertTrue(at + 1 < expected.size(), "a scan that stopped early left rows");
      assertNotEquals(last.timestampNano(), expected.get(at + 1).timestampNano(),
          "a group of equal timestamps is never split between scans");
      // resume: the same window up to and including the last timestamp, whose rows were all visited
      windowEnd = last.timestampNano() + 1;
      skipTimestamp = last.timestampNano();
    }
    assertEquals(ids(expected), ids(resumed));
  }

  /** Every row of the window in duration order, after the trace {@code (afterDuration, afterId)} when given. */
  private List<TraceRow> byDuration(TraceIndex index, long startNano, long endNano, boolean descending) {
    List<TraceRow> rows = new ArrayList<>();
    TraceIndex.ScanOutcome outcome = index.scanByDuration(project, startNano, endNano, descending, 0, null, Integer.MAX_VALUE,
        rows::add);
    assertFalse(outcome.budgetExhausted());
    return rows;
  }

  /**
   * Every field of a row, arrays by content; term hashes by the top bits a list index entry
   * carries (a row from a summary has the whole hashes).
   */
  private static String fields(TraceRow r) {
    return String.join(" ", r.traceId(), Long.toString(r.timestampNano()), Long.toString(r.durationNano()), r.service(),
        r.operation(), Integer.toString(r.statusCode()), Integer.toString(r.spanCount()), Integer.toString(r.errorCount()),
        Boolean.toString(r.inProgress()), String.valueOf(r.names()), java.util.Arrays.toString(java.util.Arrays.stream(r.attributeHashes())
            .map(h -> h >>> TraceRow.SUFFIX_BITS).toArray()),
        Boolean.toString(r.attributesTruncated()));
  }

  private static Comparator<TraceRow> durationOrder(boolean descending) {
    Comparator<TraceRow> d = Comparator.comparingLong(TraceRow::durationNano);
    return (descending ? d.reversed() : d).thenComparing(TraceRow::traceId);
  }

  @Test
  void durationOrderCrossesDaysWithTiesByTraceIdAndTheWindowEdgesExact() {
    long day = 86_400_000 * MS;
    long start = base - 2 * day - 30 * MINUTE;
    long end = base + 30 * MINUTE;
    trace(project, "frontend", start - 1, 900 * MS, false); // before the window, slowest of all
    trace(project, "frontend", end, 901 * MS, false); // the end is exclusive
    List<String> inside = new ArrayList<>();
    long[] durations = {5, 250, 40, 40, 40, 7, 600, 12, 40, 1};
    for (int i = 0; i < durations.length; i++) {
      inside.add(trace(project, "svc" + i, start + i * (end - start) / durations.length, durations[i] * MS, false));
    }
    inside.add(trace(project, "frontend", start, 3 * MS, false)); // the start is inclusive

    for (boolean descending : List.of(true, false)) {
      List<TraceRow> rows = byDuration(index(), start, end, descending);
      List<TraceRow> expected = new ArrayList<>(all(start, end, true));
      expected.sort(durationOrder(descending));
      assertEquals(inside.size(), expected.size(), "the window's traces, as the list index has them");
      assertEquals(ids(expected), ids(rows), descending ? "slowest first" : "fastest first");
      assertEquals(expected.stream().map(TraceIndexContract::fields).toList(), rows.stream().map(TraceIndexContract::fields).toList(),
          "each row is the trace's list row");
      assertTrue(rows.stream().noneMatch(TraceRow::termPrefixesOnly), "rows read from summaries carry whole term hashes");
    }
  }

  @Test
  void aTraceWhoseDurationChangesWithLaterSpansMovesInDurationOrder() {
    long t = base + 10 * MINUTE;
    String steady = trace(project, "frontend", t, 50 * MS, false);
    ByteString growing = randomTraceId();
    // first a short child alone (in progress, headed by the child), later its root, the longest span of all
    write(project, request(service("backend"), span(growing, 2, 1, "charge", t + MS, 3 * MS, false)));
    assertEquals(List.of(steady, OtlpIds.hex(growing)), ids(byDuration(index(), base, base + 60 * MINUTE, true)));
    write(project, request(service("frontend"), span(growing, 1, 0, "GET /pay", t, 80 * MS, false)));
    List<TraceRow> rows = byDuration(index(), base, base + 60 * MINUTE, true);
    assertEquals(List.of(OtlpIds.hex(growing), steady), ids(rows), "moved up, and listed once");
    assertEquals(80 * MS, rows.get(0).durationNano());
  }

  @Test
  void aBudgetedDurationScanResumesAfterItsLastTraceWithoutLosingOrRepeatingOne() {
    long day = 86_400_000 * MS;
    long from = base - 3 * day;
    for (int i = 0; i < 15; i++) {
      // three days, durations with ties; one trace in five before the window
      long start = i % 5 == 4 ? from - (i + 1) * MINUTE : base - (i % 3) * day;
      trace(project, "frontend", start, (i % 4) * MS, false);
    }
    long to = base + 60 * MINUTE;
    for (boolean descending : List.of(true, false)) {
      List<TraceRow> expected = byDuration(index(), from, to, descending);
      assertEquals(12, expected.size());
      List<TraceRow> resumed = new ArrayList<>();
      long afterDuration = 0;
      String afterId = null;
      for (int scans = 0; ; scans++) {
        assertTrue(scans < 20, "each budgeted scan makes progress");
        List<TraceRow> page = new ArrayList<>();
        TraceIndex.ScanOutcome outcome = index().scanByDuration(project, from, to, descending, afterDuration, afterId, 4,
            page::add);
        resumed.addAll(page);
        if (!outcome.budgetExhausted()) {
          break;
        }
        afterDuration = outcome.lastVisited().durationNano();
        afterId = outcome.lastVisited().traceId();
      }
      assertEquals(ids(expected), ids(resumed), descending ? "slowest first" : "fastest first");
    }
  }

  @Test
  void durationOrderSkipsExpiredTracesAndStopsAtTheTraceTheVisitorRefuses() {
    Instant start = Instant.now().minus(Duration.ofDays(2)).truncatedTo(ChronoUnit.SECONDS);
    long t = nanos(start);
    String old = trace(project, "frontend", t, 9 * MS, false);
    String young = trace(project, "frontend", t + 2 * MINUTE, 4 * MS, false);
    String younger = trace(project, "frontend", t + 3 * MINUTE, 2 * MS, false);
    Clock afterExpiry = Clock.fixed(start.plus(RETENTION).plusSeconds(60), ZoneOffset.UTC);
    assertEquals(List.of(old, young, younger), ids(byDuration(index(), t, t + 10 * MINUTE, true)));
    assertEquals(List.of(young, younger), ids(byDuration(index(afterExpiry), t, t + 10 * MINUTE, true)),
        "an expired trace is not listed, even where the store has not deleted it yet");

    List<String> visited = new ArrayList<>();
    TraceIndex.ScanOutcome outcome = index().scanByDuration(project, t, t + 10 * MINUTE, false, 0, null, 100, row -> {
      visited.add(row.traceId());
      return false;
    });
    assertEquals(List.of(younger), visited);
    assertFalse(outcome.budgetExhausted());
    assertEquals(younger, outcome.lastVisited().traceId());
    assertEquals(List.of(), ids(byDuration(index(), t, t, true)), "an empty window visits nothing");
  }

  @Test
  void rowsFindsTracesByIdAndOnlyThose() {
    String a = trace(base + MINUTE);
    String b = trace(project, "checkout", base + 2 * MINUTE, 9 * MS, true);
    String unknown = OtlpIds.hex(randomTraceId());

    List<TraceRow> rows = index().rows(project, List.of(a, b, unknown));
    assertEquals(Set.of(a, b), rows.stream().map(TraceRow::traceId).collect(Collectors.toSet()));
    TraceRow rowB = rows.stream().filter(r -> r.traceId().equals(b)).findFirst().orElseThrow();
    TraceRow scanned = all(base, base + 60 * MINUTE, true).get(0);
    assertEquals(b, scanned.traceId());
    assertEquals(scanned.timestampNano(), rowB.timestampNano(), "rows() and scan() give the same row");
    assertEquals(scanned.durationNano(), rowB.durationNano());
    assertEquals(scanned.service(), rowB.service());
    assertEquals(scanned.operation(), rowB.operation());
    assertEquals(scanned.statusCode(), rowB.statusCode());
    assertEquals(scanned.spanCount(), rowB.spanCount());
    assertEquals(scanned.errorCount(), rowB.errorCount());
    assertEquals(List.of(), index().rows(project, List.of()));
    assertEquals(List.of(), index().rows(project, List.of(unknown)));
  }
}
