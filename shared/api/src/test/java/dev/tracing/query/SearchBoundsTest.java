package dev.tracing.query;

import dev.tracing.otlp.OtlpIds;
import static dev.tracing.testing.OtlpFixtures.attr;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.protobuf.ByteString;
import dev.tracing.model.TraceIds;
import dev.tracing.query.QueryStack.Params;
import dev.tracing.query.TraceOracle.SentSpan;
import dev.tracing.testing.OtlpFixtures;
import dev.tracing.trace.AttributeTerms;
import dev.tracing.trace.TraceSummary;
import io.opentelemetry.proto.common.v1.KeyValue;
import io.opentelemetry.proto.trace.v1.Span;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;

/**
 * Traces beyond the summary's bounds. The API (docs/api.md): attribute search may be bounded (values longer
 * than 256 characters, or beyond a fixed number of distinct attributes per trace, need not be
 * searchable), "and the response says when a filter could not be applied exactly". So a filter on
 * a term beyond the bound either finds the trace or the answer carries a warning; within the bound
 * it is exact. Service and operation filters have no such allowance in the API; the summary keeps
 * at most {@link TraceSummary#MAX_NAMES} distinct names per trace, so for a trace with more the
 * answer must at least not be silently wrong: a negated name filter must not list a trace that has
 * the name, unless the answer says it was inexact.
 */
class SearchBoundsTest {
  private static final Instant NOW = Instant.parse("2026-11-24T14:00:00Z");
  private static final long PROJECT = 81;
  /** The long value's trace lives apart, so the wide trace's own (correct) warning cannot answer for it. */
  private static final long LONG_PROJECT = 82;
  private static final int WIDE_KEYS = 300;
  private static final String LONG_VALUE = "x".repeat(AttributeTerms.MAX_VALUE_CHARS + 44);
  private static final String LONGEST_SEARCHABLE = "y".repeat(AttributeTerms.MAX_VALUE_CHARS);

  /** A trace of a batch job: one span per step, each step a distinct span name. */
  private static final long NAMES_PROJECT = 83;
  private static final int STEPS = TraceSummary.MAX_NAMES + 20;

  static QueryStack stack;
  static String wide;
  static String longValued;
  static String batch;

  @BeforeAll
  static void load() {
    stack = QueryStack.create("bounds", Clock.fixed(NOW, ZoneOffset.UTC));
    SyntheticTraces data = new SyntheticTraces(81L, NOW);
    long now = TraceOracle.nanos(NOW);
    List<List<SentSpan>> traces = data.traces(PROJECT, 1, now - 600_000_000_000L, now - 60_000_000_000L);
    wide = traces.get(0).get(0).traceId();
    List<KeyValue> many = new ArrayList<>();
    for (int i = 0; i < WIDE_KEYS; i++) {
      many.add(attr(String.format("k%03d", i), "v"));
    }
    traces.set(0, withAttributes(traces.get(0), many));
    for (SyntheticTraces.Delivery d : data.deliver(1, PROJECT, traces.subList(0, 1))) {
      stack.ingest(d.namespaceId(), d.projectId(), d.request());
    }
    List<List<SentSpan>> apart = data.traces(LONG_PROJECT, 3, now - 600_000_000_000L, now - 60_000_000_000L);
    longValued = apart.get(1).get(0).traceId();
    apart.set(1, withAttributes(apart.get(1), List.of(attr("payload", LONG_VALUE), attr("note", LONGEST_SEARCHABLE))));
    for (SyntheticTraces.Delivery d : data.deliver(1, LONG_PROJECT, apart)) {
      stack.ingest(d.namespaceId(), d.projectId(), d.request());
    }
    ByteString batchId = OtlpFixtures.traceId("0badc0ffee0000000000000000000001");
    batch = OtlpIds.hex(batchId);
    long start = now - 300_000_000_000L;
    List<Span> steps = new ArrayList<>();
    steps.add(OtlpFixtures.span(batchId, 1, 0, "step-000", start, 60_000_000_000L, false));
    for (int i = 1; i < STEPS; i++) {
      steps.add(OtlpFixtures.span(batchId, 1 + i, 1, String.format("step-%03d", i), start + i * 1_000_000L, 500_000L, false));
    }
    stack.ingest(1, NAMES_PROJECT, OtlpFixtures.request(OtlpFixtures.service("batch"), steps.toArray(Span[]::new)));
    // a service whose only span comes after the pair bound was reached
    stack.ingest(1, NAMES_PROJECT, OtlpFixtures.request(OtlpFixtures.service("cleanup"),
        OtlpFixtures.span(batchId, 1 + STEPS, 1, "sweep", start + STEPS * 1_000_000L, 500_000L, false)));
    ByteString otherId = OtlpFixtures.traceId("0badc0ffee0000000000000000000002");
    stack.ingest(1, NAMES_PROJECT, OtlpFixtures.request(OtlpFixtures.service("batch"),
        OtlpFixtures.span(otherId, 1, 0, "step-000", start + 1, 1_000_000L, false)));
  }

