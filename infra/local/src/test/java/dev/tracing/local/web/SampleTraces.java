package dev.tracing.local.web;

import static dev.tracing.testing.OtlpFixtures.attr;

import com.google.protobuf.ByteString;
import dev.tracing.testing.OtlpFixtures;
import io.opentelemetry.proto.collector.trace.v1.ExportTraceServiceRequest;
import io.opentelemetry.proto.common.v1.AnyValue;
import io.opentelemetry.proto.common.v1.InstrumentationScope;
import io.opentelemetry.proto.common.v1.KeyValue;
import io.opentelemetry.proto.resource.v1.Resource;
import io.opentelemetry.proto.trace.v1.ResourceSpans;
import io.opentelemetry.proto.trace.v1.ScopeSpans;
import io.opentelemetry.proto.trace.v1.Span;
import io.opentelemetry.proto.trace.v1.Status;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Predicate;

/**
 * Realistic traces of a small shop (frontend, cart, checkout, payment, inventory, postgres,
 * notifications, worker), sent through the real ingest endpoint as OTLP protobuf, and what
 * every trace is, so tests can say which rows a filter must show.
 */
final class SampleTraces {
  private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

  /** What a trace is, as the list reports it: its head span is the root, or the earliest span. */
  record Sent(String id, String name, String service, long startNano, long durationNano, Set<String> services,
              boolean hasError, boolean inProgress, Map<String, String> attributes, int spanCount, Map<String, String> spanIds) {
  }

  final List<Sent> traces = new ArrayList<>();

  /** A Java stack trace as the OpenTelemetry agent records it: 24 lines, tabs before each frame. */
  static final String STACK_TRACE = """
      shop.payment.PaymentDeclinedException: card declined by issuer (code 05, do not honour)
      \tat shop.payment.AcmeGateway.charge(AcmeGateway.java:214)
      \tat shop.payment.AcmeGateway.chargeWithRetry(AcmeGateway.java:187)
      \tat shop.payment.PaymentService.charge(PaymentService.java:88)
      \tat shop.payment.PaymentService$$SpringCGLIB$$0.charge(<generated>)
      \tat org.springframework.aop.framework.CglibAopProxy$DynamicAdvisedInterceptor.intercept(CglibAopProxy.java:720)
      \tat shop.checkout.CheckoutController.placeOrder(CheckoutController.java:61)
      \tat java.base/jdk.internal.reflect.DirectMethodHandleAccessor.invoke(DirectMethodHandleAccessor.java:103)
      \tat java.base/java.lang.reflect.Method.invoke(Method.java:580)
      \tat org.springframework.web.method.support.InvocableHandlerMethod.doInvoke(InvocableHandlerMethod.java:255)
      \tat org.springframework.web.servlet.DispatcherServlet.doDispatch(DispatcherServlet.java:1089)
      \tat org.springframework.web.servlet.FrameworkServlet.service(FrameworkServlet.java:885)
      \tat jakarta.servlet.http.HttpServlet.service(HttpServlet.java:658)
      \tat org.apache.catalina.core.ApplicationFilterChain.doFilter(ApplicationFilterChain.java:140)
      \tat org.apache.catalina.core.StandardWrapperValve.invoke(StandardWrapperValve.java:167)
      \tat org.apache.catalina.connector.CoyoteAdapter.service(CoyoteAdapter.java:344)
      \tat org.apache.coyote.http11.Http11Processor.service(Http11Processor.java:391)
      \tat org.apache.tomcat.util.net.NioEndpoint$SocketProcessor.doRun(NioEndpoint.java:1736)
      \tat java.base/java.util.concurrent.ThreadPoolExecutor.runWorker(ThreadPoolExecutor.java:1144)
      \tat java.base/java.lang.Thread.run(Thread.java:1583)
      Caused by: java.net.SocketTimeoutException: Read timed out
      \tat java.base/sun.nio.ch.NioSocketImpl.timedRead(NioSocketImpl.java:278)
      \tat shop.payment.AcmeGateway.charge(AcmeGateway.java:209)
      \t... 18 more""";

  /** One trace being built: spans with ids from 1, grouped by service into resources. */
  static final class TraceBuilder {
    final ByteString traceId = OtlpFixtures.randomTraceId();
    final String hex = HexFormat.of().formatHex(traceId.toByteArray());
    final long base;
    final Map<String, List<Span.Builder>> byService = new LinkedHashMap<>();
    final Map<Span.Builder, String> serviceOf = new LinkedHashMap<>();
    long nextId = 1;

    TraceBuilder(Instant start) {
      base = OtlpFixtures.nanos(start);
    }

