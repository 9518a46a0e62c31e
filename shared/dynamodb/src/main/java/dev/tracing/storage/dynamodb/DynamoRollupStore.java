package dev.tracing.storage.dynamodb;

import dev.tracing.rollup.DurationHistogram;
import dev.tracing.rollup.Granularity;
import dev.tracing.rollup.RollupCell;
import dev.tracing.rollup.RollupFamily;
import dev.tracing.rollup.RollupKey;
import dev.tracing.storage.RollupStore;
import dev.tracing.storage.StoreUnavailableException;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Future;
import software.amazon.awssdk.core.SdkBytes;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.PutItemResponse;
import software.amazon.awssdk.services.dynamodb.model.QueryRequest;
import software.amazon.awssdk.services.dynamodb.model.QueryResponse;
import software.amazon.awssdk.services.dynamodb.model.ReturnConsumedCapacity;
import software.amazon.awssdk.services.dynamodb.model.UpdateItemResponse;

/**
 * Rollup cells as items of the one table, changed only by {@code UpdateItem ADD} (atomic, like the
 * ingest counter). Layout:
 * <pre>
 * pk  R#{project}#{family}#{granularity}#{dimension}#{period}   period: UTC day (minutes) or 16-day block (coarser)
 * sk  {bucket start, 10 digits}#{name}
 * c   count            e   errors          exp  TTL: bucket end + retention
 * h{bucket, base 36}   durations histogram (see {@link DurationHistogram}); compacted cells: hb, packed
 * x{bucket, base 36}   failed traces' durations (traces family only); compacted cells: xb, packed
 * </pre>
 * One partition holds a period's cells in time order, so a window's cells are a few queries.
 * Minute cells of the traces family keep their filter key in {@code sk} (one partition per day for
 * all filter keys, so the compactor finds every key of an hour in one query); compacted ones in
 * {@code pk}.
 *
 * <p>Ingest adds to minute cells and marks the hours it wrote to as pending on the project's
 * compaction item ({@code pk R#{project}#C}, {@code sk #}: {@code d} the pending hours, a number
 * set changed by {@code ADD}/{@code DELETE}; {@code w} the end of the last hour compacted). The
 * compactor ({@link #compact}) writes each pending, finished hour's hourly cells whole with
 * {@code PutItem}: one write per cell and hour instead of one per request. Then it sums finished
 * hours into three-hour cells, and those into daily cells, the same way (granularity codes
 * {@code t} and {@code d}); their state is on the same item: {@code wt}/{@code wd} how far each
 * level is built, {@code dt}/{@code dd} its blocks waiting to be built again because an hour in
 * them was compacted again; {@code dh} the hours a compactor has taken and not finished.
 */
public final class DynamoRollupStore implements RollupStore {
  /** What {@link CapacityMeter#writeUnits(String)} counts rollup writes under. */
  public static final String METER_KIND = "rollups";
  static final String COUNT = "c";
  static final String ERRORS = "e";
  static final char DURATIONS = 'h';
  static final char ERROR_DURATIONS = 'x';
  /** Hourly cells (written whole by the compactor): each histogram packed in one binary attribute. */
  static final String DURATIONS_PACKED = "hb";
  static final String ERROR_DURATIONS_PACKED = "xb";
  /** Histogram buckets per update: keeps each update expression well below DynamoDB's 4 KB. */
  private static final int MAX_BUCKETS_PER_UPDATE = 120;
  private static final long DAY = 86_400;
  private static final long HOUR_PARTITION_DAYS = 16;
  /** The levels the compactor builds from finished cells of the level below, finest first. */
  private static final List<Granularity> COARSE = java.util.Arrays.stream(Granularity.values())
      .filter(Granularity::aboveHour).toList();

  private final DynamoDbClient client;
  private final String table;
  private final Clock clock;
  private final Duration retention;
  private final ExecutorService pool;
  private final CapacityMeter meter;
  /** The compaction item: the pending hours and the end of the last compacted hour. */
  private final PendingHours marks;

  /** @param pool runs a request's updates and a window's queries in parallel; {@code null}: one after another */
  public DynamoRollupStore(DynamoDbClient client, String table, Clock clock, Duration retention, ExecutorService pool,
                           CapacityMeter meter) {
    this.client = client;
    this.table = table;
    this.clock = clock;
    this.retention = retention;
    this.pool = pool;
    this.meter = meter;
    this.marks = new PendingHours(client, table, "#", meter, METER_KIND, "rollup compaction");
  }

