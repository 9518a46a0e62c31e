package dev.tracing.query;

import dev.tracing.model.TraceIds;
import java.time.Duration;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Reads the query parameters of the traces list and analytics into a {@link TraceQuery}, or
 * refuses them with an {@link InvalidParameterException} naming the parameter.
 */
public final class TraceQueryParser {
  /** The longest explicit window: the whole retention (traces are kept 30 days). */
  public static final Duration MAX_WINDOW = Duration.ofDays(30);
  public static final int DEFAULT_PAGE_SIZE = 50;
  public static final int MAX_PAGE_SIZE = 500;
  static final int MAX_VALUES_PER_FILTER = 20;
  static final int MAX_VALUE_LENGTH = 1024;

  private static final Map<String, Duration> PERIODS = Map.of(
      "5m", Duration.ofMinutes(5), "15m", Duration.ofMinutes(15), "30m", Duration.ofMinutes(30), "1h", Duration.ofHours(1),
      "4h", Duration.ofHours(4), "12h", Duration.ofHours(12), "24h", Duration.ofHours(24), "7d", Duration.ofDays(7),
      "30d", Duration.ofDays(30));
  private static final Set<String> FILTERS = Set.of("service_name", "not[service_name]", "operation", "not[operation]", "trace_id",
      "not[trace_id]", "gt[duration_nano]", "lt[duration_nano]", "attr_name", "attr_value", "status", "not[status]");
  private static final Set<String> TIME = Set.of("period", "start_time", "end_time");
  private static final Set<String> PAGING = Set.of("sort", "page_size", "page_token");

  private TraceQueryParser() {
  }

  /**
   * Checks the parameters of a route that takes none ({@code /services},
   * {@code /services/{serviceName}/operations}): like every route, it refuses what it does not know
   * rather than ignoring it.
   *
   * @throws InvalidParameterException naming the first parameter given
   */
  public static void parseNoParams(Map<String, List<String>> params) {
    if (!params.isEmpty()) {
      String name = abbreviate(params.keySet().iterator().next());
      throw new InvalidParameterException(name, "unknown parameter '" + name + "'; this route takes no query parameters");
    }
  }

  /** Parses a traces-list query (time, filters, sort, paging); {@code tokens} checks and reads its page_token. */
  public static TraceQuery parseList(Map<String, List<String>> params, long projectId, Instant now, PageToken tokens) {
    return parse(params, projectId, now, true, tokens);
  }

  /** Parses an analytics query (time and filters only). */
  public static TraceQuery parseAnalytics(Map<String, List<String>> params, long projectId, Instant now) {
    return parse(params, projectId, now, false, null);
  }

  private static TraceQuery parse(Map<String, List<String>> params, long projectId, Instant now, boolean list,
                                  PageToken tokens) {
    for (String name : params.keySet()) {
      if (!FILTERS.contains(name) && !TIME.contains(name) && !(list && PAGING.contains(name))) {
        throw new InvalidParameterException(abbreviate(name), "unknown parameter '" + abbreviate(name) + "'; accepted: period, start_time, end_time, "
            + "service_name, operation, trace_id, gt[duration_nano], lt[duration_nano], attr_name, attr_value, status, "
            + "their not[...] forms" + (list ? ", sort, page_size, page_token" : ""));
      }
    }
    // filters may repeat (combined with AND); the window and the page are said once
    for (String single : List.of("period", "start_time", "end_time", "sort", "page_size", "page_token")) {
      if (params.getOrDefault(single, List.of()).size() > 1) {
        throw new InvalidParameterException(single, single + " may be given only once");
      }
    }
    TraceQuery.Filters filters = filters(params);
    TraceQuery.Sort sort = list ? sort(one(params, "sort")) : TraceQuery.Sort.TIMESTAMP_DESC;
    int pageSize = list ? pageSize(one(params, "page_size")) : 0;
    long[] window = window(params, now);
    String fingerprint = fingerprint(params);
    String token = one(params, "page_token");
    PageToken.Cursor cursor = null;
    if (token != null && !token.isEmpty()) {
      PageToken.Decoded decoded = tokens.decode(token, projectId, fingerprint);
      window = new long[] {decoded.startNano(), decoded.endNano()};
      cursor = decoded.cursor();
    }
    return new TraceQuery(window[0], window[1], filters, sort, pageSize, cursor, fingerprint);
  }

