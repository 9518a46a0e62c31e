package dev.tracing.api;

import java.io.ByteArrayOutputStream;
import tools.jackson.core.JsonGenerator;
import tools.jackson.core.ObjectWriteContext;
import tools.jackson.core.json.JsonFactory;

/**
 * The one JSON error body of every route (ingest, query, trace detail, the gateway's own
 * refusals): {@code {"code": 3, "error": "invalid_parameter", "message": "..."}}.
 *
 * <ul>
 *   <li>{@code code}: the gRPC status code paired with the HTTP status, so every JSON error is
 *       also a {@code google.rpc.Status}, which OTLP/HTTP exporters read (see {@link #grpcCode});
 *   <li>{@code error}: a stable snake_case name of the failure, for programs;
 *   <li>{@code message}: what was wrong and what to do, for people. It never carries a stack
 *       trace, a token, or data of a project the caller may not see.
 * </ul>
 * Ingest answers protobuf requests with the same code and message as a protobuf
 * {@code google.rpc.Status} instead.
 */
public final class ApiError {
  static final JsonFactory JSON = new JsonFactory();

  private ApiError() {
  }

  public static ApiResponse of(int status, String error, String message) {
    return ApiResponse.json(status, body(status, error, message));
  }

  /** The body for an HTTP status: {@code code} (gRPC), {@code error}, {@code message}. */
  public static byte[] body(int status, String error, String message) {
    ByteArrayOutputStream out = new ByteArrayOutputStream(96 + message.length());
    try (JsonGenerator g = JSON.createGenerator(ObjectWriteContext.empty(), out)) {
      g.writeStartObject();
      g.writeNumberProperty("code", grpcCode(status));
      g.writeStringProperty("error", error);
      g.writeStringProperty("message", message);
      g.writeEndObject();
    }
    return out.toByteArray();
  }

  /** The gRPC status code that goes with an HTTP status (as OTLP and gRPC-HTTP mapping pair them). */
  public static int grpcCode(int status) {
    return switch (status) {
      case 400, 413, 415 -> 3; // INVALID_ARGUMENT
      case 401 -> 16; // UNAUTHENTICATED
      case 403 -> 7; // PERMISSION_DENIED
      case 404 -> 5; // NOT_FOUND
      case 405 -> 12; // UNIMPLEMENTED
      case 429 -> 8; // RESOURCE_EXHAUSTED
      case 503 -> 14; // UNAVAILABLE
      default -> status >= 500 ? 13 : 2; // INTERNAL, UNKNOWN
    };
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
