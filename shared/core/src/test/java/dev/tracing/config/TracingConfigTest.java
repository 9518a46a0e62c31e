package dev.tracing.config;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.net.URI;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The page-token secret and where summaries are written, as the environment and the local stack give them. */
class TracingConfigTest {
  private static final String SECRET = "0123456789abcdef0123456789abcdef-secret";

  @Test
  void theSecretComesFromTheEnvironment() {
    TracingConfig config = TracingConfig.fromEnv(Map.of(TracingConfig.PAGE_TOKEN_SECRET, SECRET));
    assertEquals(SECRET, config.pageTokenSecret());
    assertArrayEquals(SECRET.getBytes(StandardCharsets.UTF_8), config.pageTokenSecretBytes());
  }

  @Test
  void withoutASecretOnlyTheTokensAreRefusedNamingTheVariable() {
    TracingConfig config = TracingConfig.fromEnv(Map.of());
    assertNull(config.pageTokenSecret());
    IllegalStateException e = assertThrows(IllegalStateException.class, config::pageTokenSecretBytes);
    assertTrue(e.getMessage().contains(TracingConfig.PAGE_TOKEN_SECRET), e.getMessage());
  }

  @Test
  void aShortSecretIsRefusedSayingHowLongItMustBe() {
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> TracingConfig.fromEnv(Map.of(TracingConfig.PAGE_TOKEN_SECRET, "short")));
    assertTrue(e.getMessage().contains(TracingConfig.PAGE_TOKEN_SECRET) && e.getMessage().contains("32"), e.getMessage());
    assertFalse(e.getMessage().contains("short"), "the message does not repeat the secret: " + e.getMessage());
  }

  @Test
  void theSecretIsNeverPrinted() {
    TracingConfig config = TracingConfig.fromEnv(Map.of(TracingConfig.PAGE_TOKEN_SECRET, SECRET));
    assertFalse(config.toString().contains(SECRET), config.toString());
    assertTrue(config.toString().contains("pageTokenSecret=(set)"), config.toString());
  }

  @Test
  void eachLocalConfigurationHasItsOwnRandomSecretUnlessGivenOne() {
    TracingConfig a = TracingConfig.local(URI.create("http://127.0.0.1:8000"), "t");
    TracingConfig b = TracingConfig.local(URI.create("http://127.0.0.1:8000"), "t");
    assertTrue(a.pageTokenSecret().length() >= TracingConfig.MIN_PAGE_TOKEN_SECRET_BYTES, a.pageTokenSecret());
    assertNotEquals(a.pageTokenSecret(), b.pageTokenSecret());
    assertEquals(SECRET, a.withPageTokenSecret(SECRET).pageTokenSecret());
  }

  @Test
  void summariesAreWrittenAtIngestUnlessTheStreamIsNamed() {
    assertTrue(TracingConfig.fromEnv(Map.of()).summariesAtIngest());
    assertTrue(TracingConfig.fromEnv(Map.of(TracingConfig.SUMMARIES, "ingest")).summariesAtIngest());
    TracingConfig streamed = TracingConfig.fromEnv(Map.of(TracingConfig.SUMMARIES, " stream "));
    assertFalse(streamed.summariesAtIngest());
    assertTrue(streamed.toString().contains("summaries=stream"), streamed.toString());
    assertTrue(streamed.withSummariesAtIngest(true).summariesAtIngest());
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> TracingConfig.fromEnv(Map.of(TracingConfig.SUMMARIES, "later")));
    assertTrue(e.getMessage().contains(TracingConfig.SUMMARIES) && e.getMessage().contains("'stream'")
        && e.getMessage().contains("'later'"), e.getMessage());
  }
}