  private static TraceQuery.Filters filters(Map<String, List<String>> params) {
    List<String> names = values(params, "attr_name");
    List<String> attrValues = values(params, "attr_value");
    if (names.size() != attrValues.size()) {
      throw new InvalidParameterException(names.size() > attrValues.size() ? "attr_value" : "attr_name",
          "attr_name and attr_value come in pairs: got " + names.size() + " attr_name and " + attrValues.size() + " attr_value");
    }
    List<TraceQuery.Attribute> attributes = new ArrayList<>();
    for (int i = 0; i < names.size(); i++) {
      if (names.get(i).isEmpty()) {
        throw new InvalidParameterException("attr_name", "attr_name must not be empty");
      }
      attributes.add(new TraceQuery.Attribute(names.get(i), attrValues.get(i)));
    }
    Set<Boolean> failed = new HashSet<>();
    for (String v : values(params, "status")) {
      failed.add(statusValue("status", v));
    }
    for (String v : values(params, "not[status]")) {
      failed.add(!statusValue("not[status]", v));
    }
    // repeated bounds: the tightest holds them all
    Long above = duration(params, "gt[duration_nano]", true);
    Long below = duration(params, "lt[duration_nano]", false);
    List<String> traceIds = traceIds(params, "trace_id");
    List<String> notTraceIds = traceIds(params, "not[trace_id]");
    boolean none = failed.size() > 1 || (above != null && below != null && below - above <= 1)
        || (!traceIds.isEmpty() && notTraceIds.containsAll(traceIds));
    return new TraceQuery.Filters(nonEmpty(params, "service_name"), nonEmpty(params, "not[service_name]"),
        nonEmpty(params, "operation"), nonEmpty(params, "not[operation]"), traceIds, notTraceIds, above, below,
        List.copyOf(attributes), failed.size() == 1 ? failed.iterator().next() : null, none);
  }

  /** Whether a {@code status} value asks for failed traces ({@code error}) or not ({@code ok}), in any letter case. */
  private static boolean statusValue(String name, String v) {
    return switch (v.toLowerCase(Locale.ROOT)) {
      case "error" -> true;
      case "ok" -> false;
      default -> throw new InvalidParameterException(name, name + " must be ok or error, got '" + abbreviate(v) + "'");
    };
  }

  /**
   * A duration bound given any number of times, or {@code null}.
   *
   * @param lower {@code gt}: the largest value holds them all; else {@code lt}: the smallest
   */
  private static Long duration(Map<String, List<String>> params, String name, boolean lower) {
    Long bound = null;
    for (String v : values(params, name)) {
      long d;
      try {
        d = Long.parseLong(v.trim());
        if (d < 0) {
          throw new NumberFormatException();
        }
      } catch (NumberFormatException e) {
        throw new InvalidParameterException(name, name + " must be a whole number of nanoseconds >= 0, got '" + abbreviate(v) + "'");
      }
      bound = bound == null ? d : lower ? Math.max(bound, d) : Math.min(bound, d);
    }
    return bound;
  }

  private static List<String> traceIds(Map<String, List<String>> params, String name) {
    java.util.LinkedHashSet<String> out = new java.util.LinkedHashSet<>();
    for (String v : values(params, name)) {
      String id = TraceIds.normalizeTraceId(v.trim());
      if (id == null) {
        throw new InvalidParameterException(name, name + " must be 32 hexadecimal characters, got '" + abbreviate(v) + "'");
      }
      out.add(id); // the same id twice (or in two cases) is one id
    }
    return List.copyOf(out);
  }

  private static List<String> nonEmpty(Map<String, List<String>> params, String name) {
    List<String> v = values(params, name);
    for (String s : v) {
      if (s.isEmpty()) {
        throw new InvalidParameterException(name, name + " must not be empty");
      }
    }
    return v;
  }

  private static List<String> values(Map<String, List<String>> params, String name) {
    List<String> v = params.getOrDefault(name, List.of());
    if (v.size() > MAX_VALUES_PER_FILTER) {
      throw new InvalidParameterException(name, name + " may be given at most " + MAX_VALUES_PER_FILTER + " times");
    }
    for (String s : v) {
      if (s.length() > MAX_VALUE_LENGTH) {
        throw new InvalidParameterException(name, name + " values may be at most " + MAX_VALUE_LENGTH + " characters");
      }
    }
    return List.copyOf(v);
  }

  private static TraceQuery.Sort sort(String v) {
    if (v == null || v.isEmpty()) {
      return TraceQuery.Sort.TIMESTAMP_DESC;
    }
    for (TraceQuery.Sort s : TraceQuery.Sort.values()) {
      if (s.wireName().equalsIgnoreCase(v)) { // enum values in any letter case, as status
        return s;
      }
    }
    throw new InvalidParameterException("sort",
        "sort must be timestamp_desc, timestamp_asc, duration_desc or duration_asc, got '" + abbreviate(v) + "'");
  }

  private static int pageSize(String v) {
    if (v == null || v.isEmpty()) {
      return DEFAULT_PAGE_SIZE;
    }
    try {
      int n = Integer.parseInt(v.trim());
      if (n < 1 || n > MAX_PAGE_SIZE) {
        throw new NumberFormatException();
      }
      return n;
    } catch (NumberFormatException e) {
      throw new InvalidParameterException("page_size", "page_size must be a whole number from 1 to " + MAX_PAGE_SIZE
          + ", got '" + abbreviate(v) + "'");
    }
  }

