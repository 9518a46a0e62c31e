package dev.tracing.storage;

import dev.tracing.otlp.OtlpIds;
import dev.tracing.otlp.StoredSpans;
import static dev.tracing.testing.OtlpFixtures.attr;
import static dev.tracing.testing.OtlpFixtures.nanos;
import static dev.tracing.testing.OtlpFixtures.randomTraceId;
import static dev.tracing.testing.OtlpFixtures.request;
import static dev.tracing.testing.OtlpFixtures.service;
import static dev.tracing.testing.OtlpFixtures.span;
import static dev.tracing.testing.OtlpFixtures.spanId;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.protobuf.ByteString;
import dev.tracing.model.TraceIds;
import dev.tracing.otlp.StoredSpans.SpanRecord;
import dev.tracing.otlp.TraceBatcher;
import dev.tracing.trace.TraceChunk;
import dev.tracing.trace.TraceSummary;
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
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Random;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.stream.LongStream;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The contract of {@link TraceWriter} and {@link TraceReader}, run by every storage backend as a
 * {@code @Nested} subclass (like Zipkin's {@code ITSpanStore}).
 *
 * <p>Spans enter the way ingest feeds them: OTLP requests split by {@link TraceBatcher}. Every test
 * uses fresh random trace ids, so a backend may share its storage between tests.
 */
public abstract class TraceStoreContract {
  /** The retention the backend's writer must be configured with. */
  protected static final Duration RETENTION = Duration.ofDays(30);
  protected static final long PROJECT = 42;
  private static final long MS = 1_000_000L;

  /** A writer storing with {@link #RETENTION}; every call may return a new writer over the same store. */
  protected abstract TraceWriter writer();

  /** A reader over the same store that judges expiry by {@code clock}. */
  protected abstract TraceReader reader(Clock clock);

  protected final TraceReader reader() {
    return reader(Clock.systemUTC());
  }

  protected final Instant now = Instant.now();
  /** Start of the test traces: ten minutes ago, on a whole millisecond. */
  protected final long t0 = nanos(now.minus(Duration.ofMinutes(10)).truncatedTo(ChronoUnit.MILLIS));
  private final TraceBatcher batcher = new TraceBatcher(RETENTION);

  // ---------------------------------------------------------------------------------------------
  // Write, then read

  @Test
  void everySpanReadsBackOnceWithEveryFieldResourceAndScope() {
    ByteString traceId = randomTraceId();
    ExportTraceServiceRequest sent = richRequest(traceId);

    write(sent);
    StoredTrace trace = read(traceId);

    Map<Long, SpanRecord> byId = spansById(trace);
    assertEquals(Set.of(1L, 2L, 3L), byId.keySet());
    for (ResourceSpans rs : sent.getResourceSpansList()) {
      for (ScopeSpans ss : rs.getScopeSpansList()) {
        for (Span span : ss.getSpansList()) {
          SpanRecord got = byId.get(idOf(span));
          assertEquals(span, got.span(), "span " + idOf(span));
          assertEquals(rs.getResource(), got.resource(), "resource of span " + idOf(span));
          assertEquals(rs.getSchemaUrl(), got.resourceSchemaUrl(), "resource schema URL of span " + idOf(span));
          assertEquals(ss.getScope(), got.scope(), "scope of span " + idOf(span));
          assertEquals(ss.getSchemaUrl(), got.scopeSchemaUrl(), "scope schema URL of span " + idOf(span));
        }
      }
    }
    assertEquals(PROJECT, trace.projectId());
    assertEquals(OtlpIds.hex(traceId), trace.summary().traceId());
    assertEquals(3, trace.summary().spanCount());
  }

  @Test
  void unknownTraceReadsAsEmpty() {
    write(request(service("frontend"), span(randomTraceId(), 1, 0, "GET /", t0, 5 * MS, false)));

    assertEquals(Optional.empty(), reader().read(PROJECT, OtlpIds.hex(randomTraceId())));
  }

  @Test
  void oneRequestWithSpansOfThreeTracesStoresEachTraceWithItsOwnSpans() {
    ByteString a = randomTraceId();
    ByteString b = randomTraceId();
    ByteString c = randomTraceId();
    write(request(service("frontend"),
        span(a, 1, 0, "a-root", t0, 10 * MS, false),
        span(b, 1, 0, "b-root", t0 + MS, 10 * MS, true),
        span(a, 2, 1, "a-child", t0 + 2 * MS, 3 * MS, false),
        span(c, 7, 0, "c-root", t0 + 3 * MS, 10 * MS, false),
        span(b, 2, 1, "b-child", t0 + 4 * MS, 3 * MS, true)));

    assertEquals(List.of(1L, 2L), spanIds(read(a)));
    assertEquals(List.of(1L, 2L), spanIds(read(b)));
    assertEquals(List.of(7L), spanIds(read(c)));
    assertEquals(0, read(a).summary().errorCount());
    assertEquals(2, read(b).summary().errorCount());
    assertEquals("c-root", read(c).summary().head().name());
  }

  // ---------------------------------------------------------------------------------------------
  // Idempotency

  @Test
  void writingTheSameChunksThreeTimesStoresAndCountsEachSpanOnce() {
    ByteString traceId = randomTraceId();
    List<TraceChunk> chunks = chunks(checkoutRequest(traceId, 1, 2, 3, 4));

    for (int i = 0; i < 3; i++) {
      writer().write(PROJECT, chunks);
    }

    StoredTrace trace = read(traceId);
    assertEquals(List.of(1L, 2L, 3L, 4L), spanIds(trace));
    assertEquals(4, trace.summary().spanCount());
    assertEquals(1, trace.summary().errorCount());
  }

  @Test
  void spanResentInsideADifferentlyComposedChunkIsCountedAndReturnedOnce() {
    ByteString traceId = randomTraceId();

    write(checkoutRequest(traceId, 1, 3));
    write(checkoutRequest(traceId, 3, 4, 2));

    StoredTrace trace = read(traceId);
    assertEquals(List.of(1L, 2L, 3L, 4L), spanIds(trace));
    assertEquals(4, trace.summary().spanCount());
    assertEquals(1, trace.summary().errorCount(), "span 3 (error) was sent twice");
  }

  // ---------------------------------------------------------------------------------------------
  // Out-of-order arrival

  /** The checkout trace split over three requests: A = [2], B = [3, 4], C = [1] (the root). */
  static Stream<String> arrivalOrders() {
    return Stream.of("ABC", "ACB", "BAC", "BCA", "CAB", "CBA");
  }

  @ParameterizedTest(name = "requests in order {0}")
  @MethodSource("arrivalOrders")
  void summaryIsTheSameWhateverOrderTheRequestsArriveIn(String order) {
    ByteString traceId = randomTraceId();
    Map<Character, long[]> parts = Map.of('A', new long[] {2}, 'B', new long[] {3, 4}, 'C', new long[] {1});

    for (char part : order.toCharArray()) {
      write(checkoutRequest(traceId, parts.get(part)));
    }

    TraceSummary s = read(traceId).summary();
    assertFalse(s.inProgress());
    assertEquals(1L, s.head().spanId());
    assertEquals("frontend", s.head().service());
    assertEquals("POST /checkout", s.head().name());
    assertEquals(t0, s.timestampNano());
    assertEquals(200 * MS, s.durationNano());
    assertEquals(4, s.spanCount());
    assertEquals(1, s.errorCount());
    assertEquals(2, s.statusCode());
    assertEquals(Set.of("frontend", "backend"), s.names().services());
    assertEquals(Set.of("POST /checkout", "render", "charge", "SELECT orders"), s.names().operations());
  }

  @Test
  void traceIsInProgressHeadedByItsEarliestSpanUntilTheRootArrives() {
    ByteString traceId = randomTraceId();

    write(checkoutRequest(traceId, 2));
    write(checkoutRequest(traceId, 3, 4));
    TraceSummary before = read(traceId).summary();

    assertTrue(before.inProgress());
    assertEquals(3L, before.head().spanId());
    assertEquals("backend", before.head().service());
    assertEquals("charge", before.head().name());
    assertEquals(t0 + 20 * MS, before.timestampNano());
    assertEquals(100 * MS, before.durationNano());
    assertEquals(3, before.spanCount());
    assertEquals(List.of(2L, 3L, 4L), spanIds(read(traceId)));

    write(checkoutRequest(traceId, 1));
    TraceSummary after = read(traceId).summary();

    assertFalse(after.inProgress());
    assertEquals(1L, after.head().spanId());
    assertEquals(t0, after.timestampNano());
    assertEquals(200 * MS, after.durationNano());
    assertEquals(4, after.spanCount());
  }

  // ---------------------------------------------------------------------------------------------
  // Summary

  @Test
  void summaryCountsErrorsAndCollectsServicesAndOperations() {
    ByteString traceId = randomTraceId();
    write(request(service("frontend"),
            span(traceId, 1, 0, "GET /cart", t0, 50 * MS, false),
            span(traceId, 2, 1, "render", t0 + MS, 5 * MS, true)),
        request(service("cart"),
            span(traceId, 3, 1, "GetCart", t0 + 2 * MS, 20 * MS, true),
            span(traceId, 4, 3, "GET /cart", t0 + 3 * MS, 10 * MS, true),
            span(traceId, 5, 3, "redis GET", t0 + 4 * MS, 1 * MS, false)));

    TraceSummary s = read(traceId).summary();
    assertEquals(5, s.spanCount());
    assertEquals(3, s.errorCount());
    assertEquals(Set.of("frontend", "cart"), s.names().services());
    assertEquals(Set.of("GET /cart", "render", "GetCart", "redis GET"), s.names().operations());
    assertEquals(java.util.Map.of("frontend", java.util.Set.of("GET /cart", "render"),
        "cart", java.util.Set.of("GetCart", "GET /cart", "redis GET")),
        java.util.Map.of("frontend", s.names().spans().get("frontend").keySet(), "cart", s.names().spans().get("cart").keySet()));
    assertEquals(5, s.names().pairCount());
  }

  @Test
  void summaryFindsSpanAndResourceAttributesOfEveryScalarTypeAsText() {
    ByteString traceId = randomTraceId();
    Resource resource = Resource.newBuilder()
        .addAttributes(attr("service.name", "checkout"))
        .addAttributes(attr("cloud.region", "eu-west-1"))
        .addAttributes(attr("replicas", 3L))
        .build();
    write(request(resource,
        span(traceId, 1, 0, "POST /pay", t0, 30 * MS, false,
            attr("http.method", "POST"), attr("http.status_code", 503L)),
        span(traceId, 2, 1, "retry", t0 + MS, 3 * MS, false,
            attr("retry", true), attr("sample.ratio", 0.25), attr("weight", 2.0))));

    TraceSummary s = read(traceId).summary();
    assertTrue(s.hasAttribute("http.method", "POST"), "string span attribute");
    assertTrue(s.hasAttribute("http.status_code", "503"), "int span attribute");
    assertTrue(s.hasAttribute("retry", "true"), "bool span attribute");
    assertTrue(s.hasAttribute("sample.ratio", "0.25"), "double span attribute");
    assertTrue(s.hasAttribute("weight", "2"), "whole double span attribute");
    assertTrue(s.hasAttribute("service.name", "checkout"), "string resource attribute");
    assertTrue(s.hasAttribute("cloud.region", "eu-west-1"), "string resource attribute");
    assertTrue(s.hasAttribute("replicas", "3"), "int resource attribute");
    assertFalse(s.hasAttribute("http.method", "GET"), "other value of a present key");
    assertFalse(s.hasAttribute("retry", "false"), "other bool value");
    assertFalse(s.hasAttribute("cloud.region", "POST"), "value of another key");
    assertFalse(s.attributesTruncated());
  }

  @Test
  void spanWithEmptyNameAndResourceWithoutServiceNameIsStored() {
    ByteString traceId = randomTraceId();
    write(request(Resource.getDefaultInstance(), span(traceId, 1, 0, "", t0, 5 * MS, false)));

    StoredTrace trace = read(traceId);
    assertEquals(List.of(1L), spanIds(trace));
    assertEquals("unknown_service", trace.summary().head().service());
    assertEquals("", trace.summary().head().name());
  }

  // ---------------------------------------------------------------------------------------------
  // Retention

  @Test
  void traceStartedTwentyNineDaysAgoIsReadable() {
    ByteString traceId = randomTraceId();
    long start = nanos(now.minus(Duration.ofDays(29)));
    write(request(service("frontend"),
        span(traceId, 1, 0, "GET /", start, 5 * MS, false),
        span(traceId, 2, 1, "db", start + MS, 2 * MS, false)));

    StoredTrace trace = read(traceId);
    assertEquals(List.of(1L, 2L), spanIds(trace));
    assertEquals(start, trace.summary().timestampNano());
  }

  @Test
  void readerWhoseClockIsPastTheRetentionSeesNothingWhileTheStoredItemsRemain() {
    ByteString traceId = randomTraceId();
    Instant start = now.minus(Duration.ofDays(2));
    write(request(service("frontend"), span(traceId, 1, 0, "GET /", nanos(start), 5 * MS, false)));
    Instant expiry = start.plus(RETENTION);

    Optional<StoredTrace> late = reader(fixed(expiry.plus(Duration.ofMinutes(1)))).read(PROJECT, OtlpIds.hex(traceId));
    Optional<StoredTrace> early = reader(fixed(expiry.minus(Duration.ofMinutes(1)))).read(PROJECT, OtlpIds.hex(traceId));

    assertEquals(Optional.empty(), late);
    assertTrue(early.isPresent(), "the same store read before the expiry still has the trace");
    assertEquals(List.of(1L), spanIds(early.get()));
  }

  @Test
  void retentionCountsFromTheEarliestSpanEvenWhenItArrivesLast() {
    ByteString traceId = randomTraceId();
    Instant rootStart = now.minus(Duration.ofDays(3));
    Instant childStart = rootStart.plus(Duration.ofHours(6));
    write(request(service("backend"), span(traceId, 2, 1, "late child", nanos(childStart), 5 * MS, false)));
    write(request(service("frontend"), span(traceId, 1, 0, "root", nanos(rootStart), Duration.ofHours(7).toNanos(), false)));
    Instant expiry = rootStart.plus(RETENTION);

    Optional<StoredTrace> late = reader(fixed(expiry.plus(Duration.ofMinutes(1)))).read(PROJECT, OtlpIds.hex(traceId));
    Optional<StoredTrace> early = reader(fixed(expiry.minus(Duration.ofMinutes(1)))).read(PROJECT, OtlpIds.hex(traceId));

    assertEquals(Optional.empty(), late);
    assertEquals(List.of(1L, 2L), spanIds(early.orElseThrow()));
  }

  // ---------------------------------------------------------------------------------------------
  // Isolation, size, concurrency

  @Test
  void sameTraceIdUnderTwoProjectsStaysSeparate() {
    ByteString traceId = randomTraceId();
    writer().write(PROJECT, chunks(request(service("shop"),
        span(traceId, 1, 0, "shop root", t0, 10 * MS, false),
        span(traceId, 2, 1, "shop child", t0 + MS, 1 * MS, true))));
    writer().write(PROJECT + 1, chunks(request(service("bank"),
        span(traceId, 9, 0, "bank root", t0 + 5 * MS, 20 * MS, false))));

    StoredTrace shop = read(traceId);
    StoredTrace bank = reader().read(PROJECT + 1, OtlpIds.hex(traceId)).orElseThrow();

    assertEquals(List.of(1L, 2L), spanIds(shop));
    assertEquals("shop root", shop.summary().head().name());
    assertEquals(1, shop.summary().errorCount());
    assertEquals(List.of(9L), spanIds(bank));
    assertEquals(PROJECT + 1, bank.projectId());
    assertEquals("bank root", bank.summary().head().name());
    assertEquals(0, bank.summary().errorCount());
    assertEquals(Optional.empty(), reader().read(PROJECT + 2, OtlpIds.hex(traceId)));
  }

  /** Spans with this much random (incompressible) attribute text: 400 of them make ~600 KB deflated. */
  protected static final int LARGE_SPANS = 400;
  protected static final int LARGE_ATTRIBUTE_CHARS = 2_000;

  /** A request whose one chunk is well over the 350 KB stored payload even after compression. */
  protected final ExportTraceServiceRequest largeRequest(ByteString traceId) {
    Random random = new Random(7);
    List<Span> spans = new ArrayList<>();
    for (int i = 1; i <= LARGE_SPANS; i++) {
      spans.add(span(traceId, i, i == 1 ? 0 : 1, "step " + (i % 10), t0 + i * MS, MS, i % 50 == 0,
          attr("payload", randomText(random, LARGE_ATTRIBUTE_CHARS))));
    }
    return request(service("batch"), spans.toArray(Span[]::new));
  }

  @Test
  void chunkLargerThanOneStoredItemIsSplitAndReadsBackWhole() {
    ByteString traceId = randomTraceId();
    ExportTraceServiceRequest sent = largeRequest(traceId);
    List<TraceChunk> pieces = chunks(sent);
    assertTrue(pieces.size() > 1, "the spans of one trace, over one item's payload: split into pieces");
    for (TraceChunk piece : pieces) {
      assertEquals(OtlpIds.hex(traceId), piece.traceId());
      assertTrue(piece.payload().length <= TraceChunk.MAX_PAYLOAD_BYTES, () -> piece.payload().length + " bytes");
    }

    write(sent);
    StoredTrace trace = read(traceId);

    Map<Long, SpanRecord> byId = spansById(trace);
    assertEquals(LARGE_SPANS, byId.size());
    for (Span span : sent.getResourceSpans(0).getScopeSpans(0).getSpansList()) {
      assertEquals(span, byId.get(idOf(span)).span(), "span " + idOf(span));
    }
    assertEquals(LARGE_SPANS, trace.summary().spanCount());
    assertEquals(LARGE_SPANS / 50, trace.summary().errorCount());
  }

  @Test
  void traceWithThousandsOfDistinctSpanNamesIsStored() {
    // Instrumentation that puts ids into span names (a URL path without its route template) gives
    // every span its own name: a batch job calling an API 3,000 times makes a 3,000-name trace.
    ByteString traceId = randomTraceId();
    int count = 3_000;
    List<Span> spans = new ArrayList<>();
    for (int i = 1; i <= count; i++) {
      spans.add(span(traceId, i, i == 1 ? 0 : 1, String.format("GET /api/v1/customers/%012d/orders", 100_000_000L + i),
          t0 + i * MS, MS, false));
    }

    write(request(service("billing-job"), spans.toArray(Span[]::new)));

    StoredTrace trace = read(traceId);
    assertEquals(count, trace.summary().spanCount());
    assertEquals(LongStream.rangeClosed(1, count).boxed().toList(), spanIds(trace));
  }

  @Test
  void concurrentWritersOfOneTraceGetEverySpanCountedExactlyOnce() throws Exception {
    ByteString traceId = randomTraceId();
    int threads = 8;
    int requestsPerThread = 3;
    int spansPerRequest = 4;
    List<ExportTraceServiceRequest> requests = new ArrayList<>();
    int expectedErrors = 0;
    long id = 1;
    for (int r = 0; r < threads * requestsPerThread; r++) {
      List<Span> spans = new ArrayList<>();
      for (int s = 0; s < spansPerRequest; s++, id++) {
        boolean error = id % 7 == 0;
        expectedErrors += error ? 1 : 0;
        spans.add(span(traceId, id, id == 1 ? 0 : 1, "op " + (id % 5), t0 + id * MS, MS, error));
      }
      requests.add(request(service("svc-" + (r % threads)), spans.toArray(Span[]::new)));
    }
    int totalSpans = threads * requestsPerThread * spansPerRequest;

    ExecutorService pool = Executors.newFixedThreadPool(threads);
    try {
      CountDownLatch start = new CountDownLatch(1);
      List<Future<?>> done = new ArrayList<>();
      for (int t = 0; t < threads; t++) {
        int thread = t;
        done.add(pool.submit(() -> {
          TraceWriter writer = writer();
          start.await();
          for (int r = thread; r < requests.size(); r += threads) {
            writer.write(PROJECT, chunks(requests.get(r)));
          }
          return null;
        }));
      }
      start.countDown();
      for (Future<?> f : done) {
        f.get();
      }
    } finally {
      pool.shutdownNow();
    }

    StoredTrace trace = read(traceId);
    assertEquals(totalSpans, trace.summary().spanCount());
    assertEquals(expectedErrors, trace.summary().errorCount());
    assertEquals(LongStream.rangeClosed(1, totalSpans).boxed().toList(), spanIds(trace));
    assertFalse(trace.summary().inProgress());
    assertEquals(8, trace.summary().names().services().size());
  }

  // ---------------------------------------------------------------------------------------------
  // Fixtures and helpers

  /**
   * The checkout trace, as one request holding the given spans (each under its own service):
   * <pre>
   * 1 frontend POST /checkout  t0        200 ms  root
   * 2 frontend render          t0+150ms   40 ms  child of 1
   * 3 backend  charge          t0+20ms   100 ms  child of 1, ERROR
   * 4 backend  SELECT orders   t0+30ms    10 ms  child of 3
   * </pre>
   */
  protected final ExportTraceServiceRequest checkoutRequest(ByteString traceId, long... ids) {
    ExportTraceServiceRequest.Builder b = ExportTraceServiceRequest.newBuilder();
    List<Span> frontend = new ArrayList<>();
    List<Span> backend = new ArrayList<>();
    for (long id : ids) {
      switch ((int) id) {
        case 1 -> frontend.add(span(traceId, 1, 0, "POST /checkout", t0, 200 * MS, false));
        case 2 -> frontend.add(span(traceId, 2, 1, "render", t0 + 150 * MS, 40 * MS, false));
        case 3 -> backend.add(span(traceId, 3, 1, "charge", t0 + 20 * MS, 100 * MS, true));
        case 4 -> backend.add(span(traceId, 4, 3, "SELECT orders", t0 + 30 * MS, 10 * MS, false));
        default -> throw new IllegalArgumentException("no span " + id + " in the checkout trace");
      }
    }
    if (!frontend.isEmpty()) {
      b.addAllResourceSpans(request(service("frontend"), frontend.toArray(Span[]::new)).getResourceSpansList());
    }
    if (!backend.isEmpty()) {
      b.addAllResourceSpans(request(service("backend"), backend.toArray(Span[]::new)).getResourceSpansList());
    }
    return b.build();
  }

  /** Three spans over two resources and three scopes, using every field OTLP has. */
  protected final ExportTraceServiceRequest richRequest(ByteString traceId) {
    Resource frontend = Resource.newBuilder()
        .addAttributes(attr("service.name", "frontend"))
        .addAttributes(attr("host.name", "web-1"))
        .addAttributes(attr("process.pid", 4242L))
        .setDroppedAttributesCount(1)
        .build();
    Resource backend = Resource.newBuilder()
        .addAttributes(attr("service.name", "backend"))
        .addAttributes(attr("deployment.environment", "prod"))
        .build();
    Span root = Span.newBuilder()
        .setTraceId(traceId)
        .setSpanId(spanId(1))
        .setTraceState("vendor=a,other=b")
        .setFlags(0x301)
        .setName("GET /cart")
        .setKind(Span.SpanKind.SPAN_KIND_SERVER)
        .setStartTimeUnixNano(t0)
        .setEndTimeUnixNano(t0 + 120 * MS)
        .addAttributes(attr("http.method", "GET"))
        .addAttributes(attr("http.status_code", 200L))
        .addAttributes(attr("cache.hit", true))
        .addAttributes(attr("sample.ratio", 0.5))
        .addAttributes(KeyValue.newBuilder().setKey("tags").setValue(AnyValue.newBuilder().setArrayValue(
            ArrayValue.newBuilder().addValues(str("a")).addValues(AnyValue.newBuilder().setIntValue(2)))))
        .addAttributes(KeyValue.newBuilder().setKey("user").setValue(AnyValue.newBuilder().setKvlistValue(
            KeyValueList.newBuilder().addValues(attr("id", 7L)).addValues(attr("tier", "gold")))))
        .addAttributes(KeyValue.newBuilder().setKey("raw").setValue(AnyValue.newBuilder()
            .setBytesValue(ByteString.copyFrom(new byte[] {0, 1, (byte) 0xfe}))))
        .addAttributes(attr("big", Long.MAX_VALUE))
        .setDroppedAttributesCount(2)
        .addEvents(Span.Event.newBuilder().setTimeUnixNano(t0 + 10 * MS).setName("cache.miss")
            .addAttributes(attr("key", "cart:7")).setDroppedAttributesCount(1))
        .addEvents(Span.Event.newBuilder().setTimeUnixNano(t0 + 11 * MS).setName("exception")
            .addAttributes(attr("exception.message", "boom")))
        .setDroppedEventsCount(3)
        .addLinks(Span.Link.newBuilder().setTraceId(randomTraceId()).setSpanId(spanId(99)).setTraceState("x=1")
            .addAttributes(attr("link.kind", "follows")).setDroppedAttributesCount(1).setFlags(0x100))
        .setDroppedLinksCount(4)
        .setStatus(Status.newBuilder().setCode(Status.StatusCode.STATUS_CODE_OK).setMessage("fine"))
        .build();
    Span render = span(traceId, 2, 1, "render", t0 + 90 * MS, 20 * MS, false).toBuilder()
        .setKind(Span.SpanKind.SPAN_KIND_INTERNAL).build();
    Span call = span(traceId, 3, 1, "GET /items", t0 + 5 * MS, 70 * MS, true).toBuilder()
        .setKind(Span.SpanKind.SPAN_KIND_CLIENT)
        .setStatus(Status.newBuilder().setCode(Status.StatusCode.STATUS_CODE_ERROR).setMessage("timeout after 70 ms"))
        .build();
    InstrumentationScope tomcat = InstrumentationScope.newBuilder().setName("io.opentelemetry.tomcat-10.0")
        .setVersion("2.10.0-alpha").addAttributes(attr("scope.attr", "x")).setDroppedAttributesCount(1).build();
    InstrumentationScope manual = InstrumentationScope.newBuilder().setName("shop.manual").build();
    InstrumentationScope http = InstrumentationScope.newBuilder().setName("io.opentelemetry.java-http-client")
        .setVersion("2.10.0").build();
    return ExportTraceServiceRequest.newBuilder()
        .addResourceSpans(ResourceSpans.newBuilder().setResource(frontend)
            .setSchemaUrl("https://opentelemetry.io/schemas/1.24.0")
            .addScopeSpans(ScopeSpans.newBuilder().setScope(tomcat).setSchemaUrl("https://opentelemetry.io/schemas/1.21.0")
                .addSpans(root))
            .addScopeSpans(ScopeSpans.newBuilder().setScope(manual).addSpans(render)))
        .addResourceSpans(ResourceSpans.newBuilder().setResource(backend)
            .addScopeSpans(ScopeSpans.newBuilder().setScope(http).addSpans(call)))
        .build();
  }

  protected final List<TraceChunk> chunks(ExportTraceServiceRequest request) {
    TraceBatcher.Batch batch = batcher.split(request, now);
    assertEquals(0, batch.rejectedSpans(), batch.rejectionMessage());
    return batch.chunks();
  }

  protected final void write(ExportTraceServiceRequest... requests) {
    for (ExportTraceServiceRequest r : requests) {
      writer().write(PROJECT, chunks(r));
    }
  }

  protected final StoredTrace read(ByteString traceId) {
    return reader().read(PROJECT, OtlpIds.hex(traceId))
        .orElseThrow(() -> new AssertionError("trace " + OtlpIds.hex(traceId) + " not found"));
  }

  /** The span ids read back, sorted; fails if a span comes back twice. */
  protected static List<Long> spanIds(StoredTrace trace) {
    return new ArrayList<>(spansById(trace).keySet());
  }

  protected static Map<Long, SpanRecord> spansById(StoredTrace trace) {
    Map<Long, SpanRecord> byId = new TreeMap<>();
    for (SpanRecord r : StoredSpans.of(trace)) {
      SpanRecord earlier = byId.put(idOf(r.span()), r);
      assertNull(earlier, "span " + idOf(r.span()) + " returned twice");
    }
    return byId;
  }

  protected static long idOf(Span span) {
    assertNotNull(span);
    return span.getSpanId().asReadOnlyByteBuffer().getLong();
  }

  protected static Clock fixed(Instant at) {
    return Clock.fixed(at, ZoneOffset.UTC);
  }

  private static AnyValue str(String s) {
    return AnyValue.newBuilder().setStringValue(s).build();
  }

  protected static String randomText(Random random, int length) {
    String alphabet = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789";
    StringBuilder sb = new StringBuilder(length);
    for (int i = 0; i < length; i++) {
      sb.append(alphabet.charAt(random.nextInt(alphabet.length())));
    }
    return sb.toString();
  }
}
