package dev.tracing.benchmarks.harness;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

/**
 * Sizes of one suite run. {@link #full()} is what docs/benchmarks.md reports; {@link #tiny()} is
 * the tiny run {@code mvn verify} makes so the benchmark code cannot rot (its timings mean nothing).
 *
 * @param jmhForks 0 runs JMH in this JVM (smoke); 1 forks a fresh JVM
 * @param storageSpans spans written in each storage-cost scenario (whole traces, per-service exports; 25 and 100 spans per trace)
 * @param e2eBatches most batches the end-to-end exporters send; they also stop at {@code e2eLimit}
 * @param queryTraces traces stored for the query-latency figures, spread over 24 hours
 * @param queryMeanSpans mean spans per trace of that data set
 * @param bigTraceSpans spans of the traces whose detail is timed
 * @param queryRepeats timed requests per query kind and store
 */
public record Config(boolean smoke, int jmhForks, int jmhWarmups, Duration jmhWarmupTime, int jmhIterations,
                     Duration jmhIterationTime, int storageSpans, int exporters, int e2eBatches, Duration e2eLimit,
                     int queryTraces, int queryMeanSpans, int bigTraceSpans, int queryRepeats, boolean zipkin, boolean zipkinMysql,
                     Path workDir, List<String> commandLine) {
  public Config {
    commandLine = List.copyOf(commandLine);
  }


  public static Config full() {
    return new Config(false, 1, 8, Duration.ofSeconds(2), 5, Duration.ofSeconds(2), 100_000, 4, 400, Duration.ofSeconds(45),
        100_000, 10, 1000, 200, true, true, Path.of(System.getProperty("java.io.tmpdir")), List.of());
  }

  public static Config tiny() {
    return new Config(true, 0, 1, Duration.ofMillis(200), 1, Duration.ofMillis(300), 2_000, 2, 6, Duration.ofSeconds(20), 300, 6,
        600, 5, true, false, Path.of(System.getProperty("java.io.tmpdir")), List.of());
  }

  public Config withCommandLine(List<String> args) {
    return new Config(smoke, jmhForks, jmhWarmups, jmhWarmupTime, jmhIterations, jmhIterationTime, storageSpans, exporters,
        e2eBatches, e2eLimit, queryTraces, queryMeanSpans, bigTraceSpans, queryRepeats, zipkin, zipkinMysql, workDir, List.copyOf(args));
  }

  public Config withZipkin(boolean on, boolean mysql) {
    return new Config(smoke, jmhForks, jmhWarmups, jmhWarmupTime, jmhIterations, jmhIterationTime, storageSpans, exporters,
        e2eBatches, e2eLimit, queryTraces, queryMeanSpans, bigTraceSpans, queryRepeats, on, mysql, workDir, commandLine);
  }

  public Config withQueryTraces(int traces) {
    return new Config(smoke, jmhForks, jmhWarmups, jmhWarmupTime, jmhIterations, jmhIterationTime, storageSpans, exporters,
        e2eBatches, e2eLimit, traces, queryMeanSpans, bigTraceSpans, queryRepeats, zipkin, zipkinMysql, workDir, commandLine);
  }

  public Config withStorageSpans(int spans) {
    return new Config(smoke, jmhForks, jmhWarmups, jmhWarmupTime, jmhIterations, jmhIterationTime, spans, exporters,
        e2eBatches, e2eLimit, queryTraces, queryMeanSpans, bigTraceSpans, queryRepeats, zipkin, zipkinMysql, workDir, commandLine);
  }

  public Config withExporters(int n) {
    return new Config(smoke, jmhForks, jmhWarmups, jmhWarmupTime, jmhIterations, jmhIterationTime, storageSpans, n,
        e2eBatches, e2eLimit, queryTraces, queryMeanSpans, bigTraceSpans, queryRepeats, zipkin, zipkinMysql, workDir, commandLine);
  }

  public Config withE2eLimit(Duration limit) {
    return new Config(smoke, jmhForks, jmhWarmups, jmhWarmupTime, jmhIterations, jmhIterationTime, storageSpans, exporters,
        e2eBatches, limit, queryTraces, queryMeanSpans, bigTraceSpans, queryRepeats, zipkin, zipkinMysql, workDir, commandLine);
  }
}
