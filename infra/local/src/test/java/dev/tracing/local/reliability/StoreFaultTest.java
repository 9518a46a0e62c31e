package dev.tracing.local.reliability;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.tracing.admin.ProjectAdmin;
import dev.tracing.dynamodblocal.LocalDynamoDb;
import dev.tracing.local.LocalStack;
import dev.tracing.model.Project;
import dev.tracing.model.Scope;
import dev.tracing.testing.OtlpFixtures;
import io.opentelemetry.proto.collector.trace.v1.ExportTraceServiceRequest;
import io.opentelemetry.proto.trace.v1.Span;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Store faults as DynamoDB produces them, injected between the functions and the local DynamoDB:
 * ingest must answer 503 with Retry-After (never 200 for spans not stored), reads 503 (never
 * wrong data), and once the store heals the client's retry stores every span exactly once.
 */
class StoreFaultTest {
  private static LocalDynamoDb dynamo;
  private static FaultyDynamoProxy proxy;
  private static LocalStack stack;
  private static Project project;
  private static String token;
  private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

  @BeforeAll
  static void start() throws Exception {
    dynamo = LocalDynamoDb.startInMemory();
    proxy = new FaultyDynamoProxy(dynamo.endpoint());
    stack = LocalStack.start(LocalStack.Options.forTests().withDynamoEndpoint(proxy.endpoint()));
    ProjectAdmin admin = stack.admin();
    project = admin.createProject(3, "faults");
    stack.tracing().projects().setLimit(project.projectId(), 50_000_000); // beyond what an operator may set
    token = admin.createToken(project.projectId(), EnumSet.allOf(Scope.class), "t", null).secret();
  }

  @AfterAll
  static void stop() {
    if (stack != null) {
      stack.close();
    }
    if (proxy != null) {
      proxy.close();
    }
    if (dynamo != null) {
      dynamo.close();
    }
  }

  @Test
  void serverErrorsOnWritesGive503AndTheRetryStoresEachSpanOnce() throws Exception {
    assertFaultThenRecovery(FaultyDynamoProxy.Fault.SERVER_ERROR, true, "BatchWriteItem", "PutItem");
  }

  @Test
  void persistentThrottlingGives503() throws Exception {
    assertFaultThenRecovery(FaultyDynamoProxy.Fault.THROTTLE, true, "BatchWriteItem", "PutItem", "UpdateItem");
  }

  @Test
  void unprocessedBatchItemsAreNeverAcknowledged() throws Exception {
    assertFaultThenRecovery(FaultyDynamoProxy.Fault.UNPROCESSED, true, "BatchWriteItem");
  }

  @Test
  void unprocessedSummaryReadsAreNeverAcknowledged() throws Exception {
    assertFaultThenRecovery(FaultyDynamoProxy.Fault.UNPROCESSED, true, "BatchGetItem");
  }

  @Test
  void lostAnswersAfterAppliedWritesNeitherLoseNorDuplicateSpans() throws Exception {
    // The write is applied but the answer is lost: the SDK's own retry may then succeed (200),
    // or the request fails (503); either way the final state has each span exactly once.
    assertFaultThenRecovery(FaultyDynamoProxy.Fault.LOSE_ANSWER, false, "PutItem", "BatchWriteItem");
  }

  @Test
  void aStoreThatHangsTimesOutInto503() throws Exception {
    assertFaultThenRecovery(FaultyDynamoProxy.Fault.HANG, true, "BatchWriteItem");
  }

  @Test
  void readsAnswer503WhileTheStoreFails() throws Exception {
    ExportTraceServiceRequest request = trace(4);
    assertEquals(200, ingest(request).statusCode());
    String traceId = OtlpFixtures.hexOf(request.getResourceSpans(0).getScopeSpans(0).getSpans(0).getTraceId());
    proxy.inject(FaultyDynamoProxy.Fault.SERVER_ERROR, "Query", "BatchGetItem");
    try {
      for (String path : List.of("/traces/" + traceId, "/traces?period=1h", "/traces/analytics?period=1h", "/services")) {
        HttpResponse<String> r = get(path);
        assertEquals(503, r.statusCode(), path + ": " + r.body());
        assertNotNull(r.headers().firstValue("Retry-After").orElse(null), path + " has Retry-After");
        assertTrue(r.body().contains("\"error\":\"service_unavailable\""), r.body());
      }
    } finally {
      proxy.heal();
    }
    HttpResponse<String> healed = get("/traces/" + traceId);
    assertEquals(200, healed.statusCode(), healed.body());
    assertTrue(healed.body().contains("\"total_spans\":4"), healed.body());
  }

