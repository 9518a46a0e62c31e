package dev.tracing.deploy;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;

/**
 * The design's cold-start and package-size budgets ("Performance budgets" in DESIGN.md), graded
 * on the figures of one run: each function's first event with the template's JVM options at most
 * 0.8x the stock Spring Cloud Function app's (the authorizer 0.7x), each function package at most
 * 15 MB.
 */
public final class DeployBudgets {
  /** Each function's first event, as a ratio to the stock sample's in the same run. */
  public static final double COLD_START_RATIO = 0.8;
  /** The authorizer runs before every API request, so its budget is tighter. */
  public static final double AUTHORIZER_COLD_START_RATIO = 0.7;
  /** 15 MB, decimal, as Lambda's own limits are written. */
  public static final long PACKAGE_BYTES = 15_000_000L;

  /** One graded figure. */
  public record Row(String budget, String figure, boolean met) {
    public String verdict() {
      return met ? "PASS" : "MISS";
    }
  }

  private DeployBudgets() {
  }

  private static double coldStartRatio(LambdaPackage p) {
    return p.equals(LambdaPackage.AUTHORIZER) ? AUTHORIZER_COLD_START_RATIO : COLD_START_RATIO;
  }

  /**
   * The cold-start rows: each function's median first event in the template's variant ({@code c1})
   * against the stock sample's in the same run. Empty when the run had no stock sample or no
   * {@code c1} runs; a function whose runs all failed is graded as missed.
   */
  public static List<Row> coldStart(List<ColdStartBenchmark.Run> runs, List<LambdaPackage> packages) {
    List<Row> rows = new ArrayList<>();
    long stock = ColdStartBenchmark.median(runs, LambdaPackage.SCF_STOCK, ColdStartBenchmark.C1, ColdStartBenchmark.Run::firstMs);
    if (stock <= 0) {
      return rows;
    }
    for (LambdaPackage p : packages) {
      if (p.baseline()) {
        continue;
      }
      double budget = coldStartRatio(p);
      long first = ColdStartBenchmark.median(runs, p, ColdStartBenchmark.C1, ColdStartBenchmark.Run::firstMs);
      String name = String.format(Locale.ROOT, "%s: first event, c1, <= %.1fx the stock sample", p.name(), budget);
      if (first < 0) {
        rows.add(new Row(name, "failed", false));
        continue;
      }
      double ratio = first / (double) stock;
      rows.add(new Row(name, String.format(Locale.ROOT, "%.2fx (%d ms vs %d ms)", ratio, first, stock), ratio <= budget));
    }
    return rows;
  }

  /** The package-size rows, one per function whose package is built under {@code root}. */
  public static List<Row> sizes(Path root, List<LambdaPackage> packages) {
    List<Row> rows = new ArrayList<>();
    for (LambdaPackage p : packages) {
      if (p.baseline()) {
        continue;
      }
      Optional<Path> jar = p.jar(root);
      String name = String.format(Locale.ROOT, "%s: package <= %d MB", p.name(), PACKAGE_BYTES / 1_000_000);
      if (jar.isEmpty()) {
        rows.add(new Row(name, "not built", false));
        continue;
      }
      long bytes = jar.get().toFile().length();
      rows.add(new Row(name, ColdStartBenchmark.size(jar.get()), bytes <= PACKAGE_BYTES));
    }
    return rows;
  }

  /** The rows as a Markdown table. */
  public static String table(List<Row> rows) {
    StringBuilder s = new StringBuilder("| budget | figure | verdict |\n|---|---|---|\n");
    for (Row r : rows) {
      s.append("| ").append(r.budget()).append(" | ").append(r.figure()).append(" | ").append(r.verdict()).append(" |\n");
    }
    return s.toString();
  }
}