  static String partition(long projectId, RollupFamily family, Granularity g, String dimension, long bucketSecond) {
    long day = Math.floorDiv(bucketSecond, DAY);
    long period = g == Granularity.MINUTE ? day : Math.floorDiv(day, HOUR_PARTITION_DAYS);
    return "R#" + projectId + "#" + family.code() + "#" + g.code() + "#" + dimension + "#" + period;
  }

  /** The item of a cell: minute cells of the traces family keep the filter key in the sort key. */
  static Map<String, AttributeValue> itemKey(long projectId, RollupKey key) {
    boolean filterKeyInSortKey = filterKeyInSortKey(key.family(), key.granularity());
    String dimension = filterKeyInSortKey ? "" : key.dimension();
    String name = filterKeyInSortKey ? key.dimension() : key.name();
    return Map.of(
        TableSchema.PK, AttributeValue.fromS(partition(projectId, key.family(), key.granularity(), dimension, key.bucketSecond())),
        TableSchema.SK, AttributeValue.fromS(sortKey(key.bucketSecond(), name)));
  }

  /** Minute cells of the traces family keep their filter key in the sort key, with an empty dimension in {@code pk}. */
  private static boolean filterKeyInSortKey(RollupFamily family, Granularity g) {
    return family == RollupFamily.TRACES && g == Granularity.MINUTE;
  }

  static String sortKey(long bucketSecond, String name) {
    return String.format("%010d#%s", bucketSecond, name);
  }

  @Override
  public void add(long projectId, Map<RollupKey, RollupCell> cells) {
    List<Runnable> updates = new ArrayList<>();
    java.util.Set<Long> hours = new java.util.TreeSet<>();
    cells.forEach((key, cell) -> {
      for (Map<String, Long> part : additions(key, cell)) {
        updates.add(() -> update(projectId, key, part));
      }
      hours.add(Math.floorDiv(key.bucketSecond(), Granularity.HOUR.seconds()) * Granularity.HOUR.seconds());
    });
    run(updates);
    // after the cells: an hour is marked pending only once its additions are stored
    marks.mark(projectId, hours);
  }

  /** The additions of a cell, split so no update carries more than {@link #MAX_BUCKETS_PER_UPDATE} buckets. */
  static List<Map<String, Long>> additions(RollupKey key, RollupCell cell) {
    List<Map<String, Long>> parts = new ArrayList<>();
    Map<String, Long> current = new LinkedHashMap<>();
    if (cell.count() != 0) {
      current.put(COUNT, cell.count());
    }
    if (cell.errors() != 0) {
      current.put(ERRORS, cell.errors());
    }
    List<Map.Entry<String, Long>> buckets = new ArrayList<>();
    histogram(DURATIONS, cell.durations(), buckets);
    if (key.family() == RollupFamily.TRACES) {
      histogram(ERROR_DURATIONS, cell.errorDurations(), buckets);
    }
    for (Map.Entry<String, Long> b : buckets) {
      if (current.size() >= MAX_BUCKETS_PER_UPDATE) {
        parts.add(current);
        current = new LinkedHashMap<>();
      }
      current.put(b.getKey(), b.getValue());
    }
    if (!current.isEmpty()) {
      parts.add(current);
    }
    return parts;
  }

  private static void histogram(char prefix, DurationHistogram h, List<Map.Entry<String, Long>> out) {
    for (int b = 0; b <= h.maxBucket(); b++) {
      long n = h.count(b);
      if (n != 0) {
        out.add(Map.entry(prefix + Integer.toString(b, 36), n));
      }
    }
  }

  private void update(long projectId, RollupKey key, Map<String, Long> additions) {
    StringBuilder expression = new StringBuilder("SET #exp = :exp ADD ");
    Map<String, String> names = new HashMap<>();
    Map<String, AttributeValue> values = new HashMap<>();
    names.put("#exp", TableSchema.EXPIRES);
    values.put(":exp", AttributeValue.fromN(Long.toString(key.bucketSecond() + key.granularity().seconds()
        + retention.toSeconds())));
    int i = 0;
    for (Map.Entry<String, Long> a : additions.entrySet()) {
      if (i > 0) {
        expression.append(", ");
      }
      expression.append("#a").append(i).append(" :a").append(i);
      names.put("#a" + i, a.getKey());
      values.put(":a" + i, AttributeValue.fromN(Long.toString(a.getValue())));
      i++;
    }
    Map<String, AttributeValue> itemKey = itemKey(projectId, key);
    UpdateItemResponse response = DynamoErrors.call("a rollup update", () -> client.updateItem(b -> b
        .tableName(table)
        .key(itemKey)
        .updateExpression(expression.toString())
        .expressionAttributeNames(names)
        .expressionAttributeValues(values)
        .returnConsumedCapacity(ReturnConsumedCapacity.TOTAL)));
    meter.addWrite(response.consumedCapacity(), METER_KIND);
  }

