package dev.tracing.fuzz;

import static dev.tracing.query.TestSecrets.PAGE_TOKENS;
import static dev.tracing.fuzz.BadInputContract.NOW;
import static dev.tracing.fuzz.BadInputContract.PROJECT_ID;
import static dev.tracing.fuzz.BadInputContract.RETENTION;
import static dev.tracing.fuzz.BadInputContract.checkClientMessage;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.params.provider.Arguments.arguments;

import com.code_intelligence.jazzer.junit.FuzzTest;
import com.code_intelligence.jazzer.mutation.annotation.ElementOf;
import com.code_intelligence.jazzer.mutation.annotation.NotNull;
import com.code_intelligence.jazzer.mutation.annotation.WithLength;
import com.code_intelligence.jazzer.mutation.annotation.WithUtf8Length;
import com.google.protobuf.CodedInputStream;
import dev.tracing.api.ApiRequest;
import dev.tracing.api.ApiResponse;
import dev.tracing.api.IngestEndpoint;
import dev.tracing.api.QueryEndpoint;
import dev.tracing.api.TraceDetailEndpoint;
import dev.tracing.auth.AuthorizerContext;
import dev.tracing.auth.TokenVerdict;
import dev.tracing.ingest.IngestLimiter;
import dev.tracing.ingest.IngestService;
import dev.tracing.model.Grant;
import dev.tracing.model.Project;
import dev.tracing.model.Scope;
import dev.tracing.otlp.OtlpBody;
import dev.tracing.query.TraceAnalytics;
import dev.tracing.query.TraceListService;
import io.opentelemetry.proto.collector.trace.v1.ExportTraceServiceResponse;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.ZoneOffset;
import java.util.EnumSet;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.stream.Stream;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * The ingest, list and detail endpoints end to end over an in-memory store (no DynamoDB): a
 * fuzzed body is ingested, a fuzzed query string is run against what was stored, and every
 * stored trace is read back. Each answer must be a documented status with a well-formed body:
 * ingest 200/400/413/415/429, queries 200/400, details 200; never a 5xx or an exception.
 */
class EndpointFuzzTest {
  private static final long NAMESPACE_ID = 7;
  private static final Clock CLOCK = Clock.fixed(NOW, ZoneOffset.UTC);
  private static final Map<String, Object> AUTHORIZED =
      AuthorizerContext.of(TokenVerdict.valid(new Grant("fuzz", PROJECT_ID, NAMESPACE_ID, EnumSet.allOf(Scope.class))));
  private static final Set<Integer> INGEST_STATUSES = Set.of(200, 400, 413, 415, 429);
  private static final JsonMapper JSON = JsonMapper.builder().build();
  private static final ExecutorService READS = Executors.newFixedThreadPool(2, r -> {
    Thread t = new Thread(r, "fuzz-trace-reads");
    t.setDaemon(true);
    return t;
  });

  static Stream<Arguments> ingestThenQuery() {
    byte[] proto = Seeds.fixture("js-http-proto.bin");
    byte[] json = Seeds.fixture("js-http-json.json");
    return Stream.of(
        arguments("application/x-protobuf", null, proto, "period=7d", "traces"),
        arguments("application/json", null, json, "period=7d&sort=duration_desc&service_name=frontend", "traces"),
        arguments("application/json", null, json, "period=24h&status=error", "traces/analytics"),
        arguments("application/x-protobuf", "gzip", Seeds.fixture("js-http-proto.bin.gz"), "", "services"),
        arguments("application/x-protobuf", null, Seeds.namedRequest("many-attributes").toByteArray(),
            "period=1h&attr_name=k1&attr_value=v1&page_size=1", "traces"),
        arguments("text/plain", null, proto, "page_token=x", "traces"));
  }

