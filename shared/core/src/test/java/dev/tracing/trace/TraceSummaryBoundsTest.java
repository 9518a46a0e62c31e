package dev.tracing.trace;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The bounds that keep a trace summary within one DynamoDB item however large the trace. */
class TraceSummaryBoundsTest {
  private static final long T0 = Instant.parse("2026-11-25T10:00:00Z").toEpochMilli() * 1_000_000L;

  private static List<SpanFacts> facts(long firstId, int n, String namePrefix) {
    List<SpanFacts> out = new ArrayList<>(n);
    for (int i = 0; i < n; i++) {
      out.add(new SpanFacts(firstId + i, false, T0 + i, T0 + i + 10, "svc", namePrefix + (i % 3), 0, new long[0]));
    }
    return out;
  }

  @Test
  void beyondTheTrackedSpanIdsRetriesAreDeduplicatedPerChunk() {
    TraceSummary s = new TraceSummary("0af7651916cd43dd8448eb211c80319c");
    assertEquals(TraceSummary.MAX_TRACKED_SPANS, s.merge("00000000000000aa", facts(1, TraceSummary.MAX_TRACKED_SPANS, "op")));
    List<SpanFacts> overflow = facts(1_000_000, 500, "op");

    assertEquals(500, s.merge("00000000000000bb", overflow));
    assertEquals(0, s.merge("00000000000000bb", overflow), "an identical retry of the overflow chunk counts nothing");
    assertEquals(TraceSummary.MAX_TRACKED_SPANS + 500, s.spanCount());
    assertTrue(s.countsChunk("00000000000000bb"));
    assertFalse(s.countsChunk("00000000000000cc"));

    TraceSummary decoded = SummaryState.decode(s.traceId(), SummaryState.encode(s), SummaryState.Beside.of(s));
    assertEquals(TraceSummary.MAX_TRACKED_SPANS + 500, decoded.names().spansMatching(List.of("svc"), List.of()),
        "the spans counted beyond the tracked ids are counted per name too");
    assertEquals(TraceSummary.MAX_TRACKED_SPANS + 500, decoded.spanCount());
    assertTrue(decoded.countsChunk("00000000000000bb"));
    assertEquals(0, decoded.merge("00000000000000bb", overflow));
    assertTrue(SummaryState.encode(s).length < 100 * 1024, "the summary stays far below the 400 KB item limit");
  }

  @Test
  void aChunkCountsItsSpansExactlyAsOneChunkPerSpanWould() {
    // shuffled ids (negative ones too: the ids are unsigned on the wire, signed here), repeats inside
    // the chunk and across chunks, and the tracked-id bound crossed in the middle of a chunk
    java.util.Random random = new java.util.Random(11);
    List<SpanFacts> spans = new ArrayList<>();
    for (int i = 0; i < TraceSummary.MAX_TRACKED_SPANS + 300; i++) {
      long id = random.nextLong();
      spans.add(new SpanFacts(id, i == 7, T0 + i, T0 + i + 10, "svc", "op" + (i % 5), i % 9 == 0 ? 2 : 0, new long[0]));
      if (i % 10 == 0) {
        spans.add(spans.get(random.nextInt(spans.size()))); // a repeat of an earlier span
      }
    }
    List<List<SpanFacts>> chunks = List.of(spans.subList(0, 4_000), spans.subList(3_000, 9_000), spans.subList(9_000, spans.size()));
    TraceSummary perChunk = new TraceSummary("0af7651916cd43dd8448eb211c80319c");
    TraceSummary perSpan = new TraceSummary("0af7651916cd43dd8448eb211c80319c");
    for (List<SpanFacts> chunk : chunks) {
      int added = perChunk.merge(chunk);
      int addedOneByOne = 0;
      for (SpanFacts f : chunk) {
        addedOneByOne += perSpan.merge(List.of(f));
      }
      assertEquals(addedOneByOne, added, "spans counted as new");
    }
    assertTrue(java.util.Arrays.equals(perSpan.spanIdArray(), perChunk.spanIdArray()), "the tracked ids");
    assertEquals(TraceSummary.MAX_TRACKED_SPANS, perChunk.spanIdArray().length);
    long[] sorted = perChunk.spanIdArray().clone();
    java.util.Arrays.sort(sorted);
    assertTrue(java.util.Arrays.equals(sorted, perChunk.spanIdArray()), "kept sorted");
    assertEquals(perSpan.overflowCount(), perChunk.overflowCount());
    assertTrue(perChunk.overflowCount() > 0, "the bound was crossed");
    assertEquals(perSpan.spanCount(), perChunk.spanCount());
    assertEquals(perSpan.errorCount(), perChunk.errorCount());
    assertEquals(perSpan.names().spans(), perChunk.names().spans());
    for (SpanFacts f : spans.subList(0, 5_000)) {
      assertTrue(perChunk.containsSpan(f.spanId()), "tracked: " + f.spanId());
    }
  }

  @Test
  void namesBeyondTheBoundAreDroppedAndFlagged() {
    TraceSummary s = new TraceSummary("0af7651916cd43dd8448eb211c80319c");
    List<SpanFacts> many = new ArrayList<>();
    for (int i = 0; i < TraceSummary.MAX_NAMES + 50; i++) {
      many.add(new SpanFacts(i + 1, i == 0, T0 + i, T0 + i + 10, "svc", "GET /orders/" + i, 0, new long[0]));
    }
    s.merge(many);
    assertEquals(TraceSummary.MAX_NAMES, s.names().operations().size());
    assertTrue(s.names().truncated());
    assertTrue(s.names().operations().contains("GET /orders/0"), "names seen first stay searchable");
    assertEquals(1, s.names().spans().get("svc").get("GET /orders/0"));
    assertEquals(TraceSummary.MAX_NAMES + 50, s.names().spansMatching(List.of("svc"), List.of()),
        "the service's count stays exact beyond the bound");
    assertEquals(-1, s.names().spansMatching(List.of("svc"), List.of("GET /orders/0")), "its operations' counts are not");
    assertEquals(TraceSummary.MAX_NAMES + 50, s.spanCount(), "counting is not bounded, only the name sets");
  }
}
