package dev.tracing.view;

import dev.tracing.otlp.OtlpIds;
import dev.tracing.otlp.SpanChunks;
import dev.tracing.otlp.StoredSpans;
import com.google.protobuf.UnsafeByteOperations;
import dev.tracing.storage.StoredTrace;
import io.opentelemetry.proto.common.v1.InstrumentationScope;
import io.opentelemetry.proto.resource.v1.Resource;
import io.opentelemetry.proto.trace.v1.Span;
import java.io.ByteArrayOutputStream;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Base64;
import java.util.Collections;
import java.util.IdentityHashMap;
import java.util.HashSet;
import java.util.HexFormat;
import java.util.List;
import java.util.Set;
import tools.jackson.core.JsonGenerator;
import tools.jackson.core.ObjectWriteContext;
import tools.jackson.core.io.SerializedString;
import tools.jackson.core.json.JsonFactory;

/**
 * The trace-detail answer written straight from the stored packs' protobuf bytes: the spans are
 * found and sorted by reading a few fields of each, then each span's fields are written as JSON
 * from the bytes as stored, strings as their UTF-8 unchanged. Nothing is decoded into messages,
 * so no string is decoded to UTF-16 and encoded back: a 1,000-span answer is built in a little over
 * half the time of writing it from decoded messages ({@code TraceJsonWireTest} checks that the two
 * ways give the same bytes).
 *
 * <p>It reads the plain layout every OTLP exporter writes. Where protobuf would merge two
 * occurrences of one message field (a span's {@code status} given twice, say), or a string is not
 * valid UTF-8, the bytes as stored are not read: {@link #write} has protobuf decode the trace's
 * packs and encode them again, which gives the plain layout (or refuses a corrupt pack), and reads
 * those. So the answer never depends on how the client laid out its bytes.
 */
final class WireTraceJson {
  private static final JsonFactory JSON = new JsonFactory();
  private static final HexFormat HEX = HexFormat.of();
  /**
   * AnyValue nesting read. Ingest parses requests within protobuf's limit of 100 nested messages,
   * and each level of a value is at least two of them, so stored values nest less deeply than this.
   */
  private static final int MAX_VALUE_DEPTH = 100;
  // field names, encoded once
  private static final SerializedString N_SPAN_ID = new SerializedString("span_id");
  private static final SerializedString N_TRACE_ID = new SerializedString("trace_id");
  private static final SerializedString N_PARENT_SPAN_ID = new SerializedString("parent_span_id");
  private static final SerializedString N_TIMESTAMP = new SerializedString("timestamp");
  private static final SerializedString N_TIMESTAMP_NANO = new SerializedString("timestamp_nano");
  private static final SerializedString N_DURATION_NANO = new SerializedString("duration_nano");
  private static final SerializedString N_SERVICE_NAME = new SerializedString("service_name");
  private static final SerializedString N_OPERATION = new SerializedString("operation");
  private static final SerializedString N_SPAN_KIND = new SerializedString("span_kind");
  private static final SerializedString N_SCOPE_NAME = new SerializedString("scope_name");
  private static final SerializedString N_SCOPE_VERSION = new SerializedString("scope_version");
  private static final SerializedString N_STATUS_CODE = new SerializedString("status_code");
  private static final SerializedString N_STATUS_MESSAGE = new SerializedString("status_message");
  private static final SerializedString N_TRACE_STATE = new SerializedString("trace_state");
  private static final SerializedString N_SPAN_ATTRIBUTES = new SerializedString("span_attributes");
  private static final SerializedString N_RESOURCE_ATTRIBUTES = new SerializedString("resource_attributes");
  private static final SerializedString N_EVENTS = new SerializedString("events");
  private static final SerializedString N_LINKS = new SerializedString("links");
  private static final SerializedString N_NAME = new SerializedString("name");
  private static final SerializedString N_ATTRIBUTES = new SerializedString("attributes");
  private static final SerializedString[] KIND_NAMES = new SerializedString[Span.SpanKind.values().length - 1];
  private static final SerializedString[] STATUS_NAMES = new SerializedString[3];
  private static final SerializedString UNSPECIFIED_KIND = new SerializedString("SPAN_KIND_UNSPECIFIED");
  private static final SerializedString EMPTY = new SerializedString("");
  private static final byte[] HEX_DIGITS = "0123456789abcdef".getBytes(StandardCharsets.US_ASCII);

