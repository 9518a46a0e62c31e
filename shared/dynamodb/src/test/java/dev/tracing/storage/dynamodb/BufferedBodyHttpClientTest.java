package dev.tracing.storage.dynamodb;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import com.sun.net.httpserver.HttpServer;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
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
      byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
      SdkHttpRequest request = SdkHttpRequest.builder().method(SdkHttpMethod.POST).uri(uri)
          .putHeader("Content-Type", "application/x-amz-json-1.0")
          .putHeader("Content-Length", Integer.toString(bytes.length))
          .build();
      HttpExecuteResponse response = client.prepareRequest(HttpExecuteRequest.builder().request(request)
          .contentStreamProvider(() -> new ByteArrayInputStream(bytes)).build()).call();
      assertEquals(200, response.httpResponse().statusCode());
      try (InputStream in = response.responseBody().orElseThrow()) {
        assertArrayEquals("{}".getBytes(StandardCharsets.UTF_8), in.readAllBytes());
      }
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
}
