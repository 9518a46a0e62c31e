package dev.tracing.deploy.baseline;

import java.util.Locale;
import java.util.function.Function;
import org.springframework.boot.SpringBootConfiguration;
import org.springframework.cloud.function.context.FunctionRegistration;
import org.springframework.cloud.function.context.FunctionalSpringApplication;
import org.springframework.cloud.function.context.catalog.FunctionTypeUtils;
import org.springframework.context.ApplicationContextInitializer;
import org.springframework.context.support.GenericApplicationContext;

/**
 * The same baseline function registered the way the real functions register theirs (functional
 * bean registration, no auto-configuration scan): the floor under our functions' cold start, so
 * the difference is what the product modules (AWS SDK, DynamoDB client, codecs) add.
 */
@SpringBootConfiguration
public class UppercaseFunctionalApplication implements ApplicationContextInitializer<GenericApplicationContext> {
  public static void main(String[] args) {
    FunctionalSpringApplication.run(UppercaseFunctionalApplication.class, args);
  }

  @Override
  public void initialize(GenericApplicationContext context) {
    context.registerBean(UppercaseApplication.FUNCTION, FunctionRegistration.class,
        () -> new FunctionRegistration<Function<String, String>>(s -> s.toUpperCase(Locale.ROOT), UppercaseApplication.FUNCTION)
            .type(FunctionTypeUtils.functionType(String.class, String.class)));
  }
}
