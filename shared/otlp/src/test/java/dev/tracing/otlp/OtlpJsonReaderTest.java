package dev.tracing.otlp;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.protobuf.ByteString;
import io.opentelemetry.proto.collector.trace.v1.ExportTraceServiceRequest;
import dev.tracing.testing.OtlpJsonWriter;
import io.opentelemetry.proto.common.v1.AnyValue;
import io.opentelemetry.proto.common.v1.ArrayValue;
import io.opentelemetry.proto.common.v1.EntityRef;
import io.opentelemetry.proto.common.v1.InstrumentationScope;
import io.opentelemetry.proto.common.v1.KeyValue;
import io.opentelemetry.proto.common.v1.KeyValueList;
import io.opentelemetry.proto.resource.v1.Resource;
import io.opentelemetry.proto.trace.v1.ResourceSpans;
import io.opentelemetry.proto.trace.v1.ScopeSpans;
import io.opentelemetry.proto.trace.v1.Span;
import io.opentelemetry.proto.trace.v1.Status;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.zip.GZIPInputStream;
import org.junit.jupiter.api.Test;

class OtlpJsonReaderTest {

  // ---------------------------------------------------------------------------------------------
  // Fixtures captured from the OpenTelemetry JS SDK (see src/test/js/capture-fixtures.mjs).

  @Test
  void capturedJsonParsesToExactlyWhatTheProtobufExporterSentForTheSameSpans() throws IOException {
    ExportTraceServiceRequest fromJson = OtlpJsonReader.parseRequest(resource("js-http-json.json"));
    ExportTraceServiceRequest fromProto =
        ExportTraceServiceRequest.parseFrom(resource("js-http-proto.bin"));

    assertEquals(fromProto, fromJson);
  }

  @Test
  void capturedJsonCarriesTheRecordedTrace() {
    ExportTraceServiceRequest request = OtlpJsonReader.parseRequest(resource("js-http-json.json"));

    assertEquals(1, request.getResourceSpansCount());
    ResourceSpans rs = request.getResourceSpans(0);
    assertEquals("https://opentelemetry.io/schemas/1.26.0", rs.getSchemaUrl());
    assertEquals(string("checkout"), attribute(rs.getResource().getAttributesList(), "service.name"));
    assertEquals(AnyValue.newBuilder().setIntValue(4242).build(),
        attribute(rs.getResource().getAttributesList(), "process.pid"));

    assertEquals(2, rs.getScopeSpansCount());
    ScopeSpans http = rs.getScopeSpans(0);
    assertEquals("checkout-http", http.getScope().getName());
    assertEquals("1.4.2", http.getScope().getVersion());
    assertEquals("https://opentelemetry.io/schemas/1.24.0", http.getSchemaUrl());
    assertEquals(List.of("cart-updated publish", "GET /inventory", "compute-total", "POST /checkout"),
        http.getSpansList().stream().map(Span::getName).toList());

    Span producer = http.getSpans(0);
    Span root = http.getSpans(3);
    assertEquals(ByteString.fromHex("109d9b695b705ab0c47f9f1ff36c12d8"), root.getTraceId());
    assertEquals(ByteString.fromHex("b7cb373d13dbd61e"), root.getSpanId());
    assertTrue(root.getParentSpanId().isEmpty());
    assertEquals(Span.SpanKind.SPAN_KIND_SERVER, root.getKind());
    assertEquals(1795629718945000000L, root.getStartTimeUnixNano());
    assertEquals(1795629718956103192L, root.getEndTimeUnixNano());
    assertEquals(257, root.getFlags()); // sampled + "has is_remote" bit
    assertEquals(Status.StatusCode.STATUS_CODE_ERROR, root.getStatus().getCode());
    assertEquals("payment failed", root.getStatus().getMessage());

    List<KeyValue> attrs = root.getAttributesList();
    assertEquals(string("POST"), attribute(attrs, "http.request.method"));
    assertEquals(AnyValue.newBuilder().setBoolValue(true).build(), attribute(attrs, "checkout.express"));
    assertEquals(AnyValue.newBuilder().setIntValue(502).build(), attribute(attrs, "http.response.status_code"));
    assertEquals(AnyValue.newBuilder().setIntValue(4294967296L).build(), attribute(attrs, "checkout.big_count"));
    assertEquals(AnyValue.newBuilder().setDoubleValue(123.45).build(), attribute(attrs, "checkout.total"));
    assertEquals(array(string("sku-1"), string("sku-22"), string("sku-333")), attribute(attrs, "checkout.item_ids"));
    assertEquals(array(integer(1), integer(2), integer(30)), attribute(attrs, "checkout.quantities"));
    assertEquals(array(bool(true), bool(false), bool(true)), attribute(attrs, "checkout.gift_flags"));
    assertEquals(array(dbl(9.99), dbl(0.5), dbl(100.25)), attribute(attrs, "checkout.prices"));

    assertEquals(1, root.getEventsCount());
    assertEquals("cart loaded", root.getEvents(0).getName());
    assertEquals(string("EUR"), attribute(root.getEvents(0).getAttributesList(), "cart.currency"));

    Span.Link link = root.getLinks(0);
    assertEquals(producer.getTraceId(), link.getTraceId());
    assertEquals(producer.getSpanId(), link.getSpanId());
    assertEquals("vendor1=opaque1,congo=t61rcWkgMzE", link.getTraceState());
    assertEquals(integer(7), attribute(link.getAttributesList(), "link.batch"));

    Span total = http.getSpans(2);
    assertEquals(Span.SpanKind.SPAN_KIND_INTERNAL, total.getKind());
    assertEquals(root.getSpanId(), total.getParentSpanId());
    assertEquals(1795629718948016584L, total.getEvents(0).getTimeUnixNano());
    assertEquals(1, total.getEvents(0).getDroppedAttributesCount());
    assertEquals(dbl(12.5), attribute(total.getEvents(0).getAttributesList(), "percent"));

    Span charge = rs.getScopeSpans(1).getSpans(0);
    assertEquals("checkout-payments", rs.getScopeSpans(1).getScope().getName());
    assertEquals(Span.SpanKind.SPAN_KIND_CLIENT, charge.getKind());
    assertEquals("card declined by issuer", charge.getStatus().getMessage());
    assertEquals("exception", charge.getEvents(0).getName());
    assertEquals(string("PaymentDeclinedError"), attribute(charge.getEvents(0).getAttributesList(), "exception.type"));
  }