  static {
    for (int i = 0; i < KIND_NAMES.length; i++) {
      KIND_NAMES[i] = new SerializedString(Span.SpanKind.forNumber(i).name());
    }
    for (int i = 0; i < STATUS_NAMES.length; i++) {
      STATUS_NAMES[i] = new SerializedString(TraceJson.statusName(i));
    }
  }

  private static final VarHandle LONG_BIG_ENDIAN = MethodHandles.byteArrayViewVarHandle(long[].class, ByteOrder.BIG_ENDIAN);
  /** Up to this many attributes, repeated keys are found by comparing names rather than hashing. */
  private static final int SHORT_LIST = 16;

  // wire types
  private static final int VARINT = 0;
  private static final int FIXED64 = 1;
  private static final int LENGTH_DELIMITED = 2;
  private static final int FIXED32 = 5;

  private WireTraceJson() {
  }

  /** A layout this reader leaves to protobuf. */
  private static final class Unusual extends RuntimeException {
    private static final long serialVersionUID = 1L;
    static final Unusual INSTANCE = new Unusual();

    private Unusual() {
      super(null, null, false, false);
    }
  }

  /** One resource spans' resource, as JSON once it is first needed. */
  private static final class ResourceEntry {
    final byte[] buf;
    final int off;
    final int len;
    TraceJson.ResourceJson json;

    ResourceEntry(byte[] buf, int off, int len) {
      this.buf = buf;
      this.off = off;
      this.len = len;
    }

    TraceJson.ResourceJson json() {
      if (json == null) {
        try {
          json = TraceJson.ResourceJson.of(len < 0 ? Resource.getDefaultInstance()
              : Resource.parser().parseFrom(buf, off, len));
        } catch (com.google.protobuf.InvalidProtocolBufferException e) {
          throw Unusual.INSTANCE;
        }
      }
      return json;
    }
  }

  /** One scope spans' scope name and version. */
  private record ScopeEntry(SerializedString name, SerializedString version) {
  }

  /** A counted span: where its bytes are, with what sorts it. */
  private record WireSpan(byte[] buf, int off, int end, long start, int idOff, ResourceEntry resource, ScopeEntry scope) {
  }

  /**
   * The answer, from the packs as stored, or, when one has a layout left to protobuf, from every
   * pack as protobuf encodes it anew.
   *
   * @throws IllegalStateException for a corrupt pack
   */
  static byte[] write(StoredTrace trace) {
    List<byte[]> packs = new ArrayList<>(trace.chunks().size());
    for (byte[] payload : trace.chunks()) {
      packs.add(SpanChunks.inflate(payload));
    }
    byte[] answer = write(trace, packs);
    if (answer != null) {
      return answer;
    }
    packs.clear();
    for (byte[] payload : trace.chunks()) {
      packs.add(SpanChunks.plainLayout(payload));
    }
    answer = write(trace, packs);
    if (answer == null) {
      // protobuf parsed every pack; what it wrote is still refused: a span id shorter than 8 bytes
      throw new IllegalStateException("corrupt span chunk (a span id shorter than 8 bytes)");
    }
    return answer;
  }

  /** The answer from the encoded {@code TracesData} of each pack, or {@code null} when one has a layout left to protobuf. */
  static byte[] write(StoredTrace trace, List<byte[]> packs) {
    try {
      List<WireSpan> spans = spans(trace, packs);
      spans.sort(WireTraceJson::compare);
      ByteArrayOutputStream out = new ByteArrayOutputStream(1024 + spans.size() * 1400);
      try (JsonGenerator g = JSON.createGenerator(ObjectWriteContext.empty(), out)) {
        g.writeStartObject();
        TraceJson.writeHead(g, trace);
        g.writeName("spans");
        g.writeStartArray();
        SpanWriter writer = new SpanWriter(g);
        for (WireSpan s : spans) {
          writer.span(s);
        }
        g.writeEndArray();
        g.writeEndObject();
      }
      return out.toByteArray();
    } catch (Unusual | ArrayIndexOutOfBoundsException e) {
      return null;
    }
  }

