package dev.tracing.otlp;

/**
 * The sizes of a received protobuf export request's spans as they arrived: each span's encoded
 * length and the lengths of its resource and scope, read from the wire without decoding a field.
 * Ingest checks its per-span size limit with them instead of asking protobuf for the decoded
 * messages' sizes, which encodes every string again to count its UTF-8 bytes.
 *
 * <p>Spans come in request order: resource spans, their scope spans, their spans, as the decoded
 * message lists them. A request whose layout protobuf would merge (a resource or scope given twice
 * in one message) has no wire sizes: {@link #scan} returns {@code null} and the caller measures the
 * decoded messages.
 */
final class WireSizes {
  private static final int LENGTH_DELIMITED = 2;

  private int[] span = new int[64];
  private int[] envelope = new int[64];
  private int count;
  private final byte[] b;
  private int pos;

  private WireSizes(byte[] bytes) {
    this.b = bytes;
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
    WireSizes s = new WireSizes(request);
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
    return resource >= 0 && eachMessage(from, to, 2, (start, len) -> scopeSpans(start, start + len, resource));
  }

  /** ScopeSpans: 1 scope, 2 spans, 3 schema_url. */
  private boolean scopeSpans(int from, int to, int resource) {
    int scope = single(from, to);
    return scope >= 0 && eachMessage(from, to, 2, (start, len) -> {
      add(len, resource + scope);
      return true;
    });
  }

  /** What to do with one message field: its bytes are {@code [start, start + length)}. */
  private interface MessageField {
    boolean accept(int start, int length);
  }

  /** Calls {@code each} for every occurrence of message field {@code field} in {@code [from, to)}, skipping the others. */
  private boolean eachMessage(int from, int to, int field, MessageField each) {
    pos = from;
    while (pos < to) {
      int tag = varint();
      if (tag >>> 3 == field && (tag & 7) == LENGTH_DELIMITED) {
        int len = length(to);
        int start = pos;
        if (len < 0 || !each.accept(start, len)) {
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
    boolean plain = eachMessage(from, to, 1, (start, len) -> {
      boolean first = found[0] < 0;
      found[0] = len;
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

  /** Skips a varint of up to 64 bits (a number field's value). */
  private void varint64() {
    for (int i = 0; i < 10; i++) {
      if (b[pos++] >= 0) {
        return;
      }
    }
    throw new ArrayIndexOutOfBoundsException("malformed varint");
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
