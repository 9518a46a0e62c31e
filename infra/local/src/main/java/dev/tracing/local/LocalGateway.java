package dev.tracing.local;

import com.amazonaws.services.lambda.runtime.events.APIGatewayV2HTTPEvent;
import com.amazonaws.services.lambda.runtime.events.APIGatewayV2HTTPResponse;
import com.amazonaws.services.lambda.runtime.events.SimpleIAMPolicyResponse;
import com.sun.net.httpserver.Headers;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import dev.tracing.api.ApiError;
import dev.tracing.api.ApiResponse;
import dev.tracing.api.QueryEndpoint;
import dev.tracing.gateway.HttpApiEvents;
import dev.tracing.storage.StoreUnavailableException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.URI;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * The local stand-in for API Gateway: one HTTP server on loopback that matches the same routes,
 * runs the authorizer function first, builds the same payload-2.0 events (binary bodies
 * base64-encoded, so protobuf stays byte-exact) and calls the function beans. Anything else is
 * served from the static web frontend.
 */
public final class LocalGateway implements AutoCloseable {
  private static final Logger LOG = Logger.getLogger(LocalGateway.class.getName());
  /** API Gateway HTTP APIs refuse payloads over 10 MB; so does this gateway. */
  static final int MAX_PAYLOAD_BYTES = 10 * 1024 * 1024;
  /** How much of an oversized body is read and thrown away before answering 413. */
  static final long MAX_DRAINED_BYTES = 256L * 1024 * 1024;

  static {
    // Bound how long a client may take to send a request or read an answer: a body that never
    // ends must not hold a worker thread forever. Read when the JDK server classes load.
    System.setProperty("sun.net.httpserver.maxReqTime", System.getProperty("sun.net.httpserver.maxReqTime", "60"));
    System.setProperty("sun.net.httpserver.maxRspTime", System.getProperty("sun.net.httpserver.maxRspTime", "60"));
    System.setProperty("sun.net.httpserver.maxReqHeaders", System.getProperty("sun.net.httpserver.maxReqHeaders", "100"));
    // The JDK server sends an answer's headers, then its body: with Nagle's algorithm on, a small
    // body waits for the client to acknowledge the headers, which a client on a kept-alive
    // connection delays by up to 40 ms. So every list page or error would take 40 ms longer.
    System.setProperty("sun.net.httpserver.nodelay", System.getProperty("sun.net.httpserver.nodelay", "true"));
  }

  private final HttpServer server;
  private final ExecutorService workers;
  private final LocalFunctions functions;
  private final StaticFiles staticFiles;

  private LocalGateway(HttpServer server, ExecutorService workers, LocalFunctions functions, StaticFiles staticFiles) {
    this.server = server;
    this.workers = workers;
    this.functions = functions;
    this.staticFiles = staticFiles;
  }

  /** Starts serving on loopback; port 0 picks a free port ({@link #baseUri()} tells which). */
  public static LocalGateway start(LocalFunctions functions, int port) throws IOException {
    HttpServer server = HttpServer.create(new InetSocketAddress("127.0.0.1", port), 256);
    ExecutorService workers = Executors.newFixedThreadPool(32, r -> {
      Thread t = new Thread(r, "gateway-worker");
      t.setDaemon(true);
      return t;
    });
    LocalGateway gateway = new LocalGateway(server, workers, functions, new StaticFiles("/web/"));
    server.createContext("/", gateway::handle);
    server.setExecutor(workers);
    server.start();
    return gateway;
  }

  public URI baseUri() {
    return URI.create("http://127.0.0.1:" + server.getAddress().getPort());
  }

