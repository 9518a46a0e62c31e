package dev.tracing.benchmarks.capacity;

import dev.tracing.benchmarks.capacity.CapacityCalculator.IndexSpec;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.DoubleAdder;
import java.util.concurrent.atomic.LongAdder;
import software.amazon.awssdk.core.SdkRequest;
import software.amazon.awssdk.core.SdkResponse;
import software.amazon.awssdk.core.interceptor.Context;
import software.amazon.awssdk.core.interceptor.ExecutionAttributes;
import software.amazon.awssdk.core.interceptor.ExecutionInterceptor;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.BatchGetItemRequest;
import software.amazon.awssdk.services.dynamodb.model.BatchGetItemResponse;
import software.amazon.awssdk.services.dynamodb.model.BatchWriteItemRequest;
import software.amazon.awssdk.services.dynamodb.model.BatchWriteItemResponse;
import software.amazon.awssdk.services.dynamodb.model.ConditionalCheckFailedException;
import software.amazon.awssdk.services.dynamodb.model.ConsumedCapacity;
import software.amazon.awssdk.services.dynamodb.model.PutItemResponse;
import software.amazon.awssdk.services.dynamodb.model.UpdateItemResponse;
import software.amazon.awssdk.services.dynamodb.model.DeleteItemRequest;
import software.amazon.awssdk.services.dynamodb.model.GetItemRequest;
import software.amazon.awssdk.services.dynamodb.model.GetItemResponse;
import software.amazon.awssdk.services.dynamodb.model.PutItemRequest;
import software.amazon.awssdk.services.dynamodb.model.QueryRequest;
import software.amazon.awssdk.services.dynamodb.model.QueryResponse;
import software.amazon.awssdk.services.dynamodb.model.UpdateItemRequest;
import software.amazon.awssdk.services.dynamodb.model.WriteRequest;

/**
 * Computes the capacity units of every DynamoDB call a client makes, with
 * {@link CapacityCalculator}'s rules, independently of what the server reports. Registered as an
 * SDK {@link ExecutionInterceptor}, it sees the modelled requests and responses, and keeps the
 * size of every item written (and of its index entry) so that replacing writes are charged on
 * the larger of old and new, and index key changes as two index writes.
 *
 * <p>Calls that fail on their condition are charged too ({@link #onExecutionFailure}): DynamoDB
 * bills a {@code PutItem}, {@code UpdateItem} or {@code DeleteItem} whose condition evaluates to
 * false as a write (Developer Guide, "DynamoDB read and write operations", conditional writes, and
 * "Condition expressions": a failed conditional write still consumes write capacity, sized on the
 * larger of the existing item and the item the request would have written, at least 1 unit).
 * Nothing is written, so no index entry is charged and the stored sizes stay as they were.
 *
 * <p>Approximations, stated where figures are reported: an {@code UpdateItem} is charged on the
 * larger of the item's known size and its key plus the expression values (its result is not
 * evaluated); a {@code BatchGetItem} with a projection is charged on the projected size.
 */
public final class CapacityAccountant implements ExecutionInterceptor {
  private final String table;
  private final List<String> tableKeys;
  private final List<IndexSpec> indexes;
  // key -> {item size, then per index: entry size or -1, entry key hash}
  private final Map<String, long[]> sizes = new ConcurrentHashMap<>();
  private final LongAdder tableWriteUnits = new LongAdder();
  private final LongAdder indexWriteUnits = new LongAdder();
  private final DoubleAdder readUnits = new DoubleAdder();
  private final LongAdder writeCalls = new LongAdder();
  private final LongAdder itemsWritten = new LongAdder();
  // cross-check: what the server reported, and what the rules give for the same calls (table only)
  private final DoubleAdder reportedWrite = new DoubleAdder();
  private final DoubleAdder computedWriteOnReported = new DoubleAdder();
  private final DoubleAdder reportedRead = new DoubleAdder();
  private final DoubleAdder computedReadOnReported = new DoubleAdder();
  private final LongAdder failedWriteUnits = new LongAdder();
  private final LongAdder failedWrites = new LongAdder();
  private final Map<String, long[]> byKind = new java.util.TreeMap<>(); // kind -> {writes, bytes, write units}
  private final Map<String, long[]> summaryAttributes = new java.util.TreeMap<>(); // attribute -> {count, bytes}