  /** Start time, then span id as unsigned bytes: the order of {@link TraceJson#write}. */
  private static int compare(WireSpan a, WireSpan b) {
    int c = Long.compare(a.start, b.start);
    return c != 0 ? c : Arrays.compareUnsigned(a.buf, a.idOff, a.idOff + 8, b.buf, b.idOff, b.idOff + 8);
  }

  /** Every counted span once, as {@link StoredSpans#of} finds them. */
  private static List<WireSpan> spans(StoredTrace trace, List<byte[]> packs) {
    byte[] traceId = HEX.parseHex(trace.summary().traceId());
    List<WireSpan> out = new ArrayList<>(trace.summary().spanCount());
    Set<Long> seen = new HashSet<>();
    for (int c = 0; c < packs.size(); c++) {
      byte[] b = packs.get(c);
      boolean whole = StoredSpans.countedWhole(trace, c);
      Reader r = new Reader(b, 0, b.length);
      while (r.more()) {
        int tag = r.tag();
        if (tag != (1 << 3 | LENGTH_DELIMITED)) {
          r.skip(tag);
          continue;
        }
        int len = r.length();
        resourceSpans(trace, traceId, b, r.pos, r.pos + len, whole, seen, out);
        r.pos += len;
      }
    }
    return out;
  }

  /** ResourceSpans: 1 resource, 2 scope_spans, 3 schema_url. */
  private static void resourceSpans(StoredTrace trace, byte[] traceId, byte[] b, int from, int to, boolean whole, Set<Long> seen,
                                    List<WireSpan> out) {
    // the resource may follow its scope spans on the wire: find it first
    ResourceEntry resource = null;
    Reader r = new Reader(b, from, to);
    while (r.more()) {
      int tag = r.tag();
      if (tag == (1 << 3 | LENGTH_DELIMITED)) {
        if (resource != null) {
          throw Unusual.INSTANCE; // protobuf would merge the two
        }
        int len = r.length();
        resource = new ResourceEntry(b, r.pos, len);
        r.pos += len;
      } else {
        r.skip(tag);
      }
    }
    if (resource == null) {
      resource = new ResourceEntry(b, 0, -1);
    }
    r = new Reader(b, from, to);
    while (r.more()) {
      int tag = r.tag();
      if (tag == (2 << 3 | LENGTH_DELIMITED)) {
        int len = r.length();
        scopeSpans(trace, traceId, b, r.pos, r.pos + len, whole, seen, resource, out);
        r.pos += len;
      } else {
        r.skip(tag);
      }
    }
  }

  /** ScopeSpans: 1 scope, 2 spans, 3 schema_url. */
  private static void scopeSpans(StoredTrace trace, byte[] traceId, byte[] b, int from, int to, boolean whole, Set<Long> seen,
                                 ResourceEntry resource, List<WireSpan> out) {
    ScopeEntry scope = null;
    Reader r = new Reader(b, from, to);
    while (r.more()) {
      int tag = r.tag();
      if (tag == (1 << 3 | LENGTH_DELIMITED)) {
        if (scope != null) {
          throw Unusual.INSTANCE;
        }
        int len = r.length();
        try {
          InstrumentationScope s = InstrumentationScope.parser().parseFrom(b, r.pos, len);
          scope = new ScopeEntry(new SerializedString(s.getName()), new SerializedString(s.getVersion()));
        } catch (com.google.protobuf.InvalidProtocolBufferException e) {
          throw Unusual.INSTANCE;
        }
        r.pos += len;
      } else {
        r.skip(tag);
      }
    }
    if (scope == null) {
      scope = new ScopeEntry(EMPTY, EMPTY);
    }
    r = new Reader(b, from, to);
    while (r.more()) {
      int tag = r.tag();
      if (tag != (2 << 3 | LENGTH_DELIMITED)) {
        r.skip(tag);
        continue;
      }
      int len = r.length();
      int spanFrom = r.pos;
      int spanTo = spanFrom + len;
      r.pos = spanTo;
      // trace_id (1), span_id (2), start_time_unix_nano (7); the last occurrence counts, as in protobuf
      int tid = -1;
      int tidLen = 0;
      int sid = -1;
      int sidLen = 0;
      long start = 0;
      Reader s = new Reader(b, spanFrom, spanTo);
      while (s.more()) {
        int t = s.tag();
        if (t == (1 << 3 | LENGTH_DELIMITED)) {
          tid = s.lengthAndSkip();
          tidLen = s.lastLength;
        } else if (t == (2 << 3 | LENGTH_DELIMITED)) {
          sid = s.lengthAndSkip();
          sidLen = s.lastLength;
        } else if (t == (7 << 3 | FIXED64)) {
          start = s.fixed64();
        } else {
          s.skip(t);
        }
      }
      if (tid < 0 || !Arrays.equals(b, tid, tid + tidLen, traceId, 0, traceId.length)) {
        continue;
      }
      if (sidLen < 8) {
        throw Unusual.INSTANCE; // protobuf's path reads the id's first 8 bytes and fails as it always has
      }
      long id = (long) LONG_BIG_ENDIAN.get(b, sid);
      if ((whole || trace.summary().containsSpan(id)) && seen.add(id)) {
        out.add(new WireSpan(b, spanFrom, spanTo, start, sid, resource, scope));
      }
    }
  }