  private void handle(HttpExchange exchange) throws IOException {
    try (exchange) {
      String method = exchange.getRequestMethod();
      URI uri = exchange.getRequestURI();
      String path = uri.getRawPath();
      Routes.Match match = path.startsWith("/v3/") ? Routes.find(method, path) : null;
      if (match == null) {
        if (!path.startsWith("/v3/") && staticFiles.serve(exchange)) {
          return;
        }
        send(exchange, own(path, ApiError.notFound("no route " + method + " " + abbreviate(path) + ": "
            + Routes.notFoundHint(method, path))));
        return;
      }
      if (match.route() == null) {
        send(exchange, own(path, ApiError.of(405, "method_not_allowed", "method " + method + " is not allowed on " + path
            + "; use " + String.join(" or ", match.allowedMethods())).withHeader("Allow", String.join(", ", match.allowedMethods()))));
        return;
      }
      byte[] body;
      try {
        body = readBody(exchange);
      } catch (IOException broken) {
        // a chunk size that is no number, a body cut short: say so rather than leave the client waiting
        exchange.getResponseHeaders().set("Connection", "close");
        send(exchange, own(path, ApiError.of(400, "bad_request", "the request body could not be read ("
            + broken.getMessage() + "): send it with a Content-Length or as well-formed chunks")));
        return;
      }
      if (body == null) {
        send(exchange, own(path, ApiError.of(413, "payload_too_large", "the request body exceeds the gateway's limit of "
            + MAX_PAYLOAD_BYTES + " bytes: send smaller batches")));
        return;
      }
      send(exchange, dispatch(match, method, path, uri.getRawQuery(), headers(exchange.getRequestHeaders()), body));
    } catch (IOException e) {
      LOG.log(Level.FINE, "client connection failed", e);
    }
  }

  /**
   * An answer the gateway gives itself, before any function: under {@code /v3/query/}, where every
   * answer says what it read, it read nothing.
   */
  private static ApiResponse own(String path, ApiResponse response) {
    return path.startsWith("/v3/query/") ? response.withHeader(QueryEndpoint.READ_UNITS, "0") : response;
  }

  /** What API Gateway does for a routed request: authorizer, then the route's function. */
  ApiResponse dispatch(Routes.Match match, String method, String path, String rawQuery, Map<String, String> headers, byte[] body) {
    Map<String, Object> context;
    try {
      SimpleIAMPolicyResponse verdict = functions.authorizer().apply(
          HttpApiEvents.authorizerEvent(method, path, headers, match.route().routeKey()));
      if (!verdict.getIsAuthorized()) {
        return own(path, ApiError.forbidden("Forbidden"));
      }
      context = new HashMap<>(verdict.getContext());
    } catch (StoreUnavailableException e) {
      return own(path, ApiError.unavailable(5));
    } catch (RuntimeException e) {
      LOG.log(Level.SEVERE, "authorizer failed", e);
      return own(path, ApiError.of(500, "internal_error", "the authorizer failed unexpectedly; retry"));
    }
    APIGatewayV2HTTPEvent event = HttpApiEvents.requestEvent(method, path, rawQuery, headers, body,
        match.route().routeKey(), match.pathParameters(), context);
    APIGatewayV2HTTPResponse response = functions.route(match.route().function()).apply(event);
    return HttpApiEvents.fromEvent(response);
  }

  /**
   * The body, or {@code null} when it is larger than the gateway accepts. An oversized body is
   * still read to its end (up to {@link #MAX_DRAINED_BYTES}) and discarded, so the client's
   * connection is not reset before it can read the 413.
   */
  private static byte[] readBody(HttpExchange exchange) throws IOException {
    // not closed when reading fails: closing reads on to the body's end, which a broken chunk
    // header sends the server looking for; the 400 goes out first, and its Connection: close ends it
    InputStream in = exchange.getRequestBody();
    byte[] body = in.readNBytes(MAX_PAYLOAD_BYTES + 1);
    if (body.length <= MAX_PAYLOAD_BYTES) {
      in.close();
      return body;
    }
    byte[] sink = new byte[64 * 1024];
    long drained = 0;
    int n;
    while (drained < MAX_DRAINED_BYTES && (n = in.read(sink)) > 0) {
      drained += n;
    }
    in.close();
    return null;
  }

  /** A path as echoed in a message: a hostile one is quoted in part only. */
  private static String abbreviate(String path) {
    return path.length() <= 200 ? path : path.substring(0, 200) + "...";
  }

  private static Map<String, String> headers(Headers headers) {
    Map<String, String> out = new LinkedHashMap<>();
    for (Map.Entry<String, List<String>> h : headers.entrySet()) {
      out.put(h.getKey(), String.join(",", h.getValue()));
    }
    return out;
  }

  static void send(HttpExchange exchange, ApiResponse response) throws IOException {
    Headers out = exchange.getResponseHeaders();
    response.headers().forEach(out::set);
    boolean head = exchange.getRequestMethod().equals("HEAD");
    exchange.sendResponseHeaders(response.status(), head || response.body().length == 0 ? -1 : response.body().length);
    if (!head && response.body().length > 0) {
      try (OutputStream os = exchange.getResponseBody()) {
        os.write(response.body());
      }
    }
  }

  @Override
  public void close() {
    server.stop(0);
    workers.shutdownNow();
    try {
      workers.awaitTermination(5, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