  @Test
  void gzipFixturesDecompressToBodiesThatParseToTheSameRequest() throws IOException {
    ExportTraceServiceRequest expected = ExportTraceServiceRequest.parseFrom(resource("js-http-proto.bin"));
    byte[] jsonGz = resource("js-http-json.json.gz");
    byte[] protoGz = resource("js-http-proto.bin.gz");
    // The bodies are stored as sent: still gzip (magic 1f 8b).
    assertEquals(0x1f, jsonGz[0] & 0xff);
    assertEquals(0x8b, jsonGz[1] & 0xff);

    assertEquals(expected, OtlpJsonReader.parseRequest(gunzip(jsonGz)));
    assertEquals(expected, ExportTraceServiceRequest.parseFrom(gunzip(protoGz)));
    assertArrayEquals(resource("js-http-json.json"), gunzip(jsonGz));
  }

  @Test
  void captureNotesRecordWhatEachExporterSent() {
    String notes = new String(resource("js-capture-headers.txt"), StandardCharsets.UTF_8);
    assertTrue(notes.contains("js-http-json.json: exporter-trace-otlp-http, compression none"), notes);
    assertTrue(notes.contains("content-type: application/x-protobuf"), notes);
    assertTrue(notes.contains("content-encoding: gzip"), notes);
    assertTrue(notes.contains("@opentelemetry/sdk-trace "), notes);
  }

  @Test
  void capturedRequestSurvivesWriteThenParse() {
    ExportTraceServiceRequest captured = OtlpJsonReader.parseRequest(resource("js-http-json.json"));
    assertEquals(captured, OtlpJsonReader.parseRequest(OtlpJsonWriter.writeRequest(captured)));
  }

  // ---------------------------------------------------------------------------------------------
  // Ids

  @Test
  void traceAndSpanIdsAreHexInEitherCase() {
    byte[] expectedTrace = {
      0x5b, (byte) 0x8e, (byte) 0xff, (byte) 0xf7, (byte) 0x98, 0x03, (byte) 0x81, 0x03,
      (byte) 0xd2, 0x69, (byte) 0xb6, 0x33, (byte) 0x81, 0x3f, (byte) 0xc6, 0x0c
    };
    for (String traceId : List.of("5b8efff798038103d269b633813fc60c", "5B8EFFF798038103D269B633813FC60C")) {
      Span span = onlySpan(OtlpJsonReader.parseRequest(json(spanJson(
          "\"traceId\":\"" + traceId + "\",\"spanId\":\"EEE19b7ec3c1b174\",\"parentSpanId\":\"00f067aa0ba902b7\""))));
      assertArrayEquals(expectedTrace, span.getTraceId().toByteArray());
      assertEquals(ByteString.fromHex("eee19b7ec3c1b174"), span.getSpanId());
      assertEquals(ByteString.fromHex("00f067aa0ba902b7"), span.getParentSpanId());
    }
  }

  @Test
  void emptyIdMeansAbsent() {
    Span span = onlySpan(OtlpJsonReader.parseRequest(json(spanJson(
        "\"traceId\":\"5b8efff798038103d269b633813fc60c\",\"spanId\":\"eee19b7ec3c1b174\",\"parentSpanId\":\"\""))));
    assertTrue(span.getParentSpanId().isEmpty());
  }

  /** What a span-level defect reads as: never a failed request, always a span the batcher refuses. */
  private static final ByteString BAD_TRACE_ID = ByteString.copyFrom(new byte[17]);
  private static final ByteString BAD_SPAN_ID = ByteString.copyFrom(new byte[9]);

  @Test
  void hexIdOfTheWrongLengthIsCarriedAsItsBytesAsProtobufWould() {
    Span wrong = OtlpJsonReader.parseRequest(resource("hex-id-wrong-length.json")).getResourceSpans(0).getScopeSpans(1).getSpans(3);
    assertEquals(15, wrong.getTraceId().size());
    assertEquals(ByteString.fromHex("0102030405060708"), onlySpan(OtlpJsonReader.parseRequest(json(spanJson(
        "\"traceId\":\"0102030405060708\"")))).getTraceId());
    assertEquals(ByteString.fromHex("eee19b7ec3c1b174eee19b7ec3c1b174"), onlySpan(OtlpJsonReader.parseRequest(json(spanJson(
        "\"spanId\":\"eee19b7ec3c1b174eee19b7ec3c1b174\"")))).getSpanId());
    assertEquals(ByteString.fromHex("eee19b7ec3c1b174"), onlySpan(OtlpJsonReader.parseRequest(json(spanJson(
        "\"links\":[{},{\"traceId\":\"eee19b7ec3c1b174\"}]")))).getLinks(1).getTraceId());
  }

