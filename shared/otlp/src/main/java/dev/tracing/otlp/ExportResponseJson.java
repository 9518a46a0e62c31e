package dev.tracing.otlp;

import io.opentelemetry.proto.collector.trace.v1.ExportTracePartialSuccess;
import io.opentelemetry.proto.collector.trace.v1.ExportTraceServiceResponse;
import java.io.ByteArrayOutputStream;
import tools.jackson.core.JsonGenerator;
import tools.jackson.core.json.JsonFactory;

/** The OTLP/JSON answer to an export request that was stored. */
public final class ExportResponseJson {
  private static final JsonFactory JSON = new JsonFactory();

  private ExportResponseJson() {
  }

  /**
   * Encodes an export response as OTLP/JSON: {@code {}} when everything was accepted, else the
   * partial success with rejectedSpans as a string (int64 in the proto3 JSON mapping).
   */
  public static byte[] write(ExportTraceServiceResponse response) {
    ByteArrayOutputStream out = new ByteArrayOutputStream(64);
    try (JsonGenerator g = JSON.createGenerator(out)) {
      g.writeStartObject();
      if (response.hasPartialSuccess()) {
        ExportTracePartialSuccess partial = response.getPartialSuccess();
        g.writeName("partialSuccess");
        g.writeStartObject();
        if (partial.getRejectedSpans() != 0) {
          g.writeStringProperty("rejectedSpans", Long.toString(partial.getRejectedSpans()));
        }
        if (!partial.getErrorMessage().isEmpty()) {
          g.writeStringProperty("errorMessage", partial.getErrorMessage());
        }
        g.writeEndObject();
      }
      g.writeEndObject();
    }
    return out.toByteArray();
  }
}
