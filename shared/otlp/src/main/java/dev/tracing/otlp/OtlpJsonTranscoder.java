package dev.tracing.otlp;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/**
 * Turns an OTLP/JSON export request into its protobuf encoding in one pass over the bytes, without
 * building messages: ingest then handles a JSON request as it handles a protobuf one (parsed once,
 * stored in the bytes written here), instead of building protobuf messages from a JSON parser's
 * tokens and encoding them again.
 *
 * <p>It reads the form OpenTelemetry's exporters write: lowerCamelCase field names, ids in hex,
 * enums and 64-bit integers as numbers or decimal strings, strings with any JSON escape; fields it
 * does not know and {@code null} members are skipped, as receivers must. Anything else that a
 * lenient reader accepts or a strict one refuses (snake_case names, fields only the reader reads,
 * enum names, {@code NaN}, base64 bytes, a field given twice, a malformed document) makes {@link
 * #toProtobuf} answer {@code null}, and the caller reads the body with {@link OtlpJsonReader},
 * which decides what it means or says what is wrong with it. So for every body it transcodes,
 * {@code ExportTraceServiceRequest.parseFrom(toProtobuf(json))} equals {@code
 * OtlpJsonReader.parseRequest(json)}, in that message's own encoded length (defaults left out, as
 * protobuf writes them; fields in the JSON's order).
 */
public final class OtlpJsonTranscoder {
  private static final int VARINT = 0;
  private static final int FIXED64 = 1;
  private static final int LENGTH_DELIMITED = 2;
  private static final int FIXED32 = 5;

  private static final byte[] RESOURCE_SPANS = ascii("resourceSpans");
  private static final byte[] RESOURCE = ascii("resource");
  private static final byte[] SCOPE_SPANS = ascii("scopeSpans");
  private static final byte[] SCHEMA_URL = ascii("schemaUrl");
  private static final byte[] ATTRIBUTES = ascii("attributes");
  private static final byte[] DROPPED_ATTRIBUTES_COUNT = ascii("droppedAttributesCount");
  private static final byte[] SCOPE = ascii("scope");
  private static final byte[] SPANS = ascii("spans");
  private static final byte[] NAME = ascii("name");
  private static final byte[] VERSION = ascii("version");
  private static final byte[] TRACE_ID = ascii("traceId");
  private static final byte[] SPAN_ID = ascii("spanId");
  private static final byte[] TRACE_STATE = ascii("traceState");
  private static final byte[] PARENT_SPAN_ID = ascii("parentSpanId");
  private static final byte[] FLAGS = ascii("flags");
  private static final byte[] KIND = ascii("kind");
  private static final byte[] START_TIME = ascii("startTimeUnixNano");
  private static final byte[] END_TIME = ascii("endTimeUnixNano");
  private static final byte[] EVENTS = ascii("events");
  private static final byte[] DROPPED_EVENTS_COUNT = ascii("droppedEventsCount");
  private static final byte[] LINKS = ascii("links");
  private static final byte[] DROPPED_LINKS_COUNT = ascii("droppedLinksCount");
  private static final byte[] STATUS = ascii("status");
  private static final byte[] TIME = ascii("timeUnixNano");
  private static final byte[] MESSAGE = ascii("message");
  private static final byte[] CODE = ascii("code");
  private static final byte[] KEY = ascii("key");
  private static final byte[] VALUE = ascii("value");
  private static final byte[] STRING_VALUE = ascii("stringValue");
  private static final byte[] BOOL_VALUE = ascii("boolValue");
  private static final byte[] INT_VALUE = ascii("intValue");
  private static final byte[] DOUBLE_VALUE = ascii("doubleValue");
  private static final byte[] ARRAY_VALUE = ascii("arrayValue");
  private static final byte[] KVLIST_VALUE = ascii("kvlistValue");
  private static final byte[] VALUES = ascii("values");
  private static final byte[] KEY_OPEN = ascii("{\"key\":\"");
  private static final byte[] STRING_VALUE_OPEN = ascii("\",\"value\":{\"stringValue\":\"");
  private static final byte[] INT_VALUE_OPEN = ascii("\",\"value\":{\"intValue\":");
  private static final byte[] CLOSE_TWO = ascii("\"}}");
  private static final byte[] CLOSE_BRACES = ascii("}}");

  /** Fields the reader reads and this class does not (it hands their bodies to the reader). */
  private static final byte[][] READER_ONLY = {ascii("entityRefs"), ascii("keyStrindex"), ascii("bytesValue"),
      ascii("stringValueStrindex")};

  /** Bounds beyond which the reader's own rules (and its parser's limits) decide. */
  private static final int MAX_NAME_BYTES = 256;
  private static final int MAX_NUMBER_CHARS = 64;
  private static final int MAX_SKIPPED_DEPTH = 64;

  /** Eight bytes at a time, the first in the lowest bits (as {@link #eightDigits} needs). */
  private static final VarHandle LONGS = MethodHandles.byteArrayViewVarHandle(long[].class, ByteOrder.LITTLE_ENDIAN);
  private static final long LOW_BITS = 0x0101_0101_0101_0101L;
  private static final long HIGH_BITS = 0x8080_8080_8080_8080L;
  private static final long QUOTES = LOW_BITS * '"';
  private static final long BACKSLASHES = LOW_BITS * '\\';
  /** Bytes below 0x20 set their high bit in {@code x - CONTROL_BOUND & ~x}. */
  private static final long CONTROL_BOUND = LOW_BITS * 0x20;

