package dev.tracing.fuzz;

import dev.tracing.otlp.OtlpIds;
import dev.tracing.otlp.SpanChunks;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import com.google.protobuf.InvalidProtocolBufferException;
import dev.tracing.otlp.OtlpBody;
import dev.tracing.query.TraceQuery;
import dev.tracing.query.TraceQueryParser;
import dev.tracing.storage.StoredTrace;
import dev.tracing.trace.SpanFacts;
import dev.tracing.otlp.TraceBatcher;
import dev.tracing.trace.TraceChunk;
import dev.tracing.trace.TraceSummary;
import dev.tracing.view.TraceJson;
import io.opentelemetry.proto.collector.trace.v1.ExportTraceServiceRequest;
import io.opentelemetry.proto.trace.v1.ResourceSpans;
import io.opentelemetry.proto.trace.v1.ScopeSpans;
import io.opentelemetry.proto.trace.v1.Span;
import io.opentelemetry.proto.trace.v1.TracesData;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.function.Supplier;
import java.util.zip.Deflater;

/**
 * What the decoders and parsers promise about bad input, as assertions shared by the fuzz tests
 * and the malformed-request corpus: a refusal is one of the documented exceptions with a 4xx
 * status and a message meant for the client (no stack trace, no exception class names); whatever
 * decodes goes through span validation without any exception, and what that accepts can be
 * stored and shown; a parsed query stays inside the bounds the parser enforces.
 */
final class BadInputContract {
  /** A fixed clock: fuzzing must be deterministic, and the corpus's timestamps are relative to it. */
  static final Instant NOW = Instant.parse("2026-11-24T10:00:00Z");
  static final Duration RETENTION = Duration.ofDays(30);
  static final TraceBatcher BATCHER = new TraceBatcher(RETENTION);
  static final long PROJECT_ID = 42;

  static final Set<Integer> BODY_STATUSES = Set.of(400, 413, 415);

  private BadInputContract() {
  }

  /**
   * Reads a body as the ingest function does, for a project limited to {@code projectLimit} bytes
   * per minute.
   *
   * @return the request, or {@code null} when it was refused as the contract allows
   */
  static ExportTraceServiceRequest readOrRefuse(OtlpBody bodies, String contentType, String contentEncoding, byte[] body,
                                                long projectLimit) {
    try {
      return withinCpuBudget("reading the body", () -> bodies.read(contentType, contentEncoding, body, projectLimit));
    } catch (OtlpBody.BodyException e) {
      checkRefusal(e, contentType + "\n" + contentEncoding + "\n" + new String(body, StandardCharsets.ISO_8859_1));
      return null;
    }
  }

  /**
   * CPU a single input may take: real requests decode in milliseconds, so this only catches
   * inputs that make a decoder run away (it measures CPU, not wall time, so a busy machine does
   * not trip it). Such an input still runs to its end before it fails.
   */
  static final Duration CPU_BUDGET = Duration.ofSeconds(10);

  static <T> T withinCpuBudget(String what, Supplier<T> work) {
    ThreadMXBean threads = ManagementFactory.getThreadMXBean();
    long start = threads.getCurrentThreadCpuTime();
    try {
      return work.get();
    } finally {
      long used = threads.getCurrentThreadCpuTime() - start;
      assertTrue(used <= CPU_BUDGET.toNanos(), () -> what + " took " + used / 1_000_000 + " ms of CPU: a hang for the client");
    }
  }

  /** Longest message a refusal may have: it quotes client input, and should quote only a part of it. */
  static final int MAX_MESSAGE_CHARS = 8192;

  static void checkRefusal(OtlpBody.BodyException e, String input) {
    assertTrue(BODY_STATUSES.contains(e.status()), () -> "status " + e.status() + " for: " + e.getMessage());
    checkClientMessage(e.getMessage(), input);
  }

  /**
   * A message for the client: present, and without Java internals (a stack frame, an exception's
   * class name). Messages quote client input, so a marker that the input itself holds proves
   * nothing and is not held against the message.
   */
  static void checkClientMessage(String message, String input) {
    assertNotNull(message, "a refusal without a message");
    assertFalse(message.isBlank(), "a refusal with a blank message");
    assertTrue(message.length() <= MAX_MESSAGE_CHARS, () -> "a message of " + message.length() + " characters (" + message.substring(0, 200)
        + "...): quote a part of the input, not all of it");
    for (String internal : INTERNALS) {
      if (holds(message, internal) && !holds(input, internal)) {
        fail("Java internals ('" + internal + "') in: " + message);
      }
    }
  }

  /** Text that only reaches a message through an exception's toString() or stack trace. */
  private static final List<String> INTERNALS = List.of("\tat ", "Exception:", "Exception at", "java.lang.", "java.io.",
      "java.util.", "com.google.protobuf.", "tools.jackson.", "dev.tracing.");

