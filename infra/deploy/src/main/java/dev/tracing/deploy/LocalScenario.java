package dev.tracing.deploy;

import dev.tracing.admin.ProjectAdmin;
import dev.tracing.api.ApiRequest;
import dev.tracing.api.ApiResponse;
import dev.tracing.auth.AuthorizerContext;
import dev.tracing.auth.TokenVerdict;
import dev.tracing.dynamodblocal.LocalDynamoDb;
import dev.tracing.model.Grant;
import dev.tracing.model.Project;
import dev.tracing.model.Scope;
import dev.tracing.runtime.Tracing;
import dev.tracing.config.TracingConfig;
import dev.tracing.storage.dynamodb.DynamoClients;
import dev.tracing.storage.dynamodb.DynamoProjectStore;
import dev.tracing.storage.dynamodb.DynamoTokenStore;
import dev.tracing.storage.dynamodb.TableSchema;
import java.time.Clock;
import java.time.Instant;
import java.util.EnumSet;
import java.util.LinkedHashMap;
import java.util.Map;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import tools.jackson.databind.JsonNode;

/**
 * What a function meets on its first event: a local DynamoDB (dynalite) with the table, one project,
 * one token with every scope and one stored trace; and the first event for each function, as API
 * Gateway would send it, with the check that says whether it was handled.
 */
public final class LocalScenario implements AutoCloseable {
  public static final String TABLE = "tracing-cold-start";
  public static final String REGION = "us-east-1";
  /**
   * A project id that is never allocated (ids count up from 1; paths allow 18 digits): the SnapStart
   * priming events use it, so priming reads nothing and writes nothing that a user can see.
   */
  public static final long PRIMING_PROJECT = 999_999_999_999_999_999L;

  private static final String INGEST_ROUTE = "POST /v3/{namespaceId}/{projectId}/ingest/traces";
  private static final String TRACE_ROUTE = "GET /v3/query/{projectId}/traces/{traceId}";
  private static final String TRACES_ROUTE = "GET /v3/query/{projectId}/traces";

  private final LocalDynamoDb dynamo;
  private final DynamoDbClient client;
  private final Project project;
  private final ProjectAdmin.CreatedToken token;
  private final String storedTraceId;
  /** The deployment's page-token secret: every function process of this scenario signs with the same one. */
  private final String pageTokenSecret = TracingConfig.randomSecret();

  private LocalScenario(LocalDynamoDb dynamo, boolean storeTraceInProcess) {
    this.dynamo = dynamo;
    this.client = DynamoClients.create(dynamo.endpoint(), REGION);
    TableSchema.ensureTable(client, TABLE);
    ProjectAdmin admin = new ProjectAdmin(new DynamoProjectStore(client, TABLE, Clock.systemUTC()),
        new DynamoTokenStore(client, TABLE), Clock.systemUTC(), Project.DEFAULT_BYTES_PER_MINUTE);
    this.project = admin.createProject(7, "cold-start");
    this.token = admin.createToken(project.projectId(), EnumSet.allOf(Scope.class), "cold-start", null);
    this.storedTraceId = SampleTraces.randomTraceId();
    if (storeTraceInProcess) {
      Tracing tracing = new Tracing(TracingConfig.local(dynamo.endpoint(), TABLE), client, Clock.systemUTC());
      ApiResponse stored = tracing.ingestEndpoint().handle(new ApiRequest("POST", ingestPath(project), ingestParams(project), "",
          Map.of("content-type", "application/x-protobuf"), storedTrace().toByteArray(), validContext()));
      if (stored.status() != 200) {
        throw new IllegalStateException("could not store the scenario's trace: " + stored.status() + " " + stored.bodyText());
      }
    }
  }

  /** Starts dynalite in memory and fills it, the trace stored by this JVM's code. */
  public static LocalScenario start() {
    return start(true);
  }

  /**
   * @param storeTraceInProcess whether to store {@link #storedTraceId()} now, with this JVM's code;
   *     otherwise send {@link #storeEvent()} through the ingest package, so that packages built from
   *     another revision of {@code shared/} read data written by their own code
   */
  public static LocalScenario start(boolean storeTraceInProcess) {
    LocalDynamoDb dynamo = LocalDynamoDb.startInMemory();
    try {
      return new LocalScenario(dynamo, storeTraceInProcess);
    } catch (RuntimeException e) {
      dynamo.close();
      throw e;
    }
  }

  private io.opentelemetry.proto.collector.trace.v1.ExportTraceServiceRequest storedTrace() {
    return SampleTraces.checkout(storedTraceId, "checkout", Instant.now().minusSeconds(60));
  }

  /** The ingest event that stores {@link #storedTraceId()}. */
  public String storeEvent() {
    return GatewayEvents.json(GatewayEvents.binaryBody(GatewayEvents.request(INGEST_ROUTE, ingestPath(project), "",
        ingestParams(project), Map.of("content-type", "application/x-protobuf"), validContext()), storedTrace().toByteArray()));
  }

