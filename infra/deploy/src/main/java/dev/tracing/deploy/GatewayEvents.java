package dev.tracing.deploy;

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
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.ObjectNode;

/**
 * API Gateway HTTP API events (payload format 2.0) as the gateway sends them to a Lambda function:
 * built from templates shaped like real events ({@code events/*.json} beside this class), with the
 * route, path, headers, body and the authorizer's context filled in.
 */
public final class GatewayEvents {
  static final JsonMapper JSON = JsonMapper.builder().build();
  private static final DateTimeFormatter CLF_TIME = DateTimeFormatter.ofPattern("dd/MMM/yyyy:HH:mm:ss Z", Locale.ROOT)
      .withZone(ZoneOffset.UTC);

  private GatewayEvents() {
  }

  /**
   * A routed request.
   *
   * @param routeKey API Gateway's route key, e.g. {@code GET /v3/query/{projectId}/traces}
   * @param authorizerContext what the Lambda authorizer returned, or {@code null} for none
   */
  public static ObjectNode request(String routeKey, String rawPath, String rawQuery, Map<String, String> pathParameters,
                                   Map<String, String> headers, Map<String, ?> authorizerContext) {
    ObjectNode event = template("http-api-request.json");
    String method = routeKey.substring(0, routeKey.indexOf(' '));
    event.put("routeKey", routeKey);
    event.put("rawPath", rawPath);
    event.put("rawQueryString", rawQuery == null ? "" : rawQuery);
    ObjectNode ctx = (ObjectNode) event.get("requestContext");
    ctx.put("routeKey", routeKey);
    ((ObjectNode) ctx.get("http")).put("method", method).put("path", rawPath);
    headers.forEach((k, v) -> ((ObjectNode) event.get("headers")).put(k.toLowerCase(Locale.ROOT), v));
    if (!pathParameters.isEmpty()) {
      ObjectNode params = event.putObject("pathParameters");
      pathParameters.forEach(params::put);
    }
    if (authorizerContext != null) {
      ObjectNode lambda = ctx.putObject("authorizer").putObject("lambda");
      authorizerContext.forEach((k, v) -> lambda.put(k, String.valueOf(v)));
    }
    return event;
  }

  /** The REQUEST authorizer event (payload 2.0) for a request to {@code routeKey} at {@code rawPath}. */
  public static ObjectNode authorizer(String routeKey, String rawPath, Map<String, String> headers) {
    ObjectNode event = template("http-api-authorizer.json");
    String method = routeKey.substring(0, routeKey.indexOf(' '));
    event.put("routeKey", routeKey);
    event.put("rawPath", rawPath);
    event.put("routeArn", "arn:aws:execute-api:us-east-1:123456789012:a1b2c3d4e5/$default/" + method + rawPath);
    ObjectNode ctx = (ObjectNode) event.get("requestContext");
    ctx.put("routeKey", routeKey);
    ((ObjectNode) ctx.get("http")).put("method", method).put("path", rawPath);
    headers.forEach((k, v) -> ((ObjectNode) event.get("headers")).put(k.toLowerCase(Locale.ROOT), v));
    return event;
  }

  /** A binary body (protobuf): API Gateway base64-encodes it and says so. */
  public static ObjectNode binaryBody(ObjectNode event, byte[] body) {
    event.put("body", Base64.getEncoder().encodeToString(body));
    event.put("isBase64Encoded", true);
    ((ObjectNode) event.get("headers")).put("content-length", Integer.toString(body.length));
    return event;
  }

  /** A text body: passed as it came. */
  public static ObjectNode textBody(ObjectNode event, String body) {
    event.put("body", body);
    event.put("isBase64Encoded", false);
    ((ObjectNode) event.get("headers")).put("content-length",
        Integer.toString(body.getBytes(StandardCharsets.UTF_8).length));
    return event;
  }

  public static String json(ObjectNode event) {
    return JSON.writeValueAsString(event);
  }

  private static ObjectNode template(String name) {
    try (InputStream in = GatewayEvents.class.getResourceAsStream("events/" + name)) {
      if (in == null) {
        throw new IllegalStateException("missing event template events/" + name);
      }
      ObjectNode event = (ObjectNode) JSON.readTree(in);
      Instant now = Instant.now();
      ObjectNode ctx = (ObjectNode) event.get("requestContext");
      ctx.put("requestId", UUID.randomUUID().toString().replace("-", "").substring(0, 15) + "=");
      ctx.put("time", CLF_TIME.format(now));
      ctx.put("timeEpoch", now.toEpochMilli());
      return event;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
