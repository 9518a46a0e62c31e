package dev.tracing.local;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.protobuf.ByteString;
import dev.tracing.admin.ProjectAdmin;
import dev.tracing.auth.AccessTokenHash;
import dev.tracing.model.AccessToken;
import dev.tracing.model.Project;
import dev.tracing.model.Scope;
import dev.tracing.testing.OtlpFixtures;
import dev.tracing.testing.OtlpJsonWriter;
import io.opentelemetry.proto.collector.trace.v1.ExportTraceServiceRequest;
import java.net.URI;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import tools.jackson.databind.JsonNode;

/**
 * Who may do what: every way a token can be wrong, on ingest (protobuf and JSON, each answered
 * in its own encoding) and on the trace read, with the status and the message a user sees.
 */
class AuthMatrixTest {
  static final String OTHER_PROJECT_NAME = "zz-secret-billing-project";
  static final String OTHER_SERVICE = "zz-secret-billing-service";
  static final String OTHER_SPAN = "zz-charge-secret-card";

  enum Encoding {
    PROTOBUF, JSON
  }

  static LocalStack stack;
  static Project project;
  static Project other;
  static String all;
  static String readOnly;
  static String writeOnly;
  static String otherAll;
  static String expired;
  static String expiresToday;
  static String revoked;
  static String traceId;
  static String otherTraceId;

  @BeforeAll
  static void start() throws Exception {
    stack = LocalStack.start(LocalStack.Options.forTests());
    ProjectAdmin admin = stack.admin();
    project = admin.createProject(30, "auth-main");
    other = admin.createProject(31, OTHER_PROJECT_NAME);
    all = admin.createToken(project.projectId(), EnumSet.allOf(Scope.class), "all", null).secret();
    readOnly = admin.createToken(project.projectId(), EnumSet.of(Scope.READ_API, Scope.READ_OBSERVABILITY), "ro", null).secret();
    writeOnly = admin.createToken(project.projectId(), EnumSet.of(Scope.WRITE_OBSERVABILITY), "wo", null).secret();
    otherAll = admin.createToken(other.projectId(), EnumSet.allOf(Scope.class), "other", null).secret();
    LocalDate today = LocalDate.now(ZoneOffset.UTC);
    expiresToday = admin.createToken(project.projectId(), EnumSet.allOf(Scope.class), "today", today).secret();
    ProjectAdmin.CreatedToken toRevoke = admin.createToken(project.projectId(), EnumSet.allOf(Scope.class), "revoke-me", null);
    revoked = toRevoke.secret();
    assertTrue(admin.revokeToken(project.projectId(), toRevoke.token().id()).isPresent());
    // The admin refuses to create an expired token, so write one that expired yesterday straight into the store.
    expired = AccessTokenHash.newSecret();
    stack.tracing().tokens().create(new AccessToken(AccessTokenHash.newId(), project.projectId(), project.namespaceId(),
        "expired", EnumSet.allOf(Scope.class), today.minusDays(1), Instant.now().minus(Duration.ofDays(3)), null),
        AccessTokenHash.hash(expired));

    ExportTraceServiceRequest mine = request("frontend", "GET /cart");
    traceId = onlyTraceId(mine);
    Http.ingest(ingestUrl(project), all, mine).expect(200);
    ExportTraceServiceRequest theirs = request(OTHER_SERVICE, OTHER_SPAN);
    otherTraceId = onlyTraceId(theirs);
    Http.ingest(ingestUrl(other), otherAll, theirs).expect(200);
  }

  @AfterAll
  static void stop() {
    if (stack != null) {
      stack.close();
    }
  }

  static ExportTraceServiceRequest request(String service, String name) {
    ByteString id = OtlpFixtures.randomTraceId();
    long start = OtlpFixtures.nanos(Instant.now().minusSeconds(10));
    return OtlpFixtures.request(OtlpFixtures.service(service),
        OtlpFixtures.span(id, 1, 0, name, start, 5_000_000, false, OtlpFixtures.attr("http.route", "/cart")));
  }

