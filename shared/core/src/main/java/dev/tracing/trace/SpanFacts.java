package dev.tracing.trace;

/**
 * What the trace summary needs to know about one span, without its attributes' full values.
 *
 * @param spanId the 8-byte span id as a long (big-endian)
 * @param root whether the span has no parent (a trace's root)
 * @param statusCode OTLP status code number: 0 unset, 1 ok, 2 error
 * @param attributeHashes {@link AttributeTerms#hash} of every searchable {@code key=value} of the
 *     span, in its attributes' order, then of its resource, in theirs (see
 *     {@code dev.tracing.otlp.OtlpAttributes#inOrder}); a term may repeat
 * @param service the span's service, at most {@link #MAX_NAME_CHARS} characters
 * @param name the span's name, at most {@link #MAX_NAME_CHARS} characters (the stored span keeps its full name)
 * @param parentSpanId the parent's 8-byte span id as a long; 0 for a root
 */
public record SpanFacts(long spanId, boolean root, long startNano, long endNano, String service, String name,
                        int statusCode, long[] attributeHashes, long parentSpanId) {
  /** Longest service and span name a summary keeps (list rows, filters, rollups). */
  public static final int MAX_NAME_CHARS = 256;

  /** A span whose parent is not known to the caller (tests and tools that do not need edges). */
  public SpanFacts(long spanId, boolean root, long startNano, long endNano, String service, String name, int statusCode,
                   long[] attributeHashes) {
    this(spanId, root, startNano, endNano, service, name, statusCode, attributeHashes, 0L);
  }

  public boolean isError() {
    return statusCode == 2;
  }

  public long durationNano() {
    return Math.max(0, endNano - startNano);
  }
}
