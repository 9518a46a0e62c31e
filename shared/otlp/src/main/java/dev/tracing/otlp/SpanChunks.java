package dev.tracing.otlp;

import com.github.luben.zstd.Zstd;
import com.github.luben.zstd.ZstdDictCompress;
import com.github.luben.zstd.ZstdDictDecompress;
import com.github.luben.zstd.ZstdException;
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
import java.util.Arrays;
import java.util.Deque;
import java.util.List;
import java.util.function.Consumer;
import java.util.function.IntPredicate;
import java.util.function.Supplier;
import java.util.zip.DataFormatException;
import java.util.zip.Inflater;

/**
 * The stored form of a chunk's spans: OTLP {@code TracesData}, compressed with a preset dictionary
 * behind a one-byte format tag. OTLP is the storage format because it keeps every field of every
 * span exactly, and spans of one trace share resource, scope and attribute keys, so they compress
 * well (docs/storage.md has the measured ratio).
 */
public final class SpanChunks {
  /**
   * Raw deflate with a preset dictionary ({@code chunk-dictionary-2.txt}: OpenTelemetry semantic
   * convention keys and common SDK values). A chunk of a few KB has little history of its own to
   * refer back to; the dictionary gives it one. The file is part of the format: never edit it, add
   * a new format with a new dictionary instead. Read only: packs stored before format 3.
   */
  private static final byte FORMAT_DEFLATE_DICTIONARY = 2;
  /**
   * A Zstandard frame (level 3, its content size in the header) with the same file as a raw-content
   * dictionary. Against format 2 on the benchmark's requests: 4-5 times less CPU, and 1-10% smaller
   * from 100 spans a request up (2% larger at 20).
   */
  private static final byte FORMAT_ZSTD_DICTIONARY = 3;
  private static final int ZSTD_LEVEL = 3;
  /** Larger than any pack (each is under an item's 400 KB, at most ~20x compressed): a corrupt size is refused. */
  private static final int MAX_INFLATED_BYTES = 64 * 1024 * 1024;
  private static final byte[] DICTIONARY = dictionary("chunk-dictionary-2.txt");
  private static final ZstdDictCompress ZSTD_COMPRESS = new ZstdDictCompress(DICTIONARY, ZSTD_LEVEL);
  private static final ZstdDictDecompress ZSTD_DECOMPRESS = new ZstdDictDecompress(DICTIONARY);
  /** Parses a pack leaving out unknown fields, for {@link #plainLayout}. */
  private static final com.google.protobuf.Parser<TracesData> KNOWN_FIELDS_ONLY =
      com.google.protobuf.DiscardUnknownFieldsParser.wrap(TracesData.parser());

  private SpanChunks() {
  }

  /**
   * Readies the codec now: the class's initialization loads the native Zstandard library and its
   * dictionaries. Functions that store or read spans call it while they start, so that a SnapStart
   * snapshot already holds them and no request pays for loading them.
   */
  public static void load() {
    // calling a static method initializes the class: the static fields above did the work
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
    fit(new Piece(() -> spans, null, facts, traceIds), out);
  }

  /**
   * Like {@link #fit}, for spans still in the bytes they arrived in: an export request whose every
   * span was accepted is already the {@code TracesData} to store (the two messages share their wire
   * form), so it is compressed as received, without encoding the decoded spans again. Only a pack
   * too large for one item is cut, from {@code decoded}, as {@link #fit} cuts it.
   *
   * @param tracesData the encoded {@code TracesData} (or {@code ExportTraceServiceRequest}) holding exactly the spans of {@code facts}
   * @param decoded the same spans, decoded: asked for only when the pack must be cut
   */
  public static void fitEncoded(byte[] tracesData, Supplier<TracesData> decoded, List<SpanFacts> facts, List<String> traceIds,
                                Consumer<Pack> out) {
    fit(new Piece(decoded, tracesData, facts, traceIds), out);
  }

  private static void fit(Piece whole, Consumer<Pack> out) {
    Deque<Piece> todo = new ArrayDeque<>(List.of(whole));
    while (!todo.isEmpty()) {
      Piece p = todo.pop();
      byte[] payload = p.encoded != null ? compress(p.encoded) : encode(p.spans.get());
      if (p.facts.size() > 1 && payload.length > TraceChunk.MAX_PAYLOAD_BYTES) {
        int half = p.facts.size() / 2;
        todo.push(p.slice(half, p.facts.size()));
        todo.push(p.slice(0, half));
      } else {
        out.accept(new Pack(TraceChunk.keyOf(p.facts, p.traceIds), payload, p.facts, p.traceIds));
      }
    }
  }