  static String onlyTraceId(ExportTraceServiceRequest r) {
    return TraceAssertions.hex(r.getResourceSpans(0).getScopeSpans(0).getSpans(0).getTraceId());
  }

  static URI ingestUrl(Project p) {
    return URI.create(stack.ingestUrl(p));
  }

  /** An ingest of a fresh one-span trace in the given encoding; the extra headers carry (or do not carry) a token. */
  static Http.Reply ingest(URI url, Encoding encoding, ExportTraceServiceRequest request, String... authHeaders) {
    List<String> headers = new ArrayList<>(List.of("Content-Type", encoding == Encoding.PROTOBUF ? Http.PROTOBUF : Http.JSON_TYPE));
    headers.addAll(List.of(authHeaders));
    byte[] body = encoding == Encoding.PROTOBUF ? request.toByteArray() : OtlpJsonWriter.writeRequest(request);
    return Http.post(url, body, headers.toArray(String[]::new));
  }

  /** The error in the request's own encoding: google.rpc.Status for protobuf, {code, error, message} for JSON. */
  static String assertIngestError(Http.Reply reply, Encoding encoding, int status, int grpcCode, String error) {
    assertEquals(status, reply.status(), reply.toString());
    if (encoding == Encoding.PROTOBUF) {
      Http.RpcStatus rpc = reply.rpcStatus();
      assertEquals(grpcCode, rpc.code(), "google.rpc.Status code: " + rpc);
      assertFalse(rpc.message().isBlank(), "google.rpc.Status message");
      return rpc.message();
    }
    JsonNode json = reply.json();
    assertEquals(grpcCode, json.path("code").asInt(), "code: " + json);
    assertEquals(error, json.path("error").asString(), "error: " + json);
    assertFalse(json.path("message").asString().isBlank(), "message: " + json);
    return json.path("message").asString();
  }

  static String assertQueryError(Http.Reply reply, int status, String error) {
    assertEquals(status, reply.status(), reply.toString());
    JsonNode json = reply.json();
    assertEquals(error, json.path("error").asString(), "error: " + json);
    return json.path("message").asString();
  }

  /** Proof that a refused ingest stored nothing. */
  static void assertNotStored(ExportTraceServiceRequest r) {
    Http.getTrace(stack.baseUri(), project.projectId(), onlyTraceId(r), all).expect(404);
  }

  @ParameterizedTest
  @EnumSource(Encoding.class)
  void ingestWithoutTokenIs401(Encoding encoding) {
    ExportTraceServiceRequest r = request("frontend", "x");
    String message = assertIngestError(ingest(ingestUrl(project), encoding, r), encoding, 401, 16, "unauthorized");
    assertEquals("no access token: send a project access token in the PRIVATE-TOKEN header", message);
    // An empty header is no token either.
    message = assertIngestError(ingest(ingestUrl(project), encoding, r, "PRIVATE-TOKEN", " "), encoding, 401, 16, "unauthorized");
    assertTrue(message.startsWith("no access token"), message);
    assertNotStored(r);
  }

  @ParameterizedTest
  @EnumSource(Encoding.class)
  void ingestWithUnknownTokenIs401(Encoding encoding) {
    ExportTraceServiceRequest r = request("frontend", "x");
    for (String token : List.of(AccessTokenHash.newSecret(), "glpat-not-ours", all + "x", "x".repeat(5000))) {
      String message = assertIngestError(ingest(ingestUrl(project), encoding, r, "PRIVATE-TOKEN", token), encoding, 401, 16,
          "unauthorized");
      assertTrue(message.contains("access token is not valid"), message);
      assertFalse(message.contains(token.substring(0, Math.min(token.length(), 12))), "the message must not echo the token: " + message);
    }
    assertNotStored(r);
  }

