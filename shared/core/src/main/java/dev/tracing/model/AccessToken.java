package dev.tracing.model;

import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.Set;

/**
 * A project access token as stored: never the secret itself, only facts about it. The secret is
 * shown once at creation and afterwards only its hash exists ({@link dev.tracing.auth.AccessTokenHash}).
 *
 * @param id public identifier, used to list and revoke
 * @param expiresOn last day (UTC) the token works, or {@code null} for no expiry
 * @param revokedAt when it was revoked, or {@code null}
 */
public record AccessToken(String id, long projectId, long namespaceId, String name, Set<Scope> scopes,
                          LocalDate expiresOn, Instant createdAt, Instant revokedAt) {
  public AccessToken {
    scopes = Set.copyOf(scopes);
  }


  public boolean isRevoked() {
    return revokedAt != null;
  }

  /** GitLab semantics: a token expiring on D works through the whole of day D (UTC). */
  public boolean isExpiredAt(Instant now) {
    return expiresOn != null && !now.isBefore(expiresOn.plusDays(1).atStartOfDay().toInstant(ZoneOffset.UTC));
  }
}