  /** The value of each hex digit by its byte; -1 for every other byte. */
  private static final byte[] HEX_DIGITS = new byte[256];

  static {
    Arrays.fill(HEX_DIGITS, (byte) -1);
    for (int d = 0; d < 16; d++) {
      HEX_DIGITS["0123456789abcdef".charAt(d)] = (byte) d;
      HEX_DIGITS["0123456789ABCDEF".charAt(d)] = (byte) d;
    }
  }

  /** Room kept free beyond what {@link #ensure} was asked for. */
  private static final int SLACK = 256;

  private static final int TRACE_ID_BYTES = 16;
  private static final int SPAN_ID_BYTES = 8;
  private static final long UINT32_MAX = 0xFFFF_FFFFL;

  /** Thrown inside to give the body to {@link OtlpJsonReader}; never leaves this class. */
  private static final class NotTranscoded extends RuntimeException {
    private static final NotTranscoded INSTANCE = new NotTranscoded();

    private NotTranscoded() {
      super(null, null, false, false);
    }
  }

  private final byte[] in;
  private int pos;
  private byte[] out;
  private int len;
  /** Where the name {@link #name} read last ends in the input. */
  private int nameEnd;

  private OtlpJsonTranscoder(byte[] json) {
    this.in = json;
    // exporters' JSON is about twice its protobuf encoding; a body of long strings grows the output
    this.out = new byte[json.length / 8 * 5 + 2 * SLACK];
  }

  /**
   * The protobuf encoding of the {@code ExportTraceServiceRequest} that {@code json} holds, or
   * {@code null} when the body is not in the form read here (see the class comment): read it with
   * {@link OtlpJsonReader#parseRequest} then.
   */
  public static byte[] toProtobuf(byte[] json) {
    OtlpJsonTranscoder t = new OtlpJsonTranscoder(json);
    try {
      t.request();
      return Arrays.copyOf(t.out, t.len);
    } catch (NotTranscoded | ArrayIndexOutOfBoundsException e) {
      // out of bounds: the document ended early, which the reader reports with its position
      return null;
    }
  }

  private static NotTranscoded no() {
    return NotTranscoded.INSTANCE;
  }

  // ---- messages, in the order of opentelemetry-proto's trace service ----

  /** Reads one member's value and writes it as its field. */
  private interface Read {
    void value(OtlpJsonTranscoder t);
  }

  /** A message field, by the name of the JSON member that holds it. */
  private record Field(byte[] name, Read read) {
  }

  /** A field holding one message, whose length takes about {@code reserve} bytes. */
  private static Read nested(int field, int reserve, Read content) {
    return t -> {
      int m = t.begin(field, reserve);
      content.value(t);
      t.end(m);
    };
  }

  /** A repeated message field, given as an array of objects. */
  private static Read repeated(int field, int reserve, Read content) {
    Read one = nested(field, reserve, content);
    return t -> t.array(() -> one.value(t));
  }

  /** Status: 2 message, 3 code. */
  private static final Field[] STATUS_FIELDS = {
      new Field(MESSAGE, t -> t.stringField(2)),
      new Field(CODE, t -> t.enumField(3))};
  /** Span.Event: 1 time_unix_nano (fixed64), 2 name, 3 attributes, 4 dropped_attributes_count. */
  private static final Field[] EVENT_FIELDS = {
      new Field(TIME, t -> t.fixed64Field(1)),
      new Field(NAME, t -> t.stringField(2)),
      new Field(ATTRIBUTES, t -> t.attributes(3)),
      new Field(DROPPED_ATTRIBUTES_COUNT, t -> t.uint32Field(4))};
  /**
   * Span.Link: 1 trace_id, 2 span_id, 3 trace_state, 4 attributes, 5 dropped_attributes_count, 6
   * flags (fixed32).
   */
  private static final Field[] LINK_FIELDS = {
      new Field(TRACE_ID, t -> t.idField(1, TRACE_ID_BYTES)),
      new Field(SPAN_ID, t -> t.idField(2, SPAN_ID_BYTES)),
      new Field(TRACE_STATE, t -> t.stringField(3)),
      new Field(ATTRIBUTES, t -> t.attributes(4)),
      new Field(DROPPED_ATTRIBUTES_COUNT, t -> t.uint32Field(5)),
      new Field(FLAGS, t -> t.fixed32Field(6))};
  /** InstrumentationScope: 1 name, 2 version, 3 attributes, 4 dropped_attributes_count. */
  private static final Field[] SCOPE_FIELDS = {
      new Field(NAME, t -> t.stringField(1)),
      new Field(VERSION, t -> t.stringField(2)),
      new Field(ATTRIBUTES, t -> t.attributes(3)),
      new Field(DROPPED_ATTRIBUTES_COUNT, t -> t.uint32Field(4))};
  /** ScopeSpans: 1 scope, 2 spans ({@link #span}), 3 schema_url. */
  private static final Field[] SCOPE_SPANS_FIELDS = {
      new Field(SCOPE, nested(1, 1, t -> t.message(SCOPE_FIELDS))),
      new Field(SPANS, repeated(2, 2, OtlpJsonTranscoder::span)),
      new Field(SCHEMA_URL, t -> t.stringField(3))};
  /** Resource: 1 attributes, 2 dropped_attributes_count. */
  private static final Field[] RESOURCE_FIELDS = {
      new Field(ATTRIBUTES, t -> t.attributes(1)),
      new Field(DROPPED_ATTRIBUTES_COUNT, t -> t.uint32Field(2))};
  /** ResourceSpans: 1 resource, 2 scope_spans, 3 schema_url. */
  private static final Field[] RESOURCE_SPANS_FIELDS = {
      new Field(RESOURCE, nested(1, 2, t -> t.message(RESOURCE_FIELDS))),
      new Field(SCOPE_SPANS, repeated(2, 3, t -> t.message(SCOPE_SPANS_FIELDS))),
      new Field(SCHEMA_URL, t -> t.stringField(3))};
  /** ExportTraceServiceRequest: 1 resource_spans. */
  private static final Field[] REQUEST_FIELDS = {
      new Field(RESOURCE_SPANS, repeated(1, 3, t -> t.message(RESOURCE_SPANS_FIELDS)))};

