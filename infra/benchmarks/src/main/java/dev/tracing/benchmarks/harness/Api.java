package dev.tracing.benchmarks.harness;

import dev.tracing.api.ApiRequest;
import dev.tracing.auth.AuthorizerContext;
import dev.tracing.auth.TokenVerdict;
import dev.tracing.model.Grant;
import dev.tracing.model.Scope;
import java.util.EnumSet;
import java.util.Map;

/** API requests as the gateway hands them to the functions, with the authorizer's grant attached. */
public final class Api {
  private Api() {
  }

  static Map<String, Object> grant(long projectId, long namespaceId) {
    return AuthorizerContext.of(TokenVerdict.valid(new Grant("bench", projectId, namespaceId, EnumSet.allOf(Scope.class))));
  }

  public static ApiRequest ingest(long namespaceId, long projectId, String contentType, byte[] body) {
    return new ApiRequest("POST", "/v3/" + namespaceId + "/" + projectId + "/ingest/traces",
        Map.of("namespaceId", Long.toString(namespaceId), "projectId", Long.toString(projectId)), "",
        Map.of("content-type", contentType), body, grant(projectId, namespaceId));
  }

  public static ApiRequest list(long namespaceId, long projectId, String rawQuery) {
    return new ApiRequest("GET", "/v3/query/" + projectId + "/traces", Map.of("projectId", Long.toString(projectId)), rawQuery,
        Map.of(), null, grant(projectId, namespaceId));
  }

  public static ApiRequest detail(long namespaceId, long projectId, String traceId) {
    return new ApiRequest("GET", "/v3/query/" + projectId + "/traces/" + traceId,
        Map.of("projectId", Long.toString(projectId), "traceId", traceId), "", Map.of(), null, grant(projectId, namespaceId));
  }
}
