package dev.tracing.fuzz;

import static dev.tracing.fuzz.BadInputContract.readOrRefuse;
import static dev.tracing.fuzz.BadInputContract.splitChecked;

import com.code_intelligence.jazzer.junit.FuzzTest;
import dev.tracing.otlp.OtlpBody;
import io.opentelemetry.proto.collector.trace.v1.ExportTraceServiceRequest;
import java.util.stream.Stream;
import org.junit.jupiter.api.Named;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * OTLP protobuf bodies as the ingest function reads them: a request or a 400/413, never another
 * exception; whatever decodes goes through span validation without any exception.
 */
class OtlpProtobufFuzzTest {
  /** Small, so that the fuzzer meets the 413 paths too; the real cap is 4 MiB. */
  private static final OtlpBody BODIES = new OtlpBody(256 * 1024);
  /** The project's limit, below the cap so that both refusals are met; above every seed. */
  private static final long PROJECT_LIMIT = 192 * 1024;

  static Stream<Named<byte[]>> decode() {
    return Seeds.protobufBodies();
  }

  @MethodSource
  @FuzzTest(maxDuration = "4s")
  void decode(byte[] body) {
    ExportTraceServiceRequest request = readOrRefuse(BODIES, "application/x-protobuf", null, body, PROJECT_LIMIT);
    if (request != null) {
      splitChecked(request);
    }
  }
}
