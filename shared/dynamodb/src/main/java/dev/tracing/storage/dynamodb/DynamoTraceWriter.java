package dev.tracing.storage.dynamodb;

import dev.tracing.rollup.RollupBatch;
import dev.tracing.storage.RollupStore;
import dev.tracing.storage.StoreUnavailableException;
import dev.tracing.storage.TraceWriter;
import dev.tracing.trace.ServiceEdges;
import dev.tracing.trace.SpanFacts;
import dev.tracing.trace.TraceChunk;
import dev.tracing.trace.TraceSummary;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Future;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.ConditionalCheckFailedException;
import software.amazon.awssdk.services.dynamodb.model.GetItemResponse;
import software.amazon.awssdk.services.dynamodb.model.PutItemRequest;
import software.amazon.awssdk.services.dynamodb.model.PutItemResponse;
import software.amazon.awssdk.services.dynamodb.model.ReturnConsumedCapacity;

/**
 * Writes span packs (a request's spans, all its traces, in one item), then folds them into their trace summaries: in {@link #write} itself, or,
 * when summaries come from the table's stream, in {@link #fold} called by the summaries function
 * with the chunks of many requests.
 *
 * <p>Order is what makes it safe: packs first (plain puts under deterministic keys, so a retry
 * overwrites with identical content), summaries second (read, merge, conditional put on the
 * version read). The summaries of a request's traces are read in one consistent
 * {@code BatchGetItem}; a trace whose put then loses a race is read again on its own. A crash between the two leaves stored spans that the client's retry will count;
 * a summary never counts a span that is not stored.
 *
 * <p>Rollups last: the spans a summary update newly counted, the calls between services it newly
 * completed ({@link ServiceEdges}, kept on the summary item) and the change of the trace's own
 * contribution are gathered for the whole request and added to the rollup cells once each. A
 * retry finds every span counted already and adds nothing. A crash or store failure between a
 * summary write and the rollup additions leaves those spans out of the rollups (never counted
 * twice); such a failure is logged and does not fail the request, whose spans are stored.
 */
public final class DynamoTraceWriter implements TraceWriter {
  private static final int MAX_SUMMARY_ATTEMPTS = 12;
  private static final java.util.logging.Logger LOG = java.util.logging.Logger.getLogger(DynamoTraceWriter.class.getName());

  private final DynamoDbClient client;
  private final String table;
  private final Duration retention;
  private final ExecutorService summaryPool;
  private final CapacityMeter meter;
  private final RollupStore rollups;
  private final DynamoTermBlocks termBlocks;
  private final boolean foldAtIngest;

  /**
   * @param summaryPool runs the summary updates of one request's traces in parallel; {@code null}
   *     runs them on the calling thread
   */
  public DynamoTraceWriter(DynamoDbClient client, String table, Duration retention, ExecutorService summaryPool,
                           CapacityMeter meter) {
    this(client, table, retention, summaryPool, meter,
        new DynamoRollupStore(client, table, java.time.Clock.systemUTC(), retention, summaryPool, meter),
        new DynamoTermBlocks(client, table, java.time.Clock.systemUTC(), retention, Duration.ZERO, meter));
  }

  public DynamoTraceWriter(DynamoDbClient client, String table, Duration retention, ExecutorService summaryPool,
                           CapacityMeter meter, RollupStore rollups, DynamoTermBlocks termBlocks) {
    this(client, table, retention, summaryPool, meter, rollups, termBlocks, true);
  }

  /**
   * @param foldAtIngest true: {@link #write} folds the chunks into their summaries before it
   *     returns; false: it only stores them, and {@link #fold} is called later with the chunks the
   *     table's stream of changes delivers (see docs/storage.md, "Summaries from the stream")
   */
  public DynamoTraceWriter(DynamoDbClient client, String table, Duration retention, ExecutorService summaryPool,
                           CapacityMeter meter, RollupStore rollups, DynamoTermBlocks termBlocks, boolean foldAtIngest) {
    this.foldAtIngest = foldAtIngest;
    this.termBlocks = termBlocks;
    this.client = client;
    this.table = table;
    this.retention = retention;
    this.summaryPool = summaryPool;
    this.meter = meter;
    this.rollups = rollups;
  }

  @Override
  public void write(long projectId, List<TraceChunk> chunks) {
    if (chunks.isEmpty()) {
      return;
    }
    Map<String, List<TraceChunk>> packs = new LinkedHashMap<>();
    for (TraceChunk chunk : chunks) {
      packs.computeIfAbsent(chunk.key(), k -> new ArrayList<>()).add(chunk);
    }
    List<Map<String, AttributeValue>> items = new ArrayList<>();
    for (List<TraceChunk> pieces : packs.values()) {
      items.add(ChunkItems.toItem(projectId, pieces, retention.toSeconds()));
    }
    batchPut(items);
    if (foldAtIngest) {
      fold(projectId, chunks);
    }
  }

