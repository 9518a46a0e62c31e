package dev.tracing.trace;

import java.util.Arrays;
import java.util.HashSet;
import java.util.TreeMap;

/**
 * What the traces list shows and filters on, kept per trace and merged as chunks arrive.
 *
 * <p>Merging is idempotent and order-independent: a span already counted (same span id) is
 * ignored, and every derived value (root, earliest span, counts, sets) is the same whatever the
 * order in which the spans of a trace arrive or how often a request is retried. The trace's
 * timestamp, service, span name and duration are the root span's; while no root has arrived
 * they are the earliest span's and the trace is in progress.
 */
public final class TraceSummary {
  /**
   * Span ids kept for exact de-duplication. Beyond this many spans a trace is de-duplicated per
   * chunk (an identical retry counts nothing) rather than per span, which keeps the summary item
   * far below DynamoDB's 400 KB item limit (10,000 ids are 80 KB).
   */
  public static final int MAX_TRACKED_SPANS = 10_000;
  /** Distinct (service, operation) pairs kept per trace for filtering and span counts. */
  public static final int MAX_NAMES = 100;

  /** A span as the summary remembers it: enough to head the trace. */
  public record Head(long spanId, long startNano, long endNano, String service, String name, int statusCode) {
    static Head of(SpanFacts f) {
      return new Head(f.spanId(), f.startNano(), f.endNano(), f.service(), f.name(), f.statusCode());
    }

    /** Earlier start wins; ties go to the smaller span id, so the choice is deterministic. */
    boolean before(Head other) {
      return startNano != other.startNano ? startNano < other.startNano : Long.compareUnsigned(spanId, other.spanId) < 0;
    }
  }

  private final String traceId;
  private long[] spanIds; // sorted
  private int overflowCount; // spans counted beyond MAX_TRACKED_SPANS
  private int errorCount;
  private Head root;
  private Head earliest;
  private long latestEndNano;
  private final TreeMap<String, TreeMap<String, Integer>> names; // service -> operation -> spans
  private int pairs;
  private long[] attributeHashes; // sorted
  private boolean attributesTruncated;
  private long[] overflowChunks; // sorted chunk key prefixes counted beyond MAX_TRACKED_SPANS
  private long[] chunkIds; // sorted: every stored chunk (span pack) holding spans this summary counts
  private boolean namesTruncated;
  /** Per service, spans whose pair is beyond {@link #MAX_NAMES} (counted while {@link #servicesWhole}). */
  private final TreeMap<String, Integer> otherSpans = new TreeMap<>();
  private boolean servicesWhole = true;

  public TraceSummary(String traceId) {
    this(traceId, new long[0], 0, null, null, 0, SpanNames.EMPTY, new long[0], false, new long[0], new long[0]);
  }

  TraceSummary(String traceId, long[] spanIds, int errorCount, Head root, Head earliest, long latestEndNano,
               SpanNames names, long[] attributeHashes, boolean attributesTruncated, long[] overflowChunks, long[] chunkIds) {
    this.chunkIds = chunkIds;
    this.traceId = traceId;
    this.spanIds = spanIds;
    this.errorCount = errorCount;
    this.root = root;
    this.earliest = earliest;
    this.latestEndNano = latestEndNano;
    this.names = new TreeMap<>();
    names.spans().forEach((service, ops) -> this.names.put(service, new TreeMap<>(ops)));
    this.pairs = names.pairCount();
    this.attributeHashes = attributeHashes;
    this.attributesTruncated = attributesTruncated;
    this.overflowChunks = overflowChunks;
    this.namesTruncated = names.truncated();
    this.servicesWhole = names.servicesWhole();
    this.otherSpans.putAll(names.others());
  }

  /**
   * Adds the spans of a chunk that this summary has not counted yet.
   *
   * @return how many spans were new (0 means the summary is unchanged)
   */
  public int merge(Iterable<SpanFacts> spans) {
    return merge(null, spans);
  }

