package dev.tracing.benchmarks;

import dev.tracing.benchmarks.harness.Config;
import dev.tracing.benchmarks.harness.Report;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * One run of some of the suite's parts at tiny sizes (as {@code java -jar tracing-benchmarks.jar
 * PART... --smoke} does), for the smoke tests. The parts are split over two test classes so the
 * build's two test JVMs run them side by side; together they run every part.
 */
record SmokeRun(Report report, String printed) {
  static SmokeRun of(List<String> parts) throws Exception {
    List<String> commandLine = new ArrayList<>(List.of("java", "-jar", "tracing-benchmarks.jar"));
    commandLine.addAll(parts);
    commandLine.add("--smoke");
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    Config cfg = Config.tiny().withCommandLine(commandLine);
    Report report = BenchmarkSuite.run(cfg, parts, new PrintStream(bytes, true, StandardCharsets.UTF_8));
    return new SmokeRun(report, bytes.toString(StandardCharsets.UTF_8));
  }

  /** The figure's value; fails, showing what was printed, when the run has no such figure. */
  double value(String part, String figure) {
    return report.find(part, figure).orElseThrow(() -> new AssertionError("no figure '" + figure + "' in:\n" + printed)).value();
  }
}
