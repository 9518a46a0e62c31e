package dev.tracing.storage.dynamodb;

import dev.tracing.storage.StoreUnavailableException;
import dev.tracing.storage.TermBlockStore;
import dev.tracing.storage.TraceRow;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import software.amazon.awssdk.core.SdkBytes;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.PutItemResponse;
import software.amazon.awssdk.services.dynamodb.model.QueryRequest;
import software.amazon.awssdk.services.dynamodb.model.QueryResponse;
import software.amazon.awssdk.services.dynamodb.model.ReturnConsumedCapacity;

/**
 * Term blocks: for each hour of a project's list index, bloom filters of the attribute
 * terms of its traces, so an attribute search reads only the parts of an hour that may hold a
 * match instead of every row of the window.
 *
 * <p>An hour is cut into {@code m} equal time segments of about {@value #SEGMENT_TRACES} traces
 * each; each segment has one bloom filter per term shard. Shards split the term hashes by their
 * top {@code k} bits, {@code k} chosen so a shard's item stays near {@value #TARGET_ITEM_BYTES}
 * bytes however busy the hour: a search reads one small item per hour of its window, then only
 * the segments whose filter may hold its term. Items: {@code pk B#<project>#<yyyyMMddHH>},
 * {@code sk} the shard's first 16 hash bits as 4 hex digits, attributes {@code k}, {@code m},
 * {@code p} (independent probes per term; absent: {@value #LEGACY_PROBES} by double hashing),
 * {@code b} (per segment: flags, filter length, filter bits) and {@code exp}. A reader finds the
 * shard of a term with one query (the greatest {@code sk} at or below the term's 16 bits), so it
 * need not know {@code k}; {@code k} never decreases for an hour, so every older item is
 * overwritten when an hour is rebuilt.
 *
 * <p>Freshness: ingest marks the index hours of the summaries it wrote after writing them (a
 * request whose summaries were already written, a retry, marks them again) on the project's
 * term-block state item ({@code pk R#<project>#C}, {@code sk #T}: {@code d} pending hours,
 * {@code w} the time of the last build, {@code t} the time of the last mark). The compactor
 * takes each pending hour that has settled ({@link #buildNow}) before reading its rows, so a
 * later write marks it again, and keeps it in progress (pending to readers) until it is built.
 * Readers use an hour's blocks only when it began before {@code w} and is not pending (an hour
 * without blocks then had no rows); other hours are read whole: while ingest goes on, the current
 * hour.
 */
public final class DynamoTermBlocks implements TermBlockStore {
  static final int SEGMENT_TRACES = 128;
  static final int TARGET_ITEM_BYTES = 3 * 1024;
  /**
   * Filter bits per distinct term: about 0.001% false positives with {@link #PROBES} probes. A
   * search tests one filter per segment of its window (about 8,000 for 7 days at a million traces
   * a week), and each false positive costs a segment's rows (~20 read units): at 0.1% (14.4 bits)
   * that was ~8 needless segments per 7-day search at that volume, at 0.001% it is one in ~12
   * searches, for filters two thirds larger (written once an hour; read cost unchanged, since the
   * shards keep each item near {@link #TARGET_ITEM_BYTES}).
   */
  static final double BITS_PER_TERM = 24;
  static final int PROBES = 17;
  /** The probes of blocks built before the item named them (attribute {@code p}), by double hashing. */
  static final int LEGACY_PROBES = 10;
  private static final int MAX_SHARD_BITS = 12;
  private static final byte TRUNCATED = 1;
  private static final long HOUR = 3600;
  /** How long after an hour's end, or after a project's last write, the compactor builds the hour. */
  public static final long SETTLE_SECONDS = 120;
  private static final DateTimeFormatter HOUR_FORMAT = DateTimeFormatter.ofPattern("yyyyMMddHH").withZone(ZoneOffset.UTC);
  private static final DateTimeFormatter SLICE_FORMAT = DateTimeFormatter.ofPattern("yyyyMMddHHmm").withZone(ZoneOffset.UTC);
  /** Ten-minute slices of an hour, blocks of their own while their hour is not sealed (the current hour). */
  static final long SLICE = 600;
  /** Slices whose rows changed since their blocks were built; taken ones; where the level starts; how far it is built. */
  static final String SLICES_PENDING = "dx";
  static final String SLICES_IN_PROGRESS = "dxh";
  static final String SLICES_FROM = "fx";
  static final String SLICES_BUILT = "vx";
  /** Meter kind of block writes and marks. */
  public static final String METER_KIND = "term blocks";

