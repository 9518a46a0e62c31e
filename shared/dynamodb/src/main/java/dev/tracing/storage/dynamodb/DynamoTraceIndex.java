package dev.tracing.storage.dynamodb;

import dev.tracing.storage.TraceRow;
import dev.tracing.storage.TraceIndex;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.QueryRequest;
import software.amazon.awssdk.services.dynamodb.model.QueryResponse;
import software.amazon.awssdk.services.dynamodb.model.ReturnConsumedCapacity;

/**
 * Scans the {@code by_start} index hour partition by hour partition. Each query page grows
 * (from the caller's likely need up to 1,000 rows), so an unfiltered first page costs a small
 * read while a selective filter does not pay a round trip per handful of rows. After a few empty
 * hours in a row, each further past day is asked once whether it holds a trace (its
 * {@code by_duration} partition, one row), so a sparse project's long window skips its empty days.
 *
 * <p>Duration orders read the {@code by_duration} index: one partition per UTC day, sorted by
 * duration, carrying only the keys, the timestamp and the expiry. The days of the window are
 * merged in order (each read only as far as its rows can still come next), rows outside the
 * window or expired are passed over, and the summaries of the rows in order are then read in
 * batches to filter and render them.
 */
public final class DynamoTraceIndex implements TraceIndex {
  private static final int FIRST_PAGE_ROWS = 64;
  private static final int MAX_PAGE_ROWS = 1000;
  private static final long DAY = 86_400;
  /** Empty hours in a row after which a scan asks each further past day whether it holds a trace. */
  private static final int EMPTY_HOURS_BEFORE_DAY_PROBES = 3;

  private final DynamoDbClient client;
  private final String table;
  private final Clock clock;
  private final CapacityMeter meter;
  private final DynamoTermBlocks blocks;
  private final java.util.concurrent.ExecutorService pool;
  /**
   * Most hours whose term blocks are read ahead, in parallel, of the hour being scanned. A scan
   * starts with {@link #FIRST_BLOCK_LOOKAHEAD} and doubles it with each hour it moves on: a page
   * whose matches are in its first hours (a common term, a page of a paged search) reads a few
   * blocks, not 48, and a needle's long scan reads 48 ahead after a few hours.
   */
  private static final int BLOCK_LOOKAHEAD = 48;
  private static final int FIRST_BLOCK_LOOKAHEAD = 4;

  /** An index that reads every row of a window's hours (no term blocks). */
  public DynamoTraceIndex(DynamoDbClient client, String table, Clock clock, CapacityMeter meter) {
    this(client, table, clock, meter, null, null);
  }

  /**
   * @param blocks the term blocks attribute searches read to pass over rows; {@code null}: none
   * @param pool reads term blocks ahead in parallel; {@code null}: one at a time
   */
  public DynamoTraceIndex(DynamoDbClient client, String table, Clock clock, CapacityMeter meter, DynamoTermBlocks blocks,
                          java.util.concurrent.ExecutorService pool) {
    this.client = client;
    this.table = table;
    this.clock = clock;
    this.meter = meter;
    this.blocks = blocks;
    this.pool = pool;
  }

  @Override
  public ScanOutcome scan(long projectId, long startNano, long endNano, boolean descending, int budget, RowVisitor visitor) {
    return scan(projectId, startNano, endNano, descending, budget, new long[0], visitor);
  }

