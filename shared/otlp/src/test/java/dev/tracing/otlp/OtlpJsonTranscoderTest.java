package dev.tracing.otlp;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import com.google.protobuf.ByteString;
import com.google.protobuf.InvalidProtocolBufferException;
import dev.tracing.testing.OtlpJsonWriter;
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
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.Random;
import org.junit.jupiter.api.Test;

class OtlpJsonTranscoderTest {
  /** Bytes that change a JSON body's structure, numbers, names and escapes; the last is never valid UTF-8 alone. */
  private static final String DAMAGE = "{}[]\",:0123456789-.eE \\nxtfu\u00e9";

  /**
   * The transcoder's contract: a body it transcodes reads, as protobuf, as the request the reader
   * reads from the JSON, in exactly that request's encoded length; a body the reader refuses is
   * never transcoded.
   *
   * @return whether the body was transcoded
   */
  private static boolean sameAsTheReader(byte[] json) {
    byte[] wire = OtlpJsonTranscoder.toProtobuf(json);
    ExportTraceServiceRequest read;
    try {
      read = OtlpJsonReader.parseRequest(json);
    } catch (OtlpFormatException refused) {
      assertNull(wire, () -> "transcoded a body the reader refuses (" + refused.getMessage() + "): " + text(json));
      return false;
    }
    if (wire == null) {
      return false;
    }
    try {
      assertEquals(read, ExportTraceServiceRequest.parseFrom(wire), () -> text(json));
    } catch (InvalidProtocolBufferException e) {
      fail("the transcoded bytes do not parse: " + e.getMessage() + " for " + text(json));
    }
    assertEquals(read.getSerializedSize(), wire.length, () -> "encoded length of " + text(json));
    return true;
  }

  private static String text(byte[] json) {
    String s = new String(json, StandardCharsets.UTF_8);
    return s.length() > 2000 ? s.substring(0, 2000) + "..." : s;
  }

  private static void transcoded(String json) {
    assertTrue(sameAsTheReader(json.getBytes(StandardCharsets.UTF_8)), () -> "not transcoded: " + json);
  }

  private static void leftToTheReader(String json) {
    byte[] body = json.getBytes(StandardCharsets.UTF_8);
    assertNull(OtlpJsonTranscoder.toProtobuf(body), () -> "transcoded: " + json);
    sameAsTheReader(body);
  }

  private static String span(String fields) {
    return "{\"resourceSpans\":[{\"scopeSpans\":[{\"spans\":[{" + fields + "}]}]}]}";
  }

  private static String attribute(String value) {
    return span("\"attributes\":[{\"key\":\"k\",\"value\":" + value + "}]");
  }

  @Test
  void theJavascriptExportersJsonIsTranscodedToWhatItsProtobufExporterSent() throws IOException {
    byte[] json = resource("js-http-json.json");
    assertTrue(sameAsTheReader(json));
    assertEquals(ExportTraceServiceRequest.parseFrom(resource("js-http-proto.bin")),
        ExportTraceServiceRequest.parseFrom(OtlpJsonTranscoder.toProtobuf(json)));
  }

  @Test
  void everyFieldOfTheTraceServiceIsTranscoded() throws InvalidProtocolBufferException {
    ExportTraceServiceRequest request = everyField();
    byte[] json = OtlpJsonWriter.writeRequest(request);
    assertTrue(sameAsTheReader(json));
    assertEquals(request, ExportTraceServiceRequest.parseFrom(OtlpJsonTranscoder.toProtobuf(json)));
  }

  @Test
  void stringsKeepEveryCharacterTheirEscapesAndUtf8Spell() {
    transcoded(span("\"name\":\"quote \\\" backslash \\\\ slash \\/ \\b\\f\\n\\r\\t end\""));
    transcoded(span("\"name\":\"\\u00e9\\u65e5\\u0041 and a pair \\ud83d\\ude00\""));
    transcoded(span("\"name\":\"caf\u00e9 \u65e5\u672c \ud83d\ude00 \u007f\""));
    transcoded(span("\"name\":\"\",\"traceState\":\"\""));
    transcoded(attribute("{\"stringValue\":\"\"}"));
    transcoded(attribute("{\"stringValue\":\"" + "x".repeat(20_000) + "\"}"));
  }

