package dev.tracing.query;

import static dev.tracing.query.TestSecrets.PAGE_TOKENS;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.tracing.api.ApiRequest;
import dev.tracing.api.ApiResponse;
import dev.tracing.api.QueryEndpoint;
import dev.tracing.query.QueryStack.Params;
import dev.tracing.storage.TraceRow;
import dev.tracing.trace.SpanNames;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import tools.jackson.databind.JsonNode;

/**
 * The query parameters of the traces list and analytics: what is accepted and how it reads, and
 * every way to get one wrong, each refused with an {@link InvalidParameterException} that names
 * the parameter, both in {@link InvalidParameterException#parameter()} and in the message the API
 * answers (the only part a caller sees).
 */
class TraceQueryParserTest {
  private static final Instant NOW = Instant.parse("2026-11-24T12:00:00.25Z");
  private static final long NOW_NANO = TraceOracle.nanos(NOW);
  private static final long PROJECT = 42;
  private static final String ID = "4bf92f3577b34da6a3ce929d0e0e4736";

  static Stream<Arguments> invalid() {
    String longValue = "x".repeat(1025);
    List<Arguments> cases = new ArrayList<>(List.of(
        // sort
        bad("sort", "sort", "newest"),
        bad("sort", "sort", "TIMESTAMP_DESC "),
        bad("sort", "sort", "duration"),
        // durations
        bad("gt[duration_nano]", "gt[duration_nano]", "abc"),
        bad("gt[duration_nano]", "gt[duration_nano]", "-1"),
        bad("gt[duration_nano]", "gt[duration_nano]", "1.5"),
        bad("gt[duration_nano]", "gt[duration_nano]", "1e6"),
        bad("gt[duration_nano]", "gt[duration_nano]", "99999999999999999999"),
        bad("lt[duration_nano]", "lt[duration_nano]", ""),
        bad("lt[duration_nano]", "lt[duration_nano]", "10ms"),
        // windows
        bad("start_time", "start_time", "2026-11-24T11:00:00Z", "end_time", "2026-11-24T10:00:00Z"),
        bad("start_time", "start_time", "2026-11-24T10:00:00Z", "end_time", "2026-11-24T10:00:00Z"),
        bad("start_time", "start_time", "2026-11-24T12:30:00Z"), // after now, end_time defaulting to now
        bad("start_time", "start_time", "2026-10-25T10:00:00Z", "end_time", "2026-11-24T10:00:00.000000001Z"),
        bad("start_time", "start_time", "2026-09-01T00:00:00Z", "end_time", "2026-11-24T00:00:00Z"),
        bad("start_time", "end_time", "2026-11-24T10:00:00Z"),
        bad("period", "period", "2h"),
        bad("period", "period", "1H"),
        bad("period", "period", ""),
        bad("period", "period", "8d"),
        bad("period", "period", "31d"),
        bad("period", "period", "1h", "start_time", "2026-11-24T10:00:00Z"),
        // RFC 3339
        bad("start_time", "start_time", "yesterday"),
        bad("start_time", "start_time", "2026-11-24"),
        bad("start_time", "start_time", "2026-11-24T10:00:00"),
        bad("start_time", "start_time", "1795000000"),
        bad("start_time", "start_time", "2026-13-24T10:00:00Z"),
        bad("end_time", "start_time", "2026-11-24T10:00:00Z", "end_time", "2026-11-24T25:00:00Z"),
        bad("end_time", "start_time", "2026-11-24T10:00:00Z", "end_time", "now"),
        // paging
        bad("page_size", "page_size", "0"),
        bad("page_size", "page_size", "501"),
        bad("page_size", "page_size", "abc"),
        bad("page_size", "page_size", "-5"),
        bad("page_size", "page_size", "2.5"),
        // unknown parameters (exact names only)
        bad("foo", "foo", "1"),
        bad("service", "service", "frontend"),
        bad("Service_Name", "Service_Name", "frontend"),
        bad("not[foo]", "not[foo]", "x"),
        bad("gt[timestamp_nano]", "gt[timestamp_nano]", "1"),
        bad("not[period]", "not[period]", "1h"),
        // attribute pairs
        bad("attr_value", "attr_name", "http.method"),
        bad("attr_name", "attr_value", "GET"),
        bad("attr_value", "attr_name", "a", "attr_value", "1", "attr_name", "b"),
        bad("attr_name", "attr_name", "", "attr_value", "x"),
        // status
        bad("status", "status", "failed"),
        bad("not[status]", "not[status]", "unset"),
        bad("status", "status", "error", "status", "failed"),
        // trace ids
        bad("trace_id", "trace_id", "4bf92f3577b34da6a3ce929d0e0e473"),
        bad("trace_id", "trace_id", ID + "0"),
        bad("trace_id", "trace_id", "4bf92f3577b34da6a3ce929d0e0e473g"),
        bad("trace_id", "trace_id", "00000000000000000000000000000000"),
        bad("trace_id", "trace_id", ID, "trace_id", "nope"),
        bad("not[trace_id]", "not[trace_id]", "xyz"),
        // empty names and oversized values
        bad("service_name", "service_name", ""),
        bad("not[operation]", "not[operation]", ""),
        bad("operation", "operation", longValue)));
    // single-valued parameters given twice
    for (String[] twice : new String[][] {{"period", "1h", "4h"}, {"sort", "timestamp_asc", "timestamp_asc"},
        {"page_size", "5", "6"}, {"page_token", "a", "b"}, {"end_time", "2026-11-24T11:00:00Z", "2026-11-24T11:30:00Z"}}) {
      List<String> pairs = new ArrayList<>(List.of(twice[0], twice[1], twice[0], twice[2]));
      if (twice[0].equals("end_time")) {
        pairs.addAll(List.of("start_time", "2026-11-24T10:00:00Z"));
      }
      cases.add(bad(twice[0], pairs.toArray(String[]::new)));
    }
    // repeatable filters are bounded too
    Params many = new Params();
    for (int i = 0; i < 21; i++) {
      many.add("service_name", "s" + i);
    }
    cases.add(Arguments.of("service_name", many));
    return cases.stream();
  }