  @Test
  void anIdThatIsNotHexReadsAsALengthNoIdHas() {
    assertEquals(BAD_TRACE_ID, onlySpan(OtlpJsonReader.parseRequest(json(spanJson("\"traceId\":\"5b8efg7798038103d269b633813fc60c\""))))
        .getTraceId());
    // Fullwidth digits are digits to Character.digit but not hex to OTLP.
    assertEquals(BAD_SPAN_ID, onlySpan(OtlpJsonReader.parseRequest(json(spanJson("\"spanId\":\"\uff11ee19b7ec3c1b174\"")))).getSpanId());
    assertEquals(BAD_SPAN_ID, onlySpan(OtlpJsonReader.parseRequest(json(spanJson("\"spanId\":12")))).getSpanId());
    assertEquals(BAD_SPAN_ID, onlySpan(OtlpJsonReader.parseRequest(json(spanJson("\"spanId\":\"eee19b7ec3c1b17\"")))).getSpanId());
    assertEquals(BAD_SPAN_ID, onlySpan(OtlpJsonReader.parseRequest(json(spanJson("\"parentSpanId\":\"7u7etj1qjm7Rzct8LRUdug==\""))))
        .getParentSpanId());
    assertEquals(BAD_TRACE_ID, onlySpan(OtlpJsonReader.parseRequest(json(spanJson("\"traceId\":{\"hex\":[1,2]},\"name\":\"after\""))))
        .getTraceId());
    assertEquals("after", onlySpan(OtlpJsonReader.parseRequest(json(spanJson("\"traceId\":{\"hex\":[1,2]},\"name\":\"after\""))))
        .getName(), "reading goes on after the bad id");
    assertEquals(BAD_SPAN_ID, onlySpan(OtlpJsonReader.parseRequest(json(spanJson("\"links\":[{\"spanId\":\"xyz\"}]")))).getLinks(0)
        .getSpanId());
  }

  @Test
  void aSpanTimeThatIsNoUnsignedIntegerReadsAsMissing() {
    for (String value : List.of("-1", "\"18446744073709551616\"", "\"soon\"", "1.5", "true", "{\"n\":1}", "[1]")) {
      Span span = onlySpan(OtlpJsonReader.parseRequest(json(spanJson("\"startTimeUnixNano\":" + value + ",\"endTimeUnixNano\":"
          + value + ",\"name\":\"after\""))));
      assertEquals(0, span.getStartTimeUnixNano(), value);
      assertEquals(0, span.getEndTimeUnixNano(), value);
      assertEquals("after", span.getName(), value);
    }
  }

  // ---------------------------------------------------------------------------------------------
  // Field names, enums, unknown fields, nulls

  @Test
  void snakeCaseNamesEnumNamesAndNumericInt64sParse() {
    ExportTraceServiceRequest request = OtlpJsonReader.parseRequest(resource("snake-case-enum-names.json"));

    ResourceSpans rs = request.getResourceSpans(0);
    assertEquals("https://opentelemetry.io/schemas/1.21.0", rs.getSchemaUrl());
    assertEquals(1, rs.getResource().getDroppedAttributesCount());
    assertEquals(string("payments"), attribute(rs.getResource().getAttributesList(), "service.name"));
    ScopeSpans ss = rs.getScopeSpans(0);
    assertEquals("payments-lib", ss.getScope().getName());
    assertEquals("3.0.0", ss.getScope().getVersion());
    assertEquals("https://opentelemetry.io/schemas/1.21.0", ss.getSchemaUrl());

    Span span = ss.getSpans(0);
    assertEquals(ByteString.fromHex("5b8efff798038103d269b633813fc60c"), span.getTraceId());
    assertEquals(ByteString.fromHex("eee19b7ec3c1b174"), span.getSpanId());
    assertTrue(span.getParentSpanId().isEmpty());
    assertEquals("rojo=00f067aa0ba902b7", span.getTraceState());
    assertEquals(769, span.getFlags());
    assertEquals(Span.SpanKind.SPAN_KIND_SERVER, span.getKind());
    assertEquals(1544712660000000000L, span.getStartTimeUnixNano());
    assertEquals(1544712661000000000L, span.getEndTimeUnixNano());
    assertEquals(2, span.getDroppedAttributesCount());
    assertEquals(integer(3), attribute(span.getAttributesList(), "retries"));
    assertEquals(array(string("a"), integer(7)), attribute(span.getAttributesList(), "tags"));
    assertEquals(AnyValue.newBuilder().setKvlistValue(KeyValueList.newBuilder()
        .addValues(KeyValue.newBuilder().setKey("brand").setValue(string("visa")))).build(),
        attribute(span.getAttributesList(), "card"));
    assertEquals(AnyValue.newBuilder().setBytesValue(ByteString.fromHex("deadbeef")).build(),
        attribute(span.getAttributesList(), "token"));
    assertEquals(1544712660500000000L, span.getEvents(0).getTimeUnixNano());
    assertEquals(1, span.getEvents(0).getDroppedAttributesCount());
    assertEquals(4, span.getDroppedEventsCount());
    Span.Link link = span.getLinks(0);
    assertEquals(ByteString.fromHex("0af7651916cd43dd8448eb211c80319c"), link.getTraceId());
    assertEquals("congo=t61rcWkgMzE", link.getTraceState());
    assertEquals(3, link.getDroppedAttributesCount());
    assertEquals(256, link.getFlags());
    assertEquals(5, span.getDroppedLinksCount());
    assertEquals(Status.StatusCode.STATUS_CODE_ERROR, span.getStatus().getCode());
    assertEquals("declined", span.getStatus().getMessage());

    Span child = ss.getSpans(1);
    assertEquals(Span.SpanKind.SPAN_KIND_CLIENT, child.getKind());
    assertEquals(span.getSpanId(), child.getParentSpanId());
    assertEquals(Status.StatusCode.STATUS_CODE_OK, child.getStatus().getCode());

    // The same document in lowerCamelCase with numeric enums and string int64s is the same request.
    String camel = new String(resource("snake-case-enum-names.json"), StandardCharsets.UTF_8)
        .replace("\"SPAN_KIND_SERVER\"", "2")
        .replace("\"STATUS_CODE_ERROR\"", "2")
        .replaceAll("(\\d{19})", "\"$1\"");
    for (String snake : List.of("resource_spans", "scope_spans", "schema_url", "dropped_attributes_count",
        "trace_id", "span_id", "parent_span_id", "trace_state", "start_time_unix_nano", "end_time_unix_nano",
        "time_unix_nano", "dropped_events_count", "dropped_links_count", "string_value", "int_value",
        "double_value", "bool_value", "array_value", "kvlist_value", "bytes_value")) {
      camel = camel.replace("\"" + snake + "\"", "\"" + lowerCamel(snake) + "\"");
    }
    assertFalse(camel.contains("_value"), camel);
    assertEquals(request, OtlpJsonReader.parseRequest(json(camel)));
  }

