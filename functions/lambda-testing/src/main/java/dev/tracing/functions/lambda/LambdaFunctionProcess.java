package dev.tracing.functions.lambda;

import java.io.BufferedReader;
import java.io.File;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

/**
 * One function deployed as AWS Lambda deploys it, emulated in a child JVM: the handler is Spring
 * Cloud Function's {@code FunctionInvoker}, the function is chosen by the environment variables
 * the SAM template sets ({@code MAIN_CLASS}, {@code SPRING_CLOUD_FUNCTION_DEFINITION}), and the
 * function's own configuration comes from real environment variables ({@code TRACING_*},
 * {@code AWS_REGION}), exactly as {@code Tracing.fromEnvironment()} reads them in Lambda. One
 * process is one warm execution environment: every {@link #invoke} after the first is a warm
 * invocation of the same handler instance.
 *
 * <p>Each process keeps its event files, responses and output ({@code function.log}) under
 * {@code target/lambda-invocations/<function>-<n>/}: a failing event can be replayed as it was sent
 * (for instance with {@code sam local invoke -e}).
 *
 * <p>Why a child JVM: the functions read {@code System.getenv()}, which a test cannot set in its
 * own JVM, and a fresh JVM starts Spring the way Lambda's init phase does (nothing left over from
 * other tests, no test framework in the application context).
 */
public final class LambdaFunctionProcess implements AutoCloseable {
  private static final long INIT_TIMEOUT_SECONDS = 60;
  private static final long INVOKE_TIMEOUT_SECONDS = 60;

  private final String name;
  private final Process process;
  private final Writer stdin;
  private final Path eventDir;
  private final StringBuilder log = new StringBuilder();
  private final BlockingQueue<String> markers = new LinkedBlockingQueue<>();
  private int invocations;

  private LambdaFunctionProcess(String name, Process process, Path eventDir) {
    this.name = name;
    this.process = process;
    this.eventDir = eventDir;
    this.stdin = new java.io.OutputStreamWriter(process.getOutputStream(), StandardCharsets.UTF_8);
    Thread reader = new Thread(this::readOutput, "lambda-" + name + "-stdout");
    reader.setDaemon(true);
    reader.start();
  }

  /**
   * @param functionName the function bean's name, for {@code SPRING_CLOUD_FUNCTION_DEFINITION}
   * @param mainClass the {@code @SpringBootConfiguration} class, for {@code MAIN_CLASS}
   */
  public static Builder builder(String functionName, String mainClass) {
    return new Builder(functionName, mainClass);
  }

