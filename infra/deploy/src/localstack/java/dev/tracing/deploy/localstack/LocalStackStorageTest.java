package dev.tracing.deploy.localstack;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.amazonaws.services.lambda.runtime.events.APIGatewayV2HTTPEvent;
import com.amazonaws.services.lambda.runtime.events.APIGatewayV2HTTPResponse;
import com.amazonaws.services.lambda.runtime.events.SimpleIAMPolicyResponse;
import com.amazonaws.services.lambda.runtime.events.APIGatewayV2CustomAuthorizerEvent;
import dev.tracing.admin.ProjectAdmin;
import dev.tracing.auth.AuthorizerContext;
import dev.tracing.deploy.SampleTraces;
import dev.tracing.functions.authorizer.AuthorizerFunctionApplication;
import dev.tracing.functions.gettrace.GetTraceFunctionApplication;
import dev.tracing.functions.ingest.IngestFunctionApplication;
import dev.tracing.functions.listtraces.ListTracesFunctionApplication;
import dev.tracing.gateway.HttpApiEvents;
import dev.tracing.model.Project;
import dev.tracing.model.Scope;
import dev.tracing.runtime.Tracing;
import dev.tracing.config.TracingConfig;
import dev.tracing.storage.IngestQuota;
import dev.tracing.storage.IngestQuotaContract;
import dev.tracing.storage.ProjectStore;
import dev.tracing.storage.ProjectStoreContract;
import dev.tracing.storage.ServiceCatalog;
import dev.tracing.storage.ServiceCatalogContract;
import dev.tracing.storage.TokenStore;
import dev.tracing.storage.TokenStoreContract;
import dev.tracing.storage.TraceIndex;
import dev.tracing.storage.TraceIndexContract;
import dev.tracing.storage.TraceReader;
import dev.tracing.storage.TraceStoreContract;
import dev.tracing.storage.TraceWriter;
import dev.tracing.storage.dynamodb.CapacityMeter;
import dev.tracing.storage.dynamodb.DynamoClients;
import dev.tracing.storage.dynamodb.DynamoIngestQuota;
import dev.tracing.storage.dynamodb.DynamoProjectStore;
import dev.tracing.storage.dynamodb.DynamoServiceCatalog;
import dev.tracing.storage.dynamodb.DynamoTokenStore;
import dev.tracing.storage.dynamodb.DynamoTraceIndex;
import dev.tracing.storage.dynamodb.DynamoTraceReader;
import dev.tracing.storage.dynamodb.DynamoTraceWriter;
import dev.tracing.storage.dynamodb.TableSchema;
import java.time.Clock;
import java.time.Instant;
import java.util.EnumSet;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Function;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.springframework.cloud.function.context.FunctionRegistration;
import org.springframework.context.support.GenericApplicationContext;
import org.testcontainers.junit.jupiter.Container;
import org.testcontainers.junit.jupiter.Testcontainers;
import org.testcontainers.localstack.LocalStackContainer;
import org.testcontainers.utility.DockerImageName;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.TimeToLiveStatus;

/**
 * The storage contract suite (the same abstract suites {@code DynamoStorageTest} runs on dynalite)
 * and an ingest round trip through the function beans, against LocalStack's DynamoDB in Docker.
 * Opt-in ({@code -Plocalstack}); skipped, not failed, where no Docker engine answers.
 */
@Testcontainers(disabledWithoutDocker = true)
class LocalStackStorageTest {
  @Container
  static final LocalStackContainer LOCALSTACK = new LocalStackContainer(DockerImageName.parse("localstack/localstack:4.4"))
      .withServices("dynamodb");

  private static final AtomicInteger TABLES = new AtomicInteger();
  private static DynamoDbClient client;
  private static ExecutorService pool;

  @BeforeAll
  static void connect() {
    // The product's own client factory, pointed at LocalStack's endpoint.
    client = DynamoClients.create(LOCALSTACK.getEndpoint(), LOCALSTACK.getRegion());
    pool = Executors.newFixedThreadPool(4);
  }

  @AfterAll
  static void disconnect() {
    if (pool != null) {
      pool.shutdownNow();
    }
    if (client != null) {
      client.close();
    }
  }

  static String newTable() {
    String table = "tracing-localstack-" + TABLES.incrementAndGet();
    TableSchema.ensureTable(client, table);
    return table;
  }

  @Test
  void theTableHasTimeToLiveOnItsExpiryAttribute() {
    // dynalite does not implement the TTL setting; LocalStack does, like AWS.
    String table = newTable();
    var ttl = client.describeTimeToLive(b -> b.tableName(table)).timeToLiveDescription();
    assertTrue(ttl.timeToLiveStatus() == TimeToLiveStatus.ENABLED || ttl.timeToLiveStatus() == TimeToLiveStatus.ENABLING,
        "TTL status " + ttl.timeToLiveStatus());
    assertEquals(TableSchema.EXPIRES, ttl.attributeName());
  }

