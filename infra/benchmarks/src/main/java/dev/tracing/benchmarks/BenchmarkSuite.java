package dev.tracing.benchmarks;

import dev.tracing.benchmarks.harness.Config;
import dev.tracing.benchmarks.harness.Machine;
import dev.tracing.benchmarks.harness.Report;
import dev.tracing.benchmarks.harness.Stacks;
import dev.tracing.benchmarks.parts.EndToEndPart;
import dev.tracing.benchmarks.parts.IngestCpuPart;
import dev.tracing.benchmarks.parts.ProfilePart;
import dev.tracing.benchmarks.parts.QueryPart;
import dev.tracing.benchmarks.parts.StoragePart;
import dev.tracing.benchmarks.parts.ViewsPart;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/**
 * The benchmark suite's command line: runs one part or all of them and prints a table of figures
 * with the command line and the machine that produced them.
 *
 * <pre>
 * java -jar infra/benchmarks/target/tracing-benchmarks.jar [all|ingest-cpu|storage|e2e|query|views|profile-ingest]...
 *      [--smoke] [--traces N] [--storage-spans N] [--views-traces N] [--views-small N] [--views-data DIR]
 *      [--exporters N] [--duration SECONDS] [--no-zipkin] [--no-mysql]
 *      [--markdown FILE]
 * </pre>
 */
public final class BenchmarkSuite {
  /** Every part, in the order a run takes them; {@code all} selects each but the profile. */
  static final List<String> PARTS = List.of("ingest-cpu", "storage", "e2e", "query", "views", "profile-ingest");

  private BenchmarkSuite() {
  }

  public static void main(String[] args) throws Exception {
    List<String> parts = new ArrayList<>();
    int viewsTraces = ViewsPart.DEFAULT_LARGE;
    int viewsSmall = 0;
    Path viewsData = null;
    Config cfg = Config.full();
    Path markdown = null;
    boolean zipkin = true;
    boolean mysql = true;
    for (int i = 0; i < args.length; i++) {
      switch (args[i]) {
        case "--smoke" -> cfg = Config.tiny();
        case "--traces" -> cfg = cfg.withQueryTraces(number(args, i++));
        case "--views-traces" -> viewsTraces = number(args, i++);
        case "--views-small" -> viewsSmall = number(args, i++);
        case "--views-data" -> viewsData = Path.of(args[++i]);
        case "--exporters" -> cfg = cfg.withExporters(number(args, i++));
        case "--storage-spans" -> cfg = cfg.withStorageSpans(number(args, i++));
        case "--duration" -> cfg = cfg.withE2eLimit(Duration.ofSeconds(number(args, i++)));
        case "--no-zipkin" -> zipkin = false;
        case "--no-mysql" -> mysql = false;
        case "--markdown" -> markdown = Path.of(args[++i]);
        case "-h", "--help" -> {
          usage(System.out);
          return;
        }
        default -> {
          if (args[i].startsWith("-")) {
            usage(System.err);
            System.exit(2);
          }
          parts.add(args[i]);
        }
      }
    }
    if (parts.isEmpty()) {
      parts.add("all");
    }
    try {
      selected(parts);
    } catch (IllegalArgumentException e) {
      System.err.println(e.getMessage());
      usage(System.err);
      System.exit(2);
    }
    cfg = cfg.withZipkin(zipkin, mysql && cfg.zipkinMysql()).withCommandLine(commandLine(args));
    Report report = run(cfg, parts, System.out, viewsTraces, viewsSmall, viewsData);
    if (markdown != null) {
      Files.writeString(markdown, header(cfg) + "\n" + report.markdown() + "\n", StandardCharsets.UTF_8);
    }
    System.exit(0); // JMH and HTTP clients leave non-daemon threads behind
  }

  /** The positive whole number after the flag at {@code args[i]}; a clear message and exit status 2 otherwise. */
  static int number(String[] args, int i) {
    String value = i + 1 < args.length ? args[i + 1] : null;
    try {
      int n = Integer.parseInt(value == null ? "" : value.trim());
      if (n > 0) {
        return n;
      }
    } catch (NumberFormatException e) {
      // reported below
    }
    System.err.println(args[i] + " needs a positive whole number, got " + (value == null ? "nothing" : "'" + value + "'"));
    usage(System.err);
    System.exit(2);
    return 0;
  }

  static void usage(PrintStream out) {
    out.println("usage: java -jar tracing-benchmarks.jar [all|ingest-cpu|storage|e2e|query|views|profile-ingest]..."
        + " [--smoke] [--traces N] [--storage-spans N] [--views-traces N] [--views-small N] [--views-data DIR]"
        + " [--exporters N]"
        + " [--duration SECONDS] [--no-zipkin]"
        + " [--no-mysql] [--markdown FILE]");
  }

