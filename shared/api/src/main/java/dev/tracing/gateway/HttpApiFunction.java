package dev.tracing.gateway;

import com.amazonaws.services.lambda.runtime.events.APIGatewayV2HTTPEvent;
import com.amazonaws.services.lambda.runtime.events.APIGatewayV2HTTPResponse;
import dev.tracing.api.ApiError;
import dev.tracing.api.ApiRequest;
import dev.tracing.api.ApiResponse;
import java.util.function.Function;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * A routed function as the gateway calls it: event in, event out. It adapts an endpoint and is
 * the last line against leaking internals: an unexpected failure is logged here and answered
 * with a plain {@code 500}, never a stack trace.
 */
public final class HttpApiFunction implements Function<APIGatewayV2HTTPEvent, APIGatewayV2HTTPResponse> {
  private static final Logger LOG = Logger.getLogger(HttpApiFunction.class.getName());

  private final String name;
  private final Function<ApiRequest, ApiResponse> endpoint;

  public HttpApiFunction(String name, Function<ApiRequest, ApiResponse> endpoint) {
    this.name = name;
    this.endpoint = endpoint;
  }

  @Override
  public APIGatewayV2HTTPResponse apply(APIGatewayV2HTTPEvent event) {
    ApiRequest request;
    try {
      request = HttpApiEvents.toApiRequest(event);
    } catch (IllegalArgumentException badBase64) {
      return HttpApiEvents.toEvent(ApiError.of(400, "bad_request", "the request body is not valid base64 (isBase64Encoded is set)"));
    }
    try {
      return HttpApiEvents.toEvent(ResponseCompression.negotiate(request, endpoint.apply(request)));
    } catch (RuntimeException e) {
      LOG.log(Level.SEVERE, "function " + name + " failed on " + request.method() + " " + request.path(), e);
      return HttpApiEvents.toEvent(ApiError.of(500, "internal_error",
          "the " + name + " function failed unexpectedly; the failure is logged. Retry, and report it if it persists"));
    }
  }
}
