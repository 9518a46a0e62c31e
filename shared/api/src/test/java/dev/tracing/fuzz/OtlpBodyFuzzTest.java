package dev.tracing.fuzz;

import static dev.tracing.fuzz.BadInputContract.readOrRefuse;
import static dev.tracing.fuzz.BadInputContract.splitChecked;
import static org.junit.jupiter.params.provider.Arguments.arguments;

import com.code_intelligence.jazzer.junit.FuzzTest;
import com.code_intelligence.jazzer.mutation.annotation.NotNull;
import com.code_intelligence.jazzer.mutation.annotation.WithLength;
import com.code_intelligence.jazzer.mutation.annotation.WithUtf8Length;
import dev.tracing.otlp.OtlpBody;
import io.opentelemetry.proto.collector.trace.v1.ExportTraceServiceRequest;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * A whole OTLP/HTTP body as the ingest function gets it: any {@code Content-Type}, any
 * {@code Content-Encoding} (including none), gzip or not. The answer is a request or a
 * {@link OtlpBody.BodyException} with 400, 413 or 415, never another exception.
 *
 * <p>{@code gzipInHarness} compresses the body here and sends it with {@code Content-Encoding:
 * gzip}: random bytes almost never form a valid deflate stream, and this lets the fuzzer reach
 * the decoders behind gzip. Without it the bytes go as they are, so corrupt gzip is covered too.
 */
class OtlpBodyFuzzTest {
  /** Small, so that the fuzzer reaches the 413 paths (body and inflated size); the real cap is 4 MiB. */
  static final int MAX_BODY_BYTES = 64 * 1024;
  /**
   * The project's limit: below the cap, so protobuf bodies meet the project-limit refusal, while
   * OTLP/JSON (allowed 8 times the limit) meets the cap.
   */
  static final long PROJECT_LIMIT = 32 * 1024;
  private static final OtlpBody BODIES = new OtlpBody(MAX_BODY_BYTES);

  static Stream<Arguments> read() {
    byte[] proto = Seeds.fixture("js-http-proto.bin");
    byte[] json = Seeds.fixture("js-http-json.json");
    List<Arguments> seeds = new ArrayList<>(List.of(
        arguments("application/x-protobuf", null, false, proto),
        arguments("application/x-protobuf", "gzip", false, Seeds.fixture("js-http-proto.bin.gz")),
        arguments("application/json", "gzip", false, Seeds.fixture("js-http-json.json.gz")),
        arguments("application/json; charset=utf-8", "identity", false, json),
        arguments("application/protobuf", "x-gzip", true, proto),
        arguments("Application/JSON ; charset=UTF-8", " GZIP ", true, json),
        arguments(null, null, false, proto),
        arguments("text/plain", "", false, json),
        arguments("application/x-protobuf", "br", false, proto),
        arguments("application/x-protobuf", "gzip", false, proto),
        arguments("application/json", "gzip", true, new byte[MAX_BODY_BYTES + 1]),
        arguments("application/x-protobuf", "gzip", true, new byte[(int) PROJECT_LIMIT + 1])));
    return seeds.stream();
  }

  @MethodSource
  @FuzzTest(maxDuration = "4s")
  void read(@WithUtf8Length(max = 200) String contentType, @WithUtf8Length(max = 40) String contentEncoding,
            boolean gzipInHarness, byte @NotNull @WithLength(max = 128 * 1024) [] body) {
    ExportTraceServiceRequest request = gzipInHarness
        ? readOrRefuse(BODIES, contentType, "gzip", Seeds.gzip(body), PROJECT_LIMIT)
        : readOrRefuse(BODIES, contentType, contentEncoding, body, PROJECT_LIMIT);
    if (request != null) {
      splitChecked(request);
    }
  }
}
