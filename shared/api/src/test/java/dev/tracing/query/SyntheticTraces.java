package dev.tracing.query;

import static dev.tracing.testing.OtlpFixtures.attr;

import com.google.protobuf.ByteString;
import dev.tracing.query.TraceOracle.SentSpan;
import dev.tracing.testing.OtlpFixtures;
import io.opentelemetry.proto.collector.trace.v1.ExportTraceServiceRequest;
import io.opentelemetry.proto.common.v1.InstrumentationScope;
import io.opentelemetry.proto.common.v1.KeyValue;
import io.opentelemetry.proto.resource.v1.Resource;
import io.opentelemetry.proto.trace.v1.ResourceSpans;
import io.opentelemetry.proto.trace.v1.ScopeSpans;
import io.opentelemetry.proto.trace.v1.Span;
import io.opentelemetry.proto.trace.v1.Status;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashSet;
import java.util.HexFormat;
import java.util.IdentityHashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;

/**
 * A realistic, reproducible dataset: traces of a small shop (8 services, 17 operations) over the
 * hours before {@code now}, with durations from microseconds to seconds, deliberate ties in start
 * time and in duration, about 15% failed spans, span and resource attributes of every scalar type,
 * traces whose spans arrive in 2-3 requests in random order (some spans sent twice), traces whose
 * root has not arrived (in progress), requests retried whole, and traces on the exact edges of
 * every period and of UTC hours. A few traces of another project share services and even trace ids.
 *
 * <p>Everything is drawn from one seeded {@link Random}: a failure reproduces with the same seed.
 */
final class SyntheticTraces {
  static final long NAMESPACE = 4;
  static final long PROJECT = 42;
  static final long OTHER_NAMESPACE = 3;
  static final long OTHER_PROJECT = 7;

  static final Map<String, List<String>> OPERATIONS = new LinkedHashMap<>();

  static {
    OPERATIONS.put("frontend", List.of("GET /", "GET /cart", "POST /checkout", "GET /health"));
    OPERATIONS.put("cart", List.of("GetCart", "AddItem", "db.query", "GET /health"));
    OPERATIONS.put("checkout", List.of("PlaceOrder", "GetCart", "charge"));
    OPERATIONS.put("payment", List.of("charge", "refund"));
    OPERATIONS.put("inventory", List.of("CheckStock", "db.query", "ReserveStock"));
    OPERATIONS.put("shipping", List.of("Quote", "Ship"));
    OPERATIONS.put("auth", List.of("VerifyToken", "GET /health"));
    OPERATIONS.put("recommendation", List.of("ListRecommendations", "cache.get", "GET /search?q=x&y=1"));
  }

  static final List<String> SERVICES = List.copyOf(OPERATIONS.keySet());
  /** Durations many traces share exactly, so duration orders and filters meet ties. */
  static final long[] TIED_DURATIONS = {1_000L, 1_000_000L, 250_000_000L, 2_000_000_000L};

  /** One export request, for one project. */
  record Delivery(long namespaceId, long projectId, ExportTraceServiceRequest request) {
  }

  /** Instants the dataset puts traces on (root start), for window tests. */
  final List<Long> tieInstants = new ArrayList<>();
  final List<String> inProgressTraceIds = new ArrayList<>();
  final List<String> splitTraceIds = new ArrayList<>();
  final List<String> skewedTraceIds = new ArrayList<>();
  final List<String> sharedTraceIds = new ArrayList<>();
  int retriedRequests;
  int resentSpans;

  final Instant now;
  final long nowNano;
  final long hourBoundaryNano;
  private final Random random;
  private final Map<String, Resource[]> resources = new LinkedHashMap<>();
  /** Every span as sent, once each (the oracle's input). */
  final List<SentSpan> spans = new ArrayList<>();
  /** The requests, in sending order, retries included. */
  final List<Delivery> deliveries = new ArrayList<>();
  private final Set<Long> usedSpanIds = new HashSet<>();
  private final IdentityHashMap<SentSpan, Span> protoOf = new IdentityHashMap<>();