  private final DynamoDbClient client;
  private final String table;
  private final Clock clock;
  private final Duration retention;
  private final Duration indexSettle;
  private final CapacityMeter meter;
  private final PendingHours marks;

  /**
   * @param indexSettle how long the compactor waits between unmarking hours and reading their
   *     rows from the list index, which DynamoDB updates asynchronously (zero for local servers,
   *     which update it at once)
   */
  public DynamoTermBlocks(DynamoDbClient client, String table, Clock clock, Duration retention, Duration indexSettle,
                          CapacityMeter meter) {
    this.client = client;
    this.table = table;
    this.clock = clock;
    this.retention = retention;
    this.indexSettle = indexSettle;
    this.meter = meter;
    this.marks = new PendingHours(client, table, "#T", meter, METER_KIND, "term block state");
  }

  static String blockPk(long projectId, long hourSecond) {
    return "B#" + projectId + "#" + HOUR_FORMAT.format(Instant.ofEpochSecond(hourSecond));
  }

  static String slicePk(long projectId, long sliceSecond) {
    return "B#" + projectId + "#" + SLICE_FORMAT.format(Instant.ofEpochSecond(sliceSecond));
  }

  /**
   * Marks the ten-minute slices (epoch seconds of their start, multiples of 600) whose list index
   * rows just changed, and their hours, in one write.
   */
  public void mark(long projectId, Collection<Long> sliceSeconds) {
    Set<Long> hours = new java.util.TreeSet<>();
    sliceSeconds.forEach(slice -> hours.add(Math.floorDiv(slice, HOUR) * HOUR));
    marks.mark(projectId, hours, clock.instant().getEpochSecond(), SLICES_PENDING, sliceSeconds);
  }

  /** The ten-minute slice of a list index row's timestamp. */
  static long sliceOf(long timestampNano) {
    return Math.floorDiv(Math.floorDiv(timestampNano, 1_000_000_000L), SLICE) * SLICE;
  }

  /**
   * Which hours have current blocks.
   *
   * @param lastMarkSecond when ingest last marked an hour (0: not recorded)
   */
  public record State(long compactedBeforeSecond, Set<Long> pendingHours, long lastMarkSecond, long slicesFrom,
                      long slicesBuiltBefore, Set<Long> pendingSlices) {
    public State {
      pendingHours = Set.copyOf(pendingHours);
      pendingSlices = Set.copyOf(pendingSlices);
    }

    /** Whether the hour's blocks hold every row it has: it began before the last build and was not written since. */
    public boolean sealed(long hourSecond) {
      return hourSecond < compactedBeforeSecond && !pendingHours.contains(hourSecond);
    }

    /** Whether a ten-minute slice's own blocks hold every row it has: built, and not written since. */
    public boolean sliceSealed(long sliceSecond) {
      return sliceSecond >= slicesFrom && sliceSecond + SLICE <= slicesBuiltBefore && !pendingSlices.contains(sliceSecond);
    }
  }

  public State state(long projectId) {
    return state(projectId, false);
  }

  private State state(long projectId, boolean consistent) {
    Map<String, AttributeValue> item = marks.readItem(projectId, consistent);
    PendingHours.Marks m = PendingHours.marks(item);
    Set<Long> slices = PendingHours.numbers(item, SLICES_PENDING);
    slices.addAll(PendingHours.numbers(item, SLICES_IN_PROGRESS));
    AttributeValue from = item.get(SLICES_FROM);
    return new State(m.doneBeforeSecond(), m.pendingHours(), m.lastMarkSecond(),
        from == null || from.n() == null ? Long.MAX_VALUE : Long.parseLong(from.n()),
        PendingHours.number(item.get(SLICES_BUILT)), slices);
  }

  /**
   * The time segments of a sealed hour that may hold a trace with {@code termHash} (or a trace
   * whose terms were not all kept), as {@code [fromNano, toNano)} pairs in time order; empty when
   * no trace of the hour can match (or the hour had no traces).
   */
  public List<long[]> candidateSegments(long projectId, long hourSecond, long termHash) {
    return candidateSegments(blockPk(projectId, hourSecond), hourSecond, HOUR, termHash);
  }

