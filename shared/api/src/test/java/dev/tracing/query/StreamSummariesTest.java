package dev.tracing.query;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.tracing.api.ApiResponse;
import dev.tracing.ingest.SummaryFolder;
import dev.tracing.query.QueryStack.Params;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.ScanRequest;
import tools.jackson.databind.JsonNode;

/**
 * Summaries folded from the table's stream (the deployed configuration) answer every query exactly
 * as summaries written at ingest do. The same requests (each trace spread over several requests,
 * retries included) go to two tables: one folds at ingest, the other stores spans only, and its
 * stored span packs are then folded the way the stream delivers them: in batches of the changes of
 * many requests, in any order across traces, some batches delivered twice, one batch through the
 * Lambda event with records that are not packs and a pack that cannot be read.
 */
class StreamSummariesTest {
  static final Instant NOW = Instant.parse("2026-11-24T12:34:56.789123456Z");
  static final long P = SyntheticTraces.PROJECT;

  static QueryStack atIngest;
  static QueryStack streamed;
  static SyntheticTraces data;
  static JsonNode listedBeforeFold;
  static int chunkItems;
  static SummaryFolder.Folded redelivered;
  static Map<String, Object> eventAnswer;
  static Map<String, String> versionsBefore;
  static Map<String, String> versionsAfter;

  @BeforeAll
  static void load() {
    Clock clock = Clock.fixed(NOW, ZoneOffset.UTC);
    atIngest = QueryStack.create("summaries-at-ingest", clock);
    streamed = QueryStack.createStreamed("summaries-streamed", clock);
    data = new SyntheticTraces(20261204, NOW).generate(200);
    for (SyntheticTraces.Delivery d : data.deliveries) {
      atIngest.ingest(d.namespaceId(), d.projectId(), d.request());
      streamed.ingest(d.namespaceId(), d.projectId(), d.request());
    }
    listedBeforeFold = streamed.list(P, Params.of("period", "30d"));

    List<Map<String, AttributeValue>> chunks = new ArrayList<>(streamed.tracing.client().scanPaginator(ScanRequest.builder()
        .tableName(streamed.table).filterExpression("begins_with(pk, :f)") // every project's packs
        .expressionAttributeValues(Map.of(":f", AttributeValue.fromS("F#"))).build()).items().stream().toList());
    chunkItems = chunks.size();
    Random random = new Random(7);
    Collections.shuffle(chunks, random);
    List<List<Map<String, AttributeValue>>> batches = new ArrayList<>();
    for (int from = 0; from < chunks.size(); ) {
      int to = Math.min(chunks.size(), from + 1 + random.nextInt(12));
      batches.add(chunks.subList(from, to));
      from = to;
    }
    SummaryFolder folder = streamed.tracing.summaryFolder();
    eventAnswer = folder.handle(lambdaEvent(batches.get(0)));
    for (List<Map<String, AttributeValue>> batch : batches.subList(1, batches.size())) {
      folder.fold(batch);
    }
    // at least once: a batch delivered again adds nothing
    versionsBefore = summaryVersions();
    redelivered = folder.fold(batches.get(batches.size() / 2));
    folder.fold(batches.get(1));
    versionsAfter = summaryVersions();
  }

  /** Every summary item's version, by partition key. */
  private static Map<String, String> summaryVersions() {
    Map<String, String> out = new java.util.TreeMap<>();
    streamed.tracing.client().scanPaginator(ScanRequest.builder().tableName(streamed.table).consistentRead(true)
        .filterExpression("sk = :s").expressionAttributeValues(Map.of(":s", AttributeValue.fromS("#S"))).build())
        .items().forEach(item -> out.put(item.get("pk").s(), item.get("v").n()));
    return out;
  }

  /** The Lambda event of these images (as DynamoDB Streams sends them), plus records the summaries function must pass over. */
  private static Map<String, Object> lambdaEvent(List<Map<String, AttributeValue>> images) {
    List<Object> records = new ArrayList<>((List<?>) SummaryFolder.streamEvent(images).get("Records"));
    Map<String, AttributeValue> summary = new LinkedHashMap<>();
    summary.put("pk", AttributeValue.fromS("T#" + P + "#" + "0".repeat(31) + "1"));
    summary.put("sk", AttributeValue.fromS("#S"));
    records.addAll((List<?>) SummaryFolder.streamEvent(List.of(summary)).get("Records"));
    Map<String, Object> removal = new LinkedHashMap<>();
    removal.put("eventName", "REMOVE");
    removal.put("dynamodb", Map.of("Keys", Map.of("pk", Map.of("S", "F#1"), "sk", Map.of("S", "00000000000000aa"))));
    records.add(removal);
    Map<String, AttributeValue> garbage = new LinkedHashMap<>();
    garbage.put("pk", AttributeValue.fromS("F#" + P));
    garbage.put("sk", AttributeValue.fromS("f".repeat(16)));
    garbage.put("n", AttributeValue.fromN("1"));
    garbage.put("d", AttributeValue.fromB(software.amazon.awssdk.core.SdkBytes.fromByteArray(new byte[] {2, 1, 2, 3})));
    records.addAll((List<?>) SummaryFolder.streamEvent(List.of(garbage)).get("Records"));
    return Map.of("Records", records);
  }