  public CapacityAccountant(String table, List<String> tableKeys, IndexSpec... indexes) {
    this.table = table;
    this.tableKeys = List.copyOf(tableKeys);
    this.indexes = List.of(indexes);
  }

  /** Kinds of write, by the item written (its key), as {@link #writeUnitsByKind()} names them. */
  public static final String CHUNKS = "chunks";
  public static final String SUMMARIES = "summaries";
  public static final String INDEX = "index entries";
  /** Entries of the second index (the duration index), apart from the list index's. */
  public static final String SECOND_INDEX = "duration index entries";
  public static final String COUNTER = "limiter counter";
  public static final String CATALOG = "service catalog";
  public static final String FAILED = "failed conditional writes";
  public static final String ROLLUPS = "rollups";
  /** Term blocks (the attribute search's bloom filters, written by the compactor) and their state item. */
  public static final String TERM_BLOCKS = "term blocks";
  public static final String OTHER = "other items";
  public static final List<String> KINDS = List.of(CHUNKS, SUMMARIES, INDEX, SECOND_INDEX, COUNTER, CATALOG, ROLLUPS, TERM_BLOCKS,
      FAILED, OTHER);
  /** Index entries whose key changed (delete + put: two index writes), counted in {@link #writesByKind()} only. */
  public static final String INDEX_KEY_MOVES = "index entries moved";

  /**
   * Units counted since the last reset.
   *
   * @param tableWriteUnits successful writes to table items
   * @param indexWriteUnits index entries those writes made, changed or removed
   * @param failedWriteUnits writes refused on their condition (billed all the same)
   * @param failedWrites how many writes were refused on their condition
   */
  public record Units(long tableWriteUnits, long indexWriteUnits, long failedWriteUnits, long failedWrites, double readUnits,
                      long writeCalls, long itemsWritten, double reportedWrite, double computedWriteOnReported, double reportedRead,
                      double computedReadOnReported) {
    public long writeUnits() {
      return tableWriteUnits + indexWriteUnits + failedWriteUnits;
    }
  }

  /** Storage of everything written so far: item and index bytes, with DynamoDB's per-item overhead. */
  public record Storage(long items, long itemBytes, long indexEntries, long indexBytes) {
    public long billedBytes() {
      return itemBytes + indexBytes + (items + indexEntries) * CapacityCalculator.STORAGE_OVERHEAD_BYTES;
    }
  }

  /**
   * Charges only {@code share} of {@code units} write units already counted under {@code kind}:
   * for items written once per period whatever the traffic (the compactor's hourly rollup cells),
   * when a run's traffic fills only part of the period.
   */
  public void amortize(String kind, long units, double share) {
    long waived = Math.round(units * (1 - share));
    synchronized (byKind) {
      long[] v = byKind.get(kind);
      if (v == null || v[2] < waived) {
        throw new IllegalArgumentException(waived + " write units of " + kind + " to waive, " + (v == null ? 0 : v[2]) + " counted");
      }
      v[2] -= waived;
    }
    tableWriteUnits.add(-waived);
  }

  public Units units() {
    return new Units(tableWriteUnits.sum(), indexWriteUnits.sum(), failedWriteUnits.sum(), failedWrites.sum(), readUnits.sum(),
        writeCalls.sum(), itemsWritten.sum(),
        reportedWrite.sum(), computedWriteOnReported.sum(), reportedRead.sum(), computedReadOnReported.sum());
  }

  public void reset() {
    tableWriteUnits.reset();
    indexWriteUnits.reset();
    failedWriteUnits.reset();
    failedWrites.reset();
    readUnits.reset();
    writeCalls.reset();
    itemsWritten.reset();
    reportedWrite.reset();
    computedWriteOnReported.reset();
    reportedRead.reset();
    computedReadOnReported.reset();
    synchronized (byKind) {
      byKind.clear();
      summaryAttributes.clear();
      rollupLevels.clear();
    }
  }

