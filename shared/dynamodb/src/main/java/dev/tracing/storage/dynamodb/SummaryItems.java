package dev.tracing.storage.dynamodb;

import dev.tracing.storage.TraceRow;
import dev.tracing.trace.AttributeTerms;
import dev.tracing.trace.ServiceEdges;
import dev.tracing.trace.SpanNames;
import dev.tracing.trace.SummaryState;
import dev.tracing.trace.TraceSummary;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.HashMap;
import java.util.Map;
import software.amazon.awssdk.core.SdkBytes;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;

/**
 * The trace summary item: the list attributes the list index projects for filtering without span
 * reads, plus the rest of the merge state in one binary attribute. Names (with span counts) and
 * attribute hashes are stored once, as list attributes; the state blob does not repeat them.
 */
final class SummaryItems {
  static final String SUMMARY_SK = "#S";
  static final String STATE = "st";
  static final String VERSION = "v";
  static final String TIMESTAMP = "ts";
  static final String DURATION = "dur";
  static final String SERVICE = "svc";
  static final String OPERATION = "op";
  static final String STATUS = "sc";
  static final String SPAN_COUNT = "n";
  static final String ERROR_COUNT = "err";
  static final String IN_PROGRESS = "ip";
  /** {@link SpanNames}: services, their operations and span counts, binary. */
  static final String NAMES = "so";
  /**
   * Attribute term hashes ({@link AttributeTerms#HASH_BITS} bits), sorted: a format byte
   * ({@value #PREFIX_FORMAT}), then each hash's top {@link TraceRow#PREFIX_BITS} bits in 2 bytes. The
   * list index carries these (1 + 2 bytes a term), the summary alone the rest ({@link
   * #ATTRIBUTE_SUFFIXES}), so that an index entry stays under the 1 KB of one write unit. Summaries
   * written before hold the whole hashes here, 6 bytes each: a length that is a multiple of 6, never
   * odd, where the new layout's always is.
   */
  static final String ATTRIBUTE_HASHES = "at";
  /** The low {@link TraceRow#SUFFIX_BITS} bits of each hash, in the order of {@link #ATTRIBUTE_HASHES}, 4 bytes each. */
  static final String ATTRIBUTE_SUFFIXES = "ats";
  private static final int HASH_BYTES = AttributeTerms.HASH_BITS / 8;
  private static final int PREFIX_BYTES = TraceRow.PREFIX_BITS / 8;
  private static final int SUFFIX_BYTES = TraceRow.SUFFIX_BITS / 8;
  private static final int PREFIX_FORMAT = 1;
  static final String ATTRIBUTES_TRUNCATED = "atr";
  /** {@link ServiceEdges}: the service of each span and the children waiting for a parent (not projected). */
  static final String EDGES = "eg";

  private static final DateTimeFormatter HOUR = DateTimeFormatter.ofPattern("yyyyMMddHH").withZone(ZoneOffset.UTC);
  private static final DateTimeFormatter DAY = DateTimeFormatter.ofPattern("yyyyMMdd").withZone(ZoneOffset.UTC);

  private SummaryItems() {
  }

  static String tracePk(long projectId, String traceId) {
    return "T#" + projectId + "#" + traceId;
  }

  /** The list index partition: one per project and UTC hour of the trace's timestamp. */
  static String listPartition(long projectId, long timestampNano) {
    return "L#" + projectId + "#" + HOUR.format(java.time.Instant.ofEpochSecond(Math.floorDiv(timestampNano, 1_000_000_000L)));
  }

  /** The list index sort key: start time (fixed width, so text order is time order), then trace id. */
  static String listSortKey(long timestampNano, String traceId) {
    return String.format("%019d#%s", timestampNano, traceId);
  }

  /** The duration index partition: one per project and UTC day of the trace's timestamp. */
  static String durationPartition(long projectId, long timestampNano) {
    return "D#" + projectId + "#" + DAY.format(java.time.Instant.ofEpochSecond(Math.floorDiv(timestampNano, 1_000_000_000L)));
  }

