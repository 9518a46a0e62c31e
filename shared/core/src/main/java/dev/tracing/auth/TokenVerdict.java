package dev.tracing.auth;

import dev.tracing.model.Grant;

/**
 * The authorizer's answer about a presented token. Only {@link Outcome#VALID} carries a grant;
 * every other outcome is a {@code 401} with the message below.
 */
public record TokenVerdict(Outcome outcome, Grant grant) {

  public enum Outcome {
    VALID(""),
    MISSING("no access token: send a project access token in the PRIVATE-TOKEN header"),
    UNKNOWN("the access token is not valid: check that it was copied whole and belongs to this deployment"),
    EXPIRED("the access token has expired: create a new project access token"),
    REVOKED("the access token was revoked: create a new project access token");

    public final String message;

    Outcome(String message) {
      this.message = message;
    }
  }

  public static TokenVerdict valid(Grant grant) {
    return new TokenVerdict(Outcome.VALID, grant);
  }

  public static TokenVerdict denied(Outcome outcome) {
    return new TokenVerdict(outcome, null);
  }

  public boolean isValid() {
    return outcome == Outcome.VALID;
  }
}
