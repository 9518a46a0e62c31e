package dev.tracing.local;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.protobuf.ByteString;
import dev.tracing.admin.ProjectAdmin;
import dev.tracing.model.Project;
import dev.tracing.model.Scope;
import dev.tracing.testing.OtlpFixtures;
import io.opentelemetry.api.common.AttributeKey;
import io.opentelemetry.api.common.Attributes;
import io.opentelemetry.api.common.Value;
import io.opentelemetry.proto.collector.trace.v1.ExportTraceServiceRequest;
import io.opentelemetry.proto.common.v1.AnyValue;
import io.opentelemetry.proto.common.v1.ArrayValue;
import io.opentelemetry.proto.common.v1.InstrumentationScope;
import io.opentelemetry.proto.common.v1.KeyValue;
import io.opentelemetry.proto.common.v1.KeyValueList;
import io.opentelemetry.proto.resource.v1.Resource;
import io.opentelemetry.proto.trace.v1.ResourceSpans;
import io.opentelemetry.proto.trace.v1.ScopeSpans;
import io.opentelemetry.proto.trace.v1.Span;
import io.opentelemetry.proto.trace.v1.Status;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import tools.jackson.databind.JsonNode;

/**
 * The OpenTelemetry Java SDK, configured only by environment variables as a user configures it,
 * exports one trace in its own JVM; the trace read back through the query API must say exactly
 * what was sent, field by field.
 */
class JavaSdkIngestTest {
  static final String SERVICE = "checkout-java";
  static final String RESOURCE_ATTRIBUTES =
      "deployment.environment.name=e2e,service.version=1.2.3,service.instance.id=e2e-instance-1,team=tracing";

  static LocalStack stack;
  static Project project;
  static String token;

  @BeforeAll
  static void start() throws Exception {
    stack = LocalStack.start(LocalStack.Options.forTests());
    ProjectAdmin admin = stack.admin();
    project = admin.createProject(11, "java-sdk");
    token = admin.createToken(project.projectId(), EnumSet.allOf(Scope.class), "sdk", null).secret();
  }

  @AfterAll
  static void stop() {
    if (stack != null) {
      stack.close();
    }
  }

  /** What a user sets, and nothing else (compression {@code none} is left unset, the default). */
  static Map<String, String> sdkEnvironment(String ingestUrl, String token, String compression) {
    Map<String, String> env = Http.env(
        "OTEL_TRACES_EXPORTER", "otlp",
        "OTEL_METRICS_EXPORTER", "none",
        "OTEL_LOGS_EXPORTER", "none",
        "OTEL_EXPORTER_OTLP_TRACES_PROTOCOL", "http/protobuf",
        "OTEL_EXPORTER_OTLP_TRACES_ENDPOINT", ingestUrl,
        "OTEL_EXPORTER_OTLP_TRACES_HEADERS", "PRIVATE-TOKEN=" + token,
        "OTEL_SERVICE_NAME", SERVICE,
        "OTEL_RESOURCE_ATTRIBUTES", RESOURCE_ATTRIBUTES);
    if (!compression.equals("none")) {
      env.put("OTEL_EXPORTER_OTLP_TRACES_COMPRESSION", compression);
    }
    return env;
  }

  /** Runs {@link SdkTraceSender} and returns what it printed; fails with its output unless the export succeeded. */
  static JsonNode runSender(Map<String, String> env) {
    try (ChildJava sender = ChildJava.start(SdkTraceSender.class.getName(), List.of(), env)) {
      String line = sender.awaitLine(l -> l.startsWith("{\"trace_id\""), Duration.ofSeconds(60));
      int exit = sender.awaitExit(Duration.ofSeconds(30));
      assertEquals(0, exit, "the SDK reported a failed export\n" + sender.output());
      assertFalse(sender.stderr().contains("Failed to export"), "the SDK logged an export failure\n" + sender.output());
      return Http.JSON.readTree(line);
    }
  }