  @MethodSource
  @FuzzTest(maxDuration = "4s")
  void ingestThenQuery(@WithUtf8Length(max = 100) String contentType, @WithUtf8Length(max = 20) String contentEncoding,
                       byte @NotNull @WithLength(max = 64 * 1024) [] body, @NotNull @WithUtf8Length(max = 2048) String rawQuery,
                       @NotNull @ElementOf(strings = {"traces", "traces/analytics", "services"}) String route) throws IOException {
    InMemoryTraceStore store = new InMemoryTraceStore(PROJECT_ID, NAMESPACE_ID, Project.DEFAULT_BYTES_PER_MINUTE);
    IngestLimiter limiter = new IngestLimiter(store, store, CLOCK, Project.DEFAULT_BYTES_PER_MINUTE, Duration.ZERO);
    IngestEndpoint ingest = new IngestEndpoint(new IngestService(new OtlpBody(64 * 1024), limiter, BadInputContract.BATCHER,
        store, store, CLOCK));
    QueryEndpoint query = new QueryEndpoint(new TraceListService(store, store, READS, 1000, 5000), new TraceAnalytics(store, store, 5000),
        new dev.tracing.query.ServiceMetrics(store), new dev.tracing.query.ServiceMap(store), store, store, limiter,
        dev.tracing.storage.ReadCapacity.NONE, RETENTION, CLOCK, 1000, PAGE_TOKENS);
    TraceDetailEndpoint detail = new TraceDetailEndpoint(store, dev.tracing.storage.ReadCapacity.NONE);

    Map<String, String> headers = new LinkedHashMap<>();
    if (contentType != null) {
      headers.put("Content-Type", contentType);
    }
    if (contentEncoding != null) {
      headers.put("Content-Encoding", contentEncoding);
    }
    ApiRequest post = new ApiRequest("POST", "/v3/7/42/ingest/traces", Map.of("namespaceId", "7", "projectId", "42"), "", headers,
        body, AUTHORIZED);
    ApiResponse ingested = BadInputContract.withinCpuBudget("ingest", () -> ingest.handle(post));
    checkIngestAnswer(ingested, OtlpBody.encodingOf(contentType), contentType + "\n" + contentEncoding + "\n"
        + new String(body, StandardCharsets.ISO_8859_1));

    ApiResponse listed = query.handle(new ApiRequest("GET", "/v3/query/42/" + route, Map.of("projectId", "42"), rawQuery, Map.of(),
        null, AUTHORIZED));
    assertTrue(listed.status() == 200 || listed.status() == 400, () -> listed.status() + " for ?" + rawQuery + ": " + listed.bodyText());
    JsonNode answer = JSON.readTree(listed.body());
    if (listed.status() == 400) {
      assertEquals("invalid_parameter", answer.path("error").asString());
      checkClientMessage(answer.path("message").asString(), BadInputContract.queryText(rawQuery));
    }

    for (String traceId : store.traceIds()) {
      ApiResponse trace = detail.handle(new ApiRequest("GET", "/v3/query/42/traces/" + traceId,
          Map.of("projectId", "42", "traceId", traceId.toUpperCase(Locale.ROOT)), "", Map.of(), null, AUTHORIZED));
      assertEquals(200, trace.status(), trace::bodyText);
      assertEquals(traceId, JSON.readTree(trace.body()).path("trace_id").asString());
    }
  }

  private static void checkIngestAnswer(ApiResponse r, OtlpBody.Encoding encoding, String input) throws IOException {
    assertTrue(INGEST_STATUSES.contains(r.status()), () -> "ingest answered " + r.status() + ": " + r.bodyText());
    if (encoding == OtlpBody.Encoding.PROTOBUF) {
      assertEquals(ApiResponse.PROTOBUF, r.header("Content-Type"));
      if (r.status() == 200) {
        ExportTraceServiceResponse.parseFrom(r.body());
      } else {
        checkClientMessage(statusMessage(r.body()), input);
      }
      return;
    }
    assertEquals(ApiResponse.JSON, r.header("Content-Type"));
    JsonNode body = JSON.readTree(r.body());
    if (r.status() != 200) {
      assertEquals(r.status() == 429 ? 8 : 3, body.path("code").asInt(-1), "the gRPC code OTLP pairs with " + r.status());
      checkClientMessage(body.path("message").asString(), input);
    }
  }

  /** The message of a protobuf google.rpc.Status (field 2); the google.rpc classes are not on the class path. */
  private static String statusMessage(byte[] status) throws IOException {
    CodedInputStream in = CodedInputStream.newInstance(status);
    String message = null;
    for (int tag; (tag = in.readTag()) != 0; ) {
      if (tag == (2 << 3 | 2)) {
        message = in.readStringRequireUtf8();
      } else {
        in.skipField(tag);
      }
    }
    return message;
  }
}