  private void request() {
    skipWhitespace();
    message(REQUEST_FIELDS);
    while (pos < in.length && (in[pos] == ' ' || in[pos] == '\n' || in[pos] == '\r' || in[pos] == '\t')) {
      pos++;
    }
    if (pos != in.length) {
      throw no(); // content after the object
    }
  }

  /**
   * A message as a JSON object: each member naming one of {@code fields} is read by that field,
   * at most once ({@link #once} leaves a second one to the reader); other members are skipped as
   * unknown, and a {@code null} value is a field not set. Span, KeyValue and AnyValue, read for
   * every span and attribute, have loops of their own.
   */
  private void message(Field[] fields) {
    expect('{');
    if (endOf('}')) {
      return;
    }
    int seen = 0;
    do {
      int n = name();
      if (n < 0) {
        continue; // null: not set
      }
      int f = 0;
      while (f < fields.length && !is(n, fields[f].name())) {
        f++;
      }
      if (f == fields.length) {
        unknown(n);
      } else {
        seen = once(seen, 1 << f);
        fields[f].read().value(this);
      }
    } while (more('}'));
  }

  /**
   * Span: 1 trace_id, 2 span_id, 3 trace_state, 4 parent_span_id, 16 flags (fixed32), 5 name, 6
   * kind, 7 start_time_unix_nano (fixed64), 8 end_time_unix_nano (fixed64), 9 attributes, 10
   * dropped_attributes_count, 11 events, 12 dropped_events_count, 13 links, 14
   * dropped_links_count, 15 status.
   */
  private void span() {
    expect('{');
    int seen = 0;
    if (endOf('}')) {
      return;
    }
    do {
      int n = name();
      if (n < 0) {
        continue; // null: not set
      }
      int f = spanField(n);
      seen = f == 0 ? seen : once(seen, 1 << f);
      switch (f) {
        case 1 -> idField(1, TRACE_ID_BYTES);
        case 2 -> idField(2, SPAN_ID_BYTES);
        case 3 -> stringField(3);
        case 4 -> idField(4, SPAN_ID_BYTES);
        case 5 -> stringField(5);
        case 6 -> enumField(6);
        case 7 -> fixed64Field(7);
        case 8 -> fixed64Field(8);
        case 9 -> attributes(9);
        case 10 -> uint32Field(10);
        case 11 -> EVENTS_FIELD.value(this);
        case 12 -> uint32Field(12);
        case 13 -> LINKS_FIELD.value(this);
        case 14 -> uint32Field(14);
        case 15 -> STATUS_FIELD.value(this);
        case 16 -> fixed32Field(16);
        default -> unknown(n);
      }
    } while (more('}'));
  }

  /** The field number of the Span field the name at {@code n} names, found by its length first; 0 for none. */
  private int spanField(int n) {
    return switch (nameEnd - n) {
      case 4 -> is(n, NAME) ? 5 : is(n, KIND) ? 6 : 0;
      case 5 -> is(n, FLAGS) ? 16 : is(n, LINKS) ? 13 : 0;
      case 6 -> is(n, SPAN_ID) ? 2 : is(n, STATUS) ? 15 : is(n, EVENTS) ? 11 : 0;
      case 7 -> is(n, TRACE_ID) ? 1 : 0;
      case 10 -> is(n, ATTRIBUTES) ? 9 : is(n, TRACE_STATE) ? 3 : 0;
      case 12 -> is(n, PARENT_SPAN_ID) ? 4 : 0;
      case 15 -> is(n, END_TIME) ? 8 : 0;
      case 17 -> is(n, START_TIME) ? 7 : is(n, DROPPED_LINKS_COUNT) ? 14 : 0;
      case 18 -> is(n, DROPPED_EVENTS_COUNT) ? 12 : 0;
      case 22 -> is(n, DROPPED_ATTRIBUTES_COUNT) ? 10 : 0;
      default -> 0;
    };
  }

  /** Span fields 11 events, 13 links and 15 status. */
  private static final Read EVENTS_FIELD = repeated(11, 1, t -> t.message(EVENT_FIELDS));
  private static final Read LINKS_FIELD = repeated(13, 1, t -> t.message(LINK_FIELDS));
  private static final Read STATUS_FIELD = nested(15, 1, t -> t.message(STATUS_FIELDS));

  /** A repeated KeyValue field. */
  private void attributes(int field) {
    array(() -> {
      if (!plainAttribute(field)) {
        keyValue(field, 0);
      }
    });
  }

