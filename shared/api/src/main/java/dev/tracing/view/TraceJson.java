package dev.tracing.view;

import dev.tracing.otlp.TraceBatcher;
import dev.tracing.storage.StoredTrace;
import dev.tracing.storage.TraceRow;
import io.opentelemetry.proto.resource.v1.Resource;
import java.io.StringWriter;
import tools.jackson.core.JsonGenerator;
import tools.jackson.core.ObjectWriteContext;
import tools.jackson.core.io.SerializedString;
import tools.jackson.core.json.JsonFactory;

/**
 * The trace-detail answer: the list fields of the trace plus every span, sorted by start time
 * (ties by span id, so the order is stable).
 */
public final class TraceJson {
  private static final JsonFactory JSON = new JsonFactory();
  private static final String[] STATUS_NAMES = {"STATUS_CODE_UNSET", "STATUS_CODE_OK", "STATUS_CODE_ERROR"};

  private TraceJson() {
  }

  /**
   * The answer for a trace, written from its packs' bytes ({@link WireTraceJson}).
   *
   * @throws IllegalStateException for a corrupt pack
   */
  public static byte[] write(StoredTrace trace) {
    return WireTraceJson.write(trace);
  }

  /** The fields before the spans: the project and the trace's list fields. */
  static void writeHead(JsonGenerator g, StoredTrace trace) {
    g.writeNumberProperty("project_id", trace.projectId());
    QueryJson.writeRow(g, TraceRow.of(trace.summary()), trace.summary().spanCount());
  }

  public static String statusName(int code) {
    return code >= 0 && code < STATUS_NAMES.length ? STATUS_NAMES[code] : "STATUS_CODE_UNSET";
  }

  /** A resource's service name, and its attributes as a JSON object. */
  record ResourceJson(SerializedString serviceName, SerializedString attributes) {
    static ResourceJson of(Resource resource) {
      StringWriter attributes = new StringWriter();
      try (JsonGenerator g = JSON.createGenerator(ObjectWriteContext.empty(), attributes)) {
        JsonValues.writeAttributes(g, resource.getAttributesList());
      }
      return new ResourceJson(new SerializedString(TraceBatcher.serviceName(resource)), new SerializedString(attributes.toString()));
    }
  }
}