  @AfterAll
  static void close() {
    stack.close();
  }

  private static List<SentSpan> withAttributes(List<SentSpan> trace, List<KeyValue> extra) {
    List<SentSpan> out = new ArrayList<>(trace);
    SentSpan s = out.get(0);
    List<KeyValue> attributes = new ArrayList<>(s.attributes());
    attributes.addAll(extra);
    out.set(0, new SentSpan(s.projectId(), s.traceId(), s.spanId(), s.parentSpanId(), s.name(), s.startNano(), s.endNano(),
        s.statusCode(), s.resource(), attributes));
    return out;
  }

  private static List<String> ids(JsonNode body) {
    List<String> ids = new ArrayList<>();
    body.get("traces").forEach(t -> ids.add(t.get("trace_id").asString()));
    return ids;
  }

  private static boolean warns(JsonNode body) {
    return body.has("warnings") && body.get("warnings").size() > 0;
  }

  @Test
  void beyondTheTermsPerTraceATermIsFoundOrTheAnswerSaysTheFilterWasInexact() {
    int found = 0;
    int warned = 0;
    for (int i = 0; i < WIDE_KEYS; i += 7) {
      JsonNode body = stack.list(PROJECT, Params.of("period", "1h", "attr_name", String.format("k%03d", i), "attr_value", "v"));
      boolean listed = ids(body).contains(wide);
      assertTrue(listed || warns(body), "k" + i + "=v: neither found nor flagged inexact: " + body);
      found += listed ? 1 : 0;
      warned += !listed ? 1 : 0;
    }
    System.out.printf("attribute bound: %d of %d terms of a %d-attribute span found, %d answered with a warning%n", found,
        found + warned, WIDE_KEYS, warned);
  }

  @Test
  void analyticsCountATraceBeyondTheTermsPerTraceOrSayTheFilterWasInexact() {
    List<String> problems = new ArrayList<>();
    for (int i = 0; i < WIDE_KEYS; i += 7) {
      Params q = Params.of("period", "1h", "attr_name", String.format("k%03d", i), "attr_value", "v");
      JsonNode body = stack.analytics(PROJECT, q);
      int count = 0;
      for (JsonNode interval : body.get("results")) {
        count += interval.get("count").asInt();
      }
      if (count != 1 && !warns(body)) {
        problems.add(q.toString());
      }
    }
    assertTrue(problems.isEmpty(), "analytics counted no trace and gave no warning for " + problems);
  }

  @Test
  void aValueOfExactlyTheBoundIsSearchable() {
    JsonNode body = stack.list(LONG_PROJECT, Params.of("period", "1h", "attr_name", "note", "attr_value", LONGEST_SEARCHABLE));
    assertEquals(List.of(longValued), ids(body));
  }

