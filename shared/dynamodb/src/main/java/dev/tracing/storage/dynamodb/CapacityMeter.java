package dev.tracing.storage.dynamodb;

import dev.tracing.storage.ReadCapacity;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.DoubleAdder;
import java.util.concurrent.atomic.LongAdder;
import software.amazon.awssdk.services.dynamodb.model.ConsumedCapacity;

/**
 * Adds up the capacity units DynamoDB reports ({@code ReturnConsumedCapacity}) so benchmarks and
 * operators can see what a span costs to write and a page costs to read; and, per request, what
 * one query read ({@link #start()}), including the reads its tasks make on a pool from
 * {@link #newWorkerPool}.
 */
public final class CapacityMeter implements ReadCapacity {
  private final DoubleAdder writeUnits = new DoubleAdder();
  private final DoubleAdder readUnits = new DoubleAdder();
  private final LongAdder traceReads = new LongAdder();
  private final ThreadLocal<DoubleAdder> requestReads = new ThreadLocal<>();
  private final java.util.concurrent.ConcurrentHashMap<String, DoubleAdder> writeUnitsByKind =
      new java.util.concurrent.ConcurrentHashMap<>();
  private final java.util.concurrent.ConcurrentHashMap<String, DoubleAdder> readUnitsByKind =
      new java.util.concurrent.ConcurrentHashMap<>();

  void addWrite(ConsumedCapacity c) {
    if (c != null && c.capacityUnits() != null) {
      writeUnits.add(c.capacityUnits());
    }
  }

  /** A write counted in the total and under its kind of item (e.g. {@code rollups}). */
  void addWrite(ConsumedCapacity c, String kind) {
    addWrite(c);
    if (c != null && c.capacityUnits() != null) {
      writeUnitsByKind.computeIfAbsent(kind, k -> new DoubleAdder()).add(c.capacityUnits());
    }
  }

  /** The write units counted under one kind of item. */
  public double writeUnits(String kind) {
    DoubleAdder a = writeUnitsByKind.get(kind);
    return a == null ? 0 : a.sum();
  }

  void addWrites(java.util.List<ConsumedCapacity> list) {
    if (list != null) {
      list.forEach(this::addWrite);
    }
  }

  void addRead(ConsumedCapacity c) {
    if (c != null && c.capacityUnits() != null) {
      readUnits.add(c.capacityUnits());
      DoubleAdder request = requestReads.get();
      if (request != null) {
        request.add(c.capacityUnits());
      }
    }
  }

  /** A read counted in the totals and under its kind (e.g. {@code rollups, hourly}). */
  void addRead(ConsumedCapacity c, String kind) {
    addRead(c);
    if (c != null && c.capacityUnits() != null) {
      readUnitsByKind.computeIfAbsent(kind, k -> new DoubleAdder()).add(c.capacityUnits());
    }
  }

  /** The read units counted so far under each kind (reads made without a kind are not in it). */
  public java.util.Map<String, Double> readUnitsByKind() {
    java.util.Map<String, Double> out = new java.util.TreeMap<>();
    readUnitsByKind.forEach((k, v) -> out.put(k, v.sum()));
    return out;
  }

  void countTraceRead() {
    traceReads.increment();
  }

  @Override
  public Tally start() {
    DoubleAdder outer = requestReads.get();
    DoubleAdder tally = new DoubleAdder();
    requestReads.set(tally);
    return new Tally() {
      @Override
      public double units() {
        return tally.sum();
      }

      @Override
      public void close() {
        if (outer != null) {
          outer.add(tally.sum());
        }
        requestReads.set(outer);
      }
    };
  }

  /**
   * A fixed pool of daemon threads whose tasks count their reads in the tally of the thread that
   * submitted them.
   */
  public ExecutorService newWorkerPool(int threads, String name) {
    return new ThreadPoolExecutor(threads, threads, 0, TimeUnit.MILLISECONDS, new LinkedBlockingQueue<>(), r -> {
      Thread t = new Thread(r, name);
      t.setDaemon(true);
      return t;
    }) {
      @Override
      public void execute(Runnable task) {
        DoubleAdder submitter = requestReads.get();
        super.execute(submitter == null ? task : () -> {
          DoubleAdder previous = requestReads.get();
          requestReads.set(submitter);
          try {
            task.run();
          } finally {
            requestReads.set(previous);
          }
        });
      }
    };
  }

  /** Whole traces read (trace detail, or a list page's {@code matched_span_count}). */
  public long traceReads() {
    return traceReads.sum();
  }

  public double writeUnits() {
    return writeUnits.sum();
  }

  public double readUnits() {
    return readUnits.sum();
  }

  public void reset() {
    writeUnits.reset();
    writeUnitsByKind.clear();
    readUnitsByKind.clear();
    readUnits.reset();
    traceReads.reset();
  }
}