  /**
   * Sends one event through {@code FunctionInvoker.handleRequest} and returns the bytes it wrote,
   * as the Lambda runtime would hand them to API Gateway.
   *
   * @param label names the event file kept under {@code target/lambda-invocations/} for replay
   * @throws AssertionError when the handler threw (a Lambda function error) or did not answer
   */
  public String invoke(String label, String eventJson) {
    Path event = eventDir.resolve(String.format(Locale.ROOT, "%02d-%s.json", ++invocations, label));
    try {
      Files.writeString(event, eventJson);
      stdin.write(event.toAbsolutePath() + "\n");
      stdin.flush();
      String marker = markers.poll(INVOKE_TIMEOUT_SECONDS, TimeUnit.SECONDS);
      if (marker == null) {
        throw new AssertionError(name + " did not answer " + event + " within " + INVOKE_TIMEOUT_SECONDS + " s; its output:\n" + log());
      }
      if (marker.startsWith(LambdaHandlerMain.FAILED)) {
        Path trace = Path.of(event + ".error.txt");
        throw new AssertionError(name + " failed on " + event + " (a Lambda function error): "
            + marker.substring(LambdaHandlerMain.FAILED.length()) + "\n"
            + (Files.exists(trace) ? Files.readString(trace) : "its output:\n" + log()));
      }
      return Files.readString(Path.of(event + ".response.json"));
    } catch (IOException e) {
      throw new UncheckedIOException("cannot talk to the " + name + " function's JVM; its output:\n" + log(), e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new AssertionError("interrupted", e);
    }
  }

  /** Everything the function printed so far: what CloudWatch Logs would hold. */
  public String log() {
    synchronized (log) {
      return log.toString();
    }
  }

  @Override
  public void close() {
    try {
      stdin.close();
      if (!process.waitFor(10, TimeUnit.SECONDS)) {
        process.destroy();
        if (!process.waitFor(5, TimeUnit.SECONDS)) {
          process.destroyForcibly();
        }
      }
    } catch (IOException e) {
      process.destroyForcibly();
    } catch (InterruptedException e) {
      process.destroyForcibly();
      Thread.currentThread().interrupt();
    }
  }

  private void readOutput() {
    try (BufferedReader out = new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8));
         Writer file = Files.newBufferedWriter(eventDir.resolve("function.log"))) {
      String line;
      while ((line = out.readLine()) != null) {
        synchronized (log) {
          log.append(line).append('\n');
        }
        file.write(line);
        file.write('\n');
        file.flush();
        if (line.startsWith("@@lambda-")) {
          markers.add(line);
        }
      }
    } catch (IOException e) {
      // the process ended
    }
    markers.add(LambdaHandlerMain.FAILED + "(the function's JVM exited with " + exitCode() + ")");
  }

  private String exitCode() {
    try {
      return process.waitFor(5, TimeUnit.SECONDS) ? Integer.toString(process.exitValue()) : "no exit yet";
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return "unknown";
    }
  }

  /** Configures the execution environment. */
  public static final class Builder {
    private final String functionName;
    private final String mainClass;
    private final Map<String, String> env = new LinkedHashMap<>();
    private final List<String> jvmOptions = new ArrayList<>();
    private Path functionClasses;

    private Builder(String functionName, String mainClass) {
      this.functionName = functionName;
      this.mainClass = mainClass;
      // What Lambda sets for a Java function whose handler is FunctionInvoker.
      env.put("_HANDLER", "org.springframework.cloud.function.adapter.aws.FunctionInvoker::handleRequest");
      env.put("AWS_LAMBDA_FUNCTION_NAME", "tracing-" + functionName);
      env.put("AWS_LAMBDA_FUNCTION_VERSION", "$LATEST");
      env.put("AWS_LAMBDA_FUNCTION_MEMORY_SIZE", "512");
      env.put("AWS_REGION", "us-east-1");
      env.put("AWS_DEFAULT_REGION", "us-east-1");
      // What our SAM template must set for FunctionInvoker to find the function.
      env.put("MAIN_CLASS", mainClass);
      env.put("SPRING_CLOUD_FUNCTION_DEFINITION", functionName);
    }

    public Builder env(String name, String value) {
      env.put(name, value);
      return this;
    }

    public Builder env(Map<String, String> values) {
      env.putAll(values);
      return this;
    }

    /** A JVM option such as {@code -Dname=value} (in Lambda: {@code JAVA_TOOL_OPTIONS}). */
    public Builder jvmOption(String option) {
      jvmOptions.add(option);
      return this;
    }

    /**
     * Runs another function module's compiled classes instead of this module's (the round trip
     * through several functions): they replace this module's {@code target/classes}.
     */
    public Builder functionClasses(Path classesDir) {
      this.functionClasses = classesDir;
      return this;
    }

    public LambdaFunctionProcess start() {
      Path eventDir = Path.of("target", "lambda-invocations", functionName + "-" + System.nanoTime());
      List<String> command = new ArrayList<>();
      command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
      command.add("-XX:TieredStopAtLevel=1"); // Lambda's default JAVA_TOOL_OPTIONS for Java 17+
      command.add("-Xmx256m");
      command.addAll(jvmOptions);
      command.add("-cp");
      command.add(classpath());
      command.add(LambdaHandlerMain.class.getName());
      ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true);
      // Only what Lambda would have: no build or CI variables that could change the function's behaviour.
      builder.environment().keySet().removeIf(k -> k.startsWith("TRACING_") || k.startsWith("SPRING_") || k.startsWith("AWS_")
          || k.equals("MAIN_CLASS") || k.equals("JAVA_TOOL_OPTIONS"));
      builder.environment().putAll(env);
      try {
        Files.createDirectories(eventDir);
        LambdaFunctionProcess fn = new LambdaFunctionProcess(functionName, builder.start(), eventDir);
        String marker = fn.markers.poll(INIT_TIMEOUT_SECONDS, TimeUnit.SECONDS);
        if (marker == null || !marker.startsWith(LambdaHandlerMain.READY)) {
          fn.close();
          throw new AssertionError("the " + functionName + " function did not initialize (" + marker + "); its output:\n" + fn.log());
        }
        return fn;
      } catch (IOException e) {
        throw new UncheckedIOException("cannot start a JVM for the " + functionName + " function", e);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new AssertionError("interrupted", e);
      }
    }

    /** This test JVM's classpath, with another function's classes in place of this module's if asked. */
    private String classpath() {
      List<String> entries = new ArrayList<>(List.of(System.getProperty("java.class.path").split(File.pathSeparator)));
      if (functionClasses != null) {
        if (!Files.isDirectory(functionClasses)) {
          throw new AssertionError(functionClasses.toAbsolutePath() + " is missing: build that function module first"
              + " (mvn -B install -DskipTests, or run the functions modules in one reactor)");
        }
        Path own = Path.of("target", "classes").toAbsolutePath().normalize();
        entries.removeIf(e -> Path.of(e).toAbsolutePath().normalize().equals(own));
        entries.add(0, functionClasses.toAbsolutePath().normalize().toString());
      }
      return String.join(File.pathSeparator, entries);
    }
  }
}
