package dev.tracing.storage.dynamodb;

import dev.tracing.storage.StoreUnavailableException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ThreadLocalRandom;
import java.util.function.Consumer;
import java.util.function.Function;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.BatchGetItemResponse;
import software.amazon.awssdk.services.dynamodb.model.BatchWriteItemResponse;
import software.amazon.awssdk.services.dynamodb.model.ConsumedCapacity;
import software.amazon.awssdk.services.dynamodb.model.KeysAndAttributes;
import software.amazon.awssdk.services.dynamodb.model.PutRequest;
import software.amazon.awssdk.services.dynamodb.model.ReturnConsumedCapacity;
import software.amazon.awssdk.services.dynamodb.model.WriteRequest;

/** Batch calls until DynamoDB has processed every key or item, backing off while it throttles. */
final class Batches {
  /** Most keys one {@code BatchGetItem} takes. */
  static final int GET_LIMIT = 100;
  /** Most items one {@code BatchWriteItem} takes. */
  static final int PUT_LIMIT = 25;
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

  /**
   * Puts these items whole, {@value #PUT_LIMIT} a call, each call's write capacity handed to
   * {@code charge}. The keys must be distinct; the calls are not ordered among themselves, so an
   * item that must be written before another goes in an earlier {@code putAll}.
   */
  static void putAll(DynamoDbClient client, String table, List<Map<String, AttributeValue>> items, String what,
                     Consumer<List<ConsumedCapacity>> charge) {
    for (List<WriteRequest> batch : putBatches(items)) {
      putBatch(client, table, batch, what, charge);
    }
  }

  /** The items as {@code BatchWriteItem} requests, {@value #PUT_LIMIT} a call. */
  static List<List<WriteRequest>> putBatches(List<Map<String, AttributeValue>> items) {
    List<List<WriteRequest>> batches = new ArrayList<>();
    for (int from = 0; from < items.size(); from += PUT_LIMIT) {
      List<WriteRequest> batch = new ArrayList<>();
      for (Map<String, AttributeValue> item : items.subList(from, Math.min(items.size(), from + PUT_LIMIT))) {
        batch.add(WriteRequest.builder().putRequest(PutRequest.builder().item(item).build()).build());
      }
      batches.add(batch);
    }
    return batches;
  }

  /** One {@code BatchWriteItem} of at most {@value #PUT_LIMIT} puts, until every one is processed. */
  static void putBatch(DynamoDbClient client, String table, List<WriteRequest> batch, String what,
                       Consumer<List<ConsumedCapacity>> charge) {
    untilProcessed(batch, what, pending -> {
      BatchWriteItemResponse response = DynamoErrors.call("a batch write of " + what, () -> client.batchWriteItem(b -> b
          .requestItems(Map.of(table, pending)).returnConsumedCapacity(ReturnConsumedCapacity.TOTAL)));
      if (response.consumedCapacity() != null) {
        charge.accept(response.consumedCapacity());
      }
      return response.hasUnprocessedItems() ? response.unprocessedItems().getOrDefault(table, List.of()) : List.of();
    });
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
