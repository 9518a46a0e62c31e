package dev.tracing.local;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The HTTP API's routes and the function each one reaches: the same table the SAM template
 * declares for API Gateway. More specific routes come first ({@code traces/analytics} before
 * {@code traces/{traceId}}).
 */
public final class Routes {

  /** One route: API Gateway's route key syntax, {@code METHOD /path/{param}}. */
  public record Route(String method, String pattern, String function) {
    public String routeKey() {
      return method + " " + pattern;
    }

    /** The path parameters when the path matches, else {@code null}. */
    Map<String, String> match(String path) {
      String[] want = pattern.split("/");
      String[] got = path.split("/", -1);
      if (want.length != got.length) {
        return null;
      }
      Map<String, String> params = new LinkedHashMap<>();
      for (int i = 0; i < want.length; i++) {
        if (want[i].startsWith("{") && want[i].endsWith("}")) {
          if (got[i].isEmpty()) {
            return null;
          }
          params.put(want[i].substring(1, want[i].length() - 1), percentDecode(got[i]));
        } else if (!want[i].equals(got[i])) {
          return null;
        }
      }
      return params;
    }
  }

  public static final List<Route> ALL = List.of(
      new Route("POST", "/v3/{namespaceId}/{projectId}/ingest/traces", "ingest"),
      new Route("GET", "/v3/query/{projectId}", "list-traces"),
      new Route("GET", "/v3/query/{projectId}/traces", "list-traces"),
      new Route("GET", "/v3/query/{projectId}/traces/analytics", "list-traces"),
      new Route("GET", "/v3/query/{projectId}/traces/{traceId}", "get-trace"),
      new Route("GET", "/v3/query/{projectId}/services", "list-traces"),
      new Route("GET", "/v3/query/{projectId}/services/metrics", "list-traces"),
      new Route("GET", "/v3/query/{projectId}/services/map", "list-traces"),
      new Route("GET", "/v3/query/{projectId}/services/{serviceName}/operations", "list-traces"));

  private Routes() {
  }

  /**
   * A matched route with its path parameters; {@code route} is null when the path exists only
   * for other methods, which {@code allowedMethods} lists.
   */
  public record Match(Route route, Map<String, String> pathParameters, List<String> allowedMethods) {
    public Match {
      pathParameters = Map.copyOf(pathParameters);
      allowedMethods = List.copyOf(allowedMethods);
    }

  }

  /**
   * @return the route for this method and path; {@code null} when no route has this path; a
   *     match with a {@code null} route when the path exists for other methods only
   */
  public static Match find(String method, String path) {
    List<String> methods = new ArrayList<>();
    for (Route r : ALL) {
      Map<String, String> params = r.match(path);
      if (params != null) {
        if (r.method().equals(method)) {
          return new Match(r, params, List.of(r.method()));
        }
        if (!methods.contains(r.method())) {
          methods.add(r.method());
        }
      }
    }
    return methods.isEmpty() ? null : new Match(null, Map.of(), List.copyOf(methods));
  }

  /**
   * A path segment as API Gateway hands it to a function: percent-escapes decoded (as UTF-8), and
   * nothing else. A {@code +} stays a {@code +} (only query strings use it for a space), and a
   * {@code %} not followed by two hex digits is kept as it is.
   */
  static String percentDecode(String segment) {
    if (segment.indexOf('%') < 0) {
      return segment;
    }
    StringBuilder text = new StringBuilder(segment.length());
    ByteArrayOutputStream escaped = new ByteArrayOutputStream();
    for (int i = 0; i < segment.length(); i++) {
      char c = segment.charAt(i);
      if (c == '%' && i + 2 < segment.length() && hex(segment.charAt(i + 1)) >= 0 && hex(segment.charAt(i + 2)) >= 0) {
        escaped.write(hex(segment.charAt(i + 1)) << 4 | hex(segment.charAt(i + 2)));
        i += 2;
      } else {
        text.append(escaped.toString(StandardCharsets.UTF_8)).append(c); // a run of escapes is one UTF-8 sequence
        escaped.reset();
      }
    }
    return text.append(escaped.toString(StandardCharsets.UTF_8)).toString();
  }

  private static int hex(char c) {
    return c < 128 ? Character.digit(c, 16) : -1;
  }

  /**
   * The advice a 404 gives for a path that is no route: the common mistakes named with their
   * fix, else where the routes are listed.
   */
  static String notFoundHint(String method, String path) {
    if (path.endsWith("/v1/traces")) {
      return "OTLP exporters send traces to /v3/{namespaceId}/{projectId}/ingest/traces: set"
          + " OTEL_EXPORTER_OTLP_TRACES_ENDPOINT to that full URL (OTEL_EXPORTER_OTLP_ENDPOINT would append /v1/traces)";
    }
    if (path.length() > 1 && path.endsWith("/")) {
      String trimmed = path.substring(0, path.length() - 1);
      if (find(method, trimmed) != null) {
        return "drop the trailing slash: " + method + " " + trimmed;
      }
    }
    if (path.endsWith("/ingest/traces") || path.endsWith("/ingest/traces/")) {
      return "ingest is POST /v3/{namespaceId}/{projectId}/ingest/traces, both ids decimal integers";
    }
    if (path.startsWith("/v3/query/")) {
      return "query routes are GET /v3/query/{projectId}, and under it /traces, /traces/analytics, /traces/{traceId}, /services,"
          + " /services/{serviceName}/operations, /services/metrics and /services/map, with a decimal project id";
    }
    return "the API is POST /v3/{namespaceId}/{projectId}/ingest/traces and GET /v3/query/{projectId}/...; see the HTTP API"
        + " in README.md";
  }
}
