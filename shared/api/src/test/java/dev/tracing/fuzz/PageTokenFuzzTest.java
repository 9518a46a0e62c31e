package dev.tracing.fuzz;

import static dev.tracing.query.TestSecrets.PAGE_TOKENS;
import static dev.tracing.fuzz.BadInputContract.PROJECT_ID;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Named.named;
import static org.junit.jupiter.params.provider.Arguments.arguments;

import com.code_intelligence.jazzer.junit.FuzzTest;
import com.code_intelligence.jazzer.mutation.annotation.NotNull;
import com.code_intelligence.jazzer.mutation.annotation.WithLength;
import com.code_intelligence.jazzer.mutation.annotation.WithUtf8Length;
import dev.tracing.query.InvalidParameterException;
import dev.tracing.query.PageToken;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * {@code page_token}: any string is either a token this API issued for this project and query,
 * or an {@link InvalidParameterException}; and a query resumed from a token stays inside the
 * bounds a first page has (window of at most 7 days, start before end).
 *
 * <p>With {@code forge}, the token is made by {@link PageToken#encode} from fuzzed fields under the
 * tests' secret: what only a holder of the deployment's secret can do, so such a token stands for
 * the API's own tokens with any field it could hold.
 */
class PageTokenFuzzTest {
  private static final String NO_FILTERS = ""; // the fingerprint of a query with page_token alone

  static Stream<Arguments> decode() {
    long end = BadInputContract.nanos(BadInputContract.NOW);
    long hour = 3_600_000_000_000L;
    byte[] id = HexFormat.of().parseHex("5b8efff798038103d269b633813fc60c");
    String issued = PAGE_TOKENS.encode(PROJECT_ID, NO_FILTERS, end - hour, end, new PageToken.Cursor(end - 1, HexFormat.of().formatHex(id)));
    return Stream.of(
        arguments(named("issued", issued), false, 0L, 0L, 0L, id),
        arguments(named("first character cut", issued.substring(1)), false, 0L, 0L, 0L, id),
        arguments(named("padded", issued + "="), false, 0L, 0L, 0L, id),
        arguments(named("not base64", "not a token"), false, 0L, 0L, 0L, id),
        arguments(named("made with encode(), one-hour window", ""), true, end - hour, end, end - 1, id));
  }

  @MethodSource
  @FuzzTest(maxDuration = "4s")
  void decode(@NotNull @WithUtf8Length(max = 200) String token, boolean forge, long startNano, long endNano, long cursorValue,
              byte @NotNull @WithLength(min = 16, max = 16) [] traceId) {
    if (forge) {
      String cursorTrace = HexFormat.of().formatHex(traceId);
      token = PAGE_TOKENS.encode(PROJECT_ID, NO_FILTERS, startNano, endNano, new PageToken.Cursor(cursorValue, cursorTrace));
    }
    try {
      PageToken.Decoded decoded = PAGE_TOKENS.decode(token, PROJECT_ID, NO_FILTERS);
      if (forge) {
        assertEquals(new PageToken.Decoded(startNano, endNano, new PageToken.Cursor(cursorValue, HexFormat.of().formatHex(traceId))),
            decoded, "a token decodes to what it was made of");
      }
    } catch (InvalidParameterException e) {
      BadInputContract.checkClientMessage(e.getMessage(), token);
      assertEquals("page_token", e.parameter());
    }
    QueryStringFuzzTest.parseChecked(Map.of("page_token", List.of(token)), true);
  }
}