  @Override
  public ScanOutcome scan(long projectId, long startNano, long endNano, boolean descending, int budget, long[] requiredTerms,
                          RowVisitor visitor) {
    if (startNano >= endNano) {
      return new ScanOutcome(0, false, null);
    }
    long now = clock.instant().getEpochSecond();
    List<Long> hours = hours(startNano, endNano - 1, descending);
    String lo = String.format("%019d", Math.max(0, startNano));
    String hi = String.format("%019d", endNano - 1) + "#g"; // trace ids are hex: '#g' sorts after every one
    int read = 0;
    int pageRows = FIRST_PAGE_ROWS;
    List<TraceRow> tieGroup = new ArrayList<>();
    TraceRow last = null;
    BlockLookup lookup = blocks == null || requiredTerms.length == 0 ? null
        : new BlockLookup(projectId, requiredTerms[0], hours, blocks.state(projectId));
    // a sparse project's long window is mostly empty hours, each a query: once a few hours in a row
    // were empty, each further past day is first asked whether it holds a trace at all
    int emptyHours = 0;
    long today = Math.floorDiv(now, DAY) * DAY;
    Map<Long, Boolean> dayHolds = new HashMap<>();
    for (int hourIndex = 0; hourIndex < hours.size(); hourIndex++) {
      long hourStartSecond = hours.get(hourIndex);
      long day = Math.floorDiv(hourStartSecond, DAY) * DAY;
      if (emptyHours >= EMPTY_HOURS_BEFORE_DAY_PROBES && day < today
          && !dayHolds.computeIfAbsent(day, d -> dayHoldsTraces(projectId, d))) {
        continue;
      }
      int readBefore = read;
      String partition = SummaryItems.listPartition(projectId, hourStartSecond * 1_000_000_000L);
      for (String[] range : ranges(lookup, hourIndex, lo, hi, descending)) {
        Map<String, AttributeValue> exclusiveStart = null;
        do {
          QueryResponse page = indexPage(TableSchema.LIST_INDEX, "#g = :g AND #s BETWEEN :lo AND :hi",
              Map.of("#g", TableSchema.GPK, "#s", TableSchema.GSK), Map.of(":g", AttributeValue.fromS(partition),
                  ":lo", AttributeValue.fromS(range[0]), ":hi", AttributeValue.fromS(range[1])), descending, pageRows,
              exclusiveStart);
          pageRows = Math.min(MAX_PAGE_ROWS, pageRows * 2);
          // the page's rows in order, null where expired
          List<TraceRow> rows = new ArrayList<>(page.items().size());
          for (Map<String, AttributeValue> item : page.items()) {
            rows.add(PartitionReads.expired(item, now) ? null : SummaryItems.rowFromItem(item));
          }
          if (requiredTerms.length > 0) {
            confirmTerms(projectId, rows, requiredTerms);
          }
          for (TraceRow row : rows) {
            read++;
            if (row == null) {
              continue;
            }
            if (!tieGroup.isEmpty() && tieGroup.get(0).timestampNano() != row.timestampNano()) {
              // a group of equal timestamps is complete: emit it in trace id order
              TraceRow stoppedAt = emit(tieGroup, visitor);
              if (stoppedAt != null) {
                return new ScanOutcome(read, false, stoppedAt);
              }
              last = tieGroup.get(tieGroup.size() - 1);
              tieGroup.clear();
              if (read > budget) {
                return new ScanOutcome(read, true, last);
              }
            }
            tieGroup.add(row);
          }
          exclusiveStart = page.hasLastEvaluatedKey() && !page.lastEvaluatedKey().isEmpty() ? page.lastEvaluatedKey() : null;
        } while (exclusiveStart != null);
      }
      emptyHours = read == readBefore ? emptyHours + 1 : 0;
    }
    TraceRow stoppedAt = emit(tieGroup, visitor);
    if (stoppedAt != null) {
      return new ScanOutcome(read, false, stoppedAt);
    }
    return new ScanOutcome(read, false, tieGroup.isEmpty() ? last : tieGroup.get(tieGroup.size() - 1));
  }

  /**
   * Gives the rows that may hold every required term their whole term hashes, in place. A list
   * index entry carries each term hash's top bits only, which rule a term out ({@link
   * TraceRow#mayHaveTerm}) but never in: the rows holding every required prefix (the matches,
   * plus about 0.2% of the others for a 150-term trace) have their summaries' hashes read in one
   * batch; the rest reach the visitor as they are, and no filter can pass them.
   */
  private void confirmTerms(long projectId, List<TraceRow> rows, long[] requiredTerms) {
    List<Integer> at = new ArrayList<>();
    for (int i = 0; i < rows.size(); i++) {
      TraceRow row = rows.get(i);
      boolean may = row != null && row.termPrefixesOnly();
      for (int t = 0; may && t < requiredTerms.length; t++) {
        may = row.mayHaveTerm(requiredTerms[t]);
      }
      if (may) {
        at.add(i);
      }
    }
    if (at.isEmpty()) {
      return;
    }
    List<TraceRow> confirmed = withWholeTerms(client, table, meter, "trace summaries", projectId,
        at.stream().map(rows::get).toList());
    for (int k = 0; k < at.size(); k++) {
      rows.set(at.get(k), confirmed.get(k));
    }
  }

