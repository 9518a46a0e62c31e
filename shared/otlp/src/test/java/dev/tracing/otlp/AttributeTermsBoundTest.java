package dev.tracing.otlp;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.tracing.trace.AttributeTerms;
import dev.tracing.trace.TraceSummary;
import dev.tracing.trace.TraceChunk;
import com.google.protobuf.ByteString;
import dev.tracing.testing.OtlpFixtures;
import io.opentelemetry.proto.collector.trace.v1.ExportTraceServiceRequest;
import io.opentelemetry.proto.common.v1.KeyValue;
import io.opentelemetry.proto.resource.v1.Resource;
import io.opentelemetry.proto.trace.v1.Span;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The documented rule for which attribute terms a trace keeps searchable once it has more than
 * {@link AttributeTerms#MAX_TERMS_PER_TRACE}: the first ones in the order the spans are stored,
 * each span's own attributes in their order, then its resource's, repeats not counted.
 */
class AttributeTermsBoundTest {
  static final Instant NOW = Instant.now();
  static final long T = OtlpFixtures.nanos(NOW.minusSeconds(60));
  static final ByteString TRACE = OtlpFixtures.traceId("4bf92f3577b34da6a3ce929d0e0e4736");

  static KeyValue[] attrs(String prefix, int from, int to) {
    List<KeyValue> out = new ArrayList<>();
    for (int i = from; i < to; i++) {
      out.add(OtlpFixtures.attr(prefix + i, "v" + i));
    }
    return out.toArray(KeyValue[]::new);
  }

  static TraceSummary ingest(TraceSummary summary, Resource resource, Span... spans) {
    ExportTraceServiceRequest request = OtlpFixtures.request(resource, spans);
    for (TraceChunk chunk : new TraceBatcher(Duration.ofDays(30)).split(request, NOW).chunks()) {
      summary.merge(chunk.key(), chunk.facts());
    }
    return summary;
  }

  static Resource resource(String service, KeyValue... extra) {
    return OtlpFixtures.service(service).toBuilder().addAllAttributes(List.of(extra)).build();
  }

  @Test
  void oneSpanOf300AttributesKeepsItsFirst256InOrder() {
    TraceSummary s = ingest(new TraceSummary(OtlpFixtures.hexOf(TRACE)), resource("wide", OtlpFixtures.attr("region", "eu")),
        OtlpFixtures.span(TRACE, 1, 0, "wide", T, 1000, false, attrs("a", 0, 300)));

    assertTrue(s.attributesTruncated());
    assertEquals(AttributeTerms.MAX_TERMS_PER_TRACE, s.attributeHashes().length);
    for (int i = 0; i < 300; i++) {
      assertEquals(i < AttributeTerms.MAX_TERMS_PER_TRACE, s.hasAttribute("a" + i, "v" + i), "a" + i);
    }
    assertFalse(s.hasAttribute("region", "eu"), "resource attributes come after the span's own");
  }

  @Test
  void laterSpansFillTheRemainingPlacesInTheOrderTheyArrive() {
    Resource res = resource("svc", OtlpFixtures.attr("region", "eu"));
    TraceSummary s = new TraceSummary(OtlpFixtures.hexOf(TRACE));
    // first request: 200 span attributes + service.name + region = 202 terms
    ingest(s, res, OtlpFixtures.span(TRACE, 1, 0, "root", T, 1000, false, attrs("a", 0, 200)));
    assertFalse(s.attributesTruncated());
    // second request: two spans; the first repeats a0..a9 (already kept), then brings b0..b99
    ingest(s, res,
        OtlpFixtures.span(TRACE, 2, 1, "one", T + 1, 10, false, concat(attrs("a", 0, 10), attrs("b", 0, 100))),
        OtlpFixtures.span(TRACE, 3, 1, "two", T + 2, 10, false, attrs("c", 0, 10)));

    assertTrue(s.attributesTruncated());
    assertTrue(s.hasAttribute("region", "eu"));
    assertTrue(s.hasAttribute("service.name", "svc"));
    for (int i = 0; i < 100; i++) {
      assertEquals(i < 54, s.hasAttribute("b" + i, "v" + i), "b" + i + ": 202 terms before it, 54 places left");
    }
    for (int i = 0; i < 10; i++) {
      assertFalse(s.hasAttribute("c" + i, "v" + i), "c" + i + " arrived after the bound was reached");
    }
  }

  static KeyValue[] concat(KeyValue[] a, KeyValue[] b) {
    List<KeyValue> out = new ArrayList<>(List.of(a));
    out.addAll(List.of(b));
    return out.toArray(KeyValue[]::new);
  }
}
