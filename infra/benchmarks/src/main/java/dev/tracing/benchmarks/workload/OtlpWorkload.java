package dev.tracing.benchmarks.workload;

import com.google.protobuf.ByteString;
import io.opentelemetry.proto.collector.trace.v1.ExportTraceServiceRequest;
import io.opentelemetry.proto.common.v1.AnyValue;
import io.opentelemetry.proto.common.v1.InstrumentationScope;
import io.opentelemetry.proto.common.v1.KeyValue;
import io.opentelemetry.proto.resource.v1.Resource;
import io.opentelemetry.proto.trace.v1.ResourceSpans;
import io.opentelemetry.proto.trace.v1.ScopeSpans;
import io.opentelemetry.proto.trace.v1.Span;
import io.opentelemetry.proto.trace.v1.Status;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;

/**
 * Realistic OTLP export batches, deterministic for a seed: what an OpenTelemetry SDK's batch span
 * processor (or a collector's batch processor) sends: {@code spansPerBatch} spans (512 by
 * default, {@code OTEL_BSP_MAX_EXPORT_BATCH_SIZE}), about {@code spansPerBatch / meanSpansPerTrace}
 * traces, grouped by resource (service) and instrumentation scope.
 *
 * <p>A trace starts at a {@code frontend} HTTP server span and fans out over one to four other
 * services through HTTP client/server pairs, database calls and internal spans. Every span carries
 * ten attributes, chosen by its kind as the semantic conventions name them (HTTP, database,
 * internal), with values that vary as real ones do (ids in paths, SQL literals, thread ids), so
 * compression is not flattered. About 3% of traces hold an error span with an {@code exception}
 * event and a stack trace. Resources carry 14 attributes (service, host, process, SDK).
 */
public final class OtlpWorkload {
  static final String[] SERVICES = {"frontend", "checkout", "cart", "payment", "shipping", "currency",
      "recommendation", "email"};
  static final String[] ROUTES = {"/api/cart", "/api/cart/{id}", "/api/checkout", "/api/products/{id}", "/api/recommendations",
      "/api/currency/convert", "/api/shipping/quote", "/api/orders/{id}", "/api/users/{id}/profile", "/api/search"};
  static final String[] TABLES = {"orders", "order_items", "carts", "products", "users", "payments", "shipments"};
  static final String[] METHODS = {"GET", "GET", "GET", "POST", "PUT", "DELETE"};
  static final String[] USER_AGENTS = {
      "Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.0.0 Safari/537.36",
      "Mozilla/5.0 (Macintosh; Intel Mac OS X 14_7) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/18.1 Safari/605.1.15",
      "Mozilla/5.0 (Windows NT 10.0; Win64; x64; rv:133.0) Gecko/20100101 Firefox/133.0",
      "okhttp/4.12.0", "python-requests/2.32.3"};

  /** The shape of the generated data. */
  public record Shape(int spansPerBatch, int meanSpansPerTrace, double errorTraceShare) {
    /** The storage budget's batch: 512 spans, about 20 traces (25.6 spans each), 3% traces with an error. */
    public static Shape sdkBatch() {
      return new Shape(512, 26, 0.03);
    }

    public Shape withMeanSpansPerTrace(int mean) {
      return new Shape(spansPerBatch, mean, errorTraceShare);
    }

    public Shape withSpansPerBatch(int spans) {
      return new Shape(spans, meanSpansPerTrace, errorTraceShare);
    }
  }

  private final Shape shape;
  private final SplittableRandom random;
  private final Map<String, Resource> resources = new LinkedHashMap<>();

  public OtlpWorkload(Shape shape, long seed) {
    this.shape = shape;
    this.random = new SplittableRandom(seed);
    for (int i = 0; i < SERVICES.length; i++) {
      resources.put(SERVICES[i], resource(SERVICES[i], i));
    }
  }

  public Shape shape() {
    return shape;
  }

  /** One span as generated, with the service it belongs to. */
  record Generated(String service, String scope, Span span) {
  }

