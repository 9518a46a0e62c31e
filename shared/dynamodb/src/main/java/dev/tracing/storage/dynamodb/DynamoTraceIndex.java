package dev.tracing.storage.dynamodb;

import dev.tracing.storage.TraceRow;
import dev.tracing.storage.TraceIndex;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.BatchGetItemResponse;
import software.amazon.awssdk.services.dynamodb.model.KeysAndAttributes;
import software.amazon.awssdk.services.dynamodb.model.QueryRequest;
import software.amazon.awssdk.services.dynamodb.model.QueryResponse;
import software.amazon.awssdk.services.dynamodb.model.ReturnConsumedCapacity;

/**
 * Scans the {@code by_start} index hour partition by hour partition. Each query page grows
 * (from the caller's likely need up to 1,000 rows), so an unfiltered first page costs a small
 * read while a selective filter does not pay a round trip per handful of rows.
 */
public final class DynamoTraceIndex implements TraceIndex {
  private static final int FIRST_PAGE_ROWS = 64;
  private static final int MAX_PAGE_ROWS = 1000;

  private final DynamoDbClient client;
  private final String table;
  private final Clock clock;
  private final CapacityMeter meter;

  public DynamoTraceIndex(DynamoDbClient client, String table, Clock clock, CapacityMeter meter) {
    this.client = client;
    this.table = table;
    this.clock = clock;
    this.meter = meter;
  }

  @Override
  public ScanOutcome scan(long projectId, long startNano, long endNano, boolean descending, int budget, RowVisitor visitor) {
    if (startNano >= endNano) {
      return new ScanOutcome(0, false, null);
    }
    long now = clock.instant().getEpochSecond();
    List<Long> hours = hours(startNano, endNano - 1, descending);
    String lo = String.format("%019d", Math.max(0, startNano));
    String hi = String.format("%019d", endNano - 1) + "#g"; // trace ids are hex: '#g' sorts after every one
    int read = 0;
    int pageRows = FIRST_PAGE_ROWS;
    List<TraceRow> tieGroup = new ArrayList<>();
    TraceRow last = null;
    for (long hourStartSecond : hours) {
      String partition = SummaryItems.listPartition(projectId, hourStartSecond * 1_000_000_000L);
      Map<String, AttributeValue> exclusiveStart = null;
      do {
        QueryRequest request = QueryRequest.builder()
            .tableName(table)
            .indexName(TableSchema.LIST_INDEX)
            .keyConditionExpression("#g = :g AND #s BETWEEN :lo AND :hi")
            .expressionAttributeNames(Map.of("#g", TableSchema.GPK, "#s", TableSchema.GSK))
            .expressionAttributeValues(Map.of(":g", AttributeValue.fromS(partition), ":lo", AttributeValue.fromS(lo),
                ":hi", AttributeValue.fromS(hi)))
            .scanIndexForward(!descending)
            .limit(pageRows)
            .exclusiveStartKey(exclusiveStart)
            .returnConsumedCapacity(ReturnConsumedCapacity.TOTAL)
            .build();
        QueryResponse page = DynamoErrors.call("a traces list read", () -> client.query(request));
        meter.addRead(page.consumedCapacity());
        pageRows = Math.min(MAX_PAGE_ROWS, pageRows * 2);
        for (Map<String, AttributeValue> item : page.items()) {
          read++;
          if (PartitionReads.expired(item, now)) {
            continue;
          }
          TraceRow row = SummaryItems.rowFromItem(item);
          if (!tieGroup.isEmpty() && tieGroup.get(0).timestampNano() != row.timestampNano()) {
            // a group of equal timestamps is complete: emit it in trace id order
            TraceRow stoppedAt = emit(tieGroup, visitor);
            if (stoppedAt != null) {
              return new ScanOutcome(read, false, stoppedAt);
            }
            last = tieGroup.get(tieGroup.size() - 1);
            tieGroup.clear();
            if (read > budget) {
              return new ScanOutcome(read, true, last);
            }
          }
          tieGroup.add(row);
        }
        exclusiveStart = page.hasLastEvaluatedKey() && !page.lastEvaluatedKey().isEmpty() ? page.lastEvaluatedKey() : null;
      } while (exclusiveStart != null);
    }
    TraceRow stoppedAt = emit(tieGroup, visitor);
    if (stoppedAt != null) {
      return new ScanOutcome(read, false, stoppedAt);
    }
    return new ScanOutcome(read, false, tieGroup.isEmpty() ? last : tieGroup.get(tieGroup.size() - 1));
  }

