package dev.tracing.trace;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.SortedMap;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;

class SpanNamesTest {
  private static final long T0 = 1_795_000_000_000_000_000L;

  /** Stored bytes captured from the encoder as first written, in hex (see storedBytesKeepTheirFormat). */
  private static final String SAMPLE_BYTES = "01030264620200010653454c454354020866726f6e74656e640205474554202f030e504f5354"
      + "202f636865636b6f7574010b706169656d656e742dc3bc010b64c3a962697420f09f92b301";
  private static final String TRUNCATED_BYTES = "81010373766303026f70e1a712056f746865727f0574686972648001";
  private static final String DEFLATED_BYTES = "416361494e2c2a619172770d51d04f2cc8d40771f5334b52738bf5ab33536af50d1871cb19"
      + "32e1963362c62d67ccc2919c919a9c9d5f5ac2228750051542b51dbfbc21137e792366fcf24097a415e5e795a4e6a520b9042684cb25d8e4915"
      + "d824d1ed925d8e48d59d80b122b7353f34a5864e10aa122a8eec02b6dc88457da8819afb4310b00";

  /** frontend: GET / ×3, POST /checkout ×1; db: SELECT ×2, "" ×1; paiement-ü: débit 💳 ×1. */
  private static SpanNames sample() {
    TraceSummary s = new TraceSummary("4bf92f3577b34da6a3ce929d0e0e4736");
    String[][] spans = {{"frontend", "GET /"}, {"frontend", "GET /"}, {"frontend", "GET /"}, {"frontend", "POST /checkout"},
        {"db", "SELECT"}, {"db", "SELECT"}, {"db", ""}, {"paiement-ü", "débit 💳"}};
    for (int i = 0; i < spans.length; i++) {
      s.merge(List.of(new SpanFacts(i + 1, i == 0, T0 + i, T0 + i + 5, spans[i][0], spans[i][1], 0, new long[0])));
    }
    // a retried span is not counted twice
    s.merge(List.of(new SpanFacts(1, true, T0, T0 + 5, "frontend", "GET /", 0, new long[0])));
    return s.names();
  }

  @Test
  void countsSpansPerServiceAndOperation() {
    SpanNames names = sample();
    assertEquals(Set.of("frontend", "db", "paiement-ü"), names.services());
    assertEquals(Set.of("GET /", "POST /checkout", "SELECT", "", "débit 💳"), names.operations());
    assertEquals(3, names.spans().get("frontend").get("GET /"));
    assertEquals(5, names.pairCount());
    assertFalse(names.truncated());
    assertTrue(names.hasServiceOperation("db", ""));
    assertFalse(names.hasServiceOperation("db", "GET /"));
  }

  @Test
  void spansMatchingIsWhatASpanLevelFilterWouldCount() {
    SpanNames names = sample();
    assertEquals(4, names.spansMatching(List.of("frontend"), List.of()));
    assertEquals(3, names.spansMatching(List.of(), List.of("GET /")));
    assertEquals(3, names.spansMatching(List.of("frontend"), List.of("GET /")));
    assertEquals(3, names.spansMatching(List.of("frontend", "frontend"), List.of("GET /")), "a value repeated is one filter");
    assertEquals(0, names.spansMatching(List.of("frontend", "db"), List.of()), "no span has two services");
    assertEquals(0, names.spansMatching(List.of("db"), List.of("GET /")));
    assertEquals(1, names.spansMatching(List.of("db"), List.of("")));
    assertEquals(0, names.spansMatching(List.of("nope"), List.of()));
    assertEquals(8, names.spansMatching(List.of(), List.of()));
  }