  /** Mean bytes (name + value) of each attribute of the summary items written since the last reset. */
  public Map<String, Double> summaryAttributeBytes() {
    Map<String, Double> out = new java.util.LinkedHashMap<>();
    synchronized (byKind) {
      summaryAttributes.entrySet().stream().sorted((a, b) -> Long.compare(b.getValue()[1], a.getValue()[1]))
          .forEach(e -> out.put(e.getKey(), (double) e.getValue()[1] / Math.max(1, byKind.getOrDefault(SUMMARIES,
              new long[] {1})[0])));
    }
    return out;
  }

  /** Writes since the last reset by kind of item ({@code sk} prefix): count, mean bytes, mean write units. */
  public Map<String, double[]> writesByKind() {
    Map<String, double[]> out = new java.util.TreeMap<>();
    synchronized (byKind) {
      byKind.forEach((k, v) -> out.put(k, new double[] {v[0], (double) v[1] / v[0], (double) v[2] / v[0]}));
    }
    return out;
  }

  /** Write units since the last reset by kind ({@link #KINDS}); kinds not written are absent. */
  public Map<String, Long> writeUnitsByKind() {
    Map<String, Long> out = new java.util.LinkedHashMap<>();
    synchronized (byKind) {
      for (String k : KINDS) {
        long[] v = byKind.get(k);
        if (v != null) {
          out.put(k, v[2]);
        }
      }
    }
    return out;
  }

  /**
   * Write units of rollup items by level since the last reset: {@code m}, {@code h}, {@code t},
   * {@code d} (the cells' granularity in their key) and {@code state} (the compaction state item).
   * The compactor writes the coarser cells once per bucket whatever the traffic.
   */
  public Map<String, Long> rollupWriteUnitsByLevel() {
    synchronized (byKind) {
      return new java.util.TreeMap<>(rollupLevels);
    }
  }

  private final Map<String, Long> rollupLevels = new java.util.HashMap<>();

  private void tallyRollupLevel(String kind, Map<String, AttributeValue> key, long units) {
    if (!ROLLUPS.equals(kind)) {
      return;
    }
    AttributeValue pk = key.get(tableKeys.get(0));
    String[] parts = pk == null || pk.s() == null ? new String[0] : pk.s().split("#", -1);
    String level = parts.length > 4 ? parts[3] : "state";
    synchronized (byKind) {
      rollupLevels.merge(level, units, Long::sum);
    }
  }

  private void tally(String kind, long bytes, long units) {
    synchronized (byKind) {
      long[] t = byKind.computeIfAbsent(kind, k -> new long[3]);
      t[0]++;
      t[1] += bytes;
      t[2] += units;
    }
  }

  /**
   * The kind of an item, from its key as the product lays items out (docs/storage.md): span packs
   * under {@code F#} partitions, trace summaries ({@code #S}) under {@code T#} partitions, ingest
   * counters under {@code Q#}, service and operation names under {@code S#} and {@code O#}, rollup
   * cells under {@code R#}, term blocks under {@code B#} (their state item: {@code R#<project>#C}, {@code #T}).
   */
  private String kind(Map<String, AttributeValue> key) {
    AttributeValue pk = key.get(tableKeys.get(0));
    AttributeValue sk = tableKeys.size() > 1 ? key.get(tableKeys.get(1)) : null;
    String p = pk == null || pk.s() == null ? "" : pk.s();
    String s = sk == null || sk.s() == null ? "" : sk.s();
    if (p.startsWith("Q#")) {
      return COUNTER;
    }
    if (p.startsWith("S#") || p.startsWith("O#")) {
      return CATALOG;
    }
    if (p.startsWith("B#") || p.startsWith("R#") && p.endsWith("#C") && s.equals("#T")) {
      return TERM_BLOCKS;
    }
    if (p.startsWith("R#")) {
      return ROLLUPS;
    }
    if (p.startsWith("F#")) {
      return CHUNKS;
    }
    if (s.startsWith("#S")) {
      return SUMMARIES;
    }
    return OTHER;
  }

  /** Forgets the stored items too (for a fresh table). */
  public void clear() {
    reset();
    sizes.clear();
  }

  public Storage storage() {
    long items = 0;
    long bytes = 0;
    long entries = 0;
    long entryBytes = 0;
    for (long[] s : sizes.values()) {
      items++;
      bytes += s[0];
      for (int i = 1; i < s.length; i += 2) {
        if (s[i] >= 0) {
          entries++;
          entryBytes += s[i];
        }
      }
    }
    return new Storage(items, bytes, entries, entryBytes);
  }

