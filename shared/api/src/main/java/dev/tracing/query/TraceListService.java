package dev.tracing.query;

import dev.tracing.otlp.OtlpAttributes;
import dev.tracing.otlp.StoredSpans;
import dev.tracing.storage.TraceRow;
import dev.tracing.storage.StoreUnavailableException;
import dev.tracing.storage.StoredTrace;
import dev.tracing.storage.TraceIndex;
import dev.tracing.storage.TraceReader;
import dev.tracing.otlp.TraceBatcher;
import io.opentelemetry.proto.common.v1.KeyValue;
import io.opentelemetry.proto.trace.v1.Span;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Future;

/**
 * Answers traces-list queries from the list index.
 *
 * <p>Cost is bounded whatever the filter: a timestamp-ordered page reads at most
 * {@code pageBudget} index rows; when that is not enough to fill the page the answer says so and
 * its {@code next_page_token} resumes where the reading stopped. Duration orders over an hour or
 * less read the window (when it holds at most {@code windowBudget} rows) and sort it; longer
 * windows, or busier hours, read the duration index in order, with the same page budget and
 * resumable cursor as timestamp orders. Traces of the page are then read in full only when attribute filters need
 * {@code matched_span_count}: service and operation filters are counted from the span counts
 * per (service, operation) that each row carries.
 */
public final class TraceListService {
  public static final int DEFAULT_PAGE_BUDGET = 10_000;
  public static final int DEFAULT_WINDOW_BUDGET = 50_000;
  /**
   * Duration orders over at most this long a window read the window from the list index and sort
   * it (one read, exact, at most the window budget of rows); longer ones read the duration index.
   */
  static final long SHORT_WINDOW_NANO = 3_600_000_000_000L;

  private final TraceIndex index;
  private final TraceReader reader;
  private final ExecutorService pool;
  private final int pageBudget;
  private final int windowBudget;

  public TraceListService(TraceIndex index, TraceReader reader, ExecutorService pool, int pageBudget, int windowBudget) {
    this.index = index;
    this.reader = reader;
    this.pool = pool;
    this.pageBudget = pageBudget;
    this.windowBudget = windowBudget;
  }

  /** A row with its matched span count. */
  public record Item(TraceRow row, int matchedSpans) {
  }

  /**
   * One page.
   *
   * @param nextCursor where the next page starts, or {@code null} on the last page
   * @param scanLimited the page stopped at the read budget before it was full (more may follow)
   * @param attributeSearchInexact an attribute, service or operation filter met a trace with more
   *     distinct values than are searchable, so such traces may be missing
   */
  public record Page(List<Item> items, PageToken.Cursor nextCursor, boolean scanLimited, boolean attributeSearchInexact) {
    public Page {
      items = List.copyOf(items);
    }

  }

  public Page list(long projectId, TraceQuery q) {
    boolean[] inexact = {false};
    TraceQuery.Filters f = q.filters();
    Page page;
    if (f.matchesNone()) {
      return new Page(List.of(), null, false, false); // contradicting filters: nothing to read
    }
    if (!f.traceIds().isEmpty()) {
      // trace_id pins the result to a few traces: read them directly instead of scanning
      List<TraceRow> candidates = new ArrayList<>();
      for (TraceRow r : index.rows(projectId, f.traceIds())) {
        if (inWindow(r, q) && matches(f, r, inexact)) {
          candidates.add(r);
        }
      }
      candidates.sort(order(q.sort()));
      page = pageOf(candidates, q);
    } else if (q.sort().byTimestamp()) {
      long start = q.startNano();
      long end = q.endNano();
      PageToken.Cursor c = q.cursor();
      if (c != null) {
        if (q.sort().descending()) {
          end = Math.min(end, c.value() + 1);
        } else {
          start = Math.max(start, c.value());
        }
      }
      long from = start;
      long to = end;
      page = scanPage(q, row -> afterCursor(row, q) && matches(f, row, inexact),
          visitor -> index.scan(projectId, from, to, q.sort().descending(), pageBudget, f.requiredTerms(), visitor));
    } else {
      // the whole window, sorted: when it is short, or when an attribute search makes its matches few
      List<TraceRow> all = q.endNano() - q.startNano() <= SHORT_WINDOW_NANO || !f.attributes().isEmpty()
          ? wholeWindow(projectId, q, inexact) : null;
      if (all != null) {
        all.sort(order(q.sort()));
        page = pageOf(all, q);
      } else {
        // longer windows (or a short one holding more than the window budget): the duration index
        PageToken.Cursor c = q.cursor();
        page = scanPage(q, row -> matches(f, row, inexact), visitor -> index.scanByDuration(projectId, q.startNano(),
            q.endNano(), q.sort().descending(), c == null ? 0 : c.value(), c == null ? null : c.traceId(), pageBudget,
            visitor));
      }
    }
    List<TraceRow> rows = page.items().stream().map(Item::row).toList();
    return new Page(withMatchedCounts(projectId, rows, f), page.nextCursor(), page.scanLimited(), inexact[0]);
  }

