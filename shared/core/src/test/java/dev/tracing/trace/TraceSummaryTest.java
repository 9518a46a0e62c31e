package dev.tracing.trace;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.Comparator;
import java.util.List;
import java.util.Random;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import java.util.stream.LongStream;
import org.junit.jupiter.api.Test;

class TraceSummaryTest {
  private static final String TRACE = "0af7651916cd43dd8448eb211c80319c";
  private static final long T0 = 1_795_000_000_000_000_000L;
  private static final long MS = 1_000_000L;
  private static final long[] NO_TERMS = new long[0];

  private static SpanFacts fact(long id, boolean root, long start, long end, String service, String name, int status,
                                long... terms) {
    long[] sorted = terms.clone();
    Arrays.sort(sorted);
    return new SpanFacts(id, root, start, end, service, name, status, AttributeTerms.distinct(sorted));
  }

  private static SpanFacts root(long id, long start, long end) {
    return fact(id, true, start, end, "frontend", "root " + id, 0);
  }

  private static SpanFacts child(long id, long start, long end) {
    return fact(id, false, start, end, "backend", "child " + id, 0);
  }

  private static TraceSummary merged(SpanFacts... spans) {
    TraceSummary s = new TraceSummary(TRACE);
    s.merge(List.of(spans));
    return s;
  }

  // ---------------------------------------------------------------------------------------------
  // Merge is order-independent and idempotent: a randomized property test

  /** Everything a summary shows, as one comparable value. */
  private record Observed(List<Long> spanIds, int errorCount, boolean inProgress, TraceSummary.Head root,
                          TraceSummary.Head earliest, TraceSummary.Head head, long timestampNano, long durationNano,
                          long latestEndNano, int statusCode, Set<String> services, Set<String> operations,
                          SpanNames names, List<Long> attributeHashes, boolean attributesTruncated) {
    static Observed of(TraceSummary s) {
      return new Observed(LongStream.of(s.spanIdArray()).boxed().toList(), s.errorCount(), s.inProgress(), s.root(),
          s.earliest(), s.head(), s.timestampNano(), s.durationNano(), s.latestEndNano(), s.statusCode(),
          new TreeSet<>(s.names().services()), new TreeSet<>(s.names().operations()), s.names(),
          LongStream.of(s.attributeHashes()).boxed().toList(), s.attributesTruncated());
    }
  }

  /**
   * A trace of up to 40 spans with colliding start times, ids across the whole unsigned range, zero
   * to two roots, several services and names, all three status codes and up to 40 attribute terms
   * (under the per-trace bound, where merging must be exactly order-independent).
   */
  private static List<SpanFacts> generateTrace(Random random) {
    int n = 1 + random.nextInt(40);
    int roots = random.nextInt(3);
    Set<Long> ids = new TreeSet<>();
    while (ids.size() < n) {
      ids.add(random.nextLong() | 1);
    }
    List<SpanFacts> spans = new ArrayList<>();
    int i = 0;
    for (long id : ids) {
      long start = T0 + random.nextInt(8) * MS; // few distinct starts: ties are common
      long end = start + random.nextInt(50) * MS;
      long[] terms = new long[random.nextInt(4)];
      for (int t = 0; t < terms.length; t++) {
        terms[t] = AttributeTerms.hash("k" + random.nextInt(10), "v" + random.nextInt(4));
      }
      spans.add(fact(id, i++ < roots, start, end, "svc" + random.nextInt(3), "op" + random.nextInt(5),
          random.nextInt(3), terms));
    }
    Collections.shuffle(spans, random);
    return spans;
  }