  /**
   * The next batch: traces whose start times are drawn uniformly from {@code [fromNano, toNano)},
   * exactly {@code spansPerBatch} spans (the last trace is cut short where the batch is full,
   * as an SDK's batch cuts traces).
   */
  public ExportTraceServiceRequest nextBatch(long fromNano, long toNano) {
    List<Generated> spans = new ArrayList<>(shape.spansPerBatch());
    while (spans.size() < shape.spansPerBatch()) {
      int size = traceSize();
      long start = fromNano + (long) (random.nextDouble() * (toNano - fromNano));
      List<Generated> trace = trace(randomId(16), size, start, random.nextDouble() < shape.errorTraceShare());
      for (Generated g : trace) {
        if (spans.size() == shape.spansPerBatch()) {
          break;
        }
        spans.add(g);
      }
    }
    return assemble(spans);
  }

  /** One trace of exactly {@code spanCount} spans starting at {@code startNano}, as batches of at most {@code spansPerBatch}. */
  public List<ExportTraceServiceRequest> trace(int spanCount, long startNano) {
    List<Generated> all = trace(randomId(16), spanCount, startNano, false);
    List<ExportTraceServiceRequest> out = new ArrayList<>();
    for (int from = 0; from < all.size(); from += shape.spansPerBatch()) {
      out.add(assemble(all.subList(from, Math.min(all.size(), from + shape.spansPerBatch()))));
    }
    return out;
  }

  private int traceSize() {
    // 1 .. 2*mean-1, uniform: mean as asked, a spread of small and large traces
    return 1 + random.nextInt(Math.max(1, 2 * shape.meanSpansPerTrace() - 1));
  }

  private ExportTraceServiceRequest assemble(List<Generated> spans) {
    // service -> scope -> spans, in first-seen order (as a collector's batch groups them)
    Map<String, Map<String, List<Span>>> grouped = new LinkedHashMap<>();
    for (Generated g : spans) {
      grouped.computeIfAbsent(g.service(), k -> new LinkedHashMap<>()).computeIfAbsent(g.scope(), k -> new ArrayList<>())
          .add(g.span());
    }
    ExportTraceServiceRequest.Builder request = ExportTraceServiceRequest.newBuilder();
    grouped.forEach((service, scopes) -> {
      ResourceSpans.Builder rs = ResourceSpans.newBuilder().setResource(resources.get(service))
          .setSchemaUrl("https://opentelemetry.io/schemas/1.24.0");
      scopes.forEach((scope, list) -> rs.addScopeSpans(ScopeSpans.newBuilder()
          .setScope(InstrumentationScope.newBuilder().setName(scope).setVersion(scopeVersion(scope)))
          .addAllSpans(list)));
      request.addResourceSpans(rs);
    });
    return request.build();
  }

  private static String scopeVersion(String scope) {
    return scope.startsWith("io.opentelemetry.") ? "2.10.0-alpha" : "1.0.0";
  }