  @Test
  void encodesCompactlyAndDecodesToTheSame() {
    SpanNames names = sample();
    byte[] data = names.encode();
    assertEquals(names, SpanNames.decode(data));
    int text = "frontend".length() + "GET /".length() + "POST /checkout".length() + "db".length() + "SELECT".length()
        + "paiement-ü".getBytes(java.nio.charset.StandardCharsets.UTF_8).length
        + "débit 💳".getBytes(java.nio.charset.StandardCharsets.UTF_8).length;
    assertTrue(data.length <= text + 2 + 3 * 2 + 5 * 2, "each service name once, 1-byte lengths and counts: " + data.length);
    assertEquals(SpanNames.EMPTY, SpanNames.decode(SpanNames.EMPTY.encode()));
  }

  @Test
  void largeCountsAndTheTruncatedFlagSurvive() {
    TraceSummary s = new TraceSummary("4bf92f3577b34da6a3ce929d0e0e4736");
    for (int i = 0; i < TraceSummary.MAX_NAMES + 1; i++) {
      s.merge(List.of(new SpanFacts(i + 1, false, T0, T0 + 1, "svc", "op" + i, 0, new long[0])));
    }
    List<SpanFacts> many = new java.util.ArrayList<>();
    for (int i = 0; i < 300_000; i++) {
      many.add(new SpanFacts(1_000_000 + i, false, T0, T0 + 1, "svc", "op0", 0, new long[0]));
    }
    s.merge("00000000000000aa", many);
    SpanNames decoded = SpanNames.decode(s.names().encode());
    assertTrue(decoded.truncated());
    assertEquals(300_001, decoded.spans().get("svc").get("op0"));
    assertTrue(decoded.servicesWhole());
    assertEquals(Map.of("svc", 1), decoded.others(), "the pair beyond the bound, counted for its service");
    assertEquals(300_101, decoded.spansMatching(List.of("svc"), List.of()), "a service's count stays exact beyond the bound");
    assertEquals(-1, decoded.spansMatching(List.of(), List.of("op0")), "svc left a pair out: an operation's count is not exact");
    assertEquals(-1, decoded.spansMatching(List.of("svc"), List.of("op0")), "not exact beyond the bound: read the spans");
  }

  /**
   * Services stay whole beyond the pair bound, each listed with the spans of its pairs that were
   * left out, up to MAX_NAMES services; beyond that, service counts are no longer exact either.
   */
  @Test
  void servicesStayWholeBeyondThePairBoundAndSurviveEncoding() {
    TraceSummary s = new TraceSummary("4bf92f3577b34da6a3ce929d0e0e4736");
    List<SpanFacts> spans = new java.util.ArrayList<>();
    for (int i = 0; i < TraceSummary.MAX_NAMES; i++) {
      spans.add(new SpanFacts(i + 1, false, T0, T0 + 1, "front", "op" + i, 0, new long[0]));
    }
    for (int i = 0; i < 30; i++) {
      spans.add(new SpanFacts(1_000 + i, false, T0, T0 + 1, "back" + (i % 3), "late" + i, 0, new long[0]));
    }
    s.merge(spans);
    SpanNames decoded = SpanNames.decode(s.names().encode());
    assertEquals(s.names(), decoded);
    assertTrue(decoded.truncated());
    assertTrue(decoded.servicesWhole());
    assertEquals(Set.of("front", "back0", "back1", "back2"), decoded.services());
    assertTrue(decoded.hasService("back1"), "a service seen only beyond the pair bound is found");
    assertEquals(10, decoded.spansMatching(List.of("back1"), List.of()));
    assertEquals(TraceSummary.MAX_NAMES, decoded.spansMatching(List.of("front"), List.of()));
    assertEquals(1, decoded.spansMatching(List.of("front"), List.of("op7")), "the front service left no pair out");
    assertEquals(-1, decoded.spansMatching(List.of(), List.of("op7")), "another service left pairs out");
    assertEquals(-1, decoded.spansMatching(List.of("back1"), List.of("late1")));

    // folded again from its stored names, as the summaries function does with a later fragment
    TraceSummary again = SummaryState.decode(s.traceId(), SummaryState.encode(s),
        new SummaryState.Beside(decoded, new long[0], "front", "op0"));
    List<SpanFacts> more = new java.util.ArrayList<>();
    for (int i = 0; i < TraceSummary.MAX_NAMES; i++) {
      more.add(new SpanFacts(5_000 + i, false, T0, T0 + 1, "svc" + i, "x", 0, new long[0]));
    }
    again.merge(more);
    assertEquals(TraceSummary.MAX_NAMES, again.names().services().size(), "at most MAX_NAMES services listed");
    assertFalse(again.names().servicesWhole());
    assertEquals(-1, again.names().spansMatching(List.of("back1"), List.of()), "beyond it, service counts are not exact either");
    SpanNames stored = SpanNames.decode(again.names().encode());
    assertFalse(stored.servicesWhole());
    assertTrue(stored.others().isEmpty());
  }

