package dev.tracing.storage;

import dev.tracing.trace.AttributeTerms;
import dev.tracing.trace.SpanNames;
import dev.tracing.trace.TraceSummary;
import java.util.Arrays;

/**
 * A trace as the list sees it: the summary fields the list index carries. Enough to filter,
 * sort and render a row without reading spans.
 *
 * <p>A row read from the list index may carry only the top {@value #PREFIX_BITS} bits of each term
 * hash ({@code termPrefixesOnly}): enough to rule a term out, never to confirm it. The index's reader
 * confirms rows a search needs from their summaries ({@link #withAttributeHashes}) before a filter
 * sees them; {@link #hasAttribute} refuses to guess.
 *
 * @param names services, operations and span counts per (service, operation) pair
 * @param attributeHashes sorted {@link AttributeTerms#hash} values of the trace's searchable terms;
 *     with {@code termPrefixesOnly}, each hash with its low {@value #SUFFIX_BITS} bits zero
 * @param termPrefixesOnly whether {@code attributeHashes} holds only the hashes' top bits
 */
public record TraceRow(String traceId, long timestampNano, long durationNano, String service, String operation,
                       int statusCode, int spanCount, int errorCount, boolean inProgress, SpanNames names,
                       long[] attributeHashes, boolean termPrefixesOnly, boolean attributesTruncated) {
  /** The bits of a term hash a list index entry carries (the top ones). */
  public static final int PREFIX_BITS = 16;
  /** The bits of a term hash only the summary carries (the low ones). */
  public static final int SUFFIX_BITS = AttributeTerms.HASH_BITS - PREFIX_BITS;
  private static final long PREFIX_MASK = -1L << SUFFIX_BITS;

  public static TraceRow of(TraceSummary s) {
    return new TraceRow(s.traceId(), s.timestampNano(), s.durationNano(), s.head().service(), s.head().name(), s.statusCode(),
        s.spanCount(), s.errorCount(), s.inProgress(), s.names(), s.attributeHashes(), false, s.attributesTruncated());
  }

  /** This row with its terms' whole hashes (sorted), read from its summary. */
  public TraceRow withAttributeHashes(long[] hashes) {
    return new TraceRow(traceId, timestampNano, durationNano, service, operation, statusCode, spanCount, errorCount,
        inProgress, names, hashes, false, attributesTruncated);
  }

  /**
   * Whether the trace may hold the term of this hash: certain when false; when true and only
   * prefixes are known, the summary decides.
   */
  public boolean mayHaveTerm(long hash) {
    return Arrays.binarySearch(attributeHashes, termPrefixesOnly ? hash & PREFIX_MASK : hash) >= 0;
  }

  public boolean hasService(String service) {
    return names.hasService(service);
  }

  public boolean hasOperation(String operation) {
    return names.hasOperation(operation);
  }

  public boolean hasServiceOperation(String service, String operation) {
    return names.hasServiceOperation(service, operation);
  }

  /** Whether names or attribute terms were left out of what the list can search. */
  public boolean searchTruncated() {
    return attributesTruncated || names.truncated();
  }

  /**
   * Whether the trace holds the term {@code key=value}.
   *
   * @throws IllegalStateException when only the term's prefix is known and matches: the row must
   *     first be confirmed from its summary (a filter asks {@link #mayHaveTerm} of all its terms
   *     first, so a row ruled out by any of them is never asked)
   */
  public boolean hasAttribute(String key, String value) {
    if (value.length() > AttributeTerms.MAX_VALUE_CHARS) {
      return false; // never kept as a term (the filter says it is inexact)
    }
    long hash = AttributeTerms.hash(key, value);
    boolean may = mayHaveTerm(hash);
    if (may && termPrefixesOnly) {
      throw new IllegalStateException("trace " + traceId + " matches the prefix of " + key
          + "'s term; its summary's whole hashes decide");
    }
    return may;
  }

  public boolean isError() {
    return errorCount > 0;
  }
}
