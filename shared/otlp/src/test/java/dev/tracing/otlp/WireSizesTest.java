package dev.tracing.otlp;

import static dev.tracing.testing.OtlpFixtures.attr;
import static dev.tracing.testing.OtlpFixtures.service;
import static dev.tracing.testing.OtlpFixtures.span;
import static dev.tracing.testing.OtlpFixtures.traceId;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;

import com.google.protobuf.ByteString;
import com.google.protobuf.CodedOutputStream;
import io.opentelemetry.proto.collector.trace.v1.ExportTraceServiceRequest;
import io.opentelemetry.proto.common.v1.InstrumentationScope;
import io.opentelemetry.proto.resource.v1.Resource;
import io.opentelemetry.proto.trace.v1.ResourceSpans;
import io.opentelemetry.proto.trace.v1.ScopeSpans;
import io.opentelemetry.proto.trace.v1.Span;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class WireSizesTest {
  private static final ByteString TRACE = traceId("0af7651916cd43dd8448eb211c80319c");

  @Test
  void eachSpansSizeAndItsEnvelopeAreThoseProtobufComputes() {
    ExportTraceServiceRequest request = ExportTraceServiceRequest.newBuilder()
        .addResourceSpans(ResourceSpans.newBuilder().setResource(service("frontend").toBuilder()
                .addAttributes(attr("host.name", "wéb-1 ✓")))
            .setSchemaUrl("https://schema/r")
            .addScopeSpans(ScopeSpans.newBuilder().setScope(InstrumentationScope.newBuilder().setName("http").setVersion("1"))
                .addSpans(span(TRACE, 1, 0, "GET /", 1_000, 5, false, attr("long", "x".repeat(300))))
                .addSpans(span(TRACE, 2, 1, "ünïcode ✓", 1_000, 5, true)))
            .addScopeSpans(ScopeSpans.newBuilder().addSpans(span(TRACE, 3, 1, "no scope", 1_000, 5, false))))
        .addResourceSpans(ResourceSpans.newBuilder()
            .addScopeSpans(ScopeSpans.newBuilder().setScope(InstrumentationScope.newBuilder().setName("db"))
                .addSpans(span(TRACE, 4, 1, "no resource", 1_000, 5, false))))
        .build();

    WireSizes sizes = WireSizes.scan(request.toByteArray());

    assertNotNull(sizes);
    List<Integer> spans = new ArrayList<>();
    List<Integer> envelopes = new ArrayList<>();
    for (ResourceSpans rs : request.getResourceSpansList()) {
      for (ScopeSpans ss : rs.getScopeSpansList()) {
        for (Span s : ss.getSpansList()) {
          spans.add(s.getSerializedSize());
          envelopes.add(rs.getResource().getSerializedSize() + ss.getScope().getSerializedSize());
        }
      }
    }
    assertEquals(4, sizes.count());
    List<Integer> wireSpans = new ArrayList<>();
    List<Integer> wireEnvelopes = new ArrayList<>();
    for (int i = 0; i < sizes.count(); i++) {
      wireSpans.add(sizes.spanBytes(i));
      wireEnvelopes.add(sizes.envelopeBytes(i));
    }
    assertEquals(spans, wireSpans);
    assertEquals(envelopes, wireEnvelopes);
  }

  @Test
  void aResourceGivenTwiceHasNoWireSizes() throws IOException {
    byte[] twice = concat(ResourceSpans.newBuilder().setResource(service("a")).build().toByteArray(),
        ResourceSpans.newBuilder().setResource(Resource.newBuilder().addAttributes(attr("k", "v")))
            .addScopeSpans(ScopeSpans.newBuilder().addSpans(span(TRACE, 1, 0, "x", 1_000, 5, false))).build().toByteArray());

    byte[] request = wrap(twice);

    assertEquals(1, ExportTraceServiceRequest.parseFrom(request).getResourceSpans(0).getScopeSpans(0).getSpansCount(),
        "protobuf merges the two resources");
    assertNull(WireSizes.scan(request));
  }

  @Test
  void anEmptyRequestHasNoSpans() {
    WireSizes sizes = WireSizes.scan(new byte[0]);
    assertNotNull(sizes);
    assertEquals(0, sizes.count());
  }

  @Test
  void bytesThatAreNotARequestHaveNoWireSizes() {
    assertNull(WireSizes.scan(new byte[] {0x0a, 0x7f, 0x01}), "a length beyond the end");
    assertNull(WireSizes.scan(new byte[] {0x0b}), "a group, which proto3 has not");
  }

  private static byte[] wrap(byte[] resourceSpans) throws IOException {
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    CodedOutputStream out = CodedOutputStream.newInstance(bytes);
    out.writeByteArray(1, resourceSpans);
    out.flush();
    return bytes.toByteArray();
  }

  private static byte[] concat(byte[] a, byte[] b) {
    byte[] out = java.util.Arrays.copyOf(a, a.length + b.length);
    System.arraycopy(b, 0, out, a.length, b.length);
    return out;
  }
}
