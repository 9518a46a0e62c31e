package dev.tracing.deploy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The cold-start benchmark once per package (N = 1): each Lambda package, started as Lambda starts
 * it, handles its first event (and, with the SnapStart priming prototype, its priming event first).
 * Asserts what was answered, never how fast: the figures come from
 * {@code java -jar infra/deploy/target/tracing-deploy.jar cold-start}.
 */
class ColdStartSmokeTest {
  private static final Path ROOT = Path.of(System.getProperty("tracing.root", "../..")).toAbsolutePath().normalize();

  @Test
  void everyPackageHandlesItsFirstEvent() {
    List<LambdaPackage> packages = new ArrayList<>(LambdaPackage.FUNCTIONS);
    packages.add(LambdaPackage.SCF_STOCK);
    for (LambdaPackage p : packages) {
      assumeTrue(p.jar(ROOT).isPresent(), "no " + p.name() + " Lambda package yet: the smoke test runs after mvn package"
          + " of the function modules (mvn -B verify does)");
    }
    ColdStartBenchmark benchmark = new ColdStartBenchmark(new ColdStartBenchmark.Options(ROOT, 1, packages,
        List.of(ColdStartBenchmark.C1, ColdStartBenchmark.C1_PRIMED), Path.of("target", "cold-start-smoke")), System.out);
    List<ColdStartBenchmark.Run> runs = benchmark.run();
    System.out.println(benchmark.report(runs));

    assertEquals(packages.size() + LambdaPackage.FUNCTIONS.size(), runs.size(), "one run per package, plus one primed per function");
    for (ColdStartBenchmark.Run r : runs) {
      assertEquals(null, r.failure(), r.pkg().name() + " " + r.variant().name() + ": " + r.response());
    }
  }
}
