package dev.tracing.auth;

import dev.tracing.auth.AuthorizerContext;
import dev.tracing.auth.TokenAuthenticator;
import dev.tracing.auth.TokenVerdict;
import java.util.Map;

/**
 * The authorizer step in front of every route: validates the presented token and returns the
 * context the gateway hands to the routed function. It never denies by itself (see
 * {@link AuthorizerContext} for why); when the token store is down it answers with an error so
 * the gateway refuses the request instead of letting it through unchecked.
 */
public final class AuthorizerEndpoint {
  private final TokenAuthenticator authenticator;

  public AuthorizerEndpoint(TokenAuthenticator authenticator) {
    this.authenticator = authenticator;
  }

  /**
   * @param headers the request headers (any case)
   * @return the authorizer context for the routed function
   * @throws dev.tracing.storage.StoreUnavailableException when tokens cannot be checked now
   */
  public Map<String, Object> authorize(Map<String, String> headers) {
    String privateToken = null;
    String authorization = null;
    if (headers != null) {
      for (Map.Entry<String, String> h : headers.entrySet()) {
        if (h.getKey().equalsIgnoreCase("private-token")) {
          privateToken = h.getValue();
        } else if (h.getKey().equalsIgnoreCase("authorization")) {
          authorization = h.getValue();
        }
      }
    }
    TokenVerdict verdict = authenticator.authenticate(TokenAuthenticator.presentedToken(privateToken, authorization));
    return AuthorizerContext.of(verdict);
  }
}
