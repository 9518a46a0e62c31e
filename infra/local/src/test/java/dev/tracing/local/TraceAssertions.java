package dev.tracing.local;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.protobuf.ByteString;
import io.opentelemetry.proto.collector.trace.v1.ExportTraceServiceRequest;
import io.opentelemetry.proto.common.v1.AnyValue;
import io.opentelemetry.proto.common.v1.InstrumentationScope;
import io.opentelemetry.proto.common.v1.KeyValue;
import io.opentelemetry.proto.resource.v1.Resource;
import io.opentelemetry.proto.trace.v1.ResourceSpans;
import io.opentelemetry.proto.trace.v1.ScopeSpans;
import io.opentelemetry.proto.trace.v1.Span;
import io.opentelemetry.proto.trace.v1.Status;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Comparator;
import java.util.HexFormat;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.regex.Pattern;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ArrayNode;
import tools.jackson.databind.node.JsonNodeFactory;
import tools.jackson.databind.node.ObjectNode;

/**
 * What the trace-detail answer must say about spans that were sent, worked out from the OTLP
 * request on its own (not with the product's view code), and compared field by field.
 */
final class TraceAssertions {
  /** The span fields the contract lists for {@code GET /v3/query/{projectId}/traces/{traceId}}. */
  static final List<String> SPAN_FIELDS = List.of("span_id", "trace_id", "parent_span_id", "timestamp", "timestamp_nano",
      "duration_nano", "service_name", "operation", "span_kind", "scope_name", "scope_version", "status_code",
      "status_message", "trace_state", "span_attributes", "resource_attributes", "events", "links");
  static final Pattern RFC3339_NANOS = Pattern.compile("\\d{4}-\\d\\d-\\d\\dT\\d\\d:\\d\\d:\\d\\d\\.\\d{9}Z");
  private static final long MAX_SAFE_INTEGER = (1L << 53) - 1;
  private static final JsonNodeFactory NODES = JsonNodeFactory.instance;

  private TraceAssertions() {
  }

  /** A span as sent, with the resource and scope it was sent under. */
  record Sent(Resource resource, InstrumentationScope scope, Span span) {
    String spanId() {
      return hex(span.getSpanId());
    }

    boolean isRoot() {
      return span.getParentSpanId().isEmpty();
    }

    boolean isError() {
      return span.getStatus().getCode() == Status.StatusCode.STATUS_CODE_ERROR;
    }
  }

  static String hex(ByteString id) {
    return HexFormat.of().formatHex(id.toByteArray());
  }

  /** The spans of one trace in a request, in the order the answer must list them (start time, then span id). */
  static List<Sent> spansOf(ExportTraceServiceRequest request, String traceId) {
    List<Sent> out = new ArrayList<>();
    for (ResourceSpans rs : request.getResourceSpansList()) {
      for (ScopeSpans ss : rs.getScopeSpansList()) {
        for (Span s : ss.getSpansList()) {
          if (hex(s.getTraceId()).equals(traceId)) {
            out.add(new Sent(rs.getResource(), ss.getScope(), s));
          }
        }
      }
    }
    out.sort(Comparator.comparingLong((Sent s) -> s.span().getStartTimeUnixNano()).thenComparing(Sent::spanId));
    return out;
  }

  /** The trace ids of a request, in order of first appearance. */
  static Set<String> traceIds(ExportTraceServiceRequest request) {
    Set<String> ids = new LinkedHashSet<>();
    request.getResourceSpansList().forEach(rs -> rs.getScopeSpansList().forEach(ss -> ss.getSpansList()
        .forEach(s -> ids.add(hex(s.getTraceId())))));
    return ids;
  }

