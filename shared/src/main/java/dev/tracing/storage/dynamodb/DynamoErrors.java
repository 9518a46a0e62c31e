package dev.tracing.storage.dynamodb;

import dev.tracing.storage.StoreUnavailableException;
import java.util.function.Supplier;
import software.amazon.awssdk.core.exception.SdkException;
import software.amazon.awssdk.services.dynamodb.model.ConditionalCheckFailedException;

/** Turns the SDK's failures into the one exception the rest of the code handles. */
final class DynamoErrors {
  private DynamoErrors() {
  }

  /** Runs a call; any SDK failure other than a failed condition becomes {@link StoreUnavailableException}. */
  static <T> T call(String what, Supplier<T> call) {
    try {
      return call.get();
    } catch (ConditionalCheckFailedException e) {
      throw e;
    } catch (SdkException e) {
      throw new StoreUnavailableException("DynamoDB did not complete " + what + ": " + e.getMessage(), e);
    }
  }
}