  /**
   * The commonest attributes, as exporters spell them: {@code {"key":"k","value":{"stringValue":"v"}}}
   * with plain ASCII strings, and {@code {"key":"k","value":{"intValue":"12"}}}, written straight
   * through; {@code false} (nothing read) for any other.
   */
  private boolean plainAttribute(int field) {
    int keyStart = pos + KEY_OPEN.length;
    if (!at(pos, KEY_OPEN)) {
      return false;
    }
    int keyEnd = plainEnd(keyStart);
    if (keyEnd < 0) {
      return false;
    }
    int k = keyEnd - keyStart;
    int keyBytes = k == 0 ? 0 : 1 + varintSize(k) + k; // proto3 leaves an empty key out
    if (at(keyEnd, STRING_VALUE_OPEN)) {
      int valueStart = keyEnd + STRING_VALUE_OPEN.length;
      int valueEnd = plainEnd(valueStart);
      if (valueEnd < 0 || !at(valueEnd, CLOSE_TWO)) {
        return false;
      }
      int v = valueEnd - valueStart;
      int anyValue = 1 + varintSize(v) + v;
      ensure(keyBytes + anyValue);
      keyAndValue(field, keyStart, k, keyBytes, anyValue);
      out[len++] = 1 << 3 | LENGTH_DELIMITED;
      varint(v);
      System.arraycopy(in, valueStart, out, len, v);
      len += v;
      pos = valueEnd + CLOSE_TWO.length;
      return true;
    }
    if (at(keyEnd, INT_VALUE_OPEN)) {
      int start = pos;
      pos = keyEnd + INT_VALUE_OPEN.length;
      long v = integer(Long.MIN_VALUE, Long.MAX_VALUE);
      if (!at(pos, CLOSE_BRACES)) {
        pos = start; // more to the value than its number: read it field by field
        return false;
      }
      pos += CLOSE_BRACES.length;
      int anyValue = 1 + varintSize(v);
      ensure(keyBytes + anyValue);
      keyAndValue(field, keyStart, k, keyBytes, anyValue);
      out[len++] = 3 << 3 | VARINT;
      varint(v);
      return true;
    }
    return false;
  }

  /** A KeyValue's tag and length, its key and the tag and length of its value. */
  private void keyAndValue(int field, int keyStart, int k, int keyBytes, int anyValue) {
    tag(field, LENGTH_DELIMITED);
    varint(keyBytes + 1 + varintSize(anyValue) + anyValue);
    if (k > 0) {
      out[len++] = 1 << 3 | LENGTH_DELIMITED;
      varint(k);
      System.arraycopy(in, keyStart, out, len, k);
      len += k;
    }
    out[len++] = 2 << 3 | LENGTH_DELIMITED;
    varint(anyValue);
  }

  /** Whether the input holds {@code literal} at {@code p}. */
  private boolean at(int p, byte[] literal) {
    if (p + literal.length > in.length) {
      return false;
    }
    int i = 0;
    for (; i + Long.BYTES <= literal.length; i += Long.BYTES) {
      if ((long) LONGS.get(in, p + i) != (long) LONGS.get(literal, i)) {
        return false;
      }
    }
    for (; i < literal.length; i++) {
      if (in[p + i] != literal[i]) {
        return false;
      }
    }
    return true;
  }

  /** Where the plain string (no escape, control character or non-ASCII byte) from {@code from} ends: its quote; else -1. */
  private int plainEnd(int from) {
    int p = firstSpecial(from);
    return in[p] == '"' ? p : -1;
  }

  /** KeyValue: 1 key, 2 value. */
  private void keyValue(int field, int depth) {
    int m = begin(field, 1);
    expect('{');
    int seen = 0;
    if (!endOf('}')) {
      do {
        int n = name();
        if (n < 0) {
          continue; // null: not set
        }
        if (is(n, KEY)) {
          seen = once(seen, 1);
          stringField(1);
        } else if (is(n, VALUE)) {
          seen = once(seen, 2);
          int v = begin(2, 1);
          anyValue(depth);
          end(v);
        } else {
          unknown(n);
        }
      } while (more('}'));
    }
    end(m);
  }

  /**
   * AnyValue, a oneof: 1 string_value, 2 bool_value, 3 int_value, 4 double_value, 5 array_value, 6
   * kvlist_value. A value of the oneof is written even when it is its type's default, as protobuf
   * does for a set oneof field; an object naming two of them is left to the reader.
   */
  private void anyValue(int depth) {
    expect('{');
    if (endOf('}')) {
      return;
    }
    boolean set = false;
    do {
      int n = name();
      if (n < 0) {
        continue; // null: not set
      }
      if (is(n, STRING_VALUE)) {
        set = once(set);
        tag(1, LENGTH_DELIMITED);
        string();
      } else if (is(n, BOOL_VALUE)) {
        set = once(set);
        tag(2, VARINT);
        if (literal("true")) {
          put((byte) 1);
        } else if (literal("false")) {
          put((byte) 0);
        } else {
          throw no();
        }
      } else if (is(n, INT_VALUE)) {
        set = once(set);
        tag(3, VARINT);
        varint(integer(Long.MIN_VALUE, Long.MAX_VALUE));
      } else if (is(n, DOUBLE_VALUE)) {
        set = once(set);
        tag(4, FIXED64);
        fixed64(Double.doubleToRawLongBits(Double.parseDouble(numberText())));
      } else if (is(n, ARRAY_VALUE)) {
        set = once(set);
        // the reader refuses deeper nesting (OtlpJsonReader.MAX_ANY_VALUE_DEPTH), and says why
        if (depth + 1 > OtlpJsonReader.MAX_ANY_VALUE_DEPTH) {
          throw no();
        }
        int m = begin(5, 1);
        valuesOf(() -> {
          int e = begin(1, 1);
          anyValue(depth + 1);
          end(e);
        });
        end(m);
      } else if (is(n, KVLIST_VALUE)) {
        set = once(set);
        if (depth + 1 > OtlpJsonReader.MAX_ANY_VALUE_DEPTH) {
          throw no();
        }
        int m = begin(6, 1);
        valuesOf(() -> keyValue(1, depth + 1));
        end(m);
      } else {
        unknown(n);
      }
    } while (more('}'));
  }

