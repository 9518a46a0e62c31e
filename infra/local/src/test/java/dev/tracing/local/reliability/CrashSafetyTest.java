package dev.tracing.local.reliability;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.tracing.dynamodblocal.LocalDynamoDb;
import dev.tracing.testing.OtlpFixtures;
import io.opentelemetry.proto.collector.trace.v1.ExportTraceServiceRequest;
import io.opentelemetry.proto.trace.v1.Span;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * While exporters send continuously, the server process is killed with SIGKILL and restarted,
 * then the DynamoDB process is killed and restarted; exporters retry what was not acknowledged,
 * as OTLP exporters do. Afterwards every span acknowledged with 200 is readable exactly once.
 */
class CrashSafetyTest {
  private static final int SPANS_PER_REQUEST = 5;
  private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();

  @TempDir
  Path tmp;

  @Test
  void acknowledgedSpansSurviveKilledServerAndKilledDatabase() throws Exception {
    Path dbDir = tmp.resolve("dynamodb");
    LocalDynamoDb db = LocalDynamoDb.start(dbDir, 0);
    int dbPort = db.port();
    Server server = Server.start(tmp.resolve("serve"), 0, db.endpoint());
    int port = server.port;
    AtomicReference<String> ingestUrl = new AtomicReference<>(server.ingestUrl);
    String token = server.token;
    Map<String, ExportTraceServiceRequest> acknowledged = new ConcurrentHashMap<>();
    AtomicBoolean sending = new AtomicBoolean(true);
    AtomicInteger failures = new AtomicInteger();
    List<Thread> exporters = new ArrayList<>();
    CountDownLatch done = new CountDownLatch(4);
    for (int t = 0; t < 4; t++) {
      Thread exporter = new Thread(() -> {
        try {
          while (sending.get()) {
            ExportTraceServiceRequest request = newTrace();
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
            while (System.nanoTime() < deadline) { // retry the same request until acknowledged
              if (send(ingestUrl.get(), token, request)) {
                acknowledged.put(traceId(request), request);
                break;
              }
              failures.incrementAndGet();
              Thread.sleep(150);
            }
          }
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
        } finally {
          done.countDown();
        }
      }, "exporter-" + t);
      exporter.start();
      exporters.add(exporter);
    }
    try {
      awaitAcknowledged(acknowledged, 20);
      int beforeServerKill = acknowledged.size();
      server.process.destroyForcibly().waitFor(10, TimeUnit.SECONDS); // SIGKILL
      Thread.sleep(500);
      server = Server.start(tmp.resolve("serve"), port, db.endpoint());
      ingestUrl.set(server.ingestUrl);
      awaitAcknowledged(acknowledged, beforeServerKill + 20);
      int beforeDbKill = acknowledged.size();
      ProcessHandle.of(db.pid()).ifPresent(ProcessHandle::destroyForcibly); // SIGKILL the database
      Thread.sleep(1500);
      db = LocalDynamoDb.start(dbDir, dbPort);
      awaitAcknowledged(acknowledged, beforeDbKill + 20);
      sending.set(false);
      assertTrue(done.await(90, TimeUnit.SECONDS), "exporters finished their retries");
      assertTrue(beforeServerKill > 0 && beforeDbKill > beforeServerKill && acknowledged.size() > beforeDbKill,
          "traffic flowed in every phase: " + beforeServerKill + ", " + beforeDbKill + ", " + acknowledged.size());
      int spansChecked = 0;
      for (Map.Entry<String, ExportTraceServiceRequest> e : acknowledged.entrySet()) {
        HttpResponse<String> r = HTTP.send(HttpRequest.newBuilder(URI.create(server.base + "/v3/query/1/traces/" + e.getKey()))
            .header("PRIVATE-TOKEN", token).GET().build(), HttpResponse.BodyHandlers.ofString());
        assertEquals(200, r.statusCode(), "acknowledged trace " + e.getKey() + " is readable: " + r.body());
        assertTrue(r.body().contains("\"total_spans\":" + SPANS_PER_REQUEST + ","), r.body());
        for (Span s : e.getValue().getResourceSpans(0).getScopeSpans(0).getSpansList()) {
          String needle = "\"span_id\":\"" + OtlpFixtures.hexOf(s.getSpanId()) + "\"";
          assertEquals(r.body().indexOf(needle), r.body().lastIndexOf(needle), "span stored once: " + needle);
          assertTrue(r.body().contains(needle), "span present: " + needle);
          spansChecked++;
        }
      }
      System.out.printf("crash safety: %d requests (%d spans) acknowledged across a server SIGKILL and a database SIGKILL;"
          + " %d failed attempts retried; 0 spans lost, 0 duplicated%n", acknowledged.size(), spansChecked, failures.get());
    } finally {
      sending.set(false);
      for (Thread t : exporters) {
        t.interrupt();
      }
      server.process.destroyForcibly();
      db.close();
    }
  }