  @Test
  void numbersAsTheExportersWriteThem() {
    transcoded(span("\"kind\":2,\"startTimeUnixNano\":\"1795000000123456789\",\"endTimeUnixNano\":1795000000223456789,"
        + "\"flags\":257,\"droppedAttributesCount\":\"3\",\"status\":{\"code\":\"2\",\"message\":\"m\"}"));
    transcoded(span("\"kind\":-1,\"flags\":4294967295,\"droppedEventsCount\":0,\"droppedLinksCount\":7"));
    transcoded(attribute("{\"intValue\":\"-9223372036854775807\"}"));
    transcoded(attribute("{\"intValue\":9223372036854775807}"));
    transcoded(attribute("{\"intValue\":\"007\"}"));
    transcoded(attribute("{\"intValue\":-0}"));
    transcoded(attribute("{\"doubleValue\":-0.0}"));
    transcoded(attribute("{\"doubleValue\":6.02214076E23}"));
    transcoded(attribute("{\"doubleValue\":1e-320}"));
    transcoded(attribute("{\"doubleValue\":0.1}"));
    transcoded(attribute("{\"doubleValue\":42}"));
    transcoded(attribute("{\"boolValue\":false}"));
  }

  @Test
  void emptyMessagesAreKeptAsTheReaderKeepsThem() {
    transcoded("{}");
    transcoded("{\"resourceSpans\":[]}");
    transcoded("{\"resourceSpans\":[{}]}");
    transcoded("{\"resourceSpans\":[{\"resource\":{},\"scopeSpans\":[{\"scope\":{},\"spans\":[{}]}]}]}");
    transcoded(span("\"status\":{},\"events\":[{}],\"links\":[{}],\"attributes\":[{}]"));
    transcoded(attribute("{}"));
    transcoded(attribute("{\"arrayValue\":{}}"));
    transcoded(attribute("{\"kvlistValue\":{\"values\":[]}}"));
    transcoded(span("\"traceId\":\"\",\"spanId\":\"\",\"parentSpanId\":\"\""));
    transcoded(" \n\t{ \"resourceSpans\" : [ { \"scopeSpans\" : [ ] } ] } \r\n");
  }

  @Test
  void unknownFieldsAndNullsAreSkippedAsTheReaderSkipsThem() {
    transcoded(span("\"futureField\":{\"a\":[1,-2.5e3,true,false,null,\"s\\u0041\\n\",{},[]],\"\\u00e9\":0},\"name\":\"x\""));
    transcoded("{\"resourceSpans\":[{\"resource\":{\"schemaUrl\":\"https://opentelemetry.io/schemas/1.26.0\"}}],\"extra\":1}");
    transcoded(span("\"name\":null,\"kind\":null,\"status\":null,\"attributes\":[{\"key\":\"k\",\"value\":null}]"));
    transcoded(attribute("{\"stringValue\":null,\"intValue\":\"5\"}"));
    transcoded(attribute("{\"arrayValue\":{\"values\":[{\"intValue\":1}],\"more\":[]}}"));
    transcoded(attribute("{\"intValue\":\"5\",\"more\":1}"));
    transcoded(attribute("{\"stringValue\":\"v\",\"more\":1}"));
    transcoded(span("\"attributes\":[{\"key\":\"k\",\"value\":{\"stringValue\":\"v\"},\"more\":1},{\"key\":\"\",\"value\":{\"intValue\":-1}}]"));
  }

  @Test
  void idsOfAnyEvenLengthAreTheirBytesAsTheReaderReadsThem() {
    transcoded(span("\"traceId\":\"0102030405060708\",\"spanId\":\"ABCDEF0102030405\",\"parentSpanId\":\"aa\""));
    assertTrue(sameAsTheReader(resource("hex-id-wrong-length.json")));
    // every hex digit, in every place of an id read eight digits at a time
    String digits = "0123456789abcdefABCDEF";
    for (int i = 0; i < digits.length(); i++) {
      transcoded(span("\"spanId\":\"" + String.valueOf(digits.charAt(i)).repeat(16) + "\""));
    }
    // the bytes next to each range of digits, in each place
    for (char c : new char[] {'/', ':', '@', 'G', '`', 'g', ' ', '\u00e9'}) {
      for (int at = 0; at < 16; at++) {
        StringBuilder id = new StringBuilder("0123456789abcdef");
        id.setCharAt(at, c);
        leftToTheReader(span("\"spanId\":\"" + id + "\""));
      }
    }
  }

