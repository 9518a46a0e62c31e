package dev.tracing.functions.listtraces;

import com.amazonaws.services.lambda.runtime.events.APIGatewayV2HTTPEvent;
import com.amazonaws.services.lambda.runtime.events.APIGatewayV2HTTPResponse;
import dev.tracing.gateway.HttpApiFunction;
import dev.tracing.runtime.Tracing;
import java.util.function.Supplier;
import org.springframework.boot.SpringBootConfiguration;
import org.springframework.cloud.function.context.FunctionRegistration;
import org.springframework.cloud.function.context.FunctionalSpringApplication;
import org.springframework.cloud.function.context.catalog.FunctionTypeUtils;
import org.springframework.context.ApplicationContextInitializer;
import org.springframework.context.support.GenericApplicationContext;

/**
 * The query function behind {@code GET /v3/query/{projectId}}, {@code .../traces}, {@code .../traces/analytics}, {@code .../services}, {@code .../services/{serviceName}/operations}, {@code .../services/metrics} and {@code .../services/map}. Registered
 * functionally (no classpath scanning) for a fast cold start; in AWS Lambda the handler is Spring
 * Cloud Function's {@code FunctionInvoker} with {@code MAIN_CLASS} naming this class.
 */
@SpringBootConfiguration
public class ListTracesFunctionApplication implements ApplicationContextInitializer<GenericApplicationContext> {
  public static final String FUNCTION = "list-traces";

  public static void main(String[] args) {
    FunctionalSpringApplication.run(ListTracesFunctionApplication.class, args);
  }

  @Override
  public void initialize(GenericApplicationContext context) {
    register(context, Tracing::fromEnvironment);
  }

  /** Registers the function bean over the given wiring; the local stack calls this with its own. */
  public static void register(GenericApplicationContext context, Supplier<Tracing> tracing) {
    context.registerBean(FUNCTION, FunctionRegistration.class,
        () -> new FunctionRegistration<>(new HttpApiFunction(FUNCTION, tracing.get().queryEndpoint()::handle), FUNCTION)
            .type(FunctionTypeUtils.functionType(APIGatewayV2HTTPEvent.class, APIGatewayV2HTTPResponse.class)));
  }
}
