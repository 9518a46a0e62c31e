package dev.tracing.otlp;

import dev.tracing.model.TraceIds;
import dev.tracing.trace.SpanFacts;
import dev.tracing.trace.TraceChunk;
import io.opentelemetry.proto.collector.trace.v1.ExportTraceServiceRequest;
import io.opentelemetry.proto.common.v1.KeyValue;
import io.opentelemetry.proto.resource.v1.Resource;
import io.opentelemetry.proto.trace.v1.ResourceSpans;
import io.opentelemetry.proto.trace.v1.ScopeSpans;
import io.opentelemetry.proto.trace.v1.Span;
import io.opentelemetry.proto.trace.v1.TracesData;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.BitSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.function.Consumer;
import java.util.function.Supplier;

/**
 * Validates the spans of an export request and groups the accepted ones by trace.
 *
 * <p>A span is rejected (and counted in OTLP {@code partial_success}) when its ids are malformed
 * or all zero, a link's ids are malformed, its timestamps are missing, unreadable or inverted, it started
 * before the retention window, or it starts further in the future than clock skew explains. Rejecting a span never rejects
 * the request: the other spans are stored.
 */
public final class TraceBatcher {

  /** How far in the future a span may start: generous clock skew, not a time machine. */
  public static final Duration MAX_CLOCK_SKEW = Duration.ofHours(1);
  static final String UNKNOWN_SERVICE = "unknown_service";
  /** Largest accepted span, serialized: one span must fit a stored item with room to spare. */
  public static final int MAX_SPAN_BYTES = 256 * 1024;

  private final Duration retention;
  private final boolean attributeTerms;

  public TraceBatcher(Duration retention) {
    this(retention, true);
  }

  /**
   * @param attributeTerms whether the facts carry the spans' attribute-term hashes: only a fold
   *     needs them, so ingest that leaves the fold to the summaries function (which computes them
   *     again from the stored pack) skips them
   */
  public TraceBatcher(Duration retention, boolean attributeTerms) {
    this.retention = retention;
    this.attributeTerms = attributeTerms;
  }

  /** The outcome: chunks to store and what was refused, with a reason for the exporter. */
  public record Batch(List<TraceChunk> chunks, int acceptedSpans, int rejectedSpans, String rejectionMessage) {
    public Batch {
      chunks = List.copyOf(chunks);
    }

  }

  public Batch split(ExportTraceServiceRequest request, Instant now) {
    return split(request, null, now);
  }

  /** A body as {@link OtlpBody#decode} read it: {@link #splitWritten} for transcoded OTLP/JSON, else {@link #split(ExportTraceServiceRequest, byte[], Instant)}. */
  public Batch split(OtlpBody.Decoded body, Instant now) {
    return body.transcoded() ? splitWritten(body.protobuf(), body::request, now) : split(body.request(), body.protobuf(), now);
  }

  /**
   * {@link #split(ExportTraceServiceRequest, byte[], Instant)} for a request in bytes this product
   * wrote ({@link OtlpJsonTranscoder}): its spans' facts are read from the bytes ({@link
   * WireSizes#scanSpans}), and the message is decoded only when a span is refused, the pack must be
   * cut, or the facts must carry attribute terms. The outcome is the same either way.
   *
   * @param written the protobuf bytes, which must parse (see the transcoder's contract)
   * @param decoded the same request, decoded on demand
   */
  public Batch splitWritten(byte[] written, Supplier<ExportTraceServiceRequest> decoded, Instant now) {
    WireSizes wire = attributeTerms ? null : WireSizes.scanSpans(written);
    if (wire == null) {
      return split(decoded.get(), written, now);
    }
    long nowNano = now.getEpochSecond() * 1_000_000_000L + now.getNano();
    long oldest = nowNano - retention.toNanos();
    long newest = nowNano + MAX_CLOCK_SKEW.toNanos();
    byte[] b = wire.bytes();
    List<SpanFacts> packFacts = new ArrayList<>(wire.count());
    List<String> packTraceIds = new ArrayList<>(wire.count());
    TraceIdStrings traceIds = new TraceIdStrings();
    for (int i = 0; i < wire.count(); i++) {
      WireSizes.WireSpan span = wire.spans().get(i);
      if (check(span.traceIdBytes(), OtlpIds.isAllZero(b, span.traceId(), span.traceIdBytes()), span.spanIdBytes(),
          OtlpIds.isAllZero(b, span.spanId(), span.spanIdBytes()), span.parentIdBytes(), span.linksWellFormed(),
          (long) wire.spanBytes(i) + wire.envelopeBytes(i), span.startNano(), span.endNano(), oldest, newest) != null) {
        return split(decoded.get(), written, now); // the refused spans are cut from the decoded message
      }
      boolean root = span.parentIdBytes() == 0 || OtlpIds.isAllZero(b, span.parentId(), span.parentIdBytes());
      packFacts.add(new SpanFacts(bigEndianLong(b, span.spanId()), root, span.startNano(), span.endNano(),
          bounded(span.service()), bounded(span.name()), span.statusCode() >= 0 && span.statusCode() <= 2 ? span.statusCode() : 0,
          NO_TERMS, root ? 0L : bigEndianLong(b, span.parentId())));
      packTraceIds.add(traceIds.of(b, span.traceId()));
    }
    List<TraceChunk> chunks = new ArrayList<>();
    if (!packFacts.isEmpty()) {
      SpanChunks.fitEncoded(written, () -> tracesData(decoded.get()), packFacts, packTraceIds,
          p -> chunks.addAll(byTrace(p.key(), p.payload(), p.facts(), p.traceIds())));
    }
    return new Batch(chunks, packFacts.size(), 0, "");
  }

