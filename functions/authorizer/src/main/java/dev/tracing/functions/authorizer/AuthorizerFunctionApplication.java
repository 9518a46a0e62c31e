package dev.tracing.functions.authorizer;

import com.amazonaws.services.lambda.runtime.events.APIGatewayV2CustomAuthorizerEvent;
import com.amazonaws.services.lambda.runtime.events.SimpleIAMPolicyResponse;
import dev.tracing.api.AuthorizerEndpoint;
import dev.tracing.gateway.HttpApiEvents;
import dev.tracing.runtime.Tracing;
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
    register(context, Tracing::fromEnvironment);
  }

  public static void register(GenericApplicationContext context, Supplier<Tracing> tracing) {
    context.registerBean(FUNCTION, FunctionRegistration.class, () -> {
      AuthorizerEndpoint endpoint = tracing.get().authorizerEndpoint();
      Function<APIGatewayV2CustomAuthorizerEvent, SimpleIAMPolicyResponse> fn =
          event -> HttpApiEvents.authorizerResponse(endpoint.authorize(event.getHeaders()));
      return new FunctionRegistration<>(fn, FUNCTION)
          .type(FunctionTypeUtils.functionType(APIGatewayV2CustomAuthorizerEvent.class, SimpleIAMPolicyResponse.class));
    });
  }
}
