package dev.tracing.functions.compactor;

import dev.tracing.admin.CompactorEndpoint;
import dev.tracing.storage.dynamodb.DynamoStores;
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
 * The scheduled function that compacts rollups (an EventBridge schedule in {@code template.yaml};
 * every minute in the local stack). Registered functionally, no classpath scanning; in AWS Lambda
 * the handler is Spring Cloud Function's {@code FunctionInvoker} with {@code MAIN_CLASS} naming
 * this class. Its input is the scheduler's event, or {@code {"project_id": N}} for one project.
 */
@SpringBootConfiguration
public class CompactorFunctionApplication implements ApplicationContextInitializer<GenericApplicationContext> {
  public static final String FUNCTION = "compactor";

  public static void main(String[] args) {
    FunctionalSpringApplication.run(CompactorFunctionApplication.class, args);
  }

  @Override
  public void initialize(GenericApplicationContext context) {
    register(context, DynamoStores::fromEnvironment);
  }

  /** Registers the function bean over the given stores; the local stack calls this with its own. */
  public static void register(GenericApplicationContext context, Supplier<DynamoStores> stores) {
    context.registerBean(FUNCTION, FunctionRegistration.class, () -> {
      DynamoStores s = stores.get();
      Function<Map<String, Object>, Map<String, Object>> compact = new CompactorEndpoint(s.projects(), s.rollups(), s.termBlocks(),
          s.clock())::handle;
      return new FunctionRegistration<>(compact, FUNCTION).type(FunctionTypeUtils.functionType(Map.class, Map.class));
    });
  }
}