  @Override
  public void afterExecution(Context.AfterExecution context, ExecutionAttributes attributes) {
    account(context.request(), context.response());
  }

  @Override
  public void onExecutionFailure(Context.FailedExecution context, ExecutionAttributes attributes) {
    if (context.exception() instanceof ConditionalCheckFailedException) {
      accountFailed(context.request());
    }
  }

  /**
   * Charges one write refused on its condition: the larger of the stored item (as last written
   * through this accountant) and the item the request would have written, at least 1 unit; no
   * index entry, nothing stored.
   */
  public synchronized void accountFailed(SdkRequest request) {
    Map<String, AttributeValue> key;
    long wouldWrite;
    if (request instanceof PutItemRequest put && table.equals(put.tableName())) {
      key = put.item();
      wouldWrite = CapacityCalculator.itemSize(put.item());
    } else if (request instanceof UpdateItemRequest update && table.equals(update.tableName())) {
      key = update.key();
      wouldWrite = updateSize(update);
    } else if (request instanceof DeleteItemRequest del && table.equals(del.tableName())) {
      key = del.key();
      wouldWrite = 0;
    } else {
      return;
    }
    writeCalls.increment();
    long[] stored = sizes.get(key(key));
    long size = Math.max(wouldWrite, stored == null ? 0 : stored[0]);
    long units = CapacityCalculator.writeUnits(size);
    failedWriteUnits.add(units);
    failedWrites.increment();
    tally(FAILED, size, units);
    tally(FAILED + ": " + kind(key), size, units);
  }

  /** Attributes of items changed by updates, by item key: name -> bytes of name and value. */
  private final Map<Object, Map<String, Long>> updatedAttributes = new java.util.HashMap<>();
  private static final java.util.regex.Pattern ASSIGNMENT = java.util.regex.Pattern.compile("(#\\w+)\\s*=?\\s*(:\\w+)");

  /**
   * An update's resulting size: the item's key plus every attribute updates have set or added to
   * (an {@code ADD} to a new attribute grows the item; DynamoDB charges the larger of the sizes
   * before and after). Attributes come from the update expression's {@code #name :value} pairs.
   */
  private long updateSize(UpdateItemRequest update) {
    Map<String, Long> attributes = updatedAttributes.computeIfAbsent(key(update.key()), k -> new java.util.HashMap<>());
    Map<String, String> names = update.expressionAttributeNames() == null ? Map.of() : update.expressionAttributeNames();
    Map<String, AttributeValue> values = update.expressionAttributeValues() == null ? Map.of()
        : update.expressionAttributeValues();
    java.util.regex.Matcher m = ASSIGNMENT.matcher(update.updateExpression() == null ? "" : update.updateExpression());
    while (m.find()) {
      String name = names.getOrDefault(m.group(1), m.group(1));
      AttributeValue v = values.get(m.group(2));
      if (v != null) {
        attributes.merge(name, (long) name.getBytes(java.nio.charset.StandardCharsets.UTF_8).length
            + CapacityCalculator.valueSize(v), Math::max);
      }
    }
    long size = CapacityCalculator.itemSize(update.key());
    for (long a : attributes.values()) {
      size += a;
    }
    return size;
  }

  /** Charges one successful call (public so the rules can be tested without a server). */
  public synchronized void account(SdkRequest request, SdkResponse response) {
    long tableBefore = tableWriteUnits.sum();
    double readBefore = readUnits.sum();
    charge(request, response);
    Double reported = reported(response);
    if (reported != null) {
      boolean write = !(response instanceof GetItemResponse || response instanceof QueryResponse
          || response instanceof BatchGetItemResponse);
      if (write) {
        reportedWrite.add(reported);
        computedWriteOnReported.add(tableWriteUnits.sum() - tableBefore);
      } else {
        reportedRead.add(reported);
        computedReadOnReported.add(readUnits.sum() - readBefore);
      }
    }
  }