  private List<Generated> trace(ByteString traceId, int spanCount, long startNano, boolean withError) {
    List<Generated> out = new ArrayList<>(spanCount);
    // the services this trace touches: frontend plus 1..4 others
    int others = 1 + random.nextInt(4);
    List<String> services = new ArrayList<>(List.of("frontend"));
    while (services.size() < others + 1) {
      String s = SERVICES[1 + random.nextInt(SERVICES.length - 1)];
      if (!services.contains(s)) {
        services.add(s);
      }
    }
    long rootDuration = 2_000_000L + (long) (random.nextDouble() * random.nextDouble() * 800_000_000L);
    ByteString rootId = randomId(8);
    String route = ROUTES[random.nextInt(ROUTES.length)];
    String method = METHODS[random.nextInt(METHODS.length)];
    int errorAt = withError ? random.nextInt(spanCount) : -1;
    out.add(new Generated("frontend", "io.opentelemetry.tomcat-10.0",
        httpServer(traceId, rootId, ByteString.EMPTY, method, route, startNano, rootDuration, errorAt == 0)));
    List<ByteString> parents = new ArrayList<>(List.of(rootId));
    List<String> parentServices = new ArrayList<>(List.of("frontend"));
    for (int i = 1; i < spanCount; i++) {
      int p = random.nextInt(parents.size());
      ByteString parent = parents.get(p);
      String service = parentServices.get(p);
      long offset = (long) (random.nextDouble() * rootDuration * 0.8);
      long duration = Math.max(10_000L, (long) (random.nextDouble() * (rootDuration - offset)));
      ByteString id = randomId(8);
      boolean error = i == errorAt;
      int kind = random.nextInt(10);
      Generated g;
      if (kind < 3 && services.size() > 1) {
        // an HTTP call into another service: the client span here, its server span there next
        String callee = services.get(1 + random.nextInt(services.size() - 1));
        g = new Generated(service, "io.opentelemetry.java-http-client",
            httpClient(traceId, id, parent, callee, startNano + offset, duration, error));
        out.add(g);
        parents.add(id);
        parentServices.add(service);
        if (++i >= spanCount) {
          break;
        }
        ByteString serverId = randomId(8);
        out.add(new Generated(callee, "io.opentelemetry.tomcat-10.0", httpServer(traceId, serverId, id, "POST",
            "/internal/" + callee + "/" + ROUTES[random.nextInt(ROUTES.length)].substring(5), startNano + offset + 200_000,
            Math.max(10_000L, duration - 400_000), false)));
        parents.add(serverId);
        parentServices.add(callee);
        continue;
      } else if (kind < 7) {
        g = new Generated(service, "io.opentelemetry.jdbc", db(traceId, id, parent, startNano + offset, duration, error));
      } else {
        g = new Generated(service, "com.example." + service, internal(traceId, id, parent, service, startNano + offset,
            duration, error));
        parents.add(id);
        parentServices.add(service);
      }
      out.add(g);
    }
    return out;
  }

  /**
   * One trace of exactly {@code spanCount} spans through a fixed call chain: {@code chain[0]}
   * (the entry service, an HTTP server span) calls {@code chain[1]}, which calls each of the
   * others; every call is a CLIENT span in the caller with a SERVER child in the callee. The
   * remaining spans are database calls and internal spans spread evenly over the services, each
   * nested inside a span of its own service and within its parent's time.
   */
  List<Generated> chainTrace(int spanCount, long startNano, List<String> chain) {
    ByteString traceId = randomId(16);
    boolean withError = random.nextDouble() < shape.errorTraceShare();
    int errorAt = withError ? random.nextInt(spanCount) : -1;
    List<Generated> out = new ArrayList<>(spanCount);
    // per service: the spans that may parent others there (server and internal spans), with their times
    Map<String, List<long[]>> times = new LinkedHashMap<>();
    Map<String, List<ByteString>> parents = new LinkedHashMap<>();
    long rootDuration = 20_000_000L + (long) (random.nextDouble() * random.nextDouble() * 800_000_000L);
    ByteString rootId = randomId(8);
    String route = ROUTES[random.nextInt(ROUTES.length)];
    String method = METHODS[random.nextInt(METHODS.length)];
    String entry = chain.get(0);
    out.add(new Generated(entry, "io.opentelemetry.tomcat-10.0",
        httpServer(traceId, rootId, ByteString.EMPTY, method, route, startNano, rootDuration, errorAt == 0)));
    times.computeIfAbsent(entry, k -> new ArrayList<>()).add(new long[] {startNano, rootDuration});
    parents.computeIfAbsent(entry, k -> new ArrayList<>()).add(rootId);
    // the calls: entry -> chain[1], then chain[1] -> each of the others
    List<String[]> calls = new ArrayList<>();
    for (int i = 1; i < chain.size(); i++) {
      calls.add(new String[] {i == 1 ? entry : chain.get(1), chain.get(i)});
    }
    for (String[] call : calls) {
      if (out.size() + 2 > spanCount) {
        break;
      }
      String caller = call[0];
      String callee = call[1];
      int p = random.nextInt(parents.get(caller).size());
      long[] pt = times.get(caller).get(p);
      long[] ct = within(pt, 0.7);
      ByteString clientId = randomId(8);
      out.add(new Generated(caller, "io.opentelemetry.java-http-client",
          httpClient(traceId, clientId, parents.get(caller).get(p), callee, ct[0], ct[1], out.size() == errorAt)));
      ByteString serverId = randomId(8);
      long serverStart = ct[0] + Math.min(200_000, ct[1] / 10);
      long serverDuration = Math.max(10_000L, ct[1] - 2 * Math.min(200_000, ct[1] / 10));
      out.add(new Generated(callee, "io.opentelemetry.tomcat-10.0", httpServer(traceId, serverId, clientId, "POST",
          "/internal/" + callee + "/" + ROUTES[random.nextInt(ROUTES.length)].substring(5), serverStart, serverDuration,
          out.size() == errorAt)));
      times.computeIfAbsent(callee, k -> new ArrayList<>()).add(new long[] {serverStart, serverDuration});
      parents.computeIfAbsent(callee, k -> new ArrayList<>()).add(serverId);
    }
    List<String> reached = new ArrayList<>(parents.keySet());
    while (out.size() < spanCount) {
      String service = reached.get(out.size() % reached.size());
      int p = random.nextInt(parents.get(service).size());
      long[] pt = times.get(service).get(p);
      long[] ct = within(pt, 0.9);
      ByteString id = randomId(8);
      boolean error = out.size() == errorAt;
      if (random.nextInt(10) < 6) {
        out.add(new Generated(service, "io.opentelemetry.jdbc", db(traceId, id, parents.get(service).get(p), ct[0], ct[1], error)));
      } else {
        out.add(new Generated(service, "com.example." + service, internal(traceId, id, parents.get(service).get(p), service, ct[0],
            ct[1], error)));
        times.get(service).add(ct);
        parents.get(service).add(id);
      }
    }
    return out;
  }

