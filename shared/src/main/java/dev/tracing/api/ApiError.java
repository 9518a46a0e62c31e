package dev.tracing.api;

import java.io.ByteArrayOutputStream;
import tools.jackson.core.JsonGenerator;
import tools.jackson.core.ObjectWriteContext;
import tools.jackson.core.json.JsonFactory;

/**
 * The JSON error body of every non-OTLP error: {@code {"error": code, "message": text}}. The
 * message says what was wrong and what to do; it never carries a stack trace, a token, or data
 * of a project the caller may not see.
 */
public final class ApiError {
  static final JsonFactory JSON = new JsonFactory();

  private ApiError() {
  }

  public static ApiResponse of(int status, String error, String message) {
    return ApiResponse.json(status, body(error, message, null));
  }

  /** The body, with an optional gRPC status code (OTLP/JSON clients read {@code code} and {@code message}). */
  public static byte[] body(String error, String message, Integer grpcCode) {
    ByteArrayOutputStream out = new ByteArrayOutputStream(96 + message.length());
    try (JsonGenerator g = JSON.createGenerator(ObjectWriteContext.empty(), out)) {
      g.writeStartObject();
      if (grpcCode != null) {
        g.writeNumberProperty("code", grpcCode);
      }
      g.writeStringProperty("error", error);
      g.writeStringProperty("message", message);
      g.writeEndObject();
    }
    return out.toByteArray();
  }

  public static ApiResponse unauthorized(String message) {
    return of(401, "unauthorized", message);
  }

  public static ApiResponse forbidden(String message) {
    return of(403, "forbidden", message);
  }

  public static ApiResponse notFound(String message) {
    return of(404, "not_found", message);
  }

  /** The query API's 400: {@code {"error": "invalid_parameter", "message": ...}} naming the parameter. */
  public static ApiResponse invalidParameter(String message) {
    return of(400, "invalid_parameter", message);
  }

  public static ApiResponse unavailable(int retryAfterSeconds) {
    return of(503, "service_unavailable", "the trace store is temporarily unavailable; retry in a few seconds")
        .withHeader("Retry-After", Integer.toString(retryAfterSeconds));
  }
}
