package dev.tracing.query;

import static dev.tracing.query.TestSecrets.PAGE_TOKENS;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.tracing.api.ApiResponse;
import dev.tracing.query.QueryStack.Params;
import dev.tracing.query.TraceOracle.Row;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;

/**
 * {@code page_token}: opaque, bound to its project and to the query's filters, window and sort,
 * and refused when forged or modified; only {@code page_size} may change between pages.
 */
class PageTokenTest {
  private static final Instant NOW = Instant.parse("2026-11-24T08:45:30.123Z");
  private static final long PROJECT = 61;
  private static final long OTHER_PROJECT = 62;
  private static final Params QUERY = Params.of("period", "1h", "service_name", "frontend", "attr_name", "http.method",
      "attr_value", "GET", "sort", "timestamp_desc");

  static QueryStack stack;
  static TraceOracle oracle;

  @BeforeAll
  static void load() {
    stack = QueryStack.create("tokens", Clock.fixed(NOW, ZoneOffset.UTC));
    SyntheticTraces data = new SyntheticTraces(61L, NOW);
    long now = TraceOracle.nanos(NOW);
    for (long project : new long[] {PROJECT, OTHER_PROJECT}) {
      for (SyntheticTraces.Delivery d : data.deliver(1, project, data.traces(project, 40, now - 3_000_000_000_000L, now))) {
        stack.ingest(d.namespaceId(), d.projectId(), d.request());
      }
    }
    oracle = new TraceOracle(data.spans);
  }

  @AfterAll
  static void close() {
    stack.close();
  }

  private static TraceQuery parse(Params p, long project) {
    return TraceQueryParser.parseList(p.toMap(), project, NOW, PAGE_TOKENS);
  }

  private static String token(Params query, long project) {
    TraceQuery q = parse(query, project);
    return PAGE_TOKENS.encode(project, q.fingerprint(), q.startNano(), q.endNano(),
        new PageToken.Cursor(q.endNano() - 1_234_567, "0af7651916cd43dd8448eb211c80319c"));
  }

  private static InvalidParameterException refused(Params query, long project, String token) {
    InvalidParameterException e = assertThrows(InvalidParameterException.class,
        () -> parse(query.with("page_token", token), project), token);
    assertEquals("page_token", e.parameter());
    assertTrue(e.getMessage().contains("page_token"), e.getMessage());
    return e;
  }

  @Test
  void aTokenRoundTripsItsWindowAndCursor() {
    String token = token(QUERY, PROJECT);
    TraceQuery first = parse(QUERY, PROJECT);
    TraceQuery next = TraceQueryParser.parseList(QUERY.with("page_token", token).toMap(), PROJECT, NOW.plusSeconds(600),
        PAGE_TOKENS);
    assertEquals(first.startNano(), next.startNano(), "the window of the first page, not a later one");
    assertEquals(first.endNano(), next.endNano());
    assertEquals(new PageToken.Cursor(first.endNano() - 1_234_567, "0af7651916cd43dd8448eb211c80319c"), next.cursor());
    assertTrue(token.matches("[A-Za-z0-9_-]+"), "URL-safe without escaping: " + token);
  }

  @Test
  void theSameQueryWithAnotherPageSizeOrParameterOrderIsAccepted() {
    String token = token(QUERY, PROJECT);
    for (String size : List.of("1", "7", "500")) {
      assertEquals(parse(QUERY, PROJECT).startNano(), parse(QUERY.with("page_size", size).with("page_token", token), PROJECT)
          .startNano());
    }
    Params reordered = Params.of("sort", "timestamp_desc", "attr_name", "http.method", "attr_value", "GET", "service_name",
        "frontend", "period", "1h");
    parse(reordered.with("page_token", token), PROJECT);
  }

  @Test
  void aForgedTokenIsRefused() {
    Random random = new Random(7);
    for (int length : new int[] {0, 1, 16, 40, 64, 65, 66, 80, 200}) {
      byte[] raw = new byte[length];
      random.nextBytes(raw);
      String forged = Base64.getUrlEncoder().withoutPadding().encodeToString(raw);
      if (forged.isEmpty()) {
        continue; // an empty page_token means the first page
      }
      refused(QUERY, PROJECT, forged);
    }
    for (String garbage : List.of("!!!", "not a token", "eyJwYWdlIjoyfQ==", "%00", "a")) {
      refused(QUERY, PROJECT, garbage);
    }
  }

  @Test
  void aTokenWithAnyByteChangedIsRefused() {
    byte[] raw = Base64.getUrlDecoder().decode(token(QUERY, PROJECT));
    for (int i = 0; i < raw.length; i++) {
      for (int bit : new int[] {0x01, 0x80}) {
        byte[] changed = raw.clone();
        changed[i] ^= (byte) bit;
        refused(QUERY, PROJECT, Base64.getUrlEncoder().withoutPadding().encodeToString(changed));
      }
    }
    byte[] shorter = java.util.Arrays.copyOf(raw, raw.length - 1);
    refused(QUERY, PROJECT, Base64.getUrlEncoder().withoutPadding().encodeToString(shorter));
    byte[] longer = java.util.Arrays.copyOf(raw, raw.length + 1);
    refused(QUERY, PROJECT, Base64.getUrlEncoder().withoutPadding().encodeToString(longer));
  }

  /** Over HTTP: 400, {@code invalid_parameter}, a message naming page_token. */
  private static void refusedOverHttp(String token, String what) {
    ApiResponse r = stack.listResponse(PROJECT, QUERY.with("page_token", token));
    assertEquals(400, r.status(), what + ": " + r.bodyText());
    JsonNode body = QueryStack.JSON.readTree(r.body());
    assertEquals("invalid_parameter", body.get("error").asString(), what);
    assertTrue(body.get("message").asString().contains("page_token"), what + ": " + body);
  }

