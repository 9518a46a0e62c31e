package dev.tracing.benchmarks.load;

import java.nio.charset.StandardCharsets;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;

/**
 * Concurrent exporters: each takes the next prepared request and POSTs it, as an SDK's exporter
 * does, until every request is sent or the time limit passes. Bounded in count and time by
 * construction; targets only the loopback URI it is given.
 */
public final class HttpLoad {
  private HttpLoad() {
  }

  /** A prepared export request: the body and how many spans it carries. */
  public record Request(byte[] body, int spans) {
  }

  /** What happened. {@code spans} counts spans of requests answered with a success status. */
  public record Result(int sent, int ok, int errors, long spans, double seconds, long[] latencyNanos,
                       Map<Integer, Integer> statuses, String firstError) {
    public Result {
      statuses = Map.copyOf(statuses);
    }

    public double spansPerSecond() {
      return seconds > 0 ? spans / seconds : 0;
    }

    public double percentileMillis(double p) {
      return Percentiles.of(latencyNanos, p) / 1e6;
    }
  }

  public static Result run(HttpClient client, URI uri, Map<String, String> headers, List<Request> requests, int exporters,
                           Duration limit) {
    if (!isLoopback(uri)) {
      throw new IllegalArgumentException("load is only ever sent to loopback addresses, not " + uri);
    }
    AtomicInteger next = new AtomicInteger();
    AtomicInteger ok = new AtomicInteger();
    AtomicInteger errors = new AtomicInteger();
    AtomicLong spans = new AtomicLong();
    AtomicReference<String> firstError = new AtomicReference<>();
    Map<Integer, Integer> statuses = new ConcurrentHashMap<>();
    List<Long> latencies = Collections.synchronizedList(new ArrayList<>());
    long start = System.nanoTime();
    long deadline = start + limit.toNanos();
    ExecutorService pool = Executors.newFixedThreadPool(exporters, r -> {
      Thread t = new Thread(r, "exporter");
      t.setDaemon(true);
      return t;
    });
    try {
      List<Future<?>> futures = new ArrayList<>();
      for (int e = 0; e < exporters; e++) {
        futures.add(pool.submit(() -> {
          int i;
          while (System.nanoTime() < deadline && (i = next.getAndIncrement()) < requests.size()) {
            Request req = requests.get(i);
            HttpRequest.Builder b = HttpRequest.newBuilder(uri).timeout(Duration.ofSeconds(60))
                .POST(HttpRequest.BodyPublishers.ofByteArray(req.body()));
            headers.forEach(b::header);
            long t0 = System.nanoTime();
            try {
              HttpResponse<byte[]> r = client.send(b.build(), HttpResponse.BodyHandlers.ofByteArray());
              latencies.add(System.nanoTime() - t0);
              statuses.merge(r.statusCode(), 1, Integer::sum);
              if (r.statusCode() / 100 == 2) {
                ok.incrementAndGet();
                spans.addAndGet(req.spans());
              } else {
                errors.incrementAndGet();
                firstError.compareAndSet(null, r.statusCode() + ": " + new String(r.body(), 0, Math.min(300, r.body().length), StandardCharsets.UTF_8));
              }
            } catch (IOException ex) {
              errors.incrementAndGet();
              statuses.merge(-1, 1, Integer::sum);
              firstError.compareAndSet(null, ex.toString());
            } catch (InterruptedException ex) {
              Thread.currentThread().interrupt();
              return;
            }
          }
        }));
      }
      for (Future<?> f : futures) {
        try {
          f.get(limit.toMillis() + 120_000, TimeUnit.MILLISECONDS);
        } catch (Exception ex) {
          firstError.compareAndSet(null, ex.toString());
        }
      }
    } finally {
      pool.shutdownNow();
    }
    double seconds = (System.nanoTime() - start) / 1e9;
    long[] lat;
    synchronized (latencies) {
      lat = latencies.stream().mapToLong(Long::longValue).toArray();
    }
    return new Result(ok.get() + errors.get(), ok.get(), errors.get(), spans.get(), seconds, lat, new TreeMap<>(statuses),
        firstError.get());
  }

  public static boolean isLoopback(URI uri) {
    String host = uri.getHost();
    return host != null && (host.equals("localhost") || host.startsWith("127.") || host.equals("[::1]") || host.equals("::1"));
  }

  public static HttpClient client() {
    return HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).connectTimeout(Duration.ofSeconds(5)).build();
  }
}