  /** A second value of the oneof is left to the reader. */
  private static boolean once(boolean set) {
    if (set) {
      throw no();
    }
    return true;
  }

  /** An ArrayValue or KeyValueList object: {@code {"values": [...]}}. */
  private void valuesOf(Runnable element) {
    message(new Field[] {new Field(VALUES, t -> t.array(element))});
  }

  // ---- fields ----

  private void stringField(int field) {
    int before = len;
    tag(field, LENGTH_DELIMITED);
    if (string() == 0) {
      len = before; // proto3 leaves an empty string out
    }
  }

  private void uint32Field(int field) {
    long v = integer(0, UINT32_MAX);
    if (v != 0) {
      tag(field, VARINT);
      varint(v);
    }
  }

  /** An enum given as a number (names are left to the reader). */
  private void enumField(int field) {
    skipWhitespace();
    if (in[pos] == '"') {
      // "2" is a number as a string; "SPAN_KIND_SERVER" a name
      int c = in[pos + 1];
      if (c != '-' && (c < '0' || c > '9')) {
        throw no();
      }
    }
    long v = integer(Integer.MIN_VALUE, Integer.MAX_VALUE);
    if (v != 0) {
      tag(field, VARINT);
      varint(v); // a negative int32 is sign-extended to ten bytes, as protobuf writes it
    }
  }

  private void fixed64Field(int field) {
    long v = unsigned64();
    if (v != 0) {
      tag(field, FIXED64);
      fixed64(v);
    }
  }

  private void fixed32Field(int field) {
    long v = integer(0, UINT32_MAX);
    if (v != 0) {
      tag(field, FIXED32);
      for (int i = 0; i < 4; i++) {
        out[len++] = (byte) (v >>> (8 * i));
      }
    }
  }

  /**
   * A span or link id: hex of an even length becomes its bytes; the reader turns anything else
   * into a length no id has, which is left to it.
   */
  private void idField(int field, int idBytes) {
    skipWhitespace();
    if (in[pos] != '"') {
      throw no();
    }
    int start = pos + 1;
    int end = firstSpecial(start);
    if (in[end] != '"') {
      throw no(); // an escape or a byte no hex digit is
    }
    int digits = end - start;
    if ((digits & 1) != 0) {
      throw no();
    }
    pos = end + 1;
    if (digits == 0) {
      return;
    }
    tag(field, LENGTH_DELIMITED);
    varint(digits / 2);
    ensure(digits / 2);
    int i = start;
    for (; i + Long.BYTES <= end; i += Long.BYTES) {
      hex8((long) LONGS.get(in, i));
    }
    for (; i < end; i += 2) {
      int hi = hex(in[i]);
      int lo = hex(in[i + 1]);
      if ((hi | lo) < 0) {
        throw no();
      }
      out[len++] = (byte) (hi << 4 | lo);
    }
  }

  private static int hex(byte c) {
    return HEX_DIGITS[c & 0xFF];
  }

  /**
   * Eight hex digits (the first in the lowest byte) written as four bytes, all at once: each byte
   * is checked to be 0-9, a-f or A-F by adding constants that carry into its high bit exactly when
   * it is at or above a bound (no byte is above 0x7F, so no carry leaves a byte), and its value
   * is its low four bits, plus nine for a letter.
   */
  private void hex8(long x) {
    if ((x & HIGH_BITS) != 0) {
      throw no();
    }
    long digit = (x + LOW_BITS * (0x80 - '0')) & ~(x + LOW_BITS * (0x7F - '9')) & HIGH_BITS;
    long lower = x | LOW_BITS * 0x20;
    long letter = (lower + LOW_BITS * (0x80 - 'a')) & ~(lower + LOW_BITS * (0x7F - 'f')) & HIGH_BITS;
    if ((digit | letter) != HIGH_BITS) {
      throw no();
    }
    long nibbles = (lower & LOW_BITS * 0x0F) + (letter >>> 7) * 9;
    long pairs = (nibbles & 0x00FF_00FF_00FF_00FFL) << 4 | (nibbles >>> 8) & 0x00FF_00FF_00FF_00FFL;
    out[len] = (byte) pairs;
    out[len + 1] = (byte) (pairs >>> 16);
    out[len + 2] = (byte) (pairs >>> 32);
    out[len + 3] = (byte) (pairs >>> 48);
    len += 4;
  }

  // ---- JSON values ----

