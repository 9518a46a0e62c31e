package dev.tracing.api;

import dev.tracing.ingest.IngestService;
import dev.tracing.otlp.RpcStatus;
import dev.tracing.model.Scope;
import dev.tracing.otlp.ExportResponseJson;
import dev.tracing.otlp.OtlpBody;
import dev.tracing.query.InvalidParameterException;
import dev.tracing.query.TraceQueryParser;
import io.opentelemetry.proto.collector.trace.v1.ExportTracePartialSuccess;
import io.opentelemetry.proto.collector.trace.v1.ExportTraceServiceResponse;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * {@code POST /v3/{namespaceId}/{projectId}/ingest/traces}: OTLP/HTTP in, OTLP/HTTP out. Errors
 * are a {@code google.rpc.Status} in the request's encoding, as OTLP/HTTP exporters expect
 * (protobuf for protobuf requests; JSON, with our {@code error} field too, otherwise).
 */
public final class IngestEndpoint {
  private static final Logger LOG = Logger.getLogger(IngestEndpoint.class.getName());
  private static final int RETRY_AFTER_UNAVAILABLE = 5;

  private final IngestService ingest;

  public IngestEndpoint(IngestService ingest) {
    this.ingest = ingest;
  }

  public ApiResponse handle(ApiRequest request) {
    OtlpBody.Encoding encoding = OtlpBody.encodingOf(request.header("content-type"));
    Long namespaceId = PathIds.parse(request.pathParameter("namespaceId"));
    Long projectId = PathIds.parse(request.pathParameter("projectId"));
    if (namespaceId == null || projectId == null) {
      return error(encoding, 400, "invalid_parameter", "namespace and project ids in the path must be positive decimal integers of at most 18 digits: "
          + "POST /v3/<namespace-id>/<project-id>/ingest/traces");
    }
    RouteAccess.Decision access = RouteAccess.check(request, Scope.WRITE_OBSERVABILITY, projectId, namespaceId);
    if (!access.allowed()) {
      return error(encoding, access.status(), access.error(), access.message());
    }
    String unknown = unknownParameter(request);
    if (unknown != null) {
      return error(encoding, 400, "invalid_parameter", unknown);
    }
    IngestService.Result result = ingest.ingest(projectId, request.header("content-type"), request.header("content-encoding"),
        request.body());
    if (result instanceof IngestService.Result.Stored stored) {
      return success(encoding, stored);
    }
    if (result instanceof IngestService.Result.Refused refused) {
      ApiResponse r = error(encoding, refused.status(), errorCode(refused.status()), refused.message());
      return refused.retryAfterSeconds() > 0 ? r.withHeader("Retry-After", Integer.toString(refused.retryAfterSeconds())) : r;
    }
    IngestService.Result.Unavailable down = (IngestService.Result.Unavailable) result;
    LOG.log(Level.WARNING, "ingest for project {0} not stored: {1}", new Object[] {projectId, down.reason()});
    return error(encoding, 503, "service_unavailable", "the trace store is temporarily unavailable; nothing was stored, retry")
        .withHeader("Retry-After", Integer.toString(RETRY_AFTER_UNAVAILABLE));
  }

  /**
   * Why the query string is refused, or {@code null}: ingest takes no query parameters, and like
   * every route it refuses what it does not know rather than ignoring it.
   */
  private static String unknownParameter(ApiRequest request) {
    try {
      TraceQueryParser.parseNoParams(request.queryParameters());
      return null;
    } catch (InvalidParameterException e) {
      return e.getMessage();
    } catch (IllegalArgumentException e) {
      return "the query string is not valid URL encoding: " + e.getMessage();
    }
  }

  private static ApiResponse success(OtlpBody.Encoding encoding, IngestService.Result.Stored stored) {
    ExportTraceServiceResponse.Builder response = ExportTraceServiceResponse.newBuilder();
    if (stored.rejectedSpans() > 0) {
      response.setPartialSuccess(ExportTracePartialSuccess.newBuilder()
          .setRejectedSpans(stored.rejectedSpans())
          .setErrorMessage(stored.rejectionMessage()));
    }
    if (encoding == OtlpBody.Encoding.JSON) {
      return ApiResponse.json(200, ExportResponseJson.write(response.build()));
    }
    return ApiResponse.of(200, ApiResponse.PROTOBUF, response.build().toByteArray());
  }

  static ApiResponse error(OtlpBody.Encoding encoding, int status, String error, String message) {
    if (encoding == OtlpBody.Encoding.PROTOBUF) {
      return ApiResponse.of(status, ApiResponse.PROTOBUF, RpcStatus.protobuf(ApiError.grpcCode(status), message));
    }
    return ApiError.of(status, error, message);
  }

  private static String errorCode(int status) {
    return switch (status) {
      case 400 -> "bad_request";
      case 401 -> "unauthorized";
      case 403 -> "forbidden";
      case 413 -> "payload_too_large";
      case 415 -> "unsupported_media_type";
      case 429 -> "too_many_requests";
      default -> "service_unavailable";
    };
  }
}
