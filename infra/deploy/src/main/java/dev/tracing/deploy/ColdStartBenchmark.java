package dev.tracing.deploy;

import dev.tracing.deploy.launcher.ColdStartLauncher;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.io.Writer;
import java.lang.management.ManagementFactory;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * Cold start of each Lambda package on the machine that runs it: the time from JVM start to the first event
 * handled through Spring Cloud Function's {@code FunctionInvoker.handleRequest}, one fresh JVM per
 * run ({@code java -cp <package>.jar:<launcher>.jar ColdStartLauncher}), against a local DynamoDB.
 * Each figure is the median of the runs; runs of all packages and variants are interleaved, so a
 * change of machine load touches them all alike. A benchmark, never a timed test: it prints.
 */
public final class ColdStartBenchmark {
  private static final long RUN_TIMEOUT_SECONDS = 120;

  /** A way of starting the JVM. */
  public record Variant(String name, List<String> jvmOptions, boolean appCds, boolean primed, String description) {
    public Variant {
      jvmOptions = List.copyOf(jvmOptions);
    }

  }

  /** The JVM as Lambda starts it before the template's JAVA_TOOL_OPTIONS: no options. */
  public static final Variant PLAIN = new Variant("plain", List.of(), false, false, "no JVM options");
  /** The template's JAVA_TOOL_OPTIONS (-XX:TieredStopAtLevel=1: C1 only, the JIT that pays off during start-up). */
  public static final Variant C1 = new Variant("c1", List.of("-XX:+TieredCompilation", "-XX:TieredStopAtLevel=1"), false, false,
      "-XX:TieredStopAtLevel=1 (template.yaml's JAVA_TOOL_OPTIONS)");
  /** Plus application class data sharing: a per-package archive dumped by one training run. */
  public static final Variant C1_APPCDS = new Variant("c1+appcds", List.of("-XX:+TieredCompilation", "-XX:TieredStopAtLevel=1",
      "-Xshare:auto"), true, false, "c1 + AppCDS (-XX:SharedArchiveFile of a -XX:ArchiveClassesAtExit training run)");
  /** c1 with the SnapStart priming prototype run between init and the first event (what a snapshot would hold). */
  public static final Variant C1_PRIMED = new Variant("c1+priming", List.of("-XX:+TieredCompilation", "-XX:TieredStopAtLevel=1"),
      false, true, "c1 + SnapStart priming hook (beforeCheckpoint) before the first event");

  public static final List<Variant> VARIANTS = List.of(PLAIN, C1, C1_APPCDS, C1_PRIMED);

  /**
   * One cold start.
   *
   * @param initMs JVM start to the handler constructed (Spring started)
   * @param firstMs JVM start to the first event handled (the cold start)
   * @param invokeMs the first {@code handleRequest} alone
   * @param primeMs the priming hook alone, or -1
   * @param cpuMs CPU time of the process (all threads) up to the first event handled
   * @param wallMs the whole process as the parent saw it, from spawn to the figures printed
   * @param failure why the first event was not handled as expected, or {@code null}
   */
  public record Run(LambdaPackage pkg, Variant variant, long initMs, long firstMs, long invokeMs, long primeMs, long cpuMs, long wallMs,
                    String failure, String response) {
  }

  public record Options(Path root, int runs, List<LambdaPackage> packages, List<Variant> variants, Path workDir) {
    public Options {
      packages = List.copyOf(packages);
      variants = List.copyOf(variants);
    }

  }

  private final Options options;
  private final PrintStream log;
  private final Path launcherJar;
  private final Map<LambdaPackage, Path> jars = new LinkedHashMap<>();
  private final Map<LambdaPackage, Path> archives = new LinkedHashMap<>();

  public ColdStartBenchmark(Options options, PrintStream log) {
    this.options = options;
    this.log = log;
    this.launcherJar = launcherJar(options.root());
    for (LambdaPackage p : options.packages()) {
      jars.put(p, p.jar(options.root()).orElseThrow(() -> new IllegalStateException("no Lambda package for " + p.name()
          + " under " + options.root().resolve(p.module()).resolve("target") + ": run mvn -B -DskipTests package first")));
    }
  }

