package dev.tracing.fuzz;

import static dev.tracing.fuzz.BadInputContract.NOW;
import static dev.tracing.fuzz.BadInputContract.nanos;
import static dev.tracing.testing.OtlpFixtures.attr;
import static dev.tracing.testing.OtlpFixtures.request;
import static dev.tracing.testing.OtlpFixtures.service;
import static dev.tracing.testing.OtlpFixtures.span;
import static dev.tracing.testing.OtlpFixtures.traceId;

import com.google.protobuf.ByteString;
import dev.tracing.otlp.OtlpJsonReader;
import dev.tracing.testing.OtlpFixtures;
import dev.tracing.testing.OtlpJsonWriter;
import io.opentelemetry.proto.collector.trace.v1.ExportTraceServiceRequest;
import io.opentelemetry.proto.common.v1.AnyValue;
import io.opentelemetry.proto.common.v1.ArrayValue;
import io.opentelemetry.proto.common.v1.KeyValue;
import io.opentelemetry.proto.common.v1.KeyValueList;
import io.opentelemetry.proto.trace.v1.Span;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.stream.Stream;
import java.util.zip.GZIPOutputStream;
import org.junit.jupiter.api.Named;

/**
 * Seed inputs of the fuzz tests: the requests real SDKs sent (src/test/resources/otlp), the
 * query strings of the query tests, and a few hand-made requests that reach the validation
 * paths (bad ids, absurd timestamps, deep and wide attributes) so that fuzzing starts next to
 * the edges instead of having to find its way there.
 */
final class Seeds {
  private static final ByteString TRACE = traceId("5b8efff798038103d269b633813fc60c");
  private static final long T0 = nanos(NOW) - 60_000_000_000L;

  private Seeds() {
  }

  /** The captured SDK fixtures, by file name. */
  static byte[] fixture(String name) {
    return OtlpFixtures.resource(name);
  }

  static List<Named<ExportTraceServiceRequest>> requests() {
    List<Named<ExportTraceServiceRequest>> out = new ArrayList<>();
    out.add(Named.of("js-http-json", OtlpJsonReader.parseRequest(fixture("js-http-json.json"))));
    out.add(Named.of("snake-case-enum-names", OtlpJsonReader.parseRequest(fixture("snake-case-enum-names.json"))));
    out.add(Named.of("bad-ids", request(service("checkout"),
        span(ByteString.copyFrom(new byte[16]), 1, 0, "zero-trace", T0, 1000, false),
        span(TRACE, 0, 0, "zero-span", T0, 1000, false),
        span(TRACE, 2, 0, "ok", T0, 1000, false).toBuilder().setTraceId(TRACE.substring(0, 15)).build(),
        span(TRACE, 3, 0, "parent-too-long", T0, 1000, false).toBuilder().setParentSpanId(ByteString.copyFrom(new byte[9])).build())));
    out.add(Named.of("absurd-timestamps", request(service("checkout"),
        span(TRACE, 1, 0, "zero", 0, 0, false),
        span(TRACE, 2, 0, "end-before-start", T0, 0, false).toBuilder().setEndTimeUnixNano(T0 - 1).build(),
        span(TRACE, 3, 0, "max", T0, 0, false).toBuilder().setStartTimeUnixNano(-1L).setEndTimeUnixNano(-1L).build(),
        span(TRACE, 4, 0, "far-future", nanos(NOW) + 86_400_000_000_000L, 1000, false),
        span(TRACE, 5, 0, "epoch", 1, 1, false))));
    out.add(Named.of("deep-attribute", request(service("checkout"),
        span(TRACE, 1, 0, "deep", T0, 1000, false, KeyValue.newBuilder().setKey("deep").setValue(nested(30)).build()))));
    KeyValue[] many = new KeyValue[64];
    for (int i = 0; i < many.length; i++) {
      many[i] = i % 3 == 0 ? attr("k" + i, i) : i % 3 == 1 ? attr("k" + i, "v" + i) : attr("k" + i, i * 0.5);
    }
    out.add(Named.of("many-attributes", request(service("checkout"), span(TRACE, 1, 0, "wide", T0, 1000, true, many))));
    out.add(Named.of("events-and-links", request(service("checkout"), span(TRACE, 1, 0, "linked", T0, 1000, false).toBuilder()
        .addEvents(Span.Event.newBuilder().setName("exception").setTimeUnixNano(T0 + 1).addAttributes(attr("exception.type", "E")))
        .addLinks(Span.Link.newBuilder().setTraceId(TRACE).setSpanId(OtlpFixtures.spanId(7)).setTraceState("k=v"))
        .build())));
    return out;
  }

