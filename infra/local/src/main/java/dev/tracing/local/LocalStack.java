package dev.tracing.local;

import dev.tracing.admin.ProjectAdmin;
import dev.tracing.dynamodblocal.SupervisedDynamoDb;
import dev.tracing.model.Project;
import dev.tracing.model.Scope;
import dev.tracing.runtime.Tracing;
import dev.tracing.config.TracingConfig;
import dev.tracing.storage.dynamodb.DynamoClients;
import dev.tracing.storage.dynamodb.TableSchema;
import java.io.IOException;
import java.net.URI;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.EnumSet;
import java.util.concurrent.atomic.AtomicReference;

/**
 * The whole product in one process: a local DynamoDB (or an existing one), the table, every
 * function behind the local gateway, and the web frontend. The local DynamoDB is supervised: when
 * its process dies it is started again on the same port and data directory (see
 * {@link SupervisedDynamoDb}); requests meanwhile get 503, and are served again once it is back.
 */
public final class LocalStack implements AutoCloseable {

  /**
   * @param dataDir where the local DynamoDB keeps its data ({@code null}: in memory, for tests)
   * @param dynamoPort port for the local DynamoDB (0: any free one); ignored with an endpoint
   * @param dynamoEndpoint an existing DynamoDB to use instead of starting one, or {@code null}
   */
  public record Options(int port, Path dataDir, int dynamoPort, URI dynamoEndpoint, String table, boolean createDemo,
                        Duration tokenCache, Duration limitCache) {
    public static Options forTests() {
      return new Options(0, null, 0, null, TracingConfig.DEFAULT_TABLE, false, Duration.ZERO, Duration.ZERO);
    }

    public Options withDynamoEndpoint(URI endpoint) {
      return new Options(port, dataDir, dynamoPort, endpoint, table, createDemo, tokenCache, limitCache);
    }

    public Options withPort(int p) {
      return new Options(p, dataDir, dynamoPort, dynamoEndpoint, table, createDemo, tokenCache, limitCache);
    }
  }

  /** The project and token made on a first start. */
  public record Demo(Project project, String token) {
  }

  private final SupervisedDynamoDb dynamo;
  private final Tracing tracing;
  private final LocalFunctions functions;
  private final LocalGateway gateway;
  private final URI dynamoEndpoint;
  private final Demo demo;
  /** Runs the compactor function every minute, as the cloud's schedule does every few minutes. */
  private final java.util.concurrent.ScheduledExecutorService scheduler;
  static final java.time.Duration COMPACTION_PERIOD = java.time.Duration.ofMinutes(1);
  private static final java.util.logging.Logger LOG = java.util.logging.Logger.getLogger(LocalStack.class.getName());

  private LocalStack(SupervisedDynamoDb dynamo, URI dynamoEndpoint, Tracing tracing, LocalFunctions functions, LocalGateway gateway,
                     Demo demo) {
    this.dynamo = dynamo;
    this.dynamoEndpoint = dynamoEndpoint;
    this.tracing = tracing;
    this.functions = functions;
    this.gateway = gateway;
    this.demo = demo;
    this.scheduler = java.util.concurrent.Executors.newSingleThreadScheduledExecutor(r -> {
      Thread t = new Thread(r, "tracing-compactor");
      t.setDaemon(true);
      return t;
    });
    scheduler.scheduleWithFixedDelay(this::compactQuietly, COMPACTION_PERIOD.toSeconds(), COMPACTION_PERIOD.toSeconds(),
        java.util.concurrent.TimeUnit.SECONDS);
  }

  /**
   * Runs the compactor function now, as its schedule does: hourly rollup cells from the minute
   * cells of every project's finished hours, and the term blocks of the hours written to.
   *
   * @return the function's answer: {@code {"projects": n, "hours_compacted": n, "term_block_hours": n}}
   */
  public java.util.Map<String, Object> compact() {
    return functions.compactor().apply(java.util.Map.of());
  }

