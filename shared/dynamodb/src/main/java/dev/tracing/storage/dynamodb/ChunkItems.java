package dev.tracing.storage.dynamodb;

import dev.tracing.trace.TraceChunk;
import java.util.HashMap;
import java.util.Map;
import software.amazon.awssdk.core.SdkBytes;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;

/**
 * The span-chunk item: the chunk's payload as the ingest encoded it (OTLP {@code TracesData},
 * compressed; see docs/storage.md), stored and read back unchanged.
 */
final class ChunkItems {
  static final String CHUNK_SK_PREFIX = "C#";
  static final String DATA = "d";
  static final String SPAN_COUNT = "n";
  private ChunkItems() {
  }

  static Map<String, AttributeValue> toItem(long projectId, TraceChunk chunk, long expiresEpochSecond) {
    Map<String, AttributeValue> item = new HashMap<>();
    item.put(TableSchema.PK, SummaryItems.str(SummaryItems.tracePk(projectId, chunk.traceId())));
    item.put(TableSchema.SK, SummaryItems.str(CHUNK_SK_PREFIX + chunk.key()));
    item.put(TableSchema.EXPIRES, SummaryItems.num(expiresEpochSecond));
    item.put(SPAN_COUNT, SummaryItems.num(chunk.spanCount()));
    item.put(DATA, AttributeValue.fromB(SdkBytes.fromByteArrayUnsafe(chunk.payload())));
    return item;
  }
}
