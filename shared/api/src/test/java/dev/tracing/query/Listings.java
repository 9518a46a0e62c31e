package dev.tracing.query;

import dev.tracing.query.QueryStack.Params;
import dev.tracing.query.TraceOracle.Row;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import tools.jackson.databind.JsonNode;

/** Pages through the traces list over HTTP-shaped requests and compares what came back with the oracle. */
final class Listings {
  private Listings() {
  }

  /** Everything one walk through the pages saw. */
  record Walk(List<Row> rows, List<Integer> pageSizes, int incompletePages, List<String> problems) {
  }

  /** Follows {@code next_page_token} to the end (or {@code maxPages}). */
  static Walk walk(QueryStack stack, long projectId, Params query, int pageSize, int maxPages) {
    List<Row> rows = new ArrayList<>();
    List<Integer> sizes = new ArrayList<>();
    List<String> problems = new ArrayList<>();
    int incomplete = 0;
    String token = null;
    for (int page = 0; page < maxPages; page++) {
      Params p = query.with("page_size", Integer.toString(pageSize));
      if (token != null) {
        p = p.with("page_token", token);
      }
      JsonNode body = stack.list(projectId, p);
      if (body.get("project_id").asLong() != projectId) {
        problems.add("project_id " + body.get("project_id") + " instead of " + projectId);
      }
      JsonNode traces = body.get("traces");
      sizes.add(traces.size());
      if (traces.size() > pageSize) {
        problems.add("page " + page + " holds " + traces.size() + " traces, page_size is " + pageSize);
      }
      for (JsonNode t : traces) {
        Row row = row(t);
        rows.add(row);
        Instant shown = Instant.parse(t.get("timestamp").asString());
        if (TraceOracle.nanos(shown) != row.timestampNano()) {
          problems.add("trace " + row.traceId() + ": timestamp " + shown + " is not timestamp_nano " + row.timestampNano());
        }
      }
      if (body.has("incomplete") && body.get("incomplete").asBoolean()) {
        incomplete++;
      }
      JsonNode next = body.get("next_page_token");
      if (next == null || next.isNull()) {
        return new Walk(rows, sizes, incomplete, problems);
      }
      token = next.asString();
    }
    problems.add("still a next_page_token after " + maxPages + " pages");
    return new Walk(rows, sizes, incomplete, problems);
  }

  static Row row(JsonNode t) {
    return new Row(t.get("trace_id").asString(), t.get("timestamp_nano").asLong(), t.get("duration_nano").asLong(),
        t.get("service_name").asString(), t.get("span_name").asString(), t.get("status_code").asString(),
        t.get("total_spans").asInt(), t.get("matched_span_count").asInt(), t.get("error_span_count").asInt(),
        t.get("in_progress").asBoolean());
  }

  /**
   * Pages through {@code query} and returns what differs from the oracle (empty when the listing
   * is exactly right: every expected trace once, in order, with every field right, and every page
   * but the last full).
   */
  static List<String> check(QueryStack stack, TraceOracle oracle, long projectId, Params query, int pageSize) {
    List<Row> expected = oracle.list(projectId, query.toMap(), stack.clock.instant());
    Walk walk = walk(stack, projectId, query, pageSize, expected.size() / pageSize + 3);
    List<String> problems = new ArrayList<>(walk.problems());
    if (walk.incompletePages() > 0) {
      problems.add(walk.incompletePages() + " pages said incomplete under the default read budget");
    }
    for (int i = 0; i < walk.pageSizes().size() - 1; i++) {
      if (walk.pageSizes().get(i) != pageSize) {
        problems.add("page " + i + " of " + walk.pageSizes().size() + " holds " + walk.pageSizes().get(i) + " traces, not "
            + pageSize);
        break;
      }
    }
    problems.addAll(diff(expected, walk.rows()));
    List<String> out = new ArrayList<>();
    for (String p : problems) {
      out.add("?" + query + " page_size=" + pageSize + " (" + expected.size() + " expected): " + p);
    }
    return out;
  }

  /** The differences between two listings, described for a human. */
  static List<String> diff(List<Row> expected, List<Row> actual) {
    List<String> out = new ArrayList<>();
    if (expected.equals(actual)) {
      return out;
    }
    Map<String, Integer> seen = new HashMap<>();
    Set<String> duplicates = new LinkedHashSet<>();
    for (Row r : actual) {
      if (seen.merge(r.traceId(), 1, Integer::sum) > 1) {
        duplicates.add(r.traceId());
      }
    }
    Set<String> expectedIds = new LinkedHashSet<>();
    expected.forEach(r -> expectedIds.add(r.traceId()));
    List<String> missing = expectedIds.stream().filter(id -> !seen.containsKey(id)).toList();
    List<String> extra = seen.keySet().stream().filter(id -> !expectedIds.contains(id)).sorted().toList();
    if (!duplicates.isEmpty()) {
      out.add("returned more than once: " + duplicates);
    }
    if (!missing.isEmpty()) {
      out.add("missing " + missing.size() + ": " + head(missing));
    }
    if (!extra.isEmpty()) {
      out.add("not expected " + extra.size() + ": " + head(extra));
    }
    for (int i = 0; i < Math.min(expected.size(), actual.size()); i++) {
      if (!expected.get(i).equals(actual.get(i))) {
        out.add("first difference at position " + i + ":\n  expected " + expected.get(i) + "\n  actual   " + actual.get(i));
        break;
      }
    }
    if (out.isEmpty()) {
      out.add("expected " + expected.size() + " rows, got " + actual.size());
    }
    return out;
  }

  private static String head(List<String> ids) {
    return ids.size() <= 5 ? ids.toString() : ids.subList(0, 5) + "...";
  }
}
