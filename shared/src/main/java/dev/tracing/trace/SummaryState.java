package dev.tracing.trace;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.TreeSet;

/**
 * The binary merge state of a {@link TraceSummary}, as stored: compact and versioned, so a later
 * release can read summaries written by an earlier one (formats 1 to 3 are read; 3 is written).
 * Deploy readers before writers when the format changes: an older reader refuses a newer format.
 *
 * <p>Format 3 leaves out what the summary item stores as list attributes anyway (the names with
 * their span counts, {@link SpanNames}, and the attribute hashes): the reader passes them back in.
 * Formats 1 and 2 held both inline, without span counts per name.
 */
public final class SummaryState {
  private static final int FORMAT = 3;

  private SummaryState() {
  }

  public static byte[] encode(TraceSummary s) {
    try {
      ByteArrayOutputStream bytes = new ByteArrayOutputStream(256 + s.spanCount() * 8);
      DataOutputStream out = new DataOutputStream(bytes);
      out.writeByte(FORMAT);
      long[] ids = s.spanIdArray();
      out.writeInt(ids.length);
      for (long id : ids) {
        out.writeLong(id);
      }
      out.writeInt(s.errorCount());
      writeHead(out, s.root());
      writeHead(out, s.earliest());
      out.writeLong(s.latestEndNano());
      out.writeBoolean(s.attributesTruncated());
      out.writeInt(s.overflowCount());
      long[] overflow = s.overflowChunkArray();
      out.writeInt(overflow.length);
      for (long c : overflow) {
        out.writeLong(c);
      }
      out.flush();
      return bytes.toByteArray();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /**
   * @param names the names stored beside the state (format 3; ignored for older formats, which
   *     hold them inline)
   * @param attributeHashes the sorted attribute hashes stored beside the state (format 3 likewise)
   */
  public static TraceSummary decode(String traceId, byte[] data, SpanNames names, long[] attributeHashes) {
    try {
      DataInputStream in = new DataInputStream(new ByteArrayInputStream(data));
      int format = in.readUnsignedByte();
      if (format < 1 || format > FORMAT) {
        throw new IllegalStateException("unknown trace summary format " + format + " for trace " + traceId);
      }
      long[] ids = new long[in.readInt()];
      for (int i = 0; i < ids.length; i++) {
        ids[i] = in.readLong();
      }
      int errors = in.readInt();
      TraceSummary.Head root = readHead(in);
      TraceSummary.Head earliest = readHead(in);
      long latestEnd = in.readLong();
      SpanNames spanNames = names;
      long[] hashes = attributeHashes;
      if (format < 3) {
        readStrings(in); // services and operations: derived from the pairs now
        readStrings(in);
        spanNames = SpanNames.withoutCounts(readStrings(in));
        hashes = new long[in.readInt()];
        for (int i = 0; i < hashes.length; i++) {
          hashes[i] = in.readLong();
        }
      }
      boolean truncated = in.readBoolean();
      // format 1 (before span-count overflow and name bounds) ends here
      int overflowCount = format == 1 ? 0 : in.readInt();
      long[] overflow = new long[format == 1 ? 0 : in.readInt()];
      for (int i = 0; i < overflow.length; i++) {
        overflow[i] = in.readLong();
      }
      if (format == 2) {
        in.readBoolean(); // names truncated: the names of formats 1 and 2 count as truncated anyway
      }
      if (in.available() > 0) {
        throw new IOException(in.available() + " bytes left over");
      }
      TraceSummary s = new TraceSummary(traceId, ids, errors, root, earliest, latestEnd, spanNames, hashes, truncated,
          overflow);
      s.setOverflowCount(overflowCount);
      return s;
    } catch (IOException e) {
      throw new IllegalStateException("corrupt trace summary for trace " + traceId, e);
    }
  }

  private static void writeHead(DataOutputStream out, TraceSummary.Head h) throws IOException {
    out.writeBoolean(h != null);
    if (h != null) {
      out.writeLong(h.spanId());
      out.writeLong(h.startNano());
      out.writeLong(h.endNano());
      out.writeUTF(h.service());
      out.writeUTF(h.name());
      out.writeByte(h.statusCode());
    }
  }

  private static TraceSummary.Head readHead(DataInputStream in) throws IOException {
    if (!in.readBoolean()) {
      return null;
    }
    return new TraceSummary.Head(in.readLong(), in.readLong(), in.readLong(), in.readUTF(), in.readUTF(), in.readByte());
  }

  private static TreeSet<String> readStrings(DataInputStream in) throws IOException {
    int n = in.readInt();
    TreeSet<String> set = new TreeSet<>();
    for (int i = 0; i < n; i++) {
      set.add(in.readUTF());
    }
    return set;
  }
}