  @Test
  void nestedValuesUpToTheReadersDepth() {
    String deepest = "{\"intValue\":1}";
    for (int i = 0; i < OtlpJsonReader.MAX_ANY_VALUE_DEPTH; i++) {
      deepest = i % 2 == 0
          ? "{\"arrayValue\":{\"values\":[" + deepest + "]}}"
          : "{\"kvlistValue\":{\"values\":[{\"key\":\"n\",\"value\":" + deepest + "}]}}";
    }
    transcoded(attribute(deepest));
    leftToTheReader(attribute("{\"arrayValue\":{\"values\":[" + deepest + "]}}")); // one level too deep: refused
  }

  @Test
  void whatTheTranscoderDoesNotReadIsLeftToTheReader() throws IOException {
    leftToTheReader("{\"resource_spans\":[]}"); // snake_case: the reader takes it
    leftToTheReader(span("\"trace_id\":\"0102030405060708090a0b0c0d0e0f10\""));
    leftToTheReader(span("\"kind\":\"SPAN_KIND_SERVER\""));
    leftToTheReader(attribute("{\"doubleValue\":\"NaN\"}"));
    leftToTheReader(attribute("{\"bytesValue\":\"AAEC\"}"));
    leftToTheReader(attribute("{\"stringValue\":\"a\",\"intValue\":1}"));
    leftToTheReader(span("\"name\":\"a\",\"name\":\"b\""));
    leftToTheReader(span("\"unknown\":[1,]"));
    leftToTheReader(span("\"unknown\":\"raw \u0001 control\""));
    leftToTheReader(span("\"n\u00e9\":1"));
    leftToTheReader(span("\"entityRefs\":[]"));
    leftToTheReader(span("\"status\":{\"code\":1},\"status\":{\"message\":\"m\"}"));
    leftToTheReader(span("\"name\":\"lone \\ud83d surrogate\""));
    leftToTheReader(span("\"spanId\":\"abc\"")); // odd length: the reader refuses the span, not the request
    leftToTheReader(span("\"spanId\":\"zz\""));
    leftToTheReader(span("\"spanId\":1"));
    leftToTheReader(span("\"startTimeUnixNano\":\"1.5\""));
    leftToTheReader(span("\"startTimeUnixNano\":\"18446744073709551615\""));
    leftToTheReader(attribute("{\"intValue\":1e3}"));
    leftToTheReader(attribute("{\"intValue\":01}"));
    leftToTheReader(attribute("{\"doubleValue\":.5}"));
    leftToTheReader(span("\"flags\":-1"));
    leftToTheReader(span("\"name\":\"a\"") + " trailing");
    leftToTheReader("{\"resourceSpans\":[{\"scopeSpans\":[{\"spans\":[{\"name\":\"trunc");
    leftToTheReader("{\"resourceSpans\":[null]}");
    leftToTheReader("{\"resourceSpans\":[{},]}");
    leftToTheReader("[]");
    leftToTheReader("");
    for (String fixture : new String[] {"snake-case-enum-names.json", "truncated.json", "not-json.txt"}) {
      assertNull(OtlpJsonTranscoder.toProtobuf(resource(fixture)), fixture);
      sameAsTheReader(resource(fixture));
    }
    byte[] invalidUtf8 = span("\"name\":\"ab\"").getBytes(StandardCharsets.UTF_8);
    invalidUtf8[invalidUtf8.length - 8] = (byte) 0xC0;
    assertNull(OtlpJsonTranscoder.toProtobuf(invalidUtf8));
    sameAsTheReader(invalidUtf8);
  }

  /**
   * Random requests, and random damage to their JSON: every body is either transcoded to exactly
   * the reader's request or left to the reader.
   */
  @Test
  void randomRequestsAndDamagedBodiesAgreeWithTheReader() {
    Random random = new Random(7);
    int damagedTranscoded = 0;
    for (int i = 0; i < 300; i++) {
      byte[] json = OtlpJsonWriter.writeRequest(randomRequest(random));
      assertTrue(sameAsTheReader(json), () -> "not transcoded: " + text(json));
      for (int d = 0; d < 10; d++) {
        byte[] damaged = json.clone();
        int at = random.nextInt(damaged.length);
        damaged[at] = (byte) DAMAGE.charAt(random.nextInt(DAMAGE.length()));
        if (sameAsTheReader(damaged)) {
          damagedTranscoded++;
        }
      }
    }
    assertTrue(damagedTranscoded > 0, "some damage (a changed digit or letter) still reads as a request");
  }

