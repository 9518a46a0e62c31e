package dev.tracing.dynamodblocal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.OutputStream;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

class LocalDynamoDbTest {

  /** A client that gives up in the middle of a request body (its timeout) must not end the server. */
  @Test
  void aClientAbortingItsRequestDoesNotStopTheServer() throws Exception {
    try (LocalDynamoDb db = LocalDynamoDb.startInMemory()) {
      for (int i = 0; i < 3; i++) {
        try (Socket socket = new Socket("127.0.0.1", db.port())) {
          OutputStream out = socket.getOutputStream();
          out.write(("POST / HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/x-amz-json-1.0\r\n"
              + "X-Amz-Target: DynamoDB_20120810.ListTables\r\nContent-Length: 1000\r\n\r\n{\"Lim").getBytes(StandardCharsets.US_ASCII));
          out.flush();
          socket.setSoLinger(true, 0); // close with a reset, as a client timing out does
        }
      }
      Thread.sleep(300); // let the server see the resets
      assertTrue(db.isAlive(), "dynalite still runs");
      HttpResponse<String> answer = HttpClient.newHttpClient().send(HttpRequest.newBuilder(URI.create(db.endpoint() + "/"))
          .header("Content-Type", "application/x-amz-json-1.0")
          .header("X-Amz-Target", "DynamoDB_20120810.ListTables")
          .header("Authorization", "AWS4-HMAC-SHA256 Credential=local/20261125/us-east-1/dynamodb/aws4_request, "
              + "SignedHeaders=host, Signature=0")
          .header("X-Amz-Date", "20261125T000000Z")
          .POST(HttpRequest.BodyPublishers.ofString("{}")).build(), HttpResponse.BodyHandlers.ofString());
      assertEquals(200, answer.statusCode(), answer.body());
      assertTrue(answer.body().contains("TableNames"), answer.body());
    }
  }
}
