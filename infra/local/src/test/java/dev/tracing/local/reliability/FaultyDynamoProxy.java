package dev.tracing.local.reliability;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;

/**
 * A loopback HTTP proxy in front of the local DynamoDB that injects the faults DynamoDB really
 * produces: server errors, throttling, unprocessed batch items, slow answers, and answers lost
 * after the write was applied. Faults apply to the operations named (X-Amz-Target suffix), or
 * to all when none are named.
 */
final class FaultyDynamoProxy implements AutoCloseable {

  enum Fault {
    NONE,
    /** 500 InternalServerError without forwarding. */
    SERVER_ERROR,
    /** 400 ThrottlingException without forwarding (the SDK retries these, then gives up). */
    THROTTLE,
    /** BatchWriteItem (or BatchGetItem) answered with every item (key) unprocessed, without forwarding. */
    UNPROCESSED,
    /** Forwarded and applied, then answered 500: the client cannot know it succeeded. */
    LOSE_ANSWER,
    /** Held longer than the client's timeouts. */
    HANG
  }

  private final HttpServer server;
  private final URI target;
  private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
  private final AtomicReference<Fault> fault = new AtomicReference<>(Fault.NONE);
  private final AtomicReference<Set<String>> operations = new AtomicReference<>(Set.of());
  final AtomicInteger faultsInjected = new AtomicInteger();

  FaultyDynamoProxy(URI target) throws IOException {
    this.target = target;
    this.server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 64);
    server.createContext("/", this::handle);
    server.setExecutor(Executors.newFixedThreadPool(16, r -> {
      Thread t = new Thread(r, "faulty-dynamo-proxy");
      t.setDaemon(true);
      return t;
    }));
    server.start();
  }

  URI endpoint() {
    return URI.create("http://127.0.0.1:" + server.getAddress().getPort());
  }

  /** Injects {@code f} into the named operations (e.g. "BatchWriteItem"), or into all. */
  void inject(Fault f, String... ops) {
    operations.set(Set.of(ops));
    fault.set(f);
  }

  void heal() {
    fault.set(Fault.NONE);
  }

  private void handle(HttpExchange ex) throws IOException {
    try (ex) {
      byte[] body = ex.getRequestBody().readAllBytes();
      String targetHeader = ex.getRequestHeaders().getFirst("X-Amz-Target");
      String op = targetHeader == null ? "" : targetHeader.substring(targetHeader.indexOf('.') + 1);
      Fault f = fault.get();
      boolean applies = f != Fault.NONE && (operations.get().isEmpty() || operations.get().contains(op));
      if (applies && f == Fault.UNPROCESSED && !op.equals("BatchWriteItem") && !op.equals("BatchGetItem")) {
        applies = false;
      }
      if (applies) {
        faultsInjected.incrementAndGet();
        switch (f) {
          case SERVER_ERROR -> {
            reply(ex, 500, "{\"__type\":\"com.amazonaws.dynamodb.v20120810#InternalServerError\",\"message\":\"injected\"}");
            return;
          }
          case THROTTLE -> {
            reply(ex, 400, "{\"__type\":\"com.amazonaws.dynamodb.v20120810#ThrottlingException\",\"message\":\"injected\"}");
            return;
          }
          case UNPROCESSED -> {
            String json = new String(body, StandardCharsets.UTF_8);
            int start = json.indexOf("\"RequestItems\"");
            String items = json.substring(json.indexOf('{', start), json.lastIndexOf('}'));
            reply(ex, 200, op.equals("BatchGetItem") ? "{\"Responses\":{},\"UnprocessedKeys\":" + items + "}"
                : "{\"UnprocessedItems\":" + items + "}");
            return;
          }
          case HANG -> {
            try {
              Thread.sleep(40_000);
            } catch (InterruptedException e) {
              Thread.currentThread().interrupt();
            }
            return;
          }
          default -> {
            // LOSE_ANSWER: forward below, then drop the answer
          }
        }
      }
      HttpRequest.Builder forward = HttpRequest.newBuilder(target.resolve(ex.getRequestURI().getPath()))
          .timeout(Duration.ofSeconds(30))
          .POST(HttpRequest.BodyPublishers.ofByteArray(body));
      for (String h : List.of("Content-Type", "X-Amz-Target", "Authorization", "X-Amz-Date")) {
        String v = ex.getRequestHeaders().getFirst(h);
        if (v != null) {
          forward.header(h, v);
        }
      }
      HttpResponse<byte[]> response;
      try {
        response = http.send(forward.build(), HttpResponse.BodyHandlers.ofByteArray());
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        reply(ex, 500, "{}");
        return;
      }
      if (applies && f == Fault.LOSE_ANSWER) {
        reply(ex, 500, "{\"__type\":\"com.amazonaws.dynamodb.v20120810#InternalServerError\",\"message\":\"answer lost\"}");
        return;
      }
      ex.getResponseHeaders().set("Content-Type", response.headers().firstValue("Content-Type").orElse("application/x-amz-json-1.0"));
      ex.sendResponseHeaders(response.statusCode(), response.body().length == 0 ? -1 : response.body().length);
      if (response.body().length > 0) {
        try (OutputStream os = ex.getResponseBody()) {
          os.write(response.body());
        }
      }
    }
  }

  private static void reply(HttpExchange ex, int status, String json) throws IOException {
    byte[] b = json.getBytes(StandardCharsets.UTF_8);
    ex.getResponseHeaders().set("Content-Type", "application/x-amz-json-1.0");
    ex.sendResponseHeaders(status, b.length);
    try (OutputStream os = ex.getResponseBody()) {
      os.write(b);
    }
  }

  @Override
  public void close() {
    server.stop(0);
  }
}