  /**
   * The stored bytes of fixed values, captured from the encoder as it was first written: a stored
   * attribute must keep decoding, and the encoder must keep writing the same bytes.
   */
  @Test
  void storedBytesKeepTheirFormat() {
    HexFormat hex = HexFormat.of();
    assertEquals(SAMPLE_BYTES, hex.formatHex(sample().encode()));
    assertEquals(sample(), SpanNames.decode(hex.parseHex(SAMPLE_BYTES)));

    TreeMap<String, SortedMap<String, Integer>> big = new TreeMap<>();
    big.put("svc", new TreeMap<>(Map.of("op", 300_001, "other", 127, "third", 128)));
    SpanNames truncated = SpanNames.of(big, true);
    assertEquals(TRUNCATED_BYTES, hex.formatHex(truncated.encode()));
    assertEquals(truncated, SpanNames.decode(hex.parseHex(TRUNCATED_BYTES)));

    TreeMap<String, SortedMap<String, Integer>> many = new TreeMap<>();
    for (String service : List.of("frontend", "checkout", "cart", "payment")) {
      TreeMap<String, Integer> ops = new TreeMap<>();
      for (int i = 0; i < 4; i++) {
        ops.put("GET /api/" + service + "/items/{id}/" + i, i + 1);
      }
      many.put(service, ops);
    }
    SpanNames deflated = SpanNames.of(many, false);
    // Decoded, not compared byte for byte: another zlib may deflate the same input differently.
    assertEquals(deflated, SpanNames.decode(hex.parseHex(DEFLATED_BYTES)));
  }

  @Test
  void corruptDataIsRefused() {
    byte[] data = sample().encode();
    for (byte[] bad : List.of(Arrays.copyOf(data, data.length - 1), Arrays.copyOf(data, data.length + 1), new byte[0],
        new byte[] {9, 0})) {
      assertThrows(IllegalStateException.class, () -> SpanNames.decode(bad), () -> Arrays.toString(bad));
    }
  }

  @Test
  void largerNameSetsAreStoredDeflated() {
    TraceSummary s = new TraceSummary("4bf92f3577b34da6a3ce929d0e0e4736");
    String[] services = {"frontend", "checkout", "cart", "payment", "shipping", "currency", "email"};
    for (int i = 0; i < 40; i++) {
      String service = services[i % services.length];
      s.merge(List.of(new SpanFacts(i + 1, false, T0, T0 + 1, service, "GET /api/" + service + "/items/{id}/" + (i % 5), 0,
          new long[0])));
    }
    SpanNames names = s.names();
    byte[] data = names.encode();
    int plain = names.spans().entrySet().stream().mapToInt(e -> e.getKey().length() + 2
        + e.getValue().keySet().stream().mapToInt(op -> op.length() + 2).sum()).sum();
    assertTrue(data.length < plain * 2 / 3, "deflated: " + data.length + " bytes for ~" + plain + " bytes of names");
    assertEquals(names, SpanNames.decode(data));

    for (byte[] bad : List.of(Arrays.copyOf(data, data.length - 3), Arrays.copyOf(data, data.length + 1))) {
      assertThrows(IllegalStateException.class, () -> SpanNames.decode(bad), () -> Arrays.toString(bad));
    }
  }
}
