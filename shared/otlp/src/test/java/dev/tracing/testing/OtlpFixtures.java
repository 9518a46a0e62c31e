package dev.tracing.testing;

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
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.time.Instant;
import java.util.HexFormat;
import java.util.concurrent.ThreadLocalRandom;

/** Builders for OTLP test data, and the captured SDK requests under {@code src/test/resources/otlp}. */
public final class OtlpFixtures {
  private OtlpFixtures() {
  }

  public static byte[] resource(String name) {
    try (InputStream in = OtlpFixtures.class.getResourceAsStream("/otlp/" + name)) {
      if (in == null) {
        throw new IllegalArgumentException("no fixture otlp/" + name);
      }
      return in.readAllBytes();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  public static ByteString traceId(String hex) {
    return ByteString.copyFrom(HexFormat.of().parseHex(hex));
  }

  public static ByteString randomTraceId() {
    byte[] b = new byte[16];
    ThreadLocalRandom.current().nextBytes(b);
    b[0] |= 1;
    return ByteString.copyFrom(b);
  }

  public static String hexOf(ByteString id) {
    return HexFormat.of().formatHex(id.toByteArray());
  }

  public static ByteString spanId(long id) {
    return ByteString.copyFrom(ByteBuffer.allocate(8).putLong(id).array());
  }

  public static long nanos(Instant t) {
    return t.getEpochSecond() * 1_000_000_000L + t.getNano();
  }

  public static KeyValue attr(String key, String value) {
    return KeyValue.newBuilder().setKey(key).setValue(AnyValue.newBuilder().setStringValue(value)).build();
  }

  public static KeyValue attr(String key, long value) {
    return KeyValue.newBuilder().setKey(key).setValue(AnyValue.newBuilder().setIntValue(value)).build();
  }

  public static KeyValue attr(String key, boolean value) {
    return KeyValue.newBuilder().setKey(key).setValue(AnyValue.newBuilder().setBoolValue(value)).build();
  }

  public static KeyValue attr(String key, double value) {
    return KeyValue.newBuilder().setKey(key).setValue(AnyValue.newBuilder().setDoubleValue(value)).build();
  }

  public static Resource service(String name) {
    return Resource.newBuilder().addAttributes(attr("service.name", name)).build();
  }

  /**
   * A span of a trace.
   *
   * @param parent 0 for a root span
   * @param error whether the status is ERROR (else UNSET)
   */
  public static Span span(ByteString traceId, long id, long parent, String name, long startNano, long durationNano, boolean error,
                          KeyValue... attributes) {
    Span.Builder b = Span.newBuilder()
        .setTraceId(traceId)
        .setSpanId(spanId(id))
        .setName(name)
        .setKind(parent == 0 ? Span.SpanKind.SPAN_KIND_SERVER : Span.SpanKind.SPAN_KIND_INTERNAL)
        .setStartTimeUnixNano(startNano)
        .setEndTimeUnixNano(startNano + durationNano);
    if (parent != 0) {
      b.setParentSpanId(spanId(parent));
    }
    if (error) {
      b.setStatus(Status.newBuilder().setCode(Status.StatusCode.STATUS_CODE_ERROR).setMessage("failed"));
    }
    for (KeyValue kv : attributes) {
      b.addAttributes(kv);
    }
    return b.build();
  }

  /** One request: all spans under one resource (service) and one scope. */
  public static ExportTraceServiceRequest request(Resource resource, Span... spans) {
    ScopeSpans.Builder scope = ScopeSpans.newBuilder()
        .setScope(InstrumentationScope.newBuilder().setName("test-scope").setVersion("1.0"));
    for (Span s : spans) {
      scope.addSpans(s);
    }
    return ExportTraceServiceRequest.newBuilder()
        .addResourceSpans(ResourceSpans.newBuilder().setResource(resource).addScopeSpans(scope))
        .build();
  }
}