  /** A start and duration inside the parent's {@code {start, duration}}, taking at most {@code share} of it. */
  private long[] within(long[] parent, double share) {
    long offset = (long) (random.nextDouble() * parent[1] * (1 - share));
    long duration = Math.max(10_000L, (long) (parent[1] * share * (0.2 + 0.8 * random.nextDouble())));
    return new long[] {parent[0] + offset, Math.min(duration, parent[1] - offset)};
  }

  private Span.Builder base(ByteString traceId, ByteString id, ByteString parent, String name, Span.SpanKind kind,
                            long start, long duration, boolean error) {
    Span.Builder b = Span.newBuilder().setTraceId(traceId).setSpanId(id).setParentSpanId(parent).setName(name).setKind(kind)
        .setStartTimeUnixNano(start).setEndTimeUnixNano(start + duration).setFlags(0x301);
    if (error) {
      b.setStatus(Status.newBuilder().setCode(Status.StatusCode.STATUS_CODE_ERROR).setMessage("java.io.IOException: connection reset"));
      b.addEvents(Span.Event.newBuilder().setTimeUnixNano(start + duration / 2).setName("exception")
          .addAttributes(str("exception.type", "java.io.IOException"))
          .addAttributes(str("exception.message", "connection reset by peer"))
          .addAttributes(str("exception.stacktrace", stackTrace())));
    }
    return b;
  }

  private Span httpServer(ByteString traceId, ByteString id, ByteString parent, String method, String route, long start,
                          long duration, boolean error) {
    String path = route.replace("{id}", Long.toString(1000 + random.nextInt(1_000_000)));
    return base(traceId, id, parent, method + " " + route, Span.SpanKind.SPAN_KIND_SERVER, start, duration, error)
        .addAttributes(str("http.request.method", method))
        .addAttributes(str("url.path", path))
        .addAttributes(str("url.scheme", "http"))
        .addAttributes(str("http.route", route))
        .addAttributes(num("http.response.status_code", error ? 500 : 200))
        .addAttributes(str("server.address", "frontend.shop.svc.cluster.local"))
        .addAttributes(num("server.port", 8080))
        .addAttributes(str("client.address", "10.1." + random.nextInt(256) + "." + random.nextInt(256)))
        .addAttributes(str("user_agent.original", USER_AGENTS[random.nextInt(USER_AGENTS.length)]))
        .addAttributes(str("network.protocol.version", "1.1"))
        .build();
  }