  /** {@link #candidateSegments} of a sealed ten-minute slice ({@link State#sliceSealed}). */
  public List<long[]> sliceCandidateSegments(long projectId, long sliceSecond, long termHash) {
    return candidateSegments(slicePk(projectId, sliceSecond), sliceSecond, SLICE, termHash);
  }

  private List<long[]> candidateSegments(String pk, long startSecond, long widthSeconds, long termHash) {
    String h16 = shardSortKey(termHash);
    QueryRequest request = QueryRequest.builder()
        .tableName(table)
        .keyConditionExpression("#p = :p AND #s <= :s")
        .expressionAttributeNames(Map.of("#p", TableSchema.PK, "#s", TableSchema.SK))
        .expressionAttributeValues(Map.of(":p", AttributeValue.fromS(pk), ":s", AttributeValue.fromS(h16)))
        .scanIndexForward(false)
        .limit(1)
        .returnConsumedCapacity(ReturnConsumedCapacity.TOTAL)
        .build();
    QueryResponse page = DynamoErrors.call("a term block read", () -> client.query(request));
    meter.addRead(page.consumedCapacity(), METER_KIND);
    if (page.items().isEmpty()) {
      return new ArrayList<>();
    }
    return candidateSegments(pk, page.items().get(0), startSecond, widthSeconds, termHash);
  }

  /** The sort key a term's shard of a block is found at or below: its top 16 bits, 4 hex digits. */
  static String shardSortKey(long termHash) {
    return String.format("%04x", top16(termHash));
  }

  /**
   * The segments of a block item (the shard whose sort key is the greatest at or below {@link
   * #shardSortKey}) whose filters may hold the term.
   */
  static List<long[]> candidateSegments(String pk, Map<String, AttributeValue> item, long startSecond, long widthSeconds,
                                        long termHash) {
    List<long[]> out = new ArrayList<>();
    int segments = Integer.parseInt(item.get("m").n());
    AttributeValue probesAttribute = item.get("p");
    // blocks built before items named their probe count used 10 double-hashing probes
    boolean legacy = probesAttribute == null;
    int probes = legacy ? LEGACY_PROBES : Integer.parseInt(probesAttribute.n());
    long mixed = mix(termHash);
    try (DataInputStream in = new DataInputStream(item.get("b").b().asInputStream())) {
      for (int j = 0; j < segments; j++) {
        byte flags = in.readByte();
        int length = in.readInt();
        byte[] bits = new byte[length];
        in.readFully(bits);
        if ((flags & TRUNCATED) != 0 || mayContain(bits, mixed, probes, legacy)) {
          out.add(segment(startSecond, widthSeconds, segments, j));
        }
      }
    } catch (IOException e) {
      throw new IllegalStateException("term block " + pk + " is corrupt", e);
    }
    return out;
  }

  /** Segment {@code j} of {@code m} of an hour: {@code [from, to)} nanoseconds. */
  static long[] segment(long hourSecond, int m, int j) {
    return segment(hourSecond, HOUR, m, j);
  }

  /** Segment {@code j} of {@code m} of a block starting at {@code startSecond}: {@code [from, to)} nanoseconds. */
  static long[] segment(long startSecond, long widthSeconds, int m, int j) {
    long start = startSecond * 1_000_000_000L;
    long width = widthSeconds * 1_000_000_000L;
    return new long[] {start + width * j / m, start + width * (j + 1) / m};
  }

  static int top16(long termHash) {
    return (int) (termHash >>> (dev.tracing.trace.AttributeTerms.HASH_BITS - 16)) & 0xffff;
  }

  /** splitmix64's finalizer: spreads the term hash over both probe seeds. */
  static long mix(long z) {
    z = (z ^ (z >>> 30)) * 0xbf58476d1ce4e5b9L;
    z = (z ^ (z >>> 27)) * 0x94d049bb133111ebL;
    return z ^ (z >>> 31);
  }

  private static boolean mayContain(byte[] bits, long mixed, int probes, boolean doubleHashing) {
    if (bits.length == 0) {
      return false;
    }
    long n = bits.length * 8L;
    for (int i = 0; i < probes; i++) {
      long bit = probe(mixed, i, n, doubleHashing);
      if ((bits[(int) (bit >>> 3)] & (1 << (bit & 7))) == 0) {
        return false;
      }
    }
    return true;
  }

