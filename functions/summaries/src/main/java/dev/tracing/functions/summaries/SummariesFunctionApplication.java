package dev.tracing.functions.summaries;

import dev.tracing.runtime.Tracing;
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
 * The summaries function: folds the span chunks ingest stored into their traces' summaries, index
 * entries, rollups and term-block marks, from batches of the table's stream of changes (a DynamoDB
 * Streams event source in {@code template.yaml}, where ingest runs with
 * {@code TRACING_SUMMARIES=stream}). Registered functionally, no classpath scanning; in AWS Lambda
 * the handler is Spring Cloud Function's {@code FunctionInvoker} with {@code MAIN_CLASS} naming
 * this class. Input: the stream event; output: {@code {"records", "chunks", "traces", "unreadable"}}.
 */
@SpringBootConfiguration
public class SummariesFunctionApplication implements ApplicationContextInitializer<GenericApplicationContext> {
  public static final String FUNCTION = "summaries";

  public static void main(String[] args) {
    FunctionalSpringApplication.run(SummariesFunctionApplication.class, args);
  }

  @Override
  public void initialize(GenericApplicationContext context) {
    register(context, Tracing::fromEnvironment);
  }

  /** Registers the function bean over the given wiring. */
  public static void register(GenericApplicationContext context, Supplier<Tracing> tracing) {
    context.registerBean(FUNCTION, FunctionRegistration.class, () -> {
      Function<Map<String, Object>, Map<String, Object>> fold = tracing.get().summaryFolder()::handle;
      return new FunctionRegistration<>(fold, FUNCTION).type(FunctionTypeUtils.functionType(Map.class, Map.class));
    });
  }
}