  private static ExportTraceServiceRequest randomRequest(Random r) {
    ExportTraceServiceRequest.Builder request = ExportTraceServiceRequest.newBuilder();
    for (int rs = 0, n = 1 + r.nextInt(3); rs < n; rs++) {
      ResourceSpans.Builder resourceSpans = request.addResourceSpansBuilder()
          .setResource(Resource.newBuilder().addAllAttributes(attributes(r, 3)).setDroppedAttributesCount(r.nextInt(2)));
      if (r.nextBoolean()) {
        resourceSpans.setSchemaUrl("https://opentelemetry.io/schemas/1." + r.nextInt(30) + ".0");
      }
      for (int ss = 0, m = 1 + r.nextInt(2); ss < m; ss++) {
        ScopeSpans.Builder scopeSpans = resourceSpans.addScopeSpansBuilder()
            .setScope(InstrumentationScope.newBuilder().setName("scope-" + r.nextInt(5)).setVersion(r.nextBoolean() ? "1.0" : ""));
        for (int s = 0, k = r.nextInt(6); s < k; s++) {
          scopeSpans.addSpans(randomSpan(r));
        }
      }
    }
    return request.build();
  }

  private static Span randomSpan(Random r) {
    Span.Builder span = Span.newBuilder().setTraceId(bytes(r, 16)).setSpanId(bytes(r, 8))
        .setParentSpanId(r.nextBoolean() ? bytes(r, 8) : ByteString.EMPTY).setName(text(r))
        .setKindValue(r.nextInt(6)).setStartTimeUnixNano(1_795_000_000_000_000_000L + r.nextInt(1 << 30))
        .setEndTimeUnixNano(1_795_000_001_000_000_000L + r.nextInt(1 << 30)).addAllAttributes(attributes(r, 6))
        .setFlags(r.nextInt(3) == 0 ? 0x101 : 0).setTraceState(r.nextInt(4) == 0 ? "k=v" : "");
    if (r.nextInt(3) == 0) {
      span.addEventsBuilder().setName(text(r)).setTimeUnixNano(1_795_000_000_500_000_000L).addAllAttributes(attributes(r, 2));
    }
    if (r.nextInt(4) == 0) {
      span.addLinksBuilder().setTraceId(bytes(r, 16)).setSpanId(bytes(r, 8)).setFlags(1).addAllAttributes(attributes(r, 1));
    }
    if (r.nextBoolean()) {
      span.setStatus(Status.newBuilder().setCodeValue(r.nextInt(3)).setMessage(r.nextBoolean() ? text(r) : ""));
    }
    return span.build();
  }

  private static java.util.List<KeyValue> attributes(Random r, int max) {
    java.util.List<KeyValue> out = new java.util.ArrayList<>();
    for (int i = 0, n = r.nextInt(max + 1); i < n; i++) {
      out.add(KeyValue.newBuilder().setKey("attr." + text(r)).setValue(value(r, 0)).build());
    }
    return out;
  }

  private static AnyValue value(Random r, int depth) {
    return switch (r.nextInt(depth < 2 ? 7 : 5)) {
      case 0 -> AnyValue.newBuilder().setStringValue(text(r)).build();
      case 1 -> AnyValue.newBuilder().setBoolValue(r.nextBoolean()).build();
      case 2 -> AnyValue.newBuilder().setIntValue(r.nextBoolean() ? r.nextLong() : r.nextInt(1000) - 500).build();
      case 3 -> AnyValue.newBuilder().setDoubleValue(r.nextBoolean() ? r.nextDouble() * 1e6 : r.nextInt(100)).build();
      case 4 -> AnyValue.newBuilder().setStringValue("").build();
      case 5 -> AnyValue.newBuilder().setArrayValue(ArrayValue.newBuilder().addValues(value(r, depth + 1))
          .addValues(value(r, depth + 1))).build();
      default -> AnyValue.newBuilder().setKvlistValue(KeyValueList.newBuilder().addValues(
          KeyValue.newBuilder().setKey(text(r)).setValue(value(r, depth + 1)))).build();
    };
  }

