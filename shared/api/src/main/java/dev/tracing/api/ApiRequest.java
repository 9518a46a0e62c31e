package dev.tracing.api;

import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * An HTTP request as the gateway hands it to a function, independent of any HTTP framework:
 * the body is the exact bytes received (never re-encoded as text), header names are lowercase,
 * and the authorizer's verdict rides along as the gateway's authorizer context.
 *
 * @param pathParameters the route's named path segments ({@code projectId}, {@code traceId}, ...)
 * @param rawQuery the query string as received (undecoded), or empty
 * @param authorizerContext what the authorizer function returned for this request
 */
public record ApiRequest(String method, String path, Map<String, String> pathParameters, String rawQuery,
                         Map<String, String> headers, byte[] body, Map<String, Object> authorizerContext,
                         String routeKey) {

  /**
   * A request whose route key is derived from its path: each path parameter's segment, matched
   * from the end (parameters follow the literal segments in every route), becomes {@code {name}}.
   * Gateways give the route key they matched; this is for callers that have only the path.
   */
  public ApiRequest(String method, String path, Map<String, String> pathParameters, String rawQuery,
                    Map<String, String> headers, byte[] body, Map<String, Object> authorizerContext) {
    this(method, path, pathParameters, rawQuery, headers, body, authorizerContext, null);
  }

  /**
   * @param routeKey the gateway's route, {@code METHOD /path/{param}} as the SAM template and the
   *     local gateway name it; {@code null}: derived from the path and path parameters
   */
  public ApiRequest {
    Map<String, String> lower = new LinkedHashMap<>();
    if (headers != null) {
      headers.forEach((k, v) -> lower.merge(k.toLowerCase(Locale.ROOT), v, (a, b) -> a + "," + b));
    }
    headers = Collections.unmodifiableMap(lower);
    pathParameters = pathParameters == null ? Map.of() : Map.copyOf(pathParameters);
    rawQuery = rawQuery == null ? "" : rawQuery;
    body = body == null ? new byte[0] : body;
    authorizerContext = Collections.unmodifiableMap(authorizerContext == null ? new LinkedHashMap<>() : new LinkedHashMap<>(authorizerContext));
    if (routeKey == null) {
      routeKey = deriveRouteKey(method, path, pathParameters);
    }
  }

  /** The path part of the route key, e.g. {@code /v3/query/{projectId}/traces}. */
  public String routePattern() {
    int space = routeKey.indexOf(' ');
    return space < 0 ? routeKey : routeKey.substring(space + 1);
  }

  private static String deriveRouteKey(String method, String path, Map<String, String> pathParameters) {
    String[] segments = (path == null ? "" : path).split("/", -1);
    java.util.Set<String> used = new java.util.HashSet<>();
    for (int i = segments.length - 1; i >= 0; i--) {
      String decoded = percentDecode(segments[i]);
      for (Map.Entry<String, String> p : pathParameters.entrySet()) {
        if (!used.contains(p.getKey()) && p.getValue().equals(decoded)) {
          segments[i] = "{" + p.getKey() + "}";
          used.add(p.getKey());
          break;
        }
      }
    }
    return (method == null ? "" : method) + " " + String.join("/", segments);
  }

  /** Percent-decoding of a path segment ({@code +} stays a plus, as API Gateway keeps it). */
  private static String percentDecode(String segment) {
    if (segment.indexOf('%') < 0) {
      return segment;
    }
    byte[] in = segment.getBytes(StandardCharsets.UTF_8);
    java.io.ByteArrayOutputStream out = new java.io.ByteArrayOutputStream();
    for (int i = 0; i < in.length; i++) {
      int hi = i + 2 < in.length ? Character.digit(in[i + 1], 16) : -1;
      int lo = hi >= 0 ? Character.digit(in[i + 2], 16) : -1;
      if (in[i] == '%' && lo >= 0) {
        out.write(hi * 16 + lo);
        i += 2;
      } else {
        out.write(in[i]);
      }
    }
    return out.toString(StandardCharsets.UTF_8);
  }

  /** A header by case-insensitive name, or {@code null}. */
  public String header(String name) {
    return headers.get(name.toLowerCase(Locale.ROOT));
  }

  public String pathParameter(String name) {
    return pathParameters.get(name);
  }

  /**
   * The query parameters in order, each name with all its values (repeatable filters such as
   * {@code service_name=a&service_name=b}). Names and values are URL-decoded.
   *
   * @throws IllegalArgumentException when the query string is not valid URL encoding
   */
  public Map<String, List<String>> queryParameters() {
    Map<String, List<String>> out = new LinkedHashMap<>();
    if (rawQuery.isEmpty()) {
      return out;
    }
    for (String pair : rawQuery.split("&")) {
      if (pair.isEmpty()) {
        continue;
      }
      int eq = pair.indexOf('=');
      String name = decode(eq < 0 ? pair : pair.substring(0, eq));
      String value = eq < 0 ? "" : decode(pair.substring(eq + 1));
      out.computeIfAbsent(name, k -> new ArrayList<>()).add(value);
    }
    return out;
  }

  private static String decode(String s) {
    return URLDecoder.decode(s, StandardCharsets.UTF_8);
  }
}
