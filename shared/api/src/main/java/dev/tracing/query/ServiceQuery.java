package dev.tracing.query;

import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * A parsed service metrics or service map query: the list's time parameters, and for metrics an
 * optional {@code service_name} and {@code interval} (seconds).
 *
 * @param service {@code null}: every service; else the operations of this one
 * @param stepSeconds the series' interval, a whole number of minutes
 */
public record ServiceQuery(long startNano, long endNano, String service, long stepSeconds) {
  /** Interval lengths offered by default: the smallest giving at most {@link #DEFAULT_POINTS} points. */
  private static final long[] DEFAULT_STEPS = {60, 300, 900, 3600, 10800, 21600, 43200, 86400};
  static final int DEFAULT_POINTS = 60;
  static final int MAX_POINTS = 1_000;
  private static final Set<String> TIME = Set.of("period", "start_time", "end_time");

  public static ServiceQuery parseMetrics(Map<String, List<String>> params, Instant now) {
    return parse(params, now, true);
  }

  public static ServiceQuery parseMap(Map<String, List<String>> params, Instant now) {
    return parse(params, now, false);
  }

  private static ServiceQuery parse(Map<String, List<String>> params, Instant now, boolean metrics) {
    Map<String, List<String>> time = new HashMap<>();
    for (Map.Entry<String, List<String>> p : params.entrySet()) {
      String name = p.getKey();
      if (TIME.contains(name)) {
        time.put(name, p.getValue());
      } else if (!metrics || !(name.equals("service_name") || name.equals("interval"))) {
        throw new InvalidParameterException(TraceQueryParser.abbreviate(name), "unknown parameter '" + TraceQueryParser.abbreviate(name) + "'; accepted: "
            + "period, start_time, end_time" + (metrics ? ", service_name, interval" : ""));
      }
      if (p.getValue().size() > 1) {
        throw new InvalidParameterException(TraceQueryParser.abbreviate(name), TraceQueryParser.abbreviate(name) + " may be given only once");
      }
    }
    TraceQuery window = TraceQueryParser.parseAnalytics(time, 0, now);
    String service = TraceQueryParser.one(params, "service_name");
    if (service != null && service.isEmpty()) {
      throw new InvalidParameterException("service_name", "service_name must not be empty");
    }
    long seconds = Math.max(1, Math.floorDiv(window.endNano() - window.startNano() + 999_999_999L, 1_000_000_000L));
    String interval = TraceQueryParser.one(params, "interval");
    long step;
    if (interval == null) {
      step = DEFAULT_STEPS[DEFAULT_STEPS.length - 1];
      for (long s : DEFAULT_STEPS) {
        if (seconds / s <= DEFAULT_POINTS) {
          step = s;
          break;
        }
      }
    } else {
      try {
        step = Long.parseLong(interval.trim());
      } catch (NumberFormatException e) {
        throw new InvalidParameterException("interval", "interval must be a whole number of seconds, got '"
            + TraceQueryParser.abbreviate(interval) + "'");
      }
      if (step < 60 || step % 60 != 0 || step > 86_400) {
        throw new InvalidParameterException("interval", "interval must be a whole number of minutes in seconds, from 60 to"
            + " 86400 (60, 300, 3600, ...), got " + step);
      }
      if (seconds / step > MAX_POINTS) {
        throw new InvalidParameterException("interval", "interval " + step + " gives " + seconds / step
            + " points over this time range; at most " + MAX_POINTS + ": choose a longer interval");
      }
    }
    return new ServiceQuery(window.startNano(), window.endNano(), service, step);
  }
}