  private void compactQuietly() {
    try {
      compact();
    } catch (RuntimeException e) {
      // the store may be down or restarting: the next run compacts what this one did not
      LOG.log(java.util.logging.Level.WARNING, "rollup compaction failed; it runs again in " + COMPACTION_PERIOD.toSeconds() + " s: "
          + e.getMessage());
    }
  }

  public static LocalStack start(Options options) throws IOException {
    SupervisedDynamoDb dynamo = null;
    Tracing tracing = null;
    LocalFunctions functions = null;
    LocalGateway gateway = null;
    AtomicReference<Tracing> startedTracing = null;
    try {
      URI endpoint = options.dynamoEndpoint();
      if (endpoint == null) {
        AtomicReference<Tracing> started = new AtomicReference<>();
        // a restart in memory comes back empty: the table is made again (a no-op on the data dir)
        Runnable afterRestart = () -> {
          Tracing t = started.get();
          if (t != null) {
            TableSchema.ensureTable(t.client(), t.config().table());
          }
        };
        dynamo = SupervisedDynamoDb.start(options.dataDir() == null ? null : options.dataDir().resolve("dynamodb"),
            options.dynamoPort(), afterRestart);
        startedTracing = started;
        endpoint = dynamo.endpoint();
      }
      TracingConfig config = TracingConfig.local(endpoint, options.table()).withCaches(options.tokenCache(), options.limitCache());
      if (options.dataDir() != null) {
        config = config.withPageTokenSecret(PageTokenSecretFile.readOrCreate(options.dataDir()));
      }
      tracing = new Tracing(config, DynamoClients.create(endpoint, config.region()), Clock.systemUTC());
      if (startedTracing != null) {
        startedTracing.set(tracing);
      }
      TableSchema.ensureTable(tracing.client(), config.table());
      functions = LocalFunctions.start(tracing);
      gateway = LocalGateway.start(functions, options.port());
      // only once the port is ours: a failed start must not leave a demo token nobody saw
      Demo demo = options.createDemo() ? createDemoIfEmpty(tracing) : null;
      return new LocalStack(dynamo, endpoint, tracing, functions, gateway, demo);
    } catch (IOException | RuntimeException e) {
      if (gateway != null) {
        gateway.close();
      }
      if (functions != null) {
        functions.close();
      }
      if (tracing != null) {
        tracing.close();
      }
      if (dynamo != null) {
        dynamo.close();
      }
      throw e;
    }
  }

  private static Demo createDemoIfEmpty(Tracing tracing) {
    ProjectAdmin admin = admin(tracing);
    if (!admin.listProjects().isEmpty()) {
      return null;
    }
    Project project = admin.createProject(1, "demo");
    ProjectAdmin.CreatedToken token = admin.createToken(project.projectId(), EnumSet.allOf(Scope.class), "demo", null);
    return new Demo(project, token.secret());
  }

  static ProjectAdmin admin(Tracing tracing) {
    return new ProjectAdmin(tracing.projects(), tracing.tokens(), Clock.systemUTC(), tracing.config().defaultBytesPerMinute());
  }

  public ProjectAdmin admin() {
    return admin(tracing);
  }

  public URI baseUri() {
    return gateway.baseUri();
  }

  public URI dynamoEndpoint() {
    return dynamoEndpoint;
  }

  public Tracing tracing() {
    return tracing;
  }

  public Demo demo() {
    return demo;
  }

  /** The local DynamoDB this stack started and supervises, or {@code null} when it uses an existing one. */
  public SupervisedDynamoDb dynamo() {
    return dynamo;
  }

  /** The ingest URL of a project, as {@code OTEL_EXPORTER_OTLP_TRACES_ENDPOINT} wants it. */
  public String ingestUrl(Project project) {
    return baseUri() + "/v3/" + project.namespaceId() + "/" + project.projectId() + "/ingest/traces";
  }

  @Override
  public void close() {
    scheduler.shutdownNow();
    gateway.close();
    functions.close();
    tracing.close();
    if (dynamo != null) {
      dynamo.close();
    }
  }
}