  @AfterAll
  static void close() {
    if (atIngest != null) {
      atIngest.close();
    }
    if (streamed != null) {
      streamed.close();
    }
  }

  @Test
  void beforeTheStreamIsFoldedSpansAreStoredButNoTraceIsListed() {
    // one pack per request; a retried request writes its pack again
    assertTrue(chunkItems > data.deliveries.size() / 2 && chunkItems <= data.deliveries.size(), "packs stored: " + chunkItems
        + " for " + data.deliveries.size() + " requests");
    assertEquals(0, listedBeforeFold.get("traces").size(), listedBeforeFold::toString);
  }

  @Test
  void theLambdaEventFoldsItsChunksAndPassesOverTheRest() {
    int packs = (int) eventAnswer.get("packs");
    int records = (int) eventAnswer.get("records");
    // the summary item and the removal are not packs; the garbage pack is counted as unreadable
    assertEquals(records - 3, packs, eventAnswer::toString);
    assertEquals(1, eventAnswer.get("unreadable"), eventAnswer::toString);
    assertTrue((int) eventAnswer.get("traces") >= 1, eventAnswer::toString);
  }

  @Test
  void aRedeliveredBatchChangesNothing() {
    assertTrue(redelivered.packs() > 0, redelivered::toString);
    assertEquals(redelivered.records(), redelivered.packs(), redelivered::toString);
    assertTrue(versionsBefore.size() > 200, "summaries: " + versionsBefore.size());
    assertEquals(versionsBefore, versionsAfter, "no summary was written again");
  }

  @Test
  void listsAnswerAlikeInEveryOrderAndFilter() {
    for (String period : List.of("1h", "4h", "24h", "7d", "30d")) {
      for (String sort : List.of("timestamp_desc", "timestamp_asc", "duration_desc", "duration_asc")) {
        same(Params.of("period", period, "sort", sort, "page_size", "100"));
      }
      same(Params.of("period", period, "service_name", SyntheticTraces.SERVICES.get(1)));
      same(Params.of("period", period, "status", "error", "sort", "duration_desc"));
      same(Params.of("period", period, "attr_name", "db.system", "attr_value", "mysql"));
    }
  }

  @Test
  void viewsAnswerAlike() {
    for (String period : List.of("24h", "7d")) {
      assertEquals(atIngest.analytics(P, Params.of("period", period)), streamed.analytics(P, Params.of("period", period)), period);
      for (String route : List.of("/services/metrics", "/services/map")) {
        assertEquals(body(atIngest.getRoute(P, route, Params.of("period", period))),
            body(streamed.getRoute(P, route, Params.of("period", period))), route + " " + period);
      }
    }
    assertEquals(body(atIngest.getRoute(P, "/services/metrics", Params.of("period", "7d", "service_name", "checkout"))),
        body(streamed.getRoute(P, "/services/metrics", Params.of("period", "7d", "service_name", "checkout"))));
  }

  @Test
  void everyTraceDetailIsTheSame() {
    Set<String> ids = new LinkedHashSet<>();
    data.spans.stream().filter(s -> s.projectId() == P).forEach(s -> ids.add(s.traceId()));
    assertTrue(ids.size() > 200, "traces: " + ids.size());
    for (String id : ids) {
      assertEquals(body(atIngest.detail(P, id)), body(streamed.detail(P, id)), id);
    }
  }

  private static void same(Params params) {
    JsonNode expected = atIngest.list(P, params);
    JsonNode actual = streamed.list(P, params);
    assertTrue(expected.get("traces").size() > 0 || params.raw().contains("1h"), () -> "?" + params.raw() + " lists nothing");
    assertEquals(expected, actual, () -> "?" + params.raw());
  }

  private static JsonNode body(ApiResponse r) {
    assertEquals(200, r.status(), r::bodyText);
    return QueryStack.JSON.readTree(r.body());
  }
}
