package dev.tracing.auth;

import dev.tracing.model.Grant;
import dev.tracing.model.Scope;
import java.util.EnumSet;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * The verdict of the authorizer function as the gateway passes it to the routed functions
 * (API Gateway's {@code requestContext.authorizer.lambda}): flat string values only.
 *
 * <p>The authorizer lets every request through to its function and puts the verdict here,
 * because an HTTP API's Lambda authorizer can only deny with a fixed {@code 403}; GitLab's
 * contract needs {@code 401} for a bad token with a message saying why. The routed function
 * enforces the verdict with {@link RouteAccess} before doing anything else.
 */
public final class AuthorizerContext {
  public static final String VERDICT = "verdict";
  public static final String PROJECT_ID = "project_id";
  public static final String NAMESPACE_ID = "namespace_id";
  public static final String SCOPES = "scopes";
  public static final String TOKEN_ID = "token_id";

  private AuthorizerContext() {
  }

  public static Map<String, Object> of(TokenVerdict verdict) {
    Map<String, Object> ctx = new LinkedHashMap<>();
    ctx.put(VERDICT, verdict.outcome().name());
    if (verdict.isValid()) {
      Grant g = verdict.grant();
      ctx.put(PROJECT_ID, Long.toString(g.projectId()));
      ctx.put(NAMESPACE_ID, Long.toString(g.namespaceId()));
      ctx.put(SCOPES, g.scopes().stream().map(Scope::wireName).sorted().collect(Collectors.joining(",")));
      ctx.put(TOKEN_ID, g.tokenId());
    }
    return ctx;
  }

  /** Reads the verdict back; anything missing or malformed reads as no token at all. */
  public static TokenVerdict read(Map<String, Object> ctx) {
    Object v = ctx == null ? null : ctx.get(VERDICT);
    TokenVerdict.Outcome outcome;
    try {
      outcome = v == null ? TokenVerdict.Outcome.MISSING : TokenVerdict.Outcome.valueOf(v.toString());
    } catch (IllegalArgumentException e) {
      outcome = TokenVerdict.Outcome.MISSING;
    }
    if (outcome != TokenVerdict.Outcome.VALID) {
      return TokenVerdict.denied(outcome);
    }
    try {
      Set<Scope> scopes = EnumSet.noneOf(Scope.class);
      for (String s : String.valueOf(ctx.get(SCOPES)).split(",")) {
        Scope scope = Scope.fromWireName(s);
        if (scope != null) {
          scopes.add(scope);
        }
      }
      return TokenVerdict.valid(new Grant(String.valueOf(ctx.get(TOKEN_ID)),
          Long.parseLong(String.valueOf(ctx.get(PROJECT_ID))), Long.parseLong(String.valueOf(ctx.get(NAMESPACE_ID))), scopes));
    } catch (NumberFormatException e) {
      return TokenVerdict.denied(TokenVerdict.Outcome.MISSING);
    }
  }
}
