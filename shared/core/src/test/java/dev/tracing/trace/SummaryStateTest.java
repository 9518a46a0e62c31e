package dev.tracing.trace;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Arrays;
import java.util.List;
import java.util.Set;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;

class SummaryStateTest {
  private static final String TRACE = "4bf92f3577b34da6a3ce929d0e0e4736";
  private static final long T0 = 1_795_000_000_123_456_789L;
  private static final long MS = 1_000_000L;
  private static final SummaryState.Beside NOTHING_BESIDE = new SummaryState.Beside(SpanNames.EMPTY, new long[0], "", "");

  private static SpanFacts fact(long id, boolean root, long start, long end, String service, String name, int status,
                                long... terms) {
    return new SpanFacts(id, root, start, end, service, name, status, terms);
  }

  /** As stored: the state blob, and what the item keeps beside it in attributes of their own. */
  private static TraceSummary roundTrip(TraceSummary s) {
    return SummaryState.decode(s.traceId(), SummaryState.encode(s), new SummaryState.Beside(
        SpanNames.decode(s.names().encode()), s.attributeHashes(), s.head().service(), s.head().name()));
  }

  /** A summary where every field differs from its default, the root differs from the earliest span. */
  private static TraceSummary everyFieldSet() {
    TraceSummary s = new TraceSummary(TRACE);
    s.merge(List.of(
        fact(0x8000_0000_0000_0001L, true, T0, T0 + 250 * MS, "frontend", "POST /checkout", 1,
            AttributeTerms.hash("http.method", "POST")),
        fact(7, false, T0 - 2 * MS, T0 + 900 * MS, "paiement-ü", "débit ✓ 💳", 2,
            AttributeTerms.hash("retry", "true"), AttributeTerms.hash("sample", "0.5")),
        fact(-2L, false, T0 + MS, T0 + 3 * MS, "frontend", "", 0)));
    s.merge(List.of(fact(9, false, T0 + MS, T0 + 2 * MS, "db", "SELECT", 0,
        IntStream.range(0, 300).mapToLong(i -> AttributeTerms.hash("k" + i, "v")).sorted().toArray())));
    return s;
  }

  @Test
  void everyFieldSurvivesEncodeAndDecode() {
    TraceSummary original = everyFieldSet();
    assertTrue(original.attributesTruncated(), "fixture: over the attribute bound");
    assertFalse(original.inProgress(), "fixture: has a root");

    TraceSummary decoded = roundTrip(original);

    assertEquals(TRACE, decoded.traceId());
    assertArrayEquals(original.spanIdArray(), decoded.spanIdArray());
    assertEquals(4, decoded.spanCount());
    assertTrue(decoded.containsSpan(0x8000_0000_0000_0001L));
    assertTrue(decoded.containsSpan(-2L));
    assertEquals(1, decoded.errorCount());
    assertEquals(new TraceSummary.Head(0x8000_0000_0000_0001L, T0, T0 + 250 * MS, "frontend", "POST /checkout", 1),
        decoded.root());
    assertEquals(new TraceSummary.Head(7, T0 - 2 * MS, T0 + 900 * MS, "paiement-ü", "débit ✓ 💳", 2), decoded.earliest());
    assertEquals(T0 + 900 * MS, decoded.latestEndNano());
    assertEquals(Set.of("frontend", "paiement-ü", "db"), decoded.names().services());
    assertEquals(Set.of("POST /checkout", "débit ✓ 💳", "", "SELECT"), decoded.names().operations());
    assertEquals(4, decoded.names().pairCount());
    assertEquals(original.names(), decoded.names());
    assertEquals(2, decoded.names().spans().get("frontend").size());
    assertEquals(1, decoded.names().spansMatching(List.of("db"), List.of()));
    assertArrayEquals(original.attributeHashes(), decoded.attributeHashes());
    assertEquals(AttributeTerms.MAX_TERMS_PER_TRACE, decoded.attributeHashes().length);
    assertTrue(decoded.attributesTruncated());
    assertTrue(decoded.hasAttribute("http.method", "POST"));
  }

