package dev.tracing.fuzz;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.tracing.model.Project;
import dev.tracing.otlp.OtlpBody;
import dev.tracing.config.TracingConfig;
import io.opentelemetry.proto.collector.trace.v1.ExportTraceServiceRequest;
import java.lang.management.ManagementFactory;
import java.util.function.Supplier;
import org.junit.jupiter.api.Test;

/**
 * The heap a hostile body can make the ingest function allocate is bounded by the project's limit,
 * not by the body cap: protobuf decodes to ~50 bytes of heap per 2-byte empty attribute, so a
 * 16 KB gzip body of 16 MiB of them once took ~450 MB. Measured as bytes allocated by this
 * thread (deterministic for a given input, unlike time), with generous bounds.
 */
class DecodeMemoryTest {
  private static final OtlpBody BODIES = new OtlpBody(TracingConfig.DEFAULT_MAX_BODY_BYTES);
  /** Keeps a result reachable while the allocation counter is read. */
  private static volatile Object sink;

  @Test
  void aSmallGzipOfMillionsOfEmptyAttributesIsRefusedAtTheProjectLimit() {
    byte[] bomb = emptyAttributes(8 * 1024 * 1024);
    assertTrue(bomb.length < 64 * 1024, "small on the wire: " + bomb.length);
    OtlpBody.BodyException[] refusal = new OtlpBody.BodyException[1];
    long used = allocatedBy(() -> {
      try {
        return BODIES.read("application/x-protobuf", "gzip", bomb, Project.DEFAULT_BYTES_PER_MINUTE);
      } catch (OtlpBody.BodyException e) {
        refusal[0] = e;
        return null;
      }
    });
    assertNotNull(refusal[0], "refused");
    assertEquals(413, refusal[0].status(), refusal[0].getMessage());
    System.out.printf("16 MiB of empty attributes, %,d bytes gzipped, default limit: refused after allocating %,d bytes%n",
        bomb.length, used);
    assertTrue(used < 2L * 1024 * 1024, "refused after allocating " + used + " bytes");
  }

  @Test
  void theWorstBodyWithinTheRaisedLimitDecodesInBoundedHeap() {
    long limit = Project.RAISED_BYTES_PER_MINUTE;
    // As many empty attributes as fit in the raised limit: the most heap per body byte we know of.
    byte[] body = emptyAttributes((int) (limit / 2) - 200);
    long[] size = new long[1];
    long used = allocatedBy(() -> {
      ExportTraceServiceRequest r = BODIES.read("application/x-protobuf", "gzip", body, limit);
      size[0] = r.getSerializedSize();
      return r;
    });
    assertTrue(size[0] <= limit, "decoded within the limit: " + size[0]);
    System.out.printf("%,d bytes of empty attributes (raised limit %,d): decoded with %,d bytes allocated (%.0fx)%n",
        size[0], limit, used, (double) used / size[0]);
    assertTrue(used < 100L * limit, "allocated " + used + " bytes for a body of " + size[0]);
  }

  @Test
  void theWorstJsonBodyWithinTheCapDecodesInBoundedHeap() {
    // "{}," is an empty attribute in 3 bytes of OTLP/JSON; a raised-limit project may send 4 MiB.
    String head = "{\"resourceSpans\":[{\"scopeSpans\":[{\"spans\":[{\"traceId\":\"5b8efff798038103d269b633813fc60c\","
        + "\"spanId\":\"eee19b7ec3c1b174\",\"name\":\"x\",\"attributes\":[";
    String tail = "]}]}]}]}";
    int count = (TracingConfig.DEFAULT_MAX_BODY_BYTES - head.length() - tail.length()) / 3;
    byte[] body = (head + "{},".repeat(count - 1) + "{}" + tail).getBytes(java.nio.charset.StandardCharsets.UTF_8);
    long used = allocatedBy(() -> BODIES.read("application/json", null, body, Project.RAISED_BYTES_PER_MINUTE));
    System.out.printf("%,d bytes of OTLP/JSON empty attributes (the cap): decoded with %,d bytes allocated (%.0fx)%n",
        body.length, used, (double) used / body.length);
    assertTrue(used < 64L * body.length, "allocated " + used + " bytes for a body of " + body.length);
  }

  private static byte[] emptyAttributes(int count) {
    return MalformedCorpusTest.IngestBodies.generate("many-empty-attributes-protobuf-gzip " + count, new byte[0]).body();
  }

  /** Bytes this thread allocated while running {@code work}. */
  private static long allocatedBy(Supplier<Object> work) {
    com.sun.management.ThreadMXBean threads = (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();
    @SuppressWarnings("deprecation") // Thread.threadId() is Java 19+
    long id = Thread.currentThread().getId();
    long before = threads.getThreadAllocatedBytes(id);
    sink = work.get();
    long after = threads.getThreadAllocatedBytes(id);
    sink = null;
    return after - before;
  }
}
