package dev.tracing.query;

import dev.tracing.storage.TraceRow;
import java.util.List;

/**
 * A parsed traces-list query: the window {@code [startNano, endNano)}, the filters, the order and
 * the page. Built by {@link TraceQueryParser}; see docs/api.md, "Filter semantics".
 */
public record TraceQuery(long startNano, long endNano, Filters filters, Sort sort, int pageSize, PageToken.Cursor cursor,
                         String fingerprint) {

  /** Orders of the list; ties always go to the smaller trace id. */
  public enum Sort {
    TIMESTAMP_DESC, TIMESTAMP_ASC, DURATION_DESC, DURATION_ASC;

    public boolean byTimestamp() {
      return this == TIMESTAMP_DESC || this == TIMESTAMP_ASC;
    }

    public boolean descending() {
      return this == TIMESTAMP_DESC || this == DURATION_DESC;
    }

    public String wireName() {
      return name().toLowerCase(java.util.Locale.ROOT);
    }
  }

  /** An attribute equality, compared as text. */
  public record Attribute(String key, String value) {
    /** Whether the value can be a search term at all: values over the bound are never kept. */
    public boolean searchable() {
      return value.length() <= dev.tracing.trace.AttributeTerms.MAX_VALUE_CHARS;
    }

    public long term() {
      return dev.tracing.trace.AttributeTerms.hash(key, value);
    }
  }

  /**
   * All filters, combined with AND.
   *
   * @param statusError {@code TRUE}: some span failed; {@code FALSE}: none did; {@code null}: either
   * @param matchesNone the filters contradict each other ({@code status=error&status=ok}, no whole
   *     duration between {@code gt} and {@code lt}, every {@code trace_id} also under
   *     {@code not[trace_id]}): no trace can match, so nothing need be read
   */
  public record Filters(List<String> services, List<String> notServices, List<String> operations, List<String> notOperations,
                        List<String> traceIds, List<String> notTraceIds, Long minDurationExclusive,
                        Long maxDurationExclusive, List<Attribute> attributes, Boolean statusError, boolean matchesNone) {
    public Filters {
      services = List.copyOf(services);
      notServices = List.copyOf(notServices);
      operations = List.copyOf(operations);
      notOperations = List.copyOf(notOperations);
      traceIds = List.copyOf(traceIds);
      notTraceIds = List.copyOf(notTraceIds);
      attributes = List.copyOf(attributes);
    }


    /** Whether any filter looks at single spans (so matched_span_count differs from total_spans). */
    public boolean hasSpanLevelFilters() {
      return !services.isEmpty() || !operations.isEmpty() || !attributes.isEmpty();
    }

    /**
     * Whether the verdict of {@link #matches} on this row is certain. It is not when a value filter
     * is beyond what is searchable (an attribute value over the bound), or when the trace holds more
     * names or attribute terms than its summary keeps: it may then be missing from a positive
     * filter's result, or wrongly pass a negated one.
     */
    public boolean exactFor(TraceRow row, boolean matched) {
      for (Attribute a : attributes) {
        if (!a.searchable()) {
          return false;
        }
      }
      if (!row.searchTruncated()) {
        return true;
      }
      // services stay whole beyond the pair bound while the trace has at most that many of them
      boolean servicesExact = !row.names().truncated() || row.names().servicesWhole();
      boolean operationsExact = !row.names().truncated();
      if (matched) {
        return (servicesExact || notServices.isEmpty()) && (operationsExact || notOperations.isEmpty());
      }
      return (!row.attributesTruncated() || attributes.isEmpty()) && (servicesExact || services.isEmpty())
          && (operationsExact || operations.isEmpty());
    }

    /**
     * The attribute terms every match holds, so an index may pass over rows without them (a value
     * over the bound is never a term).
     */
    public long[] requiredTerms() {
      return attributes.stream().filter(Attribute::searchable).mapToLong(Attribute::term).toArray();
    }

    /** The trace-level predicate, evaluated on the list index's row alone. */
    public boolean matches(TraceRow row) {
      if (matchesNone) {
        return false;
      }
      if (!traceIds.isEmpty() && !traceIds.contains(row.traceId())) {
        return false;
      }
      if (notTraceIds.contains(row.traceId())) {
        return false;
      }
      if (minDurationExclusive != null && row.durationNano() <= minDurationExclusive) {
        return false;
      }
      if (maxDurationExclusive != null && row.durationNano() >= maxDurationExclusive) {
        return false;
      }
      if (statusError != null && row.isError() != statusError) {
        return false;
      }
      for (String s : services) {
        if (!row.hasService(s)) {
          return false;
        }
      }
      for (String s : notServices) {
        if (row.hasService(s)) {
          return false;
        }
      }
      for (String op : operations) {
        if (services.isEmpty()) {
          if (!row.hasOperation(op)) {
            return false;
          }
        } else {
          for (String s : services) {
            if (!row.hasServiceOperation(s, op)) {
              return false;
            }
          }
        }
      }
      for (String op : notOperations) {
        if (row.hasOperation(op)) {
          return false;
        }
      }
      // every term's prefix first: a list index row carries only those, and the index confirmed
      // from the summary the rows that hold them all (see TraceRow#hasAttribute)
      for (long term : requiredTerms()) {
        if (!row.mayHaveTerm(term)) {
          return false;
        }
      }
      for (Attribute a : attributes) {
        if (!row.hasAttribute(a.key(), a.value())) {
          return false;
        }
      }
      return true;
    }
  }
}