  /** Sets a term's bits: {@link #PROBES} independent probes for every block built now. */
  static void set(byte[] bits, long mixed, int probes, boolean doubleHashing) {
    long n = bits.length * 8L;
    for (int i = 0; i < probes; i++) {
      long bit = probe(mixed, i, n, doubleHashing);
      bits[(int) (bit >>> 3)] |= (byte) (1 << (bit & 7));
    }
  }

  /**
   * The bit of probe {@code i} in a filter of {@code n} bits. Blocks built now derive each probe
   * from its own 64-bit mix of the term: the double hashing of the blocks built before
   * ({@code h1 + i·h2 mod n}) makes two terms share every bit whenever their {@code h1} and
   * {@code h2} agree modulo {@code n}, about one chance in {@code n²} per term held: in the small
   * filters of a sharded hour (a few hundred bits) that alone gave ten times the designed false
   * positives.
   */
  private static long probe(long mixed, int i, long n, boolean doubleHashing) {
    if (doubleHashing) {
      int h1 = (int) mixed;
      int h2 = (int) (mixed >>> 32) | 1;
      return Integer.toUnsignedLong(h1 + i * h2) % n;
    }
    return Long.remainderUnsigned(mix(mixed + (i + 1) * 0x9E3779B97F4A7C15L), n);
  }

  /** Rebuilds every marked hour of the project that has settled (see {@link #buildNow}). */
  @Override
  public int compact(long projectId, long nowSecond) {
    return compact(List.of(projectId), nowSecond);
  }

  /**
   * Rebuilds every settled marked hour of these projects, and every marked ten-minute slice that
   * ended {@value #SETTLE_SECONDS} s ago: unmarks them, waits once for the list index to hold the
   * rows written before the unmarks, then builds each and records {@code nowSecond} (and, for the
   * slices, how far they are built).
   *
   * <p>Slices are what a search reads of an hour not sealed yet, the current one of a busy
   * project (its blocks wait for the hour's end): the slices' own blocks, each built once it is
   * over, and the rows of the slice still open. The first run that keeps slices records where
   * they start ({@code fx}): a project never compacted, its oldest pending hour (ingest marks every
   * slice it writes); one compacted before, the current hour, whose finished slices it marks
   * first.
   */
  @Override
  public int compact(List<Long> projectIds, long nowSecond) {
    Map<Long, State> states = new java.util.LinkedHashMap<>();
    Map<Long, List<Long>> toBuild = new java.util.LinkedHashMap<>();
    Map<Long, List<Long>> slicesToBuild = new java.util.LinkedHashMap<>();
    long slicesTo = Math.floorDiv(nowSecond - SETTLE_SECONDS, SLICE) * SLICE;
    int hours = 0;
    int slices = 0;
    for (long projectId : projectIds) {
      State state = state(projectId, true);
      if (state.compactedBeforeSecond() == 0 && state.pendingHours().isEmpty()) {
        continue; // nothing was ever written
      }
      states.put(projectId, state);
      List<Long> build = new ArrayList<>();
      for (long h : state.pendingHours()) {
        if (buildNow(h, nowSecond, state.lastMarkSecond())) {
          // taken first: a row written after this point marks the hour again, and the hour stays
          // pending to readers until its blocks are built
          marks.take(projectId, h);
          build.add(h);
          hours++;
        }
      }
      toBuild.put(projectId, build);
      Set<Long> pendingSlices = new java.util.TreeSet<>(state.pendingSlices());
      long from = state.slicesFrom();
      if (from == Long.MAX_VALUE) {
        if (state.compactedBeforeSecond() == 0) {
          from = slicesTo;
          for (long h : state.pendingHours()) {
            from = Math.min(from, h);
          }
          from = Math.floorDiv(from, HOUR) * HOUR;
        } else {
          from = Math.floorDiv(slicesTo - 1, HOUR) * HOUR;
          List<Long> upgrade = new ArrayList<>();
          for (long slice = from; slice < slicesTo; slice += SLICE) {
            upgrade.add(slice);
          }
          // marked before the start is recorded: no reader takes these slices for built meanwhile
          marks.markAll(projectId, Map.of(SLICES_PENDING, upgrade));
          pendingSlices.addAll(upgrade);
        }
        marks.setOnce(projectId, SLICES_FROM, from);
      }
      long start = from;
      List<Long> ready = pendingSlices.stream().filter(slice -> slice >= start && slice + SLICE <= slicesTo).toList();
      marks.unmark(projectId, SLICES_PENDING, pendingSlices.stream().filter(slice -> slice < start).toList());
      marks.take(projectId, SLICES_PENDING, SLICES_IN_PROGRESS, ready);
      slicesToBuild.put(projectId, ready);
      slices += ready.size();
    }
    if (hours + slices > 0 && !indexSettle.isZero()) {
      try {
        Thread.sleep(indexSettle.toMillis()); // rows written just before the unmarks reach the list index
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new StoreUnavailableException("interrupted while compacting term blocks", e);
      }
    }
    states.forEach((projectId, state) -> {
      for (long h : toBuild.get(projectId)) {
        build(projectId, h);
        marks.done(projectId, h);
      }
      List<Long> ready = slicesToBuild.get(projectId);
      for (long slice : ready) {
        build(projectId, slicePk(projectId, slice), slice, SLICE);
      }
      marks.unmark(projectId, SLICES_IN_PROGRESS, ready);
      if (slicesTo > state.slicesBuiltBefore()) {
        marks.advance(projectId, SLICES_BUILT, slicesTo);
      }
      if (nowSecond > state.compactedBeforeSecond()) {
        marks.advance(projectId, nowSecond);
      }
    });
    return hours;
  }