  /**
   * Adds the spans of a stored chunk that this summary has not counted yet.
   *
   * @param chunkKey the chunk's storage key; it identifies spans counted beyond
   *     {@link #MAX_TRACKED_SPANS}, which readers then show by chunk. {@code null}: no chunk identity
   * @return how many spans were new (0 means the summary is unchanged)
   */
  public int merge(String chunkKey, Iterable<SpanFacts> spans) {
    long chunk = chunkKey == null ? 0 : chunkKeyHash(chunkKey);
    if (chunkKey != null && Arrays.binarySearch(overflowChunks, chunk) >= 0) {
      return 0; // this chunk was counted beyond the tracked spans already
    }
    int added = 0;
    boolean overflow = false;
    long[] newHashes = new long[64];
    int newHashCount = 0;
    // the chunk's newly tracked ids, merged into spanIds once at the end (not one array copy per span)
    long[] newIds = new long[16];
    int newIdCount = 0;
    HashSet<Long> newIdSet = new HashSet<>();
    for (SpanFacts f : spans) {
      if (Arrays.binarySearch(spanIds, f.spanId()) >= 0 || newIdSet.contains(f.spanId())) {
        continue;
      }
      if (spanIds.length + newIdCount < MAX_TRACKED_SPANS) {
        if (newIdCount == newIds.length) {
          newIds = Arrays.copyOf(newIds, newIds.length * 2);
        }
        newIds[newIdCount++] = f.spanId();
        newIdSet.add(f.spanId());
      } else {
        overflow = true;
        overflowCount++;
      }
      added++;
      if (f.isError()) {
        errorCount++;
      }
      Head head = Head.of(f);
      if (f.root() && (root == null || head.before(root))) {
        root = head;
      }
      if (earliest == null || head.before(earliest)) {
        earliest = head;
      }
      latestEndNano = Math.max(latestEndNano, f.endNano());
      countName(f.service(), f.name());
      long[] h = f.attributeHashes();
      if (h.length > 0) {
        if (newHashCount + h.length > newHashes.length) {
          newHashes = Arrays.copyOf(newHashes, Math.max(newHashes.length * 2, newHashCount + h.length));
        }
        System.arraycopy(h, 0, newHashes, newHashCount, h.length);
        newHashCount += h.length;
      }
    }
    addSpanIds(newIds, newIdCount);
    // one sort and merge per chunk, not per span; newHashes is in span order, each span's terms in
    // attribute order, so over the bound the first terms to arrive are the ones kept
    addAttributes(Arrays.copyOf(newHashes, newHashCount));
    if (overflow && chunkKey != null) {
      long[] grown = Arrays.copyOf(overflowChunks, overflowChunks.length + 1);
      grown[grown.length - 1] = chunk;
      Arrays.sort(grown);
      overflowChunks = grown;
    }
    if (added > 0 && chunkKey != null && Arrays.binarySearch(chunkIds, chunk) < 0) {
      long[] grown = Arrays.copyOf(chunkIds, chunkIds.length + 1);
      grown[grown.length - 1] = chunk;
      Arrays.sort(grown);
      chunkIds = grown;
    }
    return added;
  }

  /**
   * The stored chunks (span packs, by the first 64 bits of their key) that hold spans this summary
   * counts: where a reader finds the trace's spans. A chunk whose spans were all counted from
   * another chunk already is not among them.
   */
  public long[] chunkIds() {
    return chunkIds.clone();
  }

  /** A chunk id as the 16 hex digits its storage key starts with. */
  public static String chunkKeyOf(long chunkId) {
    return String.format(java.util.Locale.ROOT, "%016x", chunkId);
  }

  long[] chunkIdArray() {
    return chunkIds;
  }

  /** Merges {@code count} distinct ids, none of them tracked yet, into the sorted {@link #spanIds}. */
  private void addSpanIds(long[] ids, int count) {
    if (count == 0) {
      return;
    }
    Arrays.sort(ids, 0, count);
    long[] merged = new long[spanIds.length + count];
    int i = 0;
    int j = 0;
    int k = 0;
    while (i < spanIds.length && j < count) {
      merged[k++] = spanIds[i] < ids[j] ? spanIds[i++] : ids[j++];
    }
    System.arraycopy(spanIds, i, merged, k, spanIds.length - i);
    System.arraycopy(ids, j, merged, k + spanIds.length - i, count - j);
    spanIds = merged;
  }

  private void countName(String service, String operation) {
    TreeMap<String, Integer> ops = names.get(service);
    Integer n = ops == null ? null : ops.get(operation);
    if (n != null) {
      ops.put(operation, n + 1);
    } else if (pairs < MAX_NAMES) {
      names.computeIfAbsent(service, k -> new TreeMap<>()).put(operation, 1);
      pairs++;
    } else {
      namesTruncated = true;
      // the pair is left out, its service is not: listed (up to MAX_NAMES services), its span counted
      if (servicesWhole && (names.containsKey(service) || names.size() < MAX_NAMES)) {
        names.computeIfAbsent(service, k -> new TreeMap<>());
        otherSpans.merge(service, 1, Integer::sum);
      } else {
        servicesWhole = false;
      }
    }
  }