  /** The variables a function's definition in template.yaml would set to reach this store. */
  public Map<String, String> functionEnvironment() {
    return Map.of(
        TracingConfig.TABLE, TABLE,
        TracingConfig.DYNAMODB_ENDPOINT, dynamo.endpoint().toString(),
        TracingConfig.REGION, REGION,
        TracingConfig.PAGE_TOKEN_SECRET, pageTokenSecret);
  }

  public DynamoDbClient client() {
    return client;
  }

  public LocalDynamoDb dynamo() {
    return dynamo;
  }

  public Project project() {
    return project;
  }

  public String secret() {
    return token.secret();
  }

  public String storedTraceId() {
    return storedTraceId;
  }

  /** The verdict the authorizer returns for the scenario's token, as the gateway hands it on. */
  public Map<String, Object> validContext() {
    return AuthorizerContext.of(TokenVerdict.valid(new Grant(token.token().id(), project.projectId(), project.namespaceId(),
        EnumSet.allOf(Scope.class))));
  }

  /** The first event a cold instance of {@code pkg} handles in the benchmark. */
  public String firstEvent(LambdaPackage pkg) {
    long p = project.projectId();
    return switch (pkg.definition()) {
      case "authorizer" -> GatewayEvents.json(GatewayEvents.authorizer(TRACES_ROUTE, "/v3/query/" + p + "/traces",
          Map.of("private-token", token.secret())));
      case "ingest" -> GatewayEvents.json(GatewayEvents.binaryBody(GatewayEvents.request(INGEST_ROUTE, ingestPath(project), "",
              ingestParams(project), Map.of("content-type", "application/x-protobuf"), validContext()),
          SampleTraces.checkout(SampleTraces.randomTraceId(), "checkout", Instant.now()).toByteArray()));
      case "get-trace" -> GatewayEvents.json(GatewayEvents.request(TRACE_ROUTE, "/v3/query/" + p + "/traces/" + storedTraceId, "",
          Map.of("projectId", Long.toString(p), "traceId", storedTraceId), Map.of("private-token", token.secret()), validContext()));
      case "list-traces" -> GatewayEvents.json(GatewayEvents.request(TRACES_ROUTE, "/v3/query/" + p + "/traces", "period=1h",
          Map.of("projectId", Long.toString(p)), Map.of("private-token", token.secret()), validContext()));
      // the scheduler's event, as EventBridge sends it: every project is compacted
      case "compactor" -> "{\"version\":\"0\",\"detail-type\":\"Scheduled Event\",\"source\":\"aws.events\",\"detail\":{}}";
      // the stream's batch holding the stored trace's chunks (folded already: read, nothing new to write)
      case "summaries" -> GatewayEvents.JSON.writeValueAsString(dev.tracing.ingest.SummaryFolder.streamEvent(storedChunks()));
      // A direct invocation with a JSON string (aws lambda invoke --payload '"hello, lambda"'): packaged like the
      // functions (no spring-web), a Function<String, String> cannot answer an API Gateway event, since the
      // adapter then needs org.springframework.http.HttpStatus to build the gateway response.
      case "uppercase" -> "\"hello, lambda\"";
      default -> throw new IllegalArgumentException("no first event for " + pkg.definition());
    };
  }

  /**
   * The SnapStart priming event of {@code pkg} (the proposed {@code snapstart/priming-event.json}):
   * the function's main path, DynamoDB call included, for data that cannot exist.
   */
  public static String primingEvent(LambdaPackage pkg) {
    String p = Long.toString(PRIMING_PROJECT);
    Map<String, Object> ctx = AuthorizerContext.of(TokenVerdict.valid(new Grant("snapstart-priming", PRIMING_PROJECT,
        PRIMING_PROJECT, EnumSet.allOf(Scope.class))));
    Project priming = new Project(PRIMING_PROJECT, PRIMING_PROJECT, "priming", 0, Instant.EPOCH);
    return switch (pkg.definition()) {
      case "authorizer" -> GatewayEvents.json(GatewayEvents.authorizer(TRACES_ROUTE, "/v3/query/" + p + "/traces",
          Map.of("private-token", "snapstart-priming-is-not-a-token")));
      // One span from 1970: decoded, counted against the (non-existent) project's minute, refused as too old.
      case "ingest" -> GatewayEvents.json(GatewayEvents.binaryBody(GatewayEvents.request(INGEST_ROUTE, ingestPath(priming), "",
              ingestParams(priming), Map.of("content-type", "application/x-protobuf"), ctx),
          SampleTraces.checkout("0af7651916cd43dd8448eb211c80319c", "snapstart-priming", Instant.ofEpochSecond(1)).toByteArray()));
      case "get-trace" -> GatewayEvents.json(GatewayEvents.request(TRACE_ROUTE, "/v3/query/" + p + "/traces/0af7651916cd43dd8448eb211c80319c",
          "", Map.of("projectId", p, "traceId", "0af7651916cd43dd8448eb211c80319c"), Map.of(), ctx));
      case "list-traces" -> GatewayEvents.json(GatewayEvents.request(TRACES_ROUTE, "/v3/query/" + p + "/traces", "period=5m",
          Map.of("projectId", p), Map.of(), ctx));
      // a project that has no rollups: read, nothing to compact, nothing written
      case "compactor" -> "{\"project_id\": \"" + p + "\"}";
      // an empty batch: nothing to read or write
      case "summaries" -> "{\"Records\": []}";
      default -> throw new IllegalArgumentException("no priming event for " + pkg.definition());
    };
  }