  /**
   * Trace ids as hex, one string for consecutive spans of the same trace (they often come
   * together): no hex written again, and grouping by trace hashes each string once.
   */
  private static final class TraceIdStrings {
    private com.google.protobuf.ByteString last;
    private int lastAt = -1;
    private String hex;

    String of(com.google.protobuf.ByteString traceId) {
      if (!traceId.equals(last)) {
        last = traceId;
        hex = OtlpIds.hex(traceId);
      }
      return hex;
    }

    /** The 16-byte trace id at {@code at} in {@code b} (always the same array for one instance). */
    String of(byte[] b, int at) {
      if (lastAt < 0 || !Arrays.equals(b, lastAt, lastAt + 16, b, at, at + 16)) {
        lastAt = at;
        hex = TraceIds.hex(b, at, 16);
      }
      return hex;
    }
  }

  private static long bigEndianLong(byte[] b, int from) {
    long v = 0;
    for (int i = from; i < from + 8; i++) {
      v = (v << 8) | (b[i] & 0xff);
    }
    return v;
  }

  /** The request's resource spans as the {@code TracesData} they are on the wire. */
  private static TracesData tracesData(ExportTraceServiceRequest request) {
    return TracesData.newBuilder().addAllResourceSpans(request.getResourceSpansList()).build();
  }

  /**
   * @param received the request as it arrived, protobuf-encoded, or {@code null} (OTLP/JSON): when
   *     every span is accepted, these bytes are the pack's spans as they are
   */
  public Batch split(ExportTraceServiceRequest request, byte[] received, Instant now) {
    long nowNano = now.getEpochSecond() * 1_000_000_000L + now.getNano();
    long oldest = nowNano - retention.toNanos();
    long newest = nowNano + MAX_CLOCK_SKEW.toNanos();
    WireSizes wire = received == null ? null : WireSizes.scan(received);
    if (wire != null && wire.count() != spanCount(request)) {
      wire = null; // not the bytes of this request: measure the decoded spans
    }
    Map<Reason, Integer> rejected = new TreeMap<>();
    // the request's accepted spans in request order, with their resources and scopes: one pack
    List<SpanFacts> packFacts = new ArrayList<>();
    List<String> packTraceIds = new ArrayList<>();
    BitSet refused = new BitSet();
    TraceIdStrings traceIds = new TraceIdStrings();
    int index = 0;
    for (int r = 0; r < request.getResourceSpansCount(); r++) {
      ResourceSpans rs = request.getResourceSpans(r);
      String service = serviceName(rs.getResource());
      int resourceBytes = wire == null ? rs.getResource().getSerializedSize() : 0;
      // once, not per span
      long[] resourceTerms = attributeTerms ? OtlpAttributes.inOrder(rs.getResource().getAttributesList()) : null;
      for (int s = 0; s < rs.getScopeSpansCount(); s++) {
        ScopeSpans ss = rs.getScopeSpans(s);
        // a span is stored with its resource and scope: together they must fit one item
        int envelopeBytes = wire == null ? resourceBytes + ss.getScope().getSerializedSize() : 0;
        for (Span span : ss.getSpansList()) {
          Reason reason = wire != null
              ? check(span, wire.spanBytes(index), wire.envelopeBytes(index), oldest, newest)
              : check(span, span.getSerializedSize(), envelopeBytes, oldest, newest);
          if (reason != null) {
            rejected.merge(reason, 1, Integer::sum);
            refused.set(index);
          } else {
            packFacts.add(facts(span, service, resourceTerms));
            packTraceIds.add(traceIds.of(span.getTraceId()));
          }
          index++;
        }
      }
    }
    List<TraceChunk> chunks = new ArrayList<>();
    Consumer<SpanChunks.Pack> out = p -> chunks.addAll(byTrace(p.key(), p.payload(), p.facts(), p.traceIds()));
    if (!packFacts.isEmpty() && !refused.isEmpty()) {
      SpanChunks.fit(SpanChunks.select(request.getResourceSpansList(), i -> !refused.get(i)), packFacts, packTraceIds, out);
    } else if (!packFacts.isEmpty()) {
      // every span accepted: the request's resource spans are the pack's
      if (wire != null) {
        SpanChunks.fitEncoded(received, () -> tracesData(request), packFacts, packTraceIds, out);
      } else {
        SpanChunks.fit(tracesData(request), packFacts, packTraceIds, out);
      }
    }
    int rejectedCount = refused.cardinality();
    return new Batch(chunks, packFacts.size(), rejectedCount, rejectedCount == 0 ? "" : message(rejected));
  }

