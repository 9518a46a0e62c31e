package dev.tracing.local.reliability;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.tracing.admin.ProjectAdmin;
import dev.tracing.local.LocalStack;
import dev.tracing.model.Project;
import dev.tracing.model.Scope;
import dev.tracing.testing.OtlpFixtures;
import io.opentelemetry.proto.collector.trace.v1.ExportTraceServiceRequest;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Instant;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Tokens of project A, with every combination of scopes, against every endpoint with project
 * B's ids, trace ids and page tokens: always refused, and nothing of B in any answer.
 */
class TenantIsolationTest {
  private static final HttpClient HTTP = HttpClient.newHttpClient();
  private static LocalStack stack;
  private static Project a;
  private static Project b;
  private static String traceOfB;
  private static String pageTokenOfB;
  private static String tokenOfB;
  private static final String SECRET_SERVICE = "b-secret-billing-service";
  private static final String SECRET_OPERATION = "POST /b-secret-payout";

  @BeforeAll
  static void start() throws Exception {
    stack = LocalStack.start(LocalStack.Options.forTests());
    ProjectAdmin admin = stack.admin();
    a = admin.createProject(10, "alpha");
    b = admin.createProject(20, "bravo-confidential");
    tokenOfB = admin.createToken(b.projectId(), EnumSet.allOf(Scope.class), "b", null).secret();
    long now = OtlpFixtures.nanos(Instant.now().minusSeconds(10));
    for (int i = 0; i < 3; i++) {
      var traceId = OtlpFixtures.randomTraceId();
      ExportTraceServiceRequest r = OtlpFixtures.request(OtlpFixtures.service(SECRET_SERVICE),
          OtlpFixtures.span(traceId, 1, 0, SECRET_OPERATION, now + i, 5_000_000, true, OtlpFixtures.attr("customer", "b-vip")));
      HttpResponse<byte[]> resp = HTTP.send(HttpRequest.newBuilder(URI.create(stack.ingestUrl(b)))
          .header("Content-Type", "application/x-protobuf").header("PRIVATE-TOKEN", tokenOfB)
          .POST(HttpRequest.BodyPublishers.ofByteArray(r.toByteArray())).build(), HttpResponse.BodyHandlers.ofByteArray());
      assertEquals(200, resp.statusCode());
      traceOfB = OtlpFixtures.hexOf(traceId);
    }
    HttpResponse<String> page = get(tokenOfB, "/v3/query/" + b.projectId() + "/traces?page_size=1");
    Matcher m = Pattern.compile("\"next_page_token\":\"([^\"]+)\"").matcher(page.body());
    assertTrue(m.find(), page.body());
    pageTokenOfB = m.group(1);
  }

  @AfterAll
  static void stop() {
    if (stack != null) {
      stack.close();
    }
  }

  @Test
  void tokensOfAnotherProjectAreRefusedEverywhereAndLeakNothing() throws Exception {
    List<Set<Scope>> combinations = new ArrayList<>();
    for (int mask = 1; mask < 8; mask++) {
      Set<Scope> s = EnumSet.noneOf(Scope.class);
      for (Scope scope : Scope.values()) {
        if ((mask & (1 << scope.ordinal())) != 0) {
          s.add(scope);
        }
      }
      combinations.add(s);
    }
    long pb = b.projectId();
    List<String> readPathsOfB = List.of(
        "/v3/query/" + pb,
        "/v3/query/" + pb + "/traces",
        "/v3/query/" + pb + "/traces?period=24h&service_name=" + SECRET_SERVICE.replace(" ", "%20"),
        "/v3/query/" + pb + "/traces/analytics",
        "/v3/query/" + pb + "/traces/" + traceOfB,
        "/v3/query/" + pb + "/services",
        "/v3/query/" + pb + "/services/" + SECRET_SERVICE + "/operations");
    int checked = 0;
    for (Set<Scope> scopes : combinations) {
      String tokenOfA = stack.admin().createToken(a.projectId(), scopes, "a", null).secret();
      for (String path : readPathsOfB) {
        HttpResponse<String> r = get(tokenOfA, path);
        assertEquals(403, r.statusCode(), scopes + " GET " + path + ": " + r.body());
        assertNoLeak(r.body(), scopes + " GET " + path);
        checked++;
      }
      // ingest into B, with B's namespace and with A's namespace
      for (String path : List.of("/v3/" + b.namespaceId() + "/" + pb + "/ingest/traces",
          "/v3/" + a.namespaceId() + "/" + pb + "/ingest/traces")) {
        HttpResponse<String> r = HTTP.send(HttpRequest.newBuilder(URI.create(stack.baseUri() + path))
            .header("Content-Type", "application/json").header("PRIVATE-TOKEN", tokenOfA)
            .POST(HttpRequest.BodyPublishers.ofString("{\"resourceSpans\":[]}")).build(), HttpResponse.BodyHandlers.ofString());
        assertEquals(403, r.statusCode(), scopes + " POST " + path + ": " + r.body());
        assertNoLeak(r.body(), scopes + " POST " + path);
        checked++;
      }
      if (scopes.contains(Scope.READ_OBSERVABILITY)) {
        // B's trace id under A's own project: not found, and nothing of B
        // (the answer names the id the caller sent, and must be the same as for an id nobody has)
        HttpResponse<String> own = get(tokenOfA, "/v3/query/" + a.projectId() + "/traces/" + traceOfB);
        assertEquals(404, own.statusCode(), own.body());
        String unknownId = "0123456789abcdef0123456789abcdef";
        HttpResponse<String> unknown = get(tokenOfA, "/v3/query/" + a.projectId() + "/traces/" + unknownId);
        assertEquals(unknown.body().replace(unknownId, traceOfB), own.body(), "B's trace is indistinguishable from none");
        assertNoLeak(own.body().replace(traceOfB, "<id>"), "B's trace id under A");
        // B's page token under A's own project: refused
        HttpResponse<String> paged = get(tokenOfA, "/v3/query/" + a.projectId() + "/traces?page_size=1&page_token=" + pageTokenOfB);
        assertEquals(400, paged.statusCode(), paged.body());
        assertTrue(paged.body().contains("page_token"), paged.body());
        assertNoLeak(paged.body(), "B's page token under A");
        HttpResponse<String> list = get(tokenOfA, "/v3/query/" + a.projectId() + "/traces?period=7d");
        assertEquals(200, list.statusCode());
        assertNoLeak(list.body(), "A's own list");
        checked += 3;
      }
    }
    assertEquals(7 * 9 + 4 * 3, checked, "every combination was tried");
  }

  private static void assertNoLeak(String body, String where) {
    assertNotNull(body);
    for (String secret : List.of(traceOfB, SECRET_SERVICE, SECRET_OPERATION, "bravo-confidential", "b-vip")) {
      assertFalse(body.contains(secret), where + " leaks '" + secret + "': " + body);
    }
  }

  private static HttpResponse<String> get(String token, String path) throws Exception {
    return HTTP.send(HttpRequest.newBuilder(URI.create(stack.baseUri() + path)).header("PRIVATE-TOKEN", token).GET().build(),
        HttpResponse.BodyHandlers.ofString());
  }
}
