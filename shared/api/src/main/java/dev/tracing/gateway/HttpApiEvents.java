package dev.tracing.gateway;

import com.amazonaws.services.lambda.runtime.events.APIGatewayV2CustomAuthorizerEvent;
import com.amazonaws.services.lambda.runtime.events.APIGatewayV2HTTPEvent;
import com.amazonaws.services.lambda.runtime.events.APIGatewayV2HTTPResponse;
import dev.tracing.api.ApiRequest;
import dev.tracing.api.ApiResponse;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;

/**
 * The API Gateway HTTP API (payload format 2.0) events: the one wire shape every function speaks,
 * in AWS Lambda and behind the local stack's gateway alike. Bodies travel base64-encoded when
 * binary, so protobuf arrives byte-exact on every path.
 */
public final class HttpApiEvents {
  private HttpApiEvents() {
  }

  /** Reads the request a routed function received. */
  public static ApiRequest toApiRequest(APIGatewayV2HTTPEvent event) {
    byte[] body = body(event.getBody(), event.getIsBase64Encoded());
    String method = null;
    String path = event.getRawPath();
    Map<String, Object> authorizer = null;
    if (event.getRequestContext() != null) {
      if (event.getRequestContext().getHttp() != null) {
        method = event.getRequestContext().getHttp().getMethod();
        if (path == null) {
          path = event.getRequestContext().getHttp().getPath();
        }
      }
      if (event.getRequestContext().getAuthorizer() != null) {
        authorizer = event.getRequestContext().getAuthorizer().getLambda();
      }
    }
    return new ApiRequest(method, path, event.getPathParameters(), event.getRawQueryString(), event.getHeaders(), body,
        authorizer, event.getRouteKey());
  }

  /** Writes a function's answer; binary bodies are base64-encoded, JSON and text are not. */
  public static APIGatewayV2HTTPResponse toEvent(ApiResponse response) {
    String type = response.header("Content-Type");
    boolean text = type != null && (type.startsWith("application/json") || type.startsWith("text/"))
        && response.header("Content-Encoding") == null;
    return APIGatewayV2HTTPResponse.builder()
        .withStatusCode(response.status())
        .withHeaders(new LinkedHashMap<>(response.headers()))
        .withBody(text ? new String(response.body(), StandardCharsets.UTF_8) : Base64.getEncoder().encodeToString(response.body()))
        .withIsBase64Encoded(!text)
        .withCookies(java.util.List.of())
        .build();
  }

  /** Reads a gateway response (what a client will receive). */
  public static ApiResponse fromEvent(APIGatewayV2HTTPResponse event) {
    byte[] body = body(event.getBody(), event.getIsBase64Encoded());
    return new ApiResponse(event.getStatusCode(), event.getHeaders() == null ? Map.of() : event.getHeaders(), body);
  }

  /**
   * Builds the event API Gateway sends for an HTTP request: lowercase header names, the body
   * base64-encoded, the route's path parameters and the authorizer's context.
   */
  public static APIGatewayV2HTTPEvent requestEvent(String method, String rawPath, String rawQuery, Map<String, String> headers,
                                                   byte[] body, String routeKey, Map<String, String> pathParameters,
                                                   Map<String, Object> authorizerContext) {
    Map<String, String> lower = lowercase(headers);
    APIGatewayV2HTTPEvent.RequestContext.Authorizer authorizer = new APIGatewayV2HTTPEvent.RequestContext.Authorizer();
    authorizer.setLambda(authorizerContext);
    APIGatewayV2HTTPEvent.RequestContext ctx = new APIGatewayV2HTTPEvent.RequestContext();
    ctx.setRouteKey(routeKey);
    ctx.setStage("$default");
    ctx.setAuthorizer(authorizer);
    APIGatewayV2HTTPEvent.RequestContext.Http http = new APIGatewayV2HTTPEvent.RequestContext.Http();
    http.setMethod(method);
    http.setPath(rawPath);
    http.setProtocol("HTTP/1.1");
    ctx.setHttp(http);
    APIGatewayV2HTTPEvent event = new APIGatewayV2HTTPEvent();
    event.setVersion("2.0");
    event.setRouteKey(routeKey);
    event.setRawPath(rawPath);
    event.setRawQueryString(rawQuery == null ? "" : rawQuery);
    event.setHeaders(lower);
    event.setPathParameters(pathParameters);
    event.setRequestContext(ctx);
    if (body != null && body.length > 0) {
      event.setBody(Base64.getEncoder().encodeToString(body));
      event.setIsBase64Encoded(true);
    }
    return event;
  }

  /** Builds the REQUEST authorizer event (payload 2.0) API Gateway sends for an HTTP request. */
  public static APIGatewayV2CustomAuthorizerEvent authorizerEvent(String method, String rawPath, Map<String, String> headers,
                                                                  String routeKey) {
    Map<String, String> lower = lowercase(headers);
    APIGatewayV2CustomAuthorizerEvent event = new APIGatewayV2CustomAuthorizerEvent();
    event.setVersion("2.0");
    event.setType("REQUEST");
    event.setRouteKey(routeKey);
    event.setRawPath(rawPath);
    event.setHeaders(lower);
    return event;
  }

  /** An event body as bytes: base64 when the event says so, else the text's UTF-8. */
  private static byte[] body(String body, boolean base64) {
    if (body == null) {
      return new byte[0];
    }
    return base64 ? Base64.getDecoder().decode(body) : body.getBytes(StandardCharsets.UTF_8);
  }

  /** Header names as API Gateway passes them: lowercase, repeated headers joined with commas. */
  private static Map<String, String> lowercase(Map<String, String> headers) {
    Map<String, String> lower = new LinkedHashMap<>();
    headers.forEach((k, v) -> lower.merge(k.toLowerCase(Locale.ROOT), v, (a, b) -> a + "," + b));
    return lower;
  }
}