  private static Arguments bad(String parameter, String... nameValues) {
    return Arguments.of(parameter, Params.of(nameValues));
  }

  @ParameterizedTest(name = "[{index}] ?{1} -> {0}")
  @MethodSource("invalid")
  void anInvalidListQueryIsRefusedNamingTheParameter(String parameter, Params params) {
    InvalidParameterException e = assertThrows(InvalidParameterException.class,
        () -> TraceQueryParser.parseList(params.toMap(), PROJECT, NOW, PAGE_TOKENS));
    assertEquals(parameter, e.parameter(), e.getMessage());
    assertTrue(e.getMessage().contains(parameter), "the message names " + parameter + ": " + e.getMessage());
  }

  @Test
  void overHttpTheRefusalIsA400InvalidParameterNamingTheParameter() {
    QueryEndpoint endpoint = new QueryEndpoint(null, null, null, null, null, null, null,
        dev.tracing.storage.ReadCapacity.NONE, Duration.ofDays(30), Clock.fixed(NOW, ZoneOffset.UTC), 10_000, PAGE_TOKENS);
    for (Object[] c : new Object[][] {{"sort", Params.of("sort", "newest")}, {"page_size", Params.of("page_size", "501")},
        {"start_time", Params.of("start_time", "2026-11-24T11:00:00Z", "end_time", "2026-11-24T10:00:00Z")},
        {"foo", Params.of("foo", "bar")}, {"trace_id", Params.of("trace_id", "xyz")},
        {"attr_value", Params.of("attr_name", "k")}}) {
      Params p = (Params) c[1];
      for (String path : List.of("/v3/query/42/traces", "/v3/query/42/traces/analytics")) {
        boolean pagingOnly = p.toMap().containsKey("page_size") || p.toMap().containsKey("sort");
        if (path.endsWith("analytics") && pagingOnly) {
          continue; // analytics refuse these as unknown, tested below
        }
        ApiResponse r = endpoint.handle(new ApiRequest("GET", path, Map.of("projectId", "42"), p.raw(), Map.of(), null,
            QueryStack.grant(1, PROJECT)));
        assertEquals(400, r.status(), path + "?" + p);
        JsonNode body = QueryStack.JSON.readTree(r.body());
        assertEquals("invalid_parameter", body.get("error").asString());
        assertTrue(body.get("message").asString().contains((String) c[0]), path + "?" + p + ": " + body);
      }
    }
  }