  /**
   * {@code text.contains(part)}, written out: Jazzer hooks String.contains and would steer the
   * fuzzer into writing these markers into inputs that then echo them, which proves nothing.
   */
  private static boolean holds(String text, String part) {
    outer:
    for (int i = 0; i + part.length() <= text.length(); i++) {
      for (int j = 0; j < part.length(); j++) {
        if (text.charAt(i + j) != part.charAt(j)) {
          continue outer;
        }
      }
      return true;
    }
    return false;
  }

  /** A query string as the parser sees it, for {@link #checkClientMessage}: raw and URL-decoded. */
  static String queryText(String rawQuery) {
    try {
      return rawQuery + "\n" + java.net.URLDecoder.decode(rawQuery, StandardCharsets.UTF_8);
    } catch (IllegalArgumentException e) {
      return rawQuery;
    }
  }

  /**
   * Splits bytes ingest wrote itself (a transcoded OTLP/JSON body) as ingest does, from the wire
   * alone, and checks that this gives to the byte what splitting the decoded request gives.
   */
  static void splitWrittenChecked(byte[] written, ExportTraceServiceRequest request) {
    TraceBatcher ingest = new TraceBatcher(RETENTION, false);
    assertEquals(shown(ingest.split(request, written, NOW)), shown(ingest.splitWritten(written, () -> request, NOW)),
        "the transcoded bytes read from the wire as the decoded request is read");
  }

  private static List<String> shown(TraceBatcher.Batch batch) {
    List<String> out = new ArrayList<>();
    out.add(batch.acceptedSpans() + " " + batch.rejectedSpans() + " " + batch.rejectionMessage());
    for (TraceChunk c : batch.chunks()) {
      out.add(c.traceId() + " " + c.key() + " " + java.util.Arrays.hashCode(c.payload()) + " " + c.payload().length);
      for (SpanFacts f : c.facts()) {
        out.add(f.spanId() + " " + f.root() + " " + f.parentSpanId() + " " + f.startNano() + " " + f.endNano() + " "
            + f.service() + " " + f.name() + " " + f.statusCode() + " " + java.util.Arrays.toString(f.attributeHashes()));
      }
    }
    return out;
  }

  /**
   * Validates a decoded request as ingest does, and checks that the split accounts for every
   * span exactly once and stores only valid ones.
   */
  static TraceBatcher.Batch splitChecked(ExportTraceServiceRequest request) {
    TraceBatcher.Batch batch = BATCHER.split(request, NOW);
    int total = 0;
    for (ResourceSpans rs : request.getResourceSpansList()) {
      for (ScopeSpans ss : rs.getScopeSpansList()) {
        total += ss.getSpansCount();
      }
    }
    assertEquals(total, batch.acceptedSpans() + batch.rejectedSpans(), "every span is either accepted or rejected");
    assertEquals(batch.rejectedSpans() == 0, batch.rejectionMessage().isEmpty(), "a reason is given exactly when spans are rejected");
    if (batch.rejectedSpans() > 0) {
      checkClientMessage(batch.rejectionMessage(), "");
    }
    long nowNano = nanos(NOW);
    int stored = 0;
    for (TraceChunk chunk : batch.chunks()) {
      assertTrue(isLowercaseHexId(chunk.traceId()) && !chunk.traceId().equals("0".repeat(32)), chunk::traceId);
      // the payload is the request's pack: this trace's spans and the other traces'
      long spansInData = SpanChunks.decode(chunk.payload()).getResourceSpansList().stream()
          .flatMap(rs -> rs.getScopeSpansList().stream()).flatMap(ss -> ss.getSpansList().stream())
          .filter(span -> OtlpIds.hex(span.getTraceId()).equals(chunk.traceId())).count();
      assertEquals(chunk.spanCount(), spansInData, "one fact per stored span of the trace");
      for (SpanFacts f : chunk.facts()) {
        assertTrue(f.spanId() != 0, "an all-zero span id was accepted");
        assertTrue(f.startNano() > 0 && f.endNano() >= f.startNano(), () -> "accepted timestamps " + f.startNano() + ".." + f.endNano());
        assertTrue(f.startNano() >= nowNano - RETENTION.toNanos() && f.startNano() <= nowNano + TraceBatcher.MAX_CLOCK_SKEW.toNanos(),
            () -> "accepted a span starting at " + f.startNano());
      }
      checkStorable(chunk);
      stored += chunk.spanCount();
    }
    assertEquals(batch.acceptedSpans(), stored, "accepted spans are the stored ones");
    return batch;
  }

  /** DynamoDB's item size limit: a span chunk item holds the deflated TracesData plus its keys. */
  static final int DYNAMODB_ITEM_BYTES = 400 * 1024;

