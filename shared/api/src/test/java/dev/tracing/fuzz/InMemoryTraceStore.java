package dev.tracing.fuzz;

import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.tracing.model.Project;
import dev.tracing.query.TraceQueryParser;
import dev.tracing.storage.TraceRow;
import dev.tracing.storage.IngestQuota;
import dev.tracing.storage.ProjectStore;
import dev.tracing.storage.ServiceCatalog;
import dev.tracing.storage.StoredTrace;
import dev.tracing.storage.TraceIndex;
import dev.tracing.storage.TraceReader;
import dev.tracing.storage.TraceWriter;
import dev.tracing.trace.TraceChunk;
import dev.tracing.trace.TraceSummary;
import io.opentelemetry.proto.trace.v1.TracesData;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * Every storage interface the ingest and query endpoints use, in memory, for one fuzz input: the
 * endpoints run end to end without DynamoDB. It keeps the contracts only as far as these tests
 * need (window, order and budget of scans; idempotent writes), and it asserts what the real store
 * relies on from its callers: a list or analytics scan never covers more than the 7 days the
 * query parser allows, because the DynamoDB index issues one query per hour of the window.
 */
final class InMemoryTraceStore implements ProjectStore, IngestQuota, TraceWriter, ServiceCatalog, TraceIndex, TraceReader,
    dev.tracing.storage.RollupStore {
  private final Map<dev.tracing.rollup.RollupKey, dev.tracing.rollup.RollupCell> rollupCells = new java.util.HashMap<>();
  private final Project project;
  private final Map<String, TraceSummary> summaries = new TreeMap<>();
  private final Map<String, List<TraceChunk>> chunks = new TreeMap<>();
  private final Map<String, Set<String>> operations = new TreeMap<>();
  private long used;

  InMemoryTraceStore(long projectId, long namespaceId, long bytesPerMinute) {
    this.project = new Project(namespaceId, projectId, "fuzz", bytesPerMinute, BadInputContract.NOW);
  }

  // ProjectStore

  @Override
  public Project create(long namespaceId, String name, long bytesPerMinute) {
    throw new UnsupportedOperationException("not used by the endpoints");
  }

  @Override
  public Optional<Project> find(long projectId) {
    return projectId == project.projectId() ? Optional.of(project) : Optional.empty();
  }

  @Override
  public List<Project> list() {
    return List.of(project);
  }

  @Override
  public Optional<Project> setLimit(long projectId, long bytesPerMinute) {
    throw new UnsupportedOperationException("not used by the endpoints");
  }

  // IngestQuota: one minute is enough, the clock is fixed

  @Override
  public synchronized boolean tryConsume(long projectId, long epochMinute, long bytes, long limit) {
    if (used + bytes > limit) {
      return false;
    }
    used += bytes;
    return true;
  }

  @Override
  public synchronized void refund(long projectId, long epochMinute, long bytes) {
    used -= bytes;
  }

  @Override
  public synchronized long used(long projectId, long epochMinute) {
    return used;
  }

  // TraceWriter

  @Override
  public synchronized void write(long projectId, List<TraceChunk> written) {
    for (TraceChunk chunk : written) {
      List<TraceChunk> stored = chunks.computeIfAbsent(chunk.traceId(), k -> new ArrayList<>());
      if (stored.stream().noneMatch(c -> c.key().equals(chunk.key()))) {
        stored.add(chunk);
      }
      summaries.computeIfAbsent(chunk.traceId(), TraceSummary::new).merge(chunk.key(), chunk.facts());
    }
  }

  // ServiceCatalog

  @Override
  public synchronized void record(long projectId, Map<String, Set<String>> operationsByService) {
    operationsByService.forEach((service, ops) -> operations.computeIfAbsent(service, k -> new TreeSet<>()).addAll(ops));
  }

  @Override
  public synchronized List<String> services(long projectId) {
    return List.copyOf(operations.keySet());
  }

  @Override
  public synchronized List<String> operations(long projectId, String service) {
    return List.copyOf(operations.getOrDefault(service, Set.of()));
  }

  // TraceIndex

  @Override
  public synchronized ScanOutcome scan(long projectId, long startNano, long endNano, boolean descending, int budget,
                                       RowVisitor visitor) {
    assertWindowBounded(startNano, endNano);
    Comparator<TraceRow> byTime = Comparator.comparingLong(TraceRow::timestampNano);
    List<TraceRow> rows = summaries.values().stream().map(TraceRow::of)
        .filter(r -> r.timestampNano() >= startNano && r.timestampNano() < endNano)
        .sorted((descending ? byTime.reversed() : byTime).thenComparing(TraceRow::traceId))
        .toList();
    return visitInOrder(rows, budget, visitor);
  }

  @Override
  public synchronized ScanOutcome scanByDuration(long projectId, long startNano, long endNano, boolean descending,
      long afterDuration, String afterTraceId, int budget, RowVisitor visitor) {
    assertWindowBounded(startNano, endNano);
    Comparator<TraceRow> byDuration = Comparator.comparingLong(TraceRow::durationNano);
    Comparator<TraceRow> order = (descending ? byDuration.reversed() : byDuration).thenComparing(TraceRow::traceId);
    TraceRow after = afterTraceId == null ? null : new TraceRow(afterTraceId, 0, afterDuration, "", "", 0, 0, 0, false,
        dev.tracing.trace.SpanNames.EMPTY, new long[0], false, false);
    List<TraceRow> rows = summaries.values().stream().map(TraceRow::of)
        .filter(r -> r.timestampNano() >= startNano && r.timestampNano() < endNano)
        .filter(r -> after == null || order.compare(r, after) > 0)
        .sorted(order)
        .toList();
    return visitInOrder(rows, budget, visitor);
  }

  /** Hands the rows to the visitor in order until it refuses one or {@code budget} rows were visited. */
  private static ScanOutcome visitInOrder(List<TraceRow> rows, int budget, RowVisitor visitor) {
    int read = 0;
    TraceRow last = null;
    for (TraceRow row : rows) {
      read++;
      last = row;
      if (!visitor.visit(row)) {
        return new ScanOutcome(read, false, row);
      }
      if (read >= budget) {
        return new ScanOutcome(read, true, row);
      }
    }
    return new ScanOutcome(read, false, last);
  }

  /** The DynamoDB index reads one partition per hour of the window: a longer window is a request that never ends. */
  static void assertWindowBounded(long startNano, long endNano) {
    if (startNano >= endNano) {
      return; // an empty scan reads nothing
    }
    long width = endNano - startNano;
    Duration max = TraceQueryParser.MAX_WINDOW;
    assertTrue(width > 0 && width <= max.toNanos(), () -> "a scan of [" + startNano + ", " + endNano + ") is longer than "
        + max + " (" + (width > 0 ? Duration.ofNanos(width).toDays() + " days" : "over 292 years") + "): the DynamoDB index"
        + " would query every hour of it");
  }

  @Override
  public synchronized List<TraceRow> rows(long projectId, Collection<String> traceIds) {
    List<TraceRow> out = new ArrayList<>();
    for (String id : traceIds) {
      TraceSummary s = summaries.get(id);
      if (s != null) {
        out.add(TraceRow.of(s));
      }
    }
    return out;
  }

  // TraceReader

  @Override
  public synchronized Optional<StoredTrace> read(long projectId, String traceId) {
    TraceSummary s = summaries.get(traceId);
    if (s == null || projectId != project.projectId()) {
      return Optional.empty();
    }
    List<TraceChunk> stored = chunks.get(traceId);
    List<byte[]> data = stored.stream().map(TraceChunk::payload).toList();
    return Optional.of(new StoredTrace(projectId, s, data, stored.stream().map(TraceChunk::key).toList()));
  }

  synchronized Set<String> traceIds() {
    return Set.copyOf(summaries.keySet());
  }

  @Override
  public synchronized void add(long projectId, Map<dev.tracing.rollup.RollupKey, dev.tracing.rollup.RollupCell> cells) {
    cells.forEach((k, v) -> rollupCells.computeIfAbsent(k, x -> new dev.tracing.rollup.RollupCell()).merge(v));
  }

  @Override
  public synchronized Map<dev.tracing.rollup.RollupKey, dev.tracing.rollup.RollupCell> read(long projectId,
      dev.tracing.rollup.RollupFamily family, dev.tracing.rollup.Granularity granularity, String dimension, long fromSecond,
      long toSecond) {
    Map<dev.tracing.rollup.RollupKey, dev.tracing.rollup.RollupCell> out = new java.util.HashMap<>();
    rollupCells.forEach((k, v) -> {
      if (k.family() == family && k.granularity() == granularity && k.dimension().equals(dimension)
          && k.bucketSecond() >= fromSecond && k.bucketSecond() < toSecond) {
        out.put(k, v);
      }
    });
    return out;
  }

  /** Never compacts: every view reads the minute cells, which ingest writes. */
  @Override
  public Compaction compaction(long projectId) {
    return new Compaction(0, java.util.Set.of());
  }

  @Override
  public int compact(long projectId, long nowSecond) {
    return 0;
  }
}
