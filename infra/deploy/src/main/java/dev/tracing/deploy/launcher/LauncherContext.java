package dev.tracing.deploy.launcher;

import com.amazonaws.services.lambda.runtime.ClientContext;
import com.amazonaws.services.lambda.runtime.CognitoIdentity;
import com.amazonaws.services.lambda.runtime.Context;
import com.amazonaws.services.lambda.runtime.LambdaLogger;
import java.nio.charset.StandardCharsets;
import java.util.UUID;

/**
 * The per-invocation context the Lambda runtime passes, filled as Lambda fills it.
 *
 * <p>The functions have their own ({@code dev.tracing.functions.snapstart.LocalContext}); the
 * launcher keeps this one because it also starts the stock Spring Cloud Function baseline, whose
 * class path must hold nothing of ours for the comparison to be fair.
 */
public final class LauncherContext implements Context {
  private final String requestId = UUID.randomUUID().toString();
  private final String functionName = System.getenv().getOrDefault("AWS_LAMBDA_FUNCTION_NAME", "tracing-cold-start");
  private final long deadline = System.currentTimeMillis() + 15_000;

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
    return "cold-start/[$LATEST]" + requestId.replace("-", "");
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
    return 1024;
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
