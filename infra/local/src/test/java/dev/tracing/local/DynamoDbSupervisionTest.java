package dev.tracing.local;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.tracing.dynamodblocal.SupervisedDynamoDb;
import dev.tracing.model.Project;
import dev.tracing.model.Scope;
import dev.tracing.config.TracingConfig;
import dev.tracing.testing.OtlpFixtures;
import io.opentelemetry.proto.collector.trace.v1.ExportTraceServiceRequest;
import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.logging.Handler;
import java.util.logging.LogRecord;
import java.util.logging.Logger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import tools.jackson.databind.JsonNode;

/**
 * The local stack heals itself: while an exporter sends, the local DynamoDB process is killed
 * with SIGKILL; the stack starts it again on the same port and data, logs that it did, serves
 * ingest and queries again, and every span acknowledged before, during and after is there.
 */
class DynamoDbSupervisionTest {
  static final int SPANS_PER_TRACE = 3;
  /** How long a restart may take before the test gives up (dynalite starts in about a second). */
  static final Duration RESTART_DEADLINE = Duration.ofSeconds(90);

  @TempDir
  Path dataDir;

  @Test
  void aKilledLocalDynamoDbIsRestartedOnItsDataAndNoAcknowledgedSpanIsLost() throws Exception {
    List<String> log = new ArrayList<>();
    Logger supervisorLog = Logger.getLogger(SupervisedDynamoDb.class.getName());
    Handler capture = new Handler() {
      @Override
      public void publish(LogRecord r) {
        synchronized (log) {
          log.add(new java.util.logging.SimpleFormatter().formatMessage(r));
        }
      }

      @Override
      public void flush() {
      }

      @Override
      public void close() {
      }
    };
    LocalStack.Options options = new LocalStack.Options(0, dataDir, 0, null, TracingConfig.DEFAULT_TABLE, false, Duration.ZERO,
        Duration.ZERO);
    try (LocalStack stack = LocalStack.start(options)) {
      supervisorLog.addHandler(capture); // once started: starting configures logging afresh
      Project project = stack.admin().createProject(80, "supervised");
      String token = stack.admin().createToken(project.projectId(), EnumSet.allOf(Scope.class), "heal", null).secret();
      URI ingest = URI.create(stack.ingestUrl(project));
      SupervisedDynamoDb dynamo = stack.dynamo();
      int port = dynamo.port();
      long firstPid = dynamo.pid();

      ConcurrentLinkedQueue<String> acknowledged = new ConcurrentLinkedQueue<>();
      AtomicInteger refused = new AtomicInteger();
      ConcurrentLinkedQueue<String> unexpected = new ConcurrentLinkedQueue<>();
      AtomicBoolean sending = new AtomicBoolean(true);
      Thread exporter = new Thread(() -> {
        while (sending.get()) {
          var traceId = OtlpFixtures.randomTraceId();
          long start = OtlpFixtures.nanos(Instant.now().minusSeconds(1));
          ExportTraceServiceRequest r = OtlpFixtures.request(OtlpFixtures.service("supervised"),
              OtlpFixtures.span(traceId, 1, 0, "root", start, 5_000, false),
              OtlpFixtures.span(traceId, 2, 1, "child", start + 1, 1_000, false),
              OtlpFixtures.span(traceId, 3, 1, "child", start + 2, 1_000, false));
          try {
            Http.Reply reply = Http.ingest(ingest, token, r);
            if (reply.status() == 200) {
              acknowledged.add(OtlpFixtures.hexOf(traceId));
            } else if (reply.status() == 503) {
              refused.incrementAndGet();
            } else {
              unexpected.add(reply.toString());
            }
          } catch (RuntimeException e) {
            refused.incrementAndGet();
          }
        }
      }, "supervision-test-exporter");
      exporter.start();
      try {
        awaitCondition(() -> acknowledged.size() >= 10, "10 acknowledged requests before the kill");
        ProcessHandle.of(firstPid).orElseThrow().destroyForcibly(); // SIGKILL
        awaitCondition(() -> dynamo.restarts() == 1, "the supervisor restarting the local DynamoDB");
        int before = acknowledged.size();
        awaitCondition(() -> acknowledged.size() >= before + 10, "10 more acknowledged requests after the restart");
      } finally {
        sending.set(false);
        exporter.join(60_000);
      }

      assertTrue(unexpected.isEmpty(), "while the store is down ingest answers 503, else 200: " + unexpected);
      assertNotEquals(firstPid, dynamo.pid(), "a new process");
      assertEquals(port, dynamo.port(), "the same port, so clients keep their endpoint");
      assertTrue(dynamo.isAlive());
      synchronized (log) {
        assertTrue(log.stream().anyMatch(m -> m.contains("the local DynamoDB (pid " + firstPid + ") ended with exit code")
                && m.contains("restarted it on port " + port) && m.contains("with the same data in " + dataDir.resolve("dynamodb"))),
            "the restart is logged: " + log);
      }
      // every acknowledged trace is stored whole, and the list finds them all
      for (String traceId : acknowledged) {
        JsonNode trace = Http.getTrace(stack.baseUri(), project.projectId(), traceId, token).expect(200).json();
        assertEquals(SPANS_PER_TRACE, trace.get("spans").size(), traceId);
      }
      Set<String> listed = new HashSet<>();
      String next = null;
      do {
        JsonNode page = Http.get(stack.baseUri().resolve("/v3/query/" + project.projectId() + "/traces?period=1h&page_size=500"
            + (next == null ? "" : "&page_token=" + java.net.URLEncoder.encode(next, java.nio.charset.StandardCharsets.UTF_8))), "PRIVATE-TOKEN", token).expect(200).json();
        page.get("traces").forEach(t -> listed.add(t.get("trace_id").asString()));
        next = page.path("next_page_token").isString() ? page.get("next_page_token").asString() : null;
      } while (next != null);
      assertTrue(listed.containsAll(acknowledged), "every acknowledged trace is listed");
    } finally {
      supervisorLog.removeHandler(capture);
    }
  }

  private static void awaitCondition(java.util.function.BooleanSupplier condition, String what) throws InterruptedException {
    long deadline = System.nanoTime() + RESTART_DEADLINE.toNanos();
    while (!condition.getAsBoolean()) {
      if (System.nanoTime() > deadline) {
        throw new AssertionError("gave up waiting for " + what + " after " + RESTART_DEADLINE);
      }
      Thread.sleep(50);
    }
  }
}
