package dev.tracing.ingest;

import dev.tracing.otlp.OtlpFormatException;
import dev.tracing.otlp.TraceBatcher;
import dev.tracing.storage.dynamodb.DynamoTraceWriter;
import dev.tracing.trace.TraceChunk;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.logging.Level;
import java.util.logging.Logger;
import software.amazon.awssdk.core.SdkBytes;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;

/**
 * The summaries function: folds the span packs that ingest stored (one per request, all its
 * traces) into their traces' summaries,
 * list and duration index entries, rollups and term-block marks, from batches of the table's
 * stream of changes (DynamoDB Streams through a Lambda event source mapping, batching window in
 * {@code template.yaml}). One batch holds the packs of many requests, so a trace whose services
 * each exported their own spans gets one summary write per batch instead of one per request.
 *
 * <p>At least once, in order per trace: a stream shard holds the records of one partition key (a
 * trace) in write order, and a failed batch is delivered again; folding is idempotent (spans
 * already counted count nothing), so a redelivery changes nothing. A pack this version cannot
 * read is logged and passed over, never retried forever (the trace detail would refuse it too).
 *
 * <p>Input: the Lambda event ({@code {"Records": [{"eventName": "INSERT", "dynamodb": {"NewImage":
 * {...}}}]}}); records that are not span packs (removals by TTL, other items) are passed over.
 * Output: {@code {"records": n, "packs": n, "traces": n, "unreadable": n}}.
 */
public final class SummaryFolder {
  private static final Logger LOG = Logger.getLogger(SummaryFolder.class.getName());

  private final DynamoTraceWriter writer;

  public SummaryFolder(DynamoTraceWriter writer) {
    this.writer = writer;
  }

  /** What one batch did. */
  public record Folded(int records, int packs, int traces, int unreadable) {
    Map<String, Object> toMap() {
      Map<String, Object> out = new LinkedHashMap<>();
      out.put("records", records);
      out.put("packs", packs);
      out.put("traces", traces);
      out.put("unreadable", unreadable);
      return out;
    }
  }

  /** The Lambda entry: a DynamoDB stream event as JSON maps. */
  public Map<String, Object> handle(Map<String, Object> event) {
    List<Map<String, AttributeValue>> images = new ArrayList<>();
    int records = 0;
    Object list = event == null ? null : event.get("Records");
    if (list instanceof List<?> recs) {
      for (Object r : recs) {
        records++;
        Map<String, AttributeValue> image = newImage(r);
        if (image != null) {
          images.add(image);
        }
      }
    } else if (event != null && !event.isEmpty()) {
      throw new IllegalArgumentException("expected a DynamoDB stream event with \"Records\", got the keys " + event.keySet());
    }
    Folded f = fold(images);
    return new Folded(records, f.packs(), f.traces(), f.unreadable()).toMap();
  }

  /**
   * Folds the span packs among these item images (new images of the table's stream, in stream order).
   *
   * @throws dev.tracing.storage.StoreUnavailableException when a write was not confirmed: the
   *     batch must be delivered again
   */
  public Folded fold(List<Map<String, AttributeValue>> images) {
    Map<Long, List<TraceChunk>> byProject = new LinkedHashMap<>();
    Set<String> traces = new HashSet<>();
    int packs = 0;
    int unreadable = 0;
    for (Map<String, AttributeValue> image : images) {
      DynamoTraceWriter.StreamedPack pack = DynamoTraceWriter.streamedPack(image);
      if (pack == null) {
        continue;
      }
      try {
        List<TraceChunk> pieces = TraceBatcher.storedPack(pack.key(), pack.payload());
        byProject.computeIfAbsent(pack.projectId(), p -> new ArrayList<>()).addAll(pieces);
        packs++;
        pieces.forEach(piece -> traces.add(pack.projectId() + "#" + piece.traceId()));
      } catch (OtlpFormatException e) {
        unreadable++;
        LOG.log(Level.WARNING, "project " + pack.projectId() + ": " + e.getMessage() + "; passed over");
      }
    }
    byProject.forEach(writer::fold);
    return new Folded(images.size(), packs, traces.size(), unreadable);
  }

  /**
   * The event DynamoDB Streams hands this function for these items as inserted (new images; string,
   * number and binary attributes), as JSON-ready maps: what {@link #handle} reads. For the local
   * scenarios and benchmarks that play the stream's part.
   */
  public static Map<String, Object> streamEvent(List<Map<String, AttributeValue>> items) {
    List<Object> records = new ArrayList<>();
    for (Map<String, AttributeValue> item : items) {
      Map<String, Object> image = new LinkedHashMap<>();
      item.forEach((name, v) -> {
        if (v.s() != null) {
          image.put(name, Map.of("S", v.s()));
        } else if (v.n() != null) {
          image.put(name, Map.of("N", v.n()));
        } else if (v.b() != null) {
          image.put(name, Map.of("B", Base64.getEncoder().encodeToString(v.b().asByteArray())));
        }
      });
      Map<String, Object> change = new LinkedHashMap<>();
      Map<String, Object> keys = new LinkedHashMap<>();
      keys.put("pk", image.get("pk"));
      keys.put("sk", image.get("sk"));
      change.put("Keys", keys);
      change.put("NewImage", image);
      change.put("StreamViewType", "NEW_IMAGE");
      Map<String, Object> record = new LinkedHashMap<>();
      record.put("eventName", "INSERT");
      record.put("eventSource", "aws:dynamodb");
      record.put("dynamodb", change);
      records.add(record);
    }
    return Map.of("Records", records);
  }

  /** The record's new image as SDK attribute values (strings, numbers and binaries; the item kinds folded need no others). */
  private static Map<String, AttributeValue> newImage(Object record) {
    if (!(record instanceof Map<?, ?> r) || !(r.get("dynamodb") instanceof Map<?, ?> d)
        || !(d.get("NewImage") instanceof Map<?, ?> image)) {
      return null;
    }
    Map<String, AttributeValue> out = new HashMap<>();
    for (Map.Entry<?, ?> e : image.entrySet()) {
      if (!(e.getValue() instanceof Map<?, ?> typed)) {
        continue;
      }
      Object s = typed.get("S");
      Object n = typed.get("N");
      Object b = typed.get("B");
      String name = String.valueOf(e.getKey());
      if (s != null) {
        out.put(name, AttributeValue.fromS(s.toString()));
      } else if (n != null) {
        out.put(name, AttributeValue.fromN(n.toString()));
      } else if (b != null) {
        try {
          out.put(name, AttributeValue.fromB(SdkBytes.fromByteArrayUnsafe(Base64.getDecoder().decode(b.toString()))));
        } catch (IllegalArgumentException bad) {
          LOG.log(Level.WARNING, "stream record attribute " + name + " is not base64; passed over");
        }
      }
    }
    return out;
  }
}
