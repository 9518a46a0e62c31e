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

  /** The chunk of a stream image; null when the image is not a span chunk with its payload. */
  static DynamoTraceWriter.StreamedChunk fromImage(Map<String, AttributeValue> image) {
    AttributeValue pk = image.get(TableSchema.PK);
    AttributeValue sk = image.get(TableSchema.SK);
    AttributeValue data = image.get(DATA);
    if (pk == null || sk == null || data == null || pk.s() == null || sk.s() == null || data.b() == null
        || !sk.s().startsWith(CHUNK_SK_PREFIX) || !pk.s().startsWith("T#")) {
      return null;
    }
    String[] parts = pk.s().split("#", -1);
    if (parts.length != 3 || parts[2].isEmpty()) {
      return null;
    }
    long project;
    try {
      project = Long.parseLong(parts[1]);
    } catch (NumberFormatException e) {
      return null;
    }
    return new DynamoTraceWriter.StreamedChunk(project, parts[2], sk.s().substring(CHUNK_SK_PREFIX.length()),
        data.b().asByteArrayUnsafe());
  }
}