  /** Writes spans as {@link TraceJson} does, from their bytes. */
  private static final class SpanWriter {
    private final JsonGenerator g;
    private final char[] chars = new char[JsonValues.TIMESTAMP_CHARS];
    private final byte[] ascii = new byte[64];
    private final KeyNames keyNames = new KeyNames();
    /** The names of a span's, event's or link's attributes so far (nested lists get their own). */
    private final SerializedString[] nameScratch = new SerializedString[SHORT_LIST];

    SpanWriter(JsonGenerator g) {
      this.g = g;
    }

    void span(WireSpan w) {
      byte[] b = w.buf;
      int traceId = -1;
      int traceIdLen = 0;
      int spanId = -1;
      int spanIdLen = 0;
      int traceState = -1;
      int traceStateLen = 0;
      int parent = -1;
      int parentLen = 0;
      int name = -1;
      int nameLen = 0;
      int kind = 0;
      long start = 0;
      long end = 0;
      int status = -1;
      int statusLen = 0;
      IntList attrs = new IntList();
      IntList events = null;
      IntList links = null;
      Reader r = new Reader(b, w.off, w.end);
      while (r.more()) {
        int tag = r.tag();
        switch (tag) {
          case 1 << 3 | LENGTH_DELIMITED -> {
            traceId = r.lengthAndSkip();
            traceIdLen = r.lastLength;
          }
          case 2 << 3 | LENGTH_DELIMITED -> {
            spanId = r.lengthAndSkip();
            spanIdLen = r.lastLength;
          }
          case 3 << 3 | LENGTH_DELIMITED -> {
            traceState = r.lengthAndSkip();
            traceStateLen = r.lastLength;
          }
          case 4 << 3 | LENGTH_DELIMITED -> {
            parent = r.lengthAndSkip();
            parentLen = r.lastLength;
          }
          case 5 << 3 | LENGTH_DELIMITED -> {
            name = r.lengthAndSkip();
            nameLen = r.lastLength;
          }
          case 6 << 3 | VARINT -> kind = (int) r.varint();
          case 7 << 3 | FIXED64 -> start = r.fixed64();
          case 8 << 3 | FIXED64 -> end = r.fixed64();
          case 9 << 3 | LENGTH_DELIMITED -> attrs.add(r.lengthAndSkip(), r.lastLength);
          case 11 << 3 | LENGTH_DELIMITED -> {
            if (events == null) {
              events = new IntList();
            }
            events.add(r.lengthAndSkip(), r.lastLength);
          }
          case 13 << 3 | LENGTH_DELIMITED -> {
            if (links == null) {
              links = new IntList();
            }
            links.add(r.lengthAndSkip(), r.lastLength);
          }
          case 15 << 3 | LENGTH_DELIMITED -> {
            if (status >= 0) {
              throw Unusual.INSTANCE; // protobuf would merge the two
            }
            status = r.lengthAndSkip();
            statusLen = r.lastLength;
          }
          default -> r.skip(tag);
        }
      }
      int statusCode = 0;
      int message = -1;
      int messageLen = 0;
      if (status >= 0) {
        Reader s = new Reader(b, status, status + statusLen);
        while (s.more()) {
          int tag = s.tag();
          if (tag == (2 << 3 | LENGTH_DELIMITED)) {
            message = s.lengthAndSkip();
            messageLen = s.lastLength;
          } else if (tag == (3 << 3 | VARINT)) {
            statusCode = (int) s.varint();
          } else {
            s.skip(tag);
          }
        }
      }
      TraceJson.ResourceJson resource = w.resource.json();
      g.writeStartObject();
      g.writeName(N_SPAN_ID);
      hex(b, spanId, spanIdLen);
      g.writeName(N_TRACE_ID);
      hex(b, traceId, traceIdLen);
      g.writeName(N_PARENT_SPAN_ID);
      // an all-zero parent id names no span: the span is a root, as the summary counts it
      hex(b, parent, OtlpIds.isAllZero(b, parent, parentLen) ? 0 : parentLen);
      g.writeName(N_TIMESTAMP);
      timestamp(start);
      g.writeName(N_TIMESTAMP_NANO);
      g.writeNumber(start);
      g.writeName(N_DURATION_NANO);
      g.writeNumber(Math.max(0, end - start));
      g.writeName(N_SERVICE_NAME);
      g.writeString(resource.serviceName());
      g.writeName(N_OPERATION);
      string(b, name, nameLen);
      g.writeName(N_SPAN_KIND);
      // a kind number this OTLP version does not know reads as unspecified
      g.writeString(kind >= 0 && kind < KIND_NAMES.length ? KIND_NAMES[kind] : UNSPECIFIED_KIND);
      g.writeName(N_SCOPE_NAME);
      g.writeString(w.scope.name());
      g.writeName(N_SCOPE_VERSION);
      g.writeString(w.scope.version());
      g.writeName(N_STATUS_CODE);
      g.writeString(statusCode >= 0 && statusCode < STATUS_NAMES.length ? STATUS_NAMES[statusCode] : STATUS_NAMES[0]);
      g.writeName(N_STATUS_MESSAGE);
      string(b, message, messageLen);
      g.writeName(N_TRACE_STATE);
      string(b, traceState, traceStateLen);
      g.writeName(N_SPAN_ATTRIBUTES);
      attributes(b, attrs, 0);
      g.writeName(N_RESOURCE_ATTRIBUTES);
      g.writeRawValue(resource.attributes());
      g.writeName(N_EVENTS);
      g.writeStartArray();
      for (int i = 0; events != null && i < events.size; i++) {
        event(b, events.at(i), events.at(i) + events.len(i));
      }
      g.writeEndArray();
      g.writeName(N_LINKS);
      g.writeStartArray();
      for (int i = 0; links != null && i < links.size; i++) {
        link(b, links.at(i), links.at(i) + links.len(i));
      }
      g.writeEndArray();
      g.writeEndObject();
    }

