package dev.tracing.trace;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;

/**
 * The binary merge state of a {@link TraceSummary}, as stored: compact and versioned by its first
 * byte. One format is read and written; a new format needs a reader deployed before the writer, as
 * an older reader refuses a newer format.
 *
 * <p>The state leaves out what the summary item stores as list attributes anyway (the names with
 * their span counts, {@link SpanNames}, and the attribute hashes): the reader passes them back in.
 */
public final class SummaryState {
  private static final int FORMAT = 4;

  private SummaryState() {
  }

  private static final int HAS_ROOT = 1;
  private static final int HAS_EARLIEST = 2;
  private static final int EARLIEST_IS_ROOT = 4;
  private static final int ATTRIBUTES_TRUNCATED = 8;

  /**
   * What the summary item stores beside the state, as list attributes, and the state leaves out.
   *
   * @param headService the service of the span heading the trace ({@link TraceSummary#head()})
   * @param headName its span name
   */
  public record Beside(SpanNames names, long[] attributeHashes, String headService, String headName) {
    public static Beside of(TraceSummary s) {
      TraceSummary.Head head = s.head();
      return new Beside(s.names(), s.attributeHashes(), head == null ? "" : head.service(), head == null ? "" : head.name());
    }
  }

  /**
   * Counts and lengths as varints, end times as durations, the earliest span written
   * once when it is also the root (the common case), and nothing of {@link Beside}.
   */
  public static byte[] encode(TraceSummary s) {
    try {
      ByteArrayOutputStream bytes = new ByteArrayOutputStream(64 + s.spanIdArray().length * 8);
      DataOutputStream out = new DataOutputStream(bytes);
      out.writeByte(FORMAT);
      long[] ids = s.spanIdArray();
      writeVarLong(out, ids.length);
      for (long id : ids) {
        out.writeLong(id);
      }
      writeVarLong(out, s.errorCount());
      TraceSummary.Head root = s.root();
      TraceSummary.Head earliest = s.earliest();
      boolean same = root != null && root.equals(earliest);
      out.writeByte((root != null ? HAS_ROOT : 0) | (earliest != null ? HAS_EARLIEST : 0) | (same ? EARLIEST_IS_ROOT : 0)
          | (s.attributesTruncated() ? ATTRIBUTES_TRUNCATED : 0));
      if (root != null) {
        writeCompactHead(out, root, true);
      }
      if (earliest != null && !same) {
        writeCompactHead(out, earliest, root == null);
      }
      out.writeLong(s.latestEndNano());
      writeVarLong(out, s.overflowCount());
      long[] overflow = s.overflowChunkArray();
      writeVarLong(out, overflow.length);
      for (long c : overflow) {
        out.writeLong(c);
      }
      long[] chunks = s.chunkIdArray();
      writeVarLong(out, chunks.length);
      for (long c : chunks) {
        out.writeLong(c);
      }
      out.flush();
      return bytes.toByteArray();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static TraceSummary decode(String traceId, DataInputStream in, Beside beside) throws IOException {
    long[] ids = new long[count(in, TraceSummary.MAX_TRACKED_SPANS)];
    for (int i = 0; i < ids.length; i++) {
      ids[i] = in.readLong();
    }
    int errors = count(in, Integer.MAX_VALUE);
    int flags = in.readUnsignedByte();
    TraceSummary.Head root = (flags & HAS_ROOT) != 0 ? readCompactHead(in, beside) : null;
    TraceSummary.Head earliest = (flags & EARLIEST_IS_ROOT) != 0 ? root
        : (flags & HAS_EARLIEST) != 0 ? readCompactHead(in, root == null ? beside : null) : null;
    long latestEnd = in.readLong();
    int overflowCount = count(in, Integer.MAX_VALUE);
    long[] overflow = new long[count(in, 1 << 20)];
    for (int i = 0; i < overflow.length; i++) {
      overflow[i] = in.readLong();
    }
    long[] chunks = new long[count(in, 1 << 20)];
    for (int i = 0; i < chunks.length; i++) {
      chunks[i] = in.readLong();
    }
    if (in.available() > 0) {
      throw new IOException(in.available() + " bytes left over");
    }
    TraceSummary s = new TraceSummary(traceId, ids, errors, root, earliest, latestEnd, beside.names(),
        beside.attributeHashes(), (flags & ATTRIBUTES_TRUNCATED) != 0, overflow, chunks);
    s.setOverflowCount(overflowCount);
    return s;
  }

  /** @param isHead the trace's head: its names are stored beside the state */
  private static void writeCompactHead(DataOutputStream out, TraceSummary.Head h, boolean isHead) throws IOException {
    out.writeLong(h.spanId());
    out.writeLong(h.startNano());
    writeVarLong(out, h.endNano() - h.startNano()); // unsigned: ingest checks end >= start as uint64
    if (!isHead) {
      out.writeUTF(h.service());
      out.writeUTF(h.name());
    }
    out.writeByte(h.statusCode());
  }

  /** @param head the names of the trace's head, when this is it; {@code null} when not */
  private static TraceSummary.Head readCompactHead(DataInputStream in, Beside head) throws IOException {
    long id = in.readLong();
    long start = in.readLong();
    long end = start + readVarLong(in);
    String service = head != null ? head.headService() : in.readUTF();
    String name = head != null ? head.headName() : in.readUTF();
    return new TraceSummary.Head(id, start, end, service, name, in.readByte());
  }

  private static int count(DataInputStream in, int max) throws IOException {
    return Varints.readCount(in, max);
  }

  private static void writeVarLong(DataOutputStream out, long value) throws IOException {
    Varints.write(out, value);
  }

  private static long readVarLong(DataInputStream in) throws IOException {
    return Varints.read(in);
  }

  /** @param beside what the item stores beside the state */
  public static TraceSummary decode(String traceId, byte[] data, Beside beside) {
    try {
      DataInputStream in = new DataInputStream(new ByteArrayInputStream(data));
      int format = in.readUnsignedByte();
      if (format != FORMAT) {
        throw new IllegalStateException("unknown trace summary format " + format + " for trace " + traceId);
      }
      return decode(traceId, in, beside);
    } catch (IOException e) {
      throw new IllegalStateException("corrupt trace summary for trace " + traceId, e);
    }
  }
}
