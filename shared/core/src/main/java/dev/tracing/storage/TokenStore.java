package dev.tracing.storage;

import dev.tracing.model.AccessToken;
import java.time.Instant;
import java.util.List;
import java.util.Optional;

/** Access tokens, stored by the hash of their secret only; the secret never reaches the store. */
public interface TokenStore {

  /** Stores a new token under the hash of its secret. */
  void create(AccessToken token, String secretHash);

  /** Finds the token whose secret has this hash: the only way to authenticate. */
  Optional<AccessToken> findByHash(String secretHash);

  /** The tokens of a project, revoked and expired ones included, by creation time. */
  List<AccessToken> list(long projectId);

  /**
   * Revokes a token of a project; revoking twice keeps the first time.
   *
   * @return the revoked token, empty when the project has no token with that id
   */
  Optional<AccessToken> revoke(long projectId, String tokenId, Instant at);
}
