package dev.tracing.otlp;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * The sizes of a received protobuf export request's spans as they arrived: each span's encoded
 * length and the lengths of its resource and scope, read from the wire without decoding a field.
 * Ingest checks its per-span size limit with them instead of asking protobuf for the decoded
 * messages' sizes, which encodes every string again to count its UTF-8 bytes.
 *
 * <p>For bytes this product wrote itself ({@link OtlpJsonTranscoder}'s output: each field once,
 * every string already checked as UTF-8), {@link #scanSpans} also reads what ingest checks and
 * keeps of each span ({@link WireSpan}), so such a request is never decoded into messages at all.
 * Bytes from a client are parsed by protobuf, which is what checks them.
 *
 * <p>Spans come in request order: resource spans, their scope spans, their spans, as the decoded
 * message lists them. A request whose layout protobuf would merge (a resource or scope given twice
 * in one message) has no wire sizes: {@link #scan} returns {@code null} and the caller measures the
 * decoded messages.
 */
final class WireSizes {
  private static final int VARINT = 0;
  private static final int FIXED64 = 1;
  private static final int LENGTH_DELIMITED = 2;
  private static final byte[] SERVICE_NAME = "service.name".getBytes(StandardCharsets.US_ASCII);

  private int[] span = new int[64];
  private int[] envelope = new int[64];
  private int count;
  private final byte[] b;
  private int pos;
  /** Whether {@link #spans} is filled ({@link #scanSpans}). */
  private final boolean readSpans;
  private final List<WireSpan> spans;
  /** Where the message {@link #single} found starts. */
  private int singleStart;

  private WireSizes(byte[] bytes, boolean readSpans) {
    this.b = bytes;
    this.readSpans = readSpans;
    this.spans = readSpans ? new ArrayList<>() : List.of();
  }

  /**
   * What ingest checks and keeps of one span, as its fields are on the wire: ids as offsets into
   * {@link #bytes()} and their lengths (0 when absent), timestamps, name, status code, whether every
   * link's ids have their lengths, and the service its resource names.
   */
  record WireSpan(int traceId, int traceIdBytes, int spanId, int spanIdBytes, int parentId, int parentIdBytes,
                  boolean linksWellFormed, long startNano, long endNano, String name, int statusCode, String service) {
  }

  /** The bytes scanned: {@link WireSpan}'s offsets point into them. */
  byte[] bytes() {
    return b;
  }

  /** The spans read by {@link #scanSpans}, in request order. */
  List<WireSpan> spans() {
    return spans;
  }

  /** The span count read from the wire. */
  int count() {
    return count;
  }

  /** The encoded length of the {@code i}-th span (its fields, without tag and length). */
  int spanBytes(int i) {
    return span[i];
  }

  /** The encoded lengths of the {@code i}-th span's resource and scope together. */
  int envelopeBytes(int i) {
    return envelope[i];
  }

  /**
   * @param request an {@code ExportTraceServiceRequest} (or {@code TracesData}) that protobuf parsed
   * @return its spans' sizes, or {@code null} when the layout is not the plain one described above
   */
  static WireSizes scan(byte[] request) {
    return scan(request, false);
  }

  /**
   * {@link #scan}, and each span's {@link WireSpan}, for bytes this product wrote (see the class
   * comment); {@code null} also when a field the spans' facts come from is not in the form such
   * bytes have (the caller decodes the message then).
   */
  static WireSizes scanSpans(byte[] written) {
    return scan(written, true);
  }

  private static WireSizes scan(byte[] request, boolean readSpans) {
    WireSizes s = new WireSizes(request, readSpans);
    try {
      return s.request(0, request.length) ? s : null;
    } catch (ArrayIndexOutOfBoundsException e) {
      return null; // cannot happen for a body protobuf parsed; measured from the messages then
    }
  }

  private boolean request(int from, int to) {
    return eachMessage(from, to, 1, (start, len) -> resourceSpans(start, start + len));
  }

  /** ResourceSpans: 1 resource, 2 scope_spans, 3 schema_url. */
  private boolean resourceSpans(int from, int to) {
    int resource = single(from, to);
    if (resource < 0) {
      return false;
    }
    String service = readSpans ? serviceName(singleStart, singleStart + resource) : null;
    return (!readSpans || service != null)
        && eachMessage(from, to, 2, (start, len) -> scopeSpans(start, start + len, resource, service));
  }

  /** ScopeSpans: 1 scope, 2 spans, 3 schema_url. */
  private boolean scopeSpans(int from, int to, int resource, String service) {
    int scope = single(from, to);
    return scope >= 0 && eachMessage(from, to, 2, (start, len) -> {
      add(len, resource + scope);
      return !readSpans || span(start, start + len, service);
    });
  }

  /**
   * Span: 1 trace_id, 2 span_id, 4 parent_span_id, 5 name, 7 start and 8 end (fixed64), 13 links,
   * 15 status; the other fields are skipped. A field given twice is taken as protobuf takes it:
   * the last value, a status merged.
   */
  private boolean span(int from, int to, String service) {
    int traceId = 0;
    int traceIdBytes = 0;
    int spanId = 0;
    int spanIdBytes = 0;
    int parentId = 0;
    int parentIdBytes = 0;
    String name = "";
    long start = 0;
    long end = 0;
    int statusCode = 0;
    boolean linksWellFormed = true;
    pos = from;
    while (pos < to) {
      int tag = varint();
      int field = tag >>> 3;
      if (field == 7 || field == 8) {
        if ((tag & 7) != FIXED64) {
          return false;
        }
        long value = fixed64();
        if (field == 7) {
          start = value;
        } else {
          end = value;
        }
      } else if (field == 1 || field == 2 || field == 4 || field == 5 || field == 13 || field == 15) {
        int len = (tag & 7) == LENGTH_DELIMITED ? length(to) : -1;
        if (len < 0) {
          return false;
        }
        int at = pos;
        switch (field) {
          case 1 -> {
            traceId = at;
            traceIdBytes = len;
          }
          case 2 -> {
            spanId = at;
            spanIdBytes = len;
          }
          case 4 -> {
            parentId = at;
            parentIdBytes = len;
          }
          case 5 -> name = new String(b, at, len, StandardCharsets.UTF_8);
          case 13 -> linksWellFormed &= link(at, at + len);
          default -> statusCode = statusCode(at, at + len, statusCode);
        }
        pos = at + len;
      } else if (!skip(tag)) {
        return false;
      }
    }
    spans.add(new WireSpan(traceId, traceIdBytes, spanId, spanIdBytes, parentId, parentIdBytes, linksWellFormed, start, end,
        name, statusCode, service));
    return pos == to;
  }

  /** Link: whether its trace_id (1) is 16 bytes and its span_id (2) 8. */
  private boolean link(int from, int to) {
    int[] bytes = new int[3];
    return eachField(from, to, 1, 2, (field, start, len) -> {
      bytes[field] = len;
      return true;
    }) && bytes[1] == 16 && bytes[2] == 8;
  }

  /** Status: its code (3), an enum read as protobuf reads one; {@code current} when absent. */
  private int statusCode(int from, int to, int current) {
    int code = current;
    pos = from;
    while (pos < to) {
      int tag = varint();
      if (tag == (3 << 3 | VARINT)) {
        code = (int) varint64();
      } else if (!skip(tag)) {
        return current;
      }
    }
    return code;
  }

  /**
   * Resource: the value of its first {@code service.name} attribute (1) holding a non-empty
   * string, as {@link TraceBatcher#serviceName} reads it; {@code null} when the resource is not in
   * the form this scanner reads.
   */
  private String serviceName(int from, int to) {
    String[] found = {TraceBatcher.UNKNOWN_SERVICE};
    boolean[] done = {false};
    boolean plain = eachMessage(from, to, 1, (start, len) -> {
      if (!done[0]) {
        String value = serviceAttribute(start, start + len);
        if (value != null && !value.isEmpty()) {
          found[0] = value;
          done[0] = true;
        }
      }
      return true;
    });
    return plain ? found[0] : null;
  }

  /** KeyValue: its string value (AnyValue field 1) when its key (1) is {@code service.name}, else {@code null}. */
  private String serviceAttribute(int from, int to) {
    boolean[] key = {false};
    String[] value = {null};
    boolean plain = eachField(from, to, 1, 2, (field, start, len) -> {
      if (field == 1) {
        key[0] = Arrays.equals(b, start, start + len, SERVICE_NAME, 0, SERVICE_NAME.length);
      } else {
        value[0] = stringValue(start, start + len, value[0]);
      }
      return true;
    });
    return plain && key[0] ? value[0] : null;
  }

  /** AnyValue: the string (1) when the last of its oneof's fields is one; {@code current} when none is set. */
  private String stringValue(int from, int to, String current) {
    String value = current;
    pos = from;
    while (pos < to) {
      int tag = varint();
      if (tag == (1 << 3 | LENGTH_DELIMITED)) {
        int len = length(to);
        if (len < 0) {
          break;
        }
        value = new String(b, pos, len, StandardCharsets.UTF_8);
        pos += len;
      } else {
        value = null; // another of the oneof's fields: not a string
        if (!skip(tag)) {
          break;
        }
      }
    }
    return value;
  }

  /** What to do with one message field: its bytes are {@code [start, start + length)}. */
  private interface MessageField {
    boolean accept(int start, int length);
  }

  /** What to do with one length-delimited field numbered {@code field}. */
  private interface Field {
    boolean accept(int field, int start, int length);
  }

  /** Calls {@code each} for every occurrence of message field {@code field} in {@code [from, to)}, skipping the others. */
  private boolean eachMessage(int from, int to, int field, MessageField each) {
    return eachField(from, to, field, field, (f, start, len) -> each.accept(start, len));
  }

  /**
   * Calls {@code each} for every length-delimited occurrence of the fields numbered {@code first}
   * to {@code last} in {@code [from, to)}, skipping the others; {@code false} when {@code each} or
   * the bytes say so.
   */
  private boolean eachField(int from, int to, int first, int last, Field each) {
    pos = from;
    while (pos < to) {
      int tag = varint();
      int field = tag >>> 3;
      if (field >= first && field <= last && (tag & 7) == LENGTH_DELIMITED) {
        int len = length(to);
        int start = pos;
        if (len < 0 || !each.accept(field, start, len)) {
          return false;
        }
        pos = start + len;
      } else if (!skip(tag)) {
        return false;
      }
    }
    return pos == to;
  }

  /** The length of field 1 (a message) in {@code [from, to)}: 0 when absent, -1 when given twice. */
  private int single(int from, int to) {
    int[] found = {-1};
    singleStart = from;
    boolean plain = eachMessage(from, to, 1, (start, len) -> {
      boolean first = found[0] < 0;
      found[0] = len;
      singleStart = start;
      return first;
    });
    return plain ? Math.max(found[0], 0) : -1;
  }

  private void add(int spanBytes, int envelopeBytes) {
    if (count == span.length) {
      span = java.util.Arrays.copyOf(span, count * 2);
      envelope = java.util.Arrays.copyOf(envelope, count * 2);
    }
    span[count] = spanBytes;
    envelope[count] = envelopeBytes;
    count++;
  }

  /** Skips the value of a field; {@code false} for wire types a proto3 message never holds. */
  private boolean skip(int tag) {
    int wireType = tag & 7;
    if (wireType == 0) {
      varint64();
    } else if (wireType == 1) {
      pos += 8;
    } else if (wireType == LENGTH_DELIMITED) {
      int len = varint();
      if (len < 0) {
        return false;
      }
      pos += len;
    } else if (wireType == 5) {
      pos += 4;
    } else {
      return false;
    }
    return true;
  }

  /** A varint of up to 64 bits (a number field's value). */
  private long varint64() {
    long result = 0;
    for (int shift = 0; shift < 70; shift += 7) {
      byte x = b[pos++];
      result |= (long) (x & 0x7f) << shift;
      if (x >= 0) {
        return result;
      }
    }
    throw new ArrayIndexOutOfBoundsException("malformed varint");
  }

  private long fixed64() {
    long v = 0;
    for (int i = 7; i >= 0; i--) {
      v = (v << 8) | (b[pos + i] & 0xff);
    }
    pos += 8;
    return v;
  }

  /** A length prefix that stays within {@code to}, or -1. */
  private int length(int to) {
    int len = varint();
    return len >= 0 && len <= to - pos ? len : -1;
  }

  /** A varint of at most 32 bits (tags and lengths). */
  private int varint() {
    int result = 0;
    for (int shift = 0; shift < 35; shift += 7) {
      byte x = b[pos++];
      result |= (x & 0x7f) << shift;
      if (x >= 0) {
        return result;
      }
    }
    throw new ArrayIndexOutOfBoundsException("malformed varint");
  }
}
