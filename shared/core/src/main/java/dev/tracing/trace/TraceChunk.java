package dev.tracing.trace;

import java.nio.ByteBuffer;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;

/**
 * The spans of one trace that arrived in one request, in their stored form: OTLP
 * {@code TracesData} (resource and scope included, so every field survives storage exactly),
 * compressed by {@code dev.tracing.otlp.SpanChunks}. Storage keeps the payload as it is.
 *
 * @param traceId lowercase hex
 * @param key deterministic identity of this chunk ({@link #keyOf}): an exporter's retry of the
 *     same request writes the same chunk again instead of a new one
 * @param payload the encoded spans, at most {@link #MAX_PAYLOAD_BYTES}
 * @param facts one entry per span, in the order of the payload's spans
 */
public record TraceChunk(String traceId, String key, byte[] payload, List<SpanFacts> facts) {
  public TraceChunk {
    facts = List.copyOf(facts);
  }

  /** Largest chunk payload: one DynamoDB item stops at 400 KB including names and keys. */
  public static final int MAX_PAYLOAD_BYTES = 350 * 1024;

  public int spanCount() {
    return facts.size();
  }

  /** The earliest span start in this chunk, in Unix nanoseconds. */
  public long minStartNano() {
    long min = Long.MAX_VALUE;
    for (SpanFacts f : facts) {
      min = Math.min(min, f.startNano());
    }
    return min;
  }

  /** A digest of the sorted span ids: the same spans always give the same key. */
  public static String keyOf(List<SpanFacts> facts) {
    long[] ids = new long[facts.size()];
    for (int i = 0; i < ids.length; i++) {
      ids[i] = facts.get(i).spanId();
    }
    Arrays.sort(ids);
    ByteBuffer buf = ByteBuffer.allocate(ids.length * 8);
    for (long id : ids) {
      buf.putLong(id);
    }
    try {
      byte[] digest = MessageDigest.getInstance("SHA-256").digest(buf.array());
      return HexFormat.of().formatHex(digest, 0, 12);
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }
}