  @Test
  void aTraceIngestedThroughTheFunctionsIsListedAndRead() {
    String table = newTable();
    try (Tracing tracing = new Tracing(TracingConfig.local(LOCALSTACK.getEndpoint(), table), client, Clock.systemUTC())) {
      ProjectAdmin admin = new ProjectAdmin(tracing.projects(), tracing.tokens(), Clock.systemUTC(), Project.DEFAULT_BYTES_PER_MINUTE);
      Project project = admin.createProject(7, "localstack");
      ProjectAdmin.CreatedToken token = admin.createToken(project.projectId(), EnumSet.allOf(Scope.class), "it", null);
      String p = Long.toString(project.projectId());
      String ns = Long.toString(project.namespaceId());

      Function<APIGatewayV2CustomAuthorizerEvent, SimpleIAMPolicyResponse> authorizer =
          bean(AuthorizerFunctionApplication.FUNCTION, ctx -> AuthorizerFunctionApplication.register(ctx, tracing::stores));
      SimpleIAMPolicyResponse verdict = authorizer.apply(HttpApiEvents.authorizerEvent("POST", "/v3/" + ns + "/" + p + "/ingest/traces",
          Map.of("PRIVATE-TOKEN", token.secret()), "POST /v3/{namespaceId}/{projectId}/ingest/traces"));
      assertEquals("VALID", verdict.getContext().get(AuthorizerContext.VERDICT));
      Map<String, Object> context = Map.copyOf(verdict.getContext());

      String traceId = SampleTraces.randomTraceId();
      Function<APIGatewayV2HTTPEvent, APIGatewayV2HTTPResponse> ingest =
          bean(IngestFunctionApplication.FUNCTION, ctx -> IngestFunctionApplication.register(ctx, () -> tracing));
      APIGatewayV2HTTPResponse stored = ingest.apply(HttpApiEvents.requestEvent("POST", "/v3/" + ns + "/" + p + "/ingest/traces", "",
          Map.of("content-type", "application/x-protobuf"), SampleTraces.checkout(traceId, "checkout", Instant.now()).toByteArray(),
          "POST /v3/{namespaceId}/{projectId}/ingest/traces", Map.of("namespaceId", ns, "projectId", p), context));
      assertEquals(200, stored.getStatusCode(), stored.getBody());

      Function<APIGatewayV2HTTPEvent, APIGatewayV2HTTPResponse> getTrace =
          bean(GetTraceFunctionApplication.FUNCTION, ctx -> GetTraceFunctionApplication.register(ctx, () -> tracing));
      APIGatewayV2HTTPResponse read = getTrace.apply(HttpApiEvents.requestEvent("GET", "/v3/query/" + p + "/traces/" + traceId, "",
          Map.of(), null, "GET /v3/query/{projectId}/traces/{traceId}", Map.of("projectId", p, "traceId", traceId), context));
      assertEquals(200, read.getStatusCode(), read.getBody());
      assertTrue(read.getBody().contains("\"SELECT orders\""), read.getBody());

      Function<APIGatewayV2HTTPEvent, APIGatewayV2HTTPResponse> list =
          bean(ListTracesFunctionApplication.FUNCTION, ctx -> ListTracesFunctionApplication.register(ctx, () -> tracing));
      APIGatewayV2HTTPResponse listed = list.apply(HttpApiEvents.requestEvent("GET", "/v3/query/" + p + "/traces", "period=1h",
          Map.of(), null, "GET /v3/query/{projectId}/traces", Map.of("projectId", p), context));
      assertEquals(200, listed.getStatusCode(), listed.getBody());
      assertTrue(listed.getBody().contains(traceId), listed.getBody());
    }
  }

  @SuppressWarnings("unchecked")
  private static <I, O> Function<I, O> bean(String name, java.util.function.Consumer<GenericApplicationContext> register) {
    GenericApplicationContext ctx = new GenericApplicationContext();
    register.accept(ctx);
    ctx.refresh();
    return (Function<I, O>) ctx.getBean(name, FunctionRegistration.class).getTarget();
  }

  @Nested
  class Traces extends TraceStoreContract {
    final String table = newTable();
    final CapacityMeter meter = new CapacityMeter();

    @Override
    protected TraceWriter writer() {
      return new DynamoTraceWriter(client, table, RETENTION, pool, meter);
    }

    @Override
    protected TraceReader reader(Clock clock) {
      return new DynamoTraceReader(client, table, clock, meter);
    }
  }

  @Nested
  class Index extends TraceIndexContract {
    final String table = newTable();

    @Override
    protected TraceWriter writer() {
      return new DynamoTraceWriter(client, table, RETENTION, pool, new CapacityMeter());
    }

    @Override
    protected TraceIndex index(Clock clock) {
      return new DynamoTraceIndex(client, table, clock, new CapacityMeter());
    }
  }

  @Nested
  class Catalog extends ServiceCatalogContract {
    final String table = newTable();

    @Override
    protected ServiceCatalog catalog(Clock clock) {
      return new DynamoServiceCatalog(client, table, clock, RETENTION);
    }
  }

  @Nested
  class Projects extends ProjectStoreContract {
    final String table = newTable();

    @Override
    protected ProjectStore projects(Clock clock) {
      return new DynamoProjectStore(client, table, clock);
    }
  }

  @Nested
  class Tokens extends TokenStoreContract {
    final String table = newTable();

    @Override
    protected TokenStore tokens() {
      return new DynamoTokenStore(client, table);
    }
  }

  @Nested
  class Quota extends IngestQuotaContract {
    final String table = newTable();

    @Override
    protected IngestQuota quota() {
      return new DynamoIngestQuota(client, table);
    }
  }
}