  SyntheticTraces(long seed, Instant now) {
    this.random = new Random(seed);
    this.now = now;
    this.nowNano = TraceOracle.nanos(now);
    this.hourBoundaryNano = TraceOracle.nanos(now.truncatedTo(ChronoUnit.HOURS));
    int i = 0;
    for (String service : SERVICES) {
      resources.put(service, new Resource[] {resource(service, "a", "1.4.2", "prod", 0, false, 0.5),
          resource(service, "b", "2.0.0", i % 3 == 0 ? "staging" : "prod", i % 4 == 0 ? 3 : 1, true, 2.0)});
      i++;
    }
  }

  private static Resource resource(String service, String host, String version, String env, long restarts, boolean spot,
                                   double cpu) {
    return Resource.newBuilder()
        .addAttributes(attr("service.name", service))
        .addAttributes(attr("service.version", version))
        .addAttributes(attr("host.name", service + "-" + host))
        .addAttributes(attr("deployment.environment", env))
        .addAttributes(attr("k8s.pod.restarts", restarts))
        .addAttributes(attr("cloud.spot", spot))
        .addAttributes(attr("cpu.limit", cpu))
        .build();
  }

  /** The main project's traces and the other project's, as requests ready to send. */
  SyntheticTraces generate(int randomTraces) {
    List<List<SentSpan>> main = new ArrayList<>();
    long threeHours = Duration.ofHours(3).toNanos();
    for (int i = 0; i < randomTraces; i++) {
      boolean inProgress = random.nextInt(100) < 8;
      boolean skew = !inProgress && random.nextInt(100) < 5;
      main.add(trace(PROJECT, newTraceId(), nowNano - 1 - random.nextLong(threeHours), inProgress, skew));
    }
    // ties in start time: groups of traces starting at the very same nanosecond
    for (int g = 0; g < 12; g++) {
      long t = nowNano - 1 - random.nextLong(threeHours);
      tieInstants.add(t);
      int n = 2 + random.nextInt(3);
      for (int k = 0; k < n; k++) {
        main.add(trace(PROJECT, newTraceId(), t, false, false));
      }
    }
    tieInstants.add(hourBoundaryNano);
    for (int k = 0; k < 3; k++) {
      main.add(trace(PROJECT, newTraceId(), hourBoundaryNano, false, false));
    }
    // the edges of every window: start inclusive, end exclusive
    List<Long> edges = new ArrayList<>(List.of(nowNano, nowNano - 1, hourBoundaryNano - 1,
        hourBoundaryNano - Duration.ofHours(1).toNanos()));
    for (Duration d : List.of(Duration.ofMinutes(5), Duration.ofMinutes(15), Duration.ofMinutes(30), Duration.ofHours(1),
        Duration.ofHours(4), Duration.ofHours(12), Duration.ofHours(24), Duration.ofDays(7))) {
      edges.add(nowNano - d.toNanos());
      edges.add(nowNano - d.toNanos() - 1);
    }
    for (long t : edges) {
      main.add(trace(PROJECT, newTraceId(), t, false, false));
    }
    // older traces for the long periods, some beyond 7 days, and a few starting in the future
    for (int i = 0; i < 12; i++) {
      main.add(trace(PROJECT, newTraceId(), nowNano - threeHours - random.nextLong(Duration.ofHours(20).toNanos()),
          random.nextInt(10) == 0, false));
    }
    for (int i = 0; i < 6; i++) {
      main.add(trace(PROJECT, newTraceId(), nowNano - Duration.ofDays(1).toNanos() - random.nextLong(Duration.ofDays(5).toNanos()),
          false, false));
    }
    for (int i = 0; i < 3; i++) {
      main.add(trace(PROJECT, newTraceId(), nowNano - Duration.ofDays(8 + 4L * i).toNanos(), false, false));
    }
    for (long ahead : new long[] {1_000_000_000L, Duration.ofMinutes(10).toNanos(), Duration.ofMinutes(50).toNanos()}) {
      main.add(trace(PROJECT, newTraceId(), nowNano + ahead, false, false));
    }

    // another project: same services and names, some of the very same trace ids
    List<List<SentSpan>> other = new ArrayList<>();
    for (int i = 0; i < 16; i++) {
      String id = i < 5 ? main.get(random.nextInt(main.size())).get(0).traceId() : newTraceId();
      if (i < 5) {
        sharedTraceIds.add(id);
      }
      List<SentSpan> t = trace(OTHER_PROJECT, id, nowNano - 1 - random.nextLong(threeHours), false, false);
      if (i % 2 == 0) {
        t = withRootService(t, "intruder");
      }
      other.add(t);
    }
    deliver(NAMESPACE, PROJECT, main);
    deliver(OTHER_NAMESPACE, OTHER_PROJECT, other);
    Collections.shuffle(deliveries, random);
    return this;
  }

