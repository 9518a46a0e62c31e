package dev.tracing.benchmarks.capacity;

/**
 * Dollar figures from capacity units and stored bytes, at the prices stated here (AWS public
 * on-demand prices, US East (N. Virginia), as of November 2026; DynamoDB's since the November
 * 2024 price cut). Change them here and the report follows.
 */
public final class CostModel {
  /** DynamoDB on-demand: per million write request units. */
  public static final double WRU_PER_MILLION = 0.625;
  /** DynamoDB on-demand: per million read request units. */
  public static final double RRU_PER_MILLION = 0.125;
  /** DynamoDB Standard table class storage, per GB-month. */
  public static final double STORAGE_GB_MONTH = 0.25;
  /** AWS X-Ray: per million traces recorded (kept 30 days at no extra charge). */
  public static final double XRAY_RECORDED_PER_MILLION_TRACES = 5.00;
  /** AWS X-Ray: per million traces retrieved or scanned. */
  public static final double XRAY_RETRIEVED_PER_MILLION_TRACES = 0.50;
  static final double GB = 1024.0 * 1024 * 1024;

  private CostModel() {
  }

  /**
   * Dollars per million spans ingested and kept 30 days: writes, the reads ingest itself makes
   * (summary reads), and one month of storage for each span's bytes (TTL deletes are free).
   */
  public static double dollarsPerMillionSpans(double writeUnitsPerSpan, double readUnitsPerSpan, double storedBytesPerSpan) {
    return writeUnitsPerSpan * WRU_PER_MILLION + readUnitsPerSpan * RRU_PER_MILLION
        + storedBytesPerSpan * 1_000_000 / GB * STORAGE_GB_MONTH;
  }

  public static double writeDollarsPerMillionSpans(double writeUnitsPerSpan) {
    return writeUnitsPerSpan * WRU_PER_MILLION;
  }

  public static double storageDollarsPerMillionSpans(double storedBytesPerSpan) {
    return storedBytesPerSpan * 1_000_000 / GB * STORAGE_GB_MONTH;
  }

  public static String prices() {
    return String.format(java.util.Locale.ROOT, "DynamoDB on-demand us-east-1: $%.3f per million write request units, $%.3f per million"
        + " read request units, $%.2f per GB-month (Standard); AWS X-Ray: $%.2f per million traces recorded (30 days kept),"
        + " $%.2f per million retrieved or scanned", WRU_PER_MILLION, RRU_PER_MILLION, STORAGE_GB_MONTH,
        XRAY_RECORDED_PER_MILLION_TRACES, XRAY_RETRIEVED_PER_MILLION_TRACES);
  }
}
