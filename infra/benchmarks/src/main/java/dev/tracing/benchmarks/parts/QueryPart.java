package dev.tracing.benchmarks.parts;

import dev.tracing.benchmarks.harness.Config;
import dev.tracing.benchmarks.harness.Report;
import dev.tracing.benchmarks.harness.Report.Kind;
import dev.tracing.benchmarks.harness.Stacks;
import dev.tracing.benchmarks.load.HttpLoad;
import dev.tracing.benchmarks.load.Percentiles;
import dev.tracing.benchmarks.workload.OtlpWorkload;
import dev.tracing.benchmarks.workload.ZipkinJson;
import dev.tracing.storage.StoredTrace;
import dev.tracing.storage.TraceReader;
import dev.tracing.storage.dynamodb.DynamoTermBlocks;
import dev.tracing.view.TraceJson;
import io.opentelemetry.proto.collector.trace.v1.ExportTraceServiceRequest;
import io.opentelemetry.proto.trace.v1.ResourceSpans;
import io.opentelemetry.proto.trace.v1.ScopeSpans;
import io.opentelemetry.proto.trace.v1.Span;
import java.io.ByteArrayInputStream;
import java.io.PrintStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.zip.GZIPInputStream;

/**
 * Part 4: query latency with {@code queryTraces} traces stored, their start times spread
 * uniformly over the last 24 hours, plus three traces of {@code bigTraceSpans} spans in the last
 * hour. Both stores get the same spans through their ingest APIs. Then, one client, requests
 * alternating between the stores: the traces list of the last hour filtered by one service, and
 * the detail of a big trace.
 */
public final class QueryPart {
  public static final String PART = "4 query latency";
  static final int CHUNK_BATCHES = 40;
  static final String[] FILTER_SERVICES = {"checkout", "cart", "payment", "shipping", "currency", "recommendation", "email"};

  private QueryPart() {
  }

