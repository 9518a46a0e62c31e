package dev.tracing.deploy.launcher;

import com.amazonaws.services.lambda.runtime.RequestStreamHandler;
import java.io.InputStream;
import java.io.OutputStream;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import org.springframework.cloud.function.adapter.aws.FunctionInvoker;

/**
 * One cold start, as the AWS Lambda Java runtime performs it for a function whose handler is
 * {@code FunctionInvoker::handleRequest}: construct the handler (the init phase: Spring starts,
 * {@code MAIN_CLASS} and {@code SPRING_CLOUD_FUNCTION_DEFINITION} come from the environment), then
 * hand it the first event as raw JSON bytes. Runs as {@code java -cp <function>-aws.jar:<launcher>.jar},
 * so nothing but the Lambda package and this class is on the classpath.
 *
 * <p>Usage: {@code ColdStartLauncher <event.json> <response.json> [<priming-event.json>]}. With a
 * priming event the handler is the SnapStart prototype {@code dev.tracing.functions.snapstart.PrimedFunctionInvoker} (from the function's own package), and the
 * checkpoint hooks run (as Lambda runs them before taking the snapshot) between init and the
 * first event.
 *
 * <p>Prints one line, {@value #MARKER}followed by {@code key=value} figures in milliseconds, all
 * measured from the JVM's start ({@code RuntimeMXBean.getStartTime()}), then exits.
 */
public final class ColdStartLauncher {
  public static final String MARKER = "@@cold-start ";

  private ColdStartLauncher() {
  }

  public static void main(String[] args) throws Exception {
    Path event = Path.of(args[0]);
    Path response = Path.of(args[1]);
    byte[] priming = args.length > 2 ? Files.readAllBytes(Path.of(args[2])) : null;

    RequestStreamHandler handler = priming == null ? new FunctionInvoker() : primed(priming);
    long initDone = System.currentTimeMillis();
    long primeMs = -1;
    if (priming != null) {
      long p0 = System.nanoTime();
      // What Lambda's runtime does before it takes the snapshot: call each registered CRaC resource.
      // (org.crac's global context cannot be triggered on a JDK without CRaC, so call ours directly.)
      ((org.crac.Resource) handler).beforeCheckpoint(null);
      primeMs = (System.nanoTime() - p0) / 1_000_000;
    }
    long invokeStart = System.currentTimeMillis();
    try (InputStream in = Files.newInputStream(event); OutputStream out = Files.newOutputStream(response)) {
      handler.handleRequest(in, out, new LauncherContext());
    }
    long done = System.currentTimeMillis();
    // CPU time of the whole process (all threads: JIT and GC too) up to here: what a Lambda
    // instance's CPU share has to deliver.
    long cpuMs = ProcessHandle.current().info().totalCpuDuration().map(java.time.Duration::toMillis).orElse(-1L);

    // Read the start times only now: java.management is not part of what is measured.
    long jvmStart = ManagementFactory.getRuntimeMXBean().getStartTime();
    System.out.println(MARKER + "init_ms=" + (initDone - jvmStart) + " first_ms=" + (done - jvmStart) + " invoke_ms="
        + (done - invokeStart) + " prime_ms=" + primeMs
        + " cpu_ms=" + cpuMs + " primed=" + (priming == null ? 0 : primings()));
    System.out.flush();
    System.exit(0);
  }

  private static final String PRIMED = "dev.tracing.functions.snapstart.PrimedFunctionInvoker";

  /** The function package's own handler, looked up by name: the baseline packages do not have it. */
  private static RequestStreamHandler primed(byte[] priming) throws ReflectiveOperationException {
    return (RequestStreamHandler) Class.forName(PRIMED).getConstructor(byte[].class).newInstance((Object) priming);
  }

  private static int primings() throws ReflectiveOperationException {
    return (int) Class.forName(PRIMED).getMethod("primings").invoke(null);
  }
}