  private static long[] window(Map<String, List<String>> params, Instant now) {
    String period = one(params, "period");
    String start = one(params, "start_time");
    String end = one(params, "end_time");
    if (period != null && (start != null || end != null)) {
      throw new InvalidParameterException("period", "give either period or start_time/end_time, not both");
    }
    if (start == null && end == null) {
      Duration d = PERIODS.get(period == null ? "1h" : period);
      if (d == null) {
        throw new InvalidParameterException("period", "period must be one of 5m, 15m, 30m, 1h, 4h, 12h, 24h, 7d, 30d, got '"
            + abbreviate(period) + "'");
      }
      long endNano = nanos(now);
      return new long[] {endNano - d.toNanos(), endNano};
    }
    if (start == null) {
      throw new InvalidParameterException("start_time", "end_time needs start_time too");
    }
    long startNano = time("start_time", start);
    long endNano = end == null ? nanos(now) : time("end_time", end);
    if (startNano >= endNano) {
      throw new InvalidParameterException("start_time", "start_time must be before end_time");
    }
    long span = endNano - startNano; // negative when the difference overflows
    if (span < 0 || span > MAX_WINDOW.toNanos()) {
      throw new InvalidParameterException("start_time", "start_time and end_time may be at most " + MAX_WINDOW.toDays()
          + " days apart (the retention)");
    }
    return new long[] {startNano, endNano};
  }

  /**
   * An RFC 3339 time in nanoseconds. A fraction finer than nanoseconds (RFC 3339 sets no limit) is
   * rounded up, which keeps the window exact for integer timestamps: {@code t >= 5.3} and
   * {@code t < 5.3} hold for the same traces as {@code t >= 6} and {@code t < 6}.
   */
  private static long time(String name, String v) {
    try {
      Matcher fine = SUB_NANOSECOND.matcher(v.trim());
      if (fine.matches()) {
        long t = nanos(OffsetDateTime.parse(fine.group(1) + fine.group(3)).toInstant());
        return fine.group(2).chars().allMatch(c -> c == '0') ? t : Math.addExact(t, 1);
      }
      return nanos(OffsetDateTime.parse(v.trim()).toInstant());
    } catch (ArithmeticException e) {
      throw new InvalidParameterException(name, name + " '" + abbreviate(v) + "' is out of range: give a time between the"
          + " years 1678 and 2261 (traces are kept " + MAX_WINDOW.toDays() + " days)");
    } catch (DateTimeParseException e) {
      if (UNENCODED_PLUS.matcher(v).matches()) {
        throw new InvalidParameterException(name, name + " '" + abbreviate(v) + "' has a space where its UTC offset's sign"
            + " belongs: in a query string '+' means a space, so encode it as %2B (" + name + "="
            + abbreviate(v.trim().replaceFirst(" (\\d{2}:?\\d{2})$", "%2B$1")) + ") or give the time in UTC with Z");
      }
      throw new InvalidParameterException(name, name + " must be an RFC 3339 time such as 2026-11-24T10:00:00Z, got '"
          + abbreviate(v) + "'");
    }
  }

  /** A time whose fraction has more than nine digits: its first nine digits, the rest, and the offset. */
  private static final Pattern SUB_NANOSECOND = Pattern.compile("(.*[Tt]\\d{2}:\\d{2}:\\d{2}\\.\\d{9})(\\d+)([Zz]|[+-]\\d{2}:\\d{2})");

  /** A date-time whose offset lost its '+' to URL decoding: {@code 2026-12-03T07:00:00 02:00}. */
  private static final Pattern UNENCODED_PLUS =
      Pattern.compile("\\s*\\d{4}-\\d{2}-\\d{2}[Tt]\\d{2}:\\d{2}(:\\d{2}(\\.\\d+)?)? \\d{2}:?\\d{2}\\s*");

  private static long nanos(Instant t) {
    return Math.addExact(Math.multiplyExact(t.getEpochSecond(), 1_000_000_000L), t.getNano());
  }

  static String one(Map<String, List<String>> params, String name) {
    List<String> v = params.get(name);
    return v == null || v.isEmpty() ? null : v.get(0);
  }

  /** Everything that defines the result set and its order; paging parameters excluded. */
  private static String fingerprint(Map<String, List<String>> params) {
    TreeMap<String, List<String>> sorted = new TreeMap<>(params);
    sorted.remove("page_token");
    sorted.remove("page_size");
    StringBuilder sb = new StringBuilder();
    sorted.forEach((k, v) -> {
      sb.append(k).append('\u0000');
      v.forEach(x -> sb.append(x).append('\u0001'));
      sb.append('\u0002');
    });
    return sb.toString();
  }

  static String abbreviate(String v) {
    return v.length() <= 64 ? v : v.substring(0, 64) + "...";
  }
}
