package dev.tracing.otlp;

import static dev.tracing.testing.OtlpFixtures.attr;
import static dev.tracing.testing.OtlpFixtures.nanos;
import static dev.tracing.testing.OtlpFixtures.request;
import static dev.tracing.testing.OtlpFixtures.service;
import static dev.tracing.testing.OtlpFixtures.span;
import static dev.tracing.testing.OtlpFixtures.traceId;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.tracing.trace.AttributeTerms;
import dev.tracing.testing.OtlpFixtures;
import com.google.protobuf.ByteString;
import dev.tracing.trace.SpanFacts;
import dev.tracing.trace.TraceChunk;
import io.opentelemetry.proto.collector.trace.v1.ExportTraceServiceRequest;
import io.opentelemetry.proto.common.v1.AnyValue;
import io.opentelemetry.proto.common.v1.KeyValue;
import io.opentelemetry.proto.common.v1.InstrumentationScope;
import io.opentelemetry.proto.resource.v1.Resource;
import io.opentelemetry.proto.trace.v1.ResourceSpans;
import io.opentelemetry.proto.trace.v1.ScopeSpans;
import io.opentelemetry.proto.trace.v1.Span;
import io.opentelemetry.proto.trace.v1.Status;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.function.UnaryOperator;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

class TraceBatcherTest {
  private static final Duration RETENTION = Duration.ofDays(30);
  private static final Instant NOW = Instant.parse("2026-11-24T10:00:00Z");
  private static final long T0 = nanos(NOW.minus(Duration.ofMinutes(5)));
  private static final long MS = 1_000_000L;
  private static final ByteString TRACE_A = traceId("0af7651916cd43dd8448eb211c80319c");
  private static final ByteString TRACE_B = traceId("4bf92f3577b34da6a3ce929d0e0e4736");

  private final TraceBatcher batcher = new TraceBatcher(RETENTION);

  private static Span good(long id) {
    return span(TRACE_A, id, id == 1 ? 0 : 1, "op", T0 + id * MS, MS, false);
  }

  private TraceBatcher.Batch split(ExportTraceServiceRequest request) {
    return splitEveryWay(RETENTION, request, NOW);
  }

  /**
   * Splits a request every way ingest does, decoded alone (as the OTLP/JSON reader gives it), with
   * its protobuf bytes (as protobuf arrives), and from its bytes alone as ingest splits bytes it
   * wrote (transcoded OTLP/JSON, facts without attribute terms); checks that they agree to the
   * byte, and returns the second. The bytes alone are decoded only to cut spans out.
   */
  static TraceBatcher.Batch splitEveryWay(Duration retention, ExportTraceServiceRequest request, Instant now) {
    TraceBatcher batcher = new TraceBatcher(retention);
    TraceBatcher.Batch decoded = batcher.split(request, now);
    TraceBatcher.Batch received = batcher.split(request, request.toByteArray(), now);
    assertSameBatch(decoded, received);

    TraceBatcher withoutTerms = new TraceBatcher(retention, false);
    int[] parses = {0};
    TraceBatcher.Batch written = withoutTerms.splitWritten(request.toByteArray(), () -> {
      parses[0]++;
      return request;
    }, now);
    assertSameBatch(withoutTerms.split(request, request.toByteArray(), now), written);
    if (written.rejectedSpans() == 0 && written.chunks().stream().map(TraceChunk::key).distinct().count() <= 1) {
      assertEquals(0, parses[0], "a request kept whole in one pack is never decoded");
    }
    return received;
  }

  private static void assertSameBatch(TraceBatcher.Batch expected, TraceBatcher.Batch actual) {
    assertEquals(expected.acceptedSpans(), actual.acceptedSpans());
    assertEquals(expected.rejectedSpans(), actual.rejectedSpans());
    assertEquals(expected.rejectionMessage(), actual.rejectionMessage());
    assertEquals(shown(expected.chunks()), shown(actual.chunks()));
    for (int i = 0; i < expected.chunks().size(); i++) {
      assertArrayEquals(expected.chunks().get(i).payload(), actual.chunks().get(i).payload());
    }
  }