  @Test
  void enumsAcceptNamesAndNumbersAndKeepUnknownNumbers() {
    assertEquals(Span.SpanKind.SPAN_KIND_PRODUCER, onlySpan(OtlpJsonReader.parseRequest(json(spanJson("\"kind\":\"SPAN_KIND_PRODUCER\"")))).getKind());
    assertEquals(Span.SpanKind.SPAN_KIND_CONSUMER, onlySpan(OtlpJsonReader.parseRequest(json(spanJson("\"kind\":5")))).getKind());
    assertEquals(Span.SpanKind.SPAN_KIND_CONSUMER, onlySpan(OtlpJsonReader.parseRequest(json(spanJson("\"kind\":\"5\"")))).getKind());
    assertEquals(9, onlySpan(OtlpJsonReader.parseRequest(json(spanJson("\"kind\":9")))).getKindValue());
    assertEquals(Status.StatusCode.STATUS_CODE_UNSET,
        onlySpan(OtlpJsonReader.parseRequest(json(spanJson("\"status\":{\"code\":\"STATUS_CODE_UNSET\"}")))).getStatus().getCode());

    String message = rejected(json(spanJson("\"kind\":\"SERVER\"")));
    assertTrue(message.startsWith("resourceSpans[0].scopeSpans[0].spans[0].kind: unknown span kind \"SERVER\", expected one of SPAN_KIND_CLIENT, "), message);
    assertEquals("resourceSpans[0].scopeSpans[0].spans[0].status.code: expected an integer (number or string), got a boolean",
        rejected(json(spanJson("\"status\":{\"code\":true}"))));
  }

  @Test
  void unknownFieldsAreIgnoredAtEveryLevel() {
    String plain = "{\"resourceSpans\":[{\"resource\":{\"attributes\":[],\"entityRefs\":[{}]},"
        + "\"scopeSpans\":[{\"scope\":{\"name\":\"s\"},\"spans\":[{\"name\":\"GET /\","
        + "\"attributes\":[{\"key\":\"k\",\"value\":{\"arrayValue\":{\"values\":[{\"intValue\":\"1\"}]}}}],"
        + "\"events\":[{\"name\":\"e\"}],\"links\":[{\"spanId\":\"eee19b7ec3c1b174\"}],\"status\":{\"code\":2}}]}]}]}";
    String unknown = "{\"x\":{\"deep\":[1,{\"resourceSpans\":\"not this one\"}]},\"resourceSpans\":[{\"futureField\":[[[]]],"
        + "\"resource\":{\"schemaUrl\":\"JS puts one here\",\"attributes\":[],\"entityRefs\":[{\"futureField\":1}]},"
        + "\"scopeSpans\":[{\"scope\":{\"name\":\"s\",\"extra\":{}},\"spans\":[{\"name\":\"GET /\",\"newThing\":{\"spans\":[{}]},"
        + "\"attributes\":[{\"key\":\"k\",\"comment\":\"hi\",\"value\":{\"note\":1,\"arrayValue\":{\"size\":1,\"values\":[{\"intValue\":\"1\",\"unit\":\"ms\"}]}}}],"
        + "\"events\":[{\"name\":\"e\",\"severity\":9}],\"links\":[{\"spanId\":\"eee19b7ec3c1b174\",\"why\":[true]}],"
        + "\"status\":{\"code\":2,\"details\":[{\"@type\":\"x\"}]}}]}]}],\"trailer\":null}";

    ExportTraceServiceRequest expected = OtlpJsonReader.parseRequest(json(plain));
    assertEquals(expected, OtlpJsonReader.parseRequest(json(unknown)));
    assertEquals("GET /", onlySpan(expected).getName());
  }

