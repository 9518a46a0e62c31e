package dev.tracing.functions.snapstart;

import com.amazonaws.services.lambda.runtime.ClientContext;
import com.amazonaws.services.lambda.runtime.CognitoIdentity;
import com.amazonaws.services.lambda.runtime.Context;
import com.amazonaws.services.lambda.runtime.LambdaLogger;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.UUID;
import java.util.function.Consumer;

/**
 * A Lambda {@link Context} for calls that do not come from the Lambda runtime: the SnapStart
 * priming call, and the test harness that drives a packaged function as the runtime would. Values
 * are filled as Lambda fills them, from the function's environment where Lambda sets it.
 */
public final class LocalContext implements Context {
  private final String requestId;
  private final String functionName;
  private final String functionVersion;
  private final long deadlineMillis;
  private final int memoryLimitMb;
  private final Consumer<String> log;

  private LocalContext(String requestId, Duration timeout, Consumer<String> log) {
    this.requestId = requestId;
    this.functionName = System.getenv().getOrDefault("AWS_LAMBDA_FUNCTION_NAME", "tracing-function");
    this.functionVersion = System.getenv().getOrDefault("AWS_LAMBDA_FUNCTION_VERSION", "$LATEST");
    this.deadlineMillis = System.currentTimeMillis() + timeout.toMillis();
    this.memoryLimitMb = Integer.parseInt(System.getenv().getOrDefault("AWS_LAMBDA_FUNCTION_MEMORY_SIZE", "512"));
    this.log = log;
  }

  /** The priming call before the snapshot: not an invocation, so no request id from Lambda. */
  public static LocalContext priming(Consumer<String> log) {
    return new LocalContext("snapstart-priming", Duration.ofSeconds(10), log);
  }

  /** One invocation with a fresh request id, logging to standard output as Lambda's runtime does. */
  public static LocalContext invocation(Duration timeout) {
    return new LocalContext(UUID.randomUUID().toString(), timeout, System.out::println);
  }

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
    return "local/[" + functionVersion + "]" + requestId.replace("-", "");
  }

  @Override
  public String getFunctionName() {
    return functionName;
  }

  @Override
  public String getFunctionVersion() {
    return functionVersion;
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
    return (int) Math.max(0, deadlineMillis - System.currentTimeMillis());
  }

  @Override
  public int getMemoryLimitInMB() {
    return memoryLimitMb;
  }

  @Override
  public LambdaLogger getLogger() {
    return new LambdaLogger() {
      @Override
      public void log(String message) {
        log.accept(message);
      }

      @Override
      public void log(byte[] message) {
        log.accept(new String(message, StandardCharsets.UTF_8));
      }
    };
  }
}
