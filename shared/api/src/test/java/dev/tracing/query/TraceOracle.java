package dev.tracing.query;

import io.opentelemetry.proto.common.v1.AnyValue;
import io.opentelemetry.proto.common.v1.KeyValue;
import io.opentelemetry.proto.resource.v1.Resource;
import java.time.Duration;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * The brute-force answer to any traces-list or analytics query, computed from the spans exactly as
 * they were sent, following docs/api.md, "Filter semantics", word by word. It shares no code with
 * the product: no summaries, no hashes, no index; every query looks at every span.
 *
 * <p>Interpretations (the product's documented choices, kept here on purpose): several
 * {@code service_name} values with {@code operation=Y} need a span named Y in every given service;
 * a trace's status is ERROR when any span failed, else its head span's own status; ties sort by
 * trace id ascending in every order; attribute values compare as text ({@code true}, {@code 42},
 * {@code 0.5}, {@code 2} for 2.0); several {@code trace_id} values select any of those traces.
 */
final class TraceOracle {

  /** One span as the test sent it. {@code parentSpanId} 0 means a root span. */
  record SentSpan(long projectId, String traceId, long spanId, long parentSpanId, String name, long startNano, long endNano,
                  int statusCode, Resource resource, List<KeyValue> attributes) {

    String service() {
      for (KeyValue kv : resource.getAttributesList()) {
        if (kv.getKey().equals("service.name")) {
          return kv.getValue().getStringValue();
        }
      }
      throw new IllegalStateException("every test resource names its service");
    }

    long durationNano() {
      return Math.max(0, endNano - startNano);
    }

    boolean isRoot() {
      return parentSpanId == 0;
    }
  }

  /** One row of the traces list, with every field the API answers. */
  record Row(String traceId, long timestampNano, long durationNano, String serviceName, String spanName, String statusCode,
             int totalSpans, int matchedSpanCount, int errorSpanCount, boolean inProgress) {
  }

  /** A trace: its distinct spans and the span heading it. */
  static final class Trace {
    final long projectId;
    final String traceId;
    final List<SentSpan> spans = new ArrayList<>();

    Trace(long projectId, String traceId) {
      this.projectId = projectId;
      this.traceId = traceId;
    }

    SentSpan root() {
      SentSpan root = null;
      for (SentSpan s : spans) {
        if (s.isRoot()) {
          if (root != null) {
            throw new IllegalStateException("the dataset gives every trace at most one root: " + traceId);
          }
          root = s;
        }
      }
      return root;
    }

    /** The root span, or without one the earliest span (the dataset keeps earliest starts unique). */
    SentSpan head() {
      SentSpan root = root();
      if (root != null) {
        return root;
      }
      SentSpan earliest = null;
      for (SentSpan s : spans) {
        if (earliest == null || s.startNano() < earliest.startNano()) {
          earliest = s;
        } else if (s.startNano() == earliest.startNano()) {
          throw new IllegalStateException("the dataset keeps the earliest start of an in-progress trace unique: " + traceId);
        }
      }
      return earliest;
    }

    long timestampNano() {
      return head().startNano();
    }

    long durationNano() {
      return head().durationNano();
    }

    int errorSpans() {
      int n = 0;
      for (SentSpan s : spans) {
        if (s.statusCode() == 2) {
          n++;
        }
      }
      return n;
    }

    boolean inProgress() {
      return root() == null;
    }

    String statusName() {
      int code = errorSpans() > 0 ? 2 : head().statusCode();
      return switch (code) {
        case 1 -> "STATUS_CODE_OK";
        case 2 -> "STATUS_CODE_ERROR";
        default -> "STATUS_CODE_UNSET";
      };
    }
  }

  /** The window and filters of a query, read independently of the product's parser. */
  record Query(long startNano, long endNano, List<String> services, List<String> notServices, List<String> operations,
               List<String> notOperations, List<String> traceIds, List<String> notTraceIds, List<Long> gt, List<Long> lt,
               List<String[]> attributes, List<Boolean> error, String sort) {

    static Query of(Map<String, List<String>> p, Instant now) {
      long nowNano = nanos(now);
      long start;
      long end;
      if (p.containsKey("start_time")) {
        start = nanos(OffsetDateTime.parse(first(p, "start_time")).toInstant());
        end = p.containsKey("end_time") ? nanos(OffsetDateTime.parse(first(p, "end_time")).toInstant()) : nowNano;
      } else {
        String period = p.containsKey("period") ? first(p, "period") : "1h";
        Duration d = switch (period) {
          case "5m" -> Duration.ofMinutes(5);
          case "15m" -> Duration.ofMinutes(15);
          case "30m" -> Duration.ofMinutes(30);
          case "1h" -> Duration.ofHours(1);
          case "4h" -> Duration.ofHours(4);
          case "12h" -> Duration.ofHours(12);
          case "24h" -> Duration.ofHours(24);
          case "7d" -> Duration.ofDays(7);
          case "30d" -> Duration.ofDays(30);
          default -> throw new IllegalArgumentException("the oracle only answers valid queries: period=" + period);
        };
        end = nowNano;
        start = nowNano - d.toNanos();
      }
      List<String[]> attrs = new ArrayList<>();
      List<String> names = all(p, "attr_name");
      List<String> values = all(p, "attr_value");
      for (int i = 0; i < names.size(); i++) {
        attrs.add(new String[] {names.get(i), values.get(i)});
      }
      // every value of a repeated filter is one more condition
      List<Boolean> error = new ArrayList<>();
      all(p, "status").forEach(v -> error.add(v.equalsIgnoreCase("error")));
      all(p, "not[status]").forEach(v -> error.add(!v.equalsIgnoreCase("error")));
      return new Query(start, end, all(p, "service_name"), all(p, "not[service_name]"), all(p, "operation"),
          all(p, "not[operation]"), lower(all(p, "trace_id")), lower(all(p, "not[trace_id]")),
          all(p, "gt[duration_nano]").stream().map(v -> Long.parseLong(v.trim())).toList(),
          all(p, "lt[duration_nano]").stream().map(v -> Long.parseLong(v.trim())).toList(), attrs, error,
          p.containsKey("sort") ? first(p, "sort") : "timestamp_desc");
    }

    boolean hasSpanLevelFilters() {
      return !services.isEmpty() || !operations.isEmpty() || !attributes.isEmpty();
    }
  }

  private final Map<Long, Map<String, Trace>> traces = new HashMap<>();

  /** @param sent every span as sent, retries and re-sent spans included (a span counts once) */
  TraceOracle(Collection<SentSpan> sent) {
    Map<String, Boolean> seen = new HashMap<>();
    for (SentSpan s : sent) {
      if (seen.put(s.projectId() + "/" + s.traceId() + "/" + s.spanId(), Boolean.TRUE) != null) {
        continue;
      }
      traces.computeIfAbsent(s.projectId(), k -> new LinkedHashMap<>())
          .computeIfAbsent(s.traceId(), k -> new Trace(s.projectId(), s.traceId())).spans.add(s);
    }
  }

  Collection<Trace> traces(long projectId) {
    return traces.getOrDefault(projectId, Map.of()).values();
  }

  Trace trace(long projectId, String traceId) {
    return traces.getOrDefault(projectId, Map.of()).get(traceId);
  }

  /** The complete expected list, in order. */
  List<Row> list(long projectId, Map<String, List<String>> params, Instant now) {
    Query q = Query.of(params, now);
    List<Trace> matching = matching(projectId, q);
    Comparator<Trace> byValue = switch (q.sort()) {
      case "timestamp_desc" -> Comparator.comparingLong(Trace::timestampNano).reversed();
      case "timestamp_asc" -> Comparator.comparingLong(Trace::timestampNano);
      case "duration_desc" -> Comparator.comparingLong(Trace::durationNano).reversed();
      case "duration_asc" -> Comparator.comparingLong(Trace::durationNano);
      default -> throw new IllegalArgumentException("sort " + q.sort());
    };
    matching.sort(byValue.thenComparing(t -> t.traceId));
    List<Row> rows = new ArrayList<>(matching.size());
    for (Trace t : matching) {
      SentSpan head = t.head();
      rows.add(new Row(t.traceId, t.timestampNano(), t.durationNano(), head.service(), head.name(), t.statusName(),
          t.spans.size(), matchedSpans(t, q), t.errorSpans(), t.inProgress()));
    }
    return rows;
  }

  List<Trace> matching(long projectId, Query q) {
    List<Trace> out = new ArrayList<>();
    for (Trace t : traces(projectId)) {
      if (matches(t, q)) {
        out.add(t);
      }
    }
    return out;
  }

  static boolean matches(Trace t, Query q) {
    long ts = t.timestampNano();
    if (ts < q.startNano() || ts >= q.endNano()) {
      return false;
    }
    if (!q.traceIds().isEmpty() && !q.traceIds().contains(t.traceId)) {
      return false;
    }
    if (q.notTraceIds().contains(t.traceId)) {
      return false;
    }
    if (q.gt().stream().anyMatch(gt -> !(t.durationNano() > gt))) {
      return false;
    }
    if (q.lt().stream().anyMatch(lt -> !(t.durationNano() < lt))) {
      return false;
    }
    for (String service : q.services()) {
      if (t.spans.stream().noneMatch(s -> s.service().equals(service))) {
        return false;
      }
    }
    for (String service : q.notServices()) {
      if (t.spans.stream().anyMatch(s -> s.service().equals(service))) {
        return false;
      }
    }
    for (String op : q.operations()) {
      if (q.services().isEmpty()) {
        if (t.spans.stream().noneMatch(s -> s.name().equals(op))) {
          return false;
        }
      } else {
        for (String service : q.services()) {
          if (t.spans.stream().noneMatch(s -> s.service().equals(service) && s.name().equals(op))) {
            return false;
          }
        }
      }
    }
    for (String op : q.notOperations()) {
      if (t.spans.stream().anyMatch(s -> s.name().equals(op))) {
        return false;
      }
    }
    for (String[] a : q.attributes()) {
      if (t.spans.stream().noneMatch(s -> hasAttribute(s, a[0], a[1]))) {
        return false;
      }
    }
    if (q.error().stream().anyMatch(error -> (t.errorSpans() > 0) != error)) {
      return false;
    }
    return true;
  }

  /** Spans satisfying every positive span-level filter on their own; all spans when there is none. */
  static int matchedSpans(Trace t, Query q) {
    if (!q.hasSpanLevelFilters()) {
      return t.spans.size();
    }
    int n = 0;
    for (SentSpan s : t.spans) {
      boolean ok = q.services().stream().allMatch(svc -> svc.equals(s.service()))
          && q.operations().stream().allMatch(op -> op.equals(s.name()))
          && q.attributes().stream().allMatch(a -> hasAttribute(s, a[0], a[1]));
      if (ok) {
        n++;
      }
    }
    return n;
  }

  /** Span attribute or resource attribute {@code key} whose value, as text, is {@code value}. */
  static boolean hasAttribute(SentSpan s, String key, String value) {
    for (List<KeyValue> list : List.of(s.attributes(), s.resource().getAttributesList())) {
      for (KeyValue kv : list) {
        if (kv.getKey().equals(key) && value.equals(text(kv.getValue()))) {
          return true;
        }
      }
    }
    return false;
  }

  /** How a user types a value: {@code GET}, {@code 42}, {@code true}, {@code 0.5}, {@code 2} for 2.0. */
  static String text(AnyValue v) {
    return switch (v.getValueCase()) {
      case STRING_VALUE -> v.getStringValue();
      case INT_VALUE -> Long.toString(v.getIntValue());
      case BOOL_VALUE -> v.getBoolValue() ? "true" : "false";
      case DOUBLE_VALUE -> {
        double d = v.getDoubleValue();
        yield d == Math.floor(d) && Math.abs(d) < 1e15 ? Long.toString((long) d) : Double.toString(d);
      }
      default -> null;
    };
  }

  /** One analytics interval as expected. */
  record Interval(long startSecond, int count, int errorCount, Long p50, Long p75, Long p90, Long p95, Long p99) {
  }

  /** Expected intervals of {@code stepSeconds} over the query's window (the API chooses the step). */
  List<Interval> analytics(long projectId, Map<String, List<String>> params, Instant now, long stepSeconds) {
    Query q = Query.of(params, now);
    long first = Math.floorDiv(Math.floorDiv(q.startNano(), 1_000_000_000L), stepSeconds) * stepSeconds;
    long lastSecond = Math.floorDiv(q.endNano() - 1, 1_000_000_000L);
    Map<Long, List<Trace>> byInterval = new HashMap<>();
    for (Trace t : matching(projectId, q)) {
      long second = Math.floorDiv(t.timestampNano(), 1_000_000_000L);
      long start = first + Math.floorDiv(second - first, stepSeconds) * stepSeconds;
      byInterval.computeIfAbsent(start, k -> new ArrayList<>()).add(t);
    }
    List<Interval> out = new ArrayList<>();
    for (long start = first; start <= lastSecond; start += stepSeconds) {
      List<Trace> in = byInterval.getOrDefault(start, List.of());
      if (in.isEmpty()) {
        out.add(new Interval(start, 0, 0, null, null, null, null, null));
        continue;
      }
      long[] d = in.stream().mapToLong(Trace::durationNano).sorted().toArray();
      int errors = (int) in.stream().filter(t -> t.errorSpans() > 0).count();
      out.add(new Interval(start, in.size(), errors, nearestRank(d, 50), nearestRank(d, 75), nearestRank(d, 90),
          nearestRank(d, 95), nearestRank(d, 99)));
    }
    return out;
  }

  /** Nearest rank: the smallest value with at least p% of the values at or below it (integer arithmetic). */
  static long nearestRank(long[] sorted, int p) {
    long rank = (p * (long) sorted.length + 99) / 100;
    return sorted[(int) Math.max(1, rank) - 1];
  }

  static long nanos(Instant t) {
    return t.getEpochSecond() * 1_000_000_000L + t.getNano();
  }

  private static String first(Map<String, List<String>> p, String name) {
    return p.get(name).get(0);
  }

  private static List<String> all(Map<String, List<String>> p, String name) {
    return p.getOrDefault(name, List.of());
  }

  private static List<String> lower(List<String> ids) {
    return ids.stream().map(s -> s.toLowerCase(Locale.ROOT)).toList();
  }
}