  /**
   * Asserts that a trace-detail answer holds exactly the spans of {@code traceId} in {@code sent},
   * in order, every field equal, plus the trace-level fields that follow from them.
   */
  static void assertTraceEquals(ExportTraceServiceRequest sent, String traceId, long projectId, JsonNode answer) {
    List<Sent> expected = spansOf(sent, traceId);
    assertFalse(expected.isEmpty(), "the request has no span of trace " + traceId);
    assertEquals(projectId, answer.path("project_id").asLong(), "project_id");
    assertEquals(traceId, answer.path("trace_id").asString(), "trace_id");
    assertTraceSummary(expected, answer);
    JsonNode spans = answer.path("spans");
    assertTrue(spans.isArray(), "spans must be an array: " + answer);
    List<String> expectedOrder = expected.stream().map(Sent::spanId).toList();
    List<String> actualOrder = new ArrayList<>();
    spans.forEach(s -> actualOrder.add(s.path("span_id").asString()));
    assertEquals(expectedOrder, actualOrder, "span ids, in start-time order");
    for (int i = 0; i < expected.size(); i++) {
      assertSpanEquals(expected.get(i), spans.get(i));
    }
  }

  static void assertTraceSummary(List<Sent> expected, JsonNode answer) {
    Sent head = expected.stream().filter(Sent::isRoot).findFirst().orElse(expected.get(0));
    boolean hasRoot = expected.stream().anyMatch(Sent::isRoot);
    long errors = expected.stream().filter(Sent::isError).count();
    long start = head.span().getStartTimeUnixNano();
    assertEquals(start, answer.path("timestamp_nano").asLong(), "trace timestamp_nano (the root span's start)");
    assertTimestamp(start, answer.path("timestamp"), "trace timestamp");
    assertEquals(serviceName(head.resource()), answer.path("service_name").asString(), "trace service_name");
    assertEquals(head.span().getName(), answer.path("span_name").asString(), "trace span_name");
    assertEquals(head.span().getEndTimeUnixNano() - start, answer.path("duration_nano").asLong(), "trace duration_nano");
    assertEquals(expected.size(), answer.path("total_spans").asInt(), "total_spans");
    assertEquals(errors, answer.path("error_span_count").asLong(), "error_span_count");
    assertEquals(errors > 0 ? "STATUS_CODE_ERROR" : statusName(head.span().getStatus()), answer.path("status_code").asString(),
        "trace status_code");
    assertEquals(!hasRoot, answer.path("in_progress").asBoolean(), "in_progress");
  }

  static void assertSpanEquals(Sent sent, JsonNode actual) {
    String id = sent.spanId();
    ObjectNode expected = expectedSpan(sent);
    for (String field : SPAN_FIELDS) {
      assertNotNull(actual.get(field), "span " + id + " has no field " + field + ": " + actual);
      if (field.equals("timestamp")) {
        assertTimestamp(sent.span().getStartTimeUnixNano(), actual.get(field), "span " + id + " timestamp");
      } else if (field.equals("events")) {
        assertEvents(sent, actual.get(field));
      } else {
        assertEquals(normalize(expected.get(field)), actual.get(field), "span " + id + " field " + field);
      }
    }
  }

  private static void assertEvents(Sent sent, JsonNode actual) {
    List<Span.Event> events = sent.span().getEventsList();
    assertEquals(events.size(), actual.size(), "span " + sent.spanId() + " events: " + actual);
    for (int i = 0; i < events.size(); i++) {
      Span.Event e = events.get(i);
      JsonNode a = actual.get(i);
      String where = "span " + sent.spanId() + " event " + i + " (" + e.getName() + ")";
      assertEquals(e.getName(), a.path("name").asString(), where + " name");
      assertEquals(e.getTimeUnixNano(), a.path("timestamp_nano").asLong(), where + " timestamp_nano");
      assertTimestamp(e.getTimeUnixNano(), a.path("timestamp"), where + " timestamp");
      assertEquals(normalize(attributes(e.getAttributesList())), a.path("attributes"), where + " attributes");
    }
  }