    /** Event: 1 time_unix_nano, 2 name, 3 attributes, 4 dropped_attributes_count. */
    private void event(byte[] b, int from, int to) {
      long time = 0;
      int name = -1;
      int nameLen = 0;
      IntList attrs = new IntList();
      Reader r = new Reader(b, from, to);
      while (r.more()) {
        int tag = r.tag();
        if (tag == (1 << 3 | FIXED64)) {
          time = r.fixed64();
        } else if (tag == (2 << 3 | LENGTH_DELIMITED)) {
          name = r.lengthAndSkip();
          nameLen = r.lastLength;
        } else if (tag == (3 << 3 | LENGTH_DELIMITED)) {
          attrs.add(r.lengthAndSkip(), r.lastLength);
        } else {
          r.skip(tag);
        }
      }
      g.writeStartObject();
      g.writeName(N_TIMESTAMP);
      timestamp(time);
      g.writeName(N_TIMESTAMP_NANO);
      g.writeNumber(time);
      g.writeName(N_NAME);
      string(b, name, nameLen);
      g.writeName(N_ATTRIBUTES);
      attributes(b, attrs, 0);
      g.writeEndObject();
    }

    /** Link: 1 trace_id, 2 span_id, 3 trace_state, 4 attributes, 5 dropped_attributes_count, 6 flags. */
    private void link(byte[] b, int from, int to) {
      int traceId = -1;
      int traceIdLen = 0;
      int spanId = -1;
      int spanIdLen = 0;
      int state = -1;
      int stateLen = 0;
      IntList attrs = new IntList();
      Reader r = new Reader(b, from, to);
      while (r.more()) {
        int tag = r.tag();
        if (tag == (1 << 3 | LENGTH_DELIMITED)) {
          traceId = r.lengthAndSkip();
          traceIdLen = r.lastLength;
        } else if (tag == (2 << 3 | LENGTH_DELIMITED)) {
          spanId = r.lengthAndSkip();
          spanIdLen = r.lastLength;
        } else if (tag == (3 << 3 | LENGTH_DELIMITED)) {
          state = r.lengthAndSkip();
          stateLen = r.lastLength;
        } else if (tag == (4 << 3 | LENGTH_DELIMITED)) {
          attrs.add(r.lengthAndSkip(), r.lastLength);
        } else {
          r.skip(tag);
        }
      }
      g.writeStartObject();
      g.writeName(N_TRACE_ID);
      hex(b, traceId, traceIdLen);
      g.writeName(N_SPAN_ID);
      hex(b, spanId, spanIdLen);
      g.writeName(N_TRACE_STATE);
      string(b, state, stateLen);
      g.writeName(N_ATTRIBUTES);
      attributes(b, attrs, 0);
      g.writeEndObject();
    }