  /** A trace: a root and 0-11 children in a tree, over random services. */
  List<SentSpan> trace(long project, String traceId, long rootStart, boolean inProgress, boolean skew) {
    int n = random.nextInt(100) < 15 ? 1 : 1 + random.nextInt(12);
    if (inProgress || skew) {
      n = Math.max(n, 3);
    }
    List<SentSpan> out = new ArrayList<>();
    String rootService = random.nextInt(100) < 55 ? "frontend" : pick(SERVICES);
    out.add(newSpan(project, traceId, 0, rootService, pick(OPERATIONS.get(rootService)), rootStart, duration()));
    for (int i = 1; i < n; i++) {
      SentSpan parent = out.get(random.nextInt(out.size()));
      String service = random.nextInt(100) < 30 ? parent.service() : pick(SERVICES);
      long start = parent.startNano() + fraction(parent.durationNano());
      long dur = fraction(parent.endNano() - start);
      out.add(newSpan(project, traceId, parent.spanId(), service, pick(OPERATIONS.get(service)), start, dur));
    }
    if (skew) {
      // a child whose clock runs early: it starts before the root, yet the root heads the trace
      int i = 1 + random.nextInt(out.size() - 1);
      SentSpan c = out.get(i);
      long start = rootStart - 1 - random.nextLong(5_000_000L);
      out.set(i, copy(c, start, start + c.durationNano()));
      skewedTraceIds.add(traceId);
    }
    if (inProgress) {
      out.remove(0);
      out.sort((a, b) -> Long.compare(a.startNano(), b.startNano()));
      // keep the earliest start unique (which of two equal earliest spans heads a trace is not specified)
      for (int i = 1; i < out.size() && out.get(i).startNano() == out.get(0).startNano(); i++) {
        SentSpan c = out.get(i);
        out.set(i, copy(c, c.startNano() + 1, c.endNano() + 1));
      }
      inProgressTraceIds.add(traceId);
    }
    return out;
  }

  private List<SentSpan> withRootService(List<SentSpan> t, String service) {
    List<SentSpan> out = new ArrayList<>();
    for (SentSpan s : t) {
      if (s.isRoot()) {
        Resource r = resource(service, "x", "0.0.1", "prod", 0, false, 1.0);
        out.add(new SentSpan(s.projectId(), s.traceId(), s.spanId(), 0, "steal", s.startNano(), s.endNano(), s.statusCode(), r,
            s.attributes()));
      } else {
        out.add(s);
      }
    }
    return out;
  }

  private SentSpan copy(SentSpan c, long start, long end) {
    return new SentSpan(c.projectId(), c.traceId(), c.spanId(), c.parentSpanId(), c.name(), start, end, c.statusCode(),
        c.resource(), c.attributes());
  }