  /**
   * Folds stored chunks into their traces' summaries, then the rollups and the term-block marks:
   * the second half of {@link #write}, called by it or, when summaries come from the stream, with
   * the chunks of many requests at once (a trace's fragments then cost one summary write).
   * Idempotent like {@link #write}: chunks folded before count nothing twice, so a redelivered
   * stream batch changes nothing.
   *
   * @param chunks stored chunks of this project, in any order; a trace may have several
   */
  public void fold(long projectId, List<TraceChunk> chunks) {
    if (chunks.isEmpty()) {
      return;
    }
    Map<String, List<TraceChunk>> piecesByTrace = new LinkedHashMap<>();
    for (TraceChunk chunk : chunks) {
      piecesByTrace.computeIfAbsent(chunk.traceId(), k -> new ArrayList<>()).add(chunk);
    }
    RollupBatch rollupChanges = new RollupBatch();
    java.util.Set<Long> indexSlices = java.util.concurrent.ConcurrentHashMap.newKeySet();
    updateSummaries(projectId, piecesByTrace, rollupChanges, indexSlices);
    // after the summaries (a failure here fails the call; its retry marks the same hours again)
    termBlocks.mark(projectId, indexSlices);
    if (!rollupChanges.isEmpty()) {
      try {
        rollups.add(projectId, rollupChanges.cells());
      } catch (StoreUnavailableException | IllegalStateException e) {
        LOG.log(java.util.logging.Level.WARNING, "rollups of project " + projectId + " not updated: " + e.getMessage());
      }
    }
  }

  /**
   * A span-pack item as the table's stream shows it (its new image): its project, key and stored
   * payload, which {@code TraceBatcher.storedPack} turns back into the pieces to fold.
   */
  public record StreamedPack(long projectId, String key, byte[] payload) {
  }

  /**
   * The pack an item image holds, or null when the image is not a span pack (another kind of item,
   * or one without its payload).
   */
  public static StreamedPack streamedPack(Map<String, AttributeValue> image) {
    return ChunkItems.fromImage(image);
  }

  /** The partition key all of a project's span packs share (their sort key: the pack's key). */
  public static String packPartition(long projectId) {
    return ChunkItems.packPk(projectId);
  }

  long expiry(long startNano) {
    return Math.floorDiv(startNano, 1_000_000_000L) + retention.toSeconds();
  }

  private void batchPut(List<Map<String, AttributeValue>> items) {
    Batches.putAll(client, table, items, "span packs", meter::addWrites);
  }


  private void updateSummaries(long projectId, Map<String, List<TraceChunk>> piecesByTrace, RollupBatch rollupChanges,
                               java.util.Set<Long> indexSlices) {
    Map<String, Map<String, AttributeValue>> current = piecesByTrace.size() == 1 ? null
        : readSummaries(projectId, piecesByTrace.keySet());
    if (summaryPool == null || piecesByTrace.size() == 1) {
      piecesByTrace.forEach((traceId, pieces) -> updateSummary(projectId, traceId, pieces, current, rollupChanges, indexSlices));
      return;
    }
    List<Future<?>> futures = new ArrayList<>();
    piecesByTrace.forEach((traceId, pieces) ->
        futures.add(summaryPool.submit(() -> updateSummary(projectId, traceId, pieces, current, rollupChanges, indexSlices))));
    RuntimeException failure = null;
    for (Future<?> f : futures) {
      try {
        f.get();
      } catch (ExecutionException e) {
        if (failure == null) {
          failure = e.getCause() instanceof RuntimeException re ? re
              : new StoreUnavailableException("trace summary update failed", e.getCause());
        }
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new StoreUnavailableException("interrupted while updating trace summaries", e);
      }
    }
    if (failure != null) {
      throw failure;
    }
  }

  private static Map<String, AttributeValue> summaryKey(long projectId, String traceId) {
    return Map.of(
        TableSchema.PK, SummaryItems.str(SummaryItems.tracePk(projectId, traceId)),
        TableSchema.SK, SummaryItems.str(SummaryItems.SUMMARY_SK));
  }

  /**
   * The stored summaries of these traces, read consistently.
   *
   * @return by trace id; a trace without a summary has no entry
   */
  private Map<String, Map<String, AttributeValue>> readSummaries(long projectId, java.util.Collection<String> traceIds) {
    Map<String, Map<String, AttributeValue>> found = new java.util.HashMap<>();
    List<Map<String, AttributeValue>> keys = new ArrayList<>();
    for (String traceId : traceIds) {
      keys.add(summaryKey(projectId, traceId));
    }
    Batches.getAll(client, table, keys, true, null, null, meter, "trace summaries", item -> {
      String pk = item.get(TableSchema.PK).s();
      found.put(pk.substring(pk.lastIndexOf('#') + 1), item);
    });
    return found;
  }

