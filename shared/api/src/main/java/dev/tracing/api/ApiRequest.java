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
                         Map<String, String> headers, byte[] body, Map<String, Object> authorizerContext) {

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
