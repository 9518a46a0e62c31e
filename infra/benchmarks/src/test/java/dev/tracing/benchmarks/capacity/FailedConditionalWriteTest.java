package dev.tracing.benchmarks.capacity;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.tracing.benchmarks.parts.StoragePart;
import dev.tracing.dynamodblocal.LocalDynamoDb;
import dev.tracing.storage.dynamodb.TableSchema;
import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.core.SdkBytes;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.ConditionalCheckFailedException;
import software.amazon.awssdk.services.dynamodb.model.DynamoDbException;

/** The accountant, registered on a real client against dynalite, charges writes refused on their condition. */
class FailedConditionalWriteTest {
  static LocalDynamoDb dynamo;
  static CapacityAccountant acct;
  static DynamoDbClient client;

  @BeforeAll
  static void start() {
    dynamo = LocalDynamoDb.startInMemory();
    acct = StoragePart.accountant();
    client = StoragePart.client(dynamo.endpoint(), acct);
    TableSchema.ensureTable(client, "tracing");
  }

  @AfterAll
  static void stop() {
    client.close();
    dynamo.close();
  }

  @BeforeEach
  void clear() {
    acct.clear();
  }

  private static Map<String, AttributeValue> summary(String trace, int payload) {
    Map<String, AttributeValue> item = new HashMap<>();
    item.put(TableSchema.PK, AttributeValue.fromS("T#1#" + trace));
    item.put(TableSchema.SK, AttributeValue.fromS("#S"));
    item.put("st", AttributeValue.fromB(SdkBytes.fromByteArray(new byte[payload])));
    return item;
  }

  @Test
  void aLostSummaryRaceIsBilledOnTheLargerItem() {
    client.putItem(b -> b.tableName("tracing").item(summary("a", 1500)));
    assertEquals(2, acct.units().tableWriteUnits());
    assertThrows(ConditionalCheckFailedException.class, () -> client.putItem(b -> b.tableName("tracing").item(summary("a", 2500))
        .conditionExpression("attribute_not_exists(pk)")));
    assertEquals(1, acct.units().failedWrites());
    assertEquals(3, acct.units().failedWriteUnits(), "2.5 KB refused over 1.5 KB stored: 3 units");
    assertEquals(5, acct.units().writeUnits());
    assertEquals(1, acct.storage().items());
  }

  @Test
  void aCallFailingForAnotherReasonIsNotCharged() {
    assertThrows(DynamoDbException.class, () -> client.putItem(b -> b.tableName("tracing").item(summary("b", 100))
        .conditionExpression("#v = :v").expressionAttributeNames(Map.of("#v", "v"))));
    assertEquals(0, acct.units().writeUnits(), "a request DynamoDB rejects as invalid consumes nothing");
  }
}