  /** What the summary of these (distinct) spans must show, computed without TraceSummary. */
  private static Observed oracle(List<SpanFacts> spans) {
    Comparator<SpanFacts> headOrder = Comparator.comparingLong(SpanFacts::startNano)
        .thenComparing(SpanFacts::spanId, Long::compareUnsigned);
    SpanFacts root = spans.stream().filter(SpanFacts::root).min(headOrder).orElse(null);
    SpanFacts earliest = spans.stream().min(headOrder).orElseThrow();
    SpanFacts head = root != null ? root : earliest;
    int errors = (int) spans.stream().filter(SpanFacts::isError).count();
    return new Observed(
        spans.stream().map(SpanFacts::spanId).sorted().toList(),
        errors,
        root == null,
        root == null ? null : TraceSummary.Head.of(root),
        TraceSummary.Head.of(earliest),
        TraceSummary.Head.of(head),
        head.startNano(),
        head.endNano() - head.startNano(),
        spans.stream().mapToLong(SpanFacts::endNano).max().orElseThrow(),
        errors > 0 ? 2 : head.statusCode(),
        spans.stream().map(SpanFacts::service).collect(Collectors.toCollection(TreeSet::new)),
        spans.stream().map(SpanFacts::name).collect(Collectors.toCollection(TreeSet::new)),
        expectedNames(spans),
        spans.stream().flatMapToLong(f -> LongStream.of(f.attributeHashes())).distinct().sorted().boxed().toList(),
        false);
  }

  /** Span counts per (service, operation), each span once. */
  private static SpanNames expectedNames(List<SpanFacts> spans) {
    java.util.TreeMap<String, java.util.TreeMap<String, Integer>> counts = new java.util.TreeMap<>();
    for (SpanFacts f : spans) {
      counts.computeIfAbsent(f.service(), k -> new java.util.TreeMap<>()).merge(f.name(), 1, Integer::sum);
    }
    return SpanNames.of(counts, false);
  }

  /** The spans as they might arrive: shuffled, split into requests, some requests retried, some spans re-sent. */
  private static List<List<SpanFacts>> arrival(List<SpanFacts> spans, Random random) {
    List<SpanFacts> shuffled = new ArrayList<>(spans);
    Collections.shuffle(shuffled, random);
    for (int d = random.nextInt(4); d > 0; d--) { // re-sent spans inside other requests
      shuffled.add(random.nextInt(shuffled.size() + 1), spans.get(random.nextInt(spans.size())));
    }
    List<List<SpanFacts>> requests = new ArrayList<>();
    for (int from = 0; from < shuffled.size(); ) {
      int to = Math.min(shuffled.size(), from + 1 + random.nextInt(6));
      requests.add(shuffled.subList(from, to));
      from = to;
    }
    for (int r = random.nextInt(3); r > 0; r--) { // retried requests
      requests.add(random.nextInt(requests.size() + 1), requests.get(random.nextInt(requests.size())));
    }
    return requests;
  }

  @Test
  void mergeGivesTheSameSummaryForEveryArrivalOrderRetryAndDuplication() {
    long seed = 20261124L;
    Random random = new Random(seed);
    for (int trace = 0; trace < 200; trace++) {
      List<SpanFacts> spans = generateTrace(random);
      Observed expected = oracle(spans);
      for (int arrangement = 0; arrangement < 20; arrangement++) {
        TraceSummary s = new TraceSummary(TRACE);
        int added = 0;
        for (List<SpanFacts> request : arrival(spans, random)) {
          added += s.merge(request);
        }
        String where = "seed " + seed + ", trace " + trace + ", arrangement " + arrangement;
        assertEquals(expected, Observed.of(s), where);
        assertEquals(spans.size(), added, "merge reports each span as new exactly once; " + where);
      }
    }
  }

  @Test
  void mergeReportsHowManySpansWereNew() {
    TraceSummary s = new TraceSummary(TRACE);

    assertEquals(2, s.merge(List.of(root(1, T0, T0 + 10), child(2, T0, T0 + 5))));
    assertEquals(0, s.merge(List.of(root(1, T0, T0 + 10), child(2, T0, T0 + 5))));
    assertEquals(1, s.merge(List.of(child(2, T0, T0 + 5), child(3, T0, T0 + 5))));
    assertEquals(3, s.spanCount());
  }