  @Override
  public Map<RollupKey, RollupCell> read(long projectId, RollupFamily family, Granularity g, String dimension,
                                         long fromSecond, long toSecond) {
    return read(projectId, List.of(new Read(family, g, dimension, fromSecond, toSecond, java.util.Set.of()))).get(0);
  }

  /** Every range's queries run at once on the pool. */
  @Override
  public List<Map<RollupKey, RollupCell>> read(long projectId, List<Read> reads) {
    List<java.util.function.Supplier<List<Map<String, AttributeValue>>>> queries = new ArrayList<>();
    int[] firstQuery = new int[reads.size() + 1];
    for (int i = 0; i < reads.size(); i++) {
      Read r = reads.get(i);
      firstQuery[i] = queries.size();
      String stored = filterKeyInSortKey(r.family(), r.granularity()) ? "" : r.dimension();
      queries.addAll(queries(projectId, r.family(), r.granularity(), stored, r.fromSecond(), r.toSecond(), false));
    }
    firstQuery[reads.size()] = queries.size();
    List<List<Map<String, AttributeValue>>> results = runAll(queries);
    List<Map<RollupKey, RollupCell>> out = new ArrayList<>();
    for (int i = 0; i < reads.size(); i++) {
      Read r = reads.get(i);
      boolean inSortKey = filterKeyInSortKey(r.family(), r.granularity());
      Map<RollupKey, RollupCell> stored = cells(r.family(), r.granularity(), inSortKey ? "" : r.dimension(),
          r.fromSecond(), r.toSecond(), results.subList(firstQuery[i], firstQuery[i + 1]));
      Map<RollupKey, RollupCell> cells = inSortKey ? ofFilterKey(r.family(), r.granularity(), r.dimension(), stored) : stored;
      cells.keySet().removeIf(k -> r.skip().contains(k.bucketSecond()));
      out.add(cells);
    }
    return out;
  }

  /** Cells read where the filter key is the sort key's name: those of one key, named as cells of that dimension. */
  private static Map<RollupKey, RollupCell> ofFilterKey(RollupFamily family, Granularity g, String dimension,
                                                        Map<RollupKey, RollupCell> all) {
    Map<RollupKey, RollupCell> cells = new LinkedHashMap<>();
    all.forEach((k, v) -> {
      if (k.name().equals(dimension)) {
        cells.put(new RollupKey(family, g, k.bucketSecond(), dimension, ""), v);
      }
    });
    return cells;
  }

  /**
   * The cells of one partition family in {@code [fromSecond, toSecond)}, named by their sort key.
   *
   * @param consistent strongly consistent reads (the compactor must see every addition made before)
   */
  private Map<RollupKey, RollupCell> read(long projectId, RollupFamily family, Granularity g, String dimension,
                                          long fromSecond, long toSecond, boolean consistent) {
    return cells(family, g, dimension, fromSecond, toSecond,
        runAll(queries(projectId, family, g, dimension, fromSecond, toSecond, consistent)));
  }

  /** One query per partition the range touches. */
  private List<java.util.function.Supplier<List<Map<String, AttributeValue>>>> queries(
      long projectId, RollupFamily family, Granularity g, String dimension, long fromSecond, long toSecond,
      boolean consistent) {
    List<java.util.function.Supplier<List<Map<String, AttributeValue>>>> queries = new ArrayList<>();
    if (fromSecond >= toSecond) {
      return queries;
    }
    long first = Math.floorDiv(fromSecond, g.seconds()) * g.seconds();
    long last = Math.floorDiv(toSecond - 1, g.seconds()) * g.seconds();
    List<String> partitions = new ArrayList<>();
    long step = g == Granularity.MINUTE ? DAY : DAY * HOUR_PARTITION_DAYS;
    for (long p = Math.floorDiv(first, step) * step; p <= last; p += step) {
      partitions.add(partition(projectId, family, g, dimension, Math.max(p, first)));
    }
    String lo = String.format("%010d", first);
    String hi = String.format("%010d", last) + "#\uffff";
    String kind = "rollups, " + g.name().toLowerCase(java.util.Locale.ROOT).replace('_', ' ');
    for (String pk : partitions) {
      queries.add(() -> query(pk, lo, hi, consistent, kind));
    }
    return queries;
  }

