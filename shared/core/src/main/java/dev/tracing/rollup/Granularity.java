package dev.tracing.rollup;

/** The bucket lengths rollups are kept at: minutes for short windows, hours for long ones. */
public enum Granularity {
  MINUTE(60, "m"),
  HOUR(3600, "h");

  private final long seconds;
  private final String code;

  Granularity(long seconds, String code) {
    this.seconds = seconds;
    this.code = code;
  }

  public long seconds() {
    return seconds;
  }

  /** The short code used in storage keys. */
  public String code() {
    return code;
  }

  /** The start (epoch seconds) of the bucket holding an instant. */
  public long bucketOf(long epochNano) {
    return Math.floorDiv(Math.floorDiv(epochNano, 1_000_000_000L), seconds) * seconds;
  }
}
