package dev.tracing.query;

import static dev.tracing.query.TestSecrets.PAGE_TOKENS;
import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.tracing.api.ApiRequest;
import dev.tracing.api.ApiResponse;
import dev.tracing.api.QueryEndpoint;
import dev.tracing.ingest.IngestLimiter;
import dev.tracing.storage.dynamodb.DynamoIngestQuota;
import dev.tracing.auth.AuthorizerContext;
import dev.tracing.auth.TokenVerdict;
import dev.tracing.dynamodblocal.LocalDynamoDb;
import dev.tracing.model.Grant;
import dev.tracing.model.Scope;
import dev.tracing.runtime.Tracing;
import dev.tracing.config.TracingConfig;
import dev.tracing.storage.dynamodb.DynamoClients;
import dev.tracing.storage.dynamodb.DynamoTraceIndex;
import dev.tracing.storage.dynamodb.DynamoTraceReader;
import dev.tracing.storage.dynamodb.TableSchema;
import dev.tracing.query.TestSecrets;
import io.opentelemetry.proto.collector.trace.v1.ExportTraceServiceRequest;
import io.opentelemetry.proto.collector.trace.v1.ExportTraceServiceResponse;
import java.net.URI;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * The real stack over one local dynalite table: ingest and query endpoints as the gateway calls
 * them (with an authorizer context), plus the lower-level index and reader for budget tests.
 *
 * <p>One dynalite process serves every query test of the JVM (each stack gets a table of its own);
 * it exits when the JVM does.
 */
final class QueryStack implements AutoCloseable {
  private static final AtomicInteger TABLES = new AtomicInteger();
  private static LocalDynamoDb db;
  static final JsonMapper JSON = JsonMapper.builder().build();

  final String table;
  final Clock clock;
  final Tracing tracing;
  private final ExecutorService listPool = Executors.newFixedThreadPool(4, r -> {
    Thread t = new Thread(r, "query-test-reads");
    t.setDaemon(true);
    return t;
  });
  private QueryEndpoint budgeted;

  private QueryStack(String table, Clock clock) {
    this(table, clock, true);
  }

  private QueryStack(String table, Clock clock, boolean summariesAtIngest) {
    this.table = table;
    this.clock = clock;
    // a limit no test reaches: these tests are about queries, the limiter has tests of its own
    TracingConfig config = new TracingConfig(table, endpoint(), "us-east-1", Duration.ofDays(30), 1L << 40, Duration.ZERO,
        Duration.ZERO, TracingConfig.DEFAULT_MAX_BODY_BYTES, TestSecrets.PAGE_TOKEN_SECRET, summariesAtIngest);
    this.tracing = new Tracing(config, DynamoClients.create(endpoint(), "us-east-1"), clock);
  }

  static synchronized URI endpoint() {
    if (db == null) {
      db = LocalDynamoDb.startInMemory();
      LocalDynamoDb started = db;
      Runtime.getRuntime().addShutdownHook(new Thread(started::close));
    }
    return db.endpoint();
  }

  /** A stack over a new, empty table. */
  static QueryStack create(String name, Clock clock) {
    return new QueryStack(newTable(name), clock, true);
  }

  private static String newTable(String name) {
    String table = "query-" + name + "-" + TABLES.incrementAndGet();
    try (DynamoDbClient c = DynamoClients.create(endpoint(), "us-east-1")) {
      TableSchema.ensureTable(c, table);
    }
    return table;
  }

  /**
   * A stack over a new table whose ingest stores spans only: summaries are written when the
   * test folds the stored chunks through {@code tracing.summaryFolder()}, as the table's stream
   * feeds the summaries function in production.
   */
  static QueryStack createStreamed(String name, Clock clock) {
    return new QueryStack(newTable(name), clock, false);
  }

  /** Another stack over the same table, reading with another clock (expiry, moving windows). */
  QueryStack withClock(Clock other) {
    return new QueryStack(table, other);
  }

  /**
   * From now on, list and analytics go through an endpoint with these read budgets instead of the
   * defaults {@link Tracing} configures.
   */
  QueryStack useBudgets(int pageBudget, int windowBudget, int analyticsBudget) {
    TraceListService list = new TraceListService(index(), reader(), listPool, pageBudget, windowBudget);
    budgeted = new QueryEndpoint(list, new TraceAnalytics(index(), tracing.rollups(), analyticsBudget),
        new dev.tracing.query.ServiceMetrics(tracing.rollups()), new dev.tracing.query.ServiceMap(tracing.rollups()),
        tracing.serviceCatalog(), tracing.projects(), new IngestLimiter(tracing.projects(),
        new DynamoIngestQuota(tracing.client(), table), clock, 1L << 40, Duration.ZERO), tracing.meter(), Duration.ofDays(30),
        clock, pageBudget, PAGE_TOKENS);
    return this;
  }

  /** A list service over this stack's table with the given budgets (for tests below the HTTP shape). */
  TraceListService listService(int pageBudget, int windowBudget) {
    return new TraceListService(index(), reader(), listPool, pageBudget, windowBudget);
  }

  private QueryEndpoint queryEndpoint() {
    return budgeted != null ? budgeted : tracing.queryEndpoint();
  }

  DynamoTraceIndex index() {
    return new DynamoTraceIndex(tracing.client(), table, clock, tracing.meter(), tracing.stores().termBlocks(), listPool);
  }

  DynamoTraceReader reader() {
    return new DynamoTraceReader(tracing.client(), table, clock, tracing.meter());
  }

  static Map<String, Object> grant(long namespaceId, long projectId) {
    return AuthorizerContext.of(TokenVerdict.valid(new Grant("t", projectId, namespaceId, EnumSet.allOf(Scope.class))));
  }

