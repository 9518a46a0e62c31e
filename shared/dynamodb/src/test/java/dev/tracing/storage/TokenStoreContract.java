package dev.tracing.storage;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.tracing.auth.AccessTokenHash;
import dev.tracing.model.AccessToken;
import dev.tracing.model.Scope;
import java.time.Instant;
import java.time.LocalDate;
import java.util.EnumSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** The contract of {@link TokenStore}, run by every storage backend as a {@code @Nested} subclass. */
public abstract class TokenStoreContract {
  protected static final long PROJECT = 42;
  protected static final long NAMESPACE = 7;
  protected static final Instant CREATED = Instant.parse("2026-11-24T10:15:30.123456789Z");

  /** A store over this test's backend, which starts empty for every test. */
  protected abstract TokenStore tokens();

  /** A token and its secret, as the admin command creates them. */
  protected record Issued(AccessToken token, String secret) {
    String hash() {
      return AccessTokenHash.hash(secret);
    }
  }

  protected static Issued token(long projectId, String name, Instant createdAt, LocalDate expiresOn, Scope... scopes) {
    Set<Scope> set = scopes.length == 0 ? EnumSet.of(Scope.READ_OBSERVABILITY) : EnumSet.of(scopes[0], scopes);
    return new Issued(new AccessToken(AccessTokenHash.newId(), projectId, NAMESPACE, name, set, expiresOn, createdAt, null),
        AccessTokenHash.newSecret());
  }

  protected final Issued create(Issued issued) {
    tokens().create(issued.token(), issued.hash());
    return issued;
  }

  private static AccessToken revoked(AccessToken t, Instant at) {
    return new AccessToken(t.id(), t.projectId(), t.namespaceId(), t.name(), t.scopes(), t.expiresOn(), t.createdAt(), at);
  }

  @Test
  void createdTokenIsFoundByTheHashOfItsSecretWithEveryField() {
    Issued ci = create(token(PROJECT, "ci exporter", CREATED, LocalDate.of(2027, 1, 31),
        Scope.WRITE_OBSERVABILITY, Scope.READ_OBSERVABILITY));

    assertEquals(Optional.of(ci.token()), tokens().findByHash(ci.hash()));
  }

  @Test
  void tokenWithoutExpiryAndWithEveryScopeRoundTrips() {
    Issued all = create(token(PROJECT, "all", CREATED, null, Scope.READ_API, Scope.READ_OBSERVABILITY,
        Scope.WRITE_OBSERVABILITY));

    assertEquals(Optional.of(all.token()), tokens().findByHash(all.hash()));
  }

  @Test
  void unknownHashFindsNothing() {
    create(token(PROJECT, "ci", CREATED, null));

    assertEquals(Optional.empty(), tokens().findByHash(AccessTokenHash.hash(AccessTokenHash.newSecret())));
  }

  @Test
  void listReturnsTheProjectsTokensRevokedAndExpiredIncludedInCreationOrder() {
    Issued later = create(token(PROJECT, "later", CREATED.plusSeconds(60), null));
    Issued expired = create(token(PROJECT, "expired", CREATED, LocalDate.of(2020, 1, 1)));
    Issued revoked = create(token(PROJECT, "revoked", CREATED.plusSeconds(30), null));
    create(token(PROJECT + 1, "other project", CREATED.plusSeconds(10), null));
    Instant at = CREATED.plusSeconds(90);
    tokens().revoke(PROJECT, revoked.token().id(), at);

    assertEquals(List.of(expired.token(), revoked(revoked.token(), at), later.token()), tokens().list(PROJECT));
  }

  @Test
  void projectWithoutTokensListsNone() {
    create(token(PROJECT, "ci", CREATED, null));

    assertEquals(List.of(), tokens().list(PROJECT + 1));
  }

  @Test
  void revokedTokenIsMarkedInLookupAndListing() {
    Issued ci = create(token(PROJECT, "ci", CREATED, null));
    Instant at = CREATED.plusSeconds(3600);

    Optional<AccessToken> result = tokens().revoke(PROJECT, ci.token().id(), at);

    AccessToken expected = revoked(ci.token(), at);
    assertEquals(Optional.of(expected), result);
    assertEquals(Optional.of(expected), tokens().findByHash(ci.hash()));
    assertEquals(List.of(expected), tokens().list(PROJECT));
  }

  @Test
  void revokingTwiceKeepsTheFirstTime() {
    Issued ci = create(token(PROJECT, "ci", CREATED, null));
    Instant first = CREATED.plusSeconds(60);
    Instant second = CREATED.plusSeconds(120);

    tokens().revoke(PROJECT, ci.token().id(), first);
    Optional<AccessToken> again = tokens().revoke(PROJECT, ci.token().id(), second);

    AccessToken expected = revoked(ci.token(), first);
    assertEquals(Optional.of(expected), again);
    assertEquals(Optional.of(expected), tokens().findByHash(ci.hash()));
    assertEquals(List.of(expected), tokens().list(PROJECT));
  }

  @Test
  void revokingAnUnknownIdIsEmpty() {
    Issued ci = create(token(PROJECT, "ci", CREATED, null));

    assertEquals(Optional.empty(), tokens().revoke(PROJECT, "noSuchToken0", CREATED));
    assertEquals(Optional.of(ci.token()), tokens().findByHash(ci.hash()));
  }

  @Test
  void revokingThroughAnotherProjectIsEmptyAndLeavesTheTokenWorking() {
    Issued ci = create(token(PROJECT, "ci", CREATED, null));

    assertEquals(Optional.empty(), tokens().revoke(PROJECT + 1, ci.token().id(), CREATED));
    assertEquals(Optional.of(ci.token()), tokens().findByHash(ci.hash()));
    assertEquals(List.of(ci.token()), tokens().list(PROJECT));
  }
}
