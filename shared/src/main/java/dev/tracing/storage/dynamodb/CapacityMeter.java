package dev.tracing.storage.dynamodb;

import java.util.concurrent.atomic.DoubleAdder;
import java.util.concurrent.atomic.LongAdder;
import software.amazon.awssdk.services.dynamodb.model.ConsumedCapacity;

/**
 * Adds up the capacity units DynamoDB reports ({@code ReturnConsumedCapacity}) so benchmarks and
 * operators can see what a span costs to write and a page costs to read.
 */
public final class CapacityMeter {
  private final DoubleAdder writeUnits = new DoubleAdder();
  private final DoubleAdder readUnits = new DoubleAdder();
  private final LongAdder traceReads = new LongAdder();

  void addWrite(ConsumedCapacity c) {
    if (c != null && c.capacityUnits() != null) {
      writeUnits.add(c.capacityUnits());
    }
  }

  void addWrites(java.util.List<ConsumedCapacity> list) {
    if (list != null) {
      list.forEach(this::addWrite);
    }
  }

  void addRead(ConsumedCapacity c) {
    if (c != null && c.capacityUnits() != null) {
      readUnits.add(c.capacityUnits());
    }
  }

  void countTraceRead() {
    traceReads.increment();
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
    readUnits.reset();
    traceReads.reset();
  }
}
