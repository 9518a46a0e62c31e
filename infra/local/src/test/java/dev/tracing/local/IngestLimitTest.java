package dev.tracing.local;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.protobuf.ByteString;
import dev.tracing.model.Project;
import dev.tracing.model.Scope;
import dev.tracing.testing.OtlpFixtures;
import dev.tracing.testing.OtlpJsonWriter;
import io.opentelemetry.proto.collector.trace.v1.ExportTraceServiceRequest;
import io.opentelemetry.proto.trace.v1.Span;
import java.net.URI;
import java.time.Instant;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;

/**
 * The per-project ingest limit over HTTP: bytes of the decoded request (its protobuf size) per
 * clock minute, with small limits so each test takes well under a second.
 *
 * <p>A limit is per clock minute, so a scenario that straddles a minute boundary sees a fresh
 * budget half-way. Each scenario therefore runs in a fresh project and is repeated (at most
 * three times) when the clock minute changed while it ran; it never waits for a minute to pass.
 * The rollover itself is tested on a clock the test sets, in {@code IngestLimiterTest}.
 */
class IngestLimitTest {
  static LocalStack stack;

  @BeforeAll
  static void start() throws Exception {
    stack = LocalStack.start(LocalStack.Options.forTests());
  }

  @AfterAll
  static void stop() {
    if (stack != null) {
      stack.close();
    }
  }

  /** A project with its own token and limit. */
  record Limited(Project project, String token, URI ingest) {
  }

  static Limited project(long bytesPerMinute) {
    Project p = stack.admin().createProject(40, "limited");
    p = stack.admin().setLimit(p.projectId(), bytesPerMinute);
    String token = stack.admin().createToken(p.projectId(), EnumSet.allOf(Scope.class), "limits", null).secret();
    return new Limited(p, token, URI.create(stack.ingestUrl(p)));
  }

  /** A one-span request of a fresh trace whose protobuf size depends only on {@code padding}. */
  static ExportTraceServiceRequest request(int padding) {
    ByteString traceId = OtlpFixtures.randomTraceId();
    Span span = OtlpFixtures.span(traceId, 7, 0, "limited op", OtlpFixtures.nanos(Instant.now().minusSeconds(5)), 1_000, false,
        OtlpFixtures.attr("padding", "p".repeat(padding)));
    return OtlpFixtures.request(OtlpFixtures.service("limits"), span);
  }

  static String traceIdOf(ExportTraceServiceRequest r) {
    return TraceAssertions.hex(r.getResourceSpans(0).getScopeSpans(0).getSpans(0).getTraceId());
  }

  interface Scenario {
    void run();
  }

  static long minute() {
    return Math.floorDiv(Instant.now().getEpochSecond(), 60);
  }

  /** Runs a scenario inside one clock minute, repeating it when a minute boundary fell inside it. */
  static void inOneClockMinute(Scenario scenario) {
    for (int attempt = 1; ; attempt++) {
      long before = minute();
      try {
        scenario.run();
        if (minute() == before) {
          return;
        }
      } catch (AssertionError e) {
        if (minute() == before || attempt >= 3) {
          throw e;
        }
      }
      if (attempt >= 3) {
        throw new AssertionError("every attempt crossed a clock minute boundary");
      }
    }
  }