  /** Text with the characters JSON escapes and multi-byte UTF-8 now and then. */
  private static String text(Random r) {
    String[] parts = {"GET /cart", "db", "\"quoted\"", "back\\slash", "tab\t", "line\n", "caf\u00e9", "\u65e5\u672c",
        "\ud83d\ude00", "\u0001", "/path?q=1&x=2", "", "x"};
    StringBuilder s = new StringBuilder();
    for (int i = 0, n = 1 + r.nextInt(3); i < n; i++) {
      s.append(parts[r.nextInt(parts.length)]);
    }
    return s.toString();
  }

  private static ByteString bytes(Random r, int n) {
    byte[] b = new byte[n];
    r.nextBytes(b);
    return ByteString.copyFrom(b);
  }

  private static ExportTraceServiceRequest everyField() {
    KeyValue nested = KeyValue.newBuilder().setKey("nested").setValue(AnyValue.newBuilder().setKvlistValue(
        KeyValueList.newBuilder().addValues(KeyValue.newBuilder().setKey("list").setValue(AnyValue.newBuilder().setArrayValue(
            ArrayValue.newBuilder().addValues(AnyValue.newBuilder().setIntValue(-3)).addValues(AnyValue.newBuilder().setDoubleValue(2.5))
                .addValues(AnyValue.newBuilder().setBoolValue(true)).addValues(AnyValue.newBuilder().setStringValue("s"))))))).build();
    Span span = Span.newBuilder().setTraceId(ByteString.fromHex("0102030405060708090a0b0c0d0e0f10"))
        .setSpanId(ByteString.fromHex("1112131415161718")).setParentSpanId(ByteString.fromHex("2122232425262728"))
        .setTraceState("vendor=1").setFlags(0x301).setName("GET /cart").setKind(Span.SpanKind.SPAN_KIND_SERVER)
        .setStartTimeUnixNano(1_795_000_000_123_456_789L).setEndTimeUnixNano(1_795_000_000_223_456_789L)
        .addAttributes(nested).setDroppedAttributesCount(2)
        .addEvents(Span.Event.newBuilder().setTimeUnixNano(1_795_000_000_200_000_000L).setName("exception")
            .addAttributes(KeyValue.newBuilder().setKey("exception.type").setValue(AnyValue.newBuilder().setStringValue("IOError")))
            .setDroppedAttributesCount(1))
        .setDroppedEventsCount(3)
        .addLinks(Span.Link.newBuilder().setTraceId(ByteString.fromHex("3132333435363738393a3b3c3d3e3f40"))
            .setSpanId(ByteString.fromHex("4142434445464748")).setTraceState("a=b").setFlags(1).setDroppedAttributesCount(4)
            .addAttributes(KeyValue.newBuilder().setKey("l").setValue(AnyValue.newBuilder().setIntValue(Long.MAX_VALUE))))
        .setDroppedLinksCount(5).setStatus(Status.newBuilder().setCode(Status.StatusCode.STATUS_CODE_ERROR).setMessage("boom"))
        .build();
    return ExportTraceServiceRequest.newBuilder().addResourceSpans(ResourceSpans.newBuilder()
        .setResource(Resource.newBuilder().addAttributes(KeyValue.newBuilder().setKey("service.name")
            .setValue(AnyValue.newBuilder().setStringValue("checkout"))).setDroppedAttributesCount(6))
        .setSchemaUrl("https://opentelemetry.io/schemas/1.26.0")
        .addScopeSpans(ScopeSpans.newBuilder().setScope(InstrumentationScope.newBuilder().setName("http").setVersion("1.2")
                .addAttributes(KeyValue.newBuilder().setKey("scope.attr").setValue(AnyValue.newBuilder().setBoolValue(false)))
                .setDroppedAttributesCount(7))
            .setSchemaUrl("https://opentelemetry.io/schemas/1.27.0").addSpans(span))).build();
  }

  private static byte[] resource(String name) {
    try (InputStream in = OtlpJsonTranscoderTest.class.getResourceAsStream("/otlp/" + name)) {
      assertNotNull(in, name);
      return in.readAllBytes();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