  public static void run(Config cfg, Report report, Stacks stacks, PrintStream out) throws Exception {
    HttpClient client = HttpLoad.client();
    Stacks.Tenant tenant = stacks.query;
    Map<String, String> ours = Map.of("Content-Type", "application/x-protobuf", "PRIVATE-TOKEN", tenant.token());
    Map<String, String> zjson = Map.of("Content-Type", "application/json");
    OtlpWorkload workload = new OtlpWorkload(OtlpWorkload.Shape.sdkBatch().withMeanSpansPerTrace(cfg.queryMeanSpans()), 23);
    long now = System.currentTimeMillis() * 1_000_000L;
    long hour = 3_600_000_000_000L;
    long from = now - 24 * hour;
    long to = now - 60_000_000_000L;

    // load: batches in chunks, each chunk to both stores
    Set<String> traces = new HashSet<>();
    long lastHour = 0;
    long spans = 0;
    double oursSeconds = 0;
    double zipkinSeconds = 0;
    int errors = 0;
    int zipkinErrors = 0;
    List<ExportTraceServiceRequest> chunk = new ArrayList<>();
    long loadStart = System.nanoTime();
    while (traces.size() < cfg.queryTraces()) {
      chunk.clear();
      for (int i = 0; i < CHUNK_BATCHES && traces.size() < cfg.queryTraces(); i++) {
        ExportTraceServiceRequest b = workload.nextBatch(from, to);
        for (ResourceSpans rs : b.getResourceSpansList()) {
          for (ScopeSpans ss : rs.getScopeSpansList()) {
            for (Span s : ss.getSpansList()) {
              spans++;
              if (s.getParentSpanId().isEmpty() && traces.add(HexFormat.of().formatHex(s.getTraceId().toByteArray()))
                  && s.getStartTimeUnixNano() >= now - hour) {
                lastHour++;
              }
            }
          }
        }
        chunk.add(b);
      }
      HttpLoad.Result r = HttpLoad.run(client, tenant.ingestUrl(), ours, requests(chunk, false), cfg.exporters(), Duration.ofMinutes(10));
      oursSeconds += r.seconds();
      errors += r.errors();
      if (stacks.zipkin != null) {
        HttpLoad.Result z = HttpLoad.run(client, stacks.zipkin.base().resolve("/api/v2/spans"), zjson, requests(chunk, true),
            cfg.exporters(), Duration.ofMinutes(10));
        zipkinSeconds += z.seconds();
        zipkinErrors += z.errors();
      }
      if (!cfg.smoke()) {
        out.printf("  loaded %,d traces (%,d spans) in %.0f s%n", traces.size(), spans, (System.nanoTime() - loadStart) / 1e9);
      }
    }
    // the big traces, in the last hour
    List<String> big = new ArrayList<>();
    for (int i = 0; i < 3; i++) {
      List<ExportTraceServiceRequest> parts = workload.trace(cfg.bigTraceSpans(), now - (10 + 15L * i) * 60_000_000_000L);
      big.add(HexFormat.of().formatHex(parts.get(0).getResourceSpans(0).getScopeSpans(0).getSpans(0).getTraceId().toByteArray()));
      errors += HttpLoad.run(client, tenant.ingestUrl(), ours, requests(parts, false), 1, Duration.ofMinutes(2)).errors();
      if (stacks.zipkin != null) {
        zipkinErrors += HttpLoad.run(client, stacks.zipkin.base().resolve("/api/v2/spans"), zjson, requests(parts, true), 1,
            Duration.ofMinutes(2)).errors();
      }
    }
    if (errors > 0 || zipkinErrors > 0) {
      throw new IllegalStateException("loading the query data set failed: " + errors + " errors (ours), " + zipkinErrors + " (Zipkin)");
    }
    int stored = traces.size() + big.size();
    report.add(PART, "traces stored (spread over 24 h)", stored, "", null, Kind.MEASURED,
        String.format("%,d spans, %.1f spans/trace; last hour holds %,d traces (%.1f%%) + %d of %d spans", spans,
            (double) spans / traces.size(), lastHour, 100.0 * lastHour / traces.size(), big.size(), cfg.bigTraceSpans()));
    report.add(PART, "load rate, local stack: spans/s", spans / oursSeconds, "spans/s", null, Kind.MEASURED,
        cfg.exporters() + " exporters" + (stacks.zipkin == null ? "" : String.format("; Zipkin (in-memory) %.0f spans/s",
            spans / zipkinSeconds)));
    if (!cfg.smoke()) {
      settleCompaction(stacks, out);
    }

    // queries
    String project = Long.toString(tenant.project().projectId());
    Map<String, String> token = Map.of("PRIVATE-TOKEN", tenant.token());
    int warm = cfg.smoke() ? 2 : 20;
    long[] oursList = new long[cfg.queryRepeats()];
    long[] zipList = new long[cfg.queryRepeats()];
    long[] oursDetail = new long[cfg.queryRepeats()];
    long[] zipDetail = new long[cfg.queryRepeats()];
    // the same detail requests from a client that accepts gzip, as browsers do
    long[] oursDetailGzip = new long[cfg.queryRepeats()];
    long[] zipDetailGzip = new long[cfg.queryRepeats()];
    long[] wire = new long[2];
    boolean[] gzipped = new boolean[2];
    int[] rows = new int[2];
    long[] bytes = new long[4];
    // the loaded data's last hour, not the clock's: a load of 100,000 traces takes most of an hour
    String lastHourWindow = "start_time=" + Instant.ofEpochSecond(0, now - 3_600_000_000_000L) + "&end_time="
        + Instant.ofEpochSecond(0, now);
    for (int i = -warm; i < cfg.queryRepeats(); i++) {
      String service = FILTER_SERVICES[Math.floorMod(i, FILTER_SERVICES.length)];
      String trace = big.get(Math.floorMod(i, big.size()));
      boolean oursFirst = Math.floorMod(i, 2) == 0;
      for (int k = 0; k < 2; k++) {
        if ((k == 0) == oursFirst) {
          Timed l = get(client, stacks.stack.baseUri().resolve("/v3/query/" + project + "/traces?" + lastHourWindow + "&service_name=" + service),
              token);
          Timed d = get(client, stacks.stack.baseUri().resolve("/v3/query/" + project + "/traces/" + trace), token);
          Wire dz = getAcceptingGzip(client, stacks.stack.baseUri().resolve("/v3/query/" + project + "/traces/" + trace), token);
          if (!dz.body.equals(d.body)) {
            throw new IllegalStateException("the gzipped detail answer of " + trace + " differs from the plain one");
          }
          if (i >= 0) {
            oursList[i] = l.nanos;
            oursDetail[i] = d.nanos;
            oursDetailGzip[i] = dz.nanos;
            wire[0] += dz.wireBytes;
            gzipped[0] = dz.gzipped;
            rows[0] += count(l.body, "\"trace_id\"");
            bytes[0] += l.body.length();
            bytes[1] += d.body.length();
          }
        } else if (stacks.zipkin != null) {
          long endTs = now / 1_000_000L;
          Timed l = get(client, stacks.zipkin.base().resolve("/api/v2/traces?serviceName=" + service + "&endTs=" + endTs
              + "&lookback=3600000&limit=50"), Map.of());
          Timed d = get(client, stacks.zipkin.base().resolve("/api/v2/trace/" + trace), Map.of());
          Wire dz = getAcceptingGzip(client, stacks.zipkin.base().resolve("/api/v2/trace/" + trace), Map.of());
          if (i >= 0) {
            zipList[i] = l.nanos;
            zipDetail[i] = d.nanos;
            zipDetailGzip[i] = dz.nanos;
            wire[1] += dz.wireBytes;
            gzipped[1] = dz.gzipped;
            rows[1] += count(l.body, "[{\"traceId\"");
            bytes[2] += l.body.length();
            bytes[3] += d.body.length();
          }
        }
      }
    }
    int n = cfg.queryRepeats();
    report.graded(PART, "list, last hour + service_name: p50 / p95", Percentiles.of(oursList, 50) / 1e6,
        String.format("%s ms / %.1f ms", Report.format(Percentiles.of(oursList, 50) / 1e6), Percentiles.of(oursList, 95) / 1e6),
        Report.Budget.atMost(150, "p95 <= 150 ms"), Percentiles.of(oursList, 95) / 1e6, Kind.MEASURED,
        String.format("%d requests, %.0f rows and %.0f KB per page", n, (double) rows[0] / n, bytes[0] / 1024.0 / n));
    latency(report, "trace detail, " + cfg.bigTraceSpans() + " spans: p50 / p95", oursDetail, null,
        String.format("%.0f KB per answer", bytes[1] / 1024.0 / n));
    if (stacks.zipkin != null) {
      latency(report, "Zipkin (in-memory) /api/v2/traces, same filter: p50 / p95", zipList, null,
          String.format("limit=50, lookback 1 h; %.0f traces and %.0f KB per answer (whole traces)", (double) rows[1] / n,
              bytes[2] / 1024.0 / n));
      latency(report, "Zipkin (in-memory) /api/v2/trace/{id}: p50 / p95", zipDetail, null,
          String.format("%.0f KB per answer", bytes[3] / 1024.0 / n));
      report.graded(PART, "list p95: ours vs Zipkin", Percentiles.of(oursList, 95) / Percentiles.of(zipList, 95), "x",
          Report.Budget.atMost(1.0, "< 1.0x (ahead)"), Kind.RATIO, "below 1 means ours is faster");
      report.graded(PART, "detail p95: ours vs Zipkin", Percentiles.of(oursDetail, 95) / Percentiles.of(zipDetail, 95), "x",
          Report.Budget.atMost(1.0, "<= 1.0x"), Kind.RATIO, null);
    }
    latency(report, "trace detail, client accepting gzip: p50 / p95", oursDetailGzip, null,
        String.format("%.0f KB on the wire (%s); the client's gunzip included", wire[0] / 1024.0 / n, gzipped[0] ? "gzip" : "not compressed"));
    if (stacks.zipkin != null) {
      latency(report, "Zipkin (in-memory) /api/v2/trace/{id}, client accepting gzip: p50 / p95", zipDetailGzip, null,
          String.format("%.0f KB on the wire (%s)", wire[1] / 1024.0 / n, gzipped[1] ? "gzip" : "not compressed"));
      report.add(PART, "detail p95, clients accepting gzip: ours vs Zipkin",
          Percentiles.of(oursDetailGzip, 95) / Percentiles.of(zipDetailGzip, 95), "x", null, Kind.RATIO, "as a browser asks");
    }
    detailBreakdown(report, stacks, tenant.project().projectId(), big, cfg.queryRepeats(), oursDetail);
  }