  /**
   * Whether the response to {@link #firstEvent} says the event was handled as it should be.
   *
   * @return {@code null} when it was, else what is wrong
   */
  public String check(LambdaPackage pkg, String responseJson) {
    JsonNode r;
    try {
      r = GatewayEvents.JSON.readTree(responseJson);
    } catch (RuntimeException e) {
      return "the response is not JSON: " + abbreviate(responseJson);
    }
    switch (pkg.definition()) {
      case "authorizer": {
        JsonNode ctx = r.path("context");
        boolean ok = r.path("isAuthorized").asBoolean(false) && "VALID".equals(ctx.path("verdict").asString(""))
            && Long.toString(project.projectId()).equals(ctx.path("project_id").asString(""));
        return ok ? null : "expected isAuthorized=true with verdict VALID for project " + project.projectId() + ": "
            + abbreviate(responseJson);
      }
      case "ingest":
      case "get-trace":
      case "list-traces": {
        int status = r.path("statusCode").asInt(-1);
        if (status != 200) {
          return "expected statusCode 200: " + abbreviate(responseJson);
        }
        String body = r.path("body").asString("");
        if (pkg.definition().equals("get-trace") && !body.contains(storedTraceId)) {
          return "expected the stored trace " + storedTraceId + " in the body: " + abbreviate(responseJson);
        }
        if (pkg.definition().equals("list-traces") && !body.contains(storedTraceId)) {
          return "expected the stored trace " + storedTraceId + " in the list: " + abbreviate(responseJson);
        }
        return null;
      }
      case "compactor": {
        return r.has("projects") && r.path("projects").asInt(0) >= 1 ? null
            : "expected {\"projects\": n >= 1, \"hours_compacted\": n}: " + abbreviate(responseJson);
      }
      case "summaries": {
        return r.path("packs").asInt(0) >= 1 && r.path("unreadable").asInt(-1) == 0 ? null
            : "expected {\"packs\": n >= 1, \"unreadable\": 0}: " + abbreviate(responseJson);
      }
      case "uppercase": {
        String body = r.isString() ? r.asString() : r.path("body").asString("");
        return body.contains("HELLO, LAMBDA") ? null : "expected HELLO, LAMBDA: " + abbreviate(responseJson);
      }
      default:
        return "unknown package " + pkg.definition();
    }
  }

  /** The span-pack items of {@link #storedTraceId()}, as the table's stream would show them. */
  private java.util.List<Map<String, software.amazon.awssdk.services.dynamodb.model.AttributeValue>> storedChunks() {
    return packsOf(client, project.projectId(), java.util.List.of(storedTraceId));
  }

  /**
   * The span packs holding these traces' spans (the packs their summaries name), each once, as
   * the table's stream shows them: key and payload.
   */
  public static java.util.List<Map<String, software.amazon.awssdk.services.dynamodb.model.AttributeValue>> packsOf(
      DynamoDbClient client, long projectId, java.util.List<String> traceIds) {
    dev.tracing.storage.dynamodb.DynamoTraceReader reader = new dev.tracing.storage.dynamodb.DynamoTraceReader(client, TABLE,
        java.time.Clock.systemUTC(), new dev.tracing.storage.dynamodb.CapacityMeter());
    Map<String, Map<String, software.amazon.awssdk.services.dynamodb.model.AttributeValue>> packs = new LinkedHashMap<>();
    for (String traceId : traceIds) {
      dev.tracing.storage.StoredTrace trace = reader.read(projectId, traceId)
          .orElseThrow(() -> new IllegalStateException("trace " + traceId + " has no summary"));
      for (int i = 0; i < trace.chunks().size(); i++) {
        String key = trace.chunkKeys().get(i);
        packs.putIfAbsent(key, Map.of(
            "pk", software.amazon.awssdk.services.dynamodb.model.AttributeValue.fromS(
                dev.tracing.storage.dynamodb.DynamoTraceWriter.packPartition(projectId)),
            "sk", software.amazon.awssdk.services.dynamodb.model.AttributeValue.fromS(key),
            "d", software.amazon.awssdk.services.dynamodb.model.AttributeValue.fromB(
                software.amazon.awssdk.core.SdkBytes.fromByteArray(trace.chunks().get(i)))));
      }
    }
    return java.util.List.copyOf(packs.values());
  }

  private static String ingestPath(Project p) {
    return "/v3/" + p.namespaceId() + "/" + p.projectId() + "/ingest/traces";
  }

  private static Map<String, String> ingestParams(Project p) {
    Map<String, String> params = new LinkedHashMap<>();
    params.put("namespaceId", Long.toString(p.namespaceId()));
    params.put("projectId", Long.toString(p.projectId()));
    return params;
  }

  private static String abbreviate(String s) {
    return s.length() > 400 ? s.substring(0, 400) + "..." : s;
  }

  @Override
  public void close() {
    client.close();
    dynamo.close();
  }
}
