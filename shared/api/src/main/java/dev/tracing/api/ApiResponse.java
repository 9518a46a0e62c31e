package dev.tracing.api;

import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * An HTTP response from a function, independent of any HTTP framework. Every API answer is
 * marked {@code Cache-Control: no-store}: traces and tokens are private data.
 */
public record ApiResponse(int status, Map<String, String> headers, byte[] body) {

  public static final String JSON = "application/json";
  public static final String PROTOBUF = "application/x-protobuf";

  public ApiResponse {
    Map<String, String> h = new LinkedHashMap<>(headers);
    h.putIfAbsent("Cache-Control", "no-store");
    headers = Map.copyOf(h);
  }

  public static ApiResponse of(int status, String contentType, byte[] body) {
    return new ApiResponse(status, Map.of("Content-Type", contentType), body);
  }

  public static ApiResponse json(int status, byte[] body) {
    return of(status, JSON, body);
  }

  public ApiResponse withHeader(String name, String value) {
    Map<String, String> h = new LinkedHashMap<>(headers);
    h.put(name, value);
    return new ApiResponse(status, h, body);
  }

  public String header(String name) {
    for (Map.Entry<String, String> e : headers.entrySet()) {
      if (e.getKey().equalsIgnoreCase(name)) {
        return e.getValue();
      }
    }
    return null;
  }

  public String bodyText() {
    return new String(body, StandardCharsets.UTF_8);
  }
}