  /**
   * The parts that {@code names} select ({@code all}: every part but the profile).
   *
   * @throws IllegalArgumentException naming the first name that is not a part
   */
  static Set<String> selected(List<String> names) {
    Set<String> chosen = new LinkedHashSet<>();
    for (String name : names) {
      if (name.equals("all")) {
        chosen.addAll(PARTS.subList(0, PARTS.size() - 1));
      } else if (PARTS.contains(name)) {
        chosen.add(name);
      } else {
        throw new IllegalArgumentException("unknown part '" + name + "': name one or more of all, " + String.join(", ", PARTS));
      }
    }
    return chosen;
  }

  /** Runs the named parts and prints the table; the returned report holds every figure. */
  public static Report run(Config cfg, List<String> parts, PrintStream out) throws Exception {
    return run(cfg, parts, out, ViewsPart.DEFAULT_LARGE, 0);
  }

  /**
   * @param viewsTraces traces of the large project of the views part
   * @param viewsSmall traces of its small project; 0: a hundredth of the large one's
   */
  public static Report run(Config cfg, List<String> parts, PrintStream out, int viewsTraces, int viewsSmall) throws Exception {
    return run(cfg, parts, out, viewsTraces, viewsSmall, null);
  }

  /** @param viewsData where the views part keeps its traces for later runs, or reuses them; {@code null}: not kept */
  public static Report run(Config cfg, List<String> parts, PrintStream out, int viewsTraces, int viewsSmall, Path viewsData)
      throws Exception {
    Report report = new Report();
    out.println(header(cfg));
    Set<String> chosen = selected(parts);
    Instant start = Instant.now();
    if (chosen.contains("ingest-cpu")) {
      section(out, "1 ingest CPU (JMH)");
      IngestCpuPart.run(cfg, report);
    }
    if (chosen.contains("storage")) {
      section(out, "2 storage cost");
      StoragePart.run(cfg, report);
    }
    if (chosen.contains("e2e") || chosen.contains("query")) {
      try (Stacks stacks = Stacks.start(cfg, out)) {
        if (chosen.contains("e2e")) {
          section(out, "3 end-to-end ingest");
          EndToEndPart.run(cfg, report, stacks, out);
        }
        if (chosen.contains("query")) {
          section(out, "4 query latency");
          QueryPart.run(cfg, report, stacks, out);
        }
      }
    }
    if (chosen.contains("views")) {
      section(out, PART_VIEWS);
      ViewsPart.run(cfg, report, out, viewsTraces, viewsSmall, viewsData);
    }
    if (chosen.contains("profile-ingest")) {
      section(out, "profile: ingest endpoint under JFR");
      ProfilePart.run(cfg, report, out);
    }
    if (parts.contains("all")) {
      addDeployRows(report);
    }
    out.println();
    out.println("== results (" + Duration.between(start, Instant.now()).toSeconds() + " s) ==");
    out.println(header(cfg));
    report.print(out);
    return report;
  }

  /** The rows of the figures the deploy tool measures, so a whole run's table names every budget. */
  static void addDeployRows(Report report) {
    report.addText("5 cold start", "cold start per function vs stock Spring Cloud Function", "see infra/deploy",
        "<= 0.8x (authorizer <= 0.7x)", Report.Kind.RATIO,
        "measured by java -jar infra/deploy/target/tracing-deploy.jar cold-start; not run by this suite");
    report.addText("5 cold start", "function package size", "see infra/deploy", "<= 15 MB", Report.Kind.MEASURED,
        "the packages' sizes are listed by the deploy build; not run by this suite");
  }

  private static final String PART_VIEWS = "6 views at volume (7 days, in-process load)";

  static String header(Config cfg) {
    StringBuilder sb = new StringBuilder();
    sb.append("command: ").append(String.join(" ", cfg.commandLine())).append('\n');
    sb.append("date: ").append(Instant.now()).append(cfg.smoke() ? " (smoke sizes: figures are not meaningful)" : "").append('\n');
    for (String line : Machine.describe()) {
      sb.append(line).append('\n');
    }
    return sb.toString();
  }

  private static void section(PrintStream out, String name) {
    out.println();
    out.println("== " + name + " ==");
    out.flush();
  }

  static List<String> commandLine(String[] args) {
    List<String> cmd = new ArrayList<>();
    cmd.add("java");
    cmd.addAll(java.lang.management.ManagementFactory.getRuntimeMXBean().getInputArguments());
    cmd.add("-jar");
    String jar = "infra/benchmarks/target/tracing-benchmarks.jar";
    try {
      java.nio.file.Path self = java.nio.file.Path.of(BenchmarkSuite.class.getProtectionDomain().getCodeSource().getLocation().toURI());
      java.nio.file.Path cwd = java.nio.file.Path.of("").toAbsolutePath();
      jar = self.startsWith(cwd) ? cwd.relativize(self).toString() : self.toString();
    } catch (Exception e) {
      // keep the documented path
    }
    cmd.add(jar);
    cmd.addAll(List.of(args));
    return cmd;
  }

  static String read(Path p) throws IOException {
    return Files.readString(p);
  }
}