  /**
   * A JSON string, written as a length and its UTF-8 bytes at the end of the output.
   *
   * @return its length in bytes
   */
  private int string() {
    skipWhitespace();
    expect('"');
    int start = pos;
    // the usual case: no escape, ASCII only, copied as it is
    int p = firstSpecial(start);
    byte c = in[p];
    if (c == '"') {
      int n = p - start;
      varint(n);
      ensure(n);
      System.arraycopy(in, start, out, len, n);
      len += n;
      pos = p + 1;
      return n;
    }
    // escapes, control characters or non-ASCII bytes: decoded into a scratch buffer
    byte[] text = new byte[Math.max(16, (p - start) * 2 + 16)];
    System.arraycopy(in, start, text, 0, p - start);
    int n = p - start;
    pos = p;
    while (true) {
      c = in[pos];
      if (n + 8 > text.length) {
        text = Arrays.copyOf(text, text.length * 2);
      }
      if (c == '"') {
        pos++;
        break;
      }
      if (c == '\\') {
        pos++;
        byte e = in[pos++];
        switch (e) {
          case '"', '\\', '/' -> text[n++] = e;
          case 'b' -> text[n++] = '\b';
          case 'f' -> text[n++] = '\f';
          case 'n' -> text[n++] = '\n';
          case 'r' -> text[n++] = '\r';
          case 't' -> text[n++] = '\t';
          case 'u' -> n = escapedCodePoint(text, n);
          default -> throw no();
        }
      } else if (c >= 0 && c < 0x20) {
        throw no(); // JSON forbids raw control characters in strings
      } else if (c >= 0) {
        text[n++] = c;
        pos++;
      } else {
        int width = utf8Sequence(pos);
        if (n + width > text.length) {
          text = Arrays.copyOf(text, text.length * 2 + width);
        }
        System.arraycopy(in, pos, text, n, width);
        n += width;
        pos += width;
      }
    }
    varint(n);
    ensure(n);
    System.arraycopy(text, 0, out, len, n);
    len += n;
    return n;
  }

  /**
   * The first byte from {@code from} that is a quote, a backslash, a control character or
   * non-ASCII: tested 8 bytes at a time, as fast JSON parsers do (the lowest flagged byte of a word
   * is always a true one). Past the last whole word of the input, bytes are tested one by one.
   */
  private int firstSpecial(int from) {
    int p = from;
    int last = in.length - Long.BYTES;
    while (p <= last) {
      long x = (long) LONGS.get(in, p);
      long special = (zeroByte(x ^ QUOTES) | zeroByte(x ^ BACKSLASHES) | (x - CONTROL_BOUND & ~x) | x) & HIGH_BITS;
      if (special != 0) {
        return p + (Long.numberOfTrailingZeros(special) >>> 3);
      }
      p += Long.BYTES;
    }
    byte c;
    while ((c = in[p]) != '"' && c != '\\' && c >= 0x20) {
      p++;
    }
    return p;
  }

  /** The high bit of each byte that is zero (and maybe of bytes after it, which the caller rereads). */
  private static long zeroByte(long x) {
    return (x - LOW_BITS) & ~x;
  }

  /** A {@code \\uXXXX} escape (the {@code \\u} read), as UTF-8; a pair of them for a surrogate pair. */
  private int escapedCodePoint(byte[] text, int n) {
    int cp = hex4();
    if (cp >= 0xD800 && cp <= 0xDBFF) {
      if (in[pos] != '\\' || in[pos + 1] != 'u') {
        throw no(); // a lone surrogate: the reader decides what it becomes
      }
      pos += 2;
      int low = hex4();
      if (low < 0xDC00 || low > 0xDFFF) {
        throw no();
      }
      cp = 0x10000 + ((cp - 0xD800) << 10) + (low - 0xDC00);
    } else if (cp >= 0xDC00 && cp <= 0xDFFF) {
      throw no();
    }
    if (cp < 0x80) {
      text[n++] = (byte) cp;
    } else if (cp < 0x800) {
      text[n++] = (byte) (0xC0 | cp >>> 6);
      text[n++] = (byte) (0x80 | cp & 0x3F);
    } else if (cp < 0x10000) {
      text[n++] = (byte) (0xE0 | cp >>> 12);
      text[n++] = (byte) (0x80 | cp >>> 6 & 0x3F);
      text[n++] = (byte) (0x80 | cp & 0x3F);
    } else {
      text[n++] = (byte) (0xF0 | cp >>> 18);
      text[n++] = (byte) (0x80 | cp >>> 12 & 0x3F);
      text[n++] = (byte) (0x80 | cp >>> 6 & 0x3F);
      text[n++] = (byte) (0x80 | cp & 0x3F);
    }
    return n;
  }

  private int hex4() {
    int v = 0;
    for (int i = 0; i < 4; i++) {
      int d = hex(in[pos++]);
      if (d < 0) {
        throw no();
      }
      v = v << 4 | d;
    }
    return v;
  }

  /**
   * The length of the well-formed UTF-8 sequence at {@code at} (shortest form, no surrogate, at
   * most U+10FFFF); anything else is left to the reader.
   */
  private int utf8Sequence(int at) {
    int b0 = in[at] & 0xFF;
    if (b0 >= 0xC2 && b0 <= 0xDF) {
      continuation(at + 1);
      return 2;
    }
    if (b0 >= 0xE0 && b0 <= 0xEF) {
      int b1 = in[at + 1] & 0xFF;
      if (b0 == 0xE0 && b1 < 0xA0 || b0 == 0xED && b1 > 0x9F) {
        throw no(); // overlong, or a surrogate
      }
      continuation(at + 1);
      continuation(at + 2);
      return 3;
    }
    if (b0 >= 0xF0 && b0 <= 0xF4) {
      int b1 = in[at + 1] & 0xFF;
      if (b0 == 0xF0 && b1 < 0x90 || b0 == 0xF4 && b1 > 0x8F) {
        throw no(); // overlong, or beyond U+10FFFF
      }
      continuation(at + 1);
      continuation(at + 2);
      continuation(at + 3);
      return 4;
    }
    throw no();
  }