  @Test
  void underTheLimitIs200AndOverItIs429UntilTheNextMinute() throws Exception {
    int size = request(900).getSerializedSize();
    inOneClockMinute(() -> {
      Limited p = project(3L * size + size / 2);
      for (int i = 0; i < 3; i++) {
        Http.ingest(p.ingest(), p.token(), request(900)).expect(200);
      }
      ExportTraceServiceRequest refused = request(900);
      Http.Reply reply = Http.ingest(p.ingest(), p.token(), refused);
      long secondsLeft = 60 - Math.floorMod(Instant.now().getEpochSecond(), 60);
      assertEquals(429, reply.status(), reply.toString());
      int retryAfter = Integer.parseInt(reply.header("Retry-After"));
      assertTrue(retryAfter >= 1 && retryAfter <= 60, "Retry-After " + retryAfter);
      assertTrue(Math.abs(retryAfter - secondsLeft) <= 2, "Retry-After " + retryAfter + " is not the time to the next minute, "
          + secondsLeft);
      Http.RpcStatus status = reply.rpcStatus();
      assertEquals(8, status.code(), "RESOURCE_EXHAUSTED");
      assertEquals("the project's ingest limit of " + (3L * size + size / 2) + " bytes per minute is used up for this minute;"
          + " retry after " + retryAfter + " seconds", status.message());
      Http.getTrace(stack.baseUri(), p.project().projectId(), traceIdOf(refused), p.token()).expect(404);
      assertUsage(p, 3L * size + size / 2, 3L * size);

      // JSON is refused the same way, in JSON.
      Http.Reply json = Http.post(p.ingest(), OtlpJsonWriter.writeRequest(request(900)), "Content-Type", Http.JSON_TYPE,
          "PRIVATE-TOKEN", p.token());
      assertEquals(429, json.status(), json.toString());
      JsonNode body = json.json();
      assertEquals(8, body.path("code").asInt());
      assertEquals("too_many_requests", body.path("error").asString());
      assertTrue(body.path("message").asString().contains((3L * size + size / 2) + " bytes per minute"), body.toString());
      assertTrue(json.header("Retry-After") != null, "Retry-After on the JSON answer");

      // Refused requests were not counted: what is left of the budget still takes a small request.
      ExportTraceServiceRequest small = request(0);
      assertTrue(small.getSerializedSize() <= size / 2, "the small request must fit what is left");
      Http.ingest(p.ingest(), p.token(), small).expect(200);
      Http.getTrace(stack.baseUri(), p.project().projectId(), traceIdOf(small), p.token()).expect(200);
      assertUsage(p, 3L * size + size / 2, 3L * size + small.getSerializedSize());
    });
  }

  /** The project info route reports the limit and exactly the bytes accepted this minute. */
  static void assertUsage(Limited p, long limit, long used) {
    JsonNode info = Http.get(stack.baseUri().resolve("/v3/query/" + p.project().projectId()), Http.token(p.token())).expect(200).json();
    assertEquals(limit, info.path("bytes_per_minute_limit").asLong(), info.toString());
    assertEquals(used, info.path("bytes_used_current_minute").asLong(), "bytes used this minute: " + info);
  }

  @Test
  void aRequestLargerThanAWholeMinuteIs413NamingTheLimit() throws Exception {
    Limited p = project(500);
    ExportTraceServiceRequest big = request(2000);
    Http.Reply reply = Http.ingest(p.ingest(), p.token(), big);
    assertEquals(413, reply.status(), reply.toString());
    assertNull(reply.header("Retry-After"), "waiting does not help a request that can never pass");
    Http.RpcStatus status = reply.rpcStatus();
    assertEquals(3, status.code());
    assertTrue(status.message().contains("ingest limit is 500 bytes per minute"), status.message());
    assertTrue(status.message().contains("the request body is " + big.getSerializedSize() + " bytes"), status.message());

    Http.Reply json = Http.post(p.ingest(), OtlpJsonWriter.writeRequest(big), "Content-Type", Http.JSON_TYPE, "PRIVATE-TOKEN", p.token());
    assertEquals(413, json.status(), json.toString());
    assertEquals("payload_too_large", json.json().path("error").asString());
    assertTrue(json.json().path("message").asString().contains("500 bytes per minute"), json.text());

    // Counted decoded: gzip does not sneak a big request under the limit.
    byte[] gz = Http.gzip(big.toByteArray());
    assertTrue(gz.length < 500, "the compressed body is small: " + gz.length);
    Http.Reply zipped = Http.post(p.ingest(), gz, "Content-Type", Http.PROTOBUF, "Content-Encoding", "gzip", "PRIVATE-TOKEN", p.token());
    assertEquals(413, zipped.status(), zipped.toString());
    Http.getTrace(stack.baseUri(), p.project().projectId(), traceIdOf(big), p.token()).expect(404);
  }

  @Test
  void jsonIsCountedByItsProtobufSize() throws Exception {
    ExportTraceServiceRequest r = request(100);
    byte[] json = OtlpJsonWriter.writeRequest(r);
    long limit = r.getSerializedSize() + 10;
    assertTrue(json.length > limit, "the JSON body (" + json.length + " bytes) is larger than the limit");
    inOneClockMinute(() -> {
      Limited p = project(limit);
      Http.post(p.ingest(), OtlpJsonWriter.writeRequest(request(100)), "Content-Type", Http.JSON_TYPE, "PRIVATE-TOKEN", p.token())
          .expect(200);
      assertEquals(429, Http.ingest(p.ingest(), p.token(), request(100)).status());
    });
  }

