package dev.tracing.fuzz;

import static dev.tracing.fuzz.BadInputContract.checkClientMessage;
import static dev.tracing.fuzz.BadInputContract.splitChecked;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import com.code_intelligence.jazzer.junit.FuzzTest;
import com.google.protobuf.InvalidProtocolBufferException;
import dev.tracing.otlp.OtlpFormatException;
import dev.tracing.otlp.OtlpJsonReader;
import dev.tracing.otlp.OtlpJsonTranscoder;
import dev.tracing.testing.OtlpJsonWriter;
import io.opentelemetry.proto.collector.trace.v1.ExportTraceServiceRequest;
import java.nio.charset.StandardCharsets;
import java.util.stream.Stream;
import org.junit.jupiter.api.Named;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The OTLP/JSON reader: a request or an {@link OtlpFormatException} with a message for the
 * client, never another exception (Jackson's own included); whatever it reads goes through span
 * validation without any exception, and writes back to OTLP/JSON that reads as the same request.
 * The transcoder that ingest tries first agrees with it on every body: it transcodes only bodies
 * the reader reads, into exactly the reader's request, whose spans ingest reads from those bytes
 * as it would from the decoded request.
 */
class OtlpJsonFuzzTest {

  static Stream<Named<byte[]>> parse() {
    return Seeds.jsonBodies();
  }

  @MethodSource
  @FuzzTest(maxDuration = "4s")
  void parse(byte[] json) throws InvalidProtocolBufferException {
    byte[] transcoded = BadInputContract.withinCpuBudget("OtlpJsonTranscoder.toProtobuf", () -> OtlpJsonTranscoder.toProtobuf(json));
    ExportTraceServiceRequest request;
    try {
      request = BadInputContract.withinCpuBudget("OtlpJsonReader.parseRequest", () -> OtlpJsonReader.parseRequest(json));
    } catch (OtlpFormatException e) {
      checkClientMessage(e.getMessage(), new String(json, StandardCharsets.UTF_8));
      assertNull(transcoded, "the transcoder took a body the reader refuses");
      return;
    }
    if (transcoded != null) {
      assertEquals(request, ExportTraceServiceRequest.parseFrom(transcoded), "transcoded as the reader reads it");
      assertEquals(request.getSerializedSize(), transcoded.length, "transcoded to the request's own encoded length");
      BadInputContract.splitWrittenChecked(transcoded, request);
    }
    splitChecked(request);
    assertEquals(request, OtlpJsonReader.parseRequest(OtlpJsonWriter.writeRequest(request)), "what was read writes back as the same request");
  }
}