    /**
     * KeyValues (1 key, 2 value) as a JSON object; a key repeated in one list keeps its first
     * value, as {@link JsonValues#writeAttributes} does.
     */
    private void attributes(byte[] b, IntList list, int depth) {
      g.writeStartObject();
      int n = list.size;
      // equal keys are one cached name: a short list is checked by comparing with the names before,
      // a long one by an identity set
      SerializedString[] written = n > SHORT_LIST ? null : depth == 0 ? nameScratch : new SerializedString[n];
      Set<SerializedString> seen = n > SHORT_LIST ? Collections.newSetFromMap(new IdentityHashMap<>()) : null;
      for (int i = 0; i < n; i++) {
        int key = -1;
        int keyLen = 0;
        int value = -1;
        int valueLen = 0;
        Reader r = new Reader(b, list.at(i), list.at(i) + list.len(i));
        while (r.more()) {
          int tag = r.tag();
          if (tag == (1 << 3 | LENGTH_DELIMITED)) {
            key = r.lengthAndSkip();
            keyLen = r.lastLength;
          } else if (tag == (2 << 3 | LENGTH_DELIMITED)) {
            if (value >= 0) {
              throw Unusual.INSTANCE; // protobuf would merge the two
            }
            value = r.lengthAndSkip();
            valueLen = r.lastLength;
          } else {
            r.skip(tag);
          }
        }
        SerializedString name = keyLen == 0 ? EMPTY : keyNames.get(b, key, keyLen);
        if (seen != null) {
          if (!seen.add(name)) {
            continue;
          }
        } else {
          written[i] = name;
          if (repeated(written, i)) {
            continue;
          }
        }
        g.writeName(name);
        value(b, value, valueLen, depth);
      }
      g.writeEndObject();
    }

    /** Whether the {@code i}-th name is one before it (equal keys share one cached name). */
    private static boolean repeated(SerializedString[] names, int i) {
      SerializedString name = names[i];
      for (int j = 0; j < i; j++) {
        if (names[j] == name) {
          return true;
        }
      }
      return false;
    }

