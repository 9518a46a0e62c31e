package dev.tracing.benchmarks.capacity;

import dev.tracing.ingest.SummaryFolder;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;
import software.amazon.awssdk.core.interceptor.Context;
import software.amazon.awssdk.core.interceptor.ExecutionAttributes;
import software.amazon.awssdk.core.interceptor.ExecutionInterceptor;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.BatchWriteItemRequest;
import software.amazon.awssdk.services.dynamodb.model.PutItemRequest;
import software.amazon.awssdk.services.dynamodb.model.WriteRequest;

/**
 * Plays DynamoDB Streams and its Lambda event source mapping for the storage benchmark (the local
 * DynamoDB has no streams): records every span-pack item ingest writes, with the simulated time
 * of the request that wrote it, then hands them to the real summaries function's fold in the
 * batches the mapping in {@code template.yaml} would form: per shard (a trace's records all in
 * one; {@value #SHARDS} shards, a table of a few partitions), a batch opened by a record and
 * closed {@code WINDOW_SECONDS} later (simulated) or at {@value #BATCH_SIZE} records.
 * Stream reads by Lambda are not billed as read units, so only the fold's own calls are charged.
 */
public final class StreamEmulation implements ExecutionInterceptor {
  public static final int BATCH_SIZE = 1000;
  /** The template's {@code SummaryBatchingWindowSeconds} default; {@code -Dstream.window=S} measures another. */
  public static final int WINDOW_SECONDS = Integer.getInteger("stream.window", 30);
  public static final int SHARDS = 4;
  private static final String PACK_PREFIX = "F#";

  private record Change(long atNano, long seq, int shard, Map<String, AttributeValue> image) {
  }

  private final ThreadLocal<Long> now = ThreadLocal.withInitial(() -> 0L);
  private final AtomicLong seq = new AtomicLong();
  private final List<Change> changes = new ArrayList<>();

  /** The simulated time of the request this thread is about to ingest. */
  public void at(long atNano) {
    now.set(atNano);
  }

  @Override
  public void beforeExecution(Context.BeforeExecution context, ExecutionAttributes attributes) {
    if (context.request() instanceof BatchWriteItemRequest batch) {
      for (List<WriteRequest> writes : batch.requestItems().values()) {
        for (WriteRequest w : writes) {
          if (w.putRequest() != null) {
            record(w.putRequest().item());
          }
        }
      }
    } else if (context.request() instanceof PutItemRequest put) {
      record(put.item());
    }
  }

  private void record(Map<String, AttributeValue> item) {
    AttributeValue pk = item.get("pk");
    if (pk != null && pk.s() != null && pk.s().startsWith(PACK_PREFIX)) {
      int shard = Math.floorMod(item.get("pk").s().hashCode(), SHARDS);
      synchronized (changes) {
        changes.add(new Change(now.get(), seq.getAndIncrement(), shard, item));
      }
    }
  }

  /** The new images recorded so far, in write order, forgotten here (for benchmarks that batch them themselves). */
  public List<Map<String, AttributeValue>> drain() {
    synchronized (changes) {
      List<Map<String, AttributeValue>> images = changes.stream().map(Change::image).toList();
      changes.clear();
      return images;
    }
  }

  /** What the emulated mapping delivered. */
  public record Delivered(long records, long batches, long traceFolds) {
    public double recordsPerBatch() {
      return batches == 0 ? 0 : (double) records / batches;
    }
  }

  /** Delivers every change recorded so far, shard by shard in time order, and forgets them. */
  public Delivered deliver(SummaryFolder folder) {
    List<Change> all;
    synchronized (changes) {
      all = new ArrayList<>(changes);
      changes.clear();
    }
    all.sort(Comparator.comparingLong(Change::atNano).thenComparingLong(Change::seq));
    long window = WINDOW_SECONDS * 1_000_000_000L;
    long batches = 0;
    long traceFolds = 0;
    for (int shard = 0; shard < SHARDS; shard++) {
      List<Map<String, AttributeValue>> batch = new ArrayList<>();
      long opened = 0;
      for (Change c : all) {
        if (c.shard() != shard) {
          continue;
        }
        if (!batch.isEmpty() && (c.atNano() >= opened + window || batch.size() >= BATCH_SIZE)) {
          traceFolds += folder.fold(batch).traces();
          batches++;
          batch = new ArrayList<>();
        }
        if (batch.isEmpty()) {
          opened = c.atNano();
        }
        batch.add(c.image());
      }
      if (!batch.isEmpty()) {
        traceFolds += folder.fold(batch).traces();
        batches++;
      }
    }
    return new Delivered(all.size(), batches, traceFolds);
  }
}
