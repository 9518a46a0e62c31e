package dev.tracing.deploy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;

/**
 * Deployment helpers, as {@code java -jar infra/deploy/target/tracing-deploy.jar <command>}:
 * <ul>
 *   <li>{@code cold-start [--runs N] [--packages a,b] [--variants plain,c1,...] [--root DIR]}: the
 *       cold-start table of every Lambda package (see {@link ColdStartBenchmark});</li>
 *   <li>{@code sizes [--root DIR]}: the size of every Lambda package, graded against the design's
 *       budget.</li>
 * </ul>
 * {@code --root} is the repository root (default: the nearest directory upwards holding
 * {@code template.yaml}).
 */
public final class TracingDeploy {
  private TracingDeploy() {
  }

  public static void main(String[] args) {
    List<String> a = new ArrayList<>(Arrays.asList(args));
    if (a.isEmpty() || a.contains("--help") || a.contains("-h")) {
      usage();
      System.exit(a.isEmpty() ? 2 : 0);
    }
    String command = a.remove(0);
    Path root = option(a, "--root").map(Path::of).orElseGet(TracingDeploy::findRoot).toAbsolutePath().normalize();
    switch (command) {
      case "cold-start" -> {
        int runs = Integer.parseInt(option(a, "--runs").orElse("5"));
        List<LambdaPackage> all = new ArrayList<>(LambdaPackage.FUNCTIONS);
        all.addAll(LambdaPackage.BASELINES);
        List<LambdaPackage> packages = option(a, "--packages").map(s -> Arrays.stream(s.split(","))
            .map(n -> all.stream().filter(p -> p.name().equals(n)).findFirst()
                .orElseThrow(() -> new IllegalArgumentException("unknown package " + n + "; known: "
                    + all.stream().map(LambdaPackage::name).toList())))
            .toList()).orElse(all);
        List<ColdStartBenchmark.Variant> variants = option(a, "--variants").map(s -> Arrays.stream(s.split(","))
            .map(n -> ColdStartBenchmark.VARIANTS.stream().filter(v -> v.name().equals(n)).findFirst()
                .orElseThrow(() -> new IllegalArgumentException("unknown variant " + n + "; known: "
                    + ColdStartBenchmark.VARIANTS.stream().map(ColdStartBenchmark.Variant::name).toList())))
            .toList()).orElse(ColdStartBenchmark.VARIANTS);
        Path work = root.resolve("infra/deploy/target/cold-start");
        ColdStartBenchmark benchmark = new ColdStartBenchmark(new ColdStartBenchmark.Options(root, runs, packages, variants, work),
            System.err);
        List<ColdStartBenchmark.Run> results = benchmark.run();
        System.out.println(benchmark.report(results));
        if (results.stream().anyMatch(r -> r.failure() != null)) {
          System.exit(1);
        }
      }
      case "sizes" -> {
        List<LambdaPackage> all = new ArrayList<>(LambdaPackage.FUNCTIONS);
        all.add(LambdaPackage.SCF_STOCK);
        System.out.println("| package | jar | size |\n|---|---|---:|");
        for (LambdaPackage p : all) {
          System.out.println(p.jar(root).map(j -> String.format(Locale.ROOT, "| %s | %s | %s |", p.name(), root.relativize(j),
              ColdStartBenchmark.size(j))).orElse("| " + p.name() + " | not built | |"));
        }
        System.out.println();
        System.out.println(DeployBudgets.table(DeployBudgets.sizes(root, LambdaPackage.FUNCTIONS)));
      }
      default -> {
        usage();
        System.exit(2);
      }
    }
  }

  private static java.util.Optional<String> option(List<String> args, String name) {
    int i = args.indexOf(name);
    if (i < 0) {
      return java.util.Optional.empty();
    }
    if (i + 1 >= args.size()) {
      throw new IllegalArgumentException(name + " needs a value");
    }
    String v = args.get(i + 1);
    args.remove(i + 1);
    args.remove(i);
    return java.util.Optional.of(v);
  }

  private static Path findRoot() {
    Path dir = Path.of("").toAbsolutePath();
    for (Path d = dir; d != null; d = d.getParent()) {
      if (Files.isRegularFile(d.resolve("template.yaml")) && Files.isDirectory(d.resolve("functions"))) {
        return d;
      }
    }
    throw new IllegalStateException("no template.yaml above " + dir + ": run from the repository or pass --root");
  }

  private static void usage() {
    System.err.println("""
        usage: java -jar infra/deploy/target/tracing-deploy.jar <command> [options]
          cold-start [--runs N] [--packages authorizer,ingest,...] [--variants plain,c1,c1+appcds,c1+priming] [--root DIR]
              JVM start to the first event handled, per Lambda package, median of N runs (default 5),
              graded against the stock Spring Cloud Function app (c1: <= 0.8x, the authorizer <= 0.7x)
          sizes [--root DIR]
              the size of every Lambda package, graded against the 15 MB budget
        Build first: mvn -B -DskipTests package""");
  }
}