  /**
   * Read, merge, conditional put on the version read; retried when another writer got there first.
   *
   * @param prefetched the summaries read for the whole request ({@link #readSummaries}), used for
   *     the first attempt; {@code null}: read this trace's summary now
   * @param rollupChanges receives, once the summary is written, what this update adds to the rollups
   * @param indexSlices receives the ten-minute slice of the trace's list index row as written (or as found, when
   *     every span was counted already), for the term blocks
   */
  void updateSummary(long projectId, String traceId, List<TraceChunk> pieces,
                     Map<String, Map<String, AttributeValue>> prefetched, RollupBatch rollupChanges,
                     java.util.Set<Long> indexSlices) {
    Map<String, AttributeValue> key = summaryKey(projectId, traceId);
    for (int attempt = 1; attempt <= MAX_SUMMARY_ATTEMPTS; attempt++) {
      Map<String, AttributeValue> stored;
      if (attempt == 1 && prefetched != null) {
        stored = prefetched.get(traceId);
      } else {
        GetItemResponse current = DynamoErrors.call("a trace summary read", () -> client.getItem(b -> b
            .tableName(table).key(key).consistentRead(true).returnConsumedCapacity(ReturnConsumedCapacity.TOTAL)));
        meter.addRead(current.consumedCapacity());
        stored = current.hasItem() && !current.item().isEmpty() ? current.item() : null;
      }
      boolean exists = stored != null;
      TraceSummary summary = exists ? SummaryItems.fromItem(traceId, stored) : new TraceSummary(traceId);
      long version = exists ? SummaryItems.version(stored) : 0;
      RollupBatch.TraceContribution before = exists ? contribution(summary) : null;
      long[] storedIds = exists ? summary.trackedSpanIds() : new long[0];
      List<SpanFacts> fresh = newSpans(summary, pieces);
      int added = 0;
      for (TraceChunk piece : pieces) {
        added += summary.merge(piece.key(), piece.facts());
      }
      if (added == 0 && exists) {
        indexSlices.add(DynamoTermBlocks.sliceOf(summary.timestampNano()));
        return; // every span already counted: a retry
      }
      ServiceEdges edges = exists ? SummaryItems.edges(stored, storedIds) : new ServiceEdges();
      List<ServiceEdges.Edge> calls = edges.add(fresh);
      Map<String, AttributeValue> item = SummaryItems.toItem(projectId, summary, version + 1, expiry(summary.earliestStartNano()));
      item.put(SummaryItems.EDGES, SummaryItems.bin(edges.encode(summary.trackedSpanIds())));
      PutItemRequest.Builder put = PutItemRequest.builder()
          .tableName(table)
          .item(item)
          .returnConsumedCapacity(ReturnConsumedCapacity.TOTAL);
      if (exists) {
        put.conditionExpression("#v = :v")
            .expressionAttributeNames(Map.of("#v", SummaryItems.VERSION))
            .expressionAttributeValues(Map.of(":v", SummaryItems.num(version)));
      } else {
        put.conditionExpression("attribute_not_exists(#pk)").expressionAttributeNames(Map.of("#pk", TableSchema.PK));
      }
      try {
        PutItemResponse response = DynamoErrors.call("a trace summary write", () -> client.putItem(put.build()));
        meter.addWrite(response.consumedCapacity());
        indexSlices.add(DynamoTermBlocks.sliceOf(summary.timestampNano()));
        for (SpanFacts f : fresh) {
          rollupChanges.addSpan(f.service(), f.name(), f.startNano(), f.durationNano(), f.isError());
        }
        for (ServiceEdges.Edge call : calls) {
          rollupChanges.addEdge(call.parent(), call.child(), call.childStartNano(), call.durationNano(), call.error());
        }
        RollupBatch.TraceContribution after = contribution(summary);
        if (!after.equals(before)) {
          rollupChanges.replaceTrace(before, after);
        }
        return;
      } catch (ConditionalCheckFailedException raced) {
        Batches.backoff(attempt);
      }
    }
    throw new StoreUnavailableException("trace " + traceId + " is being updated by too many writers at once; retry");
  }

  /** What a trace adds to the traces rollups as its summary stands. */
  private static RollupBatch.TraceContribution contribution(TraceSummary s) {
    return new RollupBatch.TraceContribution(s.timestampNano(), s.durationNano(), s.errorCount() > 0,
        List.copyOf(s.names().services()));
  }

  /**
   * The spans of these pieces the summary has not counted yet, each once. Beyond the summary's
   * tracked span ids a trace is de-duplicated per chunk, and so is this.
   */
  private static List<SpanFacts> newSpans(TraceSummary summary, List<TraceChunk> pieces) {
    List<SpanFacts> fresh = new ArrayList<>();
    java.util.Set<Long> seen = new java.util.HashSet<>();
    boolean full = summary.spanCount() >= TraceSummary.MAX_TRACKED_SPANS;
    for (TraceChunk piece : pieces) {
      if (full && summary.countsChunk(piece.key())) {
        continue;
      }
      for (SpanFacts f : piece.facts()) {
        if (!summary.containsSpan(f.spanId()) && seen.add(f.spanId())) {
          fresh.add(f);
        }
      }
    }
    return fresh;
  }
}