  @Test
  void spanSentTwiceInOneChunkIsCountedOnce() {
    SpanFacts error = fact(5, false, T0, T0 + MS, "a", "b", 2);

    TraceSummary s = merged(error, error);

    assertEquals(1, s.spanCount());
    assertEquals(1, s.errorCount());
  }

  // ---------------------------------------------------------------------------------------------
  // Heads

  @Test
  void earliestRootHeadsTheTrace() {
    TraceSummary s = merged(root(1, T0 + 5 * MS, T0 + 9 * MS), root(9, T0, T0 + 4 * MS), child(3, T0 + MS, T0 + 2 * MS));

    assertEquals(9L, s.head().spanId());
    assertEquals(T0, s.timestampNano());
    assertEquals(4 * MS, s.durationNano());
    assertFalse(s.inProgress());
  }

  @Test
  void rootsStartingTogetherAreTiedBySmallerSpanId() {
    assertEquals(3L, merged(root(5, T0, T0 + MS), root(3, T0, T0 + 2 * MS)).head().spanId());
    assertEquals(3L, merged(root(3, T0, T0 + MS), root(5, T0, T0 + 2 * MS)).head().spanId());
  }

  @Test
  void spanIdsTieBreakAsUnsignedNumbers() {
    long highBit = 0x8000_0000_0000_0000L; // negative as a Java long, but larger than 1 as an id

    assertEquals(1L, merged(root(highBit, T0, T0 + MS), root(1, T0, T0 + MS)).head().spanId());
    assertEquals(1L, merged(root(1, T0, T0 + MS), root(highBit, T0, T0 + MS)).head().spanId());
  }

  @Test
  void traceWithoutRootIsInProgressHeadedByItsEarliestSpan() {
    TraceSummary s = merged(child(4, T0 + 3 * MS, T0 + 5 * MS), child(2, T0 + MS, T0 + 8 * MS),
        child(3, T0 + 2 * MS, T0 + 4 * MS));

    assertTrue(s.inProgress());
    assertNull(s.root());
    assertEquals(2L, s.head().spanId());
    assertEquals("child 2", s.head().name());
    assertEquals(T0 + MS, s.timestampNano());
    assertEquals(7 * MS, s.durationNano());
  }

  @Test
  void earliestSpansStartingTogetherAreTiedBySmallerSpanId() {
    assertEquals(2L, merged(child(7, T0, T0 + MS), child(2, T0, T0 + MS)).head().spanId());
  }

  @Test
  void rootHeadsTheTraceEvenWhenAChildStartedEarlier() {
    // Clock skew between services: a child's start can precede its root's.
    TraceSummary s = merged(child(2, T0 - 3 * MS, T0 + MS), root(1, T0, T0 + 10 * MS));

    assertEquals(1L, s.head().spanId());
    assertEquals(T0, s.timestampNano());
    assertEquals(10 * MS, s.durationNano());
    assertEquals(T0 - 3 * MS, s.earliestStartNano(), "retention counts from the earliest span");
    assertEquals(2L, s.earliest().spanId());
  }

  @Test
  void latestEndIsTheLastEndOfAnySpan() {
    assertEquals(T0 + 20 * MS, merged(root(1, T0, T0 + 10 * MS), child(2, T0 + MS, T0 + 20 * MS)).latestEndNano());
  }

  // ---------------------------------------------------------------------------------------------
  // Status

  @Test
  void anyErrorSpanMakesTheTraceAnError() {
    TraceSummary s = merged(fact(1, true, T0, T0 + MS, "a", "r", 1), fact(2, false, T0, T0 + MS, "a", "c", 2),
        fact(3, false, T0, T0 + MS, "a", "c", 2));

    assertEquals(2, s.errorCount());
    assertEquals(2, s.statusCode());
  }

