package dev.tracing.api;

import dev.tracing.auth.AuthorizerContext;
import dev.tracing.auth.TokenVerdict;
import dev.tracing.model.Grant;
import dev.tracing.model.Scope;
import java.util.stream.Collectors;

/**
 * The check every routed function makes first: a valid token ({@code 401} otherwise), the scope
 * the route needs and the project (and namespace) of the path ({@code 403} otherwise). Messages
 * never say whether another project exists.
 */
final class RouteAccess {
  private RouteAccess() {
  }

  /** The outcome: either a grant to proceed with, or the response to send. */
  public record Decision(Grant grant, int status, String error, String message) {
    public boolean allowed() {
      return grant != null;
    }

    /** The denial as the query API's JSON error. */
    public ApiResponse denial() {
      return ApiError.of(status, error, message);
    }

    static Decision deny(int status, String error, String message) {
      return new Decision(null, status, error, message);
    }
  }

  /**
   * @param namespaceId the namespace of the path, or {@code null} for routes without one
   */
  public static Decision check(ApiRequest request, Scope needed, long projectId, Long namespaceId) {
    TokenVerdict verdict = AuthorizerContext.read(request.authorizerContext());
    if (!verdict.isValid()) {
      return Decision.deny(401, "unauthorized", verdict.outcome().message);
    }
    Grant grant = verdict.grant();
    if (grant.projectId() != projectId || (namespaceId != null && grant.namespaceId() != namespaceId)) {
      return Decision.deny(403, "forbidden", "this access token does not grant access to project " + projectId
          + (namespaceId != null ? " in namespace " + namespaceId : "") + "; use a token created for that project");
    }
    if (!grant.allows(needed)) {
      String has = grant.scopes().stream().map(Scope::wireName).sorted().collect(Collectors.joining(", "));
      return Decision.deny(403, "forbidden", "this endpoint needs the " + needed.wireName()
          + " scope; the access token has " + (has.isEmpty() ? "no scopes" : has));
    }
    return new Decision(grant, 200, null, null);
  }
}
