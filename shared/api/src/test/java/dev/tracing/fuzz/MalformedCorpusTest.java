package dev.tracing.fuzz;

import static dev.tracing.query.TestSecrets.PAGE_TOKENS;
import static dev.tracing.fuzz.BadInputContract.NOW;
import static dev.tracing.fuzz.BadInputContract.PROJECT_ID;
import static dev.tracing.fuzz.BadInputContract.RETENTION;
import static dev.tracing.fuzz.BadInputContract.checkClientMessage;
import static dev.tracing.fuzz.BadInputContract.checkQueryBounds;
import static dev.tracing.fuzz.BadInputContract.nanos;
import static dev.tracing.fuzz.BadInputContract.queryText;
import static dev.tracing.fuzz.BadInputContract.splitChecked;
import static dev.tracing.fuzz.BadInputContract.withinCpuBudget;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import com.google.protobuf.InvalidProtocolBufferException;
import dev.tracing.api.ApiRequest;
import dev.tracing.api.ApiResponse;
import dev.tracing.api.QueryEndpoint;
import dev.tracing.auth.AuthorizerContext;
import dev.tracing.auth.TokenVerdict;
import dev.tracing.ingest.IngestLimiter;
import dev.tracing.model.Grant;
import dev.tracing.model.Project;
import dev.tracing.model.Scope;
import dev.tracing.otlp.OtlpBody;
import dev.tracing.query.InvalidParameterException;
import dev.tracing.query.PageToken;
import dev.tracing.query.TraceAnalytics;
import dev.tracing.query.TraceListService;
import dev.tracing.query.TraceQuery;
import dev.tracing.query.TraceQueryParser;
import dev.tracing.config.TracingConfig;
import dev.tracing.testing.GzipBombs;
import dev.tracing.testing.OtlpFixtures;
import dev.tracing.testing.OtlpJsonWriter;
import dev.tracing.otlp.TraceBatcher;
import io.opentelemetry.proto.collector.trace.v1.ExportTraceServiceRequest;
import io.opentelemetry.proto.common.v1.KeyValue;
import io.opentelemetry.proto.trace.v1.Span;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.Reader;
import java.io.UncheckedIOException;
import java.net.URISyntaxException;
import java.net.URL;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.ZoneOffset;
import java.util.Arrays;
import java.util.Base64;
import java.util.Collections;
import java.util.EnumSet;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Random;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.stream.IntStream;
import java.util.stream.Stream;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * The malformed-request corpus (src/test/resources/corpus): every entry gets the answer it
 * documents, a 4xx with a message saying what is wrong, or for span-level problems a partial
 * rejection with the reason; never another exception.
 *
 * <p>{@code corpus/ingest/NAME.properties} describes one ingest request, run through
 * {@link OtlpBody#read} and {@link TraceBatcher#split} as the ingest function does:
 * <dl>
 *   <dt>{@code body}<dd>a file beside it; or {@code generate}: a generator of this class and its
 *       arguments, for bodies too large to keep in the repository; neither: an empty body
 *   <dt>{@code content-type}, {@code content-encoding}<dd>the headers; absent: not sent
 *   <dt>{@code project-limit}<dd>the project's ingest limit in bytes per minute; absent: the
 *       raised limit ({@link Project#RAISED_BYTES_PER_MINUTE}), the largest a project can have
 *   <dt>{@code expect-status}, {@code expect-message}<dd>the refusal (400, 413, 415) and a part
 *       of its message; or
 *   <dt>{@code expect-accepted}, {@code expect-rejected}, {@code expect-message}<dd>the request
 *       decodes, and its spans are accepted or rejected so, the message a part of the reason
 *   <dt>{@code or-refused}<dd>with {@code expect-accepted}: statuses (e.g. {@code 400,413}) that
 *       would do as well, for bugs that can be fixed either by keeping the spans or by refusing
 * </dl>
 *
 * <p>{@code corpus/query/NAME.properties} describes one query string (as on the wire, undecoded):
 * {@code query} or {@code generate}; {@code route} ({@code traces} unless given, or
 * {@code traces/analytics}); {@code expect-status} (200 or 400), {@code expect-parameter} (the
 * parameter the refusal names; {@code query} for URL-encoding errors) and {@code expect-message}.
 * Each runs through {@link ApiRequest#queryParameters()} and {@link TraceQueryParser}, then
 * through the {@link QueryEndpoint} over an empty in-memory store, as clients see it.
 *
 * <p>A crash found by fuzzing becomes an entry here: save the input beside a properties file
 * saying what the answer must be.
 */
class MalformedCorpusTest {
  private static final OtlpBody BODIES = new OtlpBody(TracingConfig.DEFAULT_MAX_BODY_BYTES); // production's cap
  private static final JsonMapper JSON = JsonMapper.builder().build();
  private static final String TRACE_ID = "5b8efff798038103d269b633813fc60c";
  private static final Map<String, Object> AUTHORIZED =
      AuthorizerContext.of(TokenVerdict.valid(new Grant("corpus", PROJECT_ID, 7, EnumSet.allOf(Scope.class))));

  private static final ExecutorService READS = Executors.newSingleThreadExecutor(r -> {
    Thread t = new Thread(r, "corpus-trace-reads");
    t.setDaemon(true);
    return t;
  });

  @TestFactory
  Stream<DynamicTest> ingest() {
    return entries("corpus/ingest").map(entry -> DynamicTest.dynamicTest(entry.name() + ": " + entry.get("description"),
        entry.file().toUri(), () -> runIngest(entry)));
  }

  @TestFactory
  Stream<DynamicTest> query() {
    return entries("corpus/query").map(entry -> DynamicTest.dynamicTest(entry.name() + ": " + entry.get("description"),
        entry.file().toUri(), () -> runQuery(entry)));
  }

  // ---------------------------------------------------------------------------------------------
  // Ingest

  private static void runIngest(Entry entry) {
    byte[] body = new byte[0];
    String contentType = entry.get("content-type");
    if (entry.has("body")) {
      body = entry.read(entry.get("body"));
    }
    if (entry.has("generate")) {
      Generated g = IngestBodies.generate(entry.get("generate"), body);
      body = g.body();
      contentType = g.contentType() != null ? g.contentType() : contentType;
    }
    String contentEncoding = entry.get("content-encoding");
    ExportTraceServiceRequest request;
    try {
      String type = contentType;
      byte[] bytes = body;
      long limit = entry.has("project-limit") ? Long.parseLong(entry.get("project-limit")) : Project.RAISED_BYTES_PER_MINUTE;
      request = withinCpuBudget("reading the body", () -> BODIES.read(type, contentEncoding, bytes, limit));
    } catch (OtlpBody.BodyException e) {
      if (entry.has("expect-status")) {
        assertEquals(Integer.parseInt(entry.get("expect-status")), e.status(), e::getMessage);
      } else if (entry.has("or-refused")) {
        assertTrue(List.of(entry.get("or-refused").split(",")).contains(Integer.toString(e.status())),
            () -> "refused with " + e.status() + " (" + e.getMessage() + "); the entry allows " + entry.get("or-refused"));
      } else {
        fail("refused with " + e.status() + " (" + e.getMessage() + "), but the entry expects it to decode with "
            + entry.get("expect-accepted") + " spans accepted and " + entry.get("expect-rejected") + " rejected");
      }
      if (entry.has("expect-message")) {
        assertMessage(entry, e.getMessage());
      }
      checkClientMessage(e.getMessage(), contentType + "\n" + contentEncoding + "\n" + new String(body, StandardCharsets.ISO_8859_1));
      return;
    } catch (RuntimeException e) {
      throw new AssertionError("not a 4xx: OtlpBody.read threw " + e, e);
    }
    if (entry.has("expect-status")) {
      fail("decoded (" + request.getResourceSpansCount() + " resource spans), but the entry expects " + entry.get("expect-status")
          + " '" + entry.get("expect-message") + "'");
    }
    TraceBatcher.Batch batch;
    try {
      batch = splitChecked(request);
    } catch (RuntimeException e) {
      throw new AssertionError("span validation threw " + e, e);
    }
    assertEquals(Integer.parseInt(entry.get("expect-accepted")), batch.acceptedSpans(),
        () -> "accepted spans; rejected: " + batch.rejectedSpans() + " " + batch.rejectionMessage());
    assertEquals(Integer.parseInt(entry.get("expect-rejected")), batch.rejectedSpans(), batch::rejectionMessage);
    if (entry.has("expect-message")) {
      assertMessage(entry, batch.rejectionMessage());
    }
  }

  /** A body (and, for some, a Content-Type) made in code: too large, or too regular, to keep as a file. */
  record Generated(byte[] body, String contentType) {
  }

  // ---------------------------------------------------------------------------------------------
  // Query

  private static void runQuery(Entry entry) {
    String rawQuery = entry.has("generate") ? QueryStrings.generate(entry.get("generate")) : entry.get("query");
    boolean analytics = "traces/analytics".equals(entry.get("route"));
    int expectedStatus = Integer.parseInt(entry.get("expect-status"));

    // the parsers, as the function calls them
    String refusedParameter = null;
    String refusal = null;
    Map<String, List<String>> params = null;
    try {
      params = new ApiRequest("GET", "/v3/query/42/traces", Map.of("projectId", "42"), rawQuery, Map.of(), null, Map.of())
          .queryParameters();
    } catch (IllegalArgumentException e) {
      refusedParameter = "query"; // not valid URL encoding: the endpoint answers 400 for it
      refusal = e.getMessage();
    }
    if (params != null) {
      try {
        TraceQuery q = analytics
            ? TraceQueryParser.parseAnalytics(params, PROJECT_ID, NOW)
            : TraceQueryParser.parseList(params, PROJECT_ID, NOW, PAGE_TOKENS);
        checkQueryBounds(q, !analytics);
      } catch (InvalidParameterException e) {
        refusedParameter = e.parameter();
        refusal = e.getMessage();
        assertTrue(refusal.contains(e.parameter()),
            () -> "the message does not name the parameter '" + e.parameter() + "': " + e.getMessage());
      } catch (RuntimeException e) {
        throw new AssertionError("not a 400: the query parser threw " + e, e);
      }
    }
    if (expectedStatus == 200) {
      assertNull(refusal, "refused " + refusedParameter);
    } else {
      assertTrue(refusal != null, "accepted, but the entry expects 400 '" + entry.get("expect-message") + "'");
      if (entry.has("expect-parameter")) {
        assertEquals(entry.get("expect-parameter"), refusedParameter, refusal);
      }
    }

    // the endpoint, as clients see it
    ApiResponse response;
    try {
      response = queryEndpoint().handle(new ApiRequest("GET", "/v3/query/42/" + (analytics ? "traces/analytics" : "traces"),
          Map.of("projectId", "42"), rawQuery, Map.of(), null, AUTHORIZED));
    } catch (RuntimeException e) {
      throw new AssertionError("not a 4xx: QueryEndpoint.handle threw " + e, e);
    }
    assertEquals(expectedStatus, response.status(), response::bodyText);
    JsonNode json = JSON.readTree(response.body());
    if (expectedStatus == 400) {
      assertEquals("invalid_parameter", json.path("error").asString(), response::bodyText);
      String message = json.path("message").asString();
      assertMessage(entry, message);
      checkClientMessage(message, queryText(rawQuery));
    }
  }

  /** The list-traces function's endpoint over an empty in-memory store, which asserts that scans stay within 7 days. */
  private static QueryEndpoint queryEndpoint() {
    InMemoryTraceStore store = new InMemoryTraceStore(PROJECT_ID, 7, Project.DEFAULT_BYTES_PER_MINUTE);
    Clock clock = Clock.fixed(NOW, ZoneOffset.UTC);
    IngestLimiter limiter = new IngestLimiter(store, store, clock, Project.DEFAULT_BYTES_PER_MINUTE, Duration.ZERO);
    return new QueryEndpoint(new TraceListService(store, store, READS, 1000, 5000), new TraceAnalytics(store, store, 5000),
        new dev.tracing.query.ServiceMetrics(store), new dev.tracing.query.ServiceMap(store), store, store, limiter,
        dev.tracing.storage.ReadCapacity.NONE, RETENTION, clock, 1000, PAGE_TOKENS);
  }

  private static void assertMessage(Entry entry, String message) {
    String expected = entry.get("expect-message");
    assertTrue(message.contains(expected), () -> "the message does not say '" + expected + "': "
        + (message.length() > 500 ? message.substring(0, 500) + "... (" + message.length() + " characters)" : message));
  }

  // ---------------------------------------------------------------------------------------------
  // Generators

  /** Ingest bodies made in code; the name and arguments come from an entry's {@code generate}. */
  static final class IngestBodies {
    private IngestBodies() {
    }

    static Generated generate(String spec, byte[] body) {
      String[] a = spec.trim().split("\\s+");
      return switch (a[0]) {
        case "gzip-bomb" -> new Generated(gzipZeros(Long.parseLong(a[1])), null);
        case "nested-gzip-bomb" -> new Generated(Seeds.gzip(gzipZeros(Long.parseLong(a[1]))), null);
        case "zeros" -> new Generated(new byte[Integer.parseInt(a[1])], null);
        case "long-content-type" -> new Generated(body, "application/" + "x".repeat(Integer.parseInt(a[1])));
        case "deep-anyvalue-protobuf" -> new Generated(withAttributes(nested(Integer.parseInt(a[1]))).toByteArray(), null);
        case "deep-anyvalue-json" -> new Generated(deepAnyValueJson(Integer.parseInt(a[1])), null);
        case "deep-json-arrays" -> new Generated(deepArraysJson(Integer.parseInt(a[1])), null);
        case "huge-attribute-value-protobuf" -> new Generated(withAttributes(stringAttribute("x".repeat(Integer.parseInt(a[1]))))
            .toByteArray(), null);
        case "huge-attribute-value-json" -> new Generated(OtlpJsonWriter.writeRequest(withAttributes(
            stringAttribute("x".repeat(Integer.parseInt(a[1]))))), null);
        case "many-attributes-protobuf" -> new Generated(withAttributes(manyAttributes(Integer.parseInt(a[1]))).toByteArray(), null);
        case "many-attributes-json" -> new Generated(OtlpJsonWriter.writeRequest(withAttributes(
            manyAttributes(Integer.parseInt(a[1])))), null);
        case "many-empty-attributes-protobuf-gzip" -> new Generated(Seeds.gzip(manyEmptyAttributes(Integer.parseInt(a[1]))), null);
        case "huge-resource-protobuf" -> new Generated(hugeResource(Integer.parseInt(a[1])).toByteArray(), null);
        default -> throw new IllegalArgumentException("no ingest generator '" + a[0] + "'");
      };
    }

    /** gzip of {@code size} zero bytes ({@link GzipBombs}): deflate caps its ratio near 1000:1, so 1 GiB makes ~1 MB. */
    static byte[] gzipZeros(long size) {
      return GzipBombs.zeros(size);
    }

    private static KeyValue[] nested(int depth) {
      return new KeyValue[] {
          KeyValue.newBuilder().setKey("deep").setValue(Seeds.nested(depth)).build()};
    }

    private static KeyValue[] stringAttribute(String value) {
      return new KeyValue[] {OtlpFixtures.attr("big", value)};
    }

    private static KeyValue[] manyAttributes(int count) {
      KeyValue[] out = new KeyValue[count];
      for (int i = 0; i < count; i++) {
        out[i] = OtlpFixtures.attr("k" + i, i);
      }
      return out;
    }

    /** One valid span (a minute before {@link BadInputContract#NOW}) with these attributes. */
    static ExportTraceServiceRequest withAttributes(KeyValue... attributes) {
      return OtlpFixtures.request(OtlpFixtures.service("checkout"),
          OtlpFixtures.span(OtlpFixtures.traceId(TRACE_ID), 1, 0, "op",
              nanos(NOW) - 60_000_000_000L, 1_000_000, false, attributes));
    }

    /** One valid span whose attributes field holds {@code count} empty KeyValues: 2 bytes of body each. */
    private static byte[] manyEmptyAttributes(int count) {
      byte[] span = withAttributes().getResourceSpans(0).getScopeSpans(0).getSpans(0).toByteArray();
      byte[] withEmpty = Arrays.copyOf(span, span.length + 2 * count);
      for (int i = span.length; i < withEmpty.length; i += 2) {
        withEmpty[i] = 0x4A; // field 9 (attributes), length-delimited
      }
      try {
        Span parsed = Span.parseFrom(withEmpty);
        return OtlpFixtures.request(OtlpFixtures.service("checkout"), parsed).toByteArray();
      } catch (InvalidProtocolBufferException e) {
        throw new IllegalStateException(e);
      }
    }

    /** One small span under a resource with an incompressible attribute of {@code bytes} bytes. */
    private static ExportTraceServiceRequest hugeResource(int bytes) {
      byte[] noise = new byte[bytes * 3 / 4];
      new Random(7).nextBytes(noise);
      String value = Base64.getEncoder().encodeToString(noise);
      ExportTraceServiceRequest r = withAttributes();
      return r.toBuilder().setResourceSpans(0, r.getResourceSpans(0).toBuilder().setResource(r.getResourceSpans(0).getResource()
          .toBuilder().addAttributes(OtlpFixtures.attr("host.fingerprint", value)))).build();
    }

    private static byte[] deepAnyValueJson(int depth) {
      StringBuilder value = new StringBuilder();
      value.append("{\"arrayValue\":{\"values\":[".repeat(depth)).append("{\"stringValue\":\"leaf\"}").append("]}}".repeat(depth));
      return spanJson("\"attributes\":[{\"key\":\"deep\",\"value\":" + value + "}]");
    }

    private static byte[] deepArraysJson(int depth) {
      return spanJson("\"x-unknown\":" + "[".repeat(depth) + "]".repeat(depth));
    }

    private static byte[] spanJson(String extraFields) {
      long start = nanos(NOW) - 60_000_000_000L;
      return ("{\"resourceSpans\":[{\"scopeSpans\":[{\"spans\":[{\"traceId\":\"" + TRACE_ID + "\",\"spanId\":\"0000000000000001\","
          + "\"name\":\"op\",\"startTimeUnixNano\":\"" + start + "\",\"endTimeUnixNano\":\"" + (start + 1000) + "\","
          + extraFields + "}]}]}]}").getBytes(StandardCharsets.UTF_8);
    }
  }

  /** Query strings made in code; the name and arguments come from an entry's {@code generate}. */
  static final class QueryStrings {
    private static final long HOUR = 3_600_000_000_000L;

    private QueryStrings() {
    }

    static String generate(String spec) {
      String[] a = spec.trim().split("\\s+");
      return switch (a[0]) {
        case "long-value" -> a[1] + "=" + "a".repeat(Integer.parseInt(a[2]));
        case "long-name" -> "a".repeat(Integer.parseInt(a[1])) + "=1";
        case "repeat" -> String.join("&", Collections.nCopies(Integer.parseInt(a[2]), a[1]));
        case "distinct-unknown" -> String.join("&", IntStream.range(0, Integer.parseInt(a[1]))
            .mapToObj(i -> "p" + i + "=1").toList());
        case "page-token-of-project" -> "page_token=" + issued(Long.parseLong(a[1]), "");
        case "page-token-of-query" -> "page_token=" + issued(PROJECT_ID, a[1] + "\u0000x\u0001\u0002");
        case "modified-page-token" -> {
          char[] token = issued(PROJECT_ID, "").toCharArray();
          token[20] = token[20] == 'A' ? 'B' : 'A';
          yield "page_token=" + new String(token);
        }
        case "forged-page-token" -> "page_token=" + PAGE_TOKENS.encode(PROJECT_ID, "", Long.parseLong(a[1]), Long.parseLong(a[2]),
            new PageToken.Cursor(Long.parseLong(a[2]) - 1, TRACE_ID));
        default -> throw new IllegalArgumentException("no query generator '" + a[0] + "'");
      };
    }

    /** A token as the list issues it: the last hour, resuming just before now. */
    private static String issued(long projectId, String fingerprint) {
      long now = nanos(NOW);
      return PAGE_TOKENS.encode(projectId, fingerprint, now - HOUR, now, new PageToken.Cursor(now - 1, TRACE_ID));
    }
  }

  // ---------------------------------------------------------------------------------------------
  // Entries

  /** One corpus entry: its properties and the directory its body files are in. */
  record Entry(Path file, Properties properties) {
    String name() {
      String f = file.getFileName().toString();
      return f.substring(0, f.length() - ".properties".length());
    }

    boolean has(String key) {
      return properties.containsKey(key);
    }

    String get(String key) {
      return properties.getProperty(key);
    }

    byte[] read(String sibling) {
      try {
        return Files.readAllBytes(file.resolveSibling(sibling));
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
    }
  }

  private static Stream<Entry> entries(String directory) {
    URL url = MalformedCorpusTest.class.getResource("/" + directory);
    assertTrue(url != null && "file".equals(url.getProtocol()), "the corpus is on the test class path as files: " + url);
    try (Stream<Path> files = Files.list(Path.of(url.toURI()))) {
      List<Entry> entries = files.filter(f -> f.getFileName().toString().endsWith(".properties")).sorted().map(f -> {
        Properties p = new Properties();
        try (InputStream in = Files.newInputStream(f); Reader r = new InputStreamReader(in, StandardCharsets.UTF_8)) {
          p.load(r);
        } catch (IOException e) {
          throw new UncheckedIOException(e);
        }
        return new Entry(f, p);
      }).toList();
      assertFalse(entries.isEmpty(), "no entries in " + directory);
      return entries.stream();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } catch (URISyntaxException e) {
      throw new IllegalStateException(e);
    }
  }
}