    /**
     * AnyValue: 1 string, 2 bool, 3 int, 4 double, 5 array, 6 kvlist, 7 bytes; one of them, the
     * last given, as protobuf's oneof keeps it.
     */
    private void value(byte[] b, int from, int len, int depth) {
      if (depth > MAX_VALUE_DEPTH) {
        throw Unusual.INSTANCE;
      }
      int kindTag = 0;
      long scalar = 0;
      int at = -1;
      int atLen = 0;
      boolean message = false;
      if (from >= 0) {
        Reader r = new Reader(b, from, from + len);
        while (r.more()) {
          int tag = r.tag();
          switch (tag) {
            case 1 << 3 | LENGTH_DELIMITED, 7 << 3 | LENGTH_DELIMITED -> {
              kindTag = tag;
              at = r.lengthAndSkip();
              atLen = r.lastLength;
            }
            case 5 << 3 | LENGTH_DELIMITED, 6 << 3 | LENGTH_DELIMITED -> {
              if (message) {
                throw Unusual.INSTANCE; // a second array or list: protobuf may merge it with the first
              }
              message = true;
              kindTag = tag;
              at = r.lengthAndSkip();
              atLen = r.lastLength;
            }
            case 2 << 3 | VARINT, 3 << 3 | VARINT -> {
              kindTag = tag;
              scalar = r.varint();
            }
            case 4 << 3 | FIXED64 -> {
              kindTag = tag;
              scalar = r.fixed64();
            }
            default -> r.skip(tag);
          }
        }
      }
      switch (kindTag) {
        case 1 << 3 | LENGTH_DELIMITED -> string(b, at, atLen);
        case 2 << 3 | VARINT -> g.writeBoolean(scalar != 0);
        case 3 << 3 | VARINT -> {
          if (scalar > JsonValues.MAX_SAFE_INTEGER || scalar < -JsonValues.MAX_SAFE_INTEGER) {
            g.writeString(Long.toString(scalar));
          } else {
            g.writeNumber(scalar);
          }
        }
        case 4 << 3 | FIXED64 -> {
          double d = Double.longBitsToDouble(scalar);
          if (Double.isNaN(d) || Double.isInfinite(d)) {
            g.writeString(Double.toString(d));
          } else {
            g.writeNumber(d);
          }
        }
        case 5 << 3 | LENGTH_DELIMITED -> {
          g.writeStartArray();
          Reader r = new Reader(b, at, at + atLen);
          while (r.more()) {
            int tag = r.tag();
            if (tag == (1 << 3 | LENGTH_DELIMITED)) {
              int l = r.length();
              value(b, r.pos, l, depth + 1);
              r.pos += l;
            } else {
              r.skip(tag);
            }
          }
          g.writeEndArray();
        }
        case 6 << 3 | LENGTH_DELIMITED -> {
          IntList values = new IntList();
          Reader r = new Reader(b, at, at + atLen);
          while (r.more()) {
            int tag = r.tag();
            if (tag == (1 << 3 | LENGTH_DELIMITED)) {
              values.add(r.lengthAndSkip(), r.lastLength);
            } else {
              r.skip(tag);
            }
          }
          attributes(b, values, depth + 1);
        }
        case 7 << 3 | LENGTH_DELIMITED -> g.writeString(Base64.getEncoder().encodeToString(Arrays.copyOfRange(b, at, at + atLen)));
        default -> g.writeNull();
      }
    }

    /** A string field as JSON: its UTF-8 bytes as stored (absent: the empty string). */
    private void string(byte[] b, int off, int len) {
      if (off < 0 || len == 0) {
        g.writeString(EMPTY);
        return;
      }
      checkUtf8(b, off, len);
      g.writeUTF8String(b, off, len);
    }

    /** Bytes as lowercase hex (absent: the empty string); ASCII, so written as it is. */
    private void hex(byte[] b, int off, int len) {
      if (off < 0 || len == 0) {
        g.writeString(EMPTY);
        return;
      }
      byte[] c = len * 2 <= ascii.length ? ascii : new byte[len * 2];
      for (int i = 0; i < len; i++) {
        int v = b[off + i] & 0xff;
        c[2 * i] = HEX_DIGITS[v >>> 4];
        c[2 * i + 1] = HEX_DIGITS[v & 0xf];
      }
      g.writeRawUTF8String(c, 0, 2 * len);
    }

    /** {@link JsonValues#timestamp(long)}; ASCII, so written as it is. */
    private void timestamp(long unixNano) {
      int n = JsonValues.timestamp(unixNano, chars);
      for (int i = 0; i < n; i++) {
        ascii[i] = (byte) chars[i];
      }
      g.writeRawUTF8String(ascii, 0, n);
    }
  }

  /**
   * Protobuf refuses a string field that is not valid UTF-8; such bytes are left to it rather
   * than written into the answer. The check is protobuf's own, on the bytes in place.
   */
  private static void checkUtf8(byte[] b, int off, int len) {
    if (!UnsafeByteOperations.unsafeWrap(b, off, len).isValidUtf8()) {
      throw Unusual.INSTANCE;
    }
  }

  /**
   * Attribute keys as JSON names, each distinct key encoded once per answer: a trace's spans
   * repeat a few dozen keys thousands of times. Equal keys get the same instance.
   */
  private static final class KeyNames {
    private byte[][] keys = new byte[64][];
    private SerializedString[] names = new SerializedString[64];
    private int size;

