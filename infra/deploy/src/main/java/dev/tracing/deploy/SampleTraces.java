package dev.tracing.deploy;

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
import java.security.SecureRandom;
import java.time.Instant;
import java.util.HexFormat;

/** OTLP export requests shaped like an SDK's: one service, a server span and two children. */
public final class SampleTraces {
  private static final SecureRandom RANDOM = new SecureRandom();

  private SampleTraces() {
  }

  public static String randomTraceId() {
    byte[] id = new byte[16];
    RANDOM.nextBytes(id);
    id[0] |= 1; // never all zero
    return HexFormat.of().formatHex(id);
  }

  /** A checkout request of {@code service}, started {@code start}, under {@code traceId} (32 hex chars). */
  public static ExportTraceServiceRequest checkout(String traceId, String service, Instant start) {
    ByteString trace = ByteString.copyFrom(HexFormat.of().parseHex(traceId));
    long t0 = start.getEpochSecond() * 1_000_000_000L + start.getNano();
    Span root = span(trace, 1, 0, "POST /checkout", Span.SpanKind.SPAN_KIND_SERVER, t0, 48_000_000L)
        .addAttributes(attr("http.request.method", "POST")).addAttributes(attr("http.route", "/checkout"))
        .addAttributes(KeyValue.newBuilder().setKey("http.response.status_code")
            .setValue(AnyValue.newBuilder().setIntValue(200))).build();
    Span db = span(trace, 2, 1, "SELECT orders", Span.SpanKind.SPAN_KIND_CLIENT, t0 + 3_000_000L, 12_000_000L)
        .addAttributes(attr("db.system", "postgresql")).build();
    Span pay = span(trace, 3, 1, "POST /payments", Span.SpanKind.SPAN_KIND_CLIENT, t0 + 20_000_000L, 25_000_000L)
        .addAttributes(attr("server.address", "payments.internal")).build();
    return ExportTraceServiceRequest.newBuilder().addResourceSpans(ResourceSpans.newBuilder()
        .setResource(Resource.newBuilder().addAttributes(attr("service.name", service))
            .addAttributes(attr("telemetry.sdk.language", "java")))
        .addScopeSpans(ScopeSpans.newBuilder()
            .setScope(InstrumentationScope.newBuilder().setName("io.opentelemetry.tomcat-10.0").setVersion("2.10.0"))
            .addSpans(root).addSpans(db).addSpans(pay)))
        .build();
  }

  private static Span.Builder span(ByteString trace, long id, long parent, String name, Span.SpanKind kind, long start,
                                   long duration) {
    Span.Builder b = Span.newBuilder().setTraceId(trace).setSpanId(spanId(id)).setName(name).setKind(kind)
        .setStartTimeUnixNano(start).setEndTimeUnixNano(start + duration)
        .setStatus(Status.newBuilder().setCode(Status.StatusCode.STATUS_CODE_UNSET));
    if (parent != 0) {
      b.setParentSpanId(spanId(parent));
    }
    return b;
  }

  private static ByteString spanId(long id) {
    byte[] b = new byte[8];
    for (int i = 7; i >= 0; i--) {
      b[i] = (byte) id;
      id >>>= 8;
    }
    return ByteString.copyFrom(b);
  }

  private static KeyValue attr(String key, String value) {
    return KeyValue.newBuilder().setKey(key).setValue(AnyValue.newBuilder().setStringValue(value)).build();
  }
}