  /** The duration index sort key: duration (fixed width, never negative), then trace id. */
  static String durationSortKey(long durationNano, String traceId) {
    return String.format("%019d#%s", Math.max(0, durationNano), traceId);
  }

  static Map<String, AttributeValue> toItem(long projectId, TraceSummary s, long version, long expiresEpochSecond) {
    Map<String, AttributeValue> item = new HashMap<>();
    item.put(TableSchema.PK, str(tracePk(projectId, s.traceId())));
    item.put(TableSchema.SK, str(SUMMARY_SK));
    item.put(TableSchema.GPK, str(listPartition(projectId, s.timestampNano())));
    item.put(TableSchema.GSK, str(listSortKey(s.timestampNano(), s.traceId())));
    item.put(TableSchema.DPK, str(durationPartition(projectId, s.timestampNano())));
    item.put(TableSchema.DSK, str(durationSortKey(s.durationNano(), s.traceId())));
    item.put(TableSchema.EXPIRES, num(expiresEpochSecond));
    item.put(VERSION, num(version));
    item.put(STATE, AttributeValue.fromB(SdkBytes.fromByteArrayUnsafe(SummaryState.encode(s))));
    item.put(TIMESTAMP, num(s.timestampNano()));
    item.put(DURATION, num(s.durationNano()));
    item.put(SERVICE, str(s.head().service()));
    item.put(OPERATION, str(s.head().name()));
    item.put(STATUS, num(s.statusCode()));
    item.put(SPAN_COUNT, num(s.spanCount()));
    item.put(ERROR_COUNT, num(s.errorCount()));
    item.put(IN_PROGRESS, AttributeValue.fromBool(s.inProgress()));
    item.put(NAMES, AttributeValue.fromB(SdkBytes.fromByteArrayUnsafe(s.names().encode())));
    long[] hashes = s.attributeHashes();
    if (hashes.length > 0) {
      byte[] prefixes = new byte[1 + hashes.length * PREFIX_BYTES];
      byte[] suffixes = new byte[hashes.length * SUFFIX_BYTES];
      prefixes[0] = PREFIX_FORMAT;
      for (int i = 0; i < hashes.length; i++) {
        put(prefixes, 1 + i * PREFIX_BYTES, PREFIX_BYTES, hashes[i] >>> TraceRow.SUFFIX_BITS);
        put(suffixes, i * SUFFIX_BYTES, SUFFIX_BYTES, hashes[i]);
      }
      item.put(ATTRIBUTE_HASHES, bin(prefixes));
      item.put(ATTRIBUTE_SUFFIXES, bin(suffixes));
    }
    if (s.attributesTruncated()) {
      item.put(ATTRIBUTES_TRUNCATED, AttributeValue.fromBool(true));
    }
    return item;
  }

  static TraceSummary fromItem(String traceId, Map<String, AttributeValue> item) {
    return SummaryState.decode(traceId, item.get(STATE).b().asByteArrayUnsafe(),
        new SummaryState.Beside(names(item), attributeHashes(item), s(item, SERVICE), s(item, OPERATION)));
  }

  private static SpanNames names(Map<String, AttributeValue> item) {
    AttributeValue v = item.get(NAMES);
    return v == null ? SpanNames.EMPTY : SpanNames.decode(v.b().asByteArrayUnsafe());
  }

  /** The big-endian low {@code bytes} bytes of {@code value}, at {@code offset}. */
  private static void put(byte[] out, int offset, int bytes, long value) {
    for (int b = 0; b < bytes; b++) {
      out[offset + b] = (byte) (value >>> (8 * (bytes - 1 - b)));
    }
  }

  private static long get(byte[] in, int offset, int bytes) {
    long v = 0;
    for (int b = 0; b < bytes; b++) {
      v = (v << 8) | (in[offset + b] & 0xff);
    }
    return v;
  }