  private static List<String> shown(List<TraceChunk> chunks) {
    return chunks.stream().map(c -> c.traceId() + " " + c.key() + c.facts().stream()
        .map(f -> f.spanId() + f.name() + f.service() + f.parentSpanId() + f.root() + f.startNano() + "-" + f.endNano() + f.statusCode()
            + java.util.Arrays.toString(f.attributeHashes())).toList()).toList();
  }

  // ---------------------------------------------------------------------------------------------
  // Validation

  static Stream<Arguments> invalidSpans() {
    String traceIdReason = "1 span with an invalid trace id (must be 16 bytes, not all zero)";
    String spanIdReason = "1 span with an invalid span id (must be 8 bytes, not all zero)";
    String parentReason = "1 span with an invalid parent span id (must be empty or 8 bytes)";
    String timeReason = "1 span with missing, unreadable or inverted timestamps (start and end must be set, as whole nanoseconds since the"
        + " epoch, and end >= start)";
    String oldReason = "1 span older than the retention window (traces are kept 30 days)";
    String futureReason = "1 span starting more than 1 hour in the future (check the sender's clock)";
    long oldest = nanos(NOW.minus(RETENTION));
    long newest = nanos(NOW.plus(TraceBatcher.MAX_CLOCK_SKEW));
    return Stream.of(
        invalid("all-zero trace id", s -> s.setTraceId(ByteString.copyFrom(new byte[16])), traceIdReason),
        invalid("missing trace id", s -> s.clearTraceId(), traceIdReason),
        invalid("8-byte trace id", s -> s.setTraceId(ByteString.copyFrom(new byte[] {1, 2, 3, 4, 5, 6, 7, 8})), traceIdReason),
        invalid("17-byte trace id", s -> s.setTraceId(TRACE_A.concat(ByteString.copyFrom(new byte[] {1}))), traceIdReason),
        invalid("all-zero span id", s -> s.setSpanId(ByteString.copyFrom(new byte[8])), spanIdReason),
        invalid("missing span id", s -> s.clearSpanId(), spanIdReason),
        invalid("4-byte span id", s -> s.setSpanId(ByteString.copyFrom(new byte[] {1, 2, 3, 4})), spanIdReason),
        invalid("4-byte parent id", s -> s.setParentSpanId(ByteString.copyFrom(new byte[] {1, 2, 3, 4})), parentReason),
        invalid("16-byte parent id", s -> s.setParentSpanId(TRACE_B), parentReason),
        invalid("zero start", s -> s.setStartTimeUnixNano(0), timeReason),
        invalid("zero end", s -> s.setEndTimeUnixNano(0), timeReason),
        invalid("end before start", s -> s.setEndTimeUnixNano(s.getStartTimeUnixNano() - 1), timeReason),
        invalid("one ns older than the retention window",
            s -> s.setStartTimeUnixNano(oldest - 1).setEndTimeUnixNano(oldest + MS), oldReason),
        invalid("one ns beyond the allowed clock skew",
            s -> s.setStartTimeUnixNano(newest + 1).setEndTimeUnixNano(newest + MS), futureReason));
  }

