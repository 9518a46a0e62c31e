package dev.tracing.storage.dynamodb;

import dev.tracing.trace.SpanFacts;
import dev.tracing.trace.TraceChunk;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import software.amazon.awssdk.core.SdkBytes;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;

/**
 * The span-pack item: the accepted spans of one export request (or a part of it, when they do not
 * fit one item), all its traces together, as the ingest encoded them (OTLP {@code TracesData},
 * compressed; see docs/storage.md), stored and read back unchanged. A trace's summary names the
 * packs holding its spans ({@link dev.tracing.trace.TraceSummary#chunkIds()}).
 *
 * <p>All of a project's packs share one partition key, {@code F#<project>}, the pack's key being the
 * sort key: the table's stream keeps a partition key's changes in one shard, so the summaries
 * function sees the packs of a trace's requests in one sequence of batches (packs under keys of
 * their own would spread a trace's requests over every shard).
 */
final class ChunkItems {
  static final String PACK_PK_PREFIX = "F#";
  static final String DATA = "d";
  static final String SPAN_COUNT = "n";
  /** How many hex digits of a pack's key name its item: the 64 bits a summary keeps. */
  static final int KEY_DIGITS = 16;

  private ChunkItems() {
  }

  static String packPk(long projectId) {
    return PACK_PK_PREFIX + projectId;
  }

  static Map<String, AttributeValue> key(long projectId, String key) {
    return Map.of(TableSchema.PK, SummaryItems.str(packPk(projectId)),
        TableSchema.SK, SummaryItems.str(key.substring(0, Math.min(KEY_DIGITS, key.length()))));
  }

  /**
   * The pack item of these pieces (the pieces of one pack: same key and payload, one per trace).
   * It expires with the last of its traces: {@code exp} follows its latest span start, so no
   * summary naming it outlives it.
   */
  static Map<String, AttributeValue> toItem(long projectId, List<TraceChunk> pieces, long retentionSeconds) {
    TraceChunk first = pieces.get(0);
    long latestStart = Long.MIN_VALUE;
    int spans = 0;
    for (TraceChunk piece : pieces) {
      for (SpanFacts f : piece.facts()) {
        latestStart = Math.max(latestStart, f.startNano());
      }
      spans += piece.spanCount();
    }
    Map<String, AttributeValue> item = new HashMap<>(key(projectId, first.key()));
    item.put(TableSchema.EXPIRES, SummaryItems.num(Math.floorDiv(latestStart, 1_000_000_000L) + retentionSeconds));
    item.put(SPAN_COUNT, SummaryItems.num(spans));
    item.put(DATA, AttributeValue.fromB(SdkBytes.fromByteArrayUnsafe(first.payload())));
    return item;
  }

  /** The pack of a stream image; null when the image is not a span pack with its payload. */
  static DynamoTraceWriter.StreamedPack fromImage(Map<String, AttributeValue> image) {
    AttributeValue pk = image.get(TableSchema.PK);
    AttributeValue sk = image.get(TableSchema.SK);
    AttributeValue data = image.get(DATA);
    if (pk == null || sk == null || data == null || pk.s() == null || sk.s() == null || data.b() == null
        || !pk.s().startsWith(PACK_PK_PREFIX) || sk.s().isEmpty()) {
      return null;
    }
    long project;
    try {
      project = Long.parseLong(pk.s().substring(PACK_PK_PREFIX.length()));
    } catch (NumberFormatException e) {
      return null;
    }
    return new DynamoTraceWriter.StreamedPack(project, sk.s(), data.b().asByteArrayUnsafe());
  }
}