  private static int spanCount(ExportTraceServiceRequest request) {
    int n = 0;
    for (ResourceSpans rs : request.getResourceSpansList()) {
      for (ScopeSpans ss : rs.getScopeSpansList()) {
        n += ss.getSpansCount();
      }
    }
    return n;
  }

  private static Reason check(Span span, int spanBytes, int envelopeBytes, long oldest, long newest) {
    boolean linksWellFormed = true;
    for (int i = 0; i < span.getLinksCount(); i++) {
      Span.Link link = span.getLinks(i);
      linksWellFormed &= link.getTraceId().size() == 16 && link.getSpanId().size() == 8;
    }
    return check(span.getTraceId().size(), OtlpIds.isAllZero(span.getTraceId()), span.getSpanId().size(),
        OtlpIds.isAllZero(span.getSpanId()), span.getParentSpanId().size(), linksWellFormed, (long) spanBytes + envelopeBytes,
        span.getStartTimeUnixNano(), span.getEndTimeUnixNano(), oldest, newest);
  }

  /** Why a span is refused, from its ids' lengths, its size with its resource and scope, and its times; {@code null}: accepted. */
  private static Reason check(int traceIdBytes, boolean traceIdZero, int spanIdBytes, boolean spanIdZero, int parentIdBytes,
                              boolean linksWellFormed, long bytes, long start, long end, long oldest, long newest) {
    if (traceIdBytes != 16 || traceIdZero) {
      return Reason.TRACE_ID;
    }
    if (spanIdBytes != 8 || spanIdZero) {
      return Reason.SPAN_ID;
    }
    if (parentIdBytes != 0 && parentIdBytes != 8) {
      return Reason.PARENT_ID;
    }
    if (!linksWellFormed) {
      return Reason.LINK_ID;
    }
    if (bytes > MAX_SPAN_BYTES) {
      return Reason.TOO_LARGE;
    }
    if (start <= 0 || end <= 0 || Long.compareUnsigned(end, start) < 0) {
      return Reason.TIMESTAMPS;
    }
    if (start < oldest) {
      return Reason.TOO_OLD;
    }
    if (start > newest) {
      return Reason.FUTURE;
    }
    return null;
  }

  /**
   * The pieces of a pack, one per trace: each holds the pack's key and payload and the facts of
   * that trace's spans in payload order, the unit a summary folds.
   */
  static List<TraceChunk> byTrace(String key, byte[] payload, List<SpanFacts> facts, List<String> traceIds) {
    Map<String, List<SpanFacts>> byTrace = new LinkedHashMap<>();
    for (int i = 0; i < facts.size(); i++) {
      byTrace.computeIfAbsent(traceIds.get(i), t -> new ArrayList<>()).add(facts.get(i));
    }
    List<TraceChunk> out = new ArrayList<>(byTrace.size());
    byTrace.forEach((traceId, f) -> out.add(new TraceChunk(traceId, key, payload, f)));
    return out;
  }

