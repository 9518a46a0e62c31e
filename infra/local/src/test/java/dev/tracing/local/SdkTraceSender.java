package dev.tracing.local;

import io.opentelemetry.api.common.AttributeKey;
import io.opentelemetry.api.common.Attributes;
import io.opentelemetry.api.common.KeyValue;
import io.opentelemetry.api.common.Value;
import io.opentelemetry.api.trace.Span;
import io.opentelemetry.api.trace.SpanContext;
import io.opentelemetry.api.trace.SpanKind;
import io.opentelemetry.api.trace.StatusCode;
import io.opentelemetry.api.trace.TraceFlags;
import io.opentelemetry.api.trace.TraceState;
import io.opentelemetry.api.trace.Tracer;
import io.opentelemetry.context.Context;
import io.opentelemetry.sdk.OpenTelemetrySdk;
import io.opentelemetry.sdk.autoconfigure.AutoConfiguredOpenTelemetrySdk;
import io.opentelemetry.sdk.common.CompletableResultCode;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;

/**
 * A user's program: the OpenTelemetry Java SDK configured only by the standard {@code OTEL_*}
 * environment variables ({@link AutoConfiguredOpenTelemetrySdk#initialize()}), recording one
 * trace (server, client, internal) with every attribute type, events, a link and an error
 * status, with explicit timestamps so the test knows every value sent.
 *
 * <p>Prints one JSON line with the ids the SDK generated and the base timestamp; everything else
 * sent is in the constants below. Exit code 0 when the SDK reports the export succeeded, 3 when
 * the flush failed (the exporter's own warning is on stderr).
 */
public final class SdkTraceSender {
  static final String SCOPE_NAME = "dev.tracing.e2e.checkout";
  static final String SCOPE_VERSION = "3.1.4";
  static final String SERVER_NAME = "GET /orders/{id}";
  static final String CLIENT_NAME = "GET inventory";
  static final String INTERNAL_NAME = "parse inventory response";
  static final String ERROR_MESSAGE = "inventory answered 503: upstream unavailable";
  static final String LINK_TRACE_STATE = "congo=t61rcWkgMzE";

  /** Offsets from the base timestamp, in nanoseconds (odd values: nothing may be rounded). */
  static final long SERVER_START = 0;
  static final long SERVER_END = 987_654_321;
  static final long CLIENT_START = 1_000_001;
  static final long CLIENT_END = 456_789_013;
  static final long INTERNAL_START = 2_000_003;
  static final long INTERNAL_END = 333_333_337;
  static final long SERVER_EVENT = 123_457;
  static final long CLIENT_EVENT = 400_000_009;
  static final long INTERNAL_EVENT = 2_100_007;

  /** Beyond 2^53: JSON answers must carry it as a string. */
  static final long BIG = 9_007_199_254_740_993L;
  static final byte[] RAW_BYTES = {1, 2, 3, (byte) 0xfe, (byte) 0xff};

  private SdkTraceSender() {
  }

