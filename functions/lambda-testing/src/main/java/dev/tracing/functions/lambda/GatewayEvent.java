package dev.tracing.functions.lambda;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.Base64;
import java.util.Locale;
import java.util.Map;
import java.util.UUID;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.ObjectNode;

/**
 * An API Gateway event (HTTP API payload 2.0, or a REQUEST authorizer payload 2.0) built from a
 * template under {@code src/test/resources/events/} shaped like a real one, with the parts a test
 * varies filled in: path, path parameters, headers, body, the authorizer's context.
 */
public final class GatewayEvent {
  static final JsonMapper JSON = JsonMapper.builder().build();
  private static final DateTimeFormatter CLF_TIME = DateTimeFormatter.ofPattern("dd/MMM/yyyy:HH:mm:ss Z", Locale.ROOT)
      .withZone(ZoneOffset.UTC);

  private final ObjectNode event;

  private GatewayEvent(ObjectNode event) {
    this.event = event;
  }

  /** Loads a template and gives it a fresh request id and the current time, as every real event has. */
  public static GatewayEvent fromTemplate(String resource) {
    try (InputStream in = GatewayEvent.class.getResourceAsStream(resource)) {
      if (in == null) {
        throw new IllegalArgumentException("no event template " + resource);
      }
      GatewayEvent e = new GatewayEvent((ObjectNode) JSON.readTree(in));
      Instant now = Instant.now();
      ObjectNode ctx = e.object("requestContext");
      ctx.put("requestId", UUID.randomUUID().toString().substring(0, 18).replace("-", "") + "=");
      ctx.put("time", CLF_TIME.format(now));
      ctx.put("timeEpoch", now.toEpochMilli());
      return e;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** The request path, in the three places API Gateway writes it. */
  public GatewayEvent path(String rawPath) {
    event.put("rawPath", rawPath);
    object(object("requestContext"), "http").put("path", rawPath);
    if (event.has("routeArn")) {
      String arn = event.get("routeArn").asString();
      String method = object("requestContext").get("http").get("method").asString();
      event.put("routeArn", arn.substring(0, arn.indexOf("/" + method + "/") + method.length() + 2) + rawPath.substring(1));
    }
    return this;
  }

  /**
   * The query string as the client sent it ({@code rawQueryString}), and the parameters API Gateway
   * decodes from it ({@code queryStringParameters}: repeated names joined with commas).
   */
  public GatewayEvent query(String rawQuery) {
    event.put("rawQueryString", rawQuery);
    Map<String, String> decoded = new java.util.LinkedHashMap<>();
    for (String pair : rawQuery.split("&")) {
      if (pair.isEmpty()) {
        continue;
      }
      int eq = pair.indexOf('=');
      String name = java.net.URLDecoder.decode(eq < 0 ? pair : pair.substring(0, eq), StandardCharsets.UTF_8);
      String value = eq < 0 ? "" : java.net.URLDecoder.decode(pair.substring(eq + 1), StandardCharsets.UTF_8);
      decoded.merge(name, value, (a, b) -> a + "," + b);
    }
    if (decoded.isEmpty()) {
      event.remove("queryStringParameters");
    } else {
      ObjectNode params = event.putObject("queryStringParameters");
      decoded.forEach(params::put);
    }
    return this;
  }

  /** The route API Gateway matched ({@code METHOD /path/{param}}), in both places it writes it. */
  public GatewayEvent routeKey(String routeKey) {
    event.put("routeKey", routeKey);
    object("requestContext").put("routeKey", routeKey);
    return this;
  }

  public GatewayEvent pathParameters(Map<String, String> values) {
    ObjectNode params = event.putObject("pathParameters");
    values.forEach(params::put);
    return this;
  }

  public GatewayEvent withoutPathParameters() {
    event.remove("pathParameters");
    return this;
  }

  /** A request header; HTTP API events carry header names in lowercase. */
  public GatewayEvent header(String name, String value) {
    object("headers").put(name.toLowerCase(Locale.ROOT), value);
    return this;
  }

  /** A binary body: API Gateway base64-encodes it and says so. */
  public GatewayEvent binaryBody(byte[] body) {
    event.put("body", Base64.getEncoder().encodeToString(body));
    event.put("isBase64Encoded", true);
    return header("content-length", Integer.toString(body.length));
  }

  /** A text body (JSON): API Gateway passes it as it came, not encoded. */
  public GatewayEvent textBody(String body) {
    event.put("body", body);
    event.put("isBase64Encoded", false);
    return header("content-length", Integer.toString(body.getBytes(StandardCharsets.UTF_8).length));
  }

  /** Sets a body field verbatim (for malformed events). */
  public GatewayEvent rawBody(String body, boolean base64Encoded) {
    event.put("body", body);
    event.put("isBase64Encoded", base64Encoded);
    return this;
  }

  /**
   * The context the Lambda authorizer returned, which API Gateway passes to the routed function
   * as {@code requestContext.authorizer.lambda}.
   */
  public GatewayEvent authorizerContext(Map<String, ?> context) {
    ObjectNode lambda = object("requestContext").putObject("authorizer").putObject("lambda");
    context.forEach((k, v) -> lambda.put(k, String.valueOf(v)));
    return this;
  }

  /** As if the route had no authorizer (or the gateway passed nothing). */
  public GatewayEvent withoutAuthorizer() {
    object("requestContext").remove("authorizer");
    return this;
  }

  /** Parses JSON a function answered (an authorizer's simple response, a response body). */
  public static JsonNode readJson(String json) {
    return JSON.readTree(json);
  }

  public String json() {
    return JSON.writeValueAsString(event);
  }

  private ObjectNode object(String field) {
    return object(event, field);
  }

  private static ObjectNode object(ObjectNode parent, String field) {
    JsonNode node = parent.get(field);
    if (node == null || !node.isObject()) {
      return parent.putObject(field);
    }
    return (ObjectNode) node;
  }
}