  @Test
  void analyticsRefuseThePagingParameters() {
    for (String name : List.of("sort", "page_size", "page_token")) {
      InvalidParameterException e = assertThrows(InvalidParameterException.class,
          () -> TraceQueryParser.parseAnalytics(Params.of(name, "1").toMap(), PROJECT, NOW));
      assertEquals(name, e.parameter());
    }
    InvalidParameterException e = assertThrows(InvalidParameterException.class,
        () -> TraceQueryParser.parseAnalytics(Params.of("period", "3h").toMap(), PROJECT, NOW));
    assertEquals("period", e.parameter());
  }

  @Test
  void theDefaultsAreTheLastHourNewestFirstFiftyAPage() {
    TraceQuery q = TraceQueryParser.parseList(Map.of(), PROJECT, NOW, PAGE_TOKENS);
    assertEquals(NOW_NANO - Duration.ofHours(1).toNanos(), q.startNano());
    assertEquals(NOW_NANO, q.endNano());
    assertEquals(TraceQuery.Sort.TIMESTAMP_DESC, q.sort());
    assertEquals(50, q.pageSize());
    assertNull(q.cursor());
    assertNull(q.filters().statusError());
    assertTrue(q.filters().traceIds().isEmpty() && q.filters().attributes().isEmpty() && q.filters().services().isEmpty());
  }

  @Test
  void everyPeriodEndsNowAndStartsItsLengthBefore() {
    Map<String, Duration> periods = Map.of("5m", Duration.ofMinutes(5), "15m", Duration.ofMinutes(15), "30m",
        Duration.ofMinutes(30), "1h", Duration.ofHours(1), "4h", Duration.ofHours(4), "12h", Duration.ofHours(12), "24h",
        Duration.ofHours(24), "7d", Duration.ofDays(7), "30d", Duration.ofDays(30));
    periods.forEach((name, d) -> {
      TraceQuery q = TraceQueryParser.parseList(Params.of("period", name).toMap(), PROJECT, NOW, PAGE_TOKENS);
      assertEquals(NOW_NANO - d.toNanos(), q.startNano(), name);
      assertEquals(NOW_NANO, q.endNano(), name);
    });
  }

  @Test
  void explicitTimesAreRfc3339WithAnyOffsetAndNanoseconds() {
    TraceQuery q = TraceQueryParser.parseList(Params.of("start_time", "2026-11-24T10:00:00.123456789+02:00",
        "end_time", "2026-11-24T09:30:00.5Z").toMap(), PROJECT, NOW, PAGE_TOKENS);
    assertEquals(TraceOracle.nanos(Instant.parse("2026-11-24T08:00:00.123456789Z")), q.startNano());
    assertEquals(TraceOracle.nanos(Instant.parse("2026-11-24T09:30:00.5Z")), q.endNano());
    // RFC 3339 (section 5.6) allows a lowercase t and z
    TraceQuery lower = TraceQueryParser.parseList(Params.of("start_time", "2026-11-24t10:00:00z").toMap(), PROJECT, NOW, PAGE_TOKENS);
    assertEquals(TraceOracle.nanos(Instant.parse("2026-11-24T10:00:00Z")), lower.startNano());
    // start_time alone: until now
    TraceQuery open = TraceQueryParser.parseList(Params.of("start_time", "2026-11-24T11:00:00-05:00").toMap(), PROJECT,
        Instant.parse("2026-11-24T17:00:00Z"), PAGE_TOKENS);
    assertEquals(TraceOracle.nanos(Instant.parse("2026-11-24T16:00:00Z")), open.startNano());
    assertEquals(TraceOracle.nanos(Instant.parse("2026-11-24T17:00:00Z")), open.endNano());
    // the whole retention, exactly 30 days, is allowed
    TraceQuery month = TraceQueryParser.parseList(Params.of("start_time", "2026-10-25T10:00:00Z",
        "end_time", "2026-11-24T10:00:00Z").toMap(), PROJECT, NOW, PAGE_TOKENS);
    assertEquals(Duration.ofDays(30).toNanos(), month.endNano() - month.startNano());
    InvalidParameterException longer = assertThrows(InvalidParameterException.class, () -> TraceQueryParser.parseList(
        Params.of("start_time", "2026-10-24T10:00:00Z", "end_time", "2026-11-24T10:00:00Z").toMap(), PROJECT, NOW, PAGE_TOKENS));
    assertEquals("start_time and end_time may be at most 30 days apart (the retention)", longer.getMessage());
  }

