package dev.tracing.config;

import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.Base64;
import java.util.Map;

/**
 * Settings every function reads from its environment (the SAM template sets them; the local
 * stack passes its own). Names and defaults are listed in README's "Configuration".
 *
 * <p>{@code pageTokenSecret} signs the traces list's {@code page_token}s; it is null when the
 * environment does not set it, and then only the query endpoint, the one that needs it, refuses to
 * start. {@link #toString()} never shows it.
 */
public record TracingConfig(String table, URI dynamoEndpoint, String region, Duration retention, long defaultBytesPerMinute,
                            Duration tokenCacheTtl, Duration limitCacheTtl, int maxBodyBytes, String pageTokenSecret,
                            boolean summariesAtIngest) {

  public static final String TABLE = "TRACING_TABLE";
  public static final String DYNAMODB_ENDPOINT = "TRACING_DYNAMODB_ENDPOINT";
  public static final String REGION = "AWS_REGION";
  public static final String RETENTION_DAYS = "TRACING_RETENTION_DAYS";
  public static final String DEFAULT_BYTES_PER_MINUTE = "TRACING_DEFAULT_BYTES_PER_MINUTE";
  public static final String TOKEN_CACHE_SECONDS = "TRACING_TOKEN_CACHE_SECONDS";
  public static final String LIMIT_CACHE_SECONDS = "TRACING_LIMIT_CACHE_SECONDS";
  public static final String MAX_BODY_BYTES = "TRACING_MAX_BODY_BYTES";
  public static final String PAGE_TOKEN_SECRET = "TRACING_PAGE_TOKEN_SECRET";
  /**
   * Where trace summaries are written: {@code ingest} (the default: by the ingest request, before
   * it is answered) or {@code stream} (ingest stores the spans only; the summaries function folds
   * them from the table's stream of changes, as {@code template.yaml} deploys it).
   */
  public static final String SUMMARIES = "TRACING_SUMMARIES";

  public static final String DEFAULT_TABLE = "tracing";
  /** Shortest accepted page-token secret, in bytes: a 256-bit HMAC key. */
  public static final int MIN_PAGE_TOKEN_SECRET_BYTES = 32;

  private static final SecureRandom RANDOM = new SecureRandom();

  /**
   * 4 MiB: a protobuf body over the raised limit (1 MiB per minute) can never pass, and OTLP/JSON
   * takes at most {@code OtlpBody.JSON_EXPANSION} times as many bytes; well under
   * the gateways' 10 MB and Lambda's 6 MB payload limits.
   */
  public static final int DEFAULT_MAX_BODY_BYTES = 4 * 1024 * 1024;

  public static TracingConfig fromEnv(Map<String, String> env) {
    String endpoint = env.get(DYNAMODB_ENDPOINT);
    return new TracingConfig(
        env.getOrDefault(TABLE, DEFAULT_TABLE),
        endpoint == null || endpoint.isBlank() ? null : URI.create(endpoint),
        env.get(REGION),
        Duration.ofDays(number(env, RETENTION_DAYS, 30)),
        number(env, DEFAULT_BYTES_PER_MINUTE, dev.tracing.model.Project.DEFAULT_BYTES_PER_MINUTE),
        Duration.ofSeconds(number(env, TOKEN_CACHE_SECONDS, 30)),
        Duration.ofSeconds(number(env, LIMIT_CACHE_SECONDS, 10)),
        (int) number(env, MAX_BODY_BYTES, DEFAULT_MAX_BODY_BYTES),
        secret(env.get(PAGE_TOKEN_SECRET)),
        summariesAtIngest(env.get(SUMMARIES)));
  }

  /**
   * Settings with their defaults, every value given: summaries written at ingest. The constructor
   * takes where summaries are written as well.
   */
  public TracingConfig(String table, URI dynamoEndpoint, String region, Duration retention, long defaultBytesPerMinute,
                       Duration tokenCacheTtl, Duration limitCacheTtl, int maxBodyBytes, String pageTokenSecret) {
    this(table, dynamoEndpoint, region, retention, defaultBytesPerMinute, tokenCacheTtl, limitCacheTtl, maxBodyBytes,
        pageTokenSecret, true);
  }

  /** The same settings with summaries written at ingest ({@code true}) or from the table's stream. */
  public TracingConfig withSummariesAtIngest(boolean atIngest) {
    return new TracingConfig(table, dynamoEndpoint, region, retention, defaultBytesPerMinute, tokenCacheTtl, limitCacheTtl,
        maxBodyBytes, pageTokenSecret, atIngest);
  }

  private static boolean summariesAtIngest(String v) {
    if (v == null || v.isBlank() || v.trim().equals("ingest")) {
      return true;
    }
    if (v.trim().equals("stream")) {
      return false;
    }
    throw new IllegalArgumentException(SUMMARIES + " must be 'ingest' (summaries written by each ingest request) or 'stream'"
        + " (written by the summaries function from the table's stream), got '" + v + "'");
  }

  /**
   * Settings for one process against a local DynamoDB, with a fresh random page-token secret: its
   * tokens hold only within this process ({@link #withPageTokenSecret} keeps them across restarts).
   */
  public static TracingConfig local(URI endpoint, String table) {
    return new TracingConfig(table, endpoint, "us-east-1", Duration.ofDays(30), dev.tracing.model.Project.DEFAULT_BYTES_PER_MINUTE,
        Duration.ofSeconds(30), Duration.ofSeconds(10), DEFAULT_MAX_BODY_BYTES, randomSecret());
  }

  /** A new random secret for {@link #PAGE_TOKEN_SECRET}: 32 random bytes, URL-safe base64. */
  public static String randomSecret() {
    byte[] bytes = new byte[MIN_PAGE_TOKEN_SECRET_BYTES];
    RANDOM.nextBytes(bytes);
    return Base64.getUrlEncoder().withoutPadding().encodeToString(bytes);
  }

  public TracingConfig withCaches(Duration tokenCache, Duration limitCache) {
    return new TracingConfig(table, dynamoEndpoint, region, retention, defaultBytesPerMinute, tokenCache, limitCache, maxBodyBytes,
        pageTokenSecret, summariesAtIngest);
  }

  public TracingConfig withPageTokenSecret(String secret) {
    return new TracingConfig(table, dynamoEndpoint, region, retention, defaultBytesPerMinute, tokenCacheTtl, limitCacheTtl,
        maxBodyBytes, secret(secret), summariesAtIngest);
  }

  /** The page-token secret as bytes; fails, saying what to set, when there is none. */
  public byte[] pageTokenSecretBytes() {
    if (pageTokenSecret == null) {
      throw new IllegalStateException(PAGE_TOKEN_SECRET + " is not set: the traces list signs its page_token with it. Set it to"
          + " the same random string of at least " + MIN_PAGE_TOKEN_SECRET_BYTES + " characters on every instance of the"
          + " deployment (template.yaml's PageTokenSecret parameter does)");
    }
    return pageTokenSecret.getBytes(StandardCharsets.UTF_8);
  }

  @Override
  public String toString() {
    return "TracingConfig[table=" + table + ", dynamoEndpoint=" + dynamoEndpoint + ", region=" + region + ", retention="
        + retention + ", defaultBytesPerMinute=" + defaultBytesPerMinute + ", tokenCacheTtl=" + tokenCacheTtl
        + ", limitCacheTtl=" + limitCacheTtl + ", maxBodyBytes=" + maxBodyBytes + ", pageTokenSecret="
        + (pageTokenSecret == null ? "unset" : "(set)") + ", summaries=" + (summariesAtIngest ? "ingest" : "stream") + "]";
  }

  private static String secret(String v) {
    if (v == null || v.isBlank()) {
      return null;
    }
    if (v.getBytes(StandardCharsets.UTF_8).length < MIN_PAGE_TOKEN_SECRET_BYTES) {
      throw new IllegalArgumentException(PAGE_TOKEN_SECRET + " must have at least " + MIN_PAGE_TOKEN_SECRET_BYTES
          + " characters (a random string, e.g. from `openssl rand -base64 48`), got " + v.length());
    }
    return v;
  }

  private static long number(Map<String, String> env, String name, long fallback) {
    String v = env.get(name);
    if (v == null || v.isBlank()) {
      return fallback;
    }
    try {
      return Long.parseLong(v.trim());
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException("environment variable " + name + " must be a whole number, got '" + v + "'");
    }
  }
}
