package dev.tracing.storage.dynamodb;

import dev.tracing.model.Project;
import dev.tracing.storage.ProjectStore;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.ConditionalCheckFailedException;
import software.amazon.awssdk.services.dynamodb.model.GetItemResponse;
import software.amazon.awssdk.services.dynamodb.model.ReturnConsumedCapacity;
import software.amazon.awssdk.services.dynamodb.model.QueryResponse;
import software.amazon.awssdk.services.dynamodb.model.ReturnValue;
import software.amazon.awssdk.services.dynamodb.model.UpdateItemResponse;

/**
 * Projects live in one item collection ({@code pk = PROJECTS}), one item each, plus a counter
 * item that hands out ids atomically. Operators have few projects; one partition is plenty.
 */
public final class DynamoProjectStore implements ProjectStore {
  static final String PK_VALUE = "PROJECTS";
  private static final String COUNTER_SK = "#NEXT";
  private static final String NEXT = "next";
  private static final String NAMESPACE = "ns";
  private static final String NAME = "name";
  private static final String LIMIT = "bpm";
  private static final String CREATED = "created";

  private final DynamoDbClient client;
  private final String table;
  private final Clock clock;

  private final CapacityMeter meter;

  public DynamoProjectStore(DynamoDbClient client, String table, Clock clock) {
    this(client, table, clock, new CapacityMeter());
  }

  public DynamoProjectStore(DynamoDbClient client, String table, Clock clock, CapacityMeter meter) {
    this.meter = meter;
    this.client = client;
    this.table = table;
    this.clock = clock;
  }

  @Override
  public Project create(long namespaceId, String name, long bytesPerMinute) {
    UpdateItemResponse counter = DynamoErrors.call("a project id allocation", () -> client.updateItem(b -> b
        .tableName(table)
        .key(key(COUNTER_SK))
        .updateExpression("ADD #next :one")
        .expressionAttributeNames(Map.of("#next", NEXT))
        .expressionAttributeValues(Map.of(":one", AttributeValue.fromN("1")))
        .returnValues(ReturnValue.UPDATED_NEW)));
    long id = Long.parseLong(counter.attributes().get(NEXT).n());
    Project project = new Project(namespaceId, id, name, bytesPerMinute, clock.instant());
    DynamoErrors.call("a project write", () -> client.putItem(b -> b
        .tableName(table)
        .item(toItem(project))
        .conditionExpression("attribute_not_exists(#pk)")
        .expressionAttributeNames(Map.of("#pk", TableSchema.PK))));
    return project;
  }

  @Override
  public Optional<Project> find(long projectId) {
    GetItemResponse r = DynamoErrors.call("a project read", () -> client.getItem(b -> b
        .tableName(table).key(key(sortKey(projectId))).returnConsumedCapacity(ReturnConsumedCapacity.TOTAL)));
    meter.addRead(r.consumedCapacity());
    return r.hasItem() && !r.item().isEmpty() ? Optional.of(fromItem(r.item())) : Optional.empty();
  }

  @Override
  public List<Project> list() {
    List<Project> out = new ArrayList<>();
    Map<String, AttributeValue> start = null;
    do {
      Map<String, AttributeValue> exclusiveStart = start;
      QueryResponse page = DynamoErrors.call("a project listing", () -> client.query(b -> b
          .tableName(table)
          .keyConditionExpression("#pk = :pk AND begins_with(#sk, :p)")
          .expressionAttributeNames(Map.of("#pk", TableSchema.PK, "#sk", TableSchema.SK))
          .expressionAttributeValues(Map.of(":pk", AttributeValue.fromS(PK_VALUE), ":p", AttributeValue.fromS("P#")))
          .exclusiveStartKey(exclusiveStart)));
      page.items().forEach(item -> out.add(fromItem(item)));
      start = page.hasLastEvaluatedKey() && !page.lastEvaluatedKey().isEmpty() ? page.lastEvaluatedKey() : null;
    } while (start != null);
    return out;
  }

  @Override
  public Optional<Project> setLimit(long projectId, long bytesPerMinute) {
    try {
      UpdateItemResponse r = DynamoErrors.call("a project limit update", () -> client.updateItem(b -> b
          .tableName(table)
          .key(key(sortKey(projectId)))
          .updateExpression("SET #limit = :limit")
          .conditionExpression("attribute_exists(#pk)")
          .expressionAttributeNames(Map.of("#limit", LIMIT, "#pk", TableSchema.PK))
          .expressionAttributeValues(Map.of(":limit", AttributeValue.fromN(Long.toString(bytesPerMinute))))
          .returnValues(ReturnValue.ALL_NEW)));
      return Optional.of(fromItem(r.attributes()));
    } catch (ConditionalCheckFailedException missing) {
      return Optional.empty();
    }
  }

  private static String sortKey(long projectId) {
    return String.format("P#%012d", projectId);
  }

  private static Map<String, AttributeValue> key(String sk) {
    return Map.of(TableSchema.PK, AttributeValue.fromS(PK_VALUE), TableSchema.SK, AttributeValue.fromS(sk));
  }

  private static Map<String, AttributeValue> toItem(Project p) {
    return Map.of(
        TableSchema.PK, AttributeValue.fromS(PK_VALUE),
        TableSchema.SK, AttributeValue.fromS(sortKey(p.projectId())),
        NAMESPACE, AttributeValue.fromN(Long.toString(p.namespaceId())),
        NAME, AttributeValue.fromS(p.name()),
        LIMIT, AttributeValue.fromN(Long.toString(p.bytesPerMinute())),
        CREATED, AttributeValue.fromS(p.createdAt().toString()));
  }

  private static Project fromItem(Map<String, AttributeValue> item) {
    long id = Long.parseLong(item.get(TableSchema.SK).s().substring(2));
    return new Project(Long.parseLong(item.get(NAMESPACE).n()), id, item.get(NAME).s(),
        Long.parseLong(item.get(LIMIT).n()), Instant.parse(item.get(CREATED).s()));
  }
}