  private Span httpClient(ByteString traceId, ByteString id, ByteString parent, String callee, long start, long duration,
                          boolean error) {
    return base(traceId, id, parent, "POST", Span.SpanKind.SPAN_KIND_CLIENT, start, duration, error)
        .addAttributes(str("http.request.method", "POST"))
        .addAttributes(str("url.full", "http://" + callee + ".shop.svc.cluster.local:8080/internal/" + callee + "/"
            + Long.toHexString(random.nextLong())))
        .addAttributes(str("server.address", callee + ".shop.svc.cluster.local"))
        .addAttributes(num("server.port", 8080))
        .addAttributes(num("http.response.status_code", error ? 503 : 200))
        .addAttributes(str("network.protocol.version", "1.1"))
        .addAttributes(str("network.peer.address", "10.2." + random.nextInt(256) + "." + random.nextInt(256)))
        .addAttributes(num("network.peer.port", 8080))
        .addAttributes(num("thread.id", 40 + random.nextInt(200)))
        .addAttributes(str("thread.name", "http-nio-8080-exec-" + (1 + random.nextInt(200))))
        .build();
  }

  private Span db(ByteString traceId, ByteString id, ByteString parent, long start, long duration, boolean error) {
    String table = TABLES[random.nextInt(TABLES.length)];
    String op = random.nextInt(4) == 0 ? "UPDATE" : "SELECT";
    String sql = op.equals("SELECT")
        ? "SELECT id, status, total, currency, created_at, updated_at FROM " + table + " WHERE customer_id = ? AND status IN (?, ?) ORDER BY created_at DESC LIMIT ?"
        : "UPDATE " + table + " SET status = ?, updated_at = ? WHERE id = ?";
    return base(traceId, id, parent, op + " shop." + table, Span.SpanKind.SPAN_KIND_CLIENT, start, duration, error)
        .addAttributes(str("db.system", "postgresql"))
        .addAttributes(str("db.namespace", "shop"))
        .addAttributes(str("db.operation.name", op))
        .addAttributes(str("db.collection.name", table))
        .addAttributes(str("db.query.text", sql))
        .addAttributes(str("server.address", "postgres.shop.svc.cluster.local"))
        .addAttributes(num("server.port", 5432))
        .addAttributes(num("db.response.returned_rows", random.nextInt(50)))
        .addAttributes(num("thread.id", 40 + random.nextInt(200)))
        .addAttributes(str("thread.name", "http-nio-8080-exec-" + (1 + random.nextInt(200))))
        .build();
  }

  private Span internal(ByteString traceId, ByteString id, ByteString parent, String service, long start, long duration,
                        boolean error) {
    String fn = new String[] {"load", "price", "validate", "render", "convert", "reserve"}[random.nextInt(6)];
    return base(traceId, id, parent, service + "." + fn, Span.SpanKind.SPAN_KIND_INTERNAL, start, duration, error)
        .addAttributes(str("code.function", fn))
        .addAttributes(str("code.namespace", "com.example." + service + ".Service"))
        .addAttributes(num("thread.id", 40 + random.nextInt(200)))
        .addAttributes(str("thread.name", "http-nio-8080-exec-" + (1 + random.nextInt(200))))
        .addAttributes(num("app.item_count", random.nextInt(20)))
        .addAttributes(str("app.user_id", "u-" + (100_000 + random.nextInt(900_000))))
        .addAttributes(KeyValue.newBuilder().setKey("app.cache_hit").setValue(AnyValue.newBuilder().setBoolValue(random.nextBoolean())))
        .addAttributes(str("app.region", new String[] {"eu-west-1", "us-east-1", "ap-south-1"}[random.nextInt(3)]))
        .addAttributes(str("app.tenant", "tenant-" + random.nextInt(50)))
        .addAttributes(KeyValue.newBuilder().setKey("app.discount").setValue(AnyValue.newBuilder().setDoubleValue(random.nextInt(40) / 4.0)))
        .build();
  }