  /**
   * A stored pack read back (from the table's stream of changes), as the pieces {@link #split}
   * made of it: its spans' facts computed as they were at ingest, so folding them later gives
   * the summaries folding them at ingest would have.
   *
   * @throws OtlpFormatException when the payload is not a pack this version can read
   */
  public static List<TraceChunk> storedPack(String key, byte[] payload) {
    TracesData data;
    try {
      data = SpanChunks.decode(payload);
    } catch (RuntimeException e) {
      throw new OtlpFormatException("stored span pack " + key + " cannot be read: " + e.getMessage());
    }
    List<SpanFacts> facts = new ArrayList<>();
    List<String> traceIds = new ArrayList<>();
    TraceIdStrings hex = new TraceIdStrings();
    for (ResourceSpans rs : data.getResourceSpansList()) {
      String service = serviceName(rs.getResource());
      long[] resourceTerms = OtlpAttributes.inOrder(rs.getResource().getAttributesList());
      for (ScopeSpans ss : rs.getScopeSpansList()) {
        for (Span span : ss.getSpansList()) {
          facts.add(facts(span, service, resourceTerms));
          traceIds.add(hex.of(span.getTraceId()));
        }
      }
    }
    return byTrace(key, payload, facts, traceIds);
  }

  private static final long[] NO_TERMS = new long[0];
  private static final com.google.protobuf.ByteString SERVICE_NAME_KEY = com.google.protobuf.ByteString.copyFromUtf8("service.name");

  /** The resource's {@code service.name}, or {@code unknown_service} as the OpenTelemetry SDKs say. */
  public static String serviceName(Resource resource) {
    for (KeyValue kv : resource.getAttributesList()) {
      // compared as bytes: reading every key as a String would make protobuf re-encode them when storing
      if (kv.getKeyBytes().equals(SERVICE_NAME_KEY) && kv.getValue().hasStringValue()
          && !kv.getValue().getStringValue().isEmpty()) {
        return kv.getValue().getStringValue();
      }
    }
    return UNKNOWN_SERVICE;
  }

  /** @param resourceTerms the resource's attribute terms; {@code null}: no attribute terms at all */
  private static SpanFacts facts(Span span, String service, long[] resourceTerms) {
    boolean root = span.getParentSpanId().isEmpty() || OtlpIds.isAllZero(span.getParentSpanId());
    return new SpanFacts(span.getSpanId().asReadOnlyByteBuffer().getLong(), root, span.getStartTimeUnixNano(),
        span.getEndTimeUnixNano(), bounded(service), bounded(span.getName()), statusCode(span),
        resourceTerms == null ? NO_TERMS : OtlpAttributes.inOrder(span.getAttributesList(), resourceTerms),
        root ? 0L : span.getParentSpanId().asReadOnlyByteBuffer().getLong());
  }

  /** OTLP status codes 0 (unset), 1 (ok), 2 (error); anything else reads as unset. */
  private static int statusCode(Span span) {
    int code = span.getStatus().getCodeValue();
    return code >= 0 && code <= 2 ? code : 0;
  }

  /**
   * Service and span names as the summary keeps them (list rows, filters): at most
   * {@value #SpanFacts.MAX_NAME_CHARS} characters. The stored span keeps its full name.
   */
  static String bounded(String name) {
    return name.length() <= SpanFacts.MAX_NAME_CHARS ? name : name.substring(0, SpanFacts.MAX_NAME_CHARS);
  }

  private static String message(Map<Reason, Integer> rejected) {
    StringBuilder sb = new StringBuilder();
    for (Map.Entry<Reason, Integer> e : rejected.entrySet()) {
      if (!sb.isEmpty()) {
        sb.append("; ");
      }
      sb.append(e.getValue()).append(e.getValue() == 1 ? " span " : " spans ").append(e.getKey().text);
    }
    return sb.toString();
  }

  private enum Reason {
    TRACE_ID("with an invalid trace id (must be 16 bytes, not all zero)"),
    SPAN_ID("with an invalid span id (must be 8 bytes, not all zero)"),
    PARENT_ID("with an invalid parent span id (must be empty or 8 bytes)"),
    LINK_ID("with an invalid link (its trace id must be 16 bytes and its span id 8 bytes)"),
    TIMESTAMPS("with missing, unreadable or inverted timestamps (start and end must be set, as whole nanoseconds since the"
        + " epoch, and end >= start)"),
    TOO_OLD("older than the retention window (traces are kept 30 days)"),
    FUTURE("starting more than 1 hour in the future (check the sender's clock)"),
    TOO_LARGE("larger than 262144 bytes serialized with their resource and scope (trim attributes or events)");

    final String text;

    Reason(String text) {
      this.text = text;
    }
  }
}
