package dev.tracing.auth;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import dev.tracing.auth.TokenVerdict.Outcome;
import dev.tracing.model.AccessToken;
import dev.tracing.model.Grant;
import dev.tracing.model.Scope;
import dev.tracing.storage.TokenStore;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class TokenAuthenticatorTest {
  private static final Duration CACHE_TTL = Duration.ofSeconds(30);
  private static final Instant START = Instant.parse("2026-11-24T10:00:00Z");
  private static final String SECRET = "trc_abcdefghijklmnopqrstuvwxyz012345";

  private final MutableClock clock = new MutableClock(START);
  private final InMemoryTokens store = new InMemoryTokens();
  private final TokenAuthenticator authenticator = new TokenAuthenticator(store, clock, CACHE_TTL);

  private static AccessToken token(LocalDate expiresOn) {
    return new AccessToken("tok1", 42, 7, "ci", EnumSet.of(Scope.WRITE_OBSERVABILITY, Scope.READ_API), expiresOn,
        START.minus(Duration.ofDays(3)), null);
  }

  private AccessToken issue(AccessToken token, String secret) {
    store.create(token, AccessTokenHash.hash(secret));
    return token;
  }

  // ---------------------------------------------------------------------------------------------
  // Verdicts

  @Test
  void validTokenGrantsItsProjectNamespaceAndScopes() {
    issue(token(null), SECRET);

    TokenVerdict verdict = authenticator.authenticate(SECRET);

    assertEquals(TokenVerdict.valid(new Grant("tok1", 42, 7, EnumSet.of(Scope.WRITE_OBSERVABILITY, Scope.READ_API))),
        verdict);
  }

  @Test
  void surroundingWhitespaceIsIgnored() {
    issue(token(null), SECRET);

    assertEquals(Outcome.VALID, authenticator.authenticate("  " + SECRET + "\n").outcome());
  }

  @Test
  void missingTokenIsMissing() {
    assertEquals(TokenVerdict.denied(Outcome.MISSING), authenticator.authenticate(null));
    assertEquals(TokenVerdict.denied(Outcome.MISSING), authenticator.authenticate(""));
    assertEquals(TokenVerdict.denied(Outcome.MISSING), authenticator.authenticate("   "));
  }

  @Test
  void unknownTokenIsUnknown() {
    issue(token(null), SECRET);

    assertEquals(TokenVerdict.denied(Outcome.UNKNOWN), authenticator.authenticate(SECRET + "x"));
  }

  @Test
  void overlongTokenIsUnknownWithoutAStoreLookup() {
    assertEquals(TokenVerdict.denied(Outcome.UNKNOWN), authenticator.authenticate("t".repeat(257)));
    assertEquals(0, store.lookups);
  }

  @Test
  void revokedTokenIsRevoked() {
    issue(token(null), SECRET);
    store.revoke(42, "tok1", START.minusSeconds(1));

    assertEquals(TokenVerdict.denied(Outcome.REVOKED), authenticator.authenticate(SECRET));
  }

  @Test
  void tokenWorksThroughTheWholeOfItsExpiryDayInUtc() {
    issue(token(LocalDate.of(2026, 11, 24)), SECRET);

    clock.set(Instant.parse("2026-11-24T00:00:00Z"));
    assertEquals(Outcome.VALID, authenticator.authenticate(SECRET).outcome());
    clock.set(Instant.parse("2026-11-24T23:59:59.999999999Z"));
    assertEquals(Outcome.VALID, authenticator.authenticate(SECRET).outcome());
  }

  @Test
  void tokenIsExpiredFromMidnightUtcAfterItsExpiryDay() {
    issue(token(LocalDate.of(2026, 11, 24)), SECRET);

    clock.set(Instant.parse("2026-11-25T00:00:00Z"));

    assertEquals(TokenVerdict.denied(Outcome.EXPIRED), authenticator.authenticate(SECRET));
  }

  @Test
  void cachedTokenStillExpiresAtMidnight() {
    issue(token(LocalDate.of(2026, 11, 24)), SECRET);
    clock.set(Instant.parse("2026-11-24T23:59:50Z"));
    assertEquals(Outcome.VALID, authenticator.authenticate(SECRET).outcome());

    clock.set(Instant.parse("2026-11-25T00:00:00Z")); // 10 s later: within the cache TTL

    assertEquals(TokenVerdict.denied(Outcome.EXPIRED), authenticator.authenticate(SECRET));
  }

  // ---------------------------------------------------------------------------------------------
  // The cache and its bound

  @Test
  void validTokenIsLookedUpOnceWithinTheCacheTtl() {
    issue(token(null), SECRET);

    authenticator.authenticate(SECRET);
    clock.advance(CACHE_TTL.minusMillis(1));
    authenticator.authenticate(SECRET);

    assertEquals(1, store.lookups);
  }

  @Test
  void revokedTokenKeepsWorkingWithinTheCacheTtl() {
    issue(token(null), SECRET);
    authenticator.authenticate(SECRET);

    store.revoke(42, "tok1", clock.instant());
    clock.advance(CACHE_TTL.minusMillis(1));

    assertEquals(Outcome.VALID, authenticator.authenticate(SECRET).outcome());
  }

  @Test
  void revokedTokenStopsWorkingOnceTheCacheTtlHasPassed() {
    issue(token(null), SECRET);
    authenticator.authenticate(SECRET);

    store.revoke(42, "tok1", clock.instant());
    clock.advance(CACHE_TTL);

    assertEquals(TokenVerdict.denied(Outcome.REVOKED), authenticator.authenticate(SECRET));
  }

  @Test
  void revokedVerdictIsNotUndoneByTheCache() {
    issue(token(null), SECRET);
    store.revoke(42, "tok1", START);

    assertEquals(Outcome.REVOKED, authenticator.authenticate(SECRET).outcome());
    clock.advance(Duration.ofSeconds(1));
    assertEquals(Outcome.REVOKED, authenticator.authenticate(SECRET).outcome());
  }

  @Test
  void unknownTokenIsNotCached() {
    assertEquals(Outcome.UNKNOWN, authenticator.authenticate(SECRET).outcome());

    issue(token(null), SECRET); // e.g. created a moment after a first failed try

    assertEquals(Outcome.VALID, authenticator.authenticate(SECRET).outcome());
    assertEquals(2, store.lookups);
  }

  @Test
  void zeroCacheTtlChecksTheStoreEveryTime() {
    TokenAuthenticator uncached = new TokenAuthenticator(store, clock, Duration.ZERO);
    issue(token(null), SECRET);
    assertEquals(Outcome.VALID, uncached.authenticate(SECRET).outcome());

    store.revoke(42, "tok1", clock.instant());

    assertEquals(Outcome.REVOKED, uncached.authenticate(SECRET).outcome());
    assertEquals(2, store.lookups);
  }

  @Test
  void eachTokenHasItsOwnCacheEntry() {
    issue(token(null), SECRET);
    String otherSecret = "trc_ZYXWVUTSRQPONMLKJIHGFEDCBA987654";
    issue(new AccessToken("tok2", 43, 8, "other", EnumSet.of(Scope.READ_OBSERVABILITY), null, START, null), otherSecret);

    assertEquals(42, authenticator.authenticate(SECRET).grant().projectId());
    assertEquals(43, authenticator.authenticate(otherSecret).grant().projectId());
    assertEquals(42, authenticator.authenticate(SECRET).grant().projectId());
  }

  // ---------------------------------------------------------------------------------------------
  // Headers

  @Test
  void privateTokenHeaderIsTheToken() {
    assertEquals("abc", TokenAuthenticator.presentedToken("abc", null));
    assertEquals("abc", TokenAuthenticator.presentedToken(" abc ", null));
  }

  @Test
  void bearerAuthorizationIsTheTokenWhenThereIsNoPrivateTokenHeader() {
    assertEquals("xyz", TokenAuthenticator.presentedToken(null, "Bearer xyz"));
    assertEquals("xyz", TokenAuthenticator.presentedToken(null, "bearer xyz"));
    assertEquals("xyz", TokenAuthenticator.presentedToken(null, "  BEARER   xyz  "));
    assertEquals("xyz", TokenAuthenticator.presentedToken("", "Bearer xyz"));
    assertEquals("xyz", TokenAuthenticator.presentedToken("  ", "Bearer xyz"));
  }

  @Test
  void privateTokenHeaderWinsOverAuthorization() {
    assertEquals("abc", TokenAuthenticator.presentedToken("abc", "Bearer xyz"));
  }

  @Test
  void otherAuthorizationSchemesGiveNoToken() {
    assertNull(TokenAuthenticator.presentedToken(null, "Basic dXNlcjpwYXNz"));
    assertNull(TokenAuthenticator.presentedToken(null, "Bearer"));
    assertNull(TokenAuthenticator.presentedToken(null, "Bearerxyz"));
    assertNull(TokenAuthenticator.presentedToken(null, null));
  }

  @Test
  void emptyBearerIsAMissingToken() {
    String presented = TokenAuthenticator.presentedToken(null, "Bearer   ");

    assertEquals(TokenVerdict.denied(Outcome.MISSING), authenticator.authenticate(presented));
  }

  // ---------------------------------------------------------------------------------------------

  /** A clock the test moves by hand. */
  static final class MutableClock extends Clock {
    private Instant now;

    MutableClock(Instant start) {
      this.now = start;
    }

    void set(Instant at) {
      now = at;
    }

    void advance(Duration d) {
      now = now.plus(d);
    }

    @Override
    public Instant instant() {
      return now;
    }

    @Override
    public ZoneId getZone() {
      return ZoneOffset.UTC;
    }

    @Override
    public Clock withZone(ZoneId zone) {
      throw new UnsupportedOperationException();
    }
  }

  /** Tokens in a map, counting lookups: this test is about the authenticator's logic, not storage. */
  static final class InMemoryTokens implements TokenStore {
    private final Map<String, AccessToken> byHash = new HashMap<>();
    int lookups;

    @Override
    public void create(AccessToken token, String secretHash) {
      byHash.put(secretHash, token);
    }

    @Override
    public Optional<AccessToken> findByHash(String secretHash) {
      lookups++;
      return Optional.ofNullable(byHash.get(secretHash));
    }

    @Override
    public List<AccessToken> list(long projectId) {
      return new ArrayList<>(byHash.values().stream().filter(t -> t.projectId() == projectId).toList());
    }

    @Override
    public Optional<AccessToken> revoke(long projectId, String tokenId, Instant at) {
      for (Map.Entry<String, AccessToken> e : byHash.entrySet()) {
        AccessToken t = e.getValue();
        if (t.projectId() == projectId && t.id().equals(tokenId)) {
          AccessToken revoked = t.isRevoked() ? t
              : new AccessToken(t.id(), t.projectId(), t.namespaceId(), t.name(), t.scopes(), t.expiresOn(), t.createdAt(), at);
          e.setValue(revoked);
          return Optional.of(revoked);
        }
      }
      return Optional.empty();
    }
  }
}
