package dev.tracing.local;

import com.sun.net.httpserver.HttpExchange;
import dev.tracing.api.ApiError;
import dev.tracing.api.ApiResponse;
import java.io.IOException;
import java.io.InputStream;
import java.util.Map;

/** Serves the static web frontend from the class path, the way object storage behind a CDN would. */
final class StaticFiles {
  private static final Map<String, String> TYPES = Map.of(
      "html", "text/html; charset=utf-8", "js", "text/javascript; charset=utf-8", "css", "text/css; charset=utf-8",
      "svg", "image/svg+xml", "png", "image/png", "json", "application/json", "ico", "image/x-icon",
      "map", "application/json", "woff2", "font/woff2");

  private final String root;

  StaticFiles(String root) {
    this.root = root;
  }

  /**
   * Answers a request for a file of the frontend: the file for GET and HEAD, {@code 405} for
   * another method on a file that exists.
   *
   * @return false, having sent nothing, when there is no such file: the caller answers 404
   */
  boolean serve(HttpExchange exchange) throws IOException {
    String path = exchange.getRequestURI().getPath();
    if (path.endsWith("/")) {
      path += "index.html";
    }
    if (path.contains("..") || path.contains("\\")) {
      return false;
    }
    byte[] body;
    try (InputStream in = StaticFiles.class.getResourceAsStream(root + path.substring(1))) {
      if (in == null) {
        return false;
      }
      body = in.readAllBytes();
    }
    String method = exchange.getRequestMethod();
    if (!method.equals("GET") && !method.equals("HEAD")) {
      LocalGateway.send(exchange, ApiError.of(405, "method_not_allowed", "method " + method + " is not allowed on " + path
          + ": the web frontend's files answer GET and HEAD only").withHeader("Allow", "GET, HEAD"));
      return true;
    }
    String ext = path.substring(path.lastIndexOf('.') + 1);
    LocalGateway.send(exchange, new ApiResponse(200, Map.of(
        "Content-Type", TYPES.getOrDefault(ext, "application/octet-stream"),
        "Cache-Control", path.endsWith(".html") ? "no-cache" : "max-age=300",
        "X-Content-Type-Options", "nosniff"), body));
    return true;
  }
}