    /** A span starting startMs after the trace's start, lasting durMs; parent 0 for the root. */
    Span.Builder span(long parent, String service, String name, double startMs, double durMs, KeyValue... attributes) {
      long id = nextId++;
      long start = base + Math.round(startMs * 1_000_000);
      Span.Builder b = Span.newBuilder()
          .setTraceId(traceId)
          .setSpanId(OtlpFixtures.spanId(id))
          .setName(name)
          .setKind(parent == 0 ? Span.SpanKind.SPAN_KIND_SERVER : Span.SpanKind.SPAN_KIND_INTERNAL)
          .setStartTimeUnixNano(start)
          .setEndTimeUnixNano(start + Math.round(durMs * 1_000_000));
      if (parent != 0) {
        b.setParentSpanId(OtlpFixtures.spanId(parent));
      }
      for (KeyValue kv : attributes) {
        b.addAttributes(kv);
      }
      byService.computeIfAbsent(service, s -> new ArrayList<>()).add(b);
      serviceOf.put(b, service);
      return b;
    }

    static long id(Span.Builder b) {
      return b.getSpanId().asReadOnlyByteBuffer().getLong();
    }

    static String hexId(Span.Builder b) {
      return HexFormat.of().formatHex(b.getSpanId().toByteArray());
    }

    static Span.Builder fail(Span.Builder b, String message) {
      return b.setStatus(Status.newBuilder().setCode(Status.StatusCode.STATUS_CODE_ERROR).setMessage(message));
    }

    static Span.Builder event(Span.Builder b, String name, double atMsAfterStart, KeyValue... attributes) {
      Span.Event.Builder e = Span.Event.newBuilder().setName(name)
          .setTimeUnixNano(b.getStartTimeUnixNano() + Math.round(atMsAfterStart * 1_000_000));
      for (KeyValue kv : attributes) {
        e.addAttributes(kv);
      }
      return b.addEvents(e);
    }

    ExportTraceServiceRequest request() {
      ExportTraceServiceRequest.Builder r = ExportTraceServiceRequest.newBuilder();
      for (Map.Entry<String, List<Span.Builder>> e : byService.entrySet()) {
        ScopeSpans.Builder scope = ScopeSpans.newBuilder()
            .setScope(InstrumentationScope.newBuilder().setName("io.opentelemetry.shop").setVersion("2.9.0"));
        e.getValue().forEach(s -> scope.addSpans(s.build()));
        r.addResourceSpans(ResourceSpans.newBuilder().setResource(resource(e.getKey())).addScopeSpans(scope));
      }
      return r.build();
    }

    static Resource resource(String service) {
      return Resource.newBuilder()
          .addAttributes(attr("service.name", service))
          .addAttributes(attr("service.version", "1.4.2"))
          .addAttributes(attr("deployment.environment.name", "staging"))
          .addAttributes(attr("host.name", service + "-7f9c4d-x2k"))
          .addAttributes(attr("telemetry.sdk.language", "java"))
          .build();
    }

    /** What the list must say about this trace. */
    Sent sent() {
      List<Span.Builder> all = new ArrayList<>(serviceOf.keySet());
      Span.Builder head = all.stream().filter(s -> s.getParentSpanId().isEmpty()).findFirst()
          .orElseGet(() -> all.stream().min(Comparator.comparingLong(Span.Builder::getStartTimeUnixNano)).orElseThrow());
      Map<String, String> attributes = new LinkedHashMap<>();
      Map<String, String> spanIds = new LinkedHashMap<>();
      for (Span.Builder s : all) {
        s.getAttributesList().forEach(kv -> attributes.putIfAbsent(kv.getKey(), text(kv.getValue())));
        resource(serviceOf.get(s)).getAttributesList().forEach(kv -> attributes.putIfAbsent(kv.getKey(), text(kv.getValue())));
        spanIds.putIfAbsent(s.getName(), hexId(s));
      }
      return new Sent(hex, head.getName(), serviceOf.get(head), head.getStartTimeUnixNano(),
          head.getEndTimeUnixNano() - head.getStartTimeUnixNano(), new LinkedHashSet<>(serviceOf.values()),
          all.stream().anyMatch(s -> s.getStatus().getCode() == Status.StatusCode.STATUS_CODE_ERROR),
          all.stream().noneMatch(s -> s.getParentSpanId().isEmpty()), attributes, all.size(), spanIds);
    }

    private static String text(AnyValue v) {
      return switch (v.getValueCase()) {
        case STRING_VALUE -> v.getStringValue();
        case INT_VALUE -> Long.toString(v.getIntValue());
        case BOOL_VALUE -> Boolean.toString(v.getBoolValue());
        case DOUBLE_VALUE -> Double.toString(v.getDoubleValue());
        default -> v.toString();
      };
    }
  }