  /**
   * What the store needs of every accepted span: its chunk reads back from protobuf as it was
   * written, within protobuf's default recursion limit of 100 (OtlpJsonReader bounds nesting to fit it;
   * the store reads with more room), the trace view can show it, and
   * the span with its resource and scope fits one DynamoDB item once deflated as the store does
   * (a chunk is split down to single spans, never further).
   */
  static void checkStorable(TraceChunk chunk) {
    assertTrue(chunk.payload().length <= TraceChunk.MAX_PAYLOAD_BYTES, "a chunk fits one item");
    TracesData data = SpanChunks.decode(chunk.payload());
    byte[] written = data.toByteArray();
    TracesData readBack = null;
    try {
      readBack = TracesData.parseFrom(written);
    } catch (InvalidProtocolBufferException e) {
      fail("an accepted chunk cannot be read back from storage: protobuf refuses its own encoding of it (" + e.getMessage() + ")");
    }
    // Compared as bytes: protobuf writes a lone surrogate of a JSON string as '?', so the first
    // encoding may change a string; what is stored must then read back as stored.
    assertArrayEquals(written, readBack.toByteArray(), "a chunk reads back as written");
    TraceSummary summary = new TraceSummary(chunk.traceId());
    summary.merge(chunk.key(), chunk.facts());
    try {
      TraceJson.write(new StoredTrace(PROJECT_ID, summary, List.of(SpanChunks.encode(readBack)), List.of(chunk.key())));
    } catch (RuntimeException e) {
      throw new AssertionError("an accepted span cannot be shown: the trace view (GET .../traces/{traceId}) throws " + e, e);
    }
    for (ResourceSpans rs : data.getResourceSpansList()) {
      for (ScopeSpans ss : rs.getScopeSpansList()) {
        for (Span span : ss.getSpansList()) {
          TracesData single = TracesData.newBuilder().addResourceSpans(ResourceSpans.newBuilder().setResource(rs.getResource())
              .setSchemaUrl(rs.getSchemaUrl()).addScopeSpans(ScopeSpans.newBuilder().setScope(ss.getScope())
                  .setSchemaUrl(ss.getSchemaUrl()).addSpans(span))).build();
          if (single.getSerializedSize() > DYNAMODB_ITEM_BYTES / 2) { // smaller ones fit whatever deflate does
            int stored = deflatedSize(single.toByteArray());
            assertTrue(stored < DYNAMODB_ITEM_BYTES, () -> "an accepted span cannot be stored: with its resource and scope it"
                + " deflates to " + stored + " bytes, over DynamoDB's item limit of " + DYNAMODB_ITEM_BYTES + " (the span alone is "
                + span.getSerializedSize() + " bytes, its resource " + rs.getResource().getSerializedSize() + ")");
          }
        }
      }
    }
  }

  /** As the span chunk items store it: raw deflate at the default level. */
  private static int deflatedSize(byte[] raw) {
    Deflater deflater = new Deflater(Deflater.DEFAULT_COMPRESSION, true);
    try {
      deflater.setInput(raw);
      deflater.finish();
      byte[] buf = new byte[64 * 1024];
      int total = 0;
      while (!deflater.finished()) {
        total += deflater.deflate(buf);
      }
      return total;
    } finally {
      deflater.end();
    }
  }

  /** The bounds every query the parser lets through must respect, whatever its parameters or page token. */
  static void checkQueryBounds(TraceQuery q, boolean list) {
    assertTrue(q.startNano() < q.endNano(), () -> "an empty or inverted window " + q.startNano() + ".." + q.endNano());
    assertTrue(q.endNano() - q.startNano() > 0 && q.endNano() - q.startNano() <= TraceQueryParser.MAX_WINDOW.toNanos(),
        () -> "a window longer than " + TraceQueryParser.MAX_WINDOW + ": " + q.startNano() + ".." + q.endNano() + " ("
            + Duration.ofNanos(q.endNano() - q.startNano()) + ")");
    for (String id : concat(q.filters().traceIds(), q.filters().notTraceIds())) {
      assertTrue(isLowercaseHexId(id), () -> "a trace id filter that is not 32 lowercase hex characters: " + id);
    }
    if (list) {
      assertTrue(q.pageSize() >= 1 && q.pageSize() <= TraceQueryParser.MAX_PAGE_SIZE, () -> "page size " + q.pageSize());
    }
  }

  private static List<String> concat(List<String> a, List<String> b) {
    List<String> out = new java.util.ArrayList<>(a);
    out.addAll(b);
    return out;
  }

  /** What the API promises trace ids are everywhere it answers (docs/api.md): 32 lowercase ASCII hex characters. */
  static boolean isLowercaseHexId(String id) {
    if (id.length() != 32) {
      return false;
    }
    for (int i = 0; i < id.length(); i++) {
      char c = id.charAt(i);
      if (!(c >= '0' && c <= '9') && !(c >= 'a' && c <= 'f')) {
        return false;
      }
    }
    return true;
  }

  static long nanos(Instant t) {
    return t.getEpochSecond() * 1_000_000_000L + t.getNano();
  }

}