  @Test
  void nullMeansAbsent() {
    ExportTraceServiceRequest request = OtlpJsonReader.parseRequest(json(
        "{\"resourceSpans\":[null,{\"resource\":null,\"schemaUrl\":null,\"scopeSpans\":[{\"scope\":null,\"spans\":[{"
            + "\"traceId\":null,\"spanId\":\"eee19b7ec3c1b174\",\"parentSpanId\":null,\"name\":null,\"kind\":null,"
            + "\"startTimeUnixNano\":null,\"attributes\":[null,{\"key\":\"k\",\"value\":null}],\"events\":null,"
            + "\"links\":[null],\"status\":null}]}]}]}"));

    ResourceSpans rs = request.getResourceSpans(0);
    assertEquals(1, request.getResourceSpansCount());
    assertFalse(rs.hasResource());
    assertFalse(rs.getScopeSpans(0).hasScope());
    Span span = onlySpan(request);
    assertEquals(Span.newBuilder().setSpanId(ByteString.fromHex("eee19b7ec3c1b174"))
        .addAttributes(KeyValue.newBuilder().setKey("k")).build(), span);
    assertFalse(span.getAttributes(0).hasValue());
    assertEquals(ExportTraceServiceRequest.getDefaultInstance(), OtlpJsonReader.parseRequest(json("{\"resourceSpans\":null}")));
    assertEquals(ExportTraceServiceRequest.getDefaultInstance(), OtlpJsonReader.parseRequest(json("{}")));
  }

  // ---------------------------------------------------------------------------------------------
  // AnyValue and numbers

  @Test
  void everyAnyValueKind() {
    List<KeyValue> attrs = onlySpan(OtlpJsonReader.parseRequest(json(spanJson("\"attributes\":["
        + "{\"key\":\"s\",\"value\":{\"stringValue\":\"h\u00e9llo \\\"quoted\\\" \\u2603\"}},"
        + "{\"key\":\"b\",\"value\":{\"boolValue\":true}},"
        + "{\"key\":\"big\",\"value\":{\"intValue\":\"9007199254740993\"}},"
        + "{\"key\":\"max\",\"value\":{\"intValue\":\"9223372036854775807\"}},"
        + "{\"key\":\"min\",\"value\":{\"intValue\":-9223372036854775808}},"
        + "{\"key\":\"e\",\"value\":{\"intValue\":\"1e3\"}},"
        + "{\"key\":\"d\",\"value\":{\"doubleValue\":-2.5e-3}},"
        + "{\"key\":\"dInt\",\"value\":{\"doubleValue\":3}},"
        + "{\"key\":\"dStr\",\"value\":{\"doubleValue\":\"0.1\"}},"
        + "{\"key\":\"nan\",\"value\":{\"doubleValue\":\"NaN\"}},"
        + "{\"key\":\"bareNan\",\"value\":{\"doubleValue\":NaN}},"
        + "{\"key\":\"inf\",\"value\":{\"doubleValue\":\"Infinity\"}},"
        + "{\"key\":\"-inf\",\"value\":{\"doubleValue\":\"-Infinity\"}},"
        + "{\"key\":\"bytes\",\"value\":{\"bytesValue\":\"3q2+7w==\"}},"
        + "{\"key\":\"bytesUrl\",\"value\":{\"bytesValue\":\"3q2-7w\"}},"
        + "{\"key\":\"empty\",\"value\":{}},"
        + "{\"key\":\"emptyArray\",\"value\":{\"arrayValue\":{}}},"
        + "{\"key\":\"nested\",\"value\":{\"arrayValue\":{\"values\":[{\"kvlistValue\":{\"values\":["
        + "{\"key\":\"inner\",\"value\":{\"arrayValue\":{\"values\":[{\"intValue\":1},{\"stringValue\":\"x\"}]}}}]}},{\"boolValue\":false}]}}}"
        + "]")))).getAttributesList();

    assertEquals(string("h\u00e9llo \"quoted\" \u2603"), attribute(attrs, "s"));
    assertEquals(bool(true), attribute(attrs, "b"));
    assertEquals(integer(9007199254740993L), attribute(attrs, "big")); // 2^53 + 1: a double would lose it
    assertEquals(integer(Long.MAX_VALUE), attribute(attrs, "max"));
    assertEquals(integer(Long.MIN_VALUE), attribute(attrs, "min"));
    assertEquals(integer(1000), attribute(attrs, "e"));
    assertEquals(dbl(-0.0025), attribute(attrs, "d"));
    assertEquals(dbl(3.0), attribute(attrs, "dInt"));
    assertEquals(dbl(0.1), attribute(attrs, "dStr"));
    assertTrue(Double.isNaN(attribute(attrs, "nan").getDoubleValue()));
    assertTrue(Double.isNaN(attribute(attrs, "bareNan").getDoubleValue()));
    assertEquals(dbl(Double.POSITIVE_INFINITY), attribute(attrs, "inf"));
    assertEquals(dbl(Double.NEGATIVE_INFINITY), attribute(attrs, "-inf"));
    assertEquals(ByteString.fromHex("deadbeef"), attribute(attrs, "bytes").getBytesValue());
    assertEquals(ByteString.fromHex("deadbeef"), attribute(attrs, "bytesUrl").getBytesValue());
    assertEquals(AnyValue.getDefaultInstance(), attribute(attrs, "empty"));
    assertEquals(AnyValue.ValueCase.ARRAY_VALUE, attribute(attrs, "emptyArray").getValueCase());
    assertEquals(array(
            AnyValue.newBuilder().setKvlistValue(KeyValueList.newBuilder().addValues(KeyValue.newBuilder()
                .setKey("inner").setValue(array(integer(1), string("x"))))).build(),
            bool(false)),
        attribute(attrs, "nested"));
  }