  private Map<RollupKey, RollupCell> cells(RollupFamily family, Granularity g, String dimension, long fromSecond,
                                           long toSecond, List<List<Map<String, AttributeValue>>> results) {
    Map<RollupKey, RollupCell> cells = new LinkedHashMap<>();
    long now = clock.instant().getEpochSecond();
    for (List<Map<String, AttributeValue>> items : results) {
      for (Map<String, AttributeValue> item : items) {
        if (PartitionReads.expired(item, now)) {
          continue;
        }
        String sk = item.get(TableSchema.SK).s();
        long bucket = Long.parseLong(sk.substring(0, 10));
        if (bucket < fromSecond || bucket >= toSecond) {
          continue;
        }
        RollupKey key = new RollupKey(family, g, bucket, dimension, sk.substring(11));
        cells.computeIfAbsent(key, k -> new RollupCell()).merge(cell(item));
      }
    }
    return cells;
  }

  static RollupCell cell(Map<String, AttributeValue> item) {
    RollupCell cell = new RollupCell();
    cell.addCounts(number(item.get(COUNT)), number(item.get(ERRORS)));
    AttributeValue packed = item.get(DURATIONS_PACKED);
    if (packed != null && packed.b() != null) {
      cell.durations().addEncoded(packed.b().asByteArray());
    }
    AttributeValue packedErrors = item.get(ERROR_DURATIONS_PACKED);
    if (packedErrors != null && packedErrors.b() != null) {
      cell.errorDurations().addEncoded(packedErrors.b().asByteArray());
    }
    for (Map.Entry<String, AttributeValue> a : item.entrySet()) {
      String name = a.getKey();
      if (name.length() < 2 || a.getValue().n() == null) {
        continue;
      }
      char prefix = name.charAt(0);
      if (prefix != DURATIONS && prefix != ERROR_DURATIONS) {
        continue;
      }
      int bucket;
      try {
        bucket = Integer.parseInt(name.substring(1), 36);
      } catch (NumberFormatException notAHistogramBucket) {
        continue;
      }
      (prefix == DURATIONS ? cell.durations() : cell.errorDurations()).addToBucket(bucket, Long.parseLong(a.getValue().n()));
    }
    return cell;
  }

  private static long number(AttributeValue v) {
    return v == null || v.n() == null ? 0 : Long.parseLong(v.n());
  }

  private List<Map<String, AttributeValue>> query(String pk, String lo, String hi, boolean consistent, String readKind) {
    List<Map<String, AttributeValue>> items = new ArrayList<>();
    Map<String, AttributeValue> exclusiveStart = null;
    do {
      QueryRequest request = QueryRequest.builder()
          .tableName(table)
          .keyConditionExpression("#p = :p AND #s BETWEEN :lo AND :hi")
          .expressionAttributeNames(Map.of("#p", TableSchema.PK, "#s", TableSchema.SK))
          .expressionAttributeValues(Map.of(":p", AttributeValue.fromS(pk), ":lo", AttributeValue.fromS(lo),
              ":hi", AttributeValue.fromS(hi)))
          .exclusiveStartKey(exclusiveStart)
          .consistentRead(consistent)
          .returnConsumedCapacity(ReturnConsumedCapacity.TOTAL)
          .build();
      QueryResponse page = DynamoErrors.call("a rollup read", () -> client.query(request));
      meter.addRead(page.consumedCapacity(), readKind);
      items.addAll(page.items());
      exclusiveStart = page.hasLastEvaluatedKey() && !page.lastEvaluatedKey().isEmpty() ? page.lastEvaluatedKey() : null;
    } while (exclusiveStart != null);
    return items;
  }

  @Override
  public Compaction compaction(long projectId) {
    return compaction(projectId, false);
  }

  private static String pendingAttribute(Granularity g) {
    return PendingHours.PENDING + g.code();
  }

  private static String builtAttribute(Granularity g) {
    return PendingHours.DONE_BEFORE + g.code();
  }

