package dev.tracing.functions.lambda;

import dev.tracing.admin.ProjectAdmin;
import dev.tracing.dynamodblocal.LocalDynamoDb;
import dev.tracing.model.Project;
import dev.tracing.model.Scope;
import dev.tracing.config.TracingConfig;
import dev.tracing.storage.dynamodb.DynamoClients;
import dev.tracing.storage.dynamodb.DynamoProjectStore;
import dev.tracing.storage.dynamodb.DynamoTokenStore;
import dev.tracing.storage.dynamodb.TableSchema;
import java.time.Clock;
import java.util.EnumSet;
import java.util.List;
import java.util.Map;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;

/**
 * The store the functions run against in these tests: a local DynamoDB-compatible server
 * (dynalite) on loopback with the table created, plus the operator's project and token commands.
 */
public final class LocalTracingStore implements AutoCloseable {
  public static final String TABLE = "tracing-lambda-test";
  private static final String REGION = "us-east-1";

  private final LocalDynamoDb dynamo;
  private final DynamoDbClient client;
  private final ProjectAdmin admin;
  /** The deployment's page-token secret: every function process of this store signs with the same one. */
  private final String pageTokenSecret = TracingConfig.randomSecret();

  private LocalTracingStore(LocalDynamoDb dynamo) {
    this.dynamo = dynamo;
    this.client = DynamoClients.create(dynamo.endpoint(), REGION);
    TableSchema.ensureTable(client, TABLE);
    this.admin = new ProjectAdmin(new DynamoProjectStore(client, TABLE, Clock.systemUTC()), new DynamoTokenStore(client, TABLE),
        Clock.systemUTC(), 102_400);
  }

  public static LocalTracingStore start() {
    return new LocalTracingStore(LocalDynamoDb.startInMemory());
  }

  public Project createProject(long namespaceId, String name) {
    return admin.createProject(namespaceId, name);
  }

  public ProjectAdmin.CreatedToken createToken(long projectId, Scope... scopes) {
    return admin.createToken(projectId, EnumSet.copyOf(List.of(scopes)), "lambda-test", null);
  }

  public ProjectAdmin admin() {
    return admin;
  }

  public DynamoDbClient client() {
    return client;
  }

  /** The variables a function's SAM definition sets to reach this store. */
  public Map<String, String> functionEnvironment() {
    return Map.of(
        TracingConfig.TABLE, TABLE,
        TracingConfig.DYNAMODB_ENDPOINT, dynamo.endpoint().toString(),
        TracingConfig.REGION, REGION,
        TracingConfig.PAGE_TOKEN_SECRET, pageTokenSecret);
  }

  @Override
  public void close() {
    client.close();
    dynamo.close();
  }
}
