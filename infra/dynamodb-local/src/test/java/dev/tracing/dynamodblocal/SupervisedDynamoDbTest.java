package dev.tracing.dynamodblocal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A killed server comes back on the same port and data; closing it stops it for good. */
class SupervisedDynamoDbTest {
  static final HttpClient HTTP = HttpClient.newHttpClient();
  static final Duration DEADLINE = Duration.ofSeconds(60);

  @TempDir
  Path dir;

  static HttpResponse<String> call(SupervisedDynamoDb db, String operation, String body) throws Exception {
    return HTTP.send(HttpRequest.newBuilder(URI.create(db.endpoint() + "/"))
        .header("Content-Type", "application/x-amz-json-1.0")
        .header("X-Amz-Target", "DynamoDB_20120810." + operation)
        .header("Authorization", "AWS4-HMAC-SHA256 Credential=local/20261125/us-east-1/dynamodb/aws4_request, "
            + "SignedHeaders=host, Signature=0")
        .header("X-Amz-Date", "20261125T000000Z")
        .POST(HttpRequest.BodyPublishers.ofString(body)).build(), HttpResponse.BodyHandlers.ofString());
  }

  static String describe(SupervisedDynamoDb db) {
    try {
      return call(db, "DescribeTable", "{\"TableName\":\"kept_items\"}").body();
    } catch (Exception e) {
      return e.toString();
    }
  }

  static void assertOk(HttpResponse<String> r) {
    assertEquals(200, r.statusCode(), r.body());
  }

  static void await(BooleanSupplier condition, String what) throws InterruptedException {
    long deadline = System.nanoTime() + DEADLINE.toNanos();
    while (!condition.getAsBoolean()) {
      if (System.nanoTime() > deadline) {
        throw new AssertionError("gave up waiting for " + what);
      }
      Thread.sleep(50);
    }
  }

  @Test
  void aKilledServerComesBackOnTheSamePortWithItsData() throws Exception {
    AtomicInteger hooks = new AtomicInteger();
    try (SupervisedDynamoDb db = SupervisedDynamoDb.start(dir, 0, hooks::incrementAndGet)) {
      assertOk(call(db, "CreateTable", "{\"TableName\":\"kept_items\",\"AttributeDefinitions\":[{\"AttributeName\":\"pk\","
          + "\"AttributeType\":\"S\"}],\"KeySchema\":[{\"AttributeName\":\"pk\",\"KeyType\":\"HASH\"}],"
          + "\"ProvisionedThroughput\":{\"ReadCapacityUnits\":1,\"WriteCapacityUnits\":1}}"));
      await(() -> describe(db).contains("\"ACTIVE\""), "the table to be active");
      assertOk(call(db, "PutItem", "{\"TableName\":\"kept_items\",\"Item\":{\"pk\":{\"S\":\"kept\"}}}"));
      long pid = db.pid();
      int port = db.port();

      ProcessHandle.of(pid).orElseThrow().destroyForcibly();
      await(() -> db.restarts() == 1, "the restart");

      assertEquals(port, db.port());
      assertNotEquals(pid, db.pid());
      assertEquals(1, hooks.get(), "the after-restart hook ran once");
      HttpResponse<String> item = call(db, "GetItem", "{\"TableName\":\"kept_items\",\"Key\":{\"pk\":{\"S\":\"kept\"}}}");
      assertEquals(200, item.statusCode(), item.body());
      assertTrue(item.body().contains("\"kept\""), "the item written before the kill: " + item.body());
    }
  }

  @Test
  void closingStopsTheServerAndNothingRestartsIt() throws Exception {
    SupervisedDynamoDb db = SupervisedDynamoDb.start(null, 0, null);
    long pid = db.pid();
    db.close();
    assertTrue(ProcessHandle.of(pid).map(p -> !p.isAlive()).orElse(true), "the process ended");
    assertEquals(0, db.restarts());
    assertTrue(!db.isAlive());
  }
}