  private SentSpan newSpan(long project, String traceId, long parent, String service, String name, long start, long dur) {
    long id;
    do {
      id = random.nextLong();
    } while (id == 0 || !usedSpanIds.add(id));
    int r = random.nextInt(100);
    int status = r < 15 ? 2 : r < 35 ? 1 : 0;
    Resource resource = resources.get(service)[random.nextInt(2)];
    return new SentSpan(project, traceId, id, parent, name, start, start + dur, status, resource, attributes(name));
  }

  private List<KeyValue> attributes(String name) {
    List<KeyValue> a = new ArrayList<>();
    if (random.nextInt(100) < 60) {
      a.add(attr("http.method", pick(List.of("GET", "POST", "PUT", "DELETE"))));
    }
    if (random.nextInt(100) < 50) {
      long code = pick(List.of(200L, 201L, 404L, 500L));
      // some instrumentations send the status code as a string: the same text must match
      a.add(random.nextInt(4) == 0 ? attr("http.status_code", Long.toString(code)) : attr("http.status_code", code));
    }
    if (random.nextInt(100) < 20) {
      a.add(attr("retry", random.nextBoolean()));
    }
    if (random.nextInt(100) < 20) {
      a.add(attr("sample.rate", pick(List.of(0.5, 2.0, 1.25, 0.001))));
    }
    if (random.nextInt(100) < 30) {
      a.add(attr("user.tier", pick(List.of("gold", "silver", "free"))));
    }
    if (name.equals("db.query") || name.equals("cache.get")) {
      a.add(attr("db.system", name.equals("db.query") ? pick(List.of("postgresql", "mysql")) : "redis"));
    }
    if (random.nextInt(100) < 10) {
      int shard = 1 + random.nextInt(4);
      a.add(random.nextBoolean() ? attr("shard", (long) shard) : attr("shard", Integer.toString(shard)));
    }
    if (random.nextInt(100) < 4) {
      // a span attribute with the key of a resource attribute, and another value
      a.add(attr("deployment.environment", "canary"));
    }
    return a;
  }

  private long duration() {
    int r = random.nextInt(100);
    if (r < 20) {
      return TIED_DURATIONS[random.nextInt(TIED_DURATIONS.length)];
    }
    if (r < 22) {
      return 0;
    }
    return (long) Math.pow(10, 3 + random.nextDouble() * 6.7); // 1 µs .. 5 s
  }

  private long fraction(long of) {
    return of <= 0 ? 0 : random.nextLong(of + 1);
  }

  private <T> T pick(List<T> from) {
    return from.get(random.nextInt(from.size()));
  }

  private String newTraceId() {
    byte[] b = new byte[16];
    random.nextBytes(b);
    b[0] |= 1;
    return HexFormat.of().formatHex(b);
  }

  static Span proto(SentSpan s) {
    Span.Builder b = Span.newBuilder()
        .setTraceId(ByteString.copyFrom(HexFormat.of().parseHex(s.traceId())))
        .setSpanId(OtlpFixtures.spanId(s.spanId()))
        .setName(s.name())
        .setKind(s.isRoot() ? Span.SpanKind.SPAN_KIND_SERVER : Span.SpanKind.SPAN_KIND_CLIENT)
        .setStartTimeUnixNano(s.startNano())
        .setEndTimeUnixNano(s.endNano())
        .addAllAttributes(s.attributes());
    if (!s.isRoot()) {
      b.setParentSpanId(OtlpFixtures.spanId(s.parentSpanId()));
    }
    if (s.statusCode() == 2) {
      b.setStatus(Status.newBuilder().setCode(Status.StatusCode.STATUS_CODE_ERROR).setMessage("failed"));
    } else if (s.statusCode() == 1) {
      b.setStatus(Status.newBuilder().setCode(Status.StatusCode.STATUS_CODE_OK));
    }
    return b.build();
  }

