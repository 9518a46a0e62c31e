package dev.tracing.benchmarks.workload;

import com.google.protobuf.ByteString;
import dev.tracing.benchmarks.workload.OtlpWorkload.Generated;
import io.opentelemetry.proto.collector.trace.v1.ExportTraceServiceRequest;
import io.opentelemetry.proto.common.v1.InstrumentationScope;
import io.opentelemetry.proto.resource.v1.Resource;
import io.opentelemetry.proto.trace.v1.ResourceSpans;
import io.opentelemetry.proto.trace.v1.ScopeSpans;
import io.opentelemetry.proto.trace.v1.Span;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;

/**
 * What ingest receives when every service exports its own spans, as deployed services do: traces
 * cross a chain of services (by default {@code frontend -> checkout -> cart, payment, shipping}),
 * each service runs as several processes (replicas), and each process's OpenTelemetry
 * {@code BatchSpanProcessor} queues the spans it ends and exports them in batches of at most
 * {@code maxExportBatch} (512, {@code OTEL_BSP_MAX_EXPORT_BATCH_SIZE}) when the batch is full or
 * {@code scheduleDelay} (5 s, {@code OTEL_BSP_SCHEDULE_DELAY}) after its previous export.
 *
 * <p>So one trace reaches ingest in several requests, from different processes, seconds apart in
 * the simulated time, and each request holds fragments of many traces. Traces start at a steady
 * rate (exponential gaps); each call into a service picks one of its replicas at random; the
 * exporters' timers start at random phases. Deterministic for a seed.
 */
public final class ServiceExportWorkload {
  public static final List<String> CHAIN = List.of("frontend", "checkout", "cart", "payment", "shipping");

  /**
   * @param spansPerTrace spans of every trace (at least 2 per service of the chain to reach them all)
   * @param replicasPerService processes per service, each with its own exporter
   * @param spansPerSecond simulated load over all services; sets how fast batches fill
   * @param maxExportBatch the exporter's batch size
   * @param scheduleDelayNanos the exporter's timer
   */
  public record Shape(int spansPerTrace, int replicasPerService, double spansPerSecond, int maxExportBatch, long scheduleDelayNanos) {
    public static Shape sdkDefaults(int spansPerTrace) {
      return new Shape(spansPerTrace, 2, 1000, 512, 5_000_000_000L);
    }
  }

  /** One export request as a process sends it, at a simulated time. */
  public record Export(long atNano, String service, int replica, ExportTraceServiceRequest request, int spans) {
  }

  /** The exports of a run in the order ingest receives them, with how traces were spread over them. */
  public record Run(List<Export> exports, int traces, int spans, double requestsPerTrace, double meanSpreadSeconds,
                    double maxSpreadSeconds, double tracesPerRequest) {
    public Run {
      exports = List.copyOf(exports);
    }

  }

  private final Shape shape;
  private final OtlpWorkload spans;
  private final SplittableRandom random;

  public ServiceExportWorkload(Shape shape, long seed) {
    this.shape = shape;
    this.spans = new OtlpWorkload(OtlpWorkload.Shape.sdkBatch(), seed);
    this.random = new SplittableRandom(seed ^ 0x5DEECE66DL);
  }

  public Shape shape() {
    return shape;
  }

  private record Ended(long endNano, int process, Generated span) {
  }

  private static final class Exporter {
    final String service;
    final int replica;
    final Resource resource;
    final List<Generated> queue = new ArrayList<>();
    long nextExportNano;

    Exporter(String service, int replica, Resource resource, long firstExportNano) {
      this.service = service;
      this.replica = replica;
      this.resource = resource;
      this.nextExportNano = firstExportNano;
    }
  }

