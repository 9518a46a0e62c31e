package dev.tracing.deploy;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Stream;

/**
 * One Lambda package as {@code template.yaml} deploys it: the module that builds it, the jar, and
 * the environment Spring Cloud Function's {@code FunctionInvoker} reads to find the function
 * ({@code MAIN_CLASS}, {@code SPRING_CLOUD_FUNCTION_DEFINITION}). {@code TemplateConsistencyTest}
 * checks that these agree with the template.
 *
 * @param name the function's name (its bean name, module directory and SAM definition)
 * @param module the module directory, relative to the repository root
 * @param artifactId the module's artifactId; the jar is {@code target/<artifactId>-<version>-<classifier>.jar}
 * @param environment further variables of this package (the baselines' only)
 */
public record LambdaPackage(String name, String module, String artifactId, String classifier, String mainClass,
                            String definition, Map<String, String> environment, boolean baseline) {
  public LambdaPackage {
    environment = Map.copyOf(environment);
  }


  public static final LambdaPackage AUTHORIZER = function("authorizer", "dev.tracing.functions.authorizer.AuthorizerFunctionApplication");
  public static final LambdaPackage INGEST = function("ingest", "dev.tracing.functions.ingest.IngestFunctionApplication");
  public static final LambdaPackage GET_TRACE = function("get-trace", "dev.tracing.functions.gettrace.GetTraceFunctionApplication");
  public static final LambdaPackage LIST_TRACES = function("list-traces",
      "dev.tracing.functions.listtraces.ListTracesFunctionApplication");

  public static final LambdaPackage COMPACTOR = function("compactor", "dev.tracing.functions.compactor.CompactorFunctionApplication");

  public static final LambdaPackage SUMMARIES = function("summaries", "dev.tracing.functions.summaries.SummariesFunctionApplication");

  /** The six functions of template.yaml. */
  public static final List<LambdaPackage> FUNCTIONS = List.of(AUTHORIZER, INGEST, GET_TRACE, LIST_TRACES, COMPACTOR, SUMMARIES);

  /** Spring Cloud Function's stock sample: {@code @SpringBootApplication} + {@code @Bean Function<String, String>}. */
  public static final LambdaPackage SCF_STOCK = new LambdaPackage("scf-stock", "infra/deploy", "tracing-deploy",
      "scf-baseline-aws", "dev.tracing.deploy.baseline.UppercaseApplication", "uppercase", Map.of(), true);

  /** The same function registered functionally, configured like our functions (no scan, no banner). */
  public static final LambdaPackage SCF_FUNCTIONAL = new LambdaPackage("scf-functional", "infra/deploy", "tracing-deploy",
      "scf-baseline-aws", "dev.tracing.deploy.baseline.UppercaseFunctionalApplication", "uppercase",
      Map.of("SPRING_CLOUD_FUNCTION_SCAN_ENABLED", "false", "SPRING_MAIN_BANNER_MODE", "off"), true);

  public static final List<LambdaPackage> BASELINES = List.of(SCF_STOCK, SCF_FUNCTIONAL);

  private static LambdaPackage function(String name, String mainClass) {
    return new LambdaPackage(name, "functions/" + name, "tracing-function-" + name, "aws", mainClass, name, Map.of(), false);
  }

  /** The jar the module builds, e.g. {@code functions/ingest/target/tracing-function-ingest-0.1.0-SNAPSHOT-aws.jar}. */
  public Optional<Path> jar(Path root) {
    return findJar(root.resolve(module).resolve("target"), artifactId, classifier);
  }

  /** The newest {@code <artifactId>-<version>-<classifier>.jar} in {@code dir}. */
  static Optional<Path> findJar(Path dir, String artifactId, String classifier) {
    if (!Files.isDirectory(dir)) {
      return Optional.empty();
    }
    try (Stream<Path> files = Files.list(dir)) {
      return files.filter(p -> {
        String f = p.getFileName().toString();
        return f.startsWith(artifactId + "-") && f.endsWith("-" + classifier + ".jar");
      }).max(Comparator.comparing(p -> p.toFile().lastModified()));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