  private static Arguments invalid(String what, UnaryOperator<Span.Builder> change, String message) {
    return Arguments.of(what, change.apply(good(2).toBuilder()).build(), message);
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("invalidSpans")
  void invalidSpanIsRejectedWithItsReasonWhileTheOthersAreAccepted(String what, Span bad, String message) {
    TraceBatcher.Batch batch = split(request(service("frontend"), good(1), bad, good(3)));

    assertEquals(1, batch.rejectedSpans());
    assertEquals(message, batch.rejectionMessage());
    assertEquals(2, batch.acceptedSpans());
    assertEquals(1, batch.chunks().size());
    assertEquals(List.of(1L, 3L), batch.chunks().get(0).facts().stream().map(SpanFacts::spanId).toList());
  }

  static Stream<Arguments> validEdges() {
    long oldest = nanos(NOW.minus(RETENTION));
    long newest = nanos(NOW.plus(TraceBatcher.MAX_CLOCK_SKEW));
    return Stream.of(
        Arguments.of("start exactly at the retention boundary", good(2).toBuilder()
            .setStartTimeUnixNano(oldest).setEndTimeUnixNano(oldest + MS).build()),
        Arguments.of("start exactly at the clock-skew boundary", good(2).toBuilder()
            .setStartTimeUnixNano(newest).setEndTimeUnixNano(newest + MS).build()),
        Arguments.of("zero duration", good(2).toBuilder().setEndTimeUnixNano(good(2).getStartTimeUnixNano()).build()),
        Arguments.of("all-zero 8-byte parent id", good(2).toBuilder().setParentSpanId(ByteString.copyFrom(new byte[8])).build()));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("validEdges")
  void spanAtTheEdgeOfValidIsAccepted(String what, Span edge) {
    TraceBatcher.Batch batch = split(request(service("frontend"), edge));

    assertEquals(0, batch.rejectedSpans(), batch.rejectionMessage());
    assertEquals("", batch.rejectionMessage());
    assertEquals(1, batch.acceptedSpans());
  }

  @Test
  void rejectionsOfSeveralReasonsAreCountedAndListedInOneMessage() {
    Span zeroTrace = good(2).toBuilder().setTraceId(ByteString.copyFrom(new byte[16])).build();
    Span shortTrace = good(3).toBuilder().setTraceId(ByteString.copyFrom(new byte[4])).build();
    long old = nanos(NOW.minus(Duration.ofDays(31)));
    Span tooOld = good(4).toBuilder().setStartTimeUnixNano(old).setEndTimeUnixNano(old + MS).build();

    TraceBatcher.Batch batch = split(request(service("frontend"), zeroTrace, good(1), tooOld, shortTrace));

    assertEquals(3, batch.rejectedSpans());
    assertEquals(1, batch.acceptedSpans());
    assertEquals("2 spans with an invalid trace id (must be 16 bytes, not all zero); "
        + "1 span older than the retention window (traces are kept 30 days)", batch.rejectionMessage());
  }

  @Test
  void requestWithOnlyInvalidSpansGivesNoChunks() {
    Span bad = good(1).toBuilder().setStartTimeUnixNano(0).build();

    TraceBatcher.Batch batch = split(request(service("frontend"), bad));

    assertEquals(List.of(), batch.chunks());
    assertEquals(0, batch.acceptedSpans());
    assertEquals(1, batch.rejectedSpans());
  }

  // ---------------------------------------------------------------------------------------------
  // Grouping

  @Test
  void acceptedSpansArePackedInRequestOrderAndFoldedPerTrace() {
    Resource frontend = service("frontend").toBuilder().addAttributes(attr("host.name", "web-1")).build();
    InstrumentationScope http = InstrumentationScope.newBuilder().setName("http").setVersion("1.2").build();
    InstrumentationScope db = InstrumentationScope.newBuilder().setName("db").build();
    Span a1 = span(TRACE_A, 1, 0, "a1", T0, MS, false);
    Span b1 = span(TRACE_B, 1, 0, "b1", T0, MS, false);
    Span a2 = span(TRACE_A, 2, 1, "a2", T0, MS, false);
    Span a3 = span(TRACE_A, 3, 1, "a3", T0, MS, false);
    Span b2 = span(TRACE_B, 2, 1, "b2", T0, MS, false);
    Span refused = span(TRACE_B, 9, 1, "refused", 0, MS, false);
    ExportTraceServiceRequest request = ExportTraceServiceRequest.newBuilder()
        .addResourceSpans(ResourceSpans.newBuilder().setResource(frontend).setSchemaUrl("https://schema/r1")
            .addScopeSpans(ScopeSpans.newBuilder().setScope(http).setSchemaUrl("https://schema/s1").addSpans(a1).addSpans(b1))
            .addScopeSpans(ScopeSpans.newBuilder().setScope(db).addSpans(a2)))
        .addResourceSpans(ResourceSpans.newBuilder().setResource(service("backend"))
            .addScopeSpans(ScopeSpans.newBuilder().setScope(http).addSpans(b2).addSpans(a3).addSpans(refused)))
        .build();

    List<TraceChunk> chunks = split(request).chunks();

    // one pack: the request's accepted spans with their resources and scopes, in request order
    assertEquals(2, chunks.size());
    TraceChunk a = chunks.get(0);
    TraceChunk b = chunks.get(1);
    assertEquals(a.key(), b.key());
    assertSame(a.payload(), b.payload());
    ExportTraceServiceRequest accepted = request.toBuilder().setResourceSpans(1, request.getResourceSpans(1).toBuilder()
        .setScopeSpans(0, request.getResourceSpans(1).getScopeSpans(0).toBuilder().removeSpans(2))).build();
    assertEquals(accepted.getResourceSpansList(), SpanChunks.decode(a.payload()).getResourceSpansList());
    // a piece per trace, its spans' facts in payload order
    assertEquals("0af7651916cd43dd8448eb211c80319c", a.traceId());
    assertEquals(List.of(1L, 2L, 3L), a.facts().stream().map(SpanFacts::spanId).toList());
    assertEquals(List.of("frontend", "frontend", "backend"), a.facts().stream().map(SpanFacts::service).toList());
    assertEquals("4bf92f3577b34da6a3ce929d0e0e4736", b.traceId());
    assertEquals(List.of("b1", "b2"), b.facts().stream().map(SpanFacts::name).toList());
    // read back from storage, the pack gives the same pieces
    java.util.function.Function<TraceChunk, String> shown = c -> c.traceId() + c.facts().stream()
        .map(f -> f.spanId() + f.name() + f.service() + f.parentSpanId() + java.util.Arrays.toString(f.attributeHashes())).toList();
    assertEquals(chunks.stream().map(shown).toList(), TraceBatcher.storedPack(a.key(), a.payload()).stream().map(shown).toList());
  }

  @Test
  void withoutAttributeTermsThePacksAreTheSameAndTheFoldComputesTheTermsFromThem() {
    ExportTraceServiceRequest request = request(service("cart").toBuilder().addAttributes(attr("region", "eu")).build(),
        span(TRACE_A, 1, 0, "GET /cart", T0, 40 * MS, false, attr("http.method", "GET")),
        span(TRACE_B, 1, 0, "GET /", T0, MS, false));
    List<TraceChunk> withTerms = split(request).chunks();
    List<TraceChunk> without = new TraceBatcher(RETENTION, false).split(request, NOW).chunks();

    assertEquals(withTerms.stream().map(TraceChunk::key).toList(), without.stream().map(TraceChunk::key).toList());
    assertArrayEquals(withTerms.get(0).payload(), without.get(0).payload());
    assertEquals(0, without.get(0).facts().get(0).attributeHashes().length, "ingest that does not fold skips the terms");
    assertTrue(withTerms.get(0).facts().get(0).attributeHashes().length >= 2, "span and resource terms");
    assertArrayEquals(withTerms.get(0).facts().get(0).attributeHashes(),
        TraceBatcher.storedPack(without.get(0).key(), without.get(0).payload()).get(0).facts().get(0).attributeHashes(),
        "the fold computes them from the stored pack");
  }

  @Test
  void factsDescribeEachSpanForTheSummary() {
    Span root = span(TRACE_A, 1, 0, "GET /cart", T0, 40 * MS, false, attr("http.method", "GET"));
    Span child = span(TRACE_A, 0x8000_0000_0000_0001L, 1, "db", T0 + MS, 2 * MS, true);
    Resource resource = service("cart").toBuilder().addAttributes(attr("region", "eu")).build();

    List<SpanFacts> facts = split(request(resource, root, child)).chunks().get(0).facts();

    SpanFacts r = facts.get(0);
    assertEquals(1L, r.spanId());
    assertTrue(r.root());
    assertEquals(T0, r.startNano());
    assertEquals(T0 + 40 * MS, r.endNano());
    assertEquals("cart", r.service());
    assertEquals("GET /cart", r.name());
    assertEquals(0, r.statusCode());
    assertArrayEquals(new long[] {AttributeTerms.hash("http.method", "GET"), AttributeTerms.hash("service.name", "cart"),
        AttributeTerms.hash("region", "eu")}, r.attributeHashes(), "the span's attributes, then its resource's, in their order");

    SpanFacts c = facts.get(1);
    assertEquals(0x8000_0000_0000_0001L, c.spanId(), "span ids are read big-endian");
    assertFalse(c.root());
    assertEquals(2, c.statusCode());
    assertTrue(c.isError());
    assertEquals(2 * MS, c.durationNano());
  }

  @Test
  void resourceWithoutServiceNameIsUnknownService() {
    Resource noName = Resource.newBuilder().addAttributes(attr("host.name", "h")).build();
    Resource emptyName = service("");

    assertEquals("unknown_service", split(request(noName, good(1))).chunks().get(0).facts().get(0).service());
    assertEquals("unknown_service", split(request(emptyName, good(1))).chunks().get(0).facts().get(0).service());
  }

  @Test
  void interleavedTracesAreGroupedTheSameFromTheBytesAlone() {
    ExportTraceServiceRequest request = request(service("s"), good(1), span(TRACE_B, 1, 0, "b1", T0, MS, false), good(2),
        span(TRACE_B, 2, 1, "b2", T0, MS, false), good(3));

    List<TraceChunk> chunks = split(request).chunks();

    assertEquals(List.of(OtlpIds.hex(TRACE_A), OtlpIds.hex(TRACE_B)), chunks.stream().map(TraceChunk::traceId).toList());
    assertEquals(List.of(1L, 2L, 3L), chunks.get(0).facts().stream().map(SpanFacts::spanId).toList());
    assertEquals(List.of("b1", "b2"), chunks.get(1).facts().stream().map(SpanFacts::name).toList());
  }

  @Test
  void theBytesAloneGiveTheFactsTheDecodedRequestGives() {
    KeyValue numericName = KeyValue.newBuilder().setKey("service.name").setValue(AnyValue.newBuilder().setIntValue(7)).build();
    Resource numericThenText = Resource.newBuilder().addAttributes(attr("host.name", "h")).addAttributes(numericName)
        .addAttributes(attr("service.name", "checkout")).setDroppedAttributesCount(2).build();
    Resource emptyThenText = Resource.newBuilder().addAttributes(attr("service.name", ""))
        .addAttributes(attr("service.name", "cart ✓")).build();
    Span everyField = good(2).toBuilder().setTraceState("k=v").setFlags(0x301).setKind(Span.SpanKind.SPAN_KIND_CLIENT)
        .addEvents(Span.Event.newBuilder().setName("e").setTimeUnixNano(T0).addAttributes(attr("n", 1L)))
        .addLinks(Span.Link.newBuilder().setTraceId(TRACE_B).setSpanId(OtlpFixtures.spanId(9)).setTraceState("a=b"))
        .setDroppedAttributesCount(1).setDroppedEventsCount(2).setDroppedLinksCount(3)
        .setStatus(Status.newBuilder().setMessage("boom").setCode(Status.StatusCode.STATUS_CODE_ERROR)).build();
    Span unknownStatus = good(3).toBuilder().setStatus(Status.newBuilder().setCodeValue(7)).build();
    Span negativeStatus = good(4).toBuilder().setStatus(Status.newBuilder().setCodeValue(-1)).build();
    Span zeroParent = good(5).toBuilder().setParentSpanId(ByteString.copyFrom(new byte[8])).build();
    ExportTraceServiceRequest request = ExportTraceServiceRequest.newBuilder()
        .addAllResourceSpans(request(numericThenText, good(1), everyField).getResourceSpansList())
        .addAllResourceSpans(request(emptyThenText, unknownStatus, negativeStatus, zeroParent).getResourceSpansList())
        .addResourceSpans(ResourceSpans.newBuilder().addScopeSpans(ScopeSpans.newBuilder().addSpans(good(6))))
        .build();

    TraceBatcher.Batch batch = split(request);

    List<SpanFacts> facts = batch.chunks().get(0).facts();
    assertEquals(List.of("checkout", "checkout", "cart ✓", "cart ✓", "cart ✓", "unknown_service"),
        facts.stream().map(SpanFacts::service).toList());
    assertEquals(List.of(0, 2, 0, 0, 0, 0), facts.stream().map(SpanFacts::statusCode).toList());
    assertTrue(facts.get(4).root(), "an all-zero parent id is no parent");
  }

  @Test
  void summaryNamesAreBoundedWhileTheStoredSpanKeepsItsFullName() {
    String longName = "x".repeat(5_000);
    Span named = span(TRACE_A, 1, 0, longName, T0, MS, false);

    TraceChunk chunk = split(request(service("s".repeat(2_000)), named)).chunks().get(0);

    assertEquals("x".repeat(SpanFacts.MAX_NAME_CHARS), chunk.facts().get(0).name());
    assertEquals("s".repeat(SpanFacts.MAX_NAME_CHARS), chunk.facts().get(0).service());
    assertEquals(longName, SpanChunks.decode(chunk.payload()).getResourceSpans(0).getScopeSpans(0).getSpans(0).getName());
  }

  @Test
  void okStatusIsKeptInTheFacts() {
    Span ok = good(1).toBuilder().setStatus(Status.newBuilder().setCode(Status.StatusCode.STATUS_CODE_OK)).build();

    assertEquals(1, split(request(service("s"), ok)).chunks().get(0).facts().get(0).statusCode());
  }

  // ---------------------------------------------------------------------------------------------
  // Chunk keys

  @Test
  void chunkKeyIsTheSameForTheSameSpansInAnyOrderAndLayout() {
    String inOrder = split(request(service("a"), good(1), good(2), good(3))).chunks().get(0).key();
    String reversed = split(request(service("a"), good(3), good(2), good(1))).chunks().get(0).key();
    ExportTraceServiceRequest otherLayout = ExportTraceServiceRequest.newBuilder()
        .addAllResourceSpans(request(service("b"), good(2)).getResourceSpansList())
        .addAllResourceSpans(request(service("c"), good(3), good(1)).getResourceSpansList())
        .build();

    assertEquals(inOrder, reversed);
    assertEquals(inOrder, split(otherLayout).chunks().get(0).key());
    assertEquals(inOrder, new TraceBatcher(RETENTION).split(request(service("a"), good(1), good(2), good(3)),
        NOW.plusSeconds(30)).chunks().get(0).key(), "a retry a little later");
    assertTrue(inOrder.matches("[0-9a-f]{24}"), inOrder);
  }

  @Test
  void chunkKeyDiffersForADifferentSetOfSpans() {
    String oneTwoThree = split(request(service("a"), good(1), good(2), good(3))).chunks().get(0).key();
    String oneTwo = split(request(service("a"), good(1), good(2))).chunks().get(0).key();
    String oneTwoFour = split(request(service("a"), good(1), good(2), good(4))).chunks().get(0).key();

    assertNotEquals(oneTwoThree, oneTwo);
    assertNotEquals(oneTwoThree, oneTwoFour);
  }

  @Test
  void aRequestWhoseEverySpanIsAcceptedIsStoredInTheBytesItCameIn() throws Exception {
    Span a1 = span(TRACE_A, 1, 0, "a1", T0, MS, false, attr("http.route", "/cart"));
    Span b1 = span(TRACE_B, 1, 0, "b1", T0, MS, true);
    ScopeSpans scope = ScopeSpans.newBuilder().setScope(InstrumentationScope.newBuilder().setName("http")).addSpans(a1)
        .addSpans(b1).build();
    // a layout protobuf would not write itself: the resource after its scope spans, and an empty scope
    byte[] resourceSpans = concat(
        ResourceSpans.newBuilder().addScopeSpans(scope).addScopeSpans(ScopeSpans.getDefaultInstance()).build().toByteArray(),
        ResourceSpans.newBuilder().setResource(service("cart")).build().toByteArray());
    java.io.ByteArrayOutputStream bytes = new java.io.ByteArrayOutputStream();
    com.google.protobuf.CodedOutputStream out = com.google.protobuf.CodedOutputStream.newInstance(bytes);
    out.writeByteArray(1, resourceSpans);
    out.flush();
    byte[] received = bytes.toByteArray();
    ExportTraceServiceRequest request = ExportTraceServiceRequest.parseFrom(received);
    assertEquals(1, request.getResourceSpansCount());
    assertFalse(java.util.Arrays.equals(received, request.toByteArray()), "not the layout protobuf writes");

    TraceBatcher.Batch batch = batcher.split(request, received, NOW);

    assertEquals(2, batch.acceptedSpans());
    assertArrayEquals(received, SpanChunks.inflate(batch.chunks().get(0).payload()), "stored as received");
    assertEquals(List.of("cart", "cart"), batch.chunks().stream().map(c -> c.facts().get(0).service()).toList());
    assertEquals(shown(batch.chunks()), shown(TraceBatcher.storedPack(batch.chunks().get(0).key(),
        batch.chunks().get(0).payload())), "the fold reads back the facts ingest computed");
    assertEquals(shown(batcher.split(request, NOW).chunks()), shown(batch.chunks()), "the same pieces as decoded");
  }

  @Test
  void aRequestWithARefusedSpanIsStoredWithoutIt() {
    Span refused = span(TRACE_A, 9, 1, "refused", 0, MS, false);
    ExportTraceServiceRequest request = request(service("cart"), good(1), refused, good(2));

    TraceBatcher.Batch batch = batcher.split(request, request.toByteArray(), NOW);

    assertEquals(1, batch.rejectedSpans());
    assertEquals(List.of(1L, 2L), SpanChunks.decode(batch.chunks().get(0).payload()).getResourceSpans(0).getScopeSpans(0)
        .getSpansList().stream().map(x -> x.getSpanId().asReadOnlyByteBuffer().getLong()).toList());
  }

  @Test
  void aRequestTooLargeForOnePackIsCutTheSameWayWhetherItsBytesAreKeptOrNot() {
    java.util.Random random = new java.util.Random(7);
    String alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    Span[] spans = new Span[10];
    for (int i = 0; i < spans.length; i++) {
      StringBuilder blob = new StringBuilder();
      for (int c = 0; c < 60_000; c++) {
        blob.append(alphabet.charAt(random.nextInt(alphabet.length())));
      }
      spans[i] = span(TRACE_A, i + 1, i == 0 ? 0 : 1, "s" + i, T0, MS, false, attr("blob", blob.toString()));
    }
    ExportTraceServiceRequest request = request(service("cart"), spans);

    TraceBatcher.Batch batch = split(request); // both ways, compared to the byte

    assertEquals(10, batch.acceptedSpans());
    java.util.Set<String> packs = new java.util.TreeSet<>();
    batch.chunks().forEach(c -> {
      packs.add(c.key());
      assertTrue(c.payload().length <= TraceChunk.MAX_PAYLOAD_BYTES, c.payload().length + " bytes");
    });
    assertTrue(packs.size() >= 2, "cut into " + packs.size() + " packs");
  }

  private static byte[] concat(byte[] a, byte[] b) {
    byte[] out = java.util.Arrays.copyOf(a, a.length + b.length);
    System.arraycopy(b, 0, out, a.length, b.length);
    return out;
  }

  @Test
  void aSpanTooLargeForAnItemIsRefusedAndTheOthersKept() {
    var traceId = OtlpFixtures.randomTraceId();
    long now = OtlpFixtures.nanos(Instant.now());
    Span huge = OtlpFixtures.span(traceId, 1, 0, "huge", now, 10, false,
        OtlpFixtures.attr("blob", "y".repeat(TraceBatcher.MAX_SPAN_BYTES + 1)));
    Span fine = OtlpFixtures.span(traceId, 2, 1, "fine", now, 10, false);
    ExportTraceServiceRequest request = OtlpFixtures.request(OtlpFixtures.service("s"), huge, fine);

    TraceBatcher.Batch batch = splitEveryWay(Duration.ofDays(30), request, Instant.now());

    assertEquals(1, batch.acceptedSpans());
    assertEquals(1, batch.rejectedSpans());
    assertTrue(batch.rejectionMessage().contains("larger than 262144 bytes"), batch.rejectionMessage());
  }
}