    SerializedString get(byte[] b, int off, int len) {
      int h = 0x811c9dc5;
      for (int i = off; i < off + len; i++) {
        h = (h ^ b[i]) * 0x01000193;
      }
      int mask = keys.length - 1;
      for (int slot = h & mask; ; slot = (slot + 1) & mask) {
        byte[] k = keys[slot];
        if (k == null) {
          checkUtf8(b, off, len);
          SerializedString name = new SerializedString(new String(b, off, len, StandardCharsets.UTF_8));
          keys[slot] = Arrays.copyOfRange(b, off, off + len);
          names[slot] = name;
          if (++size * 2 > keys.length) {
            grow();
          }
          return name;
        }
        if (k.length == len && Arrays.equals(k, 0, len, b, off, off + len)) {
          return names[slot];
        }
      }
    }

    private void grow() {
      byte[][] oldKeys = keys;
      SerializedString[] oldNames = names;
      keys = new byte[oldKeys.length * 2][];
      names = new SerializedString[oldKeys.length * 2];
      int mask = keys.length - 1;
      for (int i = 0; i < oldKeys.length; i++) {
        byte[] k = oldKeys[i];
        if (k == null) {
          continue;
        }
        int h = 0x811c9dc5;
        for (byte x : k) {
          h = (h ^ x) * 0x01000193;
        }
        int slot = h & mask;
        while (keys[slot] != null) {
          slot = (slot + 1) & mask;
        }
        keys[slot] = k;
        names[slot] = oldNames[i];
      }
    }
  }

  /** Offsets and lengths of repeated fields. */
  private static final class IntList {
    int[] v = new int[16];
    int size;

    void add(int at, int len) {
      if (2 * size + 2 > v.length) {
        v = Arrays.copyOf(v, v.length * 2);
      }
      v[2 * size] = at;
      v[2 * size + 1] = len;
      size++;
    }

    int at(int i) {
      return v[2 * i];
    }

    int len(int i) {
      return v[2 * i + 1];
    }
  }

  /** Reads protobuf's wire format from a byte range. */
  private static final class Reader {
    final byte[] b;
    int pos;
    final int limit;
    int lastLength;

    Reader(byte[] b, int from, int to) {
      this.b = b;
      this.pos = from;
      this.limit = to;
    }

    boolean more() {
      return pos < limit;
    }

    int tag() {
      long t = varint();
      if (t <= 0 || t > Integer.MAX_VALUE) {
        throw Unusual.INSTANCE;
      }
      return (int) t;
    }

    long varint() {
      long v = 0;
      for (int shift = 0; shift < 64; shift += 7) {
        if (pos >= limit) {
          throw Unusual.INSTANCE;
        }
        byte x = b[pos++];
        v |= (long) (x & 0x7f) << shift;
        if (x >= 0) {
          return v;
        }
      }
      throw Unusual.INSTANCE;
    }

    long fixed64() {
      if (pos + 8 > limit) {
        throw Unusual.INSTANCE;
      }
      long v = 0;
      for (int i = 7; i >= 0; i--) {
        v = v << 8 | (b[pos + i] & 0xff);
      }
      pos += 8;
      return v;
    }

    /** A length prefix, checked to fit. */
    int length() {
      long n = varint();
      if (n < 0 || n > limit - pos) {
        throw Unusual.INSTANCE;
      }
      return (int) n;
    }

    /** Reads a length prefix, skips the bytes it covers and answers where they begin ({@link #lastLength}: how many). */
    int lengthAndSkip() {
      int n = length();
      int at = pos;
      pos += n;
      lastLength = n;
      return at;
    }

    void skip(int tag) {
      switch (tag & 7) {
        case VARINT -> varint();
        case FIXED64 -> {
          if (pos + 8 > limit) {
            throw Unusual.INSTANCE;
          }
          pos += 8;
        }
        case LENGTH_DELIMITED -> {
          int n = length(); // read before pos is: the prefix moves it
          pos += n;
        }
        case FIXED32 -> {
          if (pos + 4 > limit) {
            throw Unusual.INSTANCE;
          }
          pos += 4;
        }
        default -> throw Unusual.INSTANCE; // groups: not in OTLP
      }
    }
  }
}