  @Test
  void aRaisedLimitTakesEffectAtOnce() throws Exception {
    int size = request(500).getSerializedSize();
    inOneClockMinute(() -> {
      Limited p = project(size + size / 2);
      Http.ingest(p.ingest(), p.token(), request(500)).expect(200);
      Http.ingest(p.ingest(), p.token(), request(500)).expect(429);
      // Raised by the operator command line, against the stack's DynamoDB.
      java.io.ByteArrayOutputStream out = new java.io.ByteArrayOutputStream();
      java.io.ByteArrayOutputStream err = new java.io.ByteArrayOutputStream();
      int exit = TracingLocal.run(List.of("admin", "--endpoint", stack.dynamoEndpoint().toString(), "project", "set-limit",
          "--project", Long.toString(p.project().projectId()), "--bytes-per-minute", Long.toString(3L * size), "--json"),
          new java.io.PrintStream(out, true), new java.io.PrintStream(err, true));
      assertEquals(0, exit, err.toString());
      assertTrue(out.toString().contains("\"bytes_per_minute\":" + 3L * size), out.toString());
      Http.ingest(p.ingest(), p.token(), request(500)).expect(200);
      Http.ingest(p.ingest(), p.token(), request(500)).expect(200);
      Http.ingest(p.ingest(), p.token(), request(500)).expect(429);
      // Lowering works the same way.
      stack.admin().setLimit(p.project().projectId(), size);
      Http.ingest(p.ingest(), p.token(), request(500)).expect(429);
    });
  }

  @Test
  void concurrentRequestsNeverPassMoreThanTheLimit() throws Exception {
    int threads = 8;
    int perThread = 5;
    int fits = 10;
    ExportTraceServiceRequest probe = request(700);
    int size = probe.getSerializedSize();
    long limit = (long) fits * size + size / 2;
    ExecutorService pool = Executors.newFixedThreadPool(threads);
    try {
      inOneClockMinute(() -> {
        Limited p = project(limit);
        List<ExportTraceServiceRequest> requests = new ArrayList<>();
        for (int i = 0; i < threads * perThread; i++) {
          requests.add(request(700));
        }
        CountDownLatch go = new CountDownLatch(1);
        List<Future<List<Integer>>> results = new ArrayList<>();
        for (int t = 0; t < threads; t++) {
          List<ExportTraceServiceRequest> mine = requests.subList(t * perThread, (t + 1) * perThread);
          results.add(pool.submit(() -> {
            go.await();
            List<Integer> statuses = new ArrayList<>();
            for (ExportTraceServiceRequest r : mine) {
              statuses.add(Http.ingest(p.ingest(), p.token(), r).status());
            }
            return statuses;
          }));
        }
        go.countDown();
        long acceptedBytes = 0;
        int accepted = 0;
        int limited = 0;
        for (int t = 0; t < threads; t++) {
          List<Integer> statuses;
          try {
            statuses = results.get(t).get(60, TimeUnit.SECONDS);
          } catch (Exception e) {
            throw new AssertionError("a sender thread failed", e);
          }
          for (int i = 0; i < statuses.size(); i++) {
            int status = statuses.get(i);
            if (status == 200) {
              accepted++;
              acceptedBytes += requests.get(t * perThread + i).getSerializedSize();
            } else {
              assertEquals(429, status, "only 200 and 429 are expected");
              limited++;
            }
          }
        }
        assertTrue(acceptedBytes <= limit, acceptedBytes + " bytes accepted in one minute, over the limit of " + limit);
        assertEquals(fits, accepted, "exactly as many requests as fit the limit pass (" + limited + " limited)");
        // What was accepted is stored; what was refused is not.
        int stored = 0;
        for (ExportTraceServiceRequest r : requests) {
          if (Http.getTrace(stack.baseUri(), p.project().projectId(), traceIdOf(r), p.token()).status() == 200) {
            stored++;
          }
        }
        assertEquals(fits, stored, "traces stored");
        assertUsage(p, limit, acceptedBytes);
      });
    } finally {
      pool.shutdownNow();
    }
  }
}
