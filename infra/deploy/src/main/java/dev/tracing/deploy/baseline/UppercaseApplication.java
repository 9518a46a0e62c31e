package dev.tracing.deploy.baseline;

import java.util.Locale;
import java.util.function.Function;
import org.springframework.boot.SpringApplication;
import org.springframework.boot.autoconfigure.SpringBootApplication;
import org.springframework.context.annotation.Bean;

/**
 * The cold-start baseline: Spring Cloud Function's stock AWS sample, a {@code @SpringBootApplication}
 * with one {@code @Bean Function<String, String>}, packaged like the functions
 * ({@code tracing-deploy-<version>-scf-baseline-aws.jar}) and run through the same
 * {@code FunctionInvoker}. Whatever the real functions take beyond this is theirs.
 */
@SpringBootApplication
public class UppercaseApplication {
  public static final String FUNCTION = "uppercase";

  public static void main(String[] args) {
    SpringApplication.run(UppercaseApplication.class, args);
  }

  @Bean
  public Function<String, String> uppercase() {
    return s -> s.toUpperCase(Locale.ROOT);
  }
}
