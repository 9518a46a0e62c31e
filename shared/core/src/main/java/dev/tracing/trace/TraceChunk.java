package dev.tracing.trace;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;

/**
 * The spans of one trace that arrived in one request, and the span pack that stores them with the
 * request's other traces, in its stored form: OTLP
 * {@code TracesData} (resource and scope included, so every field survives storage exactly),
 * compressed by {@code dev.tracing.otlp.SpanChunks}. Storage keeps the payload as it is.
 *
 * @param traceId lowercase hex
 * @param key deterministic identity of the pack ({@link #keyOf}): an exporter's retry of the
 *     same request writes the same pack again instead of a new one
 * @param payload the encoded pack (this trace's spans and the request's others), at most
 *     {@link #MAX_PAYLOAD_BYTES}
 * @param facts one entry per span of this trace, in payload order
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

  /**
   * A digest of the sorted (trace id, span id) pairs: the same spans always give the same key, and
   * spans of different traces never share one, even with the same span ids (a pack's key is unique
   * in its whole project, not only in one trace).
   *
   * @param traceIds the trace of each span, lowercase hex
   */
  public static String keyOf(List<SpanFacts> facts, List<String> traceIds) {
    Integer[] order = new Integer[facts.size()];
    for (int i = 0; i < order.length; i++) {
      order[i] = i;
    }
    Arrays.sort(order, (a, b) -> {
      int byTrace = traceIds.get(a).compareTo(traceIds.get(b));
      return byTrace != 0 ? byTrace : Long.compare(facts.get(a).spanId(), facts.get(b).spanId());
    });
    try {
      MessageDigest sha = MessageDigest.getInstance("SHA-256");
      byte[] spanId = new byte[8];
      for (int i : order) {
        sha.update(traceIds.get(i).getBytes(StandardCharsets.US_ASCII));
        long id = facts.get(i).spanId();
        for (int k = 0; k < 8; k++) {
          spanId[k] = (byte) (id >>> (56 - 8 * k));
        }
        sha.update(spanId);
      }
      return HexFormat.of().formatHex(sha.digest(), 0, 12);
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }
}
