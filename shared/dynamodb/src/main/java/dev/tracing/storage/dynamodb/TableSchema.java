package dev.tracing.storage.dynamodb;

import java.util.List;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeDefinition;
import software.amazon.awssdk.services.dynamodb.model.BillingMode;
import software.amazon.awssdk.services.dynamodb.model.CreateTableRequest;
import software.amazon.awssdk.services.dynamodb.model.DescribeTimeToLiveResponse;
import software.amazon.awssdk.services.dynamodb.model.DynamoDbException;
import software.amazon.awssdk.services.dynamodb.model.GlobalSecondaryIndex;
import software.amazon.awssdk.services.dynamodb.model.KeySchemaElement;
import software.amazon.awssdk.services.dynamodb.model.KeyType;
import software.amazon.awssdk.services.dynamodb.model.Projection;
import software.amazon.awssdk.services.dynamodb.model.ProjectionType;
import software.amazon.awssdk.services.dynamodb.model.ResourceInUseException;
import software.amazon.awssdk.services.dynamodb.model.ResourceNotFoundException;
import software.amazon.awssdk.services.dynamodb.model.ScalarAttributeType;
import software.amazon.awssdk.services.dynamodb.model.TableStatus;
import software.amazon.awssdk.services.dynamodb.model.TimeToLiveStatus;

/**
 * The one table and its index, as the code uses them (and as {@code template.yaml} declares
 * them). See {@code docs/storage.md} for the item layout.
 */
public final class TableSchema {
  public static final String PK = "pk";
  public static final String SK = "sk";
  /** The list index: partition per project and hour of trace start, sorted by start time. */
  public static final String LIST_INDEX = "by_start";
  public static final String GPK = "gpk";
  public static final String GSK = "gsk";
  /**
   * The duration index: partition per project and UTC day of trace start, sorted by duration, so
   * slowest-first and fastest-first read a few rows per day of the window instead of the window.
   */
  public static final String DURATION_INDEX = "by_duration";
  public static final String DPK = "dpk";
  public static final String DSK = "dsk";
  /** TTL attribute, epoch seconds. */
  public static final String EXPIRES = "exp";

  /** Attributes the list index carries besides its keys: what list filters and rows need. */
  public static final List<String> LIST_PROJECTION = List.of(
      SummaryItems.TIMESTAMP, SummaryItems.DURATION, SummaryItems.SERVICE, SummaryItems.OPERATION,
      SummaryItems.STATUS, SummaryItems.SPAN_COUNT, SummaryItems.ERROR_COUNT, SummaryItems.IN_PROGRESS,
      SummaryItems.NAMES, SummaryItems.ATTRIBUTE_HASHES, SummaryItems.ATTRIBUTES_TRUNCATED, EXPIRES);

  /** Attributes the duration index carries besides its keys: the window and expiry checks. */
  public static final List<String> DURATION_PROJECTION = List.of(SummaryItems.TIMESTAMP, EXPIRES);

  private TableSchema() {
  }

  public static CreateTableRequest createTableRequest(String table) {
    return CreateTableRequest.builder()
        .tableName(table)
        .billingMode(BillingMode.PAY_PER_REQUEST)
        .attributeDefinitions(
            AttributeDefinition.builder().attributeName(PK).attributeType(ScalarAttributeType.S).build(),
            AttributeDefinition.builder().attributeName(SK).attributeType(ScalarAttributeType.S).build(),
            AttributeDefinition.builder().attributeName(GPK).attributeType(ScalarAttributeType.S).build(),
            AttributeDefinition.builder().attributeName(GSK).attributeType(ScalarAttributeType.S).build(),
            AttributeDefinition.builder().attributeName(DPK).attributeType(ScalarAttributeType.S).build(),
            AttributeDefinition.builder().attributeName(DSK).attributeType(ScalarAttributeType.S).build())
        .keySchema(
            KeySchemaElement.builder().attributeName(PK).keyType(KeyType.HASH).build(),
            KeySchemaElement.builder().attributeName(SK).keyType(KeyType.RANGE).build())
        .globalSecondaryIndexes(listIndex(), durationIndex())
        .build();
  }

  static GlobalSecondaryIndex listIndex() {
    return index(LIST_INDEX, GPK, GSK, LIST_PROJECTION);
  }

  static GlobalSecondaryIndex durationIndex() {
    return index(DURATION_INDEX, DPK, DSK, DURATION_PROJECTION);
  }

  private static GlobalSecondaryIndex index(String name, String hashKey, String rangeKey, List<String> projected) {
    return GlobalSecondaryIndex.builder()
        .indexName(name)
        .keySchema(
            KeySchemaElement.builder().attributeName(hashKey).keyType(KeyType.HASH).build(),
            KeySchemaElement.builder().attributeName(rangeKey).keyType(KeyType.RANGE).build())
        .projection(Projection.builder().projectionType(ProjectionType.INCLUDE).nonKeyAttributes(projected).build())
        .build();
  }

  /**
   * Creates the table with its index and TTL setting when missing; leaves an existing one alone.
   *
   * @return true when the table was created now
   */
  public static boolean ensureTable(DynamoDbClient client, String table) {
    boolean created = false;
    try {
      List<String> indexes = client.describeTable(b -> b.tableName(table)).table().globalSecondaryIndexes().stream()
          .map(software.amazon.awssdk.services.dynamodb.model.GlobalSecondaryIndexDescription::indexName).toList();
      for (String needed : List.of(LIST_INDEX, DURATION_INDEX)) {
        if (!indexes.contains(needed)) {
          throw new IllegalStateException("table " + table + " has no index " + needed + " (it was created by an older"
              + " version): start with a new table (for the local stack, a new --data-dir), or add the index as"
              + " template.yaml declares it");
        }
      }
    } catch (ResourceNotFoundException missing) {
      try {
        client.createTable(createTableRequest(table));
        created = true;
      } catch (ResourceInUseException raced) {
        // another process created it between our describe and create
      }
    }
    waitActive(client, table);
    DescribeTimeToLiveResponse ttl = client.describeTimeToLive(b -> b.tableName(table));
    TimeToLiveStatus status = ttl.timeToLiveDescription() == null ? null : ttl.timeToLiveDescription().timeToLiveStatus();
    if (status != TimeToLiveStatus.ENABLED && status != TimeToLiveStatus.ENABLING) {
      try {
        client.updateTimeToLive(b -> b.tableName(table)
            .timeToLiveSpecification(s -> s.attributeName(EXPIRES).enabled(true)));
      } catch (DynamoDbException e) {
        // Local servers (dynalite) do not implement the TTL setting and never expire items;
        // reads filter expired items themselves, so nothing depends on the setting here.
        if (e.awsErrorDetails() == null || !"UnknownOperationException".equals(e.awsErrorDetails().errorCode())) {
          throw e;
        }
      }
    }
    return created;
  }

  private static void waitActive(DynamoDbClient client, String table) {
    long deadline = System.nanoTime() + 60_000_000_000L;
    while (client.describeTable(b -> b.tableName(table)).table().tableStatus() != TableStatus.ACTIVE) {
      if (System.nanoTime() > deadline) {
        throw new IllegalStateException("table " + table + " did not become ACTIVE within 60 s");
      }
      try {
        Thread.sleep(200);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new IllegalStateException("interrupted while waiting for table " + table, e);
      }
    }
  }
}