  @Test
  void timestampsAsStringsOrNumbersIncludingTheUnsignedRange() {
    Span span = onlySpan(OtlpJsonReader.parseRequest(json(spanJson(
        "\"startTimeUnixNano\":1795629718945000001,\"endTimeUnixNano\":\"18446744073709551615\","
            + "\"events\":[{\"timeUnixNano\":\"1795629718945000002\"},{\"timeUnixNano\":1.7e18}]"))));
    assertEquals(1795629718945000001L, span.getStartTimeUnixNano());
    assertEquals(-1L, span.getEndTimeUnixNano()); // 2^64 - 1 in fixed64's two's complement
    assertEquals(1795629718945000002L, span.getEvents(0).getTimeUnixNano());
    assertEquals(1700000000000000000L, span.getEvents(1).getTimeUnixNano());
  }

  @Test
  void numbersOfTheWrongShapeAreRejectedWithTheirPath() {
    String span = "resourceSpans[0].scopeSpans[0].spans[0].";
    assertEquals(span + "events[0].timeUnixNano: -1 is out of range for uint64",
        rejected(json(spanJson("\"events\":[{\"timeUnixNano\":-1}]"))));
    assertEquals(span + "droppedAttributesCount: 4294967296 is out of range for uint32",
        rejected(json(spanJson("\"droppedAttributesCount\":4294967296"))));
    assertEquals(span + "attributes[0].value.intValue: expected an integer, got 1.5",
        rejected(json(spanJson("\"attributes\":[{\"key\":\"k\",\"value\":{\"intValue\":1.5}}]"))));
    assertEquals(span + "attributes[0].value.intValue: expected an integer, got the string \"12 apples\"",
        rejected(json(spanJson("\"attributes\":[{\"key\":\"k\",\"value\":{\"intValue\":\"12 apples\"}}]"))));
    assertEquals(span + "attributes[0].value.doubleValue: expected a number, got the string \"0x1p3\"",
        rejected(json(spanJson("\"attributes\":[{\"key\":\"k\",\"value\":{\"doubleValue\":\"0x1p3\"}}]"))));
    assertEquals(span + "attributes[1].value.boolValue: expected a boolean, got a string",
        rejected(json(spanJson("\"attributes\":[{\"key\":\"a\"},{\"key\":\"k\",\"value\":{\"boolValue\":\"true\"}}]"))));
    assertTrue(rejected(json(spanJson("\"attributes\":[{\"key\":\"k\",\"value\":{\"bytesValue\":\"***\"}}]")))
        .startsWith(span + "attributes[0].value.bytesValue: not valid base64: "));
  }

  // ---------------------------------------------------------------------------------------------
  // Round trip

  @Test
  void writeThenParseGivesBackARequestWithEveryFieldSet() {
    ExportTraceServiceRequest original = everyFieldSet();
    byte[] json = OtlpJsonWriter.writeRequest(original);
    String text = new String(json, StandardCharsets.UTF_8);

    assertEquals(original, OtlpJsonReader.parseRequest(json));
    // The encoding the spec asks for: lowercase hex ids, enums as numbers, 64-bit integers as strings.
    assertTrue(text.contains("\"traceId\":\"5b8efff798038103d269b633813fc60c\""), text);
    assertTrue(text.contains("\"kind\":2"), text);
    assertTrue(text.contains("\"startTimeUnixNano\":\"1544712660000000000\""), text);
    assertTrue(text.contains("\"endTimeUnixNano\":\"18446744073709551615\""), text);
    assertTrue(text.contains("\"intValue\":\"-9223372036854775808\""), text);
    assertTrue(text.contains("\"doubleValue\":\"NaN\""), text);
    assertTrue(text.contains("\"droppedAttributesCount\":4294967295"), text);
    assertTrue(text.contains("\"bytesValue\":\"3q2+7w==\""), text);
    assertTrue(text.contains("\"status\":{\"message\":\"declined\",\"code\":2}"), text);
  }

  @Test
  void writeRequestOfAnEmptyRequestIsAnEmptyObject() {
    assertEquals("{}", new String(OtlpJsonWriter.writeRequest(ExportTraceServiceRequest.getDefaultInstance()),
        StandardCharsets.UTF_8));
  }

  // ---------------------------------------------------------------------------------------------
  // Malformed input

  @Test
  void truncatedBodyIsInvalidJsonWithItsPosition() {
    String message = rejected(resource("truncated.json"));
    assertTrue(message.startsWith("invalid JSON at line 8 column 106: "), message);
    assertTrue(message.contains("end-of-input"), message);
    assertFalse(message.contains("Source:"), message);
  }