  @ParameterizedTest
  @EnumSource(Encoding.class)
  void ingestWithExpiredTokenIs401(Encoding encoding) {
    ExportTraceServiceRequest r = request("frontend", "x");
    String message = assertIngestError(ingest(ingestUrl(project), encoding, r, "PRIVATE-TOKEN", expired), encoding, 401, 16,
        "unauthorized");
    assertEquals("the access token has expired: create a new project access token", message);
    assertNotStored(r);
  }

  @ParameterizedTest
  @EnumSource(Encoding.class)
  void ingestWithRevokedTokenIs401(Encoding encoding) {
    ExportTraceServiceRequest r = request("frontend", "x");
    String message = assertIngestError(ingest(ingestUrl(project), encoding, r, "PRIVATE-TOKEN", revoked), encoding, 401, 16,
        "unauthorized");
    assertEquals("the access token was revoked: create a new project access token", message);
    assertNotStored(r);
  }

  @Test
  void expiredAndRevokedTokensCannotReadEither() {
    assertEquals("the access token has expired: create a new project access token",
        assertQueryError(Http.getTrace(stack.baseUri(), project.projectId(), traceId, expired), 401, "unauthorized"));
    assertEquals("the access token was revoked: create a new project access token",
        assertQueryError(Http.getTrace(stack.baseUri(), project.projectId(), traceId, revoked), 401, "unauthorized"));
    assertEquals("no access token: send a project access token in the PRIVATE-TOKEN header",
        assertQueryError(Http.get(stack.baseUri().resolve("/v3/query/" + project.projectId() + "/traces/" + traceId)), 401,
            "unauthorized"));
    assertTrue(assertQueryError(Http.getTrace(stack.baseUri(), project.projectId(), traceId, AccessTokenHash.newSecret()), 401,
        "unauthorized").contains("not valid"));
  }

  @Test
  void aTokenExpiringTodayStillWorks() {
    ExportTraceServiceRequest r = request("frontend", "today");
    Http.ingest(ingestUrl(project), expiresToday, r).expect(200);
    assertEquals(onlyTraceId(r),
        Http.getTrace(stack.baseUri(), project.projectId(), onlyTraceId(r), expiresToday).expect(200).json().path("trace_id").asString());
  }

  @ParameterizedTest
  @EnumSource(Encoding.class)
  void ingestIntoAnotherProjectIs403AndRevealsNothing(Encoding encoding) {
    ExportTraceServiceRequest r = request("frontend", "x");
    String message = assertIngestError(ingest(ingestUrl(other), encoding, r, "PRIVATE-TOKEN", all), encoding, 403, 7, "forbidden");
    assertEquals("this access token does not grant access to project " + other.projectId() + " in namespace "
        + other.namespaceId() + "; use a token created for that project", message);
    assertNoTraceOf(message);
    // Existing or not, another project looks the same to this token.
    Project nowhere = new Project(other.namespaceId(), 987_654_321L, "none", 1, Instant.now());
    String nowhereMessage = assertIngestError(ingest(ingestUrl(nowhere), encoding, r, "PRIVATE-TOKEN", all), encoding, 403, 7,
        "forbidden");
    assertEquals(message.replace(Long.toString(other.projectId()), "<p>"), nowhereMessage.replace("987654321", "<p>"));
    Http.getTrace(stack.baseUri(), other.projectId(), onlyTraceId(r), otherAll).expect(404);
  }