  /** A chunk key (hex digest) as the 64-bit value the summary remembers. */
  static long chunkKeyHash(String chunkKey) {
    return Long.parseUnsignedLong(chunkKey.substring(0, Math.min(16, chunkKey.length())), 16);
  }

  private void addAttributes(long[] hashes) {
    if (hashes.length == 0) {
      return;
    }
    long[] merged = new long[attributeHashes.length + hashes.length];
    System.arraycopy(attributeHashes, 0, merged, 0, attributeHashes.length);
    System.arraycopy(hashes, 0, merged, attributeHashes.length, hashes.length);
    Arrays.sort(merged);
    merged = AttributeTerms.distinct(merged);
    if (merged.length > AttributeTerms.MAX_TERMS_PER_TRACE) {
      // Keep the terms already stored (filters on them stay exact), then admit new ones in the order
      // they arrived until the bound: the first MAX_TERMS_PER_TRACE distinct terms of the trace.
      attributesTruncated = true;
      if (attributeHashes.length >= AttributeTerms.MAX_TERMS_PER_TRACE) {
        return;
      }
      long[] kept = attributeHashes.clone();
      for (long h : hashes) {
        if (kept.length >= AttributeTerms.MAX_TERMS_PER_TRACE) {
          break;
        }
        if (Arrays.binarySearch(kept, h) < 0) {
          kept = Arrays.copyOf(kept, kept.length + 1);
          kept[kept.length - 1] = h;
          Arrays.sort(kept);
        }
      }
      merged = kept;
    }
    attributeHashes = merged;
  }

  public String traceId() {
    return traceId;
  }

  public int spanCount() {
    return spanIds.length + overflowCount;
  }

  public int errorCount() {
    return errorCount;
  }

  public boolean inProgress() {
    return root == null;
  }

  /** The span that heads the trace: the root, or while there is none the earliest span. */
  public Head head() {
    return root != null ? root : earliest;
  }

  public Head root() {
    return root;
  }

  public Head earliest() {
    return earliest;
  }

  public long timestampNano() {
    return head().startNano();
  }

  public long durationNano() {
    Head h = head();
    return Math.max(0, h.endNano() - h.startNano());
  }

  /** The earliest start of any span: what the retention clock of the trace counts from. */
  public long earliestStartNano() {
    return earliest.startNano();
  }

  public long latestEndNano() {
    return latestEndNano;
  }

  /**
   * The trace's status: {@code 2} (error) when any span failed, else the head span's own code.
   */
  public int statusCode() {
    return errorCount > 0 ? 2 : head().statusCode();
  }

  /** Services, operations and span counts per pair: a snapshot. */
  public SpanNames names() {
    return SpanNames.of(names, namesTruncated, otherSpans, servicesWhole);
  }

  /** Whether this summary counts the span: only counted spans are acknowledged ones. */
  public boolean containsSpan(long spanId) {
    return Arrays.binarySearch(spanIds, spanId) >= 0;
  }

  /** Whether the spans of this stored chunk were counted beyond the tracked span ids. */
  public boolean countsChunk(String chunkKey) {
    return overflowChunks.length > 0 && Arrays.binarySearch(overflowChunks, chunkKeyHash(chunkKey)) >= 0;
  }

  int overflowCount() {
    return overflowCount;
  }

  void setOverflowCount(int n) {
    overflowCount = n;
  }

  long[] overflowChunkArray() {
    return overflowChunks;
  }

  public boolean hasAttribute(String key, String value) {
    return Arrays.binarySearch(attributeHashes, AttributeTerms.hash(key, value)) >= 0;
  }

  public boolean attributesTruncated() {
    return attributesTruncated;
  }

  /** The sorted hashes of the trace's searchable attribute terms (a copy). */
  public long[] attributeHashes() {
    return attributeHashes.clone();
  }

  long[] spanIdArray() {
    return spanIds;
  }

  /** The sorted ids of the spans this summary tracks (a copy). */
  public long[] trackedSpanIds() {
    return spanIds.clone();
  }

  long[] attributeHashArray() {
    return attributeHashes;
  }
}