  @Test
  void aFractionFinerThanNanosecondsRoundsUpAndYearsBeyondNanosecondsAreNamedAsOutOfRange() {
    // RFC 3339 sets no limit on the fraction's digits; traces start on whole nanoseconds, so the
    // window [10:00:00.1234567891, 11:00:00.0000000001) holds those of [.123456790, 11:00:00.000000001)
    TraceQuery q = TraceQueryParser.parseList(Params.of("start_time", "2026-11-24T10:00:00.1234567891Z",
        "end_time", "2026-11-24T12:00:00.0000000001+01:00").toMap(), PROJECT, NOW, PAGE_TOKENS);
    assertEquals(TraceOracle.nanos(Instant.parse("2026-11-24T10:00:00.123456790Z")), q.startNano());
    assertEquals(TraceOracle.nanos(Instant.parse("2026-11-24T11:00:00.000000001Z")), q.endNano());
    TraceQuery zeros = TraceQueryParser.parseList(Params.of("start_time", "2026-11-24T10:00:00.123456789000z").toMap(), PROJECT,
        NOW, PAGE_TOKENS);
    assertEquals(TraceOracle.nanos(Instant.parse("2026-11-24T10:00:00.123456789Z")), zeros.startNano());
    for (String far : List.of("0001-01-01T00:00:00Z", "9999-12-31T00:00:00Z")) {
      InvalidParameterException e = assertThrows(InvalidParameterException.class, () -> TraceQueryParser.parseList(
          Params.of("start_time", far).toMap(), PROJECT, NOW, PAGE_TOKENS));
      assertEquals("start_time '" + far + "' is out of range: give a time between the years 1678 and 2261 (traces are kept"
          + " 30 days)", e.getMessage());
    }
  }

  @Test
  void aPlusLostToUrlDecodingIsRecognizedAndTheFixIsNamed() {
    // start_time=2026-12-03T07:00:00+02:00 sent unencoded: the '+' arrives as a space
    Map<String, List<String>> sent = new ApiRequest("GET", "/v3/query/42/traces", Map.of(), "start_time=2026-11-24T07:00:00+02:00",
        Map.of(), null, null).queryParameters();
    InvalidParameterException e = assertThrows(InvalidParameterException.class,
        () -> TraceQueryParser.parseList(sent, PROJECT, NOW, PAGE_TOKENS));
    assertEquals("start_time", e.parameter());
    assertEquals("start_time '2026-11-24T07:00:00 02:00' has a space where its UTC offset's sign belongs: in a query string"
        + " '+' means a space, so encode it as %2B (start_time=2026-11-24T07:00:00%2B02:00) or give the time in UTC with Z",
        e.getMessage());
    // encoded, it reads as meant
    TraceQuery q = TraceQueryParser.parseList(new ApiRequest("GET", "/v3/query/42/traces", Map.of(),
        "start_time=2026-11-24T07:00:00%2B02:00", Map.of(), null, null).queryParameters(), PROJECT, NOW, PAGE_TOKENS);
    assertEquals(TraceOracle.nanos(Instant.parse("2026-11-24T05:00:00Z")), q.startNano());
    // other bad times keep the general advice
    InvalidParameterException other = assertThrows(InvalidParameterException.class,
        () -> TraceQueryParser.parseList(Params.of("end_time", "2026-11-24 07:00:00Z", "start_time", "2026-11-24T06:00:00Z").toMap(),
            PROJECT, NOW, PAGE_TOKENS));
    assertTrue(other.getMessage().startsWith("end_time must be an RFC 3339 time"), other.getMessage());
  }