  private Compaction compaction(long projectId, boolean consistent) {
    Map<String, AttributeValue> item = marks.readItem(projectId, consistent);
    PendingHours.Marks m = PendingHours.marks(item);
    Map<Granularity, Compaction.Level> coarse = new java.util.EnumMap<>(Granularity.class);
    for (Granularity g : COARSE) {
      coarse.put(g, new Compaction.Level(PendingHours.number(item.get(builtAttribute(g))),
          PendingHours.numbers(item, pendingAttribute(g))));
    }
    return new Compaction(m.doneBeforeSecond(), m.pendingHours(), coarse);
  }

  @Override
  public int compact(long projectId, long nowSecond) {
    long hour = Granularity.HOUR.seconds();
    long closedBefore = Math.floorDiv(nowSecond - 60, hour) * hour;
    Compaction state = compaction(projectId, true);
    if (state.compactedBeforeSecond() == 0 && state.pendingHours().isEmpty()) {
      return 0; // nothing was ever written: leave no state behind either
    }
    // not over yet: ingest still writes to the others
    List<Long> hours = state.pendingHours().stream().filter(h -> h + hour <= closedBefore).sorted().toList();
    // finished blocks above the hour that hold an hour compacted again: pending at their level
    // before the hour is unmarked, so no reader takes them for complete until they are built again
    Map<Granularity, java.util.Set<Long>> again = new java.util.EnumMap<>(Granularity.class);
    Map<String, java.util.Set<Long>> toMark = new HashMap<>();
    for (Granularity g : COARSE) {
      java.util.Set<Long> blocks = new java.util.TreeSet<>();
      for (long h : hours) {
        long b = Math.floorDiv(h, g.seconds()) * g.seconds();
        if (b + g.seconds() <= closedBefore) {
          blocks.add(b);
        }
      }
      again.put(g, blocks);
      toMark.put(pendingAttribute(g), blocks);
    }
    marks.markAll(projectId, toMark);
    for (long h : hours) {
      // moved from pending to in progress first: an addition made after this point marks the hour
      // again, and a compactor that stops before the hour is built leaves it in progress, which
      // readers take for pending and the next run compacts
      marks.take(projectId, h);
      build(projectId, Granularity.HOUR, h);
      marks.done(projectId, h);
    }
    if (closedBefore > state.compactedBeforeSecond()) {
      marks.advance(projectId, closedBefore);
    }
    for (Granularity g : COARSE) {
      long size = g.seconds();
      Compaction.Level level = state.coarse().get(g);
      long builtTo = Math.floorDiv(closedBefore, size) * size;
      // from where this level was built to; the first time, from the oldest cell that may exist
      long from = level.builtBeforeSecond() > 0 ? level.builtBeforeSecond()
          : state.compactedBeforeSecond() > 0 ? Math.floorDiv(closedBefore - retention.toSeconds(), size) * size
          : hours.isEmpty() ? builtTo : Math.floorDiv(hours.get(0), size) * size;
      java.util.Set<Long> pending = new java.util.TreeSet<>(level.pending());
      pending.addAll(again.get(g));
      java.util.Set<Long> blocks = new java.util.TreeSet<>(pending);
      for (long b = from; b < builtTo; b += size) {
        blocks.add(b);
      }
      blocks.removeIf(b -> b + size > closedBefore);
      // oldest first, the state recorded after each block: a run stopped by its time limit (the
      // first after an upgrade builds the whole retention) leaves what it built, and the next goes on
      for (long b : blocks) {
        build(projectId, g, b);
        if (pending.contains(b)) {
          // unmarked only once built again (the finer level is built first, so this one sums fresh cells)
          marks.unmark(projectId, pendingAttribute(g), List.of(b));
        }
        if (b >= from && b + size > level.builtBeforeSecond() && b + size < builtTo) {
          marks.advance(projectId, builtAttribute(g), b + size);
        }
      }
      if (builtTo > level.builtBeforeSecond()) {
        marks.advance(projectId, builtAttribute(g), builtTo);
      }
    }
    return hours.size();
  }