  private void continuation(int at) {
    if ((in[at] & 0xC0) != 0x80) {
      throw no();
    }
  }

  /**
   * An integer in {@code [min, max]}, given as a JSON number without fraction or exponent or as a
   * string of decimal digits with an optional minus sign; anything else is left to the reader.
   */
  private long integer(long min, long max) {
    skipWhitespace();
    boolean quoted = in[pos] == '"';
    if (quoted) {
      pos++;
    }
    boolean negative = in[pos] == '-';
    if (negative) {
      pos++;
    }
    int start = pos;
    int p = start;
    long v = 0;
    while (p + Long.BYTES <= in.length) {
      long chunk = (long) LONGS.get(in, p);
      if (!allDigits(chunk)) {
        break;
      }
      v = v * 100_000_000L + eightDigits(chunk);
      p += Long.BYTES;
    }
    byte c;
    while ((c = in[p]) >= '0' && c <= '9') {
      v = v * 10 + (c - '0');
      p++;
    }
    int digits = p - start;
    pos = p;
    // 19 digits are below 2^64, so one beyond Long.MAX_VALUE wrapped to a negative v; beyond a
    // long, the reader's exact arithmetic applies
    if (digits == 0 || digits > 19 || digits == 19 && v < 0 || !quoted && digits > 1 && in[start] == '0') {
      throw no();
    }
    if (quoted) {
      expect('"');
    } else if (in[pos] == '.' || in[pos] == 'e' || in[pos] == 'E') {
      throw no();
    }
    v = negative ? -v : v;
    if (v < min || v > max) {
      throw no();
    }
    return v;
  }

  /** Whether all eight bytes are ASCII digits. */
  private static boolean allDigits(long chunk) {
    return ((chunk & 0xF0F0_F0F0_F0F0_F0F0L) | (((chunk + 0x0606_0606_0606_0606L) & 0xF0F0_F0F0_F0F0_F0F0L) >>> 4))
        == 0x3333_3333_3333_3333L;
  }

  /** The value of eight ASCII digits, the first in the lowest byte. */
  private static long eightDigits(long chunk) {
    long v = (chunk & 0x0F0F_0F0F_0F0F_0F0FL) * 2561 >>> 8;
    v = (v & 0x00FF_00FF_00FF_00FFL) * 6_553_601 >>> 16;
    return (v & 0x0000_FFFF_0000_FFFFL) * 42_949_672_960_001L >>> 32;
  }

  /** A uint64 (start and end times) up to {@code Long.MAX_VALUE}: every nanosecond time until 2262. */
  private long unsigned64() {
    return integer(0, Long.MAX_VALUE);
  }

  /** A JSON number token, strictly as JSON spells numbers (the text a double is parsed from). */
  private String numberText() {
    skipWhitespace();
    int start = pos;
    if (in[pos] == '-') {
      pos++;
    }
    int intStart = pos;
    while (in[pos] >= '0' && in[pos] <= '9') {
      pos++;
    }
    int intDigits = pos - intStart;
    if (intDigits == 0 || intDigits > 1 && in[intStart] == '0') {
      throw no();
    }
    if (in[pos] == '.') {
      pos++;
      int f = pos;
      while (in[pos] >= '0' && in[pos] <= '9') {
        pos++;
      }
      if (pos == f) {
        throw no();
      }
    }
    if (in[pos] == 'e' || in[pos] == 'E') {
      pos++;
      if (in[pos] == '+' || in[pos] == '-') {
        pos++;
      }
      int e = pos;
      while (in[pos] >= '0' && in[pos] <= '9') {
        pos++;
      }
      if (pos == e) {
        throw no();
      }
    }
    if (pos - start > MAX_NUMBER_CHARS) {
      throw no(); // huge literals: the reader's rules for them apply
    }
    return new String(in, start, pos - start, StandardCharsets.ISO_8859_1);
  }

  private boolean literal(String word) {
    skipWhitespace();
    for (int i = 0; i < word.length(); i++) {
      if (in[pos + i] != word.charAt(i)) {
        return false;
      }
    }
    pos += word.length();
    return true;
  }

  // ---- structure ----

  /** Calls {@code element} for each element of an array of objects. */
  private void array(Runnable element) {
    skipWhitespace();
    expect('[');
    if (endOf(']')) {
      return;
    }
    do {
      skipWhitespace();
      if (in[pos] != '{') {
        throw no(); // null elements, or a value that is not a message
      }
      element.run();
    } while (more(']'));
  }

  /**
   * A field name and the colon after it.
   *
   * @return where the name starts in the input ({@link #nameEnd} where it ends), or -1 when the
   *     member's value is {@code null} (read)
   */
  private int name() {
    skipWhitespace();
    expect('"');
    int start = pos;
    int p = start;
    byte c;
    while ((c = in[p]) > '"' && c != '\\') {
      p++;
    }
    if (c != '"') {
      throw no(); // escapes, control characters, blanks, non-ASCII: no field of ours is spelled so
    }
    pos = p;
    if (pos - start > MAX_NAME_BYTES) {
      throw no(); // no field has such a name; the reader's parser limits the length of names
    }
    nameEnd = pos;
    pos++;
    skipWhitespace();
    expect(':');
    skipWhitespace();
    if (in[pos] == 'n') {
      if (!literal("null")) {
        throw no();
      }
      return -1; // in OTLP/JSON a null means "not set"
    }
    return start;
  }