  /**
   * The item's term hashes: whole from a summary (or a summary written before the prefix layout,
   * or its index entry); from a list index entry of the prefix layout, the prefixes alone, each
   * shifted to its place in the hash ({@link #termPrefixesOnly} tells which).
   */
  static long[] attributeHashes(Map<String, AttributeValue> item) {
    AttributeValue hashes = item.get(ATTRIBUTE_HASHES);
    if (hashes == null) {
      return new long[0];
    }
    byte[] packed = hashes.b().asByteArrayUnsafe();
    if (packed.length % 2 == 0) { // whole hashes, as summaries held them before
      long[] out = new long[packed.length / HASH_BYTES];
      for (int i = 0; i < out.length; i++) {
        out[i] = get(packed, i * HASH_BYTES, HASH_BYTES);
      }
      return out;
    }
    long[] out = new long[(packed.length - 1) / PREFIX_BYTES];
    AttributeValue suffixes = item.get(ATTRIBUTE_SUFFIXES);
    byte[] low = suffixes == null ? null : suffixes.b().asByteArrayUnsafe();
    for (int i = 0; i < out.length; i++) {
      out[i] = get(packed, 1 + i * PREFIX_BYTES, PREFIX_BYTES) << TraceRow.SUFFIX_BITS
          | (low == null ? 0 : get(low, i * SUFFIX_BYTES, SUFFIX_BYTES));
    }
    return out;
  }

  /** Whether the item's term hashes are prefixes only: a list index entry of the prefix layout. */
  static boolean termPrefixesOnly(Map<String, AttributeValue> item) {
    AttributeValue hashes = item.get(ATTRIBUTE_HASHES);
    return hashes != null && hashes.b().asByteArrayUnsafe().length % 2 == 1 && !item.containsKey(ATTRIBUTE_SUFFIXES);
  }

  /**
   * A list row from a summary item or its list-index projection (whose term hashes may be
   * prefixes only: see {@link TraceRow#termPrefixesOnly}).
   */
  static TraceRow rowFromItem(Map<String, AttributeValue> item) {
    String gsk = item.get(TableSchema.GSK).s();
    String traceId = gsk.substring(gsk.indexOf('#') + 1);
    return new TraceRow(traceId, n(item, TIMESTAMP), n(item, DURATION), s(item, SERVICE), s(item, OPERATION),
        (int) n(item, STATUS), (int) n(item, SPAN_COUNT), (int) n(item, ERROR_COUNT),
        item.containsKey(IN_PROGRESS) && item.get(IN_PROGRESS).bool(), names(item), attributeHashes(item),
        termPrefixesOnly(item), item.containsKey(ATTRIBUTES_TRUNCATED) && item.get(ATTRIBUTES_TRUNCATED).bool());
  }

  private static long n(Map<String, AttributeValue> item, String name) {
    AttributeValue v = item.get(name);
    return v == null ? 0 : Long.parseLong(v.n());
  }

  private static String s(Map<String, AttributeValue> item, String name) {
    AttributeValue v = item.get(name);
    return v == null ? "" : v.s();
  }

  /**
   * The summary's edge state; empty for a summary written without one.
   *
   * @param trackedSpanIds the span ids of the summary as stored in {@code item}
   */
  static ServiceEdges edges(Map<String, AttributeValue> item, long[] trackedSpanIds) {
    AttributeValue v = item.get(EDGES);
    return v == null || v.b() == null ? new ServiceEdges() : ServiceEdges.decode(v.b().asByteArray(), trackedSpanIds);
  }

  static AttributeValue bin(byte[] data) {
    return AttributeValue.fromB(SdkBytes.fromByteArrayUnsafe(data));
  }

  static long version(Map<String, AttributeValue> item) {
    AttributeValue v = item.get(VERSION);
    return v == null ? 0 : Long.parseLong(v.n());
  }

  static AttributeValue str(String s) {
    return AttributeValue.fromS(s);
  }

  static AttributeValue num(long n) {
    return AttributeValue.fromN(Long.toString(n));
  }
}
