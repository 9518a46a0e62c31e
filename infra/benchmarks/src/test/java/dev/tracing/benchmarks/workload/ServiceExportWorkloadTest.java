package dev.tracing.benchmarks.workload;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.protobuf.ByteString;
import dev.tracing.otlp.TraceBatcher;
import io.opentelemetry.proto.trace.v1.ResourceSpans;
import io.opentelemetry.proto.trace.v1.ScopeSpans;
import io.opentelemetry.proto.trace.v1.Span;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

class ServiceExportWorkloadTest {
  private static final long START = 1_795_000_000_000_000_000L;
  static ServiceExportWorkload.Run run;
  /** span id -> (service, span) over the whole run. */
  static final Map<ByteString, Object[]> SPANS = new HashMap<>();

  @BeforeAll
  static void generate() {
    run = new ServiceExportWorkload(ServiceExportWorkload.Shape.sdkDefaults(25), 3).run(400, START);
    for (ServiceExportWorkload.Export e : run.exports()) {
      for (ResourceSpans rs : e.request().getResourceSpansList()) {
        for (ScopeSpans ss : rs.getScopeSpansList()) {
          for (Span s : ss.getSpansList()) {
            SPANS.put(s.getSpanId(), new Object[] {TraceBatcher.serviceName(rs.getResource()), s});
          }
        }
      }
    }
  }

  @Test
  void everyTraceHasItsSpansAndTenAttributesEach() {
    assertEquals(400 * 25, run.spans());
    assertEquals(400 * 25, SPANS.size());
    for (Object[] v : SPANS.values()) {
      assertEquals(10, ((Span) v[1]).getAttributesCount());
    }
  }

  @Test
  void eachRequestComesFromOneProcessAndHoldsAtMost512Spans() {
    for (ServiceExportWorkload.Export e : run.exports()) {
      assertEquals(1, e.request().getResourceSpansCount(), "one process, one resource");
      assertEquals(e.service(), TraceBatcher.serviceName(e.request().getResourceSpans(0).getResource()));
      assertTrue(e.spans() >= 1 && e.spans() <= 512, "batch of " + e.spans());
    }
    long replicas = run.exports().stream().map(e -> e.service() + "/" + e.replica()).distinct().count();
    assertEquals(ServiceExportWorkload.CHAIN.size() * 2, replicas, "every process of every service exported");
  }

  @Test
  void aTraceArrivesInSeveralRequestsSecondsApartInterleavedWithOthers() {
    assertTrue(run.requestsPerTrace() >= 4, "a trace crosses 5 services: " + run.requestsPerTrace());
    assertTrue(run.meanSpreadSeconds() >= 1 && run.maxSpreadSeconds() <= 12, "spread " + run.meanSpreadSeconds() + " s, max "
        + run.maxSpreadSeconds());
    assertTrue(run.tracesPerRequest() > 10, "requests mix fragments of many traces: " + run.tracesPerRequest());
    for (int i = 1; i < run.exports().size(); i++) {
      assertTrue(run.exports().get(i - 1).atNano() <= run.exports().get(i).atNano(), "in arrival order");
    }
  }

  @Test
  void callsLinkAClientSpanInTheCallerToAServerSpanInTheCallee() {
    Set<String> edges = new HashSet<>();
    for (Object[] v : SPANS.values()) {
      Span s = (Span) v[1];
      Object[] parent = SPANS.get(s.getParentSpanId());
      if (parent != null && !parent[0].equals(v[0])) {
        assertEquals(Span.SpanKind.SPAN_KIND_SERVER, s.getKind(), "a cross-service child is the callee's server span");
        assertEquals(Span.SpanKind.SPAN_KIND_CLIENT, ((Span) parent[1]).getKind(), "its parent is the caller's client span");
        assertTrue(s.getStartTimeUnixNano() >= ((Span) parent[1]).getStartTimeUnixNano());
        edges.add(parent[0] + "->" + v[0]);
      }
    }
    assertEquals(Set.of("frontend->checkout", "checkout->cart", "checkout->payment", "checkout->shipping"), edges);
  }

  @Test
  void theSameSeedGivesTheSameRequests() {
    List<ServiceExportWorkload.Export> a = new ServiceExportWorkload(ServiceExportWorkload.Shape.sdkDefaults(100), 9).run(20, START)
        .exports();
    List<ServiceExportWorkload.Export> b = new ServiceExportWorkload(ServiceExportWorkload.Shape.sdkDefaults(100), 9).run(20, START)
        .exports();
    assertEquals(a.size(), b.size());
    for (int i = 0; i < a.size(); i++) {
      assertArrayEquals(a.get(i).request().toByteArray(), b.get(i).request().toByteArray());
    }
  }
}