  /**
   * A member this class does not read: skipped, as receivers skip fields they do not know, unless
   * the reader knows it (a snake_case name, or a field read only there), which then reads the body.
   */
  private void unknown(int name) {
    for (int i = name; i < nameEnd; i++) {
      if (in[i] == '_') {
        throw no();
      }
    }
    for (byte[] readerOnly : READER_ONLY) {
      if (is(name, readerOnly)) {
        throw no();
      }
    }
    skipValue(0);
  }

  /** Any JSON value, checked as strictly as the reader's parser checks it. */
  private void skipValue(int depth) {
    if (depth > MAX_SKIPPED_DEPTH) {
      throw no();
    }
    skipWhitespace();
    switch (in[pos]) {
      case '"' -> {
        int before = len;
        string();
        len = before;
      }
      case '{' -> {
        pos++;
        if (!endOf('}')) {
          do {
            skipWhitespace();
            int before = len;
            string(); // a name, escapes and all
            len = before;
            skipWhitespace();
            expect(':');
            skipValue(depth + 1);
          } while (more('}'));
        }
      }
      case '[' -> {
        pos++;
        if (!endOf(']')) {
          do {
            skipValue(depth + 1);
          } while (more(']'));
        }
      }
      case 't' -> literalOrNot("true");
      case 'f' -> literalOrNot("false");
      case 'n' -> literalOrNot("null");
      default -> numberText();
    }
  }

  private void literalOrNot(String word) {
    if (!literal(word)) {
      throw no();
    }
  }

  private boolean is(int start, byte[] name) {
    int n = nameEnd - start;
    if (n != name.length) {
      return false;
    }
    for (int i = 0; i < n; i++) {
      if (in[start + i] != name[i]) {
        return false;
      }
    }
    return true;
  }

  /** Marks a field as read; one given twice is left to the reader. */
  private static int once(int seen, int bit) {
    if ((seen & bit) != 0) {
      throw no();
    }
    return seen | bit;
  }

  /** After an opening bracket: whether the object or array ends at once. */
  private boolean endOf(char close) {
    skipWhitespace();
    if (in[pos] == close) {
      pos++;
      return true;
    }
    return false;
  }

  /** After a member or element: whether another follows (a comma), or the closing bracket. */
  private boolean more(char close) {
    skipWhitespace();
    byte c = in[pos++];
    if (c == ',') {
      return true;
    }
    if (c == close) {
      return false;
    }
    throw no();
  }

  private void expect(char c) {
    if (in[pos] != c) {
      throw no();
    }
    pos++;
  }

  private void skipWhitespace() {
    if (in[pos] <= ' ') { // rarely: exporters write compact JSON
      skipBlanks();
    }
  }

  private void skipBlanks() {
    byte c;
    while ((c = in[pos]) == ' ' || c == '\n' || c == '\r' || c == '\t') {
      pos++;
    }
  }

  // ---- protobuf output ----

  /**
   * Starts a length-delimited field: its tag, then {@code reserve} bytes for its length, which
   * {@link #end} fills in once the content is written (moving the content when the length takes
   * another number of bytes).
   *
   * @return where the length goes
   */
  private int begin(int field, int reserve) {
    tag(field, LENGTH_DELIMITED);
    ensure(reserve);
    int at = len;
    len += reserve;
    return at << 3 | reserve;
  }

  private void end(int mark) {
    int at = mark >>> 3;
    int reserved = mark & 7;
    int contentStart = at + reserved;
    int size = len - contentStart;
    int need = varintSize(size);
    if (need != reserved) {
      ensure(need - reserved);
      System.arraycopy(out, contentStart, out, at + need, size);
      len += need - reserved;
    }
    int p = at;
    long v = size;
    while (v >= 0x80) {
      out[p++] = (byte) (v | 0x80);
      v >>>= 7;
    }
    out[p] = (byte) v;
  }

  private static int varintSize(long v) {
    int n = 1;
    while ((v & ~0x7FL) != 0) {
      v >>>= 7;
      n++;
    }
    return n;
  }

  private void tag(int field, int wireType) {
    varint((long) field << 3 | wireType);
  }

  private void varint(long v) {
    while ((v & ~0x7FL) != 0) {
      out[len++] = (byte) (v | 0x80);
      v >>>= 7;
    }
    out[len++] = (byte) v;
  }

  private void fixed64(long v) {
    for (int i = 0; i < 8; i++) {
      out[len++] = (byte) (v >>> (8 * i));
    }
  }

  private void put(byte b) {
    out[len++] = b;
  }

  /**
   * Makes room for {@code more} bytes and {@link #SLACK} beyond them. Tags, varints and fixed
   * values are written without a check of their own: every message starts with this check, and so
   * does every string, id and attribute written, and between two of them a message's scalar fields
   * (each at most once, 11 bytes at most) take far less than the slack. Were that ever wrong, the
   * write out of bounds would hand the body to the reader, never lose a byte.
   */
  private void ensure(int more) {
    if (len + more + SLACK > out.length) {
      grow(more);
    }
  }

  private void grow(int more) {
    out = Arrays.copyOf(out, Math.max(out.length * 2, len + more + SLACK));
  }

  private static byte[] ascii(String s) {
    return s.getBytes(StandardCharsets.US_ASCII);
  }
}
