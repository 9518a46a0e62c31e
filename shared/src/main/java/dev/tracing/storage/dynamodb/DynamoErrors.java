package dev.tracing.storage.dynamodb;

import dev.tracing.storage.StoreUnavailableException;
import java.util.function.Supplier;
import software.amazon.awssdk.core.exception.SdkException;
import software.amazon.awssdk.services.dynamodb.model.ConditionalCheckFailedException;
import software.amazon.awssdk.services.dynamodb.model.DynamoDbException;

/** Turns the SDK's failures into the one exception the rest of the code handles. */
final class DynamoErrors {
  private static final java.util.Set<String> RETRYABLE = java.util.Set.of("ThrottlingException",
      "ProvisionedThroughputExceededException", "RequestLimitExceeded", "LimitExceededException",
      "TransactionInProgressException", "ResourceNotFoundException");
  private DynamoErrors() {
  }

  private static String errorCode(DynamoDbException e) {
    return e.awsErrorDetails() == null ? "" : e.awsErrorDetails().errorCode();
  }

  /** Runs a call; any SDK failure other than a failed condition becomes {@link StoreUnavailableException}. */
  static <T> T call(String what, Supplier<T> call) {
    try {
      return call.get();
    } catch (ConditionalCheckFailedException e) {
      throw e;
    } catch (DynamoDbException e) {
      if (e.statusCode() == 400 && !RETRYABLE.contains(errorCode(e))) {
        // A request DynamoDB will refuse every time (validation, missing table, item too large):
        // a 503 would make exporters retry forever. It is a bug or a misconfiguration.
        throw new IllegalStateException("DynamoDB refused " + what + ": " + e.getMessage(), e);
      }
      throw new StoreUnavailableException("DynamoDB did not complete " + what + ": " + e.getMessage(), e);
    } catch (SdkException e) {
      throw new StoreUnavailableException("DynamoDB did not complete " + what + ": " + e.getMessage(), e);
    }
  }
}
