package dev.tracing.otlp;

import dev.tracing.trace.SpanFacts;
import dev.tracing.trace.TraceChunk;
import io.opentelemetry.proto.trace.v1.ResourceSpans;
import io.opentelemetry.proto.trace.v1.ScopeSpans;
import io.opentelemetry.proto.trace.v1.TracesData;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import java.util.function.Consumer;
import java.util.zip.DataFormatException;
import java.util.zip.Deflater;
import java.util.zip.Inflater;

/**
 * The stored form of a chunk's spans: OTLP {@code TracesData}, raw-deflated with a preset
 * dictionary behind a one-byte format tag. OTLP is the storage format because it keeps every
 * field of every span exactly, and spans of one trace share resource, scope and attribute keys,
 * so they compress well (docs/storage.md has the measured ratio).
 */
public final class SpanChunks {
  /**
   * Raw deflate with a preset dictionary ({@code chunk-dictionary-2.txt}: OpenTelemetry semantic
   * convention keys and common SDK values). A chunk of a few KB has little history of its own to
   * refer back to; the dictionary gives it one. The file is part of the format: never edit it, add
   * a new format with a new dictionary instead.
   */
  private static final byte FORMAT_DEFLATE_DICTIONARY = 2;
  private static final byte[] DICTIONARY = dictionary("chunk-dictionary-2.txt");

  private SpanChunks() {
  }

  /**
   * A span pack: the accepted spans of one export request (all its traces), encoded as one chunk
   * payload; several packs when the request's spans do not fit one.
   *
   * @param key {@link TraceChunk#keyOf(List, List)} of its spans: a retry of the request makes the same packs
   * @param facts one entry per span, in payload order
   * @param traceIds the trace of each span, in payload order
   */
  public record Pack(String key, byte[] payload, List<SpanFacts> facts, List<String> traceIds) {
    public Pack {
      facts = List.copyOf(facts);
      traceIds = List.copyOf(traceIds);
    }
  }

  /**
   * Encodes spans as packs, each payload at most {@link TraceChunk#MAX_PAYLOAD_BYTES}: a pack too
   * large is split into deterministic halves (stored order kept) until each piece fits. A single
   * span always fits: ingest refuses larger ones.
   */
  public static void fit(TracesData spans, List<SpanFacts> facts, List<String> traceIds, Consumer<Pack> out) {
    Deque<Piece> todo = new ArrayDeque<>(List.of(new Piece(spans, facts, traceIds)));
    while (!todo.isEmpty()) {
      Piece p = todo.pop();
      byte[] payload = encode(p.spans);
      if (p.facts.size() > 1 && payload.length > TraceChunk.MAX_PAYLOAD_BYTES) {
        int half = p.facts.size() / 2;
        todo.push(p.slice(half, p.facts.size()));
        todo.push(p.slice(0, half));
      } else {
        out.accept(new Pack(TraceChunk.keyOf(p.facts, p.traceIds), payload, p.facts, p.traceIds));
      }
    }
  }

  private record Piece(TracesData spans, List<SpanFacts> facts, List<String> traceIds) {
    Piece slice(int from, int to) {
      TracesData.Builder data = TracesData.newBuilder();
      int index = 0;
      for (ResourceSpans rs : spans.getResourceSpansList()) {
        ResourceSpans.Builder rsb = null;
        for (ScopeSpans ss : rs.getScopeSpansList()) {
          ScopeSpans.Builder ssb = null;
          for (var span : ss.getSpansList()) {
            if (index >= from && index < to) {
              if (ssb == null) {
                ssb = ScopeSpans.newBuilder().setScope(ss.getScope()).setSchemaUrl(ss.getSchemaUrl());
              }
              ssb.addSpans(span);
            }
            index++;
          }
          if (ssb != null) {
            if (rsb == null) {
              rsb = ResourceSpans.newBuilder().setResource(rs.getResource()).setSchemaUrl(rs.getSchemaUrl());
            }
            rsb.addScopeSpans(ssb);
          }
        }
        if (rsb != null) {
          data.addResourceSpans(rsb);
        }
      }
      return new Piece(data.build(), new ArrayList<>(facts.subList(from, to)), new ArrayList<>(traceIds.subList(from, to)));
    }
  }

  public static byte[] encode(TracesData data) {
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

  /** @throws IllegalStateException for a payload this codec did not write (unknown format, truncated, corrupt) */
  public static TracesData decode(byte[] payload) {
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
    } catch (DataFormatException | IOException e) {
      throw new IllegalStateException("corrupt span chunk", e);
    } finally {
      inflater.end();
    }
  }

  private static byte[] dictionary(String name) {
    try (InputStream in = SpanChunks.class.getResourceAsStream(name)) {
      if (in == null) {
        throw new IllegalStateException("missing span chunk dictionary " + name);
      }
      return in.readAllBytes();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