  /**
   * Lets the local stack's compactor catch up before the timed queries. The local stack runs it
   * in its own process every minute, and after a load spread over 24 hours its first runs build
   * every hour's rollup cells and term blocks, on the cores the queries need; deployed, it is a
   * function of its own. The past hours are built at once; the current hour once the project has
   * been quiet for the compactor's settling time, as the schedule would.
   */
  private static void settleCompaction(Stacks stacks, PrintStream out) throws InterruptedException {
    long t0 = System.nanoTime();
    Map<String, Object> first = stacks.stack.compact();
    Thread.sleep(Duration.ofSeconds(DynamoTermBlocks.SETTLE_SECONDS + 10).toMillis());
    Map<String, Object> second = stacks.stack.compact();
    out.printf("  compactor caught up before the queries in %.0f s: %s, then %s%n", (System.nanoTime() - t0) / 1e9, first, second);
  }

  /**
   * Where a detail answer's time goes, in process on the same stack: the store read (the summary,
   * then its packs, from the local DynamoDB), the answer built from what was read (inflate, decode,
   * sort, JSON), and what the served request adds (authorizer, gateway, HTTP and the client).
   */
  private static void detailBreakdown(Report report, Stacks stacks, long projectId, List<String> big, int repeats, long[] served) {
    TraceReader reader = stacks.stack.tracing().stores().traceReader();
    long[] read = new long[repeats];
    long[] build = new long[repeats];
    long[] decoded = new long[repeats];
    for (int i = -Math.min(20, repeats); i < repeats; i++) {
      String trace = big.get(Math.floorMod(i, big.size()));
      long t0 = System.nanoTime();
      StoredTrace stored = reader.read(projectId, trace).orElseThrow(() -> new IllegalStateException("no trace " + trace));
      long t1 = System.nanoTime();
      byte[] json = TraceJson.write(stored);
      long t2 = System.nanoTime();
      byte[] reference = dev.tracing.view.DecodedTraceJson.write(stored);
      long t3 = System.nanoTime();
      if (json.length == 0 || !Arrays.equals(json, reference)) {
        throw new IllegalStateException("detail answers for " + trace + " differ between the byte reader and decoded messages");
      }
      if (i >= 0) {
        read[i] = t1 - t0;
        build[i] = t2 - t1;
        decoded[i] = t3 - t2;
      }
    }
    double readMs = Percentiles.of(read, 50) / 1e6;
    double buildMs = Percentiles.of(build, 50) / 1e6;
    double servedMs = Percentiles.of(served, 50) / 1e6;
    report.add(PART, "detail, where the time goes: p50 store read / answer built / rest of the served request", readMs,
        String.format("ms / %.2f ms / %.2f ms", buildMs, servedMs - readMs - buildMs), null, Kind.MEASURED,
        "in process on the same stack; the rest is authorizer, gateway, HTTP on loopback and the client reading the body");
    report.add(PART, "detail, answer built from decoded messages (the way before): p50", Percentiles.of(decoded, 50) / 1e6, "ms", null,
        Kind.MEASURED, String.format("the same answer, byte for byte; written from the packs' bytes: %.2fx of it",
            buildMs / (Percentiles.of(decoded, 50) / 1e6)));
  }

