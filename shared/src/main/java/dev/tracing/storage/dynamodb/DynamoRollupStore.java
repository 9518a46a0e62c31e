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
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.QueryRequest;
import software.amazon.awssdk.services.dynamodb.model.QueryResponse;
import software.amazon.awssdk.services.dynamodb.model.ReturnConsumedCapacity;
import software.amazon.awssdk.services.dynamodb.model.UpdateItemResponse;

/**
 * Rollup cells as items of the one table, changed only by {@code UpdateItem ADD} (atomic, like the
 * ingest counter). Layout:
 * <pre>
 * pk  R#{project}#{family}#{granularity}#{dimension}#{period}   period: UTC day (minutes) or 16-day block (hours)
 * sk  {bucket start, 10 digits}#{name}
 * c   count            e   errors          exp  TTL: bucket end + retention
 * h{bucket, base 36}   durations histogram (see {@link DurationHistogram})
 * x{bucket, base 36}   failed traces' durations (traces family only)
 * </pre>
 * One partition holds a period's cells in time order, so a window's cells are a few queries.
 */
public final class DynamoRollupStore implements RollupStore {
  static final String COUNT = "c";
  static final String ERRORS = "e";
  static final char DURATIONS = 'h';
  static final char ERROR_DURATIONS = 'x';
  /** Histogram buckets per update: keeps each update expression well below DynamoDB's 4 KB. */
  private static final int MAX_BUCKETS_PER_UPDATE = 120;
  private static final long DAY = 86_400;
  private static final long HOUR_PARTITION_DAYS = 16;

  private final DynamoDbClient client;
  private final String table;
  private final Clock clock;
  private final Duration retention;
  private final ExecutorService pool;
  private final CapacityMeter meter;

  /** @param pool runs a request's updates and a window's queries in parallel; {@code null}: one after another */
  public DynamoRollupStore(DynamoDbClient client, String table, Clock clock, Duration retention, ExecutorService pool,
                           CapacityMeter meter) {
    this.client = client;
    this.table = table;
    this.clock = clock;
    this.retention = retention;
    this.pool = pool;
    this.meter = meter;
  }

  static String partition(long projectId, RollupFamily family, Granularity g, String dimension, long bucketSecond) {
    long day = Math.floorDiv(bucketSecond, DAY);
    long period = g == Granularity.MINUTE ? day : Math.floorDiv(day, HOUR_PARTITION_DAYS);
    return "R#" + projectId + "#" + family.code() + "#" + g.code() + "#" + dimension + "#" + period;
  }

  static String sortKey(long bucketSecond, String name) {
    return String.format("%010d#%s", bucketSecond, name);
  }

  @Override
  public void add(long projectId, Map<RollupKey, RollupCell> cells) {
    List<Runnable> updates = new ArrayList<>();
    cells.forEach((key, cell) -> {
      for (Map<String, Long> part : additions(key, cell)) {
        updates.add(() -> update(projectId, key, part));
      }
    });
    run(updates);
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
    Map<String, AttributeValue> itemKey = Map.of(
        TableSchema.PK, AttributeValue.fromS(partition(projectId, key.family(), key.granularity(), key.dimension(),
            key.bucketSecond())),
        TableSchema.SK, AttributeValue.fromS(sortKey(key.bucketSecond(), key.name())));
    UpdateItemResponse response = DynamoErrors.call("a rollup update", () -> client.updateItem(b -> b
        .tableName(table)
        .key(itemKey)
        .updateExpression(expression.toString())
        .expressionAttributeNames(names)
        .expressionAttributeValues(values)
        .returnConsumedCapacity(ReturnConsumedCapacity.TOTAL)));
    meter.addWrite(response.consumedCapacity());
  }

  @Override
  public Map<RollupKey, RollupCell> read(long projectId, RollupFamily family, Granularity g, String dimension,
                                         long fromSecond, long toSecond) {
    Map<RollupKey, RollupCell> cells = new LinkedHashMap<>();
    if (fromSecond >= toSecond) {
      return cells;
    }
    long first = Math.floorDiv(fromSecond, g.seconds()) * g.seconds();
    long last = Math.floorDiv(toSecond - 1, g.seconds()) * g.seconds();
    // one query per partition the window touches
    List<String> partitions = new ArrayList<>();
    long step = g == Granularity.MINUTE ? DAY : DAY * HOUR_PARTITION_DAYS;
    for (long p = Math.floorDiv(first, step) * step; p <= last; p += step) {
      partitions.add(partition(projectId, family, g, dimension, Math.max(p, first)));
    }
    List<java.util.function.Supplier<List<Map<String, AttributeValue>>>> queries = new ArrayList<>();
    String lo = String.format("%010d", first);
    String hi = String.format("%010d", last) + "#\uffff";
    for (String pk : partitions) {
      queries.add(() -> query(pk, lo, hi));
    }
    long now = clock.instant().getEpochSecond();
    for (List<Map<String, AttributeValue>> items : runAll(queries)) {
      for (Map<String, AttributeValue> item : items) {
        if (DynamoTraceReader.expired(item, now)) {
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

  private List<Map<String, AttributeValue>> query(String pk, String lo, String hi) {
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
          .returnConsumedCapacity(ReturnConsumedCapacity.TOTAL)
          .build();
      QueryResponse page = DynamoErrors.call("a rollup read", () -> client.query(request));
      meter.addRead(page.consumedCapacity());
      items.addAll(page.items());
      exclusiveStart = page.hasLastEvaluatedKey() && !page.lastEvaluatedKey().isEmpty() ? page.lastEvaluatedKey() : null;
    } while (exclusiveStart != null);
    return items;
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