  /**
   * These rows, in order, those holding term prefixes only given their summaries' whole term
   * hashes, read in batches (a summary gone since its entry was read, expired, holds no term).
   */
  static List<TraceRow> withWholeTerms(DynamoDbClient client, String table, CapacityMeter meter, String kind,
                                       long projectId, List<TraceRow> rows) {
    List<Map<String, AttributeValue>> keys = new ArrayList<>();
    for (TraceRow row : rows) {
      if (row.termPrefixesOnly()) {
        keys.add(Map.of(TableSchema.PK, AttributeValue.fromS(SummaryItems.tracePk(projectId, row.traceId())),
            TableSchema.SK, AttributeValue.fromS(SummaryItems.SUMMARY_SK)));
      }
    }
    if (keys.isEmpty()) {
      return rows;
    }
    Map<String, long[]> whole = new HashMap<>();
    String prefix = SummaryItems.tracePk(projectId, "");
    Batches.getAll(client, table, keys, false, "#p,#h,#l", Map.of("#p", TableSchema.PK,
        "#h", SummaryItems.ATTRIBUTE_HASHES, "#l", SummaryItems.ATTRIBUTE_SUFFIXES), meter, kind,
        item -> whole.put(item.get(TableSchema.PK).s().substring(prefix.length()), SummaryItems.attributeHashes(item)));
    List<TraceRow> out = new ArrayList<>(rows.size());
    for (TraceRow row : rows) {
      out.add(row.termPrefixesOnly() ? row.withAttributeHashes(whole.getOrDefault(row.traceId(), new long[0])) : row);
    }
    return out;
  }

  /**
   * The sort-key ranges of one hour to read, in scan order: the whole window's part of the hour,
   * or, for a sealed hour of a term search, only the segments its term block cannot rule out.
   */
  private static List<String[]> ranges(BlockLookup lookup, int hourIndex, String lo, String hi, boolean descending) {
    List<long[]> segments = lookup == null ? null : lookup.candidates(hourIndex);
    if (segments == null) {
      return List.<String[]>of(new String[] {lo, hi});
    }
    List<String[]> out = new ArrayList<>();
    for (long[] segment : segments) {
      String from = String.format("%019d", segment[0]);
      String to = String.format("%019d", segment[1] - 1) + "#g";
      String a = from.compareTo(lo) > 0 ? from : lo;
      String b = to.compareTo(hi) < 0 ? to : hi;
      if (a.compareTo(b) <= 0) {
        out.add(new String[] {a, b});
      }
    }
    if (descending) {
      java.util.Collections.reverse(out);
    }
    return out;
  }

  /** The term blocks of a scan's hours, read ahead in parallel. */
  private final class BlockLookup {
    private final long projectId;
    private final long term;
    private final List<Long> hours;
    private final DynamoTermBlocks.State state;
    private final Map<Integer, java.util.concurrent.Future<List<long[]>>> ahead = new HashMap<>();
    private int requestedUpTo;
    private int lookahead = FIRST_BLOCK_LOOKAHEAD;

    BlockLookup(long projectId, long term, List<Long> hours, DynamoTermBlocks.State state) {
      this.projectId = projectId;
      this.term = term;
      this.hours = hours;
      this.state = state;
    }

    /**
     * The candidate segments of the hour, or null when the hour has no current blocks (read it
     * whole). An hour not sealed (the current one) whose ten-minute slices have sealed blocks of
     * their own: their candidate segments, and the other slices whole.
     */
    List<long[]> candidates(int hourIndex) {
      long hour = hours.get(hourIndex);
      if (!state.sealed(hour)) {
        return sliceCandidates(hour);
      }
      int upTo = Math.min(hours.size(), hourIndex + lookahead);
      lookahead = Math.min(BLOCK_LOOKAHEAD, lookahead * 2);
      while (requestedUpTo < upTo) {
        int i = requestedUpTo++;
        long h = hours.get(i);
        if (state.sealed(h)) {
          ahead.put(i, submit(() -> blocks.candidateSegments(projectId, h, term)));
        }
      }
      return await(ahead.remove(hourIndex));
    }

    /** A term block read, on the pool when there is one (else done now). */
    private java.util.concurrent.Future<List<long[]>> submit(java.util.concurrent.Callable<List<long[]>> read) {
      if (pool != null) {
        return pool.submit(read);
      }
      try {
        return java.util.concurrent.CompletableFuture.completedFuture(read.call());
      } catch (RuntimeException e) {
        throw e;
      } catch (Exception e) {
        throw new dev.tracing.storage.StoreUnavailableException("a term block read failed", e);
      }
    }

