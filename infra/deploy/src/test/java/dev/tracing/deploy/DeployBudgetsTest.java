package dev.tracing.deploy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** How the cold-start and package-size figures are graded against the design's budgets. */
class DeployBudgetsTest {

  private static ColdStartBenchmark.Run run(LambdaPackage p, ColdStartBenchmark.Variant v, long firstMs, String failure) {
    return new ColdStartBenchmark.Run(p, v, firstMs / 2, firstMs, firstMs / 4, -1, firstMs, firstMs, failure, "");
  }

  @Test
  void eachFunctionIsGradedAgainstTheStockSampleOfTheSameRunInTheTemplatesVariant() {
    List<ColdStartBenchmark.Run> runs = List.of(
        run(LambdaPackage.SCF_STOCK, ColdStartBenchmark.C1, 1000, null),
        run(LambdaPackage.SCF_STOCK, ColdStartBenchmark.PLAIN, 100, null),
        // 0.69x: within the authorizer's 0.7x
        run(LambdaPackage.AUTHORIZER, ColdStartBenchmark.C1, 690, null),
        // 0.75x: within 0.8x, but the authorizer would have missed with it
        run(LambdaPackage.INGEST, ColdStartBenchmark.C1, 750, null),
        // 0.81x: missed, though its plain run alone would be far below the stock sample's c1
        run(LambdaPackage.GET_TRACE, ColdStartBenchmark.C1, 810, null),
        run(LambdaPackage.GET_TRACE, ColdStartBenchmark.PLAIN, 10, null),
        run(LambdaPackage.LIST_TRACES, ColdStartBenchmark.C1, -1, "the launcher printed no figures"));
    Map<String, String> verdicts = DeployBudgets.coldStart(runs, List.of(LambdaPackage.AUTHORIZER, LambdaPackage.INGEST,
            LambdaPackage.GET_TRACE, LambdaPackage.LIST_TRACES, LambdaPackage.SCF_STOCK)).stream()
        .collect(Collectors.toMap(DeployBudgets.Row::budget, r -> r.verdict() + " " + r.figure()));

    assertEquals(Map.of(
        "authorizer: first event, c1, <= 0.7x the stock sample", "PASS 0.69x (690 ms vs 1000 ms)",
        "ingest: first event, c1, <= 0.8x the stock sample", "PASS 0.75x (750 ms vs 1000 ms)",
        "get-trace: first event, c1, <= 0.8x the stock sample", "MISS 0.81x (810 ms vs 1000 ms)",
        "list-traces: first event, c1, <= 0.8x the stock sample", "MISS failed"), verdicts);
  }

  @Test
  void withoutTheStockSampleInTheRunNothingIsGraded() {
    List<ColdStartBenchmark.Run> runs = List.of(run(LambdaPackage.AUTHORIZER, ColdStartBenchmark.C1, 100, null));
    assertTrue(DeployBudgets.coldStart(runs, List.of(LambdaPackage.AUTHORIZER)).isEmpty());
  }

  @Test
  void packagesAreGradedAgainstFifteenDecimalMegabytes(@TempDir Path root) throws IOException {
    jar(root, LambdaPackage.AUTHORIZER, DeployBudgets.PACKAGE_BYTES);
    jar(root, LambdaPackage.INGEST, DeployBudgets.PACKAGE_BYTES + 1);
    Map<String, String> verdicts = DeployBudgets.sizes(root, List.of(LambdaPackage.AUTHORIZER, LambdaPackage.INGEST,
            LambdaPackage.GET_TRACE, LambdaPackage.SCF_STOCK)).stream()
        .collect(Collectors.toMap(DeployBudgets.Row::budget, r -> r.verdict() + " " + r.figure()));

    assertEquals(Map.of(
        "authorizer: package <= 15 MB", "PASS 14.3 MiB (15.0 MB)",
        "ingest: package <= 15 MB", "MISS 14.3 MiB (15.0 MB)",
        "get-trace: package <= 15 MB", "MISS not built"), verdicts);
    String table = DeployBudgets.table(DeployBudgets.sizes(root, List.of(LambdaPackage.INGEST)));
    assertEquals("| budget | figure | verdict |\n|---|---|---|\n| ingest: package <= 15 MB | 14.3 MiB (15.0 MB) | MISS |\n", table);
  }

  private static void jar(Path root, LambdaPackage p, long bytes) throws IOException {
    Path dir = Files.createDirectories(root.resolve(p.module()).resolve("target"));
    try (RandomAccessFile f = new RandomAccessFile(dir.resolve(p.artifactId() + "-1.0-" + p.classifier() + ".jar").toFile(), "rw")) {
      f.setLength(bytes);
    }
  }
}