  private static Double reported(SdkResponse response) {
    List<ConsumedCapacity> list = null;
    ConsumedCapacity one = null;
    if (response instanceof PutItemResponse r) {
      one = r.consumedCapacity();
    } else if (response instanceof BatchWriteItemResponse r && r.hasConsumedCapacity()) {
      list = r.consumedCapacity();
    } else if (response instanceof UpdateItemResponse r) {
      one = r.consumedCapacity();
    } else if (response instanceof GetItemResponse r) {
      one = r.consumedCapacity();
    } else if (response instanceof QueryResponse r) {
      one = r.consumedCapacity();
    } else if (response instanceof BatchGetItemResponse r && r.hasConsumedCapacity()) {
      list = r.consumedCapacity();
    }
    if (one != null) {
      list = List.of(one);
    }
    if (list == null || list.isEmpty()) {
      return null;
    }
    double sum = 0;
    for (ConsumedCapacity c : list) {
      sum += c.capacityUnits() == null ? 0 : c.capacityUnits();
    }
    return sum;
  }

  private void charge(SdkRequest request, SdkResponse response) {
    if (request instanceof PutItemRequest put && table.equals(put.tableName())) {
      writeCalls.increment();
      put(put.item());
    } else if (request instanceof BatchWriteItemRequest batch) {
      writeCalls.increment();
      Set<String> unprocessed = new HashSet<>();
      if (response instanceof BatchWriteItemResponse r && r.hasUnprocessedItems()) {
        for (WriteRequest w : r.unprocessedItems().getOrDefault(table, List.of())) {
          if (w.putRequest() != null) {
            unprocessed.add(key(w.putRequest().item()));
          } else if (w.deleteRequest() != null) {
            unprocessed.add(key(w.deleteRequest().key()));
          }
        }
      }
      for (WriteRequest w : batch.requestItems().getOrDefault(table, List.of())) {
        if (w.putRequest() != null && !unprocessed.contains(key(w.putRequest().item()))) {
          put(w.putRequest().item());
        } else if (w.deleteRequest() != null && !unprocessed.contains(key(w.deleteRequest().key()))) {
          delete(w.deleteRequest().key());
        }
      }
    } else if (request instanceof DeleteItemRequest del && table.equals(del.tableName())) {
      writeCalls.increment();
      delete(del.key());
    } else if (request instanceof UpdateItemRequest update && table.equals(update.tableName())) {
      writeCalls.increment();
      itemsWritten.increment();
      long approx = updateSize(update);
      long[] old = sizes.get(key(update.key()));
      long size = Math.max(approx, old == null ? 0 : old[0]);
      long[] now = old == null ? noEntries() : old.clone();
      now[0] = size;
      sizes.put(key(update.key()), now);
      tableWriteUnits.add(CapacityCalculator.writeUnits(size));
      String kind = kind(update.key());
      tally(kind, size, CapacityCalculator.writeUnits(size));
      tallyRollupLevel(kind, update.key(), CapacityCalculator.writeUnits(size));
    } else if (request instanceof GetItemRequest get && response instanceof GetItemResponse r) {
      long size = r.hasItem() ? CapacityCalculator.itemSize(r.item()) : 0;
      readUnits.add(CapacityCalculator.readUnits(size, Boolean.TRUE.equals(get.consistentRead())));
    } else if (request instanceof QueryRequest query && response instanceof QueryResponse r) {
      long size = 0;
      for (Map<String, AttributeValue> item : r.items()) {
        // a query is charged on the items it reads; for the base table, on whole items
        long[] known = query.indexName() == null ? sizes.get(key(item)) : null;
        size += known != null ? known[0] : CapacityCalculator.itemSize(item);
      }
      readUnits.add(CapacityCalculator.readUnits(size, Boolean.TRUE.equals(query.consistentRead())));
    } else if (response instanceof BatchGetItemResponse r) {
      // each key is charged as a GetItem of its own: a missing item still costs the minimum
      List<Map<String, AttributeValue>> found = r.responses().getOrDefault(table, List.of());
      boolean consistent = false;
      int requested = found.size();
      if (request instanceof BatchGetItemRequest get && get.requestItems().containsKey(table)) {
        consistent = Boolean.TRUE.equals(get.requestItems().get(table).consistentRead());
        int unprocessed = r.hasUnprocessedKeys() && r.unprocessedKeys().containsKey(table)
            ? r.unprocessedKeys().get(table).keys().size() : 0;
        requested = get.requestItems().get(table).keys().size() - unprocessed;
      }
      for (Map<String, AttributeValue> item : found) {
        long[] known = sizes.get(key(item));
        readUnits.add(CapacityCalculator.readUnits(known != null ? known[0] : CapacityCalculator.itemSize(item), consistent));
      }
      for (int missing = found.size(); missing < requested; missing++) {
        readUnits.add(CapacityCalculator.readUnits(0, consistent));
      }
    }
  }