  /** Lets traffic flow until at least {@code n} requests are acknowledged (bounded: 60 s). */
  private static void awaitAcknowledged(Map<String, ?> acknowledged, int n) throws InterruptedException {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
    while (acknowledged.size() < n && System.nanoTime() < deadline) {
      Thread.sleep(100);
    }
  }

  private static ExportTraceServiceRequest newTrace() {
    var traceId = OtlpFixtures.randomTraceId();
    long start = OtlpFixtures.nanos(Instant.now());
    Span[] spans = new Span[SPANS_PER_REQUEST];
    spans[0] = OtlpFixtures.span(traceId, 1, 0, "GET /crash", start, 2_000_000, false);
    for (int i = 1; i < SPANS_PER_REQUEST; i++) {
      spans[i] = OtlpFixtures.span(traceId, i + 1, 1, "child", start + i, 1000, false, OtlpFixtures.attr("i", (long) i));
    }
    return OtlpFixtures.request(OtlpFixtures.service("crash-svc"), spans);
  }

  private static String traceId(ExportTraceServiceRequest r) {
    return OtlpFixtures.hexOf(r.getResourceSpans(0).getScopeSpans(0).getSpans(0).getTraceId());
  }

  private static boolean send(String url, String token, ExportTraceServiceRequest request) throws InterruptedException {
    try {
      HttpResponse<byte[]> r = HTTP.send(HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofSeconds(10))
          .header("Content-Type", "application/x-protobuf").header("PRIVATE-TOKEN", token)
          .POST(HttpRequest.BodyPublishers.ofByteArray(request.toByteArray())).build(), HttpResponse.BodyHandlers.ofByteArray());
      return r.statusCode() == 200;
    } catch (java.io.IOException e) {
      return false; // connection refused or reset while the server is down
    }
  }

  /** A {@code serve} child process, as a user runs it. */
  private static final class Server {
    final Process process;
    final int port;
    final String base;
    final String ingestUrl;
    final String token;

    private Server(Process process, int port, String base, String ingestUrl, String token) {
      this.process = process;
      this.port = port;
      this.base = base;
      this.ingestUrl = ingestUrl;
      this.token = token;
    }

    private static String firstToken;
    private static String firstIngestUrl;

    static Server start(Path dataDir, int port, URI dynamo) throws Exception {
      Files.createDirectories(dataDir);
      String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
      Process p = new ProcessBuilder(java, "-cp", System.getProperty("java.class.path"), "dev.tracing.local.TracingLocal",
          "serve", "--port", Integer.toString(port), "--dynamodb-endpoint", dynamo.toString(), "--data-dir", dataDir.toString())
          .redirectError(ProcessBuilder.Redirect.INHERIT).start();
      BufferedReader out = new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8));
      String line;
      String token = null;
      String ingest = null;
      long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
      while ((line = out.readLine()) != null && System.nanoTime() < deadline) {
        Matcher t = Pattern.compile("PRIVATE-TOKEN=(\\S+)").matcher(line);
        if (t.find()) {
          token = t.group(1);
        }
        Matcher e = Pattern.compile("OTEL_EXPORTER_OTLP_TRACES_ENDPOINT=(\\S+)").matcher(line);
        if (e.find()) {
          ingest = e.group(1);
        }
        Matcher ready = Pattern.compile("ready at (http://127\\.0\\.0\\.1:(\\d+))").matcher(line);
        if (ready.find()) {
          if (token != null) {
            firstToken = token;
            firstIngestUrl = ingest;
          }
          int actual = Integer.parseInt(ready.group(2));
          String url = firstIngestUrl.replaceFirst("127\\.0\\.0\\.1:\\d+", "127.0.0.1:" + actual);
          Thread drain = new Thread(() -> {
            try {
              while (out.readLine() != null) {
                // keep the pipe flowing
              }
            } catch (java.io.IOException ignored) {
              // process ended
            }
          });
          drain.setDaemon(true);
          drain.start();
          return new Server(p, actual, ready.group(1), url, firstToken);
        }
      }
      p.destroyForcibly();
      throw new IllegalStateException("serve did not print its ready line");
    }
  }
}
