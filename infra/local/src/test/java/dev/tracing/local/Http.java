package dev.tracing.local;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import com.google.protobuf.CodedInputStream;
import com.google.protobuf.InvalidProtocolBufferException;
import com.google.protobuf.WireFormat;
import io.opentelemetry.proto.collector.trace.v1.ExportTraceServiceRequest;
import io.opentelemetry.proto.collector.trace.v1.ExportTraceServiceResponse;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpHeaders;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Map;
import java.util.zip.GZIPOutputStream;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/** Plain HTTP against the local stack with the JDK client, as an exporter or the frontend would talk to it. */
final class Http {
  static final JsonMapper JSON = JsonMapper.builder().build();
  static final String PROTOBUF = "application/x-protobuf";
  static final String JSON_TYPE = "application/json";

  private static final HttpClient CLIENT = HttpClient.newBuilder()
      .version(HttpClient.Version.HTTP_1_1)
      .connectTimeout(Duration.ofSeconds(5))
      .build();

  private Http() {
  }

  /** An answer, kept whole so that failures can show it. */
  record Reply(String request, int status, HttpHeaders headers, byte[] body) {
    String text() {
      return new String(body, StandardCharsets.UTF_8);
    }

    String header(String name) {
      return headers.firstValue(name).orElse(null);
    }

    JsonNode json() {
      assertTrue(header("Content-Type") != null && header("Content-Type").startsWith(JSON_TYPE),
          "expected a JSON answer to " + request + ", got Content-Type " + header("Content-Type") + ": " + text());
      return JSON.readTree(body);
    }

    /** The {@code google.rpc.Status} of a protobuf error answer. */
    RpcStatus rpcStatus() {
      assertEquals(PROTOBUF, header("Content-Type"), "error answer to a protobuf request " + request);
      return RpcStatus.decode(body);
    }

    ExportTraceServiceResponse exportResponse() {
      assertEquals(PROTOBUF, header("Content-Type"), "answer to " + request);
      try {
        return ExportTraceServiceResponse.parseFrom(body);
      } catch (InvalidProtocolBufferException e) {
        throw new AssertionError("answer to " + request + " is not an ExportTraceServiceResponse", e);
      }
    }

    /** Fails unless the status is the expected one, showing the body. */
    Reply expect(int expected) {
      if (status != expected) {
        fail(request + " answered " + status + " (expected " + expected + "): " + describeBody());
      }
      return this;
    }

    String describeBody() {
      String type = header("Content-Type");
      if (PROTOBUF.equals(type) && status >= 400) {
        return RpcStatus.decode(body).toString();
      }
      return text();
    }

    @Override
    public String toString() {
      return request + " -> " + status + " " + describeBody();
    }
  }

  /** {@code google.rpc.Status}, decoded field by field: 1 code (int32), 2 message (string). */
  record RpcStatus(int code, String message) {
    static RpcStatus decode(byte[] body) {
      CodedInputStream in = CodedInputStream.newInstance(body);
      int code = 0;
      String message = "";
      try {
        for (int tag; (tag = in.readTag()) != 0; ) {
          switch (WireFormat.getTagFieldNumber(tag)) {
            case 1 -> code = in.readInt32();
            case 2 -> message = in.readStringRequireUtf8();
            default -> in.skipField(tag);
          }
        }
      } catch (IOException e) {
        throw new AssertionError("not a google.rpc.Status protobuf: " + e.getMessage(), e);
      }
      return new RpcStatus(code, message);
    }
  }

  static Reply send(HttpRequest request) {
    String what = request.method() + " " + request.uri().getRawPath();
    try {
      HttpResponse<byte[]> r = CLIENT.send(request, HttpResponse.BodyHandlers.ofByteArray());
      return new Reply(what, r.statusCode(), r.headers(), r.body());
    } catch (IOException e) {
      throw new UncheckedIOException(what + " failed: " + e, e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }

  static HttpRequest.Builder request(URI uri) {
    return HttpRequest.newBuilder(uri).timeout(Duration.ofSeconds(60));
  }

  /** A POST with a fixed-length body and the given headers (name, value, name, value...). */
  static Reply post(URI uri, byte[] body, String... headers) {
    HttpRequest.Builder b = request(uri).POST(HttpRequest.BodyPublishers.ofByteArray(body));
    return send(withHeaders(b, headers).build());
  }

  /** A POST whose body goes out with {@code Transfer-Encoding: chunked}, as the OpenTelemetry JS exporters send. */
  static Reply postChunked(URI uri, byte[] body, String... headers) {
    HttpRequest.Builder b = request(uri).POST(HttpRequest.BodyPublishers.ofInputStream(() -> new ByteArrayInputStream(body)));
    return send(withHeaders(b, headers).build());
  }

  static Reply get(URI uri, String... headers) {
    return send(withHeaders(request(uri).GET(), headers).build());
  }

  static HttpRequest.Builder withHeaders(HttpRequest.Builder b, String... headers) {
    for (int i = 0; i < headers.length; i += 2) {
      b.header(headers[i], headers[i + 1]);
    }
    return b;
  }

  static String[] token(String token) {
    return new String[] {"PRIVATE-TOKEN", token};
  }

  /** POST of a protobuf export request with the token. */
  static Reply ingest(URI ingestUrl, String token, ExportTraceServiceRequest request) {
    return post(ingestUrl, request.toByteArray(), "Content-Type", PROTOBUF, "PRIVATE-TOKEN", token);
  }

  static Reply getTrace(URI base, long projectId, String traceId, String token) {
    return get(base.resolve("/v3/query/" + projectId + "/traces/" + traceId), "PRIVATE-TOKEN", token);
  }

  static byte[] gzip(byte[] raw) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    try (GZIPOutputStream gz = new GZIPOutputStream(out)) {
      gz.write(raw);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return out.toByteArray();
  }

  static Map<String, String> env(String... kv) {
    java.util.LinkedHashMap<String, String> m = new java.util.LinkedHashMap<>();
    for (int i = 0; i < kv.length; i += 2) {
      m.put(kv[i], kv[i + 1]);
    }
    return m;
  }
}