  /** {@code traces} traces starting at {@code startNano}, exported as the services' processes would. */
  public Run run(int traces, long startNano) {
    List<Exporter> exporters = new ArrayList<>();
    Map<String, Integer> firstExporter = new HashMap<>();
    for (int s = 0; s < CHAIN.size(); s++) {
      firstExporter.put(CHAIN.get(s), exporters.size());
      for (int r = 0; r < shape.replicasPerService(); r++) {
        long phase = (long) (random.nextDouble() * shape.scheduleDelayNanos());
        exporters.add(new Exporter(CHAIN.get(s), r, OtlpWorkload.resource(CHAIN.get(s), s, r), startNano + phase));
      }
    }
    double tracesPerSecond = shape.spansPerSecond() / shape.spansPerTrace();
    List<Ended> ended = new ArrayList<>(traces * shape.spansPerTrace());
    long t = startNano;
    for (int i = 0; i < traces; i++) {
      t += (long) (-Math.log(1 - random.nextDouble()) / tracesPerSecond * 1e9);
      Map<String, Integer> replicaOf = new HashMap<>();
      for (Generated g : spans.chainTrace(shape.spansPerTrace(), t, CHAIN)) {
        int replica = replicaOf.computeIfAbsent(g.service(), k -> random.nextInt(shape.replicasPerService()));
        ended.add(new Ended(g.span().getEndTimeUnixNano(), firstExporter.get(g.service()) + replica, g));
      }
    }
    ended.sort(Comparator.comparingLong(Ended::endNano));
    List<Export> out = new ArrayList<>();
    for (Ended e : ended) {
      for (Exporter x : exporters) {
        tick(x, e.endNano(), out);
      }
      Exporter x = exporters.get(e.process());
      x.queue.add(e.span());
      if (x.queue.size() >= shape.maxExportBatch()) {
        export(x, e.endNano(), out);
      }
    }
    for (Exporter x : exporters) {
      tick(x, Long.MAX_VALUE, out);
    }
    out.sort(Comparator.comparingLong(Export::atNano));
    return summarize(out, traces);
  }

  /** Exports what the timer finds queued at each expiry up to {@code nowNano}. */
  private void tick(Exporter x, long nowNano, List<Export> out) {
    while (x.nextExportNano <= nowNano && !(nowNano == Long.MAX_VALUE && x.queue.isEmpty())) {
      long at = x.nextExportNano;
      if (!x.queue.isEmpty()) {
        export(x, at, out);
      } else {
        x.nextExportNano += shape.scheduleDelayNanos();
      }
    }
  }

  private void export(Exporter x, long atNano, List<Export> out) {
    // grouped by scope in first-seen order, under the process's one resource, as the SDK exporter sends it
    Map<String, List<Span>> byScope = new LinkedHashMap<>();
    for (Generated g : x.queue) {
      byScope.computeIfAbsent(g.scope(), k -> new ArrayList<>()).add(g.span());
    }
    ResourceSpans.Builder rs = ResourceSpans.newBuilder().setResource(x.resource).setSchemaUrl("https://opentelemetry.io/schemas/1.24.0");
    byScope.forEach((scope, list) -> rs.addScopeSpans(ScopeSpans.newBuilder()
        .setScope(InstrumentationScope.newBuilder().setName(scope).setVersion(scope.startsWith("io.opentelemetry.") ? "2.10.0-alpha" : "1.0.0"))
        .addAllSpans(list)));
    out.add(new Export(atNano, x.service, x.replica, ExportTraceServiceRequest.newBuilder().addResourceSpans(rs).build(), x.queue.size()));
    x.queue.clear();
    x.nextExportNano = atNano + shape.scheduleDelayNanos();
  }

  private static Run summarize(List<Export> exports, int traces) {
    Map<ByteString, long[]> perTrace = new HashMap<>(); // requests, first export, last export
    int spans = 0;
    long fragments = 0;
    for (Export e : exports) {
      spans += e.spans();
      Map<ByteString, Boolean> seen = new HashMap<>();
      for (ResourceSpans rs : e.request().getResourceSpansList()) {
        for (ScopeSpans ss : rs.getScopeSpansList()) {
          for (Span s : ss.getSpansList()) {
            seen.put(s.getTraceId(), Boolean.TRUE);
          }
        }
      }
      fragments += seen.size();
      for (ByteString id : seen.keySet()) {
        long[] t = perTrace.computeIfAbsent(id, k -> new long[] {0, e.atNano(), e.atNano()});
        t[0]++;
        t[1] = Math.min(t[1], e.atNano());
        t[2] = Math.max(t[2], e.atNano());
      }
    }
    double spread = 0;
    double maxSpread = 0;
    for (long[] t : perTrace.values()) {
      spread += (t[2] - t[1]) / 1e9;
      maxSpread = Math.max(maxSpread, (t[2] - t[1]) / 1e9);
    }
    return new Run(List.copyOf(exports), traces, spans, (double) fragments / perTrace.size(), spread / perTrace.size(), maxSpread,
        (double) fragments / exports.size());
  }
}
