package dev.tracing.functions.lambda;

import dev.tracing.functions.snapstart.LocalContext;
import java.io.BufferedReader;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import org.springframework.cloud.function.adapter.aws.FunctionInvoker;

/**
 * What the AWS Lambda Java runtime does with a function whose handler is
 * {@code org.springframework.cloud.function.adapter.aws.FunctionInvoker::handleRequest}, in a JVM
 * of its own so the function reads its configuration from real environment variables: construct
 * the handler once (the init phase: Spring starts here), then call
 * {@link FunctionInvoker#handleRequest} once per event, the event JSON in and the response JSON
 * out as raw streams, in the same warm JVM.
 *
 * <p>Protocol with {@link LambdaFunctionProcess}: each line on stdin is the path of an event file;
 * the response goes to {@code <event>.response.json} and a marker line reports completion. The
 * function's own logging shares stdout, as it shares CloudWatch in Lambda; markers are whole lines.
 */
public final class LambdaHandlerMain {
  static final String READY = "@@lambda-ready ";
  static final String DONE = "@@lambda-done ";
  static final String FAILED = "@@lambda-failed ";
  static final String INIT_FAILED = "@@lambda-init-failed ";

  private LambdaHandlerMain() {
  }

  public static void main(String[] args) throws Exception {
    long start = System.nanoTime();
    FunctionInvoker handler;
    try {
      handler = new FunctionInvoker();
    } catch (Throwable e) {
      e.printStackTrace(System.out);
      System.out.println(INIT_FAILED + oneLine(e));
      System.exit(1);
      return;
    }
    System.out.println(READY + (System.nanoTime() - start) / 1_000_000 + " ms");
    BufferedReader in = new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8));
    String line;
    while ((line = in.readLine()) != null) {
      if (line.isBlank()) {
        continue;
      }
      Path event = Path.of(line.trim());
      Path response = Path.of(event + ".response.json");
      try (InputStream input = Files.newInputStream(event); OutputStream output = Files.newOutputStream(response)) {
        handler.handleRequest(input, output, LocalContext.invocation(Duration.ofSeconds(30)));
        System.out.println(DONE + event);
      } catch (Throwable e) {
        // The Lambda runtime reports this as a function error; API Gateway then answers 500.
        StringWriter trace = new StringWriter();
        e.printStackTrace(new PrintWriter(trace));
        Files.writeString(Path.of(event + ".error.txt"), trace.toString());
        System.out.println(FAILED + event + " " + oneLine(e));
      }
    }
  }

  private static String oneLine(Throwable e) {
    return (e.getClass().getName() + ": " + e.getMessage()).replace('\n', ' ');
  }
}