  /**
   * Sums the cells of one bucket of a compacted level from the level below (minutes for hours,
   * hours for three hours, three hours for days), every family, and writes them whole. The traces
   * family is summed from its minute cells at every level: they hold every filter key of a range
   * in one partition, where coarser cells keep one partition per key.
   */
  private void build(long projectId, Granularity g, long bucketSecond) {
    Granularity finer = g.finer();
    long end = bucketSecond + g.seconds();
    Map<String, RollupCell> services = sumByName(read(projectId, RollupFamily.SERVICES, finer, "", bucketSecond, end, true));
    List<Runnable> puts = new ArrayList<>();
    services.forEach((name, cell) -> puts.add(() ->
        put(projectId, new RollupKey(RollupFamily.SERVICES, g, bucketSecond, "", name), cell)));
    sumByName(read(projectId, RollupFamily.EDGES, finer, "", bucketSecond, end, true)).forEach((name, cell) ->
        puts.add(() -> put(projectId, new RollupKey(RollupFamily.EDGES, g, bucketSecond, "", name), cell)));
    // a service's operations are written with its spans: the services of the bucket name them all
    for (String service : services.keySet()) {
      sumByName(read(projectId, RollupFamily.OPERATIONS, finer, service, bucketSecond, end, true)).forEach((name, cell) ->
          puts.add(() -> put(projectId, new RollupKey(RollupFamily.OPERATIONS, g, bucketSecond, service, name), cell)));
    }
    sumByName(read(projectId, RollupFamily.TRACES, Granularity.MINUTE, "", bucketSecond, end, true)).forEach((filterKey, cell) ->
        puts.add(() -> put(projectId, new RollupKey(RollupFamily.TRACES, g, bucketSecond, filterKey, ""), cell)));
    run(puts);
  }

  private static Map<String, RollupCell> sumByName(Map<RollupKey, RollupCell> cells) {
    Map<String, RollupCell> sums = new LinkedHashMap<>();
    cells.forEach((k, v) -> sums.computeIfAbsent(k.name(), n -> new RollupCell()).merge(v));
    return sums;
  }

  /** Writes a compacted cell whole: counts as numbers, each histogram as one binary attribute (a third the size). */
  private void put(long projectId, RollupKey key, RollupCell cell) {
    Map<String, AttributeValue> item = new HashMap<>(itemKey(projectId, key));
    item.put(TableSchema.EXPIRES, AttributeValue.fromN(Long.toString(key.bucketSecond() + key.granularity().seconds()
        + retention.toSeconds())));
    if (cell.count() != 0) {
      item.put(COUNT, AttributeValue.fromN(Long.toString(cell.count())));
    }
    if (cell.errors() != 0) {
      item.put(ERRORS, AttributeValue.fromN(Long.toString(cell.errors())));
    }
    if (cell.durations().maxBucket() >= 0) {
      item.put(DURATIONS_PACKED, AttributeValue.fromB(SdkBytes.fromByteArrayUnsafe(cell.durations().encode())));
    }
    if (key.family() == RollupFamily.TRACES && cell.errorDurations().maxBucket() >= 0) {
      item.put(ERROR_DURATIONS_PACKED, AttributeValue.fromB(SdkBytes.fromByteArrayUnsafe(cell.errorDurations().encode())));
    }
    PutItemResponse response = DynamoErrors.call("a rollup compaction write", () -> client.putItem(b -> b
        .tableName(table).item(item).returnConsumedCapacity(ReturnConsumedCapacity.TOTAL)));
    meter.addWrite(response.consumedCapacity(), METER_KIND);
  }

  private void run(List<Runnable> tasks) {
    List<java.util.function.Supplier<List<Map<String, AttributeValue>>>> suppliers = new ArrayList<>();
    for (Runnable r : tasks) {
      suppliers.add(() -> {
        r.run();
        return List.of();
      });
    }
    runAll(suppliers);
  }

  private <T> List<T> runAll(List<java.util.function.Supplier<T>> tasks) {
    List<T> results = new ArrayList<>(tasks.size());
    if (pool == null || tasks.size() == 1) {
      tasks.forEach(t -> results.add(t.get()));
      return results;
    }
    List<Future<T>> futures = new ArrayList<>();
    for (java.util.function.Supplier<T> t : tasks) {
      futures.add(pool.submit(t::get));
    }
    RuntimeException failure = null;
    for (Future<T> f : futures) {
      try {
        results.add(f.get());
      } catch (ExecutionException e) {
        if (failure == null) {
          failure = e.getCause() instanceof RuntimeException re ? re
              : new StoreUnavailableException("a rollup request failed", e.getCause());
        }
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new StoreUnavailableException("interrupted while reading rollups", e);
      }
    }
    if (failure != null) {
      throw failure;
    }
    return results;
  }
}