  /**
   * Whether a pending hour is built on this run: an hour that ended {@value #SETTLE_SECONDS} s ago
   * (late spans have mostly arrived), or any hour of a project that has not written for that long
   * (a quiet project's current hour is sealed at once). The current hour of a project that is
   * still writing waits: its next write would mark it again within moments, so its blocks would
   * never be read, and building it on every run rewrote the hour's filters a dozen times an hour
   * (about 6.5 times its final size). Searches read such an hour's rows whole, as they did.
   */
  static boolean buildNow(long hourSecond, long nowSecond, long lastMarkSecond) {
    return hourSecond + HOUR <= nowSecond - SETTLE_SECONDS || lastMarkSecond <= nowSecond - SETTLE_SECONDS;
  }

  /** Reads the hour's list rows (and their summaries' term hashes) and writes its blocks whole. */
  void build(long projectId, long hourSecond) {
    build(projectId, blockPk(projectId, hourSecond), hourSecond, HOUR);
  }

  /**
   * Reads the list rows of {@code [startSecond, startSecond + widthSeconds)} (an hour, or a
   * ten-minute slice of one) and writes its blocks whole, under {@code pk}.
   */
  private void build(long projectId, String pk, long startSecond, long widthSeconds) {
    long hourSecond = Math.floorDiv(startSecond, HOUR) * HOUR;
    long now = clock.instant().getEpochSecond();
    List<TraceRow> entries = new ArrayList<>();
    String partition = SummaryItems.listPartition(projectId, startSecond * 1_000_000_000L);
    if (widthSeconds == HOUR) {
      PartitionReads.forEachLiveItem(client, table, TableSchema.LIST_INDEX, TableSchema.GPK, partition, now, meter,
          "a term block source read", item -> entries.add(SummaryItems.rowFromItem(item)));
    } else {
      PartitionReads.forEachLiveItem(client, table, TableSchema.LIST_INDEX, TableSchema.GPK, partition, TableSchema.GSK,
          String.format("%019d", startSecond * 1_000_000_000L),
          String.format("%019d", (startSecond + widthSeconds) * 1_000_000_000L - 1) + "#g", now, meter,
          "a term block source read", item -> entries.add(SummaryItems.rowFromItem(item)));
    }
    if (entries.isEmpty()) {
      return; // readers find no block and skip the hour; an hour never shrinks to nothing once built
    }
    // index entries carry the terms' prefixes; the filters take the whole hashes, from the summaries
    List<TraceRow> rows = DynamoTraceIndex.withWholeTerms(client, table, meter, METER_KIND, projectId, entries);
    int m = Math.max(1, (rows.size() + SEGMENT_TRACES - 1) / SEGMENT_TRACES);
    List<Set<Long>> terms = new ArrayList<>();
    boolean[] truncated = new boolean[m];
    long pairs = 0;
    for (int j = 0; j < m; j++) {
      terms.add(new HashSet<>());
    }
    for (TraceRow row : rows) {
      long offset = row.timestampNano() - startSecond * 1_000_000_000L;
      int j = (int) Math.min(m - 1, Math.max(0, offset * m / (widthSeconds * 1_000_000_000L)));
      // exactly the segment whose [from, to) readers query holds the row
      while (j + 1 < m && segment(startSecond, widthSeconds, m, j + 1)[0] <= row.timestampNano()) {
        j++;
      }
      while (j > 0 && segment(startSecond, widthSeconds, m, j)[0] > row.timestampNano()) {
        j--;
      }
      for (long t : row.attributeHashes()) {
        if (terms.get(j).add(t)) {
          pairs++;
        }
      }
      truncated[j] |= row.attributesTruncated();
    }
    int k = Math.max(storedShardBits(pk), 0);
    while (k < MAX_SHARD_BITS && pairs * BITS_PER_TERM / 8 / (1L << k) > TARGET_ITEM_BYTES) {
      k++;
    }
    int shards = 1 << k;
    long expires = hourSecond + HOUR + retention.toSeconds();
    // each segment's terms in hash order: a shard's terms (same top k bits) are one run of it
    long[][] sorted = new long[m][];
    for (int j = 0; j < m; j++) {
      sorted[j] = terms.get(j).stream().mapToLong(Long::longValue).sorted().toArray();
    }
    int[] next = new int[m];
    for (int s = 0; s < shards; s++) {
      ByteArrayOutputStream bytes = new ByteArrayOutputStream();
      try (DataOutputStream out = new DataOutputStream(bytes)) {
        for (int j = 0; j < m; j++) {
          int from = next[j];
          while (next[j] < sorted[j].length && top16(sorted[j][next[j]]) >>> (16 - k) == s) {
            next[j]++;
          }
          int count = next[j] - from;
          byte[] bits = new byte[count == 0 ? 0 : (int) Math.max(8, Math.ceil(count * BITS_PER_TERM / 8))];
          for (int i = from; i < next[j]; i++) {
            set(bits, mix(sorted[j][i]), PROBES, false);
          }
          out.writeByte(truncated[j] ? TRUNCATED : 0);
          out.writeInt(bits.length);
          out.write(bits);
        }
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
      Map<String, AttributeValue> item = new HashMap<>();
      item.put(TableSchema.PK, AttributeValue.fromS(pk));
      item.put(TableSchema.SK, AttributeValue.fromS(String.format("%04x", s << (16 - k))));
      item.put("k", AttributeValue.fromN(Integer.toString(k)));
      item.put("m", AttributeValue.fromN(Integer.toString(m)));
      item.put("p", AttributeValue.fromN(Integer.toString(PROBES)));
      item.put("b", AttributeValue.fromB(SdkBytes.fromByteArrayUnsafe(bytes.toByteArray())));
      item.put(TableSchema.EXPIRES, AttributeValue.fromN(Long.toString(expires)));
      PutItemResponse r = DynamoErrors.call("a term block write", () -> client.putItem(b -> b
          .tableName(table).item(item).returnConsumedCapacity(ReturnConsumedCapacity.TOTAL)));
      meter.addWrite(r.consumedCapacity(), METER_KIND);
    }
  }

  /** The shard bits of the hour's current blocks (0 when none): an hour's {@code k} never decreases. */
  private int storedShardBits(String pk) {
    QueryResponse page = DynamoErrors.call("a term block read", () -> client.query(b -> b
        .tableName(table)
        .keyConditionExpression("#p = :p")
        .expressionAttributeNames(Map.of("#p", TableSchema.PK, "#k", "k"))
        .expressionAttributeValues(Map.of(":p", AttributeValue.fromS(pk)))
        .projectionExpression("#k")
        .scanIndexForward(false)
        .limit(1)
        .returnConsumedCapacity(ReturnConsumedCapacity.TOTAL)));
    meter.addRead(page.consumedCapacity(), METER_KIND);
    return page.items().isEmpty() ? 0 : Integer.parseInt(page.items().get(0).get("k").n());
  }
}