  @Test
  void routesWithoutParametersRefuseAnyParameter() {
    TraceQueryParser.parseNoParams(Map.of());
    InvalidParameterException e = assertThrows(InvalidParameterException.class,
        () -> TraceQueryParser.parseNoParams(Params.of("period", "1h").toMap()));
    assertEquals("period", e.parameter());
    assertEquals("unknown parameter 'period'; this route takes no query parameters", e.getMessage());
  }

  @Test
  void servicesAndOperationsRefuseUnknownParametersOverHttp() {
    QueryEndpoint endpoint = new QueryEndpoint(null, null, null, null, null, null, null,
        dev.tracing.storage.ReadCapacity.NONE, Duration.ofDays(30), Clock.fixed(NOW, ZoneOffset.UTC), 10_000, PAGE_TOKENS);
    for (String[] route : new String[][] {{"/v3/query/42/services", null}, {"/v3/query/42/services/cart/operations", "cart"}}) {
      Map<String, String> path = route[1] == null ? Map.of("projectId", "42") : Map.of("projectId", "42", "serviceName", route[1]);
      ApiResponse r = endpoint.handle(new ApiRequest("GET", route[0], path, "limit=10", Map.of(), null, QueryStack.grant(1, PROJECT)));
      assertEquals(400, r.status(), route[0]);
      JsonNode body = QueryStack.JSON.readTree(r.body());
      assertEquals("invalid_parameter", body.get("error").asString());
      assertEquals("unknown parameter 'limit'; this route takes no query parameters", body.get("message").asString());
    }
  }

  @Test
  void filtersReadAsWritten() {
    TraceQuery q = TraceQueryParser.parseList(Params.of(
        "service_name", "frontend", "service_name", "cart", "not[service_name]", "auth", "operation", "GET /cart",
        "not[operation]", "db.query", "trace_id", ID.toUpperCase(), "not[trace_id]", "0af7651916cd43dd8448eb211c80319c",
        "gt[duration_nano]", "1000", "lt[duration_nano]", " 5000 ", "attr_name", "http.method", "attr_value", "GET",
        "attr_name", "retry", "attr_value", "true", "status", "error", "sort", "duration_asc", "page_size", "500").toMap(),
        PROJECT, NOW, PAGE_TOKENS);
    TraceQuery.Filters f = q.filters();
    assertEquals(List.of("frontend", "cart"), f.services());
    assertEquals(List.of("auth"), f.notServices());
    assertEquals(List.of("GET /cart"), f.operations());
    assertEquals(List.of("db.query"), f.notOperations());
    assertEquals(List.of(ID), f.traceIds(), "trace ids are normalized to lowercase");
    assertEquals(List.of("0af7651916cd43dd8448eb211c80319c"), f.notTraceIds());
    assertEquals(1000L, f.minDurationExclusive());
    assertEquals(5000L, f.maxDurationExclusive());
    assertEquals(List.of(new TraceQuery.Attribute("http.method", "GET"), new TraceQuery.Attribute("retry", "true")),
        f.attributes());
    assertEquals(Boolean.TRUE, f.statusError());
    assertEquals(TraceQuery.Sort.DURATION_ASC, q.sort());
    assertEquals(500, q.pageSize());
    assertEquals(1, TraceQueryParser.parseList(Params.of("page_size", "1").toMap(), PROJECT, NOW, PAGE_TOKENS).pageSize());
  }

  @Test
  void statusAndItsNegationAgree() {
    assertEquals(Boolean.FALSE, status("status", "ok"));
    assertEquals(Boolean.TRUE, status("status", "error"));
    assertEquals(Boolean.TRUE, status("not[status]", "ok"));
    assertEquals(Boolean.FALSE, status("not[status]", "error"));
    assertEquals(Boolean.TRUE, status("status", "ERROR"));
    assertEquals(Boolean.FALSE, status("status", "Ok"));
    assertEquals(Boolean.FALSE, TraceQueryParser.parseList(Params.of("status", "ok", "not[status]", "error").toMap(), PROJECT,
        NOW, PAGE_TOKENS).filters().statusError());
  }

