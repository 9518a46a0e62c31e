package dev.tracing.fuzz;

import static dev.tracing.query.TestSecrets.PAGE_TOKENS;
import static dev.tracing.fuzz.BadInputContract.NOW;
import static dev.tracing.fuzz.BadInputContract.PROJECT_ID;
import static dev.tracing.fuzz.BadInputContract.checkClientMessage;
import static dev.tracing.fuzz.BadInputContract.checkQueryBounds;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.code_intelligence.jazzer.junit.FuzzTest;
import com.code_intelligence.jazzer.mutation.annotation.NotNull;
import com.code_intelligence.jazzer.mutation.annotation.WithUtf8Length;
import dev.tracing.api.ApiRequest;
import dev.tracing.query.InvalidParameterException;
import dev.tracing.query.TraceQuery;
import dev.tracing.query.TraceQueryParser;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Named;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Raw query strings as the gateway passes them: URL decoding ({@link ApiRequest#queryParameters()})
 * refuses only with {@link IllegalArgumentException}; the list and analytics parsers only with an
 * {@link InvalidParameterException} naming the parameter; and what they accept stays inside the
 * bounds they promise (window start &lt; end, at most 7 days; page size 1..500).
 */
class QueryStringFuzzTest {

  static Stream<Named<String>> parse() {
    return Seeds.queryStrings().stream().map(q -> Named.of(q.isEmpty() ? "(no query)" : q, q));
  }

  @MethodSource
  @FuzzTest(maxDuration = "4s")
  void parse(@NotNull @WithUtf8Length(max = 4096) String rawQuery) {
    Map<String, List<String>> params;
    try {
      params = new ApiRequest("GET", "/v3/query/42/traces", Map.of("projectId", "42"), rawQuery, Map.of(), null, Map.of())
          .queryParameters();
    } catch (IllegalArgumentException e) {
      checkClientMessage(e.getMessage(), rawQuery);
      return;
    }
    parseChecked(params, true);
    parseChecked(params, false);
  }

  /** Parses as the list (or analytics) route does, and holds the result or the refusal to the contract. */
  static void parseChecked(Map<String, List<String>> params, boolean list) {
    TraceQuery q;
    try {
      q = list ? TraceQueryParser.parseList(params, PROJECT_ID, NOW, PAGE_TOKENS) : TraceQueryParser.parseAnalytics(params, PROJECT_ID, NOW);
    } catch (InvalidParameterException e) {
      checkClientMessage(e.getMessage(), String.valueOf(params));
      assertTrue(e.parameter() != null && e.getMessage().contains(e.parameter()),
          () -> "the message does not name the parameter '" + e.parameter() + "': " + e.getMessage());
      return;
    }
    checkQueryBounds(q, list);
  }
}