  @Test
  void aValueLongerThanTheBoundIsFoundOrTheAnswerSaysTheFilterWasInexact() {
    JsonNode body = stack.list(LONG_PROJECT, Params.of("period", "1h", "attr_name", "payload", "attr_value", LONG_VALUE));
    assertTrue(ids(body).contains(longValued) || warns(body),
        "a " + LONG_VALUE.length() + "-character attr_value can never be applied exactly, yet the answer has neither the trace"
            + " nor a warning: " + body);

    // and once the hour's term blocks are built: such a value is no term, so no block may rule its rows out
    long hour = NOW.getEpochSecond() / 3600 * 3600 - 3600;
    stack.tracing.stores().termBlocks().compact(LONG_PROJECT, NOW.getEpochSecond() + 600);
    assertTrue(stack.tracing.stores().termBlocks().state(LONG_PROJECT).sealed(hour), "the hour before NOW is built");
    JsonNode sealed = stack.list(LONG_PROJECT, Params.of("period", "1h", "attr_name", "payload", "attr_value", LONG_VALUE));
    assertTrue(ids(sealed).contains(longValued) || warns(sealed), "built blocks: " + sealed);
    assertEquals(List.of(longValued), ids(stack.list(LONG_PROJECT, Params.of("period", "1h", "attr_name", "note",
        "attr_value", LONGEST_SEARCHABLE))), "a value of the bound's length is found through the blocks");
  }

  @Test
  void everyStepOfATraceWithManySpanNamesIsFoundByOperationOrTheAnswerSaysItWasInexact() {
    int found = 0;
    for (int i = 0; i < STEPS; i += 3) {
      String step = String.format("step-%03d", i);
      JsonNode body = stack.list(NAMES_PROJECT, Params.of("period", "1h", "operation", step));
      boolean listed = ids(body).contains(batch);
      assertTrue(listed || warns(body), "operation=" + step + ": neither found nor flagged inexact: " + body);
      found += listed ? 1 : 0;
    }
    System.out.printf("name bound: %d of %d span names of a %d-name trace found by operation=%n", found, (STEPS + 2) / 3, STEPS);
  }

  @Test
  void aNegatedOperationNeverListsATraceThatHasSuchASpanUnlessTheAnswerSaysItWasInexact() {
    List<String> problems = new ArrayList<>();
    for (int i = 0; i < STEPS; i += 3) {
      String step = String.format("step-%03d", i);
      JsonNode body = stack.list(NAMES_PROJECT, Params.of("period", "1h", "not[operation]", step));
      if (ids(body).contains(batch) && !warns(body)) {
        problems.add(step);
      }
    }
    assertTrue(problems.isEmpty(), "not[operation]=Y listed trace " + batch + ", which has a span named Y, without a warning,"
        + " for Y in " + problems);
  }

  /**
   * Services stay whole beyond the pair bound: a service filter on such a trace is exact, even for
   * a service whose only span came after the bound was reached, and its count comes from the row.
   */
  @Test
  void aServiceFilterOnATraceWithManySpanNamesIsExact() {
    for (String service : List.of("batch", "cleanup")) {
      JsonNode body = stack.list(NAMES_PROJECT, Params.of("period", "1h", "service_name", service));
      assertTrue(ids(body).contains(batch), service + ": " + body);
      assertFalse(warns(body), service + ": a service filter needs no warning beyond the pair bound: " + body);
      for (JsonNode t : body.get("traces")) {
        if (t.get("trace_id").asString().equals(batch)) {
          assertEquals(service.equals("batch") ? STEPS : 1, t.get("matched_span_count").asInt(), service + ": " + t);
        }
      }
      JsonNode negated = stack.list(NAMES_PROJECT, Params.of("period", "1h", "not[service_name]", service));
      assertFalse(ids(negated).contains(batch), service + ": " + negated);
      assertFalse(warns(negated), service + ": nor does a negated one: " + negated);
    }
  }
}
