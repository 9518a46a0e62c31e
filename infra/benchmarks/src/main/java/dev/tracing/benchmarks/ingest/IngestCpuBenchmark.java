package dev.tracing.benchmarks.ingest;

import dev.tracing.api.ApiResponse;
import dev.tracing.benchmarks.workload.OtlpWorkload;
import dev.tracing.otlp.OtlpBody;
import dev.tracing.config.TracingConfig;
import dev.tracing.otlp.TraceBatcher;
import io.opentelemetry.proto.collector.trace.v1.ExportTraceServiceRequest;
import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OperationsPerInvocation;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;

/**
 * Ingest CPU per span, one thread: each invocation handles one 512-span SDK batch, so JMH's
 * operations per second are spans per second. {@code parseBaseline} is the ceiling (protobuf-java
 * parsing the same bytes and nothing else); {@code decode} and {@code decodeAndBatch} split the
 * function's work into its first stages; {@code ingest*} is the whole ingest endpoint per wire
 * form, with the DynamoDB calls marshalled and signed by the AWS SDK but answered in-process.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
public class IngestCpuBenchmark {
  public static final int SPANS = 512;
  public static final int BATCHES = 8;

  private Payloads payloads;
  private IngestPipeline pipeline;
  private OtlpBody bodies;
  private TraceBatcher batcher;
  private int next;

  @Setup(Level.Trial)
  public void setUp() {
    payloads = new Payloads(OtlpWorkload.Shape.sdkBatch(), BATCHES, 42);
    pipeline = new IngestPipeline();
    bodies = new OtlpBody(TracingConfig.DEFAULT_MAX_BODY_BYTES);
    batcher = new TraceBatcher(Duration.ofDays(30), false); // as deployed ingest runs it: no attribute terms
  }

  @TearDown(Level.Trial)
  public void tearDown() {
    pipeline.close();
  }

  private int nextIndex() {
    int i = next;
    next = (i + 1) % BATCHES;
    return i;
  }

  @Benchmark
  @OperationsPerInvocation(SPANS)
  public ExportTraceServiceRequest parseBaseline() throws Exception {
    return ExportTraceServiceRequest.parseFrom(payloads.body(Payloads.Form.PROTOBUF, nextIndex()));
  }

  @Benchmark
  @OperationsPerInvocation(SPANS)
  public ExportTraceServiceRequest decode() {
    return bodies.read("application/x-protobuf", null, payloads.body(Payloads.Form.PROTOBUF, nextIndex()));
  }

  @Benchmark
  @OperationsPerInvocation(SPANS)
  public TraceBatcher.Batch decodeAndBatch() {
    OtlpBody.Decoded d = bodies.decode("application/x-protobuf", null, payloads.body(Payloads.Form.PROTOBUF, nextIndex()),
        Long.MAX_VALUE);
    return batcher.split(d, Instant.now());
  }

  @Benchmark
  @OperationsPerInvocation(SPANS)
  public ApiResponse ingestProtobuf() {
    return handle(Payloads.Form.PROTOBUF);
  }

  @Benchmark
  @OperationsPerInvocation(SPANS)
  public ApiResponse ingestProtobufGzip() {
    return handle(Payloads.Form.PROTOBUF_GZIP);
  }

  @Benchmark
  @OperationsPerInvocation(SPANS)
  public ApiResponse ingestJson() {
    return handle(Payloads.Form.JSON);
  }

  @Benchmark
  @OperationsPerInvocation(SPANS)
  public ApiResponse ingestJsonGzip() {
    return handle(Payloads.Form.JSON_GZIP);
  }

  private ApiResponse handle(Payloads.Form form) {
    ApiResponse r = pipeline.handle(form.contentType, form.contentEncoding, payloads.body(form, nextIndex()));
    if (r.status() != 200) {
      throw new IllegalStateException("ingest answered " + r.status() + ": " + r.bodyText());
    }
    return r;
  }
}
