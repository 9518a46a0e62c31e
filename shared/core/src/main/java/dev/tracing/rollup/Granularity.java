package dev.tracing.rollup;

/**
 * The bucket lengths rollups are kept at. Ingest adds to minute cells; the compactor sums them
 * into ten-minute cells once a ten-minute block is over (so the hour still open, and the part
 * hours at a window's ends, read a few cells instead of up to 59 minutes), and into hourly cells
 * once an hour is over, hourly cells into three-hour cells and those into daily cells once those
 * are over. A view reads the coarsest cells that fit its intervals, so a 7-day window of one
 * interval reads about 30 cells per name (days, and the blocks, hours, ten-minute blocks and
 * minutes around them), not 10,080 minutes.
 */
public enum Granularity {
  MINUTE(60, "m"),
  TEN_MINUTES(600, "x"),
  HOUR(3600, "h"),
  THREE_HOURS(10_800, "t"),
  DAY(86_400, "d");

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
    return bucketOfSecond(Math.floorDiv(epochNano, 1_000_000_000L));
  }

  /** The start (epoch seconds) of the bucket holding an epoch second. */
  public long bucketOfSecond(long epochSecond) {
    return Math.floorDiv(epochSecond, seconds) * seconds;
  }

  /**
   * The level this one is summed from: {@code null} for minutes, which ingest writes; minutes for
   * ten-minute blocks and for hours (an hour does not wait for, or depend on, its ten-minute cells).
   */
  public Granularity finer() {
    return switch (this) {
      case MINUTE -> null;
      case TEN_MINUTES, HOUR -> MINUTE;
      default -> values()[ordinal() - 1];
    };
  }

  /** Levels the compactor builds from finished cells of the level below, beyond the hours: three hours, days. */
  public boolean aboveHour() {
    return seconds > HOUR.seconds;
  }
}