  /**
   * One page from an ordered scan: collects the rows {@code keep} accepts until one more than a
   * page; full with a cursor after its last row when there were more, else what was found, with a
   * cursor after the last row read when the read budget stopped the scan.
   */
  private static Page scanPage(TraceQuery q, java.util.function.Predicate<TraceRow> keep,
                               java.util.function.Function<TraceIndex.RowVisitor, TraceIndex.ScanOutcome> scan) {
    List<TraceRow> found = new ArrayList<>();
    TraceIndex.ScanOutcome outcome = scan.apply(row -> {
      if (keep.test(row)) {
        found.add(row);
      }
      return found.size() <= q.pageSize();
    });
    List<Item> items = new ArrayList<>();
    found.stream().limit(q.pageSize()).forEach(r -> items.add(new Item(r, 0)));
    if (found.size() > q.pageSize()) {
      return new Page(items, cursorOf(found.get(q.pageSize() - 1), q.sort()), false, false);
    }
    boolean limited = outcome.budgetExhausted() && outcome.lastVisited() != null;
    return new Page(items, limited ? cursorOf(outcome.lastVisited(), q.sort()) : null, limited, false);
  }

  /**
   * The whole window's rows that match, when the window is short and holds at most the window
   * budget; null otherwise (the duration index answers then).
   */
  private List<TraceRow> wholeWindow(long projectId, TraceQuery q, boolean[] inexact) {
    List<TraceRow> all = new ArrayList<>();
    boolean[] inexactHere = {false};
    TraceIndex.ScanOutcome outcome = index.scan(projectId, q.startNano(), q.endNano(), true, windowBudget, q.filters().requiredTerms(),
        row -> {
      if (matches(q.filters(), row, inexactHere)) {
        all.add(row);
      }
      return true;
    });
    if (outcome.budgetExhausted()) {
      return null;
    }
    inexact[0] |= inexactHere[0];
    return all;
  }

  static boolean matches(TraceQuery.Filters f, TraceRow row, boolean[] inexact) {
    boolean m = f.matches(row);
    if (!f.exactFor(row, m)) {
      inexact[0] = true;
    }
    return m;
  }

  private static boolean inWindow(TraceRow r, TraceQuery q) {
    return r.timestampNano() >= q.startNano() && r.timestampNano() < q.endNano();
  }

  /** Sorted candidates → one page after the cursor. */
  private static Page pageOf(List<TraceRow> sorted, TraceQuery q) {
    List<Item> page = new ArrayList<>();
    PageToken.Cursor next = null;
    for (TraceRow r : sorted) {
      if (!afterCursor(r, q)) {
        continue;
      }
      if (page.size() == q.pageSize()) {
        next = cursorOf(page.get(page.size() - 1).row(), q.sort());
        break;
      }
      page.add(new Item(r, 0));
    }
    return new Page(page, next, false, false);
  }

  static Comparator<TraceRow> order(TraceQuery.Sort sort) {
    Comparator<TraceRow> byValue = switch (sort) {
      case TIMESTAMP_DESC -> Comparator.comparingLong(TraceRow::timestampNano).reversed();
      case TIMESTAMP_ASC -> Comparator.comparingLong(TraceRow::timestampNano);
      case DURATION_DESC -> Comparator.comparingLong(TraceRow::durationNano).reversed();
      case DURATION_ASC -> Comparator.comparingLong(TraceRow::durationNano);
    };
    return byValue.thenComparing(TraceRow::traceId);
  }

