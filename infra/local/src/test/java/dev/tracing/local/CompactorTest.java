package dev.tracing.local;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.protobuf.ByteString;
import dev.tracing.model.Project;
import dev.tracing.model.Scope;
import io.opentelemetry.proto.collector.trace.v1.ExportTraceServiceRequest;
import io.opentelemetry.proto.common.v1.AnyValue;
import io.opentelemetry.proto.common.v1.KeyValue;
import io.opentelemetry.proto.resource.v1.Resource;
import io.opentelemetry.proto.trace.v1.ResourceSpans;
import io.opentelemetry.proto.trace.v1.ScopeSpans;
import io.opentelemetry.proto.trace.v1.Span;
import java.net.URI;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.time.Instant;
import java.util.EnumSet;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;

/**
 * The compactor function in the local stack, as its schedule runs it: spans of two hours ago,
 * sent by two services in separate requests, are compacted into their hour's hourly cells, and
 * the service metrics and map read the same figures before and after.
 */
class CompactorTest {
  static LocalStack stack;

  @BeforeAll
  static void start() throws Exception {
    stack = LocalStack.start(LocalStack.Options.forTests());
  }

  @AfterAll
  static void stop() {
    if (stack != null) {
      stack.close();
    }
  }

  private static ByteString id(long v, int bytes) {
    ByteBuffer b = ByteBuffer.allocate(bytes);
    b.putLong(bytes - 8, v);
    return ByteString.copyFrom(b.array());
  }

  private static ExportTraceServiceRequest request(String service, Span... spans) {
    return ExportTraceServiceRequest.newBuilder().addResourceSpans(ResourceSpans.newBuilder()
        .setResource(Resource.newBuilder().addAttributes(KeyValue.newBuilder().setKey("service.name")
            .setValue(AnyValue.newBuilder().setStringValue(service))))
        .addScopeSpans(ScopeSpans.newBuilder().addAllSpans(java.util.List.of(spans)))).build();
  }

  private static Span span(long traceId, long spanId, long parentId, String name, long start, long durationNano, boolean error) {
    Span.Builder b = Span.newBuilder().setTraceId(id(traceId, 16)).setSpanId(id(spanId, 8)).setName(name)
        .setStartTimeUnixNano(start).setEndTimeUnixNano(start + durationNano)
        .setStatus(io.opentelemetry.proto.trace.v1.Status.newBuilder().setCodeValue(error ? 2 : 1));
    if (parentId != 0) {
      b.setParentSpanId(id(parentId, 8));
    }
    return b.build();
  }

  @Test
  void theCompactorSumsFinishedHoursAndNoFigureChanges() {
    Project p = stack.admin().createProject(9, "compaction");
    String token = stack.admin().createToken(p.projectId(), EnumSet.allOf(Scope.class), "compaction", null).secret();
    URI ingest = URI.create(stack.ingestUrl(p));
    Instant twoHoursAgo = Instant.now().minus(Duration.ofHours(2));
    long t0 = twoHoursAgo.getEpochSecond() * 1_000_000_000L;
    for (int i = 0; i < 5; i++) {
      long trace = 0x5000 + i;
      long start = t0 + i * 1_000_000_000L;
      Http.ingest(ingest, token, request("frontend", span(trace, 10 * i + 1, 0, "GET /cart", start, 40_000_000, false)))
          .expect(200);
      Http.ingest(ingest, token, request("checkout", span(trace, 10 * i + 2, 10 * i + 1, "PlaceOrder", start + 1_000_000,
          30_000_000, i == 3))).expect(200);
    }
    String metricsPath = "/v3/query/" + p.projectId() + "/services/metrics?period=24h&interval=3600";
    String mapPath = "/v3/query/" + p.projectId() + "/services/map?period=24h";
    JsonNode metricsBefore = Http.get(stack.baseUri().resolve(metricsPath), Http.token(token)).expect(200).json();
    JsonNode mapBefore = Http.get(stack.baseUri().resolve(mapPath), Http.token(token)).expect(200).json();

    Map<String, Object> run = stack.compact();
    assertTrue(((Number) run.get("projects")).intValue() >= 1, run.toString());
    assertTrue(((Number) run.get("hours_compacted")).intValue() >= 1, "the finished hour is compacted: " + run);
    assertEquals(0, ((Number) stack.compact().get("hours_compacted")).intValue(), "nothing is left for a second run");

    Http.Reply metrics = Http.get(stack.baseUri().resolve(metricsPath), Http.token(token)).expect(200);
    assertNotNull(metrics.header("X-Read-Units"));
    assertEquals(metricsBefore, metrics.json(), "hourly cells hold what the minute cells held");
    assertEquals(mapBefore, Http.get(stack.baseUri().resolve(mapPath), Http.token(token)).expect(200).json());
    JsonNode edge = mapBefore.get("edges").get(0);
    assertEquals("frontend", edge.get("parent").asString());
    assertEquals("checkout", edge.get("child").asString());
    assertEquals(5, edge.get("call_count").asLong());
    assertEquals(1, edge.get("error_count").asLong());
  }
}
