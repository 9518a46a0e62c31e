package dev.tracing.functions.lambda;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.zip.GZIPInputStream;
import tools.jackson.databind.JsonNode;

/**
 * A routed function's answer as API Gateway reads it (HTTP API payload 2.0 response): the
 * status, the headers, and the body bytes the client receives (base64-decoded when
 * {@code isBase64Encoded}); {@link #bodyText()} and {@link #bodyJson()} read them as a client
 * does, gunzipped when the answer says {@code Content-Encoding: gzip}.
 */
public record GatewayResponse(String json, JsonNode tree, int statusCode, boolean isBase64Encoded, Map<String, String> headers,
                              byte[] body) {
  public GatewayResponse {
    headers = Map.copyOf(headers);
  }

  public static GatewayResponse parse(String json) {
    JsonNode tree = GatewayEvent.readJson(json);
    if (!tree.has("statusCode")) {
      throw new AssertionError("not an HTTP API response (no statusCode): " + json);
    }
    Map<String, String> headers = new LinkedHashMap<>();
    JsonNode h = tree.get("headers");
    if (h != null && h.isObject()) {
      h.properties().forEach(e -> headers.put(e.getKey(), e.getValue().asString()));
    }
    boolean base64 = tree.path("isBase64Encoded").asBoolean(false);
    JsonNode bodyNode = tree.get("body");
    String text = bodyNode == null || bodyNode.isNull() ? "" : bodyNode.asString();
    byte[] body = base64 ? Base64.getDecoder().decode(text) : text.getBytes(StandardCharsets.UTF_8);
    return new GatewayResponse(json, tree, tree.get("statusCode").asInt(), base64, headers, body);
  }

  /** A header by case-insensitive name, or {@code null}. */
  public String header(String name) {
    return headers.entrySet().stream().filter(e -> e.getKey().equalsIgnoreCase(name)).map(Map.Entry::getValue)
        .findFirst().orElse(null);
  }

  public String bodyText() {
    return new String(decodedBody(), StandardCharsets.UTF_8);
  }

  /** The body as the client reads it: gunzipped when it came with {@code Content-Encoding: gzip}. */
  public byte[] decodedBody() {
    if (!"gzip".equalsIgnoreCase(header("content-encoding"))) {
      return body;
    }
    try (GZIPInputStream in = new GZIPInputStream(new ByteArrayInputStream(body))) {
      return in.readAllBytes();
    } catch (IOException e) {
      throw new AssertionError("the answer says Content-Encoding: gzip but its body is not gzip: " + e, e);
    }
  }

  public JsonNode bodyJson() {
    return GatewayEvent.readJson(bodyText());
  }
}
