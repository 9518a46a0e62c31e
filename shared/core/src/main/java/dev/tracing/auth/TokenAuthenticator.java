package dev.tracing.auth;

import dev.tracing.model.AccessToken;
import dev.tracing.model.Grant;
import dev.tracing.storage.TokenStore;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Iterator;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Validates presented tokens against the store, with a small in-process cache.
 *
 * <p>The cache bound is the security promise: a revoked or expired token stops working at most
 * {@code cacheTtl} after the change (the same bound as the gateway's authorizer result cache,
 * see README). Cache keys are hashes, never secrets; unknown tokens are not cached so a flood of
 * random tokens cannot grow memory.
 */
public final class TokenAuthenticator {
  private static final int MAX_CACHE_ENTRIES = 10_000;

  private final TokenStore tokens;
  private final Clock clock;
  private final Duration cacheTtl;
  private final Map<String, Cached> cache = new ConcurrentHashMap<>();

  private record Cached(AccessToken token, Instant until) {
  }

  public TokenAuthenticator(TokenStore tokens, Clock clock, Duration cacheTtl) {
    this.tokens = tokens;
    this.clock = clock;
    this.cacheTtl = cacheTtl;
  }

  /**
   * @param presented the raw header value ({@code PRIVATE-TOKEN}, or the part after
   *     {@code Bearer }), or {@code null}
   * @throws dev.tracing.storage.StoreUnavailableException when the token store cannot answer
   */
  public TokenVerdict authenticate(String presented) {
    if (presented == null || presented.isBlank()) {
      return TokenVerdict.denied(TokenVerdict.Outcome.MISSING);
    }
    String secret = presented.trim();
    if (secret.length() > 256) {
      return TokenVerdict.denied(TokenVerdict.Outcome.UNKNOWN);
    }
    String hash = AccessTokenHash.hash(secret);
    Instant now = clock.instant();
    Cached cached = cache.get(hash);
    AccessToken token;
    if (cached != null && now.isBefore(cached.until())) {
      token = cached.token();
    } else {
      token = tokens.findByHash(hash).orElse(null);
      if (token == null) {
        cache.remove(hash);
        return TokenVerdict.denied(TokenVerdict.Outcome.UNKNOWN);
      }
      if (cache.size() >= MAX_CACHE_ENTRIES) {
        evictExpired(now);
      }
      if (!cacheTtl.isZero() && cache.size() < MAX_CACHE_ENTRIES) {
        cache.put(hash, new Cached(token, now.plus(cacheTtl)));
      }
    }
    if (token.isRevoked()) {
      return TokenVerdict.denied(TokenVerdict.Outcome.REVOKED);
    }
    if (token.isExpiredAt(now)) {
      return TokenVerdict.denied(TokenVerdict.Outcome.EXPIRED);
    }
    return TokenVerdict.valid(new Grant(token.id(), token.projectId(), token.namespaceId(), token.scopes()));
  }

  private void evictExpired(Instant now) {
    for (Iterator<Cached> it = cache.values().iterator(); it.hasNext(); ) {
      if (!now.isBefore(it.next().until())) {
        it.remove();
      }
    }
  }

  /** Extracts the token from the request headers: {@code PRIVATE-TOKEN}, else {@code Authorization: Bearer}. */
  public static String presentedToken(String privateTokenHeader, String authorizationHeader) {
    if (privateTokenHeader != null && !privateTokenHeader.isBlank()) {
      return privateTokenHeader.trim();
    }
    if (authorizationHeader != null) {
      String a = authorizationHeader.trim();
      if (a.regionMatches(true, 0, "Bearer ", 0, 7)) {
        return a.substring(7).trim();
      }
    }
    return null;
  }
}
