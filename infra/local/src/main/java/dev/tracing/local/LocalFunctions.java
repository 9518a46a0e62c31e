package dev.tracing.local;

import com.amazonaws.services.lambda.runtime.events.APIGatewayV2CustomAuthorizerEvent;
import com.amazonaws.services.lambda.runtime.events.APIGatewayV2HTTPEvent;
import com.amazonaws.services.lambda.runtime.events.APIGatewayV2HTTPResponse;
import com.amazonaws.services.lambda.runtime.events.SimpleIAMPolicyResponse;
import dev.tracing.functions.authorizer.AuthorizerFunctionApplication;
import dev.tracing.functions.gettrace.GetTraceFunctionApplication;
import dev.tracing.functions.ingest.IngestFunctionApplication;
import dev.tracing.functions.compactor.CompactorFunctionApplication;
import dev.tracing.functions.listtraces.ListTracesFunctionApplication;
import dev.tracing.runtime.Tracing;
import java.util.Map;
import java.util.function.Function;
import org.springframework.boot.SpringBootConfiguration;
import org.springframework.cloud.function.context.FunctionCatalog;
import org.springframework.boot.SpringApplication;
import org.springframework.boot.WebApplicationType;
import org.springframework.boot.autoconfigure.ImportAutoConfiguration;
import org.springframework.cloud.function.context.config.ContextFunctionCatalogAutoConfiguration;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.context.support.GenericApplicationContext;

/**
 * Every function bean in one Spring Cloud Function context, registered by the same methods the
 * Lambda packages use, looked up through the {@link FunctionCatalog} as the AWS adapter does.
 */
public final class LocalFunctions implements AutoCloseable {
  private final ConfigurableApplicationContext context;
  private final FunctionCatalog catalog;

  /**
   * The source class Spring starts from: only the function catalog's auto-configuration, no
   * scanning; the functions come from the initializer in {@link #start}.
   */
  @SpringBootConfiguration
  @ImportAutoConfiguration(ContextFunctionCatalogAutoConfiguration.class)
  static class Config {
  }

  private LocalFunctions(ConfigurableApplicationContext context) {
    this.context = context;
    this.catalog = context.getBean(FunctionCatalog.class);
  }

  public static LocalFunctions start(Tracing tracing) {
    SpringApplication app = new SpringApplication(Config.class);
    app.setWebApplicationType(WebApplicationType.NONE);
    app.addInitializers((GenericApplicationContext ctx) -> {
      AuthorizerFunctionApplication.register(ctx, tracing::stores);
      IngestFunctionApplication.register(ctx, () -> tracing);
      GetTraceFunctionApplication.register(ctx, () -> tracing);
      ListTracesFunctionApplication.register(ctx, () -> tracing);
      CompactorFunctionApplication.register(ctx, tracing::stores);
    });
    app.setLogStartupInfo(false);
    return new LocalFunctions(app.run("--spring.cloud.function.scan.enabled=false", "--spring.main.banner-mode=off",
        "--logging.level.root=WARN"));
  }

  public Function<APIGatewayV2CustomAuthorizerEvent, SimpleIAMPolicyResponse> authorizer() {
    return lookup(AuthorizerFunctionApplication.FUNCTION);
  }

  /** The compactor, as the scheduler invokes it. */
  public Function<Map<String, Object>, Map<String, Object>> compactor() {
    return lookup(CompactorFunctionApplication.FUNCTION);
  }

  public Function<APIGatewayV2HTTPEvent, APIGatewayV2HTTPResponse> route(String name) {
    return lookup(name);
  }

  private <I, O> Function<I, O> lookup(String name) {
    Function<I, O> fn = catalog.lookup(Function.class, name);
    if (fn == null) {
      throw new IllegalStateException("no function bean named " + name);
    }
    return fn;
  }

  @Override
  public void close() {
    context.close();
  }
}
