package dev.tracing.fuzz;

import static org.junit.jupiter.params.provider.Arguments.arguments;

import com.code_intelligence.jazzer.junit.FuzzTest;
import com.code_intelligence.jazzer.mutation.annotation.NotNull;
import com.code_intelligence.jazzer.mutation.annotation.WithSize;
import com.code_intelligence.jazzer.mutation.annotation.WithUtf8Length;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The list and analytics parsers on parameter maps built directly (names and values as any
 * strings, repeated or not), past what URL decoding would produce: the same contract as
 * {@link QueryStringFuzzTest}.
 */
class QueryParametersFuzzTest {

  static Stream<Arguments> parse() {
    return Stream.of(
        arguments(Map.of()),
        arguments(Map.of("period", List.of("7d"), "sort", List.of("duration_asc"), "page_size", List.of("500"))),
        arguments(Map.of("start_time", List.of("2026-11-24T09:00:00Z"), "end_time", List.of("2026-11-24T10:00:00+01:00"))),
        arguments(Map.of("service_name", List.of("frontend", "cart"), "not[operation]", List.of("GET /health"),
            "gt[duration_nano]", List.of("1000"), "lt[duration_nano]", List.of(" 9223372036854775807 "))),
        arguments(Map.of("trace_id", List.of("5B8EFFF798038103D269B633813FC60C"), "status", List.of("ERROR"))),
        arguments(Map.of("attr_name", List.of("http.method", "k"), "attr_value", List.of("GET", ""))),
        arguments(Map.of("not[status]", List.of("ok"), "page_token", List.of(""))));
  }

  @MethodSource
  @FuzzTest(maxDuration = "4s")
  void parse(@NotNull @WithSize(max = 24) Map<@NotNull @WithUtf8Length(max = 24) String,
      @NotNull @WithSize(max = 24) List<@NotNull @WithUtf8Length(max = 1100) String>> params) {
    QueryStringFuzzTest.parseChecked(params, true);
    QueryStringFuzzTest.parseChecked(params, false);
  }
}