  @Test
  void textThatIsNotJsonIsInvalidJsonAtItsFirstCharacter() {
    String message = rejected(resource("not-json.txt"));
    assertTrue(message.startsWith("invalid JSON at line 1 column "), message);
    assertTrue(message.contains("'upstream'"), message);
  }

  @Test
  void otherMalformedBodies() {
    assertEquals("empty body: expected an OTLP/JSON ExportTraceServiceRequest object", rejected(new byte[0]));
    assertEquals("expected a JSON object at the top level, got an array", rejected(json("[{\"resourceSpans\":[]}]")));
    assertEquals("expected a JSON object at the top level, got a string", rejected(json("\"hello\"")));
    assertEquals("resourceSpans[0].scopeSpans[0].spans: expected an array, got an object",
        rejected(json("{\"resourceSpans\":[{\"scopeSpans\":[{\"spans\":{\"name\":\"x\"}}]}]}")));
    assertEquals("resourceSpans: expected an array, got a string", rejected(json("{\"resourceSpans\":\"[]\"}")));
    assertEquals("resourceSpans[1]: expected an object, got a number", rejected(json("{\"resourceSpans\":[{},7]}")));
    assertEquals("resourceSpans[0].resource.attributes[0].key: expected a string, got a number",
        rejected(json("{\"resourceSpans\":[{\"resource\":{\"attributes\":[{\"key\":1}]}}]}")));
    assertEquals("resourceSpans[0].scopeSpans[0].scope.name: expected a string, got an object",
        rejected(json("{\"resourceSpans\":[{\"scopeSpans\":[{\"scope\":{\"name\":{}}}]}]}")));

    assertEquals("invalid JSON at line 1 column 4: content after the end of the top-level object",
        rejected(json("{} {}")));

    // 0xC3 opens a two-byte UTF-8 sequence; the quote after it cannot continue one.
    byte[] badUtf8 = json("{\"resourceSpans\":[{\"schemaUrl\":\"x?\"}]}");
    badUtf8[33] = (byte) 0xC3;
    String utf8 = rejected(badUtf8);
    assertTrue(utf8.startsWith("invalid JSON at line 1 column ") && utf8.contains("UTF-8"), utf8);
  }

  @Test
  void deepNestingIsRefusedWithoutOverflowingTheStack() {
    String deep = nestedArrayValues(10_000);
    OtlpFormatException e = assertThrows(OtlpFormatException.class,
        () -> OtlpJsonReader.parseRequest(json(spanJson("\"attributes\":[{\"key\":\"k\",\"value\":" + deep + "}]"))));
    assertTrue(e.getMessage().startsWith("resourceSpans[0].scopeSpans[0].spans[0].attributes[0].value.arrayValue"),
        e.getMessage());
    assertTrue(e.getMessage().endsWith(
        ": attribute value nested deeper than 32 levels of arrayValue/kvlistValue"), e.getMessage());
    assertTrue(e.getMessage().length() < 600, e.getMessage());

    // The deepest accepted value still parses.
    AnyValue deepest = attribute(onlySpan(OtlpJsonReader.parseRequest(json(spanJson(
        "\"attributes\":[{\"key\":\"k\",\"value\":" + nestedArrayValues(OtlpJsonReader.MAX_ANY_VALUE_DEPTH) + "}]")))).getAttributesList(), "k");
    for (int i = 0; i < OtlpJsonReader.MAX_ANY_VALUE_DEPTH; i++) {
      deepest = deepest.getArrayValue().getValues(0);
    }
    assertEquals(string("bottom"), deepest);

    // Deep nesting inside an unknown field is Jackson's to refuse, also without recursion.
    String unknown = "[".repeat(10_000) + "]".repeat(10_000);
    String message = rejected(json("{\"somethingElse\":" + unknown + "}"));
    assertTrue(message.startsWith("invalid JSON at line 1 column 51"), message);
    assertTrue(message.endsWith(": Document nesting depth (501) exceeds the maximum allowed (500)"), message);
  }

  // ---------------------------------------------------------------------------------------------
  // Helpers

