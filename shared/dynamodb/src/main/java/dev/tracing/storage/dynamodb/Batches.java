package dev.tracing.storage.dynamodb;

import dev.tracing.storage.StoreUnavailableException;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ThreadLocalRandom;
import java.util.function.Consumer;
import java.util.function.Function;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.BatchGetItemResponse;
import software.amazon.awssdk.services.dynamodb.model.KeysAndAttributes;
import software.amazon.awssdk.services.dynamodb.model.ReturnConsumedCapacity;

/** Batch calls until DynamoDB has processed every key or item, backing off while it throttles. */
final class Batches {
  /** Most keys one {@code BatchGetItem} takes. */
  static final int GET_LIMIT = 100;
  private static final int MAX_ATTEMPTS = 8;

  private Batches() {
  }

  /**
   * Makes a batch call, then again with what DynamoDB left unprocessed (throttling), backing off
   * between attempts, up to {@value #MAX_ATTEMPTS}.
   *
   * @param call one batch call; returns the unprocessed part of its argument
   */
  static <T> void untilProcessed(List<T> items, String what, Function<List<T>, List<T>> call) {
    List<T> pending = items;
    for (int attempt = 1; !pending.isEmpty(); attempt++) {
      if (attempt > MAX_ATTEMPTS) {
        throw new StoreUnavailableException("DynamoDB left " + pending.size() + " " + what + " unprocessed after "
            + MAX_ATTEMPTS + " attempts (throttled)");
      }
      if (attempt > 1) {
        backoff(attempt);
      }
      pending = call.apply(pending);
    }
  }

  /**
   * Reads these keys, {@value #GET_LIMIT} a call, handing every item found to {@code each}
   * (expired ones too: callers decide) and charging the read capacity to {@code meter}.
   *
   * @param projection a projection expression over {@code names}; {@code null}: whole items
   */
  static void getAll(DynamoDbClient client, String table, List<Map<String, AttributeValue>> keys, boolean consistent,
                     String projection, Map<String, String> names, CapacityMeter meter, String what,
                     Consumer<Map<String, AttributeValue>> each) {
    for (int from = 0; from < keys.size(); from += GET_LIMIT) {
      untilProcessed(keys.subList(from, Math.min(keys.size(), from + GET_LIMIT)), what, batch -> {
        KeysAndAttributes.Builder request = KeysAndAttributes.builder().keys(batch).consistentRead(consistent);
        if (projection != null) {
          request.projectionExpression(projection).expressionAttributeNames(names);
        }
        KeysAndAttributes built = request.build();
        BatchGetItemResponse response = DynamoErrors.call("a batch read of " + what, () -> client.batchGetItem(b -> b
            .requestItems(Map.of(table, built)).returnConsumedCapacity(ReturnConsumedCapacity.TOTAL)));
        if (response.consumedCapacity() != null) {
          response.consumedCapacity().forEach(c -> meter.addRead(c, what));
        }
        response.responses().getOrDefault(table, List.of()).forEach(each);
        KeysAndAttributes unprocessed = response.hasUnprocessedKeys() ? response.unprocessedKeys().get(table) : null;
        return unprocessed == null ? List.of() : unprocessed.keys();
      });
    }
  }

  /** Sleeps a random while, growing with {@code attempt} up to a second. */
  static void backoff(int attempt) {
    long capMillis = Math.min(1000, 10L << Math.min(attempt, 7));
    try {
      Thread.sleep(ThreadLocalRandom.current().nextLong(capMillis / 2, capMillis + 1));
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new StoreUnavailableException("interrupted while backing off", e);
    }
  }
}
