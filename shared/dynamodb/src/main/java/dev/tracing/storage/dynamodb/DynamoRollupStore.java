package dev.tracing.storage.dynamodb;

import dev.tracing.rollup.CellDigest;
import dev.tracing.rollup.DurationHistogram;
import dev.tracing.rollup.Granularity;
import dev.tracing.rollup.RollupCell;
import dev.tracing.rollup.RollupFamily;
import dev.tracing.rollup.RollupKey;
import dev.tracing.rollup.Varints;
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
import software.amazon.awssdk.services.dynamodb.model.QueryRequest;
import software.amazon.awssdk.services.dynamodb.model.QueryResponse;
import software.amazon.awssdk.services.dynamodb.model.ReturnConsumedCapacity;
import software.amazon.awssdk.services.dynamodb.model.WriteRequest;
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
 *
 * <p>Running sums serve the hour still open and the part hours at a window's ends: per hour,
 * family and dimension, one packed item (like a prefix item) at the end of each ten-minute block
 * that has cells, holding per name the sums of the hour's minute cells from its start to there
 * ({@code pk R#{project}#{family}#xp#{dimension}#{16-day period}}, {@code sk {boundary}#~}). A part
 * of an hour made of whole blocks is one item, or the difference of two, whatever its length.
 * Ingest marks the ten-minute blocks it wrote to in {@code dx}, in the same write as the hours;
 * each run rebuilds every hour with a finished block marked, from that block on ({@code dxh}
 * while it does), records how far it got in {@code vx}, and the first run that kept the level the
 * hour it starts at ({@code fr}).
 */
public final class DynamoRollupStore implements RollupStore {
  /** What {@link CapacityMeter#writeUnits(String)} counts rollup writes under. */
  public static final String METER_KIND = "rollups";
  /** What the compactor's digest and prefix sum writes are counted under (rollups too, apart to show their cost). */
  public static final String DIGEST_METER_KIND = "rollups, digests";
  public static final String PREFIX_METER_KIND = "rollups, prefix sums";
  /** What the compactor's running sums are counted under (rollups too, apart to show their cost). */
  public static final String TEN_MINUTES_METER_KIND = "rollups, ten minutes";
  /** What the running sums inside the block still open are counted under. */
  public static final String OPEN_BLOCK_METER_KIND = "rollups, open block";
  static final String COUNT = "c";
  static final String ERRORS = "e";
  static final char DURATIONS = 'h';
  static final char ERROR_DURATIONS = 'x';
  /** Hourly cells (written whole by the compactor): each histogram packed in one binary attribute. */
  static final String DURATIONS_PACKED = "hb";
  static final String ERROR_DURATIONS_PACKED = "xb";
  /** Digest and prefix items: the packed entries of all names of a bucket (or boundary), and how many parts they take. */
  static final String PACKED = "pb";
  static final String PARTS = "n";
  /** The sort key suffix of a packed item's head (after its other parts, which are numbered from 1). */
  private static final String HEAD = "~";
  /** A packed item's part is cut before it passes this many bytes (DynamoDB's item limit is 400 KB). */
  private static final int MAX_PART_BYTES = 300_000;
  /** The attribute recording how far prefix sums are built, and the hours whose prefix sums wait to be rebuilt. */
  static final String PREFIX_BUILT = "vp";
  /**
   * On a packed item whose {@code pb} is deflated. Packed items of 512 bytes or more are stored
   * deflated when that is smaller: a busy service's running histograms shrink by about a third.
   * (Compactors before recorded how far prefix sums were built as {@code wp}; this one records
   * {@code vp}, so its first run builds every block's sums again, deflated, as a first run does.)
   */
  static final String DEFLATED = "z";
  private static final int DEFLATE_FROM_BYTES = 512;
  /** An inflated packed item larger than this is refused as damaged (a part is cut at 300 KB). */
  private static final int MAX_INFLATED_BYTES = 4 << 20;
  static final String PREFIX_PENDING = "dp";
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
    return partitionKey(projectId, family, g.code(), dimension, period(g, bucketSecond));
  }

  /** A bucket's partition period: its UTC day for minutes, its 16-day block for coarser levels. */
  private static long period(Granularity g, long bucketSecond) {
    long day = Math.floorDiv(bucketSecond, DAY);
    return g == Granularity.MINUTE ? day : Math.floorDiv(day, HOUR_PARTITION_DAYS);
  }

  private static String partitionKey(long projectId, RollupFamily family, String level, String dimension, long period) {
    return "R#" + projectId + "#" + family.code() + "#" + level + "#" + dimension + "#" + period;
  }

  /** Where a level's digests are kept: one item per bucket (and dimension) holding every name's. */
  static String digestPartition(long projectId, RollupFamily family, Granularity g, String dimension, long bucketSecond) {
    return partitionKey(projectId, family, g.code() + "q", dimension, period(g, bucketSecond));
  }

  /** Where a prefix block's sums are kept: one item per boundary (and dimension) holding every name's. */
  static String prefixPartition(long projectId, RollupFamily family, String dimension, long blockStart) {
    return partitionKey(projectId, family, "p", dimension, Math.floorDiv(blockStart, RollupStore.PREFIX_BLOCK_SECONDS));
  }

  /**
   * Where an hour's running sums are kept: one item per ten-minute boundary (and dimension) holding
   * every name's, in the 16-day partition of the hour.
   */
  static String runningPartition(long projectId, RollupFamily family, String dimension, long hourStart) {
    return partitionKey(projectId, family, Granularity.TEN_MINUTES.code() + "p", dimension,
        period(Granularity.TEN_MINUTES, hourStart));
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
    java.util.Set<Long> tens = new java.util.TreeSet<>();
    java.util.Set<Long> minutes = new java.util.TreeSet<>();
    cells.forEach((key, cell) -> {
      for (Map<String, Long> part : additions(key, cell)) {
        updates.add(() -> update(projectId, key, part));
      }
      hours.add(Granularity.HOUR.bucketOfSecond(key.bucketSecond()));
      tens.add(Granularity.TEN_MINUTES.bucketOfSecond(key.bucketSecond()));
      minutes.add(Granularity.MINUTE.bucketOfSecond(key.bucketSecond()));
    });
    run(updates);
    // after the cells: an hour and a ten-minute block are marked pending only once its additions
    // are stored (all in one write of the state item); so is a minute written late, which running
    // sums inside the open block may have summed already (see compactTenMinutes)
    if (!hours.isEmpty()) {
      long now = clock.instant().getEpochSecond();
      java.util.Set<Long> late = new java.util.TreeSet<>();
      minutes.forEach(m -> {
        if (m + LATE_AFTER_SECONDS <= now && m + Granularity.HOUR.seconds() > now) {
          late.add(m);
        }
      });
      marks.markAll(projectId, Map.of(PendingHours.PENDING, hours, pendingAttribute(Granularity.TEN_MINUTES), tens,
          LATE_MINUTES, late));
    }
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
      switch (r.kind()) {
        case DIGESTS -> queries.addAll(queries(projectId, r.family(), r.granularity(), r.dimension(), r.fromSecond(),
            r.toSecond(), false, true));
        case PREFIX -> queries.add(r.granularity() == Granularity.TEN_MINUTES
            ? () -> runningItems(projectId, r.family(), r.dimension(), r.fromSecond(), r.toSecond(), false)
            : () -> prefixItems(projectId, r.family(), r.dimension(), r.fromSecond(), r.toSecond(), false));
        default -> {
          String stored = filterKeyInSortKey(r.family(), r.granularity()) ? "" : r.dimension();
          queries.addAll(queries(projectId, r.family(), r.granularity(), stored, r.fromSecond(), r.toSecond(), false, false));
        }
      }
    }
    firstQuery[reads.size()] = queries.size();
    List<List<Map<String, AttributeValue>>> results = runAll(queries);
    List<Map<RollupKey, RollupCell>> out = new ArrayList<>();
    for (int i = 0; i < reads.size(); i++) {
      Read r = reads.get(i);
      if (r.kind() != ReadKind.CELLS) {
        List<Map<String, AttributeValue>> items = new ArrayList<>();
        results.subList(firstQuery[i], firstQuery[i + 1]).forEach(items::addAll);
        out.add(r.kind() == ReadKind.DIGESTS ? digestCells(r, items) : prefixCells(r, items));
        continue;
      }
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
        runAll(queries(projectId, family, g, dimension, fromSecond, toSecond, consistent, false)));
  }

  /** One query per partition the range touches, of the level's cells or ({@code digests}) of their digests. */
  private List<java.util.function.Supplier<List<Map<String, AttributeValue>>>> queries(
      long projectId, RollupFamily family, Granularity g, String dimension, long fromSecond, long toSecond,
      boolean consistent, boolean digests) {
    List<java.util.function.Supplier<List<Map<String, AttributeValue>>>> queries = new ArrayList<>();
    if (fromSecond >= toSecond) {
      return queries;
    }
    long first = Math.floorDiv(fromSecond, g.seconds()) * g.seconds();
    long last = Math.floorDiv(toSecond - 1, g.seconds()) * g.seconds();
    List<String> partitions = new ArrayList<>();
    long step = g == Granularity.MINUTE ? DAY : DAY * HOUR_PARTITION_DAYS;
    for (long p = Math.floorDiv(first, step) * step; p <= last; p += step) {
      long bucket = Math.max(p, first);
      partitions.add(digests ? digestPartition(projectId, family, g, dimension, bucket)
          : partition(projectId, family, g, dimension, bucket));
    }
    String lo = String.format("%010d", first);
    String hi = String.format("%010d", last) + "#\uffff";
    String kind = "rollups, " + g.name().toLowerCase(java.util.Locale.ROOT).replace('_', ' ') + (digests ? " digests" : "");
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

  // ---- digests and prefix sums: packed items holding every name of a bucket or boundary ----

  private Map<RollupKey, RollupCell> digestCells(Read r, List<Map<String, AttributeValue>> items) {
    Map<RollupKey, RollupCell> cells = new LinkedHashMap<>();
    long now = clock.instant().getEpochSecond();
    unpack(items.stream().filter(item -> !PartitionReads.expired(item, now)).toList()).forEach((bucket, entries) -> {
      if (bucket < r.fromSecond() || bucket >= r.toSecond()) {
        return;
      }
      for (byte[] entry : entries) {
        int[] at = {0};
        String name = readName(entry, at);
        long count = Varints.readSigned(entry, at);
        long errors = Varints.readSigned(entry, at);
        cells.put(new RollupKey(r.family(), r.granularity(), bucket, r.dimension(), name),
            RollupCell.ofDigest(count, errors, CellDigest.decode(entry, at)));
      }
    });
    return cells;
  }

  /**
   * The head and parts of the prefix item at the latest boundary in {@code (blockStart, boundary]}:
   * the block's sums up to {@code boundary}, since no hour between that item and the boundary
   * holds a cell (every compacted hour with cells writes its boundary's item).
   */
  private List<Map<String, AttributeValue>> prefixItems(long projectId, RollupFamily family, String dimension,
                                                        long blockStart, long boundary, boolean consistent) {
    return latestPacked(prefixPartition(projectId, family, dimension, blockStart), blockStart, boundary, consistent,
        "rollups, prefix sums");
  }

  /**
   * The head and parts of the running sums item at the latest ten-minute boundary in
   * {@code (hourStart, boundary]}: the hour's sums up to {@code boundary}, since no block between
   * that item and the boundary holds a cell of the family and dimension (every block built with
   * cells writes its boundary's item).
   */
  private List<Map<String, AttributeValue>> runningItems(long projectId, RollupFamily family, String dimension,
                                                         long hourStart, long boundary, boolean consistent) {
    return latestPacked(runningPartition(projectId, family, dimension, hourStart), hourStart, boundary, consistent,
        "rollups, ten minutes");
  }

  /** The head and parts of the packed item of a partition at the latest key in {@code (after, boundary]}. */
  private List<Map<String, AttributeValue>> latestPacked(String pk, long after, long boundary, boolean consistent,
                                                         String kind) {
    if (boundary <= after) {
      return List.of();
    }
    QueryResponse last = DynamoErrors.call("a rollup read", () -> client.query(b -> b
        .tableName(table)
        .keyConditionExpression("#p = :p AND #s BETWEEN :lo AND :hi")
        .expressionAttributeNames(Map.of("#p", TableSchema.PK, "#s", TableSchema.SK))
        .expressionAttributeValues(Map.of(":p", AttributeValue.fromS(pk),
            ":lo", AttributeValue.fromS(String.format("%010d", after + 1)),
            ":hi", AttributeValue.fromS(String.format("%010d#\uffff", boundary))))
        .scanIndexForward(false)
        .limit(1)
        .consistentRead(consistent)
        .returnConsumedCapacity(ReturnConsumedCapacity.TOTAL)));
    meter.addRead(last.consumedCapacity(), kind);
    if (!last.hasItems() || last.items().isEmpty()) {
      return List.of();
    }
    Map<String, AttributeValue> head = last.items().get(0);
    if (PartitionReads.expired(head, clock.instant().getEpochSecond())) {
      return List.of(); // past its TTL, not deleted yet
    }
    List<Map<String, AttributeValue>> items = new ArrayList<>(List.of(head));
    if (parts(head) > 1) {
      String key = head.get(TableSchema.SK).s().substring(0, 10);
      items.addAll(query(pk, key + "#0", key + "#:", consistent, kind));
    }
    return items;
  }

  private Map<RollupKey, RollupCell> prefixCells(Read r, List<Map<String, AttributeValue>> items) {
    Map<RollupKey, RollupCell> cells = new LinkedHashMap<>();
    prefixSums(items).forEach((name, cell) ->
        cells.put(new RollupKey(r.family(), r.granularity(), r.toSecond(), r.dimension(), name), cell));
    return cells;
  }

  /** The sums one prefix item (head and parts) holds, by name. */
  private static Map<String, RollupCell> prefixSums(List<Map<String, AttributeValue>> items) {
    Map<String, RollupCell> sums = new java.util.TreeMap<>();
    unpack(items).values().forEach(entries -> {
      for (byte[] entry : entries) {
        int[] at = {0};
        String name = readName(entry, at);
        RollupCell cell = new RollupCell();
        cell.addCounts(Varints.readSigned(entry, at), Varints.readSigned(entry, at));
        cell.durations().addEncoded(Varints.readBytes(entry, at));
        cell.errorDurations().addEncoded(Varints.readBytes(entry, at));
        sums.put(name, cell);
      }
    });
    return sums;
  }

  private static int parts(Map<String, AttributeValue> item) {
    AttributeValue n = item.get(PARTS);
    return n == null || n.n() == null ? 1 : Integer.parseInt(n.n());
  }

  /**
   * Packed items by their key (bucket or boundary): each key's entries, its head's part first. Parts
   * beyond the count its head gives (left by an earlier, longer write) are ignored; a key whose head
   * is missing (a write that stopped before it) is skipped.
   */
  static Map<Long, List<byte[]>> unpack(List<Map<String, AttributeValue>> items) {
    Map<Long, Map<String, AttributeValue>> heads = new java.util.TreeMap<>();
    Map<Long, Map<Integer, Map<String, AttributeValue>>> others = new HashMap<>();
    for (Map<String, AttributeValue> item : items) {
      String sk = item.get(TableSchema.SK).s();
      long key = Long.parseLong(sk.substring(0, 10));
      String part = sk.substring(11);
      if (part.equals(HEAD)) {
        heads.put(key, item);
      } else {
        others.computeIfAbsent(key, k -> new HashMap<>()).put(Integer.parseInt(part), item);
      }
    }
    Map<Long, List<byte[]>> out = new java.util.TreeMap<>();
    heads.forEach((key, head) -> {
      List<byte[]> entries = new ArrayList<>();
      int n = parts(head);
      entries(head, entries);
      Map<Integer, Map<String, AttributeValue>> rest = others.getOrDefault(key, Map.of());
      for (int k = 1; k < n; k++) {
        Map<String, AttributeValue> part = rest.get(k);
        if (part == null) {
          throw new StoreUnavailableException("rollup item " + key + " lacks its part " + k + " of " + n);
        }
        entries(part, entries);
      }
      out.put(key, entries);
    });
    return out;
  }

  private static void entries(Map<String, AttributeValue> item, List<byte[]> out) {
    AttributeValue packed = item.get(PACKED);
    if (packed == null || packed.b() == null) {
      return;
    }
    byte[] data = item.containsKey(DEFLATED) ? inflate(packed.b().asByteArray(), item) : packed.b().asByteArray();
    int[] at = {0};
    while (at[0] < data.length) {
      out.add(Varints.readBytes(data, at));
    }
  }

  static byte[] deflate(byte[] data) {
    java.util.zip.Deflater deflater = new java.util.zip.Deflater(java.util.zip.Deflater.BEST_COMPRESSION);
    try {
      deflater.setInput(data);
      deflater.finish();
      java.io.ByteArrayOutputStream out = new java.io.ByteArrayOutputStream(data.length / 2 + 64);
      byte[] buffer = new byte[8192];
      while (!deflater.finished()) {
        out.write(buffer, 0, deflater.deflate(buffer));
      }
      return out.toByteArray();
    } finally {
      deflater.end();
    }
  }

  private static byte[] inflate(byte[] data, Map<String, AttributeValue> item) {
    java.util.zip.Inflater inflater = new java.util.zip.Inflater();
    try {
      inflater.setInput(data);
      java.io.ByteArrayOutputStream out = new java.io.ByteArrayOutputStream(data.length * 3);
      byte[] buffer = new byte[8192];
      while (!inflater.finished()) {
        int n = inflater.inflate(buffer);
        if (n == 0 && (inflater.needsInput() || inflater.needsDictionary())) {
          throw new java.util.zip.DataFormatException("truncated");
        }
        out.write(buffer, 0, n);
        if (out.size() > MAX_INFLATED_BYTES) {
          throw new java.util.zip.DataFormatException("larger than " + MAX_INFLATED_BYTES + " bytes");
        }
      }
      return out.toByteArray();
    } catch (java.util.zip.DataFormatException e) {
      throw new StoreUnavailableException("rollup item " + item.get(TableSchema.PK).s() + " " + item.get(TableSchema.SK).s()
          + " is damaged (" + e.getMessage() + ")", e);
    } finally {
      inflater.end();
    }
  }

  /**
   * One item to write: a compacted cell, a numbered part of a packed key, or a packed key's head,
   * which names how many parts it has and so is written only after every part (see {@link #writeItems}).
   */
  private record Write(Map<String, AttributeValue> item, boolean head, String meterKind) {
  }

  /** A key's entries as a head item and, when they do not fit one, numbered parts. */
  private List<Write> packedItems(String pk, long keySecond, List<byte[]> entries, long expiresSecond, String meterKind) {
    List<java.io.ByteArrayOutputStream> parts = new ArrayList<>();
    java.io.ByteArrayOutputStream current = new java.io.ByteArrayOutputStream();
    for (byte[] e : entries) {
      if (current.size() > 0 && current.size() + e.length + 5 > MAX_PART_BYTES) {
        parts.add(current);
        current = new java.io.ByteArrayOutputStream();
      }
      Varints.writeBytes(current, e);
    }
    parts.add(current);
    String key = String.format("%010d", keySecond);
    List<Write> items = new ArrayList<>(parts.size());
    for (int k = 1; k < parts.size(); k++) {
      items.add(new Write(packedItem(pk, key + "#" + k, parts.get(k).toByteArray(), expiresSecond, 0), false, meterKind));
    }
    items.add(new Write(packedItem(pk, key + "#" + HEAD, parts.get(0).toByteArray(), expiresSecond, parts.size()), true,
        meterKind));
    return items;
  }

  private Map<String, AttributeValue> packedItem(String pk, String sk, byte[] packed, long expiresSecond, int parts) {
    Map<String, AttributeValue> item = new HashMap<>();
    item.put(TableSchema.PK, AttributeValue.fromS(pk));
    item.put(TableSchema.SK, AttributeValue.fromS(sk));
    item.put(TableSchema.EXPIRES, AttributeValue.fromN(Long.toString(expiresSecond)));
    byte[] stored = packed;
    if (packed.length >= DEFLATE_FROM_BYTES) {
      byte[] deflated = deflate(packed);
      if (deflated.length < packed.length) {
        stored = deflated;
        item.put(DEFLATED, AttributeValue.fromN("1"));
      }
    }
    item.put(PACKED, AttributeValue.fromB(SdkBytes.fromByteArrayUnsafe(stored)));
    if (parts > 1) {
      item.put(PARTS, AttributeValue.fromN(Integer.toString(parts)));
    }
    return item;
  }

  /**
   * Writes these items {@value Batches#PUT_LIMIT} a call (a busy hour has hundreds: one call each
   * would make a compactor run as long as its items are many): first every cell and part, then the
   * heads, so a reader that finds a head finds all of its parts. Each call's units are charged to
   * its items' kind.
   *
   * @param onPool the calls run at once on the pool; {@code false} when the caller already runs on it
   */
  private void writeItems(List<Write> items, boolean onPool) {
    for (boolean heads : new boolean[] {false, true}) {
      Map<String, List<Map<String, AttributeValue>>> byKind = new LinkedHashMap<>();
      for (Write w : items) {
        if (w.head() == heads) {
          byKind.computeIfAbsent(w.meterKind(), k -> new ArrayList<>()).add(w.item());
        }
      }
      List<Runnable> calls = new ArrayList<>();
      byKind.forEach((kind, kindItems) -> {
        for (List<WriteRequest> batch : Batches.putBatches(kindItems)) {
          calls.add(() -> Batches.putBatch(client, table, batch, "rollups (" + kind + ")",
              consumed -> consumed.forEach(c -> meter.addWrite(c, kind))));
        }
      });
      if (onPool) {
        run(calls);
      } else {
        calls.forEach(Runnable::run);
      }
    }
  }

  /** The start every digest and prefix entry shares: name, count, errors. */
  private static java.io.ByteArrayOutputStream entry(String name, RollupCell cell) {
    java.io.ByteArrayOutputStream out = new java.io.ByteArrayOutputStream(64);
    Varints.writeBytes(out, name.getBytes(java.nio.charset.StandardCharsets.UTF_8));
    Varints.writeSigned(out, cell.count());
    Varints.writeSigned(out, cell.errors());
    return out;
  }

  private static String readName(byte[] entry, int[] at) {
    return new String(Varints.readBytes(entry, at), java.nio.charset.StandardCharsets.UTF_8);
  }

  /** A digest entry: name, count, errors, digest. */
  static byte[] digestEntry(String name, RollupCell cell, boolean withStatus) {
    java.io.ByteArrayOutputStream out = entry(name, cell);
    CellDigest.of(cell, withStatus).encode(out);
    return out.toByteArray();
  }

  /** A prefix entry: name, count, errors, both histograms packed. */
  static byte[] prefixEntry(String name, RollupCell cell) {
    java.io.ByteArrayOutputStream out = entry(name, cell);
    Varints.writeBytes(out, cell.durations().encode());
    Varints.writeBytes(out, cell.errorDurations().encode());
    return out.toByteArray();
  }

  /** The digests of one bucket's compacted cells: per family and dimension, one packed key of every name. */
  private List<Write> digestItems(long projectId, Granularity g, long bucketSecond, RollupFamily family, String dimension,
                                  Map<String, RollupCell> byName) {
    if (byName.isEmpty()) {
      return List.of();
    }
    List<byte[]> entries = new ArrayList<>();
    new java.util.TreeMap<>(byName).forEach((name, cell) ->
        entries.add(digestEntry(name, cell, family == RollupFamily.TRACES)));
    return packedItems(digestPartition(projectId, family, g, dimension, bucketSecond), bucketSecond, entries,
        bucketSecond + g.seconds() + retention.toSeconds(), DIGEST_METER_KIND);
  }

  /**
   * Rebuilds the prefix sums of one block from hour {@code fromHour} to {@code toSecond}: starting
   * from the sums at {@code fromHour}, adds each hour's hourly cells in turn and writes the sums at
   * the end of every hour that has cells, for every family and dimension kept (strongly consistent
   * reads: the hours were just built).
   */
  private void rebuildPrefixes(long projectId, long blockStart, long fromHour, long toSecond) {
    if (fromHour >= toSecond) {
      return;
    }
    long expires = blockStart + RollupStore.PREFIX_BLOCK_SECONDS + retention.toSeconds();
    Map<RollupKey, RollupCell> services = read(projectId, RollupFamily.SERVICES, Granularity.HOUR, "", fromHour, toSecond, true);
    List<Runnable> rebuilds = new ArrayList<>();
    rebuilds.add(() -> rebuildPrefix(projectId, RollupFamily.SERVICES, "", blockStart, fromHour, services, expires));
    rebuilds.add(() -> rebuildPrefix(projectId, RollupFamily.EDGES, "", blockStart, fromHour,
        read(projectId, RollupFamily.EDGES, Granularity.HOUR, "", fromHour, toSecond, true), expires));
    // a service's operations are written with its spans: the services of these hours name all that changed
    java.util.Set<String> names = new java.util.TreeSet<>();
    services.keySet().forEach(k -> names.add(k.name()));
    for (String service : names) {
      rebuilds.add(() -> rebuildPrefix(projectId, RollupFamily.OPERATIONS, service, blockStart, fromHour,
          read(projectId, RollupFamily.OPERATIONS, Granularity.HOUR, service, fromHour, toSecond, true), expires));
    }
    run(rebuilds);
  }

  private void rebuildPrefix(long projectId, RollupFamily family, String dimension, long blockStart, long fromHour,
                             Map<RollupKey, RollupCell> hourly, long expires) {
    if (hourly.isEmpty()) {
      return;
    }
    Map<String, RollupCell> running = prefixSums(prefixItems(projectId, family, dimension, blockStart, fromHour, true));
    Map<Long, List<Map.Entry<RollupKey, RollupCell>>> byHour = new java.util.TreeMap<>();
    hourly.entrySet().forEach(e -> byHour.computeIfAbsent(e.getKey().bucketSecond(), k -> new ArrayList<>()).add(e));
    String pk = prefixPartition(projectId, family, dimension, blockStart);
    List<Write> writes = new ArrayList<>();
    byHour.forEach((hour, cells) -> {
      Map<String, RollupCell> byName = new HashMap<>();
      cells.forEach(e -> byName.put(e.getKey().name(), e.getValue()));
      addRunning(running, byName, pk, hour + Granularity.HOUR.seconds(), expires, PREFIX_METER_KIND, writes);
    });
    // already on the pool (one task per family and dimension): written from here
    writeItems(writes, false);
  }

  /** An hour's cells expire at its end plus the retention: the first hour whose cells are still read. */
  @Override
  public long retainedFromSecond() {
    long hour = Granularity.HOUR.seconds();
    return Math.floorDiv(clock.instant().getEpochSecond() - retention.toSeconds() - hour, hour) * hour + hour;
  }

  @Override
  public Compaction compaction(long projectId) {
    return compaction(projectId, false);
  }

  private static String pendingAttribute(Granularity g) {
    return PendingHours.PENDING + g.code();
  }

  /** The ten-minute blocks a compactor has taken and not finished building (pending to readers). */
  static final String TENS_IN_PROGRESS = "dxh";
  /** The first hour whose running sums the ten-minute level holds (set once, by the first compactor that builds it). */
  static final String RUNNING_FROM = "fr";
  /**
   * Minutes written to late (after they ended a minute ago), within the last hour: running sums
   * inside the open block that sum one of them are not read until rebuilt. Ingest checks the clock
   * after its cells are stored, so a write the compactor's read of a minute (90 s after it ended)
   * did not see is always marked: {@value #LATE_AFTER_SECONDS} s from the minute's start leaves 30
   * s for clocks that disagree. Compactors move them to {@link #LATE_IN_PROGRESS} before reading.
   */
  static final String LATE_MINUTES = "dm";
  static final String LATE_IN_PROGRESS = "dmh";
  static final long LATE_AFTER_SECONDS = 120;
  /** The minutes the compactor sums inside the open block ended this long before it runs. */
  static final long OPEN_BLOCK_SETTLE_SECONDS = 90;
  /** Where the running sums inside the open block end (absent: none to read). */
  static final String OPEN_BLOCK_TO = "vm";
  /**
   * Running sums inside the open block are written only where its minutes read would cost more:
   * when their cells come to more than this many bytes (estimated), about eight read units' worth.
   */
  static final long OPEN_BLOCK_FROM_BYTES = 32 * 1024;
  /**
   * Where per-block ten-minute cells started, as compactors before running sums recorded it: ingest
   * has marked every block it wrote from there on, so those hours can be built as running sums.
   */
  static final String BLOCKS_FROM = "fx";

  /**
   * How far a level above the hour is built, with its digests: {@code vt}, {@code vd}. (Compactors
   * before digests recorded {@code wt}, {@code wd}; those blocks have no digests, so the first
   * compactor that writes them builds the levels again from the oldest cell, as a first run does.)
   */
  private static String builtAttribute(Granularity g) {
    return "v" + g.code();
  }

  private Compaction compaction(long projectId, boolean consistent) {
    return compaction(marks.readItem(projectId, consistent));
  }

  private static Compaction compaction(Map<String, AttributeValue> item) {
    PendingHours.Marks m = PendingHours.marks(item);
    Map<Granularity, Compaction.Level> coarse = new java.util.EnumMap<>(Granularity.class);
    for (Granularity g : COARSE) {
      coarse.put(g, new Compaction.Level(PendingHours.number(item.get(builtAttribute(g))),
          PendingHours.numbers(item, pendingAttribute(g))));
    }
    java.util.Set<Long> tensPending = PendingHours.numbers(item, pendingAttribute(Granularity.TEN_MINUTES));
    tensPending.addAll(PendingHours.numbers(item, TENS_IN_PROGRESS));
    // no start recorded: no block built yet
    AttributeValue tensFrom = item.get(RUNNING_FROM);
    Compaction.Level tens = new Compaction.Level(
        tensFrom == null || tensFrom.n() == null ? Compaction.Level.NONE.fromSecond() : Long.parseLong(tensFrom.n()),
        PendingHours.number(item.get(builtAttribute(Granularity.TEN_MINUTES))), tensPending);
    // the sums inside the open block: none while a minute they sum was written to late
    long openTo = PendingHours.number(item.get(OPEN_BLOCK_TO));
    long openFrom = Granularity.TEN_MINUTES.bucketOfSecond(openTo);
    java.util.Set<Long> late = PendingHours.numbers(item, LATE_MINUTES);
    late.addAll(PendingHours.numbers(item, LATE_IN_PROGRESS));
    for (long minute : late) {
      if (minute >= openFrom && minute < openTo) {
        openTo = 0;
      }
    }
    return new Compaction(m.doneBeforeSecond(), m.pendingHours(), coarse, PendingHours.number(item.get(PREFIX_BUILT)),
        PendingHours.numbers(item, PREFIX_PENDING), tens, openTo);
  }

  @Override
  public int compact(long projectId, long nowSecond) {
    long hour = Granularity.HOUR.seconds();
    long closedBefore = Math.floorDiv(nowSecond - 60, hour) * hour;
    Map<String, AttributeValue> item = marks.readItem(projectId, true);
    Compaction state = compaction(item);
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
    // the prefix sums after each hour compacted now change: marked before the hour is unmarked,
    // so readers stop at the hour until the sums after it are rebuilt
    toMark.put(PREFIX_PENDING, new java.util.TreeSet<>(hours));
    marks.markAll(projectId, toMark);
    compactTenMinutes(projectId, state, item, nowSecond);
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
    buildPrefixes(projectId, state, hours, closedBefore);
    return hours.size();
  }

  /**
   * Builds the running sums of the hours whose finished ten-minute blocks were written to since
   * they were built, with the hours' protocol: the blocks are moved from pending to in progress in
   * one write before their minute cells are read (an addition after it marks its block again), and
   * out of it once their hour is built. An hour is built from its first block taken to its last
   * finished block, since the sums after a block change with it.
   *
   * <p>The first run that keeps the level records its first hour ({@code fr}): for a project never
   * compacted, its oldest pending hour (ingest has marked every block it wrote); for one whose
   * compactor built per-block ten-minute cells (their start in {@code fx}: ingest has marked every
   * block it wrote since), the first whole hour from there, every finished block of which it marks
   * pending before recording the start, so they are built as running sums (a run stopped by its
   * time limit leaves the rest marked, and the next goes on); for one compacted before that, the
   * hour after next (older blocks may hold minutes written before ingest marked blocks).
   */
  private void compactTenMinutes(long projectId, Compaction state, Map<String, AttributeValue> item, long nowSecond) {
    AttributeValue blocksFrom = item.get(BLOCKS_FROM);
    Granularity g = Granularity.TEN_MINUTES;
    long size = g.seconds();
    long hour = Granularity.HOUR.seconds();
    long closedBefore = g.bucketOfSecond(nowSecond - 60);
    Compaction.Level level = state.tenMinutes();
    java.util.Set<Long> pending = new java.util.TreeSet<>(level.pending());
    long from = level.fromSecond();
    if (from == Compaction.Level.NONE.fromSecond()) {
      if (state.compactedBeforeSecond() == 0) {
        from = closedBefore;
        for (long h : state.pendingHours()) {
          from = Math.min(from, h);
        }
        for (long b : pending) {
          from = Math.min(from, b);
        }
        from = Granularity.HOUR.bucketOfSecond(from);
      } else {
        if (blocksFrom != null && blocksFrom.n() != null) {
          from = Granularity.HOUR.bucketOfSecond(Long.parseLong(blocksFrom.n()) + hour - 1);
          List<Long> upgrade = new ArrayList<>();
          for (long b = from; b + size <= closedBefore; b += size) {
            upgrade.add(b);
          }
          // marked before the start is recorded: no reader takes these blocks for built meanwhile
          marks.markAll(projectId, Map.of(pendingAttribute(g), upgrade));
          pending.addAll(upgrade);
        } else {
          from = Granularity.HOUR.bucketOfSecond(nowSecond) + 2 * hour;
        }
      }
      marks.setOnce(projectId, RUNNING_FROM, from);
    }
    long start = from;
    List<Long> blocks = pending.stream().filter(b -> b + size <= closedBefore).sorted().toList();
    // blocks before the level's start are never read: unmarked without building them
    List<Long> before = blocks.stream().filter(b -> b < start).toList();
    Map<Long, List<Long>> byHour = new java.util.TreeMap<>();
    blocks.stream().filter(b -> b >= start).forEach(b ->
        byHour.computeIfAbsent(Granularity.HOUR.bucketOfSecond(b), h -> new ArrayList<>()).add(b));
    marks.take(projectId, pendingAttribute(g), TENS_IN_PROGRESS, byHour.values().stream().flatMap(List::stream).toList());
    // the open block: its hour's running sums up to the last minute that ended 90 s ago, when its
    // block is the one after the last finished (the minutes late since are taken first, so one
    // written to after this marks them again)
    long openTo = Granularity.MINUTE.bucketOfSecond(nowSecond - OPEN_BLOCK_SETTLE_SECONDS);
    long openBlock = g.bucketOfSecond(openTo);
    long openHour = Granularity.HOUR.bucketOfSecond(openBlock);
    boolean open = openTo > openBlock && openBlock == closedBefore && openBlock >= start;
    List<Long> late = PendingHours.numbers(item, LATE_MINUTES).stream().filter(m -> m < openTo).toList();
    marks.take(projectId, LATE_MINUTES, LATE_IN_PROGRESS, late);
    long oldOpenTo = PendingHours.number(item.get(OPEN_BLOCK_TO));
    if (oldOpenTo > 0 && byHour.containsKey(Granularity.HOUR.bucketOfSecond(oldOpenTo - 1))
        && !(open && Granularity.HOUR.bucketOfSecond(oldOpenTo - 1) == openHour)) {
      // sums inside a block of an hour built again now: stale once its blocks are unmarked
      marks.setAndUnmark(projectId, OPEN_BLOCK_TO, null, LATE_IN_PROGRESS, List.of());
    }
    if (open) {
      byHour.putIfAbsent(openHour, new ArrayList<>());
    }
    // oldest hour first, unmarked a day of hours at a time: a run stopped by its time limit (the
    // first after an upgrade builds every hour kept) leaves what it built, and the next goes on
    List<Long> built = new ArrayList<>();
    boolean settled = false;
    for (Map.Entry<Long, List<Long>> e : byHour.entrySet()) {
      boolean withOpen = open && e.getKey() == openHour;
      long fromBlock = e.getValue().isEmpty() ? openBlock : e.getValue().get(0);
      boolean openWritten = buildRunning(projectId, e.getKey(), fromBlock, Math.min(e.getKey() + hour, closedBefore),
          withOpen ? openTo : 0);
      if (withOpen) {
        // before the hour's blocks are unmarked: readers take the new sums inside the open block, or none
        marks.setAndUnmark(projectId, OPEN_BLOCK_TO, openWritten ? openTo : null, LATE_IN_PROGRESS, late);
        settled = true;
      }
      built.addAll(e.getValue());
      if (built.size() >= 144) {
        marks.unmark(projectId, TENS_IN_PROGRESS, built);
        built.clear();
      }
    }
    if (!settled && (oldOpenTo > 0 || !late.isEmpty())) {
      marks.setAndUnmark(projectId, OPEN_BLOCK_TO, null, LATE_IN_PROGRESS, late);
    }
    marks.unmark(projectId, TENS_IN_PROGRESS, built);
    marks.unmark(projectId, pendingAttribute(g), before);
    if (closedBefore > level.builtBeforeSecond()) {
      marks.advance(projectId, builtAttribute(g), closedBefore);
    }
  }

  /**
   * Rewrites an hour's running sums at the end of each block from {@code fromBlock} to
   * {@code toSecond} that has cells: the sums up to {@code fromBlock} (its latest items), plus each
   * block's minute cells in turn, per family and dimension (strongly consistent reads: ingest may
   * just have written). A family and dimension with no cell in a block gets no item at its end:
   * readers take the latest item before it. The traces family's sums are summed from its minutes
   * of the hour so far (one partition holds every filter key, where its sums keep one per key).
   * With {@code openTo} past {@code toSecond}, the block still open too, up to {@code openTo}: its
   * items are written only when its minutes come to more than {@link #OPEN_BLOCK_FROM_BYTES}.
   *
   * @return whether the open block's items were written
   */
  private boolean buildRunning(long projectId, long hourStart, long fromBlock, long toSecond, long openTo) {
    long size = Granularity.TEN_MINUTES.seconds();
    long expires = hourStart + Granularity.HOUR.seconds() + retention.toSeconds();
    long end = Math.max(toSecond, openTo);
    Map<String, RollupCell> services = prefixSums(runningItems(projectId, RollupFamily.SERVICES, "", hourStart,
        fromBlock, true));
    Map<String, RollupCell> edges = prefixSums(runningItems(projectId, RollupFamily.EDGES, "", hourStart, fromBlock, true));
    Map<String, Map<String, RollupCell>> operations = new HashMap<>();
    java.util.function.Function<String, Map<String, RollupCell>> operationsOf = service -> operations.computeIfAbsent(
        service, s -> prefixSums(runningItems(projectId, RollupFamily.OPERATIONS, s, hourStart, fromBlock, true)));
    Map<String, Map<String, RollupCell>> traces = new HashMap<>();
    Map<RollupKey, RollupCell> traceMinutes = read(projectId, RollupFamily.TRACES, Granularity.MINUTE, "", hourStart,
        end, true);
    traceMinutes.forEach((key, cell) -> {
      if (key.bucketSecond() < fromBlock) {
        traces.computeIfAbsent(key.name(), k -> new java.util.TreeMap<>()).computeIfAbsent("", n -> new RollupCell())
            .merge(cell);
      }
    });
    // the minute cells from the first block on, read once per family (and service) and split by
    // block here: a query per block would make six times the calls of a whole hour
    Map<RollupKey, RollupCell> serviceMinutes = read(projectId, RollupFamily.SERVICES, Granularity.MINUTE, "", fromBlock, end,
        true);
    Map<RollupKey, RollupCell> edgeMinutes = read(projectId, RollupFamily.EDGES, Granularity.MINUTE, "", fromBlock, end, true);
    Map<String, Map<RollupKey, RollupCell>> operationMinutes = operationMinutes(projectId, serviceMinutes, fromBlock, end);
    List<Write> writes = new ArrayList<>();
    boolean openWritten = false;
    for (long b = fromBlock; b < end; b += size) {
      long block = b;
      long boundary = Math.min(b + size, end);
      boolean open = boundary < b + size;
      List<Write> blockWrites = open ? new ArrayList<>() : writes;
      String kind = open ? OPEN_BLOCK_METER_KIND : TEN_MINUTES_METER_KIND;
      Map<RollupKey, RollupCell> serviceCells = inRange(serviceMinutes, b, boundary);
      Map<RollupKey, RollupCell> edgeCells = inRange(edgeMinutes, b, boundary);
      Map<String, RollupCell> blockServices = sumByName(serviceCells);
      // what reading the open block's minutes would cost (the finished blocks' items are always written)
      long bytes = open ? estimatedBytes(serviceCells.values()) + estimatedBytes(edgeCells.values()) : 0;
      addRunning(services, blockServices, runningPartition(projectId, RollupFamily.SERVICES, "", hourStart), boundary,
          expires, kind, blockWrites);
      addRunning(edges, sumByName(edgeCells), runningPartition(projectId, RollupFamily.EDGES, "", hourStart), boundary,
          expires, kind, blockWrites);
      // a service's operations are written with its spans: the services of the block name them all
      for (String service : blockServices.keySet()) {
        Map<RollupKey, RollupCell> operationCells = inRange(operationMinutes.getOrDefault(service, Map.of()), b, boundary);
        bytes += open ? estimatedBytes(operationCells.values()) : 0;
        addRunning(operationsOf.apply(service), sumByName(operationCells),
            runningPartition(projectId, RollupFamily.OPERATIONS, service, hourStart), boundary, expires, kind, blockWrites);
      }
      Map<String, RollupCell> blockTraces = new java.util.TreeMap<>();
      List<RollupCell> blockTraceCells = new ArrayList<>();
      traceMinutes.forEach((key, cell) -> {
        if (key.bucketSecond() >= block && key.bucketSecond() < boundary) {
          blockTraces.computeIfAbsent(key.name(), n -> new RollupCell()).merge(cell);
          blockTraceCells.add(cell);
        }
      });
      bytes += open ? estimatedBytes(blockTraceCells) : 0;
      blockTraces.forEach((filterKey, cell) -> addRunning(traces.computeIfAbsent(filterKey, k -> new java.util.TreeMap<>()),
          Map.of("", cell), runningPartition(projectId, RollupFamily.TRACES, filterKey, hourStart), boundary, expires,
          kind, blockWrites));
      if (open && bytes > OPEN_BLOCK_FROM_BYTES && !blockWrites.isEmpty()) {
        writes.addAll(blockWrites);
        openWritten = true;
      }
    }
    writeItems(writes, true);
    return openWritten;
  }

  /**
   * The operations' minute cells in {@code [fromSecond, toSecond)} of every service these service
   * cells name (a service's operations are written with its spans), by service: every query at once.
   */
  private Map<String, Map<RollupKey, RollupCell>> operationMinutes(long projectId, Map<RollupKey, RollupCell> serviceMinutes,
                                                                    long fromSecond, long toSecond) {
    List<String> services = serviceMinutes.keySet().stream().map(RollupKey::name).distinct().sorted().toList();
    List<java.util.function.Supplier<List<Map<String, AttributeValue>>>> queries = new ArrayList<>();
    int[] first = new int[services.size() + 1];
    for (int i = 0; i < services.size(); i++) {
      first[i] = queries.size();
      queries.addAll(queries(projectId, RollupFamily.OPERATIONS, Granularity.MINUTE, services.get(i), fromSecond, toSecond,
          true, false));
    }
    first[services.size()] = queries.size();
    List<List<Map<String, AttributeValue>>> results = runAll(queries);
    Map<String, Map<RollupKey, RollupCell>> out = new HashMap<>();
    for (int i = 0; i < services.size(); i++) {
      out.put(services.get(i), cells(RollupFamily.OPERATIONS, Granularity.MINUTE, services.get(i), fromSecond, toSecond,
          results.subList(first[i], first[i + 1])));
    }
    return out;
  }

  /** The cells whose bucket starts in {@code [fromSecond, toSecond)}. */
  private static Map<RollupKey, RollupCell> inRange(Map<RollupKey, RollupCell> cells, long fromSecond, long toSecond) {
    Map<RollupKey, RollupCell> out = new LinkedHashMap<>();
    cells.forEach((k, v) -> {
      if (k.bucketSecond() >= fromSecond && k.bucketSecond() < toSecond) {
        out.put(k, v);
      }
    });
    return out;
  }

  /**
   * About how many bytes minute cells take as stored: key and counts, and each histogram bucket
   * one number attribute (what reading them costs, where running sums are read instead).
   */
  private static long estimatedBytes(java.util.Collection<RollupCell> cells) {
    long bytes = 0;
    for (RollupCell cell : cells) {
      bytes += 64 + 7L * (buckets(cell.durations()) + buckets(cell.errorDurations()));
    }
    return bytes;
  }

  private static int buckets(DurationHistogram h) {
    int n = 0;
    for (int b = 0; b <= h.maxBucket(); b++) {
      n += h.count(b) != 0 ? 1 : 0;
    }
    return n;
  }

  /**
   * Adds a block's sums to the running ones (an hour's, or a prefix block's) and, when the block has
   * any, queues the write of the running sums at its end (a copy: the running sums go on changing).
   */
  private void addRunning(Map<String, RollupCell> running, Map<String, RollupCell> block, String pk, long boundary,
                          long expires, String meterKind, List<Write> writes) {
    if (block.isEmpty()) {
      return;
    }
    block.forEach((name, cell) -> running.computeIfAbsent(name, n -> new RollupCell()).merge(cell));
    List<byte[]> entries = new ArrayList<>();
    new java.util.TreeMap<>(running).forEach((name, cell) -> entries.add(prefixEntry(name, cell)));
    writes.addAll(packedItems(pk, boundary, entries, expires, meterKind));
  }

  /**
   * Builds the prefix sums from where they were built to (the first time: from the oldest hour
   * that may hold cells) and rebuilds them from each hour compacted again now or left in
   * {@code dp} by an earlier run, block by block, oldest first, recording after each block how far
   * they are built and unmarking its hours: a run stopped by its time limit (the first builds the
   * whole retention) leaves what it built, and the next goes on.
   */
  private void buildPrefixes(long projectId, Compaction state, List<Long> hours, long closedBefore) {
    long hour = Granularity.HOUR.seconds();
    long block = RollupStore.PREFIX_BLOCK_SECONDS;
    long builtTo = state.prefixBuiltBefore() > 0 ? state.prefixBuiltBefore()
        : state.compactedBeforeSecond() > 0 ? Math.floorDiv(closedBefore - retention.toSeconds(), hour) * hour
        : hours.isEmpty() ? closedBefore : hours.get(0);
    Map<Long, Long> rebuildFrom = new java.util.TreeMap<>();
    for (long b = Math.floorDiv(builtTo, block) * block; b < closedBefore; b += block) {
      rebuildFrom.put(b, Math.max(b, builtTo));
    }
    java.util.Set<Long> again = new java.util.TreeSet<>(hours);
    again.addAll(state.prefixPending());
    for (long h : again) {
      rebuildFrom.merge(Math.floorDiv(h, block) * block, h, Math::min);
    }
    rebuildFrom.forEach((blockStart, from) -> {
      long blockEnd = Math.min(blockStart + block, closedBefore);
      rebuildPrefixes(projectId, blockStart, Math.floorDiv(from, hour) * hour, blockEnd);
      marks.unmark(projectId, PREFIX_PENDING, again.stream().filter(h -> h >= blockStart && h < blockStart + block).toList());
      if (blockEnd > state.prefixBuiltBefore()) {
        marks.advance(projectId, PREFIX_BUILT, blockEnd);
      }
    });
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
    List<Write> writes = new ArrayList<>();
    services.forEach((name, cell) -> writes.add(cellWrite(projectId, new RollupKey(RollupFamily.SERVICES, g, bucketSecond, "", name),
        cell)));
    Map<String, RollupCell> edges = sumByName(read(projectId, RollupFamily.EDGES, finer, "", bucketSecond, end, true));
    edges.forEach((name, cell) -> writes.add(cellWrite(projectId, new RollupKey(RollupFamily.EDGES, g, bucketSecond, "", name),
        cell)));
    // a service's operations are written with its spans: the services of the bucket name them all
    Map<String, Map<String, RollupCell>> operations = new LinkedHashMap<>();
    for (String service : services.keySet()) {
      Map<String, RollupCell> ops = sumByName(read(projectId, RollupFamily.OPERATIONS, finer, service, bucketSecond, end, true));
      operations.put(service, ops);
      ops.forEach((name, cell) ->
          writes.add(cellWrite(projectId, new RollupKey(RollupFamily.OPERATIONS, g, bucketSecond, service, name), cell)));
    }
    Map<String, RollupCell> traces = sumByName(read(projectId, RollupFamily.TRACES, Granularity.MINUTE, "", bucketSecond,
        end, true));
    traces.forEach((filterKey, cell) ->
        writes.add(cellWrite(projectId, new RollupKey(RollupFamily.TRACES, g, bucketSecond, filterKey, ""), cell)));
    if (g.aboveHour()) {
      // a series point that is exactly this bucket reads its digest instead of its histograms
      writes.addAll(digestItems(projectId, g, bucketSecond, RollupFamily.SERVICES, "", services));
      operations.forEach((service, ops) -> writes.addAll(digestItems(projectId, g, bucketSecond, RollupFamily.OPERATIONS,
          service, ops)));
      traces.forEach((filterKey, cell) -> writes.addAll(digestItems(projectId, g, bucketSecond, RollupFamily.TRACES,
          filterKey, Map.of("", cell))));
    }
    writeItems(writes, true);
  }

  private static Map<String, RollupCell> sumByName(Map<RollupKey, RollupCell> cells) {
    Map<String, RollupCell> sums = new LinkedHashMap<>();
    cells.forEach((k, v) -> sums.computeIfAbsent(k.name(), n -> new RollupCell()).merge(v));
    return sums;
  }

  /** A compacted cell, written whole: counts as numbers, each histogram as one binary attribute (a third the size). */
  private Write cellWrite(long projectId, RollupKey key, RollupCell cell) {
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
    return new Write(item, false, METER_KIND);
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