  /** A request in which every field of every message has a non-default value. */
  private static ExportTraceServiceRequest everyFieldSet() {
    KeyValue attr = KeyValue.newBuilder().setKey("k").setValue(string("v")).build();
    List<KeyValue> all = List.of(
        attr,
        KeyValue.newBuilder().setKey("b").setValue(bool(false)).build(),
        KeyValue.newBuilder().setKey("i").setValue(integer(Long.MIN_VALUE)).build(),
        KeyValue.newBuilder().setKey("zero").setValue(integer(0)).build(),
        KeyValue.newBuilder().setKey("d").setValue(dbl(-1.25e-300)).build(),
        KeyValue.newBuilder().setKey("nan").setValue(dbl(Double.NaN)).build(),
        KeyValue.newBuilder().setKey("inf").setValue(dbl(Double.NEGATIVE_INFINITY)).build(),
        KeyValue.newBuilder().setKey("bytes").setValue(AnyValue.newBuilder().setBytesValue(ByteString.fromHex("deadbeef"))).build(),
        KeyValue.newBuilder().setKey("arr").setValue(array(string("a"), AnyValue.newBuilder().setKvlistValue(
            KeyValueList.newBuilder().addValues(attr)).build(), AnyValue.getDefaultInstance())).build(),
        KeyValue.newBuilder().setKey("emptyList").setValue(AnyValue.newBuilder().setKvlistValue(KeyValueList.getDefaultInstance())).build(),
        KeyValue.newBuilder().setKey("strindex").setKeyStrindex(4).setValue(AnyValue.newBuilder().setStringValueStrindex(7)).build(),
        KeyValue.newBuilder().setKey("noValue").build());
    Span span = Span.newBuilder()
        .setTraceId(ByteString.fromHex("5b8efff798038103d269b633813fc60c"))
        .setSpanId(ByteString.fromHex("eee19b7ec3c1b174"))
        .setTraceState("rojo=00f067aa0ba902b7")
        .setParentSpanId(ByteString.fromHex("00f067aa0ba902b7"))
        .setFlags(0x301)
        .setName("POST /checkout")
        .setKind(Span.SpanKind.SPAN_KIND_SERVER)
        .setStartTimeUnixNano(1544712660000000000L)
        .setEndTimeUnixNano(-1L)
        .addAllAttributes(all)
        .setDroppedAttributesCount(-1) // uint32 max
        .addEvents(Span.Event.newBuilder().setTimeUnixNano(1544712660500000000L).setName("retry")
            .addAttributes(attr).setDroppedAttributesCount(2))
        .setDroppedEventsCount(3)
        .addLinks(Span.Link.newBuilder().setTraceId(ByteString.fromHex("0af7651916cd43dd8448eb211c80319c"))
            .setSpanId(ByteString.fromHex("b7ad6b7169203331")).setTraceState("congo=t61rcWkgMzE")
            .addAttributes(attr).setDroppedAttributesCount(4).setFlags(0x100))
        .setDroppedLinksCount(5)
        .setStatus(Status.newBuilder().setMessage("declined").setCode(Status.StatusCode.STATUS_CODE_ERROR))
        .build();
    return ExportTraceServiceRequest.newBuilder()
        .addResourceSpans(ResourceSpans.newBuilder()
            .setResource(Resource.newBuilder().addAttributes(attr).setDroppedAttributesCount(6)
                .addEntityRefs(EntityRef.newBuilder().setSchemaUrl("https://example.com/s").setType("service")
                    .addIdKeys("service.name").addDescriptionKeys("service.version")))
            .addScopeSpans(ScopeSpans.newBuilder()
                .setScope(InstrumentationScope.newBuilder().setName("lib").setVersion("1.0")
                    .addAttributes(attr).setDroppedAttributesCount(7))
                .addSpans(span)
                .addSpans(Span.newBuilder().setName("minimal").setStatus(Status.getDefaultInstance()))
                .setSchemaUrl("https://opentelemetry.io/schemas/1.24.0"))
            .addScopeSpans(ScopeSpans.getDefaultInstance())
            .setSchemaUrl("https://opentelemetry.io/schemas/1.26.0"))
        .addResourceSpans(ResourceSpans.getDefaultInstance())
        .build();
  }

  private static String nestedArrayValues(int depth) {
    return "{\"arrayValue\":{\"values\":[".repeat(depth) + "{\"stringValue\":\"bottom\"}" + "]}}".repeat(depth);
  }

  /** A request with one span made of the given JSON members. */
  private static String spanJson(String members) {
    return "{\"resourceSpans\":[{\"scopeSpans\":[{\"spans\":[{" + members + "}]}]}]}";
  }

  private static Span onlySpan(ExportTraceServiceRequest request) {
    return request.getResourceSpans(0).getScopeSpans(0).getSpans(0);
  }

  private static String rejected(byte[] body) {
    OtlpFormatException e = assertThrows(OtlpFormatException.class, () -> OtlpJsonReader.parseRequest(body));
    return e.getMessage();
  }

  private static AnyValue attribute(List<KeyValue> attributes, String key) {
    return attributes.stream().filter(kv -> kv.getKey().equals(key)).findFirst()
        .orElseThrow(() -> new AssertionError("no attribute " + key + " in " + attributes))
        .getValue();
  }

  private static AnyValue string(String s) {
    return AnyValue.newBuilder().setStringValue(s).build();
  }

  private static AnyValue bool(boolean b) {
    return AnyValue.newBuilder().setBoolValue(b).build();
  }

  private static AnyValue integer(long i) {
    return AnyValue.newBuilder().setIntValue(i).build();
  }

  private static AnyValue dbl(double d) {
    return AnyValue.newBuilder().setDoubleValue(d).build();
  }

  private static AnyValue array(AnyValue... values) {
    return AnyValue.newBuilder().setArrayValue(ArrayValue.newBuilder().addAllValues(List.of(values))).build();
  }

  private static String lowerCamel(String snake) {
    StringBuilder out = new StringBuilder();
    for (String part : snake.split("_")) {
      out.append(out.length() == 0 ? part : Character.toUpperCase(part.charAt(0)) + part.substring(1));
    }
    return out.toString();
  }

  private static byte[] json(String text) {
    return text.getBytes(StandardCharsets.UTF_8);
  }

  private static byte[] resource(String name) {
    try (InputStream in = OtlpJsonReaderTest.class.getResourceAsStream("/otlp/" + name)) {
      if (in == null) {
        throw new AssertionError("missing test resource otlp/" + name);
      }
      return in.readAllBytes();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static byte[] gunzip(byte[] gz) throws IOException {
    try (InputStream in = new GZIPInputStream(new ByteArrayInputStream(gz))) {
      return in.readAllBytes();
    }
  }
}
