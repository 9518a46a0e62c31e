package dev.tracing.storage;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ThreadLocalRandom;
import org.junit.jupiter.api.Test;

/**
 * The contract of {@link ServiceCatalog}, run by every storage backend as a {@code @Nested}
 * subclass. Each test works in a project of its own, so a backend may share its storage.
 */
public abstract class ServiceCatalogContract {
  /** How long the backend's catalog keeps a name after it was last seen. */
  protected static final Duration RETENTION = Duration.ofDays(30);

  /** A catalog over this test's store, keeping names for {@link #RETENTION} and reading the time from {@code clock}. */
  protected abstract ServiceCatalog catalog(Clock clock);

  protected final ServiceCatalog catalog() {
    return catalog(Clock.systemUTC());
  }

  protected final long project = ThreadLocalRandom.current().nextLong(1_000_000, 1_000_000_000);

  private static Clock at(Instant t) {
    return Clock.fixed(t, ZoneOffset.UTC);
  }

  @Test
  void recordedNamesAreListedSorted() {
    catalog().record(project, Map.of("frontend", Set.of("GET /", "GET /cart"), "checkout", Set.of("POST /pay", "GET /cart"),
        "Zeta", Set.of()));

    assertEquals(List.of("Zeta", "checkout", "frontend"), catalog().services(project));
    assertEquals(List.of("GET /cart", "POST /pay"), catalog().operations(project, "checkout"));
    assertEquals(List.of("GET /", "GET /cart"), catalog().operations(project, "frontend"));
    assertEquals(List.of(), catalog().operations(project, "Zeta"));
  }

  @Test
  void recordingAgainAddsNewNamesAndRepeatsNone() {
    catalog().record(project, Map.of("checkout", Set.of("POST /pay")));
    catalog().record(project, Map.of("checkout", Set.of("POST /pay", "GET /cart")));
    catalog().record(project, Map.of("checkout", Set.of("POST /pay"), "auth", Set.of("login")));

    assertEquals(List.of("auth", "checkout"), catalog().services(project));
    assertEquals(List.of("GET /cart", "POST /pay"), catalog().operations(project, "checkout"));
  }

  @Test
  void anUnknownServiceOrProjectHasNothing() {
    catalog().record(project, Map.of("checkout", Set.of("POST /pay")));

    assertEquals(List.of(), catalog().operations(project, "frontend"));
    assertEquals(List.of(), catalog().services(project + 1));
    assertEquals(List.of(), catalog().operations(project + 1, "checkout"));
  }

  @Test
  void operationsBelongToTheirService() {
    catalog().record(project, Map.of("a", Set.of("x"), "a#b", Set.of("y")));

    assertEquals(List.of("x"), catalog().operations(project, "a"));
    assertEquals(List.of("y"), catalog().operations(project, "a#b"));
  }

  @Test
  void emptyNamesAreNotListed() {
    catalog().record(project, Map.of("", Set.of("orphan"), "frontend", Set.of("")));

    assertEquals(List.of("frontend"), catalog().services(project));
    assertEquals(List.of(), catalog().operations(project, "frontend"));
  }

  @Test
  void aNameIsListedForTheRetentionAfterItWasLastSeen() {
    Instant seen = Instant.now().truncatedTo(ChronoUnit.SECONDS);
    catalog(at(seen)).record(project, Map.of("checkout", Set.of("POST /pay")));

    assertEquals(List.of("checkout"), catalog(at(seen.plus(RETENTION).minusSeconds(60))).services(project));
    assertEquals(List.of("POST /pay"), catalog(at(seen.plus(RETENTION).minusSeconds(60))).operations(project, "checkout"));
    assertEquals(List.of(), catalog(at(seen.plus(RETENTION).plusSeconds(60))).services(project));
    assertEquals(List.of(), catalog(at(seen.plus(RETENTION).plusSeconds(60))).operations(project, "checkout"));
  }

  @Test
  void seeingANameAgainKeepsItListedLonger() {
    Instant first = Instant.now().truncatedTo(ChronoUnit.SECONDS);
    Instant again = first.plus(Duration.ofDays(20));
    catalog(at(first)).record(project, Map.of("checkout", Set.of("POST /pay")));
    catalog(at(again)).record(project, Map.of("checkout", Set.of("POST /pay")));

    Instant afterFirstExpiry = first.plus(RETENTION).plusSeconds(60);
    assertEquals(List.of("checkout"), catalog(at(afterFirstExpiry)).services(project));
    assertEquals(List.of("POST /pay"), catalog(at(afterFirstExpiry)).operations(project, "checkout"));
  }
}