  static ExportTraceServiceRequest namedRequest(String name) {
    return requests().stream().filter(r -> r.getName().equals(name)).findFirst().orElseThrow().getPayload();
  }

  /** An AnyValue nested {@code depth} levels of alternating arrayValue and kvlistValue. */
  static AnyValue nested(int depth) {
    AnyValue v = AnyValue.newBuilder().setStringValue("leaf").build();
    for (int i = 0; i < depth; i++) {
      v = i % 2 == 0
          ? AnyValue.newBuilder().setArrayValue(ArrayValue.newBuilder().addValues(v)).build()
          : AnyValue.newBuilder().setKvlistValue(KeyValueList.newBuilder().addValues(KeyValue.newBuilder().setKey("k").setValue(v)))
              .build();
    }
    return v;
  }

  static Stream<Named<byte[]>> protobufBodies() {
    List<Named<byte[]>> out = new ArrayList<>();
    out.add(Named.of("js-http-proto.bin", fixture("js-http-proto.bin")));
    for (Named<ExportTraceServiceRequest> r : requests()) {
      out.add(Named.of(r.getName() + ".pb", r.getPayload().toByteArray()));
    }
    byte[] proto = fixture("js-http-proto.bin");
    out.add(Named.of("js-http-proto.bin truncated", Arrays.copyOf(proto, proto.length / 2)));
    return out.stream();
  }

  static Stream<Named<byte[]>> jsonBodies() {
    List<Named<byte[]>> out = new ArrayList<>();
    for (String name : List.of("js-http-json.json", "snake-case-enum-names.json", "hex-id-wrong-length.json", "truncated.json",
        "not-json.txt")) {
      out.add(Named.of(name, fixture(name)));
    }
    for (Named<ExportTraceServiceRequest> r : requests()) {
      out.add(Named.of(r.getName() + ".json", OtlpJsonWriter.writeRequest(r.getPayload())));
    }
    out.add(Named.of("literals", ("{\"resourceSpans\":[{\"scopeSpans\":[{\"spans\":[{\"traceId\":\"5B8EFFF798038103D269B633813FC60C\","
        + "\"span_id\":\"eee19b7ec3c1b174\",\"kind\":\"SPAN_KIND_SERVER\",\"startTimeUnixNano\":1.7950001e18,"
        + "\"endTimeUnixNano\":\"18446744073709551615\",\"status\":{\"code\":\"STATUS_CODE_ERROR\"},\"attributes\":["
        + "{\"key\":\"d\",\"value\":{\"doubleValue\":NaN}},{\"key\":\"b\",\"value\":{\"bytesValue\":\"AQ-_\"}},"
        + "{\"key\":\"n\",\"value\":null},{\"key\":\"i\",\"value\":{\"intValue\":-9223372036854775808}}]}]}]}]}")
        .getBytes(StandardCharsets.UTF_8)));
    return out.stream();
  }

  static byte[] gzip(byte[] data) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    try (GZIPOutputStream gz = new GZIPOutputStream(out)) {
      gz.write(data);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return out.toByteArray();
  }

  /**
   * Query strings of the query tests (src/test/resources/query), URL-encoded as on the wire,
   * plus a few that reach each branch of the parser.
   */
  static List<String> queryStrings() {
    List<String> out = new ArrayList<>();
    for (String file : List.of("/query/filters.txt", "/query/combinations.txt")) {
      try (InputStream in = Seeds.class.getResourceAsStream(file)) {
        if (in == null) {
          continue; // another suite's data: seeds are welcome, not required
        }
        for (String line : new String(in.readAllBytes(), StandardCharsets.UTF_8).split("\n")) {
          if (!line.isBlank() && !line.startsWith("#")) {
            out.add(line.trim());
          }
        }
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
    }
    out.addAll(List.of(
        "",
        "period=7d&sort=duration_asc&page_size=500",
        "start_time=2026-11-24T09:00:00Z&end_time=2026-11-24T10:00:00.5%2B01:00",
        "start_time=2026-11-17T10:00:00Z&end_time=2026-11-24T10:00:00Z&gt%5Bduration_nano%5D=0&lt%5Bduration_nano%5D=9223372036854775807",
        "start_time=1900-01-01T00:00:00Z&end_time=2100-01-01T00:00:00%2B14:00",
        "start_time=2262-04-11T23:47:16Z",
        "trace_id=5B8EFFF798038103D269B633813FC60C&not%5Btrace_id%5D=0af7651916cd43dd8448eb211c80319c",
        "attr_name=http.method&attr_value=GET&attr_name=k&attr_value=",
        "status=error&not%5Bstatus%5D=ok",
        "page_token=AQAAAAAAAAAqAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA",
        "service_name=%E2%9C%93&operation=GET%20%2F"));
    return out;
  }
}