  /** Sends one OTLP/protobuf export request and checks that every span was accepted. */
  void ingest(long namespaceId, long projectId, ExportTraceServiceRequest request) {
    ApiRequest r = new ApiRequest("POST", "/v3/" + namespaceId + "/" + projectId + "/ingest/traces",
        Map.of("namespaceId", Long.toString(namespaceId), "projectId", Long.toString(projectId)), "",
        Map.of("Content-Type", "application/x-protobuf"), request.toByteArray(), grant(namespaceId, projectId));
    ApiResponse response = tracing.ingestEndpoint().handle(r);
    assertEquals(200, response.status(), () -> "ingest answered " + response.status() + ": " + response.bodyText());
    try {
      ExportTraceServiceResponse body = ExportTraceServiceResponse.parseFrom(response.body());
      assertEquals(0, body.getPartialSuccess().getRejectedSpans(), () -> "spans rejected: " + body.getPartialSuccess());
    } catch (com.google.protobuf.InvalidProtocolBufferException e) {
      throw new AssertionError("ingest answer is not an ExportTraceServiceResponse", e);
    }
  }

  /** {@code GET /v3/query/{projectId}/traces?...}; the raw answer. */
  ApiResponse listResponse(long projectId, Params params) {
    return get(projectId, "/v3/query/" + projectId + "/traces", params, Map.of());
  }

  /** The traces list, expecting 200. */
  JsonNode list(long projectId, Params params) {
    return ok(listResponse(projectId, params), params);
  }

  ApiResponse analyticsResponse(long projectId, Params params) {
    return get(projectId, "/v3/query/" + projectId + "/traces/analytics", params, Map.of());
  }

  JsonNode analytics(long projectId, Params params) {
    return ok(analyticsResponse(projectId, params), params);
  }

  /** {@code GET /v3/query/{projectId}<route>?...}, e.g. {@code /services/metrics}; the raw answer. */
  ApiResponse getRoute(long projectId, String route, Params params) {
    return get(projectId, "/v3/query/" + projectId + route, params, Map.of());
  }

  ApiResponse detail(long projectId, String traceId) {
    ApiRequest r = new ApiRequest("GET", "/v3/query/" + projectId + "/traces/" + traceId,
        Map.of("projectId", Long.toString(projectId), "traceId", traceId), "", Map.of(), null, grant(1, projectId));
    return tracing.traceDetailEndpoint().handle(r);
  }

  private ApiResponse get(long projectId, String path, Params params, Map<String, String> extra) {
    Map<String, String> pathParams = new LinkedHashMap<>(extra);
    pathParams.put("projectId", Long.toString(projectId));
    ApiRequest r = new ApiRequest("GET", path, pathParams, params.raw(), Map.of(), null, grant(1, projectId));
    return queryEndpoint().handle(r);
  }

  private static JsonNode ok(ApiResponse response, Params params) {
    assertEquals(200, response.status(), () -> "?" + params.raw() + " answered " + response.status() + ": "
        + response.bodyText());
    return JSON.readTree(response.body());
  }

  @Override
  public void close() {
    listPool.shutdownNow();
    tracing.close();
  }

  /** Query parameters in order, repeatable; rendered as a URL query string the way browsers send it. */
  static final class Params {
    private final List<String[]> pairs = new ArrayList<>();

    static Params of(String... nameValues) {
      Params p = new Params();
      for (int i = 0; i < nameValues.length; i += 2) {
        p.add(nameValues[i], nameValues[i + 1]);
      }
      return p;
    }

    Params add(String name, String value) {
      pairs.add(new String[] {name, value});
      return this;
    }

    Params with(String name, String value) {
      Params p = copy();
      p.add(name, value);
      return p;
    }

    Params withAll(Params other) {
      Params p = copy();
      p.pairs.addAll(other.pairs);
      return p;
    }

    /** A copy without the named parameters. */
    Params without(String... names) {
      Params p = new Params();
      for (String[] kv : pairs) {
        if (!List.of(names).contains(kv[0])) {
          p.pairs.add(kv);
        }
      }
      return p;
    }

    Params copy() {
      Params p = new Params();
      p.pairs.addAll(pairs);
      return p;
    }

    Map<String, List<String>> toMap() {
      Map<String, List<String>> m = new LinkedHashMap<>();
      for (String[] kv : pairs) {
        m.computeIfAbsent(kv[0], k -> new ArrayList<>()).add(kv[1]);
      }
      return m;
    }

    String raw() {
      StringBuilder sb = new StringBuilder();
      for (String[] kv : pairs) {
        if (!sb.isEmpty()) {
          sb.append('&');
        }
        sb.append(URLEncoder.encode(kv[0], StandardCharsets.UTF_8)).append('=')
            .append(URLEncoder.encode(kv[1], StandardCharsets.UTF_8));
      }
      return sb.toString();
    }

    @Override
    public String toString() {
      StringBuilder sb = new StringBuilder();
      for (String[] kv : pairs) {
        if (!sb.isEmpty()) {
          sb.append('&');
        }
        sb.append(kv[0]).append('=').append(kv[1]);
      }
      return sb.toString();
    }
  }

  /** A clock tests move by hand. */
  static final class MutableClock extends Clock {
    private final AtomicReference<Instant> now;

    MutableClock(Instant start) {
      this.now = new AtomicReference<>(start);
    }

    void advance(Duration d) {
      now.updateAndGet(t -> t.plus(d));
    }

    @Override
    public Instant instant() {
      return now.get();
    }

    @Override
    public ZoneId getZone() {
      return ZoneOffset.UTC;
    }

    @Override
    public Clock withZone(ZoneId zone) {
      return this;
    }
  }
}
