package dev.tracing.storage.dynamodb;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import com.sun.net.httpserver.HttpServer;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.http.HttpExecuteRequest;
import software.amazon.awssdk.http.HttpExecuteResponse;
import software.amazon.awssdk.http.SdkHttpClient;
import software.amazon.awssdk.http.SdkHttpMethod;
import software.amazon.awssdk.http.SdkHttpRequest;

/**
 * What the server receives from {@link DynamoClients#httpClient()}: the body whole, announced by a
 * {@code Content-Length} equal to its size (the header a request signature covers), never chunked,
 * over one kept-alive connection.
 */
class BufferedBodyHttpClientTest {
  private HttpServer server;
  private final List<String> received = Collections.synchronizedList(new ArrayList<>());

  @BeforeEach
  void start() throws IOException {
    server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
    server.createContext("/", exchange -> {
      byte[] body = exchange.getRequestBody().readAllBytes();
      received.add(exchange.getRequestHeaders().getFirst("Content-Length") + "|"
          + exchange.getRequestHeaders().getFirst("Transfer-Encoding") + "|" + new String(body, StandardCharsets.UTF_8)
          + "|" + exchange.getRemoteAddress().getPort());
      byte[] answer = "{}".getBytes(StandardCharsets.UTF_8);
      exchange.sendResponseHeaders(200, answer.length);
      exchange.getResponseBody().write(answer);
      exchange.close();
    });
    server.start();
  }

  @AfterEach
  void stop() {
    server.stop(0);
  }

  @Test
  void theBodyIsSentWholeWithItsLengthOverOneConnection() throws IOException {
    SdkHttpClient client = DynamoClients.httpClient();
    URI uri = URI.create("http://127.0.0.1:" + server.getAddress().getPort() + "/");
    List<String> bodies = List.of("{\"TableName\":\"tracing\"}", "{\"Key\":{\"pk\":{\"S\":\"T#1#ab\"}}}", "x".repeat(100_000));
    for (String body : bodies) {
      assertArrayEquals("{}".getBytes(StandardCharsets.UTF_8), post(client, uri, body), body);
    }
    client.close();
    assertEquals(bodies.size(), received.size());
    String port = null;
    for (int i = 0; i < bodies.size(); i++) {
      String[] r = received.get(i).split("\\|", -1);
      String body = bodies.get(i);
      assertEquals(Integer.toString(body.getBytes(StandardCharsets.UTF_8).length), r[0], "Content-Length of request " + i);
      assertEquals("null", r[1], "no Transfer-Encoding on request " + i);
      assertEquals(body, r[2], "body of request " + i);
      if (port == null) {
        port = r[3];
      }
      assertEquals(port, r[3], "request " + i + " came over the first request's kept-alive connection");
    }
  }

  /**
   * A server that closed a kept-alive connection without saying so (as DynamoDB does to a
   * connection an idle function left open): the next call goes out again on a new connection and
   * is answered once.
   */
  @Test
  void aConnectionTheServerClosedSilentlyIsReplacedByANewOne() throws Exception {
    List<String> bodies = Collections.synchronizedList(new ArrayList<>());
    AtomicInteger accepted = new AtomicInteger();
    try (ServerSocket listener = new ServerSocket(0, 50, InetAddress.getLoopbackAddress())) {
      Thread serving = new Thread(() -> {
        while (!listener.isClosed()) {
          try (Socket socket = listener.accept()) {
            accepted.incrementAndGet();
            bodies.add(readRequestBody(socket.getInputStream()));
            // answered as if the connection stayed open, then closed at once
            socket.getOutputStream().write("HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\n{}".getBytes(StandardCharsets.US_ASCII));
            socket.getOutputStream().flush();
          } catch (IOException e) {
            return;
          }
        }
      }, "closing-server");
      serving.setDaemon(true);
      serving.start();
      SdkHttpClient client = DynamoClients.httpClient();
      URI uri = URI.create("http://127.0.0.1:" + listener.getLocalPort() + "/");
      for (String body : List.of("{\"first\":1}", "{\"second\":2}", "{\"third\":3}")) {
        assertArrayEquals("{}".getBytes(StandardCharsets.UTF_8), post(client, uri, body), body);
        Thread.sleep(50); // the server's close reaches the client's socket before the next call
      }
      client.close();
    }
    assertEquals(List.of("{\"first\":1}", "{\"second\":2}", "{\"third\":3}"), bodies, "each call reached the server once, whole");
    assertEquals(3, accepted.get(), "each call after a silent close went out on a new connection");
  }

  /** POSTs {@code body} with its Content-Length, as the SDK hands a DynamoDB call over; the answer's body after a 200. */
  private static byte[] post(SdkHttpClient client, URI uri, String body) throws IOException {
    byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
    SdkHttpRequest request = SdkHttpRequest.builder().method(SdkHttpMethod.POST).uri(uri)
        .putHeader("Content-Type", "application/x-amz-json-1.0")
        .putHeader("Content-Length", Integer.toString(bytes.length))
        .build();
    HttpExecuteResponse response = client.prepareRequest(HttpExecuteRequest.builder().request(request)
        .contentStreamProvider(() -> new ByteArrayInputStream(bytes)).build()).call();
    assertEquals(200, response.httpResponse().statusCode(), body);
    try (InputStream in = response.responseBody().orElseThrow()) {
      return in.readAllBytes();
    }
  }

  /** The body of one HTTP/1.1 request with a Content-Length, read off the socket. */
  private static String readRequestBody(InputStream in) throws IOException {
    StringBuilder head = new StringBuilder();
    while (!head.toString().endsWith("\r\n\r\n")) {
      int b = in.read();
      if (b < 0) {
        throw new IOException("the request ended inside its headers");
      }
      head.append((char) b);
    }
    int length = 0;
    for (String line : head.toString().split("\r\n")) {
      if (line.toLowerCase(java.util.Locale.ROOT).startsWith("content-length:")) {
        length = Integer.parseInt(line.substring("content-length:".length()).trim());
      }
    }
    return new String(in.readNBytes(length), StandardCharsets.UTF_8);
  }
}
