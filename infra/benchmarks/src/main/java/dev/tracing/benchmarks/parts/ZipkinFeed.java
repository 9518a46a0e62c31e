package dev.tracing.benchmarks.parts;

import dev.tracing.benchmarks.harness.Config;
import dev.tracing.benchmarks.load.HttpLoad;
import dev.tracing.benchmarks.load.Percentiles;
import dev.tracing.benchmarks.workload.ZipkinJson;
import dev.tracing.benchmarks.zipkin.ZipkinServer;
import io.opentelemetry.proto.collector.trace.v1.ExportTraceServiceRequest;
import java.io.IOException;
import java.io.PrintStream;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;

/**
 * A Zipkin server with in-memory storage beside the views part: fed the same batches as the large
 * project (converted by {@link ZipkinJson}), then asked the same attribute needle searches through
 * its {@code annotationQuery}, which is how Zipkin searches tags.
 */
final class ZipkinFeed implements AutoCloseable {
  private final ZipkinServer server;
  private final HttpClient client = HttpLoad.client();
  private final AtomicLong spans = new AtomicLong();
  private final java.util.concurrent.atomic.AtomicReference<String> failure = new java.util.concurrent.atomic.AtomicReference<>();

  private ZipkinFeed(ZipkinServer server) {
    this.server = server;
  }

  /** @param expectedSpans how many spans it will hold: sizes its span bound and heap */
  static ZipkinFeed start(Config cfg, Path dir, long expectedSpans, PrintStream out) throws IOException {
    long maxSpans = expectedSpans * 3 / 2 + 10_000;
    // about 2.5 KB of heap per span of ten tags in Zipkin's in-memory storage, 2-12 GB
    long gigabytes = Math.max(2, Math.min(12, (maxSpans * 2_500 + (1L << 30) - 1) >> 30));
    ZipkinServer server = ZipkinServer.start(ZipkinServer.locateJar(), Map.of("STORAGE_TYPE", "mem", "MEM_MAX_SPANS",
        Long.toString(maxSpans)), cfg.smoke() ? "512m" : gigabytes + "g", dir.resolve("zipkin-views.log"));
    out.println("zipkin (in-memory storage, up to " + maxSpans + " spans) at " + server.base());
    return new ZipkinFeed(server);
  }

  long spansFed() {
    return spans.get();
  }

  /**
   * Why Zipkin stopped being fed (it refused a batch, or did not answer), or {@code null}. Zipkin's
   * trouble never stops the part: our figures are reported, and Zipkin's rows say it was skipped.
   */
  String failure() {
    return failure.get();
  }

  /** Posts a batch as Zipkin v2 JSON; anything but Zipkin's 2xx stops the feed (see {@link #failure()}). */
  void post(ExportTraceServiceRequest batch) {
    if (failure.get() != null) {
      return;
    }
    try {
      HttpRequest request = HttpRequest.newBuilder(server.base().resolve("/api/v2/spans"))
          .timeout(Duration.ofSeconds(60))
          .header("content-type", "application/json")
          .POST(HttpRequest.BodyPublishers.ofByteArray(ZipkinJson.spans(batch)))
          .build();
      HttpResponse<String> r = client.send(request, HttpResponse.BodyHandlers.ofString());
      if (r.statusCode() / 100 != 2) {
        failure.compareAndSet(null, "Zipkin refused a batch after " + spans.get() + " spans: " + r.statusCode() + " "
            + r.body().substring(0, Math.min(200, r.body().length())));
        return;
      }
    } catch (IOException e) {
      failure.compareAndSet(null, "Zipkin did not take a batch after " + spans.get() + " spans: " + e);
      return;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      failure.compareAndSet(null, "interrupted while feeding Zipkin");
      return;
    }
    batch.getResourceSpansList().forEach(rs -> rs.getScopeSpansList().forEach(ss -> spans.addAndGet(ss.getSpansCount())));
  }

  record Timing(double p50Ms, double p95Ms, int requests) {
  }

  /**
   * Times {@code requests} searches for traces whose spans carry {@value ViewsPart#NEEDLE_KEY}={@code value}
   * over the last {@code days}, after two warm-up requests.
   *
   * @param expectTraceId the one trace the answer must hold; {@code null}: the answer must be empty
   */
  Timing time(String value, int days, int requests, String expectTraceId) throws Exception {
    awaitStored(expectTraceId);
    long[] nanos = new long[requests];
    for (int i = -2; i < requests; i++) {
      URI uri = server.base().resolve("/api/v2/traces?annotationQuery="
          + URLEncoder.encode(ViewsPart.NEEDLE_KEY + "=" + value, StandardCharsets.UTF_8) + "&endTs="
          + System.currentTimeMillis() + "&lookback=" + Duration.ofDays(days).toMillis() + "&limit=10");
      QueryPart.Timed r = QueryPart.get(client, uri, Map.of());
      boolean found = expectTraceId != null && r.body().contains("\"traceId\":\"" + expectTraceId + "\"");
      if (expectTraceId != null ? !found : !r.body().trim().equals("[]")) {
        throw new IllegalStateException("Zipkin's answer to " + uri + " is not the expected "
            + (expectTraceId == null ? "empty list" : "needle " + expectTraceId) + ": "
            + r.body().substring(0, Math.min(300, r.body().length())));
      }
      if (i >= 0) {
        nanos[i] = r.nanos();
      }
    }
    return new Timing(Percentiles.of(nanos, 50) / 1e6, Percentiles.of(nanos, 95) / 1e6, requests);
  }

  /** Zipkin stores what it accepted a moment later: waits until the needle trace can be read. */
  private void awaitStored(String traceId) throws Exception {
    if (traceId == null) {
      return;
    }
    long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
    while (true) {
      HttpResponse<String> r = client.send(HttpRequest.newBuilder(server.base().resolve("/api/v2/trace/" + traceId))
          .timeout(Duration.ofSeconds(30)).GET().build(), HttpResponse.BodyHandlers.ofString());
      if (r.statusCode() == 200) {
        return;
      }
      if (System.nanoTime() > deadline) {
        throw new IllegalStateException("Zipkin did not store the needle trace " + traceId + " within 60 s: " + r.statusCode());
      }
      Thread.sleep(200);
    }
  }

  @Override
  public void close() {
    server.close();
  }
}
