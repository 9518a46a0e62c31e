package dev.tracing.storage.dynamodb;

import dev.tracing.storage.ServiceCatalog;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.BatchWriteItemResponse;
import software.amazon.awssdk.services.dynamodb.model.PutRequest;
import software.amazon.awssdk.services.dynamodb.model.WriteRequest;

/**
 * One small item per service ({@code S#<project>}, sort key the name) and per operation
 * ({@code O#<project>#<service>}, sort key the name), each with a TTL of the retention period.
 * A process writes a name at most once per {@link #REFRESH}: the catalog costs a few writes per
 * hour per name, not one per span.
 */
public final class DynamoServiceCatalog implements ServiceCatalog {
  static final Duration REFRESH = Duration.ofHours(1);
  private static final int MAX_REMEMBERED = 50_000;

  private final DynamoDbClient client;
  private final String table;
  private final Clock clock;
  private final Duration retention;
  private final Map<String, Long> writtenAt = new ConcurrentHashMap<>();

  private final CapacityMeter meter;

  public DynamoServiceCatalog(DynamoDbClient client, String table, Clock clock, Duration retention) {
    this(client, table, clock, retention, new CapacityMeter());
  }

  public DynamoServiceCatalog(DynamoDbClient client, String table, Clock clock, Duration retention, CapacityMeter meter) {
    this.meter = meter;
    this.client = client;
    this.table = table;
    this.clock = clock;
    this.retention = retention;
  }

  @Override
  public void record(long projectId, Map<String, Set<String>> operationsByService) {
    long now = clock.instant().getEpochSecond();
    long expires = now + retention.toSeconds();
    List<WriteRequest> writes = new ArrayList<>();
    operationsByService.forEach((service, operations) -> {
      if (service.isEmpty()) {
        return;
      }
      if (due("s" + projectId + '\u0000' + service, now)) {
        writes.add(put("S#" + projectId, service, now, expires));
      }
      for (String op : operations) {
        if (!op.isEmpty() && due("o" + projectId + '\u0000' + service + '\u0000' + op, now)) {
          writes.add(put("O#" + projectId + "#" + service, op, now, expires));
        }
      }
    });
    for (int from = 0; from < writes.size(); from += 25) {
      List<WriteRequest> batch = writes.subList(from, Math.min(writes.size(), from + 25));
      BatchWriteItemResponse r = DynamoErrors.call("a service catalog write", () -> client.batchWriteItem(b -> b
          .requestItems(Map.of(table, batch))));
      if (r.hasUnprocessedItems() && !r.unprocessedItems().isEmpty()) {
        writtenAt.clear(); // throttled: let the next requests write these names again
      }
    }
  }

  private boolean due(String key, long now) {
    Long last = writtenAt.get(key);
    if (last != null && now - last < REFRESH.toSeconds()) {
      return false;
    }
    if (writtenAt.size() > MAX_REMEMBERED) {
      writtenAt.clear();
    }
    writtenAt.put(key, now);
    return true;
  }

  private static WriteRequest put(String pk, String name, long seen, long expires) {
    Map<String, AttributeValue> item = new HashMap<>();
    item.put(TableSchema.PK, AttributeValue.fromS(pk));
    item.put(TableSchema.SK, AttributeValue.fromS(name));
    item.put("seen", AttributeValue.fromN(Long.toString(seen)));
    item.put(TableSchema.EXPIRES, AttributeValue.fromN(Long.toString(expires)));
    return WriteRequest.builder().putRequest(PutRequest.builder().item(item).build()).build();
  }

  @Override
  public List<String> services(long projectId) {
    return names("S#" + projectId);
  }

  @Override
  public List<String> operations(long projectId, String service) {
    return names("O#" + projectId + "#" + service);
  }

  private List<String> names(String pk) {
    long now = clock.instant().getEpochSecond();
    List<String> out = new ArrayList<>();
    PartitionReads.forEachLiveItem(client, table, pk, now, meter, "a service catalog read", item -> out.add(item.get(TableSchema.SK).s()));
    return out;
  }
}