  private long[] noEntries() {
    long[] sized = new long[1 + 2 * indexes.size()];
    for (int i = 1; i < sized.length; i += 2) {
      sized[i] = -1;
    }
    return sized;
  }

  private static String indexKind(int i) {
    return i == 0 ? INDEX : SECOND_INDEX;
  }

  private void put(Map<String, AttributeValue> item) {
    itemsWritten.increment();
    String key = key(item);
    long size = CapacityCalculator.itemSize(item);
    long[] now = noEntries();
    now[0] = size;
    for (int i = 0; i < indexes.size(); i++) {
      IndexSpec index = indexes.get(i);
      Map<String, AttributeValue> entry = CapacityCalculator.indexEntry(item, index, tableKeys);
      if (entry != null) {
        now[1 + 2 * i] = CapacityCalculator.itemSize(entry);
        now[2 + 2 * i] = (String.valueOf(item.get(index.hashKey())) + '\u0000'
            + (index.rangeKey() == null ? "" : String.valueOf(item.get(index.rangeKey())))).hashCode();
      }
    }
    long[] old = sizes.put(key, now);
    long units = CapacityCalculator.writeUnits(Math.max(size, old == null ? 0 : old[0]));
    tableWriteUnits.add(units);
    String kind = kind(item);
    tally(kind, size, units);
    tallyRollupLevel(kind, item, units);
    if (kind.equals(SUMMARIES)) {
      synchronized (byKind) {
        item.forEach((name, value) -> {
          long[] t = summaryAttributes.computeIfAbsent(name, k -> new long[2]);
          t[0]++;
          t[1] += name.length() + CapacityCalculator.valueSize(value);
        });
      }
    }
    for (int i = 0; i < indexes.size(); i++) {
      long entrySize = now[1 + 2 * i];
      long oldSize = old == null ? -1 : old[1 + 2 * i];
      long indexUnits = 0;
      if (entrySize >= 0 && oldSize >= 0) {
        if (old[2 + 2 * i] != now[2 + 2 * i]) {
          indexUnits = CapacityCalculator.writeUnits(oldSize) + CapacityCalculator.writeUnits(entrySize);
          if (i == 0) {
            tally(INDEX_KEY_MOVES, 0, 0); // counted only: its units are in INDEX
          }
        } else {
          // charged even when nothing projected changed: an upper bound, DynamoDB may charge less
          indexUnits = CapacityCalculator.writeUnits(Math.max(oldSize, entrySize));
        }
      } else if (entrySize >= 0) {
        indexUnits = CapacityCalculator.writeUnits(entrySize);
      } else if (oldSize >= 0) {
        indexUnits = CapacityCalculator.writeUnits(oldSize);
      }
      if (indexUnits > 0) {
        indexWriteUnits.add(indexUnits);
        tally(indexKind(i), Math.max(entrySize, 0), indexUnits);
      }
    }
  }

  private void delete(Map<String, AttributeValue> key) {
    long[] old = sizes.remove(key(key));
    long units = CapacityCalculator.writeUnits(old == null ? 0 : old[0]);
    tableWriteUnits.add(units);
    tally(kind(key), 0, units);
    for (int i = 0; old != null && i < indexes.size(); i++) {
      if (old[1 + 2 * i] >= 0) {
        long indexUnits = CapacityCalculator.writeUnits(old[1 + 2 * i]);
        indexWriteUnits.add(indexUnits);
        tally(indexKind(i), 0, indexUnits);
      }
    }
  }

  private String key(Map<String, AttributeValue> item) {
    StringBuilder sb = new StringBuilder();
    for (String k : tableKeys) {
      AttributeValue v = item.get(k);
      sb.append(v == null ? "" : v.s() != null ? v.s() : v.n() != null ? v.n() : String.valueOf(v)).append('\u0000');
    }
    return sb.toString();
  }
}
