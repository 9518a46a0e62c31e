package dev.tracing.functions.authorizer;

import com.amazonaws.services.lambda.runtime.events.APIGatewayV2CustomAuthorizerEvent;
import com.amazonaws.services.lambda.runtime.events.SimpleIAMPolicyResponse;
import dev.tracing.auth.AuthorizerEndpoint;
import dev.tracing.auth.TokenAuthenticator;
import dev.tracing.storage.dynamodb.DynamoStores;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.Function;
import java.util.function.Supplier;
import org.springframework.boot.SpringBootConfiguration;
import org.springframework.cloud.function.context.FunctionRegistration;
import org.springframework.cloud.function.context.FunctionalSpringApplication;
import org.springframework.cloud.function.context.catalog.FunctionTypeUtils;
import org.springframework.context.ApplicationContextInitializer;
import org.springframework.context.support.GenericApplicationContext;

/**
 * The token-validation function, the HTTP API's Lambda REQUEST authorizer (payload 2.0, simple
 * responses): it reads {@code PRIVATE-TOKEN} or {@code Authorization: Bearer} and returns the
 * verdict as authorizer context for the routed function.
 */
@SpringBootConfiguration
public class AuthorizerFunctionApplication implements ApplicationContextInitializer<GenericApplicationContext> {
  public static final String FUNCTION = "authorizer";

  public static void main(String[] args) {
    FunctionalSpringApplication.run(AuthorizerFunctionApplication.class, args);
  }

  @Override
  public void initialize(GenericApplicationContext context) {
    register(context, DynamoStores::fromEnvironment);
  }

  /** Registers the function bean over the given stores; the local stack calls this with its own. */
  public static void register(GenericApplicationContext context, Supplier<DynamoStores> stores) {
    context.registerBean(FUNCTION, FunctionRegistration.class, () -> {
      AuthorizerEndpoint endpoint = endpoint(stores.get());
      Function<APIGatewayV2CustomAuthorizerEvent, SimpleIAMPolicyResponse> fn =
          event -> response(endpoint.authorize(event.getHeaders()));
      return new FunctionRegistration<>(fn, FUNCTION)
          .type(FunctionTypeUtils.functionType(APIGatewayV2CustomAuthorizerEvent.class, SimpleIAMPolicyResponse.class));
    });
  }

  /** Token checks against the project's tokens, cached per instance for the configured TTL. */
  static AuthorizerEndpoint endpoint(DynamoStores stores) {
    return new AuthorizerEndpoint(new TokenAuthenticator(stores.tokens(), stores.clock(), stores.config().tokenCacheTtl()));
  }

  /** The simple authorizer response: always authorized, the verdict in the context (see AuthorizerContext). */
  static SimpleIAMPolicyResponse response(Map<String, Object> context) {
    Map<String, String> flat = new LinkedHashMap<>();
    context.forEach((k, v) -> flat.put(k, String.valueOf(v)));
    SimpleIAMPolicyResponse response = new SimpleIAMPolicyResponse();
    response.setIsAuthorized(true);
    response.setContext(flat);
    return response;
  }
}