  @Test
  void traceWithoutErrorsHasItsHeadsStatus() {
    assertEquals(1, merged(fact(1, true, T0, T0 + MS, "a", "r", 1), fact(2, false, T0, T0 + MS, "a", "c", 0)).statusCode());
    assertEquals(0, merged(fact(1, true, T0, T0 + MS, "a", "r", 0), fact(2, false, T0, T0 + MS, "a", "c", 1)).statusCode());
  }

  // ---------------------------------------------------------------------------------------------
  // Attribute terms and their bound

  private static long[] terms(String prefix, int count) {
    return IntStream.range(0, count).mapToLong(i -> AttributeTerms.hash(prefix + i, "v")).toArray();
  }

  private static int searchable(TraceSummary s, String prefix, int count) {
    return (int) IntStream.range(0, count).filter(i -> s.hasAttribute(prefix + i, "v")).count();
  }

  @Test
  void attributesOfEverySpanAreSearchable() {
    TraceSummary s = merged(fact(1, true, T0, T0 + MS, "a", "r", 0, AttributeTerms.hash("http.method", "GET")),
        fact(2, false, T0, T0 + MS, "a", "c", 0, AttributeTerms.hash("db.system", "redis")));

    assertTrue(s.hasAttribute("http.method", "GET"));
    assertTrue(s.hasAttribute("db.system", "redis"));
    assertFalse(s.hasAttribute("http.method", "redis"));
    assertFalse(s.attributesTruncated());
  }

  @Test
  void exactlyTheBoundOfDistinctTermsIsNotTruncated() {
    TraceSummary s = merged(fact(1, true, T0, T0 + MS, "a", "r", 0, terms("a", 200)),
        fact(2, false, T0, T0 + MS, "a", "c", 0, terms("b", AttributeTerms.MAX_TERMS_PER_TRACE - 200)));

    assertEquals(AttributeTerms.MAX_TERMS_PER_TRACE, s.attributeHashes().length);
    assertFalse(s.attributesTruncated());
  }

  @Test
  void termsBeyondTheBoundAreDroppedAndEarlierTermsStaySearchable() {
    TraceSummary s = new TraceSummary(TRACE);
    s.merge(List.of(fact(1, true, T0, T0 + MS, "a", "r", 0, terms("early", 200))));
    s.merge(List.of(fact(2, false, T0, T0 + MS, "a", "c", 0, terms("late", 100))));

    assertTrue(s.attributesTruncated());
    assertEquals(AttributeTerms.MAX_TERMS_PER_TRACE, s.attributeHashes().length);
    assertEquals(200, searchable(s, "early", 200), "every term of the first span");
    assertEquals(AttributeTerms.MAX_TERMS_PER_TRACE - 200, searchable(s, "late", 100), "the room that was left");
  }

  @Test
  void truncatedSummaryNoLongerGrowsAndStaysMarked() {
    TraceSummary s = merged(fact(1, true, T0, T0 + MS, "a", "r", 0, terms("a", 300)));
    long[] kept = s.attributeHashes();

    s.merge(List.of(fact(2, false, T0, T0 + MS, "a", "c", 0, terms("b", 10))));

    assertTrue(s.attributesTruncated());
    assertEquals(AttributeTerms.MAX_TERMS_PER_TRACE, kept.length);
    assertEquals(LongStream.of(kept).boxed().toList(), LongStream.of(s.attributeHashes()).boxed().toList());
    assertEquals(0, searchable(s, "b", 10));
  }

  @Test
  void spanWithoutAttributesLeavesTermsAlone() {
    TraceSummary s = merged(fact(1, true, T0, T0 + MS, "a", "r", 0, NO_TERMS));

    assertEquals(0, s.attributeHashes().length);
    assertFalse(s.hasAttribute("service.name", "a"), "the summary holds only the terms it was given");
  }
}