  /**
   * Splits traces into parts (most whole, some in 2-3 parts, sometimes with a span sent in two
   * parts) and packs parts of different traces into requests, as an SDK's batch processor does.
   */
  List<Delivery> deliver(long namespaceId, long projectId, List<List<SentSpan>> traces) {
    int from = deliveries.size();
    List<List<SentSpan>> parts = new ArrayList<>();
    for (List<SentSpan> t : traces) {
      spans.addAll(t);
      int n = t.size() >= 2 && random.nextInt(100) < 20 ? 2 + random.nextInt(Math.min(2, t.size() - 1)) : 1;
      if (n == 1) {
        parts.add(new ArrayList<>(t));
        continue;
      }
      splitTraceIds.add(t.get(0).traceId());
      List<SentSpan> shuffled = new ArrayList<>(t);
      Collections.shuffle(shuffled, random);
      List<List<SentSpan>> split = new ArrayList<>();
      for (int i = 0; i < n; i++) {
        split.add(new ArrayList<>(List.of(shuffled.get(i))));
      }
      for (int i = n; i < shuffled.size(); i++) {
        split.get(random.nextInt(n)).add(shuffled.get(i));
      }
      if (random.nextInt(100) < 30) {
        // a span sent again inside a differently composed request
        split.get(1).add(split.get(0).get(0));
        resentSpans++;
      }
      parts.addAll(split);
    }
    Collections.shuffle(parts, random);
    List<List<List<SentSpan>>> requests = new ArrayList<>();
    for (List<SentSpan> part : parts) {
      String traceId = part.get(0).traceId();
      List<List<SentSpan>> target = null;
      for (int i = Math.max(0, requests.size() - 3); i < requests.size() && target == null; i++) {
        List<List<SentSpan>> r = requests.get(i);
        if (r.size() < 6 && r.stream().noneMatch(p -> p.get(0).traceId().equals(traceId))) {
          target = r;
        }
      }
      if (target == null) {
        target = new ArrayList<>();
        requests.add(target);
      }
      target.add(part);
    }
    for (List<List<SentSpan>> r : requests) {
      ExportTraceServiceRequest request = request(r);
      deliveries.add(new Delivery(namespaceId, projectId, request));
      if (random.nextInt(100) < 5) {
        deliveries.add(new Delivery(namespaceId, projectId, request)); // the exporter retries
        retriedRequests++;
      }
    }
    return List.copyOf(deliveries.subList(from, deliveries.size()));
  }

  /** Traces starting at random in {@code [fromNano, toNano)}; a few in progress, as in {@link #generate}. */
  List<List<SentSpan>> traces(long projectId, int count, long fromNano, long toNano) {
    List<List<SentSpan>> out = new ArrayList<>();
    for (int i = 0; i < count; i++) {
      out.add(trace(projectId, newTraceId(), fromNano + random.nextLong(toNano - fromNano), random.nextInt(100) < 8, false));
    }
    return out;
  }

  /** A new child span of an existing trace (a late arrival that changes neither start nor duration). */
  SentSpan lateChild(SentSpan parent) {
    long start = parent.startNano() + fraction(parent.durationNano());
    String service = pick(SERVICES);
    return newSpan(parent.projectId(), parent.traceId(), parent.spanId(), service, pick(OPERATIONS.get(service)), start,
        fraction(parent.endNano() - start));
  }

  Random random() {
    return random;
  }

  private ExportTraceServiceRequest request(List<List<SentSpan>> parts) {
    Map<Resource, ResourceSpans.Builder> byResource = new LinkedHashMap<>();
    for (List<SentSpan> part : parts) {
      for (SentSpan s : part) {
        ResourceSpans.Builder rs = byResource.computeIfAbsent(s.resource(), r -> ResourceSpans.newBuilder().setResource(r)
            .addScopeSpans(ScopeSpans.newBuilder().setScope(InstrumentationScope.newBuilder().setName("shop").setVersion("1.0"))));
        rs.getScopeSpansBuilder(0).addSpans(protoOf.computeIfAbsent(s, SyntheticTraces::proto));
      }
    }
    ExportTraceServiceRequest.Builder b = ExportTraceServiceRequest.newBuilder();
    byResource.values().forEach(b::addResourceSpans);
    return b.build();
  }
}