  @Test
  void aTokenWithAnyByteChangedIsRefusedOverHttp() {
    byte[] raw = Base64.getUrlDecoder().decode(realToken());
    for (int i = 0; i < raw.length; i++) {
      byte[] changed = raw.clone();
      changed[i] ^= 0x10;
      refusedOverHttp(Base64.getUrlEncoder().withoutPadding().encodeToString(changed), "byte " + i + " changed");
    }
  }

  @Test
  void aTokenWhosePayloadWasChangedAndReencodedIsRefused() {
    byte[] raw = Base64.getUrlDecoder().decode(realToken());
    // the cursor's sort value (bytes 33..40) moved a day back, or the window's start (bytes 17..24) an hour
    // later, each re-encoded with the tag left as it was
    for (int[] field : new int[][] {{33, 86_400}, {17, -3_600}}) {
      byte[] changed = raw.clone();
      ByteBuffer buf = ByteBuffer.wrap(changed);
      buf.putLong(field[0], buf.getLong(field[0]) - field[1] * 1_000_000_000L);
      String token = Base64.getUrlEncoder().withoutPadding().encodeToString(changed);
      InvalidParameterException e = refused(QUERY, PROJECT, token);
      assertTrue(e.getMessage().contains("modified"), e.getMessage());
      refusedOverHttp(token, "field at " + field[0] + " changed");
    }
  }

  @Test
  void aTokenMadeWithAnotherSecretIsRefused() {
    PageToken otherDeployment = new PageToken("the page-token secret of another deployment".getBytes(StandardCharsets.UTF_8));
    TraceQuery q = parse(QUERY, PROJECT);
    String foreign = otherDeployment.encode(PROJECT, q.fingerprint(), q.startNano(), q.endNano(),
        new PageToken.Cursor(q.endNano() - 1_234_567, "0af7651916cd43dd8448eb211c80319c"));
    assertEquals(q.startNano(), otherDeployment.decode(foreign, PROJECT, q.fingerprint()).startNano(),
        "the token is valid where it was made");
    InvalidParameterException e = refused(QUERY, PROJECT, foreign);
    assertTrue(e.getMessage().contains("another deployment"), e.getMessage());
    refusedOverHttp(foreign, "made with another secret");
  }

  @Test
  void aSecretShorterThan32BytesIsRefused() {
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> new PageToken(new byte[31]));
    assertTrue(e.getMessage().contains("32 bytes"), e.getMessage());
  }

  /** A next_page_token the stack issued for {@link #QUERY}. */
  private static String realToken() {
    JsonNode first = stack.list(PROJECT, QUERY.with("page_size", "1"));
    return first.get("next_page_token").asString();
  }

  @Test
  void aTokenOfAnotherProjectIsRefused() {
    InvalidParameterException e = refused(QUERY, OTHER_PROJECT, token(QUERY, PROJECT));
    assertTrue(e.getMessage().contains("project"), e.getMessage());
  }

  @Test
  void aTokenOfAnotherQueryIsRefused() {
    String token = token(QUERY, PROJECT);
    List<Params> others = List.of(
        QUERY.without("sort").with("sort", "timestamp_asc"),
        QUERY.without("sort").with("sort", "duration_desc"),
        QUERY.without("period").with("period", "4h"),
        QUERY.without("service_name").with("service_name", "cart"),
        QUERY.with("service_name", "cart"),
        QUERY.without("service_name"),
        QUERY.without("attr_value").with("attr_value", "POST"),
        QUERY.with("status", "error"),
        QUERY.with("not[operation]", "GET /"),
        QUERY.with("gt[duration_nano]", "1"),
        QUERY.with("trace_id", "0af7651916cd43dd8448eb211c80319c"),
        QUERY.without("period").with("start_time", "2026-11-24T07:45:30.123Z").with("end_time", "2026-11-24T08:45:30.123Z"));
    for (Params other : others) {
      InvalidParameterException e = refused(other, PROJECT, token);
      assertTrue(e.getMessage().contains("another query") || e.getMessage().contains("other filters"), other + ": "
          + e.getMessage());
    }
  }

  @Test
  void tokensFromRealPagesWorkOnlyWhereTheyBelong() {
    List<Row> expected = oracle.list(PROJECT, QUERY.toMap(), NOW);
    assertTrue(expected.size() >= 6, "enough traces for three pages: " + expected.size());
    JsonNode first = stack.list(PROJECT, QUERY.with("page_size", "2"));
    String token = first.get("next_page_token").asString();
    // page size changes between pages: the listing goes on where it stopped
    JsonNode second = stack.list(PROJECT, QUERY.with("page_size", "3").with("page_token", token));
    List<Row> rows = new ArrayList<>();
    first.get("traces").forEach(t -> rows.add(Listings.row(t)));
    second.get("traces").forEach(t -> rows.add(Listings.row(t)));
    assertEquals(expected.subList(0, 5), rows);
    // the same token on another project's list (with that project's grant), or another query
    ApiResponse otherProject = stack.listResponse(OTHER_PROJECT, QUERY.with("page_token", token));
    assertEquals(400, otherProject.status());
    assertTrue(otherProject.bodyText().contains("page_token"), otherProject.bodyText());
    ApiResponse otherQuery = stack.listResponse(PROJECT, QUERY.without("sort").with("sort", "duration_desc")
        .with("page_token", token));
    assertEquals(400, otherQuery.status());
    JsonNode body = QueryStack.JSON.readTree(otherQuery.body());
    assertEquals("invalid_parameter", body.get("error").asString());
    assertTrue(body.get("message").asString().contains("page_token"), body.toString());
    // each page carries its own token
    assertNotEquals(token, second.get("next_page_token").asString());
  }
}