  @ParameterizedTest(name = "compression {0}")
  @ValueSource(strings = {"none", "gzip"})
  void traceFromTheJavaSdkReadsBackExactlyAsSent(String compression) {
    JsonNode sent = runSender(sdkEnvironment(stack.ingestUrl(project), token, compression));
    String traceId = sent.path("trace_id").asString();

    Http.Reply reply = Http.getTrace(stack.baseUri(), project.projectId(), traceId, token).expect(200);
    JsonNode answer = reply.json();

    ExportTraceServiceRequest expected = expectedRequest(sent);
    TraceAssertions.assertTraceEquals(expected, traceId, project.projectId(), answer);

    // The values that are easiest to get subtly wrong, spelled out.
    JsonNode server = answer.path("spans").get(0);
    assertEquals(sent.path("server").asString(), server.path("span_id").asString());
    assertEquals("SPAN_KIND_SERVER", server.path("span_kind").asString());
    assertEquals("", server.path("parent_span_id").asString());
    assertEquals(SdkTraceSender.SERVER_END - SdkTraceSender.SERVER_START, server.path("duration_nano").asLong());
    JsonNode attrs = server.path("span_attributes");
    assertTrue(attrs.path("cache.hit").isBoolean(), "bool stays a JSON boolean: " + attrs);
    assertEquals(200, attrs.path("http.response.status_code").intValue(), "int stays a JSON number: " + attrs);
    assertEquals(0.25, attrs.path("sample.ratio").doubleValue(), "double stays a JSON number: " + attrs);
    assertEquals("9007199254740993", attrs.path("order.big_id").stringValue(), "int64 beyond 2^53 is a string: " + attrs);
    assertEquals("9007199254740993", attrs.path("order.quantities").get(2).stringValue(), "also inside arrays: " + attrs);
    assertEquals(42, attrs.path("order.details").path("customer").path("id").intValue(), "nested map value: " + attrs);
    assertEquals(1.0e300, attrs.path("order.prices").get(2).doubleValue());
    assertEquals("Grüße, 世界 \"quoted\"\n", attrs.path("unicode.text").stringValue());
    assertEquals(SERVICE, server.path("resource_attributes").path("service.name").asString());
    assertEquals("e2e", server.path("resource_attributes").path("deployment.environment.name").asString());
    JsonNode link = server.path("links").get(0);
    assertEquals(sent.path("link_trace_id").asString(), link.path("trace_id").asString());
    assertEquals(SdkTraceSender.LINK_TRACE_STATE, link.path("trace_state").asString());
    JsonNode client = answer.path("spans").get(1);
    assertEquals("STATUS_CODE_ERROR", client.path("status_code").asString());
    assertEquals(SdkTraceSender.ERROR_MESSAGE, client.path("status_message").asString());
    assertEquals(sent.path("server").asString(), client.path("parent_span_id").asString());
    assertEquals("SPAN_KIND_INTERNAL", answer.path("spans").get(2).path("span_kind").asString());
    assertEquals("STATUS_CODE_ERROR", answer.path("status_code").asString());
  }

  /** The request the SDK sent, rebuilt from the sender's constants and printed ids. */
  static ExportTraceServiceRequest expectedRequest(JsonNode sent) {
    long base = sent.path("base_nano").asLong();
    ByteString traceId = OtlpFixtures.traceId(sent.path("trace_id").asString());
    ByteString server = OtlpFixtures.traceId(sent.path("server").asString());
    ByteString client = OtlpFixtures.traceId(sent.path("client").asString());
    ByteString internal = OtlpFixtures.traceId(sent.path("internal").asString());

    Resource.Builder resource = Resource.newBuilder();
    Attributes sdkDefaults = io.opentelemetry.sdk.resources.Resource.getDefault().getAttributes();
    sdkDefaults.forEach((k, v) -> {
      if (!k.getKey().equals("service.name")) {
        resource.addAttributes(keyValue(k, v));
      }
    });
    resource.addAttributes(OtlpFixtures.attr("service.name", SERVICE));
    for (String pair : RESOURCE_ATTRIBUTES.split(",")) {
      String[] kv = pair.split("=", 2);
      resource.addAttributes(OtlpFixtures.attr(kv[0], kv[1]));
    }

    List<KeyValue> serverAttributes = new ArrayList<>(attributes(SdkTraceSender.serverAttributes()));
    serverAttributes.add(KeyValue.newBuilder().setKey("order.details").setValue(anyValue(SdkTraceSender.orderDetails())).build());

    Span serverSpan = Span.newBuilder()
        .setTraceId(traceId).setSpanId(server)
        .setName(SdkTraceSender.SERVER_NAME).setKind(Span.SpanKind.SPAN_KIND_SERVER)
        .setStartTimeUnixNano(base + SdkTraceSender.SERVER_START).setEndTimeUnixNano(base + SdkTraceSender.SERVER_END)
        .addAllAttributes(serverAttributes)
        .addEvents(Span.Event.newBuilder().setName("request received").setTimeUnixNano(base + SdkTraceSender.SERVER_EVENT)
            .addAllAttributes(attributes(SdkTraceSender.eventAttributes())))
        .addLinks(Span.Link.newBuilder()
            .setTraceId(OtlpFixtures.traceId(sent.path("link_trace_id").asString()))
            .setSpanId(OtlpFixtures.traceId(sent.path("link_span_id").asString()))
            .setTraceState(SdkTraceSender.LINK_TRACE_STATE)
            .addAttributes(OtlpFixtures.attr("link.reason", "follows-from"))
            .addAttributes(OtlpFixtures.attr("link.index", 1L)))
        .build();
    Span clientSpan = Span.newBuilder()
        .setTraceId(traceId).setSpanId(client).setParentSpanId(server)
        .setName(SdkTraceSender.CLIENT_NAME).setKind(Span.SpanKind.SPAN_KIND_CLIENT)
        .setStartTimeUnixNano(base + SdkTraceSender.CLIENT_START).setEndTimeUnixNano(base + SdkTraceSender.CLIENT_END)
        .addAttributes(OtlpFixtures.attr("server.address", "inventory.internal"))
        .addAttributes(OtlpFixtures.attr("server.port", 8443L))
        .addAttributes(OtlpFixtures.attr("http.request.resend_count", 2L))
        .addEvents(Span.Event.newBuilder().setName("exception").setTimeUnixNano(base + SdkTraceSender.CLIENT_EVENT)
            .addAttributes(OtlpFixtures.attr("exception.type", "java.net.http.HttpTimeoutException"))
            .addAttributes(OtlpFixtures.attr("exception.message", "request timed out"))
            .addAttributes(OtlpFixtures.attr("exception.escaped", false)))
        .setStatus(Status.newBuilder().setCode(Status.StatusCode.STATUS_CODE_ERROR).setMessage(SdkTraceSender.ERROR_MESSAGE))
        .build();
    Span internalSpan = Span.newBuilder()
        .setTraceId(traceId).setSpanId(internal).setParentSpanId(client)
        .setName(SdkTraceSender.INTERNAL_NAME).setKind(Span.SpanKind.SPAN_KIND_INTERNAL)
        .setStartTimeUnixNano(base + SdkTraceSender.INTERNAL_START).setEndTimeUnixNano(base + SdkTraceSender.INTERNAL_END)
        .addAttributes(OtlpFixtures.attr("payload.bytes", 0L))
        .addAttributes(OtlpFixtures.attr("payload.valid", true))
        .addEvents(Span.Event.newBuilder().setName("parsed").setTimeUnixNano(base + SdkTraceSender.INTERNAL_EVENT))
        .setStatus(Status.newBuilder().setCode(Status.StatusCode.STATUS_CODE_OK))
        .build();
    return ExportTraceServiceRequest.newBuilder()
        .addResourceSpans(ResourceSpans.newBuilder().setResource(resource)
            .addScopeSpans(ScopeSpans.newBuilder()
                .setScope(InstrumentationScope.newBuilder().setName(SdkTraceSender.SCOPE_NAME).setVersion(SdkTraceSender.SCOPE_VERSION))
                .addSpans(serverSpan).addSpans(clientSpan).addSpans(internalSpan)))
        .build();
  }