  /**
   * Spans to store: decoded (on demand), and for the whole request as received also {@code encoded}
   * ({@code null} otherwise).
   */
  private record Piece(Supplier<TracesData> spans, byte[] encoded, List<SpanFacts> facts, List<String> traceIds) {
    Piece slice(int from, int to) {
      TracesData part = select(spans.get().getResourceSpansList(), i -> i >= from && i < to);
      return new Piece(() -> part, null,
          new ArrayList<>(facts.subList(from, to)), new ArrayList<>(traceIds.subList(from, to)));
    }
  }

  /**
   * The spans whose index (in request order) {@code keep} accepts, with their resources and scopes,
   * in the same order; resources and scopes left without a span are left out.
   */
  static TracesData select(List<ResourceSpans> resourceSpans, IntPredicate keep) {
    TracesData.Builder data = TracesData.newBuilder();
    int index = 0;
    for (ResourceSpans rs : resourceSpans) {
      ResourceSpans.Builder rsb = null;
      for (ScopeSpans ss : rs.getScopeSpansList()) {
        ScopeSpans.Builder ssb = null;
        for (var span : ss.getSpansList()) {
          if (keep.test(index++)) {
            if (ssb == null) {
              ssb = ScopeSpans.newBuilder().setScope(ss.getScope()).setSchemaUrl(ss.getSchemaUrl());
            }
            ssb.addSpans(span);
          }
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
    return data.build();
  }

  public static byte[] encode(TracesData data) {
    return compress(data.toByteArray());
  }

  private static byte[] compress(byte[] raw) {
    byte[] out = new byte[1 + (int) Zstd.compressBound(raw.length)];
    out[0] = FORMAT_ZSTD_DICTIONARY;
    long n = Zstd.compressFastDict(out, 1, raw, 0, raw.length, ZSTD_COMPRESS);
    if (Zstd.isError(n)) {
      throw new IllegalStateException("span chunk compression failed: " + Zstd.getErrorName(n));
    }
    return Arrays.copyOf(out, 1 + (int) n);
  }

  /** @throws IllegalStateException for a payload this codec did not write (unknown format, truncated, corrupt) */
  public static TracesData decode(byte[] payload) {
    return parse(payload, TracesData.parser());
  }

  /**
   * The encoded {@code TracesData} a payload holds, as protobuf writes it anew: each message once
   * (a field given twice on the wire merged as protobuf merges it), fields in number order, unknown
   * fields left out. Spans are stored as received; this is the layout a reader of the bytes can
   * count on.
   *
   * @throws IllegalStateException for a payload this codec did not write, as {@link #decode}
   */
  public static byte[] plainLayout(byte[] payload) {
    return parse(payload, KNOWN_FIELDS_ONLY).toByteArray();
  }

  private static TracesData parse(byte[] payload, com.google.protobuf.Parser<TracesData> parser) {
    try {
      // Stored chunks were accepted within ingest's nesting limits; parse them with room to spare.
      com.google.protobuf.CodedInputStream in = com.google.protobuf.CodedInputStream.newInstance(inflate(payload));
      in.setRecursionLimit(200);
      return parser.parseFrom(in);
    } catch (IOException e) {
      throw new IllegalStateException("corrupt span chunk", e);
    }
  }

  /**
   * The encoded {@code TracesData} a payload holds.
   *
   * @throws IllegalStateException for a payload this codec did not write
   */
  public static byte[] inflate(byte[] payload) {
    if (payload.length > 0 && payload[0] == FORMAT_ZSTD_DICTIONARY) {
      return unzstd(payload);
    }
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
      return out.toByteArray();
    } catch (DataFormatException e) {
      throw new IllegalStateException("corrupt span chunk", e);
    } finally {
      inflater.end();
    }
  }

  private static byte[] unzstd(byte[] payload) {
    long size = payload.length < 2 ? -1 : Zstd.getFrameContentSize(payload, 1, payload.length - 1);
    if (size < 0 || size > MAX_INFLATED_BYTES) {
      throw new IllegalStateException("corrupt span chunk (zstd frame content size " + size + ")");
    }
    byte[] out = new byte[(int) size];
    long n;
    try {
      n = Zstd.decompressFastDict(out, 0, payload, 1, payload.length - 1, ZSTD_DECOMPRESS);
    } catch (ZstdException e) {
      throw new IllegalStateException("corrupt span chunk (" + e.getMessage() + ")", e);
    }
    if (Zstd.isError(n) || n != size) {
      throw new IllegalStateException("corrupt span chunk (" + (Zstd.isError(n) ? Zstd.getErrorName(n) : n + " of " + size + " bytes") + ")");
    }
    return out;
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