  @Test
  void decodedSummaryKeepsMergingIdempotently() {
    TraceSummary decoded = roundTrip(everyFieldSet());

    int added = decoded.merge(List.of(fact(7, false, T0 - 2 * MS, T0 + 900 * MS, "paiement-ü", "débit ✓ 💳", 2),
        fact(11, false, T0 + 5 * MS, T0 + 6 * MS, "db", "UPDATE", 2)));

    assertEquals(1, added);
    assertEquals(5, decoded.spanCount());
    assertEquals(2, decoded.errorCount());
  }

  @Test
  void inProgressSummaryWithoutRootOrAttributesRoundTrips() {
    TraceSummary s = new TraceSummary(TRACE);
    s.merge(List.of(fact(3, false, T0, T0 + MS, "svc", "op", 0)));

    TraceSummary decoded = roundTrip(s);

    assertTrue(decoded.inProgress());
    assertNull(decoded.root());
    assertEquals(new TraceSummary.Head(3, T0, T0 + MS, "svc", "op", 0), decoded.head());
    assertEquals(0, decoded.attributeHashes().length);
    assertFalse(decoded.attributesTruncated());
  }

  @Test
  void namesAtTheirBoundLengthRoundTrip() {
    String service = "s".repeat(SpanFacts.MAX_NAME_CHARS);
    String name = "名".repeat(SpanFacts.MAX_NAME_CHARS); // 3 bytes each in UTF-8
    TraceSummary s = new TraceSummary(TRACE);
    s.merge(List.of(fact(1, true, T0, T0 + MS, service, name, 0)));

    TraceSummary decoded = roundTrip(s);

    assertEquals(service, decoded.head().service());
    assertEquals(name, decoded.head().name());
    assertTrue(decoded.names().hasServiceOperation(service, name));
    assertEquals(1, decoded.names().pairCount());
  }

  @Test
  void unknownFormatIsRefusedNamingTheTrace() {
    byte[] data = SummaryState.encode(everyFieldSet());
    data[0] = 99;

    IllegalStateException e = assertThrows(IllegalStateException.class, () -> SummaryState.decode(TRACE, data, NOTHING_BESIDE));
    assertEquals("unknown trace summary format 99 for trace " + TRACE, e.getMessage());
  }

  @Test
  void truncatedDataIsRefusedAsCorrupt() {
    byte[] data = SummaryState.encode(everyFieldSet());
    byte[] cut = Arrays.copyOf(data, data.length / 2);

    IllegalStateException e = assertThrows(IllegalStateException.class, () -> SummaryState.decode(TRACE, cut, NOTHING_BESIDE));
    assertEquals("corrupt trace summary for trace " + TRACE, e.getMessage());
  }

  @Test
  void anEndTimeAtTheTopOfUint64RoundTrips() {
    // ingest compares end >= start as unsigned 64-bit numbers, so such an end is accepted
    TraceSummary s = new TraceSummary(TRACE);
    s.merge(List.of(fact(5, true, T0, -1L, "svc", "op", 0)));

    TraceSummary decoded = roundTrip(s);

    assertEquals(s.root(), decoded.root());
    assertEquals(-1L, decoded.root().endNano());
    assertEquals(decoded.root(), decoded.earliest(), "the root is the earliest span, written once");
  }

  @Test
  void theStateLeavesOutWhatTheItemStoresBesideIt() {
    TraceSummary s = everyFieldSet();
    int hashes = s.attributeHashes().length * 8;
    assertTrue(SummaryState.encode(s).length < 200, "span ids, heads and counts only: " + SummaryState.encode(s).length
        + " bytes (the " + hashes + " bytes of attribute hashes are stored once, beside it)");
  }
}