  public static void main(String[] args) {
    AutoConfiguredOpenTelemetrySdk auto = AutoConfiguredOpenTelemetrySdk.initialize();
    OpenTelemetrySdk sdk = auto.getOpenTelemetrySdk();
    Tracer tracer = sdk.getTracer(SCOPE_NAME, SCOPE_VERSION);

    Instant now = Instant.now().minusSeconds(5);
    long base = now.getEpochSecond() * 1_000_000_000L + (now.getNano() / 1000) * 1000 + 789;

    // A span of another trace that the server span links to (an upstream message, say).
    SpanContext linked = SpanContext.createFromRemoteParent(randomHex(16), randomHex(8), TraceFlags.getSampled(),
        TraceState.builder().put("congo", "t61rcWkgMzE").build());

    Span server = tracer.spanBuilder(SERVER_NAME)
        .setNoParent()
        .setSpanKind(SpanKind.SERVER)
        .setStartTimestamp(base + SERVER_START, TimeUnit.NANOSECONDS)
        .setAllAttributes(serverAttributes())
        .setAttribute(AttributeKey.valueKey("order.details"), orderDetails())
        .addLink(linked, Attributes.builder().put("link.reason", "follows-from").put("link.index", 1L).build())
        .startSpan();
    server.addEvent("request received", eventAttributes(), base + SERVER_EVENT, TimeUnit.NANOSECONDS);

    Span client = tracer.spanBuilder(CLIENT_NAME)
        .setParent(Context.root().with(server))
        .setSpanKind(SpanKind.CLIENT)
        .setStartTimestamp(base + CLIENT_START, TimeUnit.NANOSECONDS)
        .setAttribute("server.address", "inventory.internal")
        .setAttribute("server.port", 8443L)
        .setAttribute("http.request.resend_count", 2L)
        .startSpan();
    client.addEvent("exception", Attributes.builder()
        .put("exception.type", "java.net.http.HttpTimeoutException")
        .put("exception.message", "request timed out")
        .put("exception.escaped", false)
        .build(), base + CLIENT_EVENT, TimeUnit.NANOSECONDS);
    client.setStatus(StatusCode.ERROR, ERROR_MESSAGE);

    Span internal = tracer.spanBuilder(INTERNAL_NAME)
        .setParent(Context.root().with(client))
        .setSpanKind(SpanKind.INTERNAL)
        .setStartTimestamp(base + INTERNAL_START, TimeUnit.NANOSECONDS)
        .setAttribute("payload.bytes", 0L)
        .setAttribute("payload.valid", true)
        .startSpan();
    internal.addEvent("parsed", base + INTERNAL_EVENT, TimeUnit.NANOSECONDS);
    internal.setStatus(StatusCode.OK);
    internal.end(base + INTERNAL_END, TimeUnit.NANOSECONDS);
    client.end(base + CLIENT_END, TimeUnit.NANOSECONDS);
    server.end(base + SERVER_END, TimeUnit.NANOSECONDS);

    CompletableResultCode flush = sdk.getSdkTracerProvider().forceFlush().join(30, TimeUnit.SECONDS);
    sdk.shutdown().join(30, TimeUnit.SECONDS);

    System.out.println("{\"trace_id\":\"" + server.getSpanContext().getTraceId() + "\""
        + ",\"server\":\"" + server.getSpanContext().getSpanId() + "\""
        + ",\"client\":\"" + client.getSpanContext().getSpanId() + "\""
        + ",\"internal\":\"" + internal.getSpanContext().getSpanId() + "\""
        + ",\"link_trace_id\":\"" + linked.getTraceId() + "\""
        + ",\"link_span_id\":\"" + linked.getSpanId() + "\""
        + ",\"base_nano\":" + base
        + ",\"flush_ok\":" + flush.isSuccess() + "}");
    System.out.flush();
    System.exit(flush.isSuccess() ? 0 : 3);
  }

  static Attributes serverAttributes() {
    return Attributes.builder()
        .put("http.request.method", "GET")
        .put("url.path", "/orders/42")
        .put("http.response.status_code", 200L)
        .put("cache.hit", true)
        .put("sample.ratio", 0.25)
        .put("order.total", 1234.5)
        .put("order.big_id", BIG)
        .put("order.negative", -42L)
        .put(AttributeKey.stringArrayKey("order.skus"), List.of("sku-1", "sku-22", ""))
        .put(AttributeKey.booleanArrayKey("order.gift_flags"), List.of(true, false))
        .put(AttributeKey.longArrayKey("order.quantities"), List.of(1L, -2L, BIG))
        .put(AttributeKey.doubleArrayKey("order.prices"), List.of(9.99, -0.5, 1.0e300))
        .put("unicode.text", "Grüße, 世界 \"quoted\"\n")
        .build();
  }

  static Value<?> orderDetails() {
    return Value.of(
        KeyValue.of("customer", Value.of(KeyValue.of("id", Value.of(42L)), KeyValue.of("vip", Value.of(true)))),
        KeyValue.of("items", Value.of(Value.of("book"), Value.of(2L), Value.of(2.5))),
        KeyValue.of("raw", Value.of(RAW_BYTES)));
  }

  static Attributes eventAttributes() {
    return Attributes.builder()
        .put("event.text", "hello")
        .put("event.flag", true)
        .put("event.count", 7L)
        .put("event.ratio", 0.5)
        .put(AttributeKey.stringArrayKey("event.tags"), List.of("a", "b"))
        .put(AttributeKey.longArrayKey("event.ids"), List.of(3L, 4L))
        .build();
  }

  private static String randomHex(int bytes) {
    StringBuilder sb = new StringBuilder();
    for (int i = 0; i < bytes; i++) {
      sb.append(String.format("%02x", ThreadLocalRandom.current().nextInt(i == 0 ? 1 : 0, 256)));
    }
    return sb.toString();
  }
}