  /** The launcher package built by this module: {@code infra/deploy/target/tracing-deploy-<version>-launcher.jar}. */
  public static Path launcherJar(Path root) {
    return LambdaPackage.findJar(root.resolve("infra/deploy/target"), "tracing-deploy", "launcher")
        .orElseThrow(() -> new IllegalStateException("no launcher jar in " + root.resolve("infra/deploy/target")
            + ": build it with mvn -B -pl infra/deploy -am -DskipTests package"));
  }

  /** Runs every package in every variant {@code runs} times. */
  public List<Run> run() {
    try {
      Files.createDirectories(options.workDir());
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    List<Run> runs = new ArrayList<>();
    try (LocalScenario scenario = LocalScenario.start(false)) {
      store(scenario);
      if (options.variants().stream().anyMatch(Variant::appCds)) {
        for (LambdaPackage p : options.packages()) {
          archives.put(p, train(scenario, p));
        }
      }
      for (int i = 1; i <= options.runs(); i++) {
        for (LambdaPackage p : options.packages()) {
          for (Variant v : options.variants()) {
            if (v.primed() && p.baseline()) {
              continue; // the baselines have nothing to prime
            }
            Run r = once(scenario, p, v, i, null);
            log.printf(Locale.ROOT, "  run %d/%d %-14s %-11s first event %5d ms (init %5d, invoke %4d, cpu %5d%s)%s%n", i,
                options.runs(), p.name(), v.name(), r.firstMs(), r.initMs(), r.invokeMs(), r.cpuMs(), r.primeMs() >= 0 ? ", priming " + r.primeMs() : "",
                r.failure() == null ? "" : "  FAILED: " + r.failure());
            runs.add(r);
          }
        }
      }
    }
    return runs;
  }

  /** Stores the trace the get-trace and list-traces events ask for, through the ingest package itself. */
  private void store(LocalScenario scenario) {
    LambdaPackage ingest = LambdaPackage.INGEST;
    jars.computeIfAbsent(ingest, p -> p.jar(options.root()).orElseThrow(() -> new IllegalStateException(
        "no ingest package to store the scenario's trace with: run mvn -B -DskipTests package first")));
    Run r = once(scenario, ingest, C1, 0, null, scenario.storeEvent(), "store");
    if (r.failure() != null) {
      throw new IllegalStateException("the ingest package did not store the scenario's trace: " + r.failure());
    }
  }

  /** One training run that dumps the package's class-data-sharing archive when the JVM exits. */
  private Path train(LocalScenario scenario, LambdaPackage p) {
    Path jsa = options.workDir().resolve(p.name() + ".jsa");
    try {
      Files.deleteIfExists(jsa);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    Run r = once(scenario, p, C1, 0, "-XX:ArchiveClassesAtExit=" + jsa);
    if (r.failure() != null || !Files.isRegularFile(jsa)) {
      throw new IllegalStateException("the AppCDS training run of " + p.name() + " did not produce " + jsa + ": " + r.failure());
    }
    log.printf(Locale.ROOT, "  AppCDS archive of %s: %s (%.1f MiB)%n", p.name(), jsa, jsa.toFile().length() / 1048576.0);
    return jsa;
  }

  private Run once(LocalScenario scenario, LambdaPackage p, Variant v, int i, String extraOption) {
    return once(scenario, p, v, i, extraOption, scenario.firstEvent(p), extraOption != null ? "training" : null);
  }

  private Run once(LocalScenario scenario, LambdaPackage p, Variant v, int i, String extraOption, String eventJson, String label) {
    String stem = p.name() + "-" + v.name() + "-" + i + (label != null ? "-" + label : "");
    Path event = options.workDir().resolve(stem + ".event.json");
    Path response = options.workDir().resolve(stem + ".response.json");
    Path output = options.workDir().resolve(stem + ".log");
    List<String> command = new ArrayList<>();
    command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
    command.addAll(v.jvmOptions());
    if (v.appCds() && extraOption == null) {
      command.add("-XX:SharedArchiveFile=" + archives.get(p));
    }
    if (extraOption != null) {
      command.add(extraOption);
    }
    command.add("-cp");
    command.add(jars.get(p) + java.io.File.pathSeparator + launcherJar);
    command.add(ColdStartLauncher.class.getName());
    command.add(event.toString());
    command.add(response.toString());
    try {
      Files.writeString(event, eventJson);
      Files.deleteIfExists(response);
      if (v.primed()) {
        Path priming = options.workDir().resolve(p.name() + ".priming-event.json");
        Files.writeString(priming, LocalScenario.primingEvent(p));
        command.add(priming.toString());
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    ProcessBuilder pb = new ProcessBuilder(command).redirectErrorStream(true);
    environment(pb.environment(), scenario, p);
    long t0 = System.nanoTime();
    String marker = null;
    try (Writer out = Files.newBufferedWriter(output)) {
      Process process = pb.start();
      process.getOutputStream().close();
      try (BufferedReader in = new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8))) {
        String line;
        while ((line = in.readLine()) != null) {
          if (line.startsWith(ColdStartLauncher.MARKER) && marker == null) {
            marker = line;
            t0 = System.nanoTime() - t0;
          }
          out.write(line);
          out.write('\n');
        }
      }
      if (!process.waitFor(RUN_TIMEOUT_SECONDS, TimeUnit.SECONDS)) {
        process.destroyForcibly();
      }
    } catch (IOException e) {
      throw new UncheckedIOException("cannot run " + command, e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted", e);
    }
    if (marker == null) {
      return new Run(p, v, -1, -1, -1, -1, -1, -1, "the launcher printed no figures; see " + output, null);
    }
    Map<String, Long> figures = new LinkedHashMap<>();
    for (String kv : marker.substring(ColdStartLauncher.MARKER.length()).trim().split(" ")) {
      String[] parts = kv.split("=", 2);
      figures.put(parts[0], Long.parseLong(parts[1]));
    }
    String body;
    try {
      body = Files.isRegularFile(response) ? Files.readString(response) : "";
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    String failure = scenario.check(p, body);
    if (failure == null && v.primed() && extraOption == null && figures.getOrDefault("primed", 0L) != 1) {
      failure = "the priming hook did not complete (primed=" + figures.get("primed") + "); see " + output;
    }
    return new Run(p, v, figures.get("init_ms"), figures.get("first_ms"), figures.get("invoke_ms"), figures.get("prime_ms"),
        figures.getOrDefault("cpu_ms", -1L), t0 / 1_000_000, failure, body);
  }

  /** What Lambda gives the function: its template variables, Lambda's own, nothing from this shell. */
  private static void environment(Map<String, String> env, LocalScenario scenario, LambdaPackage p) {
    env.keySet().removeIf(k -> k.startsWith("TRACING_") || k.startsWith("SPRING_") || k.startsWith("AWS_")
        || k.equals("MAIN_CLASS") || k.equals("JAVA_TOOL_OPTIONS") || k.equals("_JAVA_OPTIONS") || k.equals("JDK_JAVA_OPTIONS"));
    env.put("AWS_LAMBDA_FUNCTION_NAME", "tracing-" + p.name());
    env.put("AWS_LAMBDA_FUNCTION_VERSION", "$LATEST");
    env.put("AWS_LAMBDA_FUNCTION_MEMORY_SIZE", "1024");
    env.put("AWS_REGION", LocalScenario.REGION);
    env.put("AWS_DEFAULT_REGION", LocalScenario.REGION);
    env.put("MAIN_CLASS", p.mainClass());
    env.put("SPRING_CLOUD_FUNCTION_DEFINITION", p.definition());
    if (!p.baseline()) {
      env.putAll(scenario.functionEnvironment());
    }
    env.putAll(p.environment());
  }

  /** The median of the runs of one package and variant; -1 when none succeeded. */
  public static long median(List<Run> runs, LambdaPackage p, Variant v, java.util.function.ToLongFunction<Run> figure) {
    long[] values = runs.stream().filter(r -> r.pkg().equals(p) && r.variant().equals(v) && r.failure() == null)
        .mapToLong(figure).sorted().toArray();
    if (values.length == 0) {
      return -1;
    }
    int n = values.length;
    return n % 2 == 1 ? values[n / 2] : (values[n / 2 - 1] + values[n / 2]) / 2;
  }

  /** The results as Markdown tables, ready for docs/deploy.md. */
  public String report(List<Run> runs) {
    StringBuilder s = new StringBuilder();
    double load = ManagementFactory.getOperatingSystemMXBean().getSystemLoadAverage();
    s.append(String.format(Locale.ROOT, "Cold start: JVM start to the first event handled through FunctionInvoker.handleRequest,"
        + " median of %d runs, in ms (ratio to the stock Spring Cloud Function app in the same variant);%n"
        + "CPU: CPU time of the JVM (all threads) until then.%n"
        + "Java %s, %d CPUs, load average %.2f at the end; DynamoDB: dynalite on loopback.%n%n",
        options.runs(), System.getProperty("java.version"), Runtime.getRuntime().availableProcessors(), load));
    List<Variant> timed = options.variants().stream().filter(v -> !v.primed()).toList();
    LambdaPackage reference = options.packages().contains(LambdaPackage.SCF_STOCK) ? LambdaPackage.SCF_STOCK : null;
    s.append("| package | jar size |");
    timed.forEach(v -> s.append(' ').append(v.name()).append(" |"));
    if (!timed.isEmpty()) {
      s.append(" init, ").append(timed.get(timed.size() - 1).name()).append(" |");
      timed.forEach(v -> s.append(" CPU, ").append(v.name()).append(" |"));
    }
    s.append('\n').append("|---|---:|");
    timed.forEach(v -> s.append("---:|"));
    if (!timed.isEmpty()) {
      s.append("---:|");
      timed.forEach(v -> s.append("---:|"));
    }
    s.append('\n');
    for (LambdaPackage p : options.packages()) {
      s.append("| ").append(p.name()).append(" | ").append(size(jars.get(p))).append(" |");
      for (Variant v : timed) {
        long m = median(runs, p, v, Run::firstMs);
        long ref = reference == null ? -1 : median(runs, reference, v, Run::firstMs);
        s.append(' ').append(m < 0 ? "failed" : m).append(ref > 0 && m > 0 && !p.equals(reference)
            ? String.format(Locale.ROOT, " (%.2f×)", m / (double) ref) : "").append(" |");
      }
      if (!timed.isEmpty()) {
        long init = median(runs, p, timed.get(timed.size() - 1), Run::initMs);
        s.append(' ').append(init < 0 ? "failed" : init).append(" |");
        for (Variant v : timed) {
          long cpu = median(runs, p, v, Run::cpuMs);
          long ref = reference == null ? -1 : median(runs, reference, v, Run::cpuMs);
          s.append(' ').append(cpu < 0 ? "failed" : cpu).append(ref > 0 && cpu > 0 && !p.equals(reference)
              ? String.format(Locale.ROOT, " (%.2f×)", cpu / (double) ref) : "").append(" |");
        }
      }
      s.append('\n');
    }
    s.append('\n');
    for (Variant v : options.variants()) {
      s.append("- ").append(v.name()).append(": ").append(v.description()).append('\n');
    }
    if (options.variants().contains(C1_PRIMED) && options.variants().contains(C1)) {
      s.append("\nSnapStart priming prototype: the first handleRequest alone (median, ms), without and with the priming hook run"
          + " before it (as a restored snapshot would have run it).\n\n| function | first invoke, c1 | after priming | priming hook |\n"
          + "|---|---:|---:|---:|\n");
      for (LambdaPackage p : options.packages()) {
        if (p.baseline()) {
          continue;
        }
        s.append("| ").append(p.name()).append(" | ").append(median(runs, p, C1, Run::invokeMs)).append(" | ")
            .append(median(runs, p, C1_PRIMED, Run::invokeMs)).append(" | ").append(median(runs, p, C1_PRIMED, Run::primeMs))
            .append(" |\n");
      }
    }
    List<DeployBudgets.Row> budgets = DeployBudgets.coldStart(runs, options.packages());
    if (!budgets.isEmpty()) {
      s.append("\nBudgets (DESIGN.md, \"Performance budgets\"), c1 against the stock sample in this run:\n\n")
          .append(DeployBudgets.table(budgets));
    }
    List<Run> failed = runs.stream().filter(r -> r.failure() != null).toList();
    if (!failed.isEmpty()) {
      s.append("\nFAILED runs:\n");
      failed.forEach(r -> s.append("- ").append(r.pkg().name()).append(' ').append(r.variant().name()).append(": ")
          .append(r.failure()).append('\n'));
    }
    return s.toString();
  }

  static String size(Path jar) {
    long bytes = jar.toFile().length();
    return String.format(Locale.ROOT, "%.1f MiB (%.1f MB)", bytes / 1048576.0, bytes / 1e6);
  }
}