    private static List<long[]> await(java.util.concurrent.Future<List<long[]>> read) {
      try {
        return read.get();
      } catch (java.util.concurrent.ExecutionException e) {
        throw e.getCause() instanceof RuntimeException re ? re
            : new dev.tracing.storage.StoreUnavailableException("a term block read failed", e.getCause());
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new dev.tracing.storage.StoreUnavailableException("interrupted while reading term blocks", e);
      }
    }

    /** {@link #candidates} of an hour not sealed: null when none of its slices is sealed. */
    private List<long[]> sliceCandidates(long hour) {
      long slice = DynamoTermBlocks.SLICE;
      Map<Long, java.util.concurrent.Future<List<long[]>>> reads = new java.util.TreeMap<>();
      for (long s = hour; s < hour + 3600; s += slice) {
        long at = s;
        if (state.sliceSealed(at)) {
          reads.put(at, submit(() -> blocks.sliceCandidateSegments(projectId, at, term)));
        }
      }
      if (reads.isEmpty()) {
        return null;
      }
      List<long[]> out = new ArrayList<>();
      for (long s = hour; s < hour + 3600; s += slice) {
        java.util.concurrent.Future<List<long[]>> read = reads.get(s);
        if (read == null) {
          // read whole (one range with the slice before it when that is read whole too)
          long[] last = out.isEmpty() ? null : out.get(out.size() - 1);
          if (last != null && last[1] == s * 1_000_000_000L && reads.get(s - slice) == null) {
            last[1] = (s + slice) * 1_000_000_000L;
          } else {
            out.add(new long[] {s * 1_000_000_000L, (s + slice) * 1_000_000_000L});
          }
          continue;
        }
        out.addAll(await(read));
      }
      return out;
    }
  }

  /**
   * Whether a UTC day holds any trace of the project: one row of its {@code by_duration} partition
   * (the same summary items as the day's {@code by_start} hours, so an empty partition means 24
   * empty hours). Asked of past days only: today's rows may still be on their way to the index.
   */
  private boolean dayHoldsTraces(long projectId, long daySecond) {
    QueryResponse page = indexPage(TableSchema.DURATION_INDEX, "#d = :d", Map.of("#d", TableSchema.DPK),
        Map.of(":d", AttributeValue.fromS(SummaryItems.durationPartition(projectId, daySecond * 1_000_000_000L))), false, 1,
        null);
    return !page.items().isEmpty();
  }

  /** One page of a query on one of the indexes, its read capacity charged to the meter. */
  private QueryResponse indexPage(String index, String condition, Map<String, String> names, Map<String, AttributeValue> values,
                                  boolean descending, int limit, Map<String, AttributeValue> exclusiveStart) {
    QueryRequest request = QueryRequest.builder()
        .tableName(table)
        .indexName(index)
        .keyConditionExpression(condition)
        .expressionAttributeNames(names)
        .expressionAttributeValues(values)
        .scanIndexForward(!descending)
        .limit(limit)
        .exclusiveStartKey(exclusiveStart)
        .returnConsumedCapacity(ReturnConsumedCapacity.TOTAL)
        .build();
    QueryResponse page = DynamoErrors.call("a traces list read", () -> client.query(request));
    meter.addRead(page.consumedCapacity(), "list index");
    return page;
  }

  /** Emits a group in trace id order; returns the row at which the visitor stopped, or null. */
  private static TraceRow emit(List<TraceRow> group, RowVisitor visitor) {
    if (group.size() > 1) {
      group.sort(Comparator.comparing(TraceRow::traceId));
    }
    for (TraceRow row : group) {
      if (!visitor.visit(row)) {
        return row;
      }
    }
    return null;
  }

  /** The UTC hours (epoch seconds of their start) covering {@code [from, to]} nanoseconds. */
  static List<Long> hours(long fromNano, long toNano, boolean descending) {
    long first = Instant.ofEpochSecond(Math.floorDiv(fromNano, 1_000_000_000L)).atZone(ZoneOffset.UTC)
        .truncatedTo(ChronoUnit.HOURS).toEpochSecond();
    long lastSecond = Math.floorDiv(toNano, 1_000_000_000L);
    List<Long> hours = new ArrayList<>();
    for (long h = first; h <= lastSecond; h += 3600) {
      hours.add(h);
    }
    if (descending) {
      java.util.Collections.reverse(hours);
    }
    return hours;
  }

