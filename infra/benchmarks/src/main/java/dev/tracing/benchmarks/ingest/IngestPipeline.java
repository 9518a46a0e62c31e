package dev.tracing.benchmarks.ingest;

import dev.tracing.api.ApiRequest;
import dev.tracing.api.ApiResponse;
import dev.tracing.api.IngestEndpoint;
import dev.tracing.auth.AuthorizerContext;
import dev.tracing.auth.TokenVerdict;
import dev.tracing.ingest.IngestLimiter;
import dev.tracing.ingest.IngestService;
import dev.tracing.model.Grant;
import dev.tracing.model.Scope;
import dev.tracing.otlp.OtlpBody;
import dev.tracing.config.TracingConfig;
import dev.tracing.storage.dynamodb.CapacityMeter;
import dev.tracing.storage.dynamodb.DynamoIngestQuota;
import dev.tracing.storage.dynamodb.DynamoProjectStore;
import dev.tracing.storage.dynamodb.DynamoServiceCatalog;
import dev.tracing.storage.dynamodb.DynamoTraceWriter;
import dev.tracing.otlp.TraceBatcher;
import java.net.URI;
import java.time.Clock;
import java.time.Duration;
import java.util.EnumSet;
import java.util.List;
import java.util.Map;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;

/**
 * The ingest function's work for one request, composed as {@code Tracing} composes it (body
 * decoding, rate limiter, batcher, DynamoDB writer, service catalog, OTLP response), over a
 * DynamoDB client whose HTTP layer answers at once ({@link CannedDynamoHttpClient}): one request,
 * one core. As deployed, ingest stores the request's span pack and answers; with
 * {@code foldAtIngest} it also folds it into summaries and rollups on the calling thread (the
 * local stack's mode: the CPU of ingest and of the summaries function together).
 */
public final class IngestPipeline implements AutoCloseable {
  public static final long PROJECT = 1;
  public static final long NAMESPACE = 1;
  private static final String TABLE = "tracing";
  private static final Duration RETENTION = Duration.ofDays(30);

  private final CannedDynamoHttpClient http = new CannedDynamoHttpClient();
  private final DynamoDbClient client;
  private final IngestEndpoint endpoint;
  private final DynamoTraceWriter writer;
  private final dev.tracing.benchmarks.capacity.StreamEmulation stream = new dev.tracing.benchmarks.capacity.StreamEmulation();
  private final Map<String, Object> grant;

  public IngestPipeline() {
    this(false);
  }

  public IngestPipeline(boolean foldAtIngest) {
    this(foldAtIngest, false);
  }

  /** @param recordPacks keep the span packs ingest writes, for {@link #writtenPacks()} (memory grows with them) */
  public IngestPipeline(boolean foldAtIngest, boolean recordPacks) {
    client = DynamoDbClient.builder()
        .httpClient(http)
        .endpointOverride(URI.create("http://127.0.0.1:1"))
        .region(Region.US_EAST_1)
        .credentialsProvider(StaticCredentialsProvider.create(AwsBasicCredentials.create("bench", "bench")))
        .overrideConfiguration(c -> {
          if (recordPacks) {
            c.addExecutionInterceptor(stream);
          }
        })
        .build();
    Clock clock = Clock.systemUTC();
    IngestLimiter limiter = new IngestLimiter(new DynamoProjectStore(client, TABLE, clock), new DynamoIngestQuota(client, TABLE),
        clock, Long.MAX_VALUE / 4, Duration.ofSeconds(10));
    CapacityMeter meter = new CapacityMeter();
    writer = new DynamoTraceWriter(client, TABLE, RETENTION, null, meter,
        new dev.tracing.storage.dynamodb.DynamoRollupStore(client, TABLE, clock, RETENTION, null, meter),
        new dev.tracing.storage.dynamodb.DynamoTermBlocks(client, TABLE, clock, RETENTION, Duration.ZERO, meter), foldAtIngest);
    endpoint = new IngestEndpoint(new IngestService(new OtlpBody(TracingConfig.DEFAULT_MAX_BODY_BYTES), limiter, new TraceBatcher(RETENTION, foldAtIngest), writer,
        new DynamoServiceCatalog(client, TABLE, clock, RETENTION), clock));
    grant = AuthorizerContext.of(TokenVerdict.valid(new Grant("bench", PROJECT, NAMESPACE, EnumSet.allOf(Scope.class))));
  }

  /** One OTLP/HTTP export request through the ingest endpoint. */
  public ApiResponse handle(String contentType, String contentEncoding, byte[] body) {
    Map<String, String> headers = contentEncoding == null ? Map.of("content-type", contentType)
        : Map.of("content-type", contentType, "content-encoding", contentEncoding);
    return endpoint.handle(new ApiRequest("POST", "/v3/1/1/ingest/traces",
        Map.of("namespaceId", Long.toString(NAMESPACE), "projectId", Long.toString(PROJECT)), "", headers, body, grant));
  }

  /** The span packs ingest wrote since the last call, as the table's stream would show them. */
  public List<Map<String, software.amazon.awssdk.services.dynamodb.model.AttributeValue>> writtenPacks() {
    return stream.drain();
  }

  /** The summaries function's fold over this pipeline's (canned) store: every trace reads as new. */
  public dev.tracing.ingest.SummaryFolder summaryFolder() {
    return new dev.tracing.ingest.SummaryFolder(writer);
  }

  public CannedDynamoHttpClient http() {
    return http;
  }

  @Override
  public void close() {
    client.close();
  }
}