  /** OpenTelemetry API attributes as OTLP key-values, the mapping the OTLP specification gives. */
  static List<KeyValue> attributes(Attributes attributes) {
    List<KeyValue> out = new ArrayList<>();
    attributes.forEach((k, v) -> out.add(keyValue(k, v)));
    return out;
  }

  static KeyValue keyValue(AttributeKey<?> key, Object value) {
    AnyValue v = switch (key.getType()) {
      case STRING -> AnyValue.newBuilder().setStringValue((String) value).build();
      case BOOLEAN -> AnyValue.newBuilder().setBoolValue((Boolean) value).build();
      case LONG -> AnyValue.newBuilder().setIntValue((Long) value).build();
      case DOUBLE -> AnyValue.newBuilder().setDoubleValue((Double) value).build();
      case STRING_ARRAY, BOOLEAN_ARRAY, LONG_ARRAY, DOUBLE_ARRAY -> {
        ArrayValue.Builder a = ArrayValue.newBuilder();
        for (Object item : (List<?>) value) {
          a.addValues(scalar(item));
        }
        yield AnyValue.newBuilder().setArrayValue(a).build();
      }
      case VALUE -> anyValue((Value<?>) value);
    };
    return KeyValue.newBuilder().setKey(key.getKey()).setValue(v).build();
  }

  static AnyValue scalar(Object item) {
    if (item instanceof String s) {
      return AnyValue.newBuilder().setStringValue(s).build();
    }
    if (item instanceof Boolean b) {
      return AnyValue.newBuilder().setBoolValue(b).build();
    }
    if (item instanceof Long l) {
      return AnyValue.newBuilder().setIntValue(l).build();
    }
    return AnyValue.newBuilder().setDoubleValue((Double) item).build();
  }

  @SuppressWarnings("unchecked")
  static AnyValue anyValue(Value<?> value) {
    return switch (value.getType()) {
      case STRING, BOOLEAN, LONG, DOUBLE -> scalar(value.getValue());
      case BYTES -> AnyValue.newBuilder().setBytesValue(ByteString.copyFrom(((ByteBuffer) value.getValue()).duplicate())).build();
      case ARRAY -> {
        ArrayValue.Builder a = ArrayValue.newBuilder();
        for (Value<?> item : (List<Value<?>>) value.getValue()) {
          a.addValues(anyValue(item));
        }
        yield AnyValue.newBuilder().setArrayValue(a).build();
      }
      case KEY_VALUE_LIST -> {
        KeyValueList.Builder kvs = KeyValueList.newBuilder();
        for (io.opentelemetry.api.common.KeyValue kv : (List<io.opentelemetry.api.common.KeyValue>) value.getValue()) {
          kvs.addValues(KeyValue.newBuilder().setKey(kv.getKey()).setValue(anyValue(kv.getValue())));
        }
        yield AnyValue.newBuilder().setKvlistValue(kvs).build();
      }
      default -> AnyValue.getDefaultInstance();
    };
  }
}