  private static long sortValue(TraceRow r, TraceQuery.Sort sort) {
    return sort.byTimestamp() ? r.timestampNano() : r.durationNano();
  }

  private static PageToken.Cursor cursorOf(TraceRow r, TraceQuery.Sort sort) {
    return new PageToken.Cursor(sortValue(r, sort), r.traceId());
  }

  /** Whether a row comes after the cursor in the query's order. */
  static boolean afterCursor(TraceRow r, TraceQuery q) {
    PageToken.Cursor c = q.cursor();
    if (c == null) {
      return true;
    }
    long v = sortValue(r, q.sort());
    if (v != c.value()) {
      return q.sort().descending() ? v < c.value() : v > c.value();
    }
    return r.traceId().compareTo(c.traceId()) > 0;
  }

  private List<Item> withMatchedCounts(long projectId, List<TraceRow> rows, TraceQuery.Filters f) {
    List<Item> items = new ArrayList<>(rows.size());
    if (!f.hasSpanLevelFilters()) {
      rows.forEach(r -> items.add(new Item(r, r.spanCount())));
      return items;
    }
    // Service and operation filters alone are answered from the span counts the row carries;
    // attribute filters, or names beyond what the row keeps, need the spans: the page's traces are
    // read together (each stored pack once, however many of them it holds), then counted on the pool
    int[] fromNames = new int[rows.size()];
    List<String> toRead = new ArrayList<>();
    for (int i = 0; i < rows.size(); i++) {
      TraceRow r = rows.get(i);
      fromNames[i] = f.attributes().isEmpty() ? r.names().spansMatching(f.services(), f.operations()) : -1;
      if (fromNames[i] < 0) {
        toRead.add(r.traceId());
      }
    }
    Map<String, StoredTrace> traces = toRead.isEmpty() ? Map.of() : reader.readAll(projectId, toRead);
    List<Future<Integer>> counts = new ArrayList<>();
    for (int i = 0; i < rows.size(); i++) {
      StoredTrace trace = traces.get(rows.get(i).traceId());
      counts.add(fromNames[i] >= 0 ? java.util.concurrent.CompletableFuture.completedFuture(fromNames[i])
          : trace == null ? java.util.concurrent.CompletableFuture.completedFuture(0)
          : pool.submit(() -> matchedSpans(trace, f)));
    }
    for (int i = 0; i < rows.size(); i++) {
      try {
        items.add(new Item(rows.get(i), counts.get(i).get()));
      } catch (ExecutionException e) {
        throw e.getCause() instanceof RuntimeException re ? re : new StoreUnavailableException("trace read failed", e);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new StoreUnavailableException("interrupted", e);
      }
    }
    return items;
  }

  /** Spans that satisfy every positive span-level filter on their own. */
  static int matchedSpans(StoredTrace trace, TraceQuery.Filters f) {
    int n = 0;
    for (StoredSpans.SpanRecord r : StoredSpans.of(trace)) {
      if (spanMatches(r, f)) {
        n++;
      }
    }
    return n;
  }

  static boolean spanMatches(StoredSpans.SpanRecord r, TraceQuery.Filters f) {
    Span span = r.span();
    String service = TraceBatcher.serviceName(r.resource());
    for (String s : f.services()) {
      if (!s.equals(service)) {
        return false;
      }
    }
    for (String op : f.operations()) {
      if (!op.equals(span.getName())) {
        return false;
      }
    }
    for (TraceQuery.Attribute a : f.attributes()) {
      if (!hasText(span.getAttributesList(), a) && !hasText(r.resource().getAttributesList(), a)) {
        return false;
      }
    }
    return true;
  }

  private static boolean hasText(List<KeyValue> attributes, TraceQuery.Attribute a) {
    for (KeyValue kv : attributes) {
      if (kv.getKey().equals(a.key()) && a.value().equals(OtlpAttributes.text(kv.getValue()))) {
        return true;
      }
    }
    return false;
  }
}
