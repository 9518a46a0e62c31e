package dev.tracing.storage;

import dev.tracing.trace.AttributeTerms;
import dev.tracing.trace.SpanNames;
import dev.tracing.trace.TraceSummary;
import java.util.Arrays;

/**
 * A trace as the list sees it: the summary fields the list index carries. Enough to filter,
 * sort and render a row without reading spans.
 *
 * @param names services, operations and span counts per (service, operation) pair
 * @param attributeHashes sorted {@link AttributeTerms#hash} values of the trace's searchable terms
 */
public record TraceRow(String traceId, long timestampNano, long durationNano, String service, String operation,
                       int statusCode, int spanCount, int errorCount, boolean inProgress, SpanNames names,
                       long[] attributeHashes, boolean attributesTruncated) {

  public static TraceRow of(TraceSummary s) {
    return new TraceRow(s.traceId(), s.timestampNano(), s.durationNano(), s.head().service(), s.head().name(), s.statusCode(),
        s.spanCount(), s.errorCount(), s.inProgress(), s.names(), s.attributeHashes(), s.attributesTruncated());
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

  public boolean hasAttribute(String key, String value) {
    return Arrays.binarySearch(attributeHashes, AttributeTerms.hash(key, value)) >= 0;
  }

  public boolean isError() {
    return errorCount > 0;
  }
}
