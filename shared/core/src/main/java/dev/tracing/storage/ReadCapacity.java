package dev.tracing.storage;

/**
 * The read capacity one request consumes, as the store reports it (DynamoDB's
 * {@code ConsumedCapacity}), so each query answer can say what it cost ({@code X-Read-Units}).
 */
public interface ReadCapacity {

  /** Counts what the store reads from now until the tally is closed. */
  interface Tally extends AutoCloseable {
    /** The read units counted so far. */
    double units();

    @Override
    void close();
  }

  /**
   * Starts counting the reads made by the calling thread and by the tasks it hands to the store's
   * worker pool. Tallies nest: an inner tally's reads count in the outer one too.
   */
  Tally start();

  /** For stores that report no capacity: every tally stays at zero. */
  ReadCapacity NONE = () -> new Tally() {
    @Override
    public double units() {
      return 0;
    }

    @Override
    public void close() {
    }
  };

  /** Read units as the {@code X-Read-Units} header shows them: at most two decimals. */
  static String format(double units) {
    return java.math.BigDecimal.valueOf(Math.round(units * 100) / 100.0).stripTrailingZeros().toPlainString();
  }
}
