package dev.tracing.gateway;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.amazonaws.services.lambda.runtime.events.APIGatewayV2HTTPResponse;
import dev.tracing.api.ApiRequest;
import dev.tracing.api.ApiResponse;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.Map;
import java.util.zip.GZIPInputStream;
import org.junit.jupiter.api.Test;

class ResponseCompressionTest {
  private static final byte[] BIG = "{\"spans\":[".concat("{\"service_name\":\"checkout\"},".repeat(200)).concat("{}]}")
      .getBytes(StandardCharsets.UTF_8);

  @Test
  void acceptEncodingIsReadAsRfc9110Says() {
    assertTrue(ResponseCompression.acceptsGzip("gzip"));
    assertTrue(ResponseCompression.acceptsGzip("gzip, deflate, br, zstd"));
    assertTrue(ResponseCompression.acceptsGzip("br;q=1.0, GZIP;q=0.5"));
    assertTrue(ResponseCompression.acceptsGzip("x-gzip"));
    assertTrue(ResponseCompression.acceptsGzip("*"));
    assertTrue(ResponseCompression.acceptsGzip("deflate , gzip ; q=0.001"));
    assertFalse(ResponseCompression.acceptsGzip(null));
    assertFalse(ResponseCompression.acceptsGzip(""));
    assertFalse(ResponseCompression.acceptsGzip("identity"));
    assertFalse(ResponseCompression.acceptsGzip("br, deflate"));
    assertFalse(ResponseCompression.acceptsGzip("gzip;q=0"));
    assertFalse(ResponseCompression.acceptsGzip("gzip;q=0.000"));
    assertFalse(ResponseCompression.acceptsGzip("*, gzip;q=0"), "refused by name though the wildcard accepts");
    assertFalse(ResponseCompression.acceptsGzip("*;q=0"));
    assertFalse(ResponseCompression.acceptsGzip("gzip;q=abc"), "an unreadable quality accepts nothing");
    assertFalse(ResponseCompression.acceptsGzip("gzip;q=2"));
    assertFalse(ResponseCompression.acceptsGzip("gzipped"));
  }

  @Test
  void aLargeAnswerIsGzippedForAClientThatAcceptsIt() throws IOException {
    ApiResponse answer = ResponseCompression.negotiate(request("gzip, deflate, br"), ApiResponse.json(200, BIG));

    assertEquals("gzip", answer.header("Content-Encoding"));
    assertEquals("Accept-Encoding", answer.header("Vary"));
    assertEquals("application/json", answer.header("Content-Type"));
    assertEquals("no-store", answer.header("Cache-Control"));
    assertTrue(answer.body().length < BIG.length / 10, answer.body().length + " bytes");
    assertArrayEquals(BIG, gunzip(answer.body()));

    // in the event: binary, so base64, and the client gets the gzip bytes
    APIGatewayV2HTTPResponse event = HttpApiEvents.toEvent(answer);
    assertTrue(event.getIsBase64Encoded());
    assertArrayEquals(BIG, gunzip(Base64.getDecoder().decode(event.getBody())));
  }

  @Test
  void smallAnswersAndClientsWithoutGzipGetTheAnswerAsItIs() {
    ApiResponse small = ApiResponse.json(200, "{\"error\":\"not_found\"}".getBytes(StandardCharsets.UTF_8));
    assertSame(small, ResponseCompression.negotiate(request("gzip"), small));

    ApiResponse big = ApiResponse.json(200, BIG);
    assertSame(big, ResponseCompression.negotiate(request(null), big));
    assertSame(big, ResponseCompression.negotiate(request("identity"), big));
    APIGatewayV2HTTPResponse event = HttpApiEvents.toEvent(big);
    assertFalse(event.getIsBase64Encoded());
    assertNull(event.getHeaders().get("Content-Encoding"));

    ApiResponse encoded = ApiResponse.json(200, BIG).withHeader("Content-Encoding", "br");
    assertSame(encoded, ResponseCompression.negotiate(request("gzip"), encoded), "an answer already encoded is left alone");
  }

  private static ApiRequest request(String acceptEncoding) {
    Map<String, String> headers = acceptEncoding == null ? Map.of() : Map.of("Accept-Encoding", acceptEncoding);
    return new ApiRequest("GET", "/v3/query/1/traces/x", Map.of(), "", headers, null, Map.of());
  }

  private static byte[] gunzip(byte[] gz) throws IOException {
    try (GZIPInputStream in = new GZIPInputStream(new ByteArrayInputStream(gz))) {
      return in.readAllBytes();
    }
  }
}