  /** Emits a group in trace id order; returns the row at which the visitor stopped, or null. */
  private static TraceRow emit(List<TraceRow> group, RowVisitor visitor) {
    if (group.size() > 1) {
      group.sort(Comparator.comparing(TraceRow::traceId));
    }
    for (TraceRow row : group) {
      if (!visitor.visit(row)) {
        return row;
      }
    }
    return null;
  }

  /** The UTC hours (epoch seconds of their start) covering {@code [from, to]} nanoseconds. */
  static List<Long> hours(long fromNano, long toNano, boolean descending) {
    long first = Instant.ofEpochSecond(Math.floorDiv(fromNano, 1_000_000_000L)).atZone(ZoneOffset.UTC)
        .truncatedTo(ChronoUnit.HOURS).toEpochSecond();
    long lastSecond = Math.floorDiv(toNano, 1_000_000_000L);
    List<Long> hours = new ArrayList<>();
    for (long h = first; h <= lastSecond; h += 3600) {
      hours.add(h);
    }
    if (descending) {
      java.util.Collections.reverse(hours);
    }
    return hours;
  }

  @Override
  public List<TraceRow> rows(long projectId, Collection<String> traceIds) {
    List<TraceRow> out = new ArrayList<>();
    if (traceIds.isEmpty()) {
      return out;
    }
    long now = clock.instant().getEpochSecond();
    List<Map<String, AttributeValue>> keys = new ArrayList<>();
    for (String id : traceIds) {
      Map<String, AttributeValue> key = new HashMap<>();
      key.put(TableSchema.PK, AttributeValue.fromS(SummaryItems.tracePk(projectId, id)));
      key.put(TableSchema.SK, AttributeValue.fromS(SummaryItems.SUMMARY_SK));
      keys.add(key);
    }
    List<String> projection = new ArrayList<>(TableSchema.LIST_PROJECTION);
    projection.add(TableSchema.GSK);
    Map<String, String> names = new HashMap<>();
    StringBuilder expr = new StringBuilder();
    for (int i = 0; i < projection.size(); i++) {
      names.put("#a" + i, projection.get(i));
      expr.append(i == 0 ? "" : ",").append("#a").append(i);
    }
    Map<String, KeysAndAttributes> pending = Map.of(table, KeysAndAttributes.builder().keys(keys)
        .projectionExpression(expr.toString()).expressionAttributeNames(names).build());
    for (int attempt = 0; !pending.isEmpty() && attempt < 8; attempt++) {
      Map<String, KeysAndAttributes> request = pending;
      BatchGetItemResponse r = DynamoErrors.call("a trace summary read", () -> client.batchGetItem(b -> b
          .requestItems(request).returnConsumedCapacity(ReturnConsumedCapacity.TOTAL)));
      if (r.consumedCapacity() != null) {
        r.consumedCapacity().forEach(meter::addRead);
      }
      for (Map<String, AttributeValue> item : r.responses().getOrDefault(table, List.of())) {
        if (!PartitionReads.expired(item, now)) {
          out.add(SummaryItems.rowFromItem(item));
        }
      }
      pending = r.hasUnprocessedKeys() ? r.unprocessedKeys() : Map.of();
    }
    if (!pending.isEmpty()) {
      throw new dev.tracing.storage.StoreUnavailableException("DynamoDB left trace summaries unread (throttled)");
    }
    return out;
  }
}