  @Test
  void readingAnotherProjectIs403AndRevealsNothing() {
    Http.Reply existing = Http.getTrace(stack.baseUri(), other.projectId(), otherTraceId, all);
    String message = assertQueryError(existing, 403, "forbidden");
    assertEquals("this access token does not grant access to project " + other.projectId() + "; use a token created for that project",
        message);
    assertNoTraceOf(existing.text());
    // The answer is the same whether the other project has that trace or not: no existence oracle.
    Http.Reply missing = Http.getTrace(stack.baseUri(), other.projectId(), TraceAssertions.hex(OtlpFixtures.randomTraceId()), all);
    assertEquals(403, missing.status());
    assertArrayEquals(existing.body(), missing.body(), "403 bodies differ: " + existing.text() + " vs " + missing.text());
    // And the other project's own token reads its own trace, but not ours.
    Http.getTrace(stack.baseUri(), other.projectId(), otherTraceId, otherAll).expect(200);
    assertQueryError(Http.getTrace(stack.baseUri(), project.projectId(), traceId, otherAll), 403, "forbidden");
    // A project's trace id used on another project's path is simply not there for that project.
    Http.getTrace(stack.baseUri(), project.projectId(), otherTraceId, all).expect(404);
  }

  static void assertNoTraceOf(String text) {
    for (String secret : Set.of(OTHER_PROJECT_NAME, OTHER_SERVICE, OTHER_SPAN, otherTraceId, otherAll)) {
      assertFalse(text.contains(secret), "the answer reveals '" + secret + "': " + text);
    }
  }

  @ParameterizedTest
  @EnumSource(Encoding.class)
  void readOnlyTokenCannotIngest(Encoding encoding) {
    ExportTraceServiceRequest r = request("frontend", "x");
    String message = assertIngestError(ingest(ingestUrl(project), encoding, r, "PRIVATE-TOKEN", readOnly), encoding, 403, 7,
        "forbidden");
    assertEquals("this endpoint needs the write_observability scope; the access token has read_api, read_observability", message);
    assertNotStored(r);
    // It reads, though.
    Http.getTrace(stack.baseUri(), project.projectId(), traceId, readOnly).expect(200);
  }

  @Test
  void writeOnlyTokenCannotRead() {
    String message = assertQueryError(Http.getTrace(stack.baseUri(), project.projectId(), traceId, writeOnly), 403, "forbidden");
    assertEquals("this endpoint needs the read_observability scope; the access token has write_observability", message);
    // It ingests, though.
    Http.ingest(ingestUrl(project), writeOnly, request("frontend", "write-only")).expect(200);
  }

  @ParameterizedTest
  @EnumSource(Encoding.class)
  void bearerTokenIsAccepted(Encoding encoding) {
    ExportTraceServiceRequest r = request("frontend", "bearer");
    Http.Reply reply = ingest(ingestUrl(project), encoding, r, "Authorization", "Bearer " + all).expect(200);
    if (encoding == Encoding.JSON) {
      assertEquals("{}", reply.text());
    }
    JsonNode trace = Http.get(stack.baseUri().resolve("/v3/query/" + project.projectId() + "/traces/" + onlyTraceId(r)),
        "Authorization", "Bearer " + all).expect(200).json();
    assertEquals("bearer", trace.path("span_name").asString());
    // Bearer of a revoked token is still refused.
    assertIngestError(ingest(ingestUrl(project), encoding, request("frontend", "x"), "Authorization", "Bearer " + revoked),
        encoding, 401, 16, "unauthorized");
    // Another scheme is no token.
    assertIngestError(ingest(ingestUrl(project), encoding, request("frontend", "x"), "Authorization", "Basic " + all),
        encoding, 401, 16, "unauthorized");
  }

  @ParameterizedTest
  @EnumSource(Encoding.class)
  void ingestPathWithAnotherNamespaceIs403(Encoding encoding) {
    ExportTraceServiceRequest r = request("frontend", "x");
    URI wrongNamespace = stack.baseUri().resolve("/v3/" + (project.namespaceId() + 1) + "/" + project.projectId() + "/ingest/traces");
    String message = assertIngestError(ingest(wrongNamespace, encoding, r, "PRIVATE-TOKEN", all), encoding, 403, 7, "forbidden");
    assertEquals("this access token does not grant access to project " + project.projectId() + " in namespace "
        + (project.namespaceId() + 1) + "; use a token created for that project", message);
    assertNotStored(r);
  }
}