  private void assertFaultThenRecovery(FaultyDynamoProxy.Fault fault, boolean mustFail, String... ops) throws Exception {
    int spans = 30;
    ExportTraceServiceRequest request = trace(spans);
    String traceId = OtlpFixtures.hexOf(request.getResourceSpans(0).getScopeSpans(0).getSpans(0).getTraceId());
    int before = proxy.faultsInjected.get();
    proxy.inject(fault, ops);
    HttpResponse<byte[]> failed;
    try {
      failed = ingest(request);
    } finally {
      proxy.heal();
    }
    assertTrue(proxy.faultsInjected.get() > before, "the fault was injected");
    if (mustFail) {
      assertEquals(503, failed.statusCode(), "a request the store did not confirm is never acknowledged");
    } else {
      assertTrue(failed.statusCode() == 200 || failed.statusCode() == 503, "status " + failed.statusCode());
    }
    if (failed.statusCode() == 503) {
      String retryAfter = failed.headers().firstValue("Retry-After").orElse("");
      assertTrue(retryAfter.matches("[1-9][0-9]*"), "Retry-After: '" + retryAfter + "'");
    }
    // the exporter retries the very same request once the store is back
    HttpResponse<byte[]> retried = ingest(request);
    assertEquals(200, retried.statusCode());
    HttpResponse<String> read = get("/traces/" + traceId);
    assertEquals(200, read.statusCode(), read.body());
    assertTrue(read.body().contains("\"total_spans\":" + spans + ","), "every span counted once: " + read.body());
    for (Span s : request.getResourceSpans(0).getScopeSpans(0).getSpansList()) {
      String id = OtlpFixtures.hexOf(s.getSpanId());
      assertEquals(1, occurrences(read.body(), "\"span_id\":\"" + id + "\""), "span " + id + " stored exactly once");
    }
  }

  private static int occurrences(String text, String needle) {
    int n = 0;
    for (int i = text.indexOf(needle); i >= 0; i = text.indexOf(needle, i + 1)) {
      n++;
    }
    return n;
  }

  private static ExportTraceServiceRequest trace(int spans) {
    var traceId = OtlpFixtures.randomTraceId();
    long start = OtlpFixtures.nanos(Instant.now().minusSeconds(5));
    List<Span> list = new ArrayList<>();
    list.add(OtlpFixtures.span(traceId, 1, 0, "GET /fault", start, 9_000_000, false, OtlpFixtures.attr("http.method", "GET")));
    for (int i = 2; i <= spans; i++) {
      list.add(OtlpFixtures.span(traceId, i, 1, "step " + i, start + i * 1000L, 1000, i % 7 == 0,
          OtlpFixtures.attr("step", (long) i)));
    }
    // and a second trace, as SDK batches have: the request's summaries are then read in one batch
    Span other = OtlpFixtures.span(OtlpFixtures.randomTraceId(), 1, 0, "GET /other", start, 1000, false);
    return OtlpFixtures.request(OtlpFixtures.service("fault-svc"), list.toArray(new Span[0])).toBuilder()
        .addResourceSpans(OtlpFixtures.request(OtlpFixtures.service("fault-other"), other).getResourceSpans(0))
        .build();
  }

  private static HttpResponse<byte[]> ingest(ExportTraceServiceRequest request) throws Exception {
    URI uri = URI.create(stack.ingestUrl(project));
    return HTTP.send(HttpRequest.newBuilder(uri)
        .timeout(Duration.ofSeconds(60))
        .header("Content-Type", "application/x-protobuf")
        .header("PRIVATE-TOKEN", token)
        .POST(HttpRequest.BodyPublishers.ofByteArray(request.toByteArray()))
        .build(), HttpResponse.BodyHandlers.ofByteArray());
  }

  private static HttpResponse<String> get(String path) throws Exception {
    return HTTP.send(HttpRequest.newBuilder(URI.create(stack.baseUri() + "/v3/query/" + project.projectId() + path))
        .timeout(Duration.ofSeconds(60))
        .header("PRIVATE-TOKEN", token)
        .GET().build(), HttpResponse.BodyHandlers.ofString());
  }
}
