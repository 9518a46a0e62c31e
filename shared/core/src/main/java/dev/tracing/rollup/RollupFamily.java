package dev.tracing.rollup;

/**
 * What a rollup counts. Each family keeps one cell per bucket and dimension:
 * <ul>
 *   <li>{@link #TRACES}: traces by the start of their head span (the list's timestamp), per
 *       filter key: {@link #ALL_TRACES}, or {@code s:<service>} for traces having a span of that
 *       service; the cell also keeps the error traces' durations apart, so {@code status} filters
 *       are answered too;</li>
 *   <li>{@link #SERVICES}: spans per service (resource {@code service.name}) by span start;</li>
 *   <li>{@link #OPERATIONS}: spans per (service, span name);</li>
 *   <li>{@link #EDGES}: calls from one service to another: child spans whose parent span belongs to
 *       a different service, by the child's start, with the child's duration and status.</li>
 * </ul>
 */
public enum RollupFamily {
  TRACES("T"),
  SERVICES("S"),
  OPERATIONS("O"),
  EDGES("E");

  /** The filter key of the {@link #TRACES} cells that count every trace. */
  public static final String ALL_TRACES = "*";
  /** Between parent and child service in an {@link #EDGES} cell's name. */
  public static final char EDGE_SEPARATOR = '\u001f';

  private final String code;

  RollupFamily(String code) {
    this.code = code;
  }

  public String code() {
    return code;
  }

  /** The {@link #TRACES} filter key of traces that have a span of the service. */
  public static String serviceFilterKey(String service) {
    return "s:" + service;
  }

  public static String edgeName(String parent, String child) {
    return parent + EDGE_SEPARATOR + child;
  }
}