  /** One row of the duration index. */
  private record DurationEntry(long durationNano, String traceId, long timestampNano, boolean expired) {
  }

  /** Reads one day partition of the duration index in order, a group of equal durations at a time (sorted by trace id). */
  private final class DayReader {
    private final String partition;
    private final boolean descending;
    private final Map<String, AttributeValue> values = new HashMap<>();
    private final Map<String, String> names = new HashMap<>(Map.of("#p", TableSchema.DPK));
    private final String condition;
    private final java.util.ArrayDeque<DurationEntry> raw = new java.util.ArrayDeque<>();
    private final java.util.ArrayDeque<DurationEntry> ready = new java.util.ArrayDeque<>();
    private Map<String, AttributeValue> exclusiveStart;
    private boolean exhausted;
    private int pageRows = FIRST_PAGE_ROWS;
    private final long now;
    private final int[] read;

    DayReader(String partition, boolean descending, long afterDuration, String afterTraceId, long now, int[] read) {
      this.partition = partition;
      this.descending = descending;
      this.now = now;
      this.read = read;
      values.put(":p", AttributeValue.fromS(partition));
      if (afterTraceId != null) {
        names.put("#k", TableSchema.DSK);
      }
      if (afterTraceId == null) {
        condition = "#p = :p";
      } else if (descending) {
        // equal durations are all read again (their trace ids ascend the other way), the caller skips those passed
        values.put(":k", AttributeValue.fromS(SummaryItems.durationSortKey(afterDuration, "g")));
        condition = "#p = :p AND #k <= :k";
      } else {
        values.put(":k", AttributeValue.fromS(SummaryItems.durationSortKey(afterDuration, "")));
        condition = "#p = :p AND #k >= :k";
      }
    }

    /** The next entry in order, or null when the partition has no more. */
    DurationEntry head() {
      if (ready.isEmpty()) {
        DurationEntry first = next();
        if (first == null) {
          return null;
        }
        List<DurationEntry> group = new ArrayList<>();
        group.add(first);
        while (true) {
          DurationEntry e = peek();
          if (e == null || e.durationNano() != first.durationNano()) {
            break;
          }
          group.add(next());
        }
        group.sort(Comparator.comparing(DurationEntry::traceId));
        ready.addAll(group);
      }
      return ready.peekFirst();
    }

    DurationEntry take() {
      head();
      return ready.pollFirst();
    }

    private DurationEntry peek() {
      fill();
      return raw.peekFirst();
    }

    private DurationEntry next() {
      fill();
      return raw.pollFirst();
    }

    private void fill() {
      while (raw.isEmpty() && !exhausted) {
        QueryResponse page = indexPage(TableSchema.DURATION_INDEX, condition, names, values, descending, pageRows,
            exclusiveStart);
        pageRows = Math.min(MAX_PAGE_ROWS, pageRows * 2);
        for (Map<String, AttributeValue> item : page.items()) {
          read[0]++;
          String key = item.get(TableSchema.DSK).s();
          int hash = key.indexOf('#');
          AttributeValue ts = item.get(SummaryItems.TIMESTAMP);
          raw.add(new DurationEntry(Long.parseLong(key.substring(0, hash)), key.substring(hash + 1),
              ts == null ? 0 : Long.parseLong(ts.n()), PartitionReads.expired(item, now)));
        }
        exclusiveStart = page.hasLastEvaluatedKey() && !page.lastEvaluatedKey().isEmpty() ? page.lastEvaluatedKey() : null;
        exhausted = exclusiveStart == null;
      }
    }

    @Override
    public String toString() {
      return partition;
    }
  }

