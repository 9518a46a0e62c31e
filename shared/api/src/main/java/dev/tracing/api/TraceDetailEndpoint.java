package dev.tracing.api;

import dev.tracing.model.Scope;
import dev.tracing.model.TraceIds;
import dev.tracing.query.InvalidParameterException;
import dev.tracing.query.TraceQueryParser;
import dev.tracing.storage.ReadCapacity;
import dev.tracing.storage.StoreUnavailableException;
import dev.tracing.storage.StoredTrace;
import dev.tracing.storage.TraceReader;
import dev.tracing.view.TraceJson;
import java.util.Optional;

/**
 * {@code GET /v3/query/{projectId}/traces/{traceId}}: one trace with all its spans. The answer
 * carries {@code X-Read-Units}: the read capacity the request consumed.
 */
public final class TraceDetailEndpoint {
  private final TraceReader reader;
  private final ReadCapacity capacity;

  public TraceDetailEndpoint(TraceReader reader, ReadCapacity capacity) {
    this.reader = reader;
    this.capacity = capacity;
  }

  public ApiResponse handle(ApiRequest request) {
    try (ReadCapacity.Tally tally = capacity.start()) {
      return answer(request).withHeader(QueryEndpoint.READ_UNITS, ReadCapacity.format(tally.units()));
    }
  }

  private ApiResponse answer(ApiRequest request) {
    Long projectId = PathIds.parse(request.pathParameter("projectId"));
    if (projectId == null) {
      return ApiError.invalidParameter("projectId must be a positive decimal integer of at most 18 digits");
    }
    RouteAccess.Decision access = RouteAccess.check(request, Scope.READ_OBSERVABILITY, projectId, null);
    if (!access.allowed()) {
      return access.denial();
    }
    try {
      TraceQueryParser.parseNoParams(request.queryParameters());
    } catch (InvalidParameterException e) {
      return ApiError.invalidParameter(e.getMessage());
    } catch (IllegalArgumentException e) {
      return ApiError.invalidParameter("the query string is not valid URL encoding: " + e.getMessage());
    }
    String raw = request.pathParameter("traceId");
    String traceId = TraceIds.normalizeTraceId(raw);
    if (traceId == null) {
      return ApiError.invalidParameter("traceId must be 32 hexadecimal characters (not all zero)");
    }
    Optional<StoredTrace> trace;
    try {
      trace = reader.read(projectId, traceId);
    } catch (StoreUnavailableException e) {
      return ApiError.unavailable(2);
    }
    return trace.map(t -> ApiResponse.json(200, TraceJson.write(t)))
        .orElseGet(() -> ApiError.notFound("project " + projectId + " has no trace " + traceId
            + " (traces are kept 30 days; a trace appears once its spans are ingested)"));
  }
}
