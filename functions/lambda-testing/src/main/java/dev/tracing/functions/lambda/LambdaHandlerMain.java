package dev.tracing.functions.lambda;

import com.amazonaws.services.lambda.runtime.ClientContext;
import com.amazonaws.services.lambda.runtime.CognitoIdentity;
import com.amazonaws.services.lambda.runtime.Context;
import com.amazonaws.services.lambda.runtime.LambdaLogger;
import java.io.BufferedReader;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.UUID;
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
 *
 * <p>Kept identical in every function module's tests (the modules share no test code).
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
        handler.handleRequest(input, output, new InvocationContext());
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

  /** The per-invocation context the runtime passes; values as Lambda fills them. */
  static final class InvocationContext implements Context {
    private final String requestId = UUID.randomUUID().toString();
    private final String functionName = System.getenv().getOrDefault("AWS_LAMBDA_FUNCTION_NAME", "tracing-function");
    private final long deadline = System.currentTimeMillis() + 30_000;

    @Override
    public String getAwsRequestId() {
      return requestId;
    }

    @Override
    public String getLogGroupName() {
      return "/aws/lambda/" + functionName;
    }

    @Override
    public String getLogStreamName() {
      return "2026/11/25/[$LATEST]" + requestId.replace("-", "");
    }

    @Override
    public String getFunctionName() {
      return functionName;
    }

    @Override
    public String getFunctionVersion() {
      return "$LATEST";
    }

    @Override
    public String getInvokedFunctionArn() {
      return "arn:aws:lambda:us-east-1:123456789012:function:" + functionName;
    }

    @Override
    public CognitoIdentity getIdentity() {
      return null;
    }

    @Override
    public ClientContext getClientContext() {
      return null;
    }

    @Override
    public int getRemainingTimeInMillis() {
      return (int) Math.max(0, deadline - System.currentTimeMillis());
    }

    @Override
    public int getMemoryLimitInMB() {
      return 512;
    }

    @Override
    public LambdaLogger getLogger() {
      return new LambdaLogger() {
        @Override
        public void log(String message) {
          System.out.println(message);
        }

        @Override
        public void log(byte[] message) {
          System.out.println(new String(message, StandardCharsets.UTF_8));
        }
      };
    }
  }
}
