package dev.tracing.functions.lambda;

import static dev.tracing.testing.OtlpFixtures.attr;
import static dev.tracing.testing.OtlpFixtures.nanos;
import static dev.tracing.testing.OtlpFixtures.spanId;
import static dev.tracing.testing.OtlpFixtures.traceId;

import com.google.protobuf.ByteString;
import io.opentelemetry.proto.collector.trace.v1.ExportTraceServiceRequest;
import io.opentelemetry.proto.common.v1.AnyValue;
import io.opentelemetry.proto.common.v1.ArrayValue;
import io.opentelemetry.proto.common.v1.InstrumentationScope;
import io.opentelemetry.proto.common.v1.KeyValue;
import io.opentelemetry.proto.common.v1.KeyValueList;
import io.opentelemetry.proto.resource.v1.Resource;
import io.opentelemetry.proto.trace.v1.ResourceSpans;
import io.opentelemetry.proto.trace.v1.ScopeSpans;
import io.opentelemetry.proto.trace.v1.Span;
import io.opentelemetry.proto.trace.v1.Status;
import java.time.Instant;

/**
 * OTLP requests that only a byte-exact path carries intact.
 *
 * <p>Used by the ingest and get-trace modules' tests.
 */
public final class BinaryExports {
  /** The trace id of {@link #everyByteValue()}. */
  public static final String EVERY_BYTE_TRACE_ID = "ff80c0fe0001e2828000f4908080ed9f";

  private BinaryExports() {
  }

  /**
   * A request whose ids and values hold bytes that do not survive a trip through a String (every
   * byte value 0x00-0xFF, invalid UTF-8 sequences in ids, multi-byte UTF-8 text): if anything on
   * the path decoded the body as text, parsing or the comparison afterwards fails.
   */
  public static ExportTraceServiceRequest everyByteValue() {
    byte[] every = new byte[256];
    for (int i = 0; i < every.length; i++) {
      every[i] = (byte) i;
    }
    ByteString trace = traceId(EVERY_BYTE_TRACE_ID);
    long now = nanos(Instant.now().minusSeconds(5));
    Resource resource = Resource.newBuilder()
        .addAttributes(attr("service.name", "zahlungsdienst-ü"))
        .addAttributes(attr("host.name", "knoten-🚀-01"))
        .addAttributes(KeyValue.newBuilder().setKey("host.id.raw").setValue(AnyValue.newBuilder().setBytesValue(ByteString.copyFrom(every))))
        .build();
    Span root = Span.newBuilder()
        .setTraceId(trace)
        .setSpanId(spanId(0xFF80_C0E2_8280_0001L))
        .setName("POST /zahlung/ü")
        .setKind(Span.SpanKind.SPAN_KIND_SERVER)
        .setStartTimeUnixNano(now)
        .setEndTimeUnixNano(now + 7_654_321)
        .setTraceState("vendor=ÿ")
        .addAttributes(attr("http.request.method", "POST"))
        .addAttributes(attr("text.multibyte", "Grüße, 世界, 🚀, \u0000 and \uFFFD"))
        .addAttributes(attr("int.big", 9_007_199_254_740_993L))
        .addAttributes(attr("int.negative", -1L))
        .addAttributes(attr("double.value", 0.1))
        .addAttributes(attr("bool.value", true))
        .addAttributes(KeyValue.newBuilder().setKey("bytes.every").setValue(AnyValue.newBuilder().setBytesValue(ByteString.copyFrom(every))))
        .addAttributes(KeyValue.newBuilder().setKey("array.mixed").setValue(AnyValue.newBuilder().setArrayValue(ArrayValue.newBuilder()
            .addValues(AnyValue.newBuilder().setStringValue("ä"))
            .addValues(AnyValue.newBuilder().setIntValue(Long.MIN_VALUE))
            .addValues(AnyValue.newBuilder().setBoolValue(false)))))
        .addAttributes(KeyValue.newBuilder().setKey("kvlist").setValue(AnyValue.newBuilder().setKvlistValue(KeyValueList.newBuilder()
            .addValues(attr("nested.ß", "wert")))))
        .addEvents(Span.Event.newBuilder().setTimeUnixNano(now + 1000).setName("ausnahme-ü")
            .addAttributes(attr("exception.message", "Übertragung fehlgeschlagen: \u00ff\u0080")))
        .addLinks(Span.Link.newBuilder().setTraceId(traceId("80808080808080808080808080808080"))
            .setSpanId(spanId(0x8080_8080_8080_8080L)).setTraceState("k=v").addAttributes(attr("link.kind", "folgt")))
        .setStatus(Status.newBuilder().setCode(Status.StatusCode.STATUS_CODE_ERROR).setMessage("Zahlung abgelehnt – ü"))
        .build();
    Span child = Span.newBuilder()
        .setTraceId(trace)
        .setSpanId(spanId(0xC3A9_FFFE_0000_00FFL))
        .setParentSpanId(root.getSpanId())
        .setName("SELECT konten")
        .setKind(Span.SpanKind.SPAN_KIND_CLIENT)
        .setStartTimeUnixNano(now + 100)
        .setEndTimeUnixNano(now + 5_000_100)
        .addAttributes(attr("db.statement", "SELECT * FROM konten WHERE name = 'Jürgen'"))
        .build();
    return ExportTraceServiceRequest.newBuilder()
        .addResourceSpans(ResourceSpans.newBuilder().setResource(resource).setSchemaUrl("https://opentelemetry.io/schemas/1.26.0")
            .addScopeSpans(ScopeSpans.newBuilder()
                .setScope(InstrumentationScope.newBuilder().setName("bibliothek-ü").setVersion("1.0.0-ß"))
                .addSpans(root)
                .addSpans(child)))
        .build();
  }
}
