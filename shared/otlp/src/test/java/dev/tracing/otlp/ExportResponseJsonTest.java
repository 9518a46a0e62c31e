package dev.tracing.otlp;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.opentelemetry.proto.collector.trace.v1.ExportTracePartialSuccess;
import io.opentelemetry.proto.collector.trace.v1.ExportTraceServiceResponse;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

class ExportResponseJsonTest {

  @Test
  void isEmptyWhenAllSpansWereAccepted() {
    assertEquals("{}", text(ExportResponseJson.write(ExportTraceServiceResponse.getDefaultInstance())));
  }

  @Test
  void listsAPartialSuccess() {
    ExportTraceServiceResponse response = ExportTraceServiceResponse.newBuilder()
        .setPartialSuccess(ExportTracePartialSuccess.newBuilder()
            .setRejectedSpans(3).setErrorMessage("3 spans older than 30 days: \"retention\""))
        .build();
    assertEquals("{\"partialSuccess\":{\"rejectedSpans\":\"3\",\"errorMessage\":\"3 spans older than 30 days: \\\"retention\\\"\"}}",
        text(ExportResponseJson.write(response)));
  }

  private static String text(byte[] bytes) {
    return new String(bytes, StandardCharsets.UTF_8);
  }
}