  @Override
  public ScanOutcome scanByDuration(long projectId, long startNano, long endNano, boolean descending, long afterDuration,
      String afterTraceId, int budget, RowVisitor visitor) {
    if (startNano >= endNano) {
      return new ScanOutcome(0, false, null);
    }
    long now = clock.instant().getEpochSecond();
    int[] read = {0};
    Comparator<DurationEntry> order = descending
        ? Comparator.comparingLong(DurationEntry::durationNano).reversed().thenComparing(DurationEntry::traceId)
        : Comparator.comparingLong(DurationEntry::durationNano).thenComparing(DurationEntry::traceId);
    java.util.PriorityQueue<DayReader> heads = new java.util.PriorityQueue<>((a, b) -> order.compare(a.head(), b.head()));
    for (long day : days(startNano, endNano - 1)) {
      DayReader reader = new DayReader(SummaryItems.durationPartition(projectId, day * 1_000_000_000L), descending,
          afterDuration, afterTraceId, now, read);
      if (reader.head() != null) {
        heads.add(reader);
      }
    }
    DurationEntry after = afterTraceId == null ? null : new DurationEntry(afterDuration, afterTraceId, 0, false);
    DurationEntry passed = after;
    int consumed = 0;
    int batchSize = FIRST_PAGE_ROWS;
    List<DurationEntry> batch = new ArrayList<>();
    while (!heads.isEmpty()) {
      batch.clear();
      while (batch.size() < batchSize && !heads.isEmpty() && consumed < budget) {
        DayReader reader = heads.poll();
        DurationEntry e = reader.take();
        if (reader.head() != null) {
          heads.add(reader);
        }
        if (after != null && order.compare(e, after) <= 0) {
          continue; // at or before the cursor: an equal duration read again (not counted, so a scan always advances)
        }
        consumed++;
        passed = e;
        if (!e.expired() && e.timestampNano() >= startNano && e.timestampNano() < endNano) {
          batch.add(e);
        }
      }
      if (!batch.isEmpty()) {
        Map<String, TraceRow> rows = new HashMap<>();
        for (TraceRow row : rows(projectId, batch.stream().map(DurationEntry::traceId).toList())) {
          rows.put(row.traceId(), row);
        }
        for (DurationEntry e : batch) {
          TraceRow row = rows.get(e.traceId());
          if (row != null && !visitor.visit(row)) {
            return new ScanOutcome(read[0], false, row);
          }
        }
      }
      if (consumed >= budget && !heads.isEmpty()) {
        return new ScanOutcome(read[0], true, passed == null ? null : placeholder(passed));
      }
      batchSize = Math.min(100, batchSize * 2);
    }
    return new ScanOutcome(read[0], false, passed == null ? null : placeholder(passed));
  }

  /** A row holding only what a cursor needs (duration, timestamp, trace id), for a trace passed over unread. */
  private static TraceRow placeholder(DurationEntry e) {
    return new TraceRow(e.traceId(), e.timestampNano(), e.durationNano(), "", "", 0, 0, 0, false,
        dev.tracing.trace.SpanNames.EMPTY, new long[0], false, false);
  }

  /** The UTC days (epoch seconds of their start) covering {@code [from, to]} nanoseconds. */
  static List<Long> days(long fromNano, long toNano) {
    long first = Math.floorDiv(Math.floorDiv(fromNano, 1_000_000_000L), DAY) * DAY;
    long lastSecond = Math.floorDiv(toNano, 1_000_000_000L);
    List<Long> days = new ArrayList<>();
    for (long d = first; d <= lastSecond; d += DAY) {
      days.add(d);
    }
    return days;
  }

  @Override
  public List<TraceRow> rows(long projectId, Collection<String> traceIds) {
    List<TraceRow> out = new ArrayList<>();
    if (traceIds.isEmpty()) {
      return out;
    }
    long now = clock.instant().getEpochSecond();
    List<Map<String, AttributeValue>> keys = new ArrayList<>();
    for (String id : traceIds) {
      Map<String, AttributeValue> key = new HashMap<>();
      key.put(TableSchema.PK, AttributeValue.fromS(SummaryItems.tracePk(projectId, id)));
      key.put(TableSchema.SK, AttributeValue.fromS(SummaryItems.SUMMARY_SK));
      keys.add(key);
    }
    List<String> projection = new ArrayList<>(TableSchema.LIST_PROJECTION);
    projection.add(TableSchema.GSK);
    projection.add(SummaryItems.ATTRIBUTE_SUFFIXES);
    Map<String, String> names = new HashMap<>();
    StringBuilder expr = new StringBuilder();
    for (int i = 0; i < projection.size(); i++) {
      names.put("#a" + i, projection.get(i));
      expr.append(i == 0 ? "" : ",").append("#a").append(i);
    }
    Batches.getAll(client, table, keys, false, expr.toString(), names, meter, "trace summaries", item -> {
      if (!PartitionReads.expired(item, now)) {
        out.add(SummaryItems.rowFromItem(item));
      }
    });
    return out;
  }
}