  private static void latency(Report report, String figure, long[] nanos, String target, String note) {
    report.add(PART, figure, Percentiles.of(nanos, 50) / 1e6, String.format("ms / %.1f ms", Percentiles.of(nanos, 95) / 1e6), target,
        Kind.MEASURED, note);
  }

  private static List<HttpLoad.Request> requests(List<ExportTraceServiceRequest> batches, boolean zipkin) {
    List<HttpLoad.Request> out = new ArrayList<>(batches.size());
    for (ExportTraceServiceRequest b : batches) {
      out.add(new HttpLoad.Request(zipkin ? ZipkinJson.spans(b) : b.toByteArray(), OtlpWorkload.stats(b).spans()));
    }
    return out;
  }

  record Timed(long nanos, String body) {
  }

  static Timed get(HttpClient client, URI uri, Map<String, String> headers) throws Exception {
    Wire w = send(client, uri, headers, false);
    return new Timed(w.nanos(), w.body());
  }

  /** A timed answer as a client accepting gzip reads it: the body gunzipped when it came gzipped. */
  record Wire(long nanos, String body, int wireBytes, boolean gzipped) {
  }

  static Wire getAcceptingGzip(HttpClient client, URI uri, Map<String, String> headers) throws Exception {
    return send(client, uri, headers, true);
  }

  /** One timed GET to a loopback address; the time includes reading (and gunzipping) the body. */
  private static Wire send(HttpClient client, URI uri, Map<String, String> headers, boolean acceptGzip) throws Exception {
    if (!HttpLoad.isLoopback(uri)) {
      throw new IllegalArgumentException("queries go to loopback only: " + uri);
    }
    HttpRequest.Builder b = HttpRequest.newBuilder(uri).timeout(Duration.ofSeconds(60)).GET();
    if (acceptGzip) {
      b.header("Accept-Encoding", "gzip");
    }
    headers.forEach(b::header);
    long t0 = System.nanoTime();
    HttpResponse<byte[]> r = client.send(b.build(), HttpResponse.BodyHandlers.ofByteArray());
    boolean gzipped = r.headers().firstValue("content-encoding").map(e -> e.equalsIgnoreCase("gzip")).orElse(false);
    byte[] raw = r.body();
    byte[] plain = gzipped ? new GZIPInputStream(new ByteArrayInputStream(raw)).readAllBytes() : raw;
    String body = new String(plain, StandardCharsets.UTF_8);
    long t = System.nanoTime() - t0;
    if (r.statusCode() != 200) {
      throw new IllegalStateException("GET " + uri + " answered " + r.statusCode() + ": " + body);
    }
    return new Wire(t, body, raw.length, gzipped);
  }

  static int count(String s, String needle) {
    int n = 0;
    for (int i = s.indexOf(needle); i >= 0; i = s.indexOf(needle, i + needle.length())) {
      n++;
    }
    return n;
  }
}
