package dev.tracing.local;

import java.util.List;
import java.util.Map;
import java.util.LinkedHashMap;

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
          params.put(want[i].substring(1, want[i].length() - 1), java.net.URLDecoder.decode(got[i], java.nio.charset.StandardCharsets.UTF_8));
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
  }

  /**
   * @return the route for this method and path; {@code null} when no route has this path; a
   *     match with a {@code null} route when the path exists for other methods only
   */
  public static Match find(String method, String path) {
    java.util.List<String> methods = new java.util.ArrayList<>();
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
}