  @Test
  void repeatedFiltersAllHold() {
    TraceQuery.Filters twice = filters("status", "error", "status", "ERROR");
    assertEquals(Boolean.TRUE, twice.statusError());
    assertFalse(twice.matchesNone());
    assertEquals(Boolean.FALSE, filters("status", "ok", "not[status]", "error").statusError());
    TraceQuery.Filters bounds = filters("gt[duration_nano]", "1", "gt[duration_nano]", "800", "lt[duration_nano]", "900",
        "lt[duration_nano]", "5000");
    assertEquals(800L, bounds.minDurationExclusive(), "the largest lower bound holds them all");
    assertEquals(900L, bounds.maxDurationExclusive(), "the smallest upper bound holds them all");
    assertFalse(bounds.matchesNone());
    assertFalse(filters("gt[duration_nano]", "5", "lt[duration_nano]", "7").matchesNone(), "6 lies between");
    assertFalse(filters("trace_id", ID, "trace_id", "0af7651916cd43dd8448eb211c80319c", "not[trace_id]", ID).matchesNone());
  }

  @Test
  void filtersThatContradictEachOtherMatchNothing() {
    String other = "0af7651916cd43dd8448eb211c80319c";
    for (String[] contradiction : new String[][] {{"status", "error", "status", "ok"}, {"status", "error", "not[status]", "error"},
        {"not[status]", "ok", "not[status]", "error"}, {"gt[duration_nano]", "5", "lt[duration_nano]", "6"},
        {"gt[duration_nano]", "9", "lt[duration_nano]", "3"}, {"gt[duration_nano]", "10", "lt[duration_nano]", "100", "lt[duration_nano]", "4"},
        {"trace_id", ID.toUpperCase(), "not[trace_id]", ID}, {"trace_id", ID, "trace_id", other, "not[trace_id]", other, "not[trace_id]", ID}}) {
      TraceQuery.Filters f = filters(contradiction);
      assertTrue(f.matchesNone(), String.join(",", contradiction));
      // the rows every contradiction's sides would match one by one
      for (String id : List.of(ID, other)) {
        for (int statusCode : new int[] {1, 2}) {
          TraceRow row = new TraceRow(id, NOW_NANO - 1, 6, "frontend", "GET /", statusCode, 1, statusCode == 2 ? 1 : 0, false,
              SpanNames.EMPTY, new long[0], false, false);
          assertFalse(f.matches(row), "no row matches " + String.join(",", contradiction));
        }
      }
    }
  }

  private static TraceQuery.Filters filters(String... nameValues) {
    return TraceQueryParser.parseList(Params.of(nameValues).toMap(), PROJECT, NOW, PAGE_TOKENS).filters();
  }

  private static Boolean status(String name, String value) {
    return TraceQueryParser.parseList(Params.of(name, value).toMap(), PROJECT, NOW, PAGE_TOKENS).filters().statusError();
  }

  @Test
  void everySortHasItsWireName() {
    for (TraceQuery.Sort s : TraceQuery.Sort.values()) {
      assertEquals(s, TraceQueryParser.parseList(Params.of("sort", s.wireName()).toMap(), PROJECT, NOW, PAGE_TOKENS).sort());
      // enum values are accepted in any letter case, as status is
      assertEquals(s, TraceQueryParser.parseList(Params.of("sort", s.wireName().toUpperCase(java.util.Locale.ROOT)).toMap(),
          PROJECT, NOW, PAGE_TOKENS).sort());
    }
    assertEquals(TraceQuery.Sort.DURATION_DESC, TraceQueryParser.parseList(Params.of("sort", "Duration_Desc").toMap(), PROJECT, NOW, PAGE_TOKENS)
        .sort());
    assertEquals(List.of("timestamp_desc", "timestamp_asc", "duration_desc", "duration_asc"),
        Stream.of(TraceQuery.Sort.values()).map(TraceQuery.Sort::wireName).toList());
  }

  @Test
  void nearestRankPercentilesUseExactIntegerRanks() {
    // the product computes ranks in floating point: check it against integer arithmetic for every size up to 10,000
    for (int n = 1; n <= 10_000; n++) {
      long[] sorted = new long[n];
      for (int i = 0; i < n; i++) {
        sorted[i] = i;
      }
      for (int p : new int[] {50, 75, 90, 95, 99}) {
        assertEquals(TraceOracle.nearestRank(sorted, p), TraceAnalytics.rank(sorted, p), "p" + p + " of " + n);
      }
    }
  }
}