  /** Sends one trace's request to the ingest endpoint and remembers it. */
  Sent send(URI ingestUrl, String token, TraceBuilder trace) {
    ingest(ingestUrl, token, trace.request());
    Sent sent = trace.sent();
    traces.add(sent);
    return sent;
  }

  static void ingest(URI ingestUrl, String token, ExportTraceServiceRequest request) {
    HttpRequest post = HttpRequest.newBuilder(ingestUrl)
        .timeout(Duration.ofSeconds(60))
        .header("Content-Type", "application/x-protobuf")
        .header("PRIVATE-TOKEN", token)
        .POST(HttpRequest.BodyPublishers.ofByteArray(request.toByteArray()))
        .build();
    try {
      HttpResponse<String> r = HTTP.send(post, HttpResponse.BodyHandlers.ofString());
      if (r.statusCode() != 200) {
        throw new AssertionError("ingest answered " + r.statusCode() + ": " + r.body());
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }

  /** The shop's traces over the last 50 minutes: fast and slow, failed, in progress, async, linked. */
  void sendShop(URI ingestUrl, String token, Instant now) {
    double[] cartMs = {38, 52, 61, 44, 79};
    for (int i = 0; i < cartMs.length; i++) {
      TraceBuilder t = new TraceBuilder(now.minusSeconds(60L + i * 420));
      Span.Builder root = t.span(0, "frontend", "GET /cart", 0, cartMs[i], attr("http.request.method", "GET"),
          attr("http.route", "/cart"), attr("http.response.status_code", 200L), attr("url.full", "https://shop.example.com/cart"));
      Span.Builder get = t.span(TraceBuilder.id(root), "cart", "GetCart", 2, cartMs[i] - 5, attr("cart.items", 3L),
          attr("user.tier", i % 2 == 0 ? "gold" : "basic"));
      t.span(TraceBuilder.id(get), "postgres", "SELECT cart_items", 4, cartMs[i] - 14,
          attr("db.system", "postgresql"), attr("db.statement", "SELECT * FROM cart_items WHERE cart_id = $1"));
      send(ingestUrl, token, t);
    }

    // The slow checkout: the payment provider takes 2.3 s.
    TraceBuilder slow = new TraceBuilder(now.minusSeconds(960));
    Span.Builder root = slow.span(0, "frontend", "POST /checkout", 0, 2620, attr("http.request.method", "POST"),
        attr("http.route", "/checkout"), attr("http.response.status_code", 200L));
    Span.Builder place = slow.span(TraceBuilder.id(root), "checkout", "PlaceOrder", 6, 2600, attr("order.id", "ord_8812"));
    slow.span(TraceBuilder.id(place), "inventory", "ReserveStock", 12, 85, attr("stock.items", 3L));
    Span.Builder charge = slow.span(TraceBuilder.id(place), "payment", "Charge", 104, 2380, attr("payment.provider", "acme"),
        attr("payment.amount", 129.5), attr("http.url", "https://payments.example.com/v1/charges?id=ch_31xk"),
        attr("retry.enabled", true));
    charge.setKind(Span.SpanKind.SPAN_KIND_CLIENT);
    TraceBuilder.event(charge, "request.sent", 3);
    TraceBuilder.event(charge, "provider.slow_response", 1800, attr("provider.region", "eu-west-1"),
        attr("docs", "https://status.example.com/incidents/42"));
    slow.span(TraceBuilder.id(place), "postgres", "INSERT orders", 2490, 22, attr("db.system", "postgresql"));
    send(ingestUrl, token, slow);

    // A failed checkout: the card is declined.
    TraceBuilder failed = new TraceBuilder(now.minusSeconds(1260));
    Span.Builder froot = failed.span(0, "frontend", "POST /checkout", 0, 910, attr("http.request.method", "POST"),
        attr("http.route", "/checkout"), attr("http.response.status_code", 402L));
    TraceBuilder.fail(froot, "payment required");
    Span.Builder fplace = failed.span(TraceBuilder.id(froot), "checkout", "PlaceOrder", 5, 895);
    Span.Builder fcharge = failed.span(TraceBuilder.id(fplace), "payment", "Charge", 20, 860, attr("payment.provider", "acme"),
        attr("payment.note", "line one\nline two"));
    TraceBuilder.fail(fcharge, "card declined by issuer");
    TraceBuilder.event(fcharge, "exception", 850, attr("exception.type", "PaymentDeclinedException"),
        attr("exception.message", "card declined by issuer"), attr("exception.stacktrace", STACK_TRACE));
    send(ingestUrl, token, failed);

    // A quick checkout through another provider.
    TraceBuilder quick = new TraceBuilder(now.minusSeconds(1500));
    Span.Builder qroot = quick.span(0, "frontend", "POST /checkout", 0, 310, attr("http.route", "/checkout"));
    Span.Builder qplace = quick.span(TraceBuilder.id(qroot), "checkout", "PlaceOrder", 4, 300);
    quick.span(TraceBuilder.id(qplace), "payment", "Charge", 30, 240, attr("payment.provider", "globex"));
    send(ingestUrl, token, quick);

    double[] productsMs = {120, 1430};
    for (int i = 0; i < productsMs.length; i++) {
      TraceBuilder t = new TraceBuilder(now.minusSeconds(1700L + i * 300));
      Span.Builder r = t.span(0, "frontend", "GET /products", 0, productsMs[i], attr("http.route", "/products"));
      Span.Builder list = t.span(TraceBuilder.id(r), "inventory", "ListProducts", 3, productsMs[i] - 6,
          attr("cache.hit", i == 0));
      t.span(TraceBuilder.id(list), "postgres", "SELECT products", 8, productsMs[i] - 20, attr("db.system", "postgresql"));
      send(ingestUrl, token, t);
    }

    // Still running: the root span has not arrived.
    TraceBuilder running = new TraceBuilder(now.minusSeconds(200));
    Span.Builder batch = running.span(999, "worker", "ProcessBatch", 10, 480, attr("batch.size", 50L));
    running.span(TraceBuilder.id(batch), "postgres", "UPDATE stock", 40, 120, attr("db.system", "postgresql"));
    send(ingestUrl, token, running);

    // An order whose confirmation e-mail is sent after the request has answered.
    TraceBuilder order = new TraceBuilder(now.minusSeconds(2400));
    Span.Builder oroot = order.span(0, "frontend", "POST /orders", 0, 240, attr("http.route", "/orders"));
    Span.Builder publish = order.span(TraceBuilder.id(oroot), "checkout", "publish order.created", 200, 12);
    publish.setKind(Span.SpanKind.SPAN_KIND_PRODUCER);
    order.span(TraceBuilder.id(publish), "notifications", "send-confirmation-email", 260, 640,
        attr("messaging.system", "kafka")).setKind(Span.SpanKind.SPAN_KIND_CONSUMER);
    send(ingestUrl, token, order);

    // A consumer trace that links to the order's producer span and to a trace from elsewhere.
    TraceBuilder consumer = new TraceBuilder(now.minusSeconds(2300));
    Span.Builder croot = consumer.span(0, "worker", "consume orders", 0, 95, attr("messaging.batch.message_count", 2L));
    croot.setKind(Span.SpanKind.SPAN_KIND_CONSUMER);
    croot.addLinks(Span.Link.newBuilder().setTraceId(order.traceId).setSpanId(OtlpFixtures.spanId(2))
        .addAttributes(attr("messaging.message.id", "m-1")));
    croot.addLinks(Span.Link.newBuilder().setTraceId(OtlpFixtures.traceId("0af7651916cd43dd8448eb211c80319c"))
        .setSpanId(OtlpFixtures.spanId(7)));
    consumer.span(TraceBuilder.id(croot), "worker", "update ledger", 10, 70);
    send(ingestUrl, token, consumer);

    TraceBuilder health = new TraceBuilder(now.minusSeconds(2700));
    health.span(0, "frontend", "GET /health", 0, 1.8, attr("http.route", "/health"));
    send(ingestUrl, token, health);

    // A cart request that failed inside the cart service.
    TraceBuilder broken = new TraceBuilder(now.minusSeconds(2900));
    Span.Builder broot = broken.span(0, "frontend", "GET /cart", 0, 57, attr("http.route", "/cart"),
        attr("http.response.status_code", 500L));
    Span.Builder bget = broken.span(TraceBuilder.id(broot), "cart", "GetCart", 3, 50);
    TraceBuilder.fail(bget, "connection refused: redis://cart-cache:6379");
    send(ingestUrl, token, broken);
  }

  Sent byName(String name, Predicate<Sent> which) {
    return traces.stream().filter(t -> t.name().equals(name) && which.test(t)).findFirst()
        .orElseThrow(() -> new AssertionError("no sample trace " + name));
  }

  /** The ids a filter must show, in the list's order for a sort. */
  List<String> expected(Predicate<Sent> filter, String sort) {
    Comparator<Sent> order = switch (sort) {
      case "duration_desc" -> Comparator.comparingLong(Sent::durationNano).reversed();
      case "duration_asc" -> Comparator.comparingLong(Sent::durationNano);
      case "timestamp_asc" -> Comparator.comparingLong(Sent::startNano);
      default -> Comparator.comparingLong(Sent::startNano).reversed();
    };
    return traces.stream().filter(filter).sorted(order.thenComparing(Sent::id)).map(Sent::id).toList();
  }
}