  private static String stackTrace() {
    return "java.io.IOException: connection reset by peer\n"
        + "\tat java.base/sun.nio.ch.SocketDispatcher.read0(Native Method)\n"
        + "\tat java.base/sun.nio.ch.SocketDispatcher.read(SocketDispatcher.java:47)\n"
        + "\tat java.base/sun.nio.ch.NioSocketImpl.tryRead(NioSocketImpl.java:256)\n"
        + "\tat java.base/sun.nio.ch.NioSocketImpl.implRead(NioSocketImpl.java:307)\n"
        + "\tat java.net.http/jdk.internal.net.http.SocketTube.read(SocketTube.java:781)\n"
        + "\tat com.example.shop.client.HttpBackend.call(HttpBackend.java:88)\n"
        + "\tat com.example.shop.checkout.CheckoutService.placeOrder(CheckoutService.java:142)\n";
  }

  private static Resource resource(String service, int index) {
    return resource(service, index, 0);
  }

  /** The resource of one process (replica) of a service: replicas differ in instance id and host name. */
  static Resource resource(String service, int index, int replica) {
    String instance = replica == 0 ? "a8b2c3d4" : String.format("%08x", 0x5eed0000 + replica);
    String pod = replica == 0 ? "x2k4p" : String.format("r%04d", replica);
    return Resource.newBuilder()
        .addAttributes(str("service.name", service))
        .addAttributes(str("service.version", "1." + index + ".3"))
        .addAttributes(str("service.namespace", "shop"))
        .addAttributes(str("service.instance.id", instance + "-" + service + "-7f9c-4e1b-9d3a-5b6c7d8e9f0a"))
        .addAttributes(str("deployment.environment.name", "production"))
        .addAttributes(str("host.name", service + "-7d9f8b6c4d-" + pod))
        .addAttributes(str("host.arch", "amd64"))
        .addAttributes(str("os.type", "linux"))
        .addAttributes(num("process.pid", 1))
        .addAttributes(str("process.runtime.name", "OpenJDK Runtime Environment"))
        .addAttributes(str("process.runtime.version", "21.0.5+11-LTS"))
        .addAttributes(str("telemetry.sdk.name", "opentelemetry"))
        .addAttributes(str("telemetry.sdk.language", "java"))
        .addAttributes(str("telemetry.sdk.version", "1.44.1"))
        .build();
  }

  private ByteString randomId(int bytes) {
    byte[] b = new byte[bytes];
    for (int i = 0; i < bytes; i += 8) {
      long v = random.nextLong();
      for (int j = 0; j < 8 && i + j < bytes; j++) {
        b[i + j] = (byte) (v >>> (8 * j));
      }
    }
    b[0] |= 1; // never all zero
    return ByteString.copyFrom(b);
  }

  static KeyValue str(String key, String value) {
    return KeyValue.newBuilder().setKey(key).setValue(AnyValue.newBuilder().setStringValue(value)).build();
  }

  static KeyValue num(String key, long value) {
    return KeyValue.newBuilder().setKey(key).setValue(AnyValue.newBuilder().setIntValue(value)).build();
  }

  /** Counts of a request: spans, distinct traces, mean attributes per span. */
  public record Stats(int spans, int traces, double attributesPerSpan) {
  }

  public static Stats stats(ExportTraceServiceRequest request) {
    int spans = 0;
    long attributes = 0;
    java.util.Set<ByteString> traces = new java.util.HashSet<>();
    for (ResourceSpans rs : request.getResourceSpansList()) {
      for (ScopeSpans ss : rs.getScopeSpansList()) {
        for (Span s : ss.getSpansList()) {
          spans++;
          attributes += s.getAttributesCount();
          traces.add(s.getTraceId());
        }
      }
    }
    return new Stats(spans, traces.size(), spans == 0 ? 0 : (double) attributes / spans);
  }
}
