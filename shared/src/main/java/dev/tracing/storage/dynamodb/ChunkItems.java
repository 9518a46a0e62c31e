package dev.tracing.storage.dynamodb;

import dev.tracing.trace.TraceChunk;
import io.opentelemetry.proto.trace.v1.TracesData;
import java.io.ByteArrayOutputStream;
import java.util.HashMap;
import java.util.Map;
import java.util.zip.DataFormatException;
import java.util.zip.Deflater;
import java.util.zip.Inflater;
import software.amazon.awssdk.core.SdkBytes;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;

/**
 * The span-chunk item: the chunk's OTLP {@code TracesData}, deflated. OTLP is the storage format
 * because it keeps every field of every span exactly, and spans of one trace share resource,
 * scope and attribute keys, so they compress well (see docs/storage.md for the measured ratio).
 */
final class ChunkItems {
  static final String CHUNK_SK_PREFIX = "C#";
  static final String DATA = "d";
  static final String SPAN_COUNT = "n";
  /**
   * Raw deflate with a preset dictionary ({@code chunk-dictionary-2.txt}: OpenTelemetry semantic
   * convention keys and common SDK values). A chunk of a few KB has little history of its own to
   * refer back to; the dictionary gives it one. The file is part of the format: never edit it, add
   * a new format with a new dictionary instead.
   */
  private static final byte FORMAT_DEFLATE_DICTIONARY = 2;
  private static final byte[] DICTIONARY = dictionary("chunk-dictionary-2.txt");
  /** Largest stored chunk payload; DynamoDB items stop at 400 KB including names and keys. */
  static final int MAX_PAYLOAD_BYTES = 350 * 1024;

  private ChunkItems() {
  }

  static Map<String, AttributeValue> toItem(long projectId, TraceChunk chunk, byte[] payload, long expiresEpochSecond) {
    Map<String, AttributeValue> item = new HashMap<>();
    item.put(TableSchema.PK, SummaryItems.str(SummaryItems.tracePk(projectId, chunk.traceId())));
    item.put(TableSchema.SK, SummaryItems.str(CHUNK_SK_PREFIX + chunk.key()));
    item.put(TableSchema.EXPIRES, SummaryItems.num(expiresEpochSecond));
    item.put(SPAN_COUNT, SummaryItems.num(chunk.spanCount()));
    item.put(DATA, AttributeValue.fromB(SdkBytes.fromByteArrayUnsafe(payload)));
    return item;
  }

  static byte[] encode(TracesData data) {
    byte[] raw = data.toByteArray();
    Deflater deflater = new Deflater(Deflater.DEFAULT_COMPRESSION, true);
    try {
      deflater.setDictionary(DICTIONARY);
      deflater.setInput(raw);
      deflater.finish();
      ByteArrayOutputStream out = new ByteArrayOutputStream(raw.length / 3 + 64);
      out.write(FORMAT_DEFLATE_DICTIONARY);
      byte[] buf = new byte[8192];
      while (!deflater.finished()) {
        int n = deflater.deflate(buf);
        out.write(buf, 0, n);
      }
      return out.toByteArray();
    } finally {
      deflater.end();
    }
  }

  private static byte[] dictionary(String name) {
    try (java.io.InputStream in = ChunkItems.class.getResourceAsStream(name)) {
      if (in == null) {
        throw new IllegalStateException("missing span chunk dictionary " + name);
      }
      return in.readAllBytes();
    } catch (java.io.IOException e) {
      throw new java.io.UncheckedIOException(e);
    }
  }

  static TracesData decode(byte[] payload) {
    if (payload.length == 0 || payload[0] != FORMAT_DEFLATE_DICTIONARY) {
      throw new IllegalStateException("unknown span chunk format " + (payload.length == 0 ? "(empty)" : payload[0]));
    }
    Inflater inflater = new Inflater(true);
    try {
      inflater.setDictionary(DICTIONARY); // raw deflate: set before inflating, it is never asked for
      inflater.setInput(payload, 1, payload.length - 1);
      ByteArrayOutputStream out = new ByteArrayOutputStream(payload.length * 4);
      byte[] buf = new byte[16384];
      while (!inflater.finished()) {
        int n = inflater.inflate(buf);
        if (n == 0 && (inflater.needsInput() || inflater.needsDictionary())) {
          throw new IllegalStateException("truncated span chunk");
        }
        out.write(buf, 0, n);
      }
      // Stored chunks were accepted within ingest's nesting limits; parse them with room to spare.
      com.google.protobuf.CodedInputStream in = com.google.protobuf.CodedInputStream.newInstance(out.toByteArray());
      in.setRecursionLimit(200);
      return TracesData.parseFrom(in);
    } catch (DataFormatException | java.io.IOException e) {
      throw new IllegalStateException("corrupt span chunk", e);
    } finally {
      inflater.end();
    }
  }
}
