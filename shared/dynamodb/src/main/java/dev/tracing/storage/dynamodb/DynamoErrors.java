package dev.tracing.storage.dynamodb;

import dev.tracing.storage.StoreUnavailableException;
import java.util.function.Supplier;
import software.amazon.awssdk.core.exception.SdkException;
import software.amazon.awssdk.services.dynamodb.model.ConditionalCheckFailedException;
import software.amazon.awssdk.services.dynamodb.model.DynamoDbException;

/**
 * Turns the SDK's failures into the exceptions the rest of the code handles: a failure that may
 * pass on a retry (throttling, a network or server fault) becomes {@link StoreUnavailableException}
 * (503 with {@code Retry-After}); a request DynamoDB refuses every time becomes
 * {@link IllegalStateException} (500), because a 503 would make exporters retry it forever.
 */
final class DynamoErrors {
  /**
   * The 400 errors that pass on a retry. A missing table ({@code ResourceNotFoundException}) is not
   * one: the table exists, active, before any function runs (the template creates it; the local
   * stack waits for it), so a missing one is a misconfiguration that no retry mends.
   */
  private static final java.util.Set<String> RETRYABLE = java.util.Set.of("ThrottlingException",
      "ProvisionedThroughputExceededException", "RequestLimitExceeded", "LimitExceededException",
      "TransactionInProgressException");
  private DynamoErrors() {
  }

  private static String errorCode(DynamoDbException e) {
    return e.awsErrorDetails() == null ? "" : e.awsErrorDetails().errorCode();
  }

  /** Runs a call; a failed condition is rethrown as it is, any other SDK failure as described above. */
  static <T> T call(String what, Supplier<T> call) {
    try {
      return call.get();
    } catch (ConditionalCheckFailedException e) {
      throw e;
    } catch (DynamoDbException e) {
      if (e.statusCode() == 400 && !RETRYABLE.contains(errorCode(e))) {
        // validation, missing table, item too large: a bug or a misconfiguration
        String hint = "ResourceNotFoundException".equals(errorCode(e))
            ? " (the table does not exist: check TRACING_TABLE and that the table was created)" : "";
        throw new IllegalStateException("DynamoDB refused " + what + hint + ": " + e.getMessage(), e);
      }
      throw new StoreUnavailableException("DynamoDB did not complete " + what + ": " + e.getMessage(), e);
    } catch (SdkException e) {
      throw new StoreUnavailableException("DynamoDB did not complete " + what + ": " + e.getMessage(), e);
    }
  }
}