  static void assertTimestamp(long unixNano, JsonNode actual, String what) {
    String text = actual.asString();
    assertTrue(RFC3339_NANOS.matcher(text).matches(), what + " must be RFC 3339 UTC with nine fraction digits, got " + text);
    assertEquals(Instant.ofEpochSecond(0, unixNano), Instant.parse(text), what);
  }

  /** The JSON the contract promises for a span, independent of the product's code. */
  static ObjectNode expectedSpan(Sent sent) {
    Span s = sent.span();
    ObjectNode o = NODES.objectNode();
    o.put("span_id", hex(s.getSpanId()));
    o.put("trace_id", hex(s.getTraceId()));
    o.put("parent_span_id", s.getParentSpanId().isEmpty() ? "" : hex(s.getParentSpanId()));
    o.put("timestamp_nano", s.getStartTimeUnixNano());
    o.put("duration_nano", s.getEndTimeUnixNano() - s.getStartTimeUnixNano());
    o.put("service_name", serviceName(sent.resource()));
    o.put("operation", s.getName());
    o.put("span_kind", s.getKind().name());
    o.put("scope_name", sent.scope().getName());
    o.put("scope_version", sent.scope().getVersion());
    o.put("status_code", statusName(s.getStatus()));
    o.put("status_message", s.getStatus().getMessage());
    o.put("trace_state", s.getTraceState());
    o.set("span_attributes", attributes(s.getAttributesList()));
    o.set("resource_attributes", attributes(sent.resource().getAttributesList()));
    ArrayNode links = o.putArray("links");
    for (Span.Link l : s.getLinksList()) {
      ObjectNode link = links.addObject();
      link.put("trace_id", hex(l.getTraceId()));
      link.put("span_id", hex(l.getSpanId()));
      link.put("trace_state", l.getTraceState());
      link.set("attributes", attributes(l.getAttributesList()));
    }
    return o;
  }

  static String statusName(Status status) {
    return switch (status.getCode()) {
      case STATUS_CODE_OK -> "STATUS_CODE_OK";
      case STATUS_CODE_ERROR -> "STATUS_CODE_ERROR";
      default -> "STATUS_CODE_UNSET";
    };
  }

  static String serviceName(Resource r) {
    for (KeyValue kv : r.getAttributesList()) {
      if (kv.getKey().equals("service.name")) {
        return kv.getValue().getStringValue();
      }
    }
    return "unknown_service";
  }

  /** Attributes as the contract writes them: an object whose values keep their JSON type. */
  static ObjectNode attributes(List<KeyValue> list) {
    ObjectNode o = NODES.objectNode();
    for (KeyValue kv : list) {
      if (!o.has(kv.getKey())) {
        o.set(kv.getKey(), value(kv.getValue()));
      }
    }
    return o;
  }

  static JsonNode value(AnyValue v) {
    return switch (v.getValueCase()) {
      case STRING_VALUE -> NODES.stringNode(v.getStringValue());
      case BOOL_VALUE -> NODES.booleanNode(v.getBoolValue());
      case INT_VALUE -> Math.abs(v.getIntValue()) <= MAX_SAFE_INTEGER && v.getIntValue() != Long.MIN_VALUE
          ? NODES.numberNode(v.getIntValue()) : NODES.stringNode(Long.toString(v.getIntValue()));
      case DOUBLE_VALUE -> NODES.numberNode(v.getDoubleValue());
      case BYTES_VALUE -> NODES.stringNode(Base64.getEncoder().encodeToString(v.getBytesValue().toByteArray()));
      case ARRAY_VALUE -> {
        ArrayNode a = NODES.arrayNode();
        v.getArrayValue().getValuesList().forEach(item -> a.add(value(item)));
        yield a;
      }
      case KVLIST_VALUE -> attributes(v.getKvlistValue().getValuesList());
      default -> NODES.nullNode();
    };
  }

  /** Through text and back, so that number node types compare as they parse (502 is an int, not a long). */
  static JsonNode normalize(JsonNode node) {
    return Http.JSON.readTree(Http.JSON.writeValueAsString(node));
  }
}
