package dev.tracing.trace;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.Collection;
import java.util.Collections;
import java.util.SortedMap;
import java.util.SortedSet;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * The services of a trace, the span names (operations) of each, and how many spans each
 * (service, operation) pair has: what the list filters on and how {@code matched_span_count} is
 * answered for service and operation filters without reading spans.
 *
 * <p>At most {@link TraceSummary#MAX_NAMES} pairs are kept; beyond that {@link #truncated()} says
 * that filters on operations and their counts are no longer exact for this trace. The services
 * stay whole beyond it ({@link #servicesWhole()}) as long as the trace has at most {@link
 * TraceSummary#MAX_NAMES} of them: a span whose pair is not kept still lists its service and is
 * counted among that service's {@link #others()}, so service filters and their span counts stay
 * exact (a list filtered by service never reads a large trace's spans to count them).
 *
 * <p>Stored as one compact binary attribute ({@link #encode()}): a flags byte, then per service
 * its name and its operations, each with its span count; names are UTF-8 with varint lengths, each
 * service name written once. Truncated with its services whole (format 2), each service's count of
 * other spans follows, in the same order.
 */
public final class SpanNames {
  public static final SpanNames EMPTY = new SpanNames(new TreeMap<>(), false, new TreeMap<>(), true);

  private final SortedMap<String, SortedMap<String, Integer>> spans;
  private final boolean truncated;
  private final SortedMap<String, Integer> others;
  private final boolean servicesWhole;

  private SpanNames(SortedMap<String, SortedMap<String, Integer>> spans, boolean truncated, SortedMap<String, Integer> others,
                    boolean servicesWhole) {
    this.spans = spans;
    this.truncated = truncated;
    this.others = others;
    this.servicesWhole = servicesWhole || !truncated;
  }

  /** An immutable copy of {@code service → operation → span count}; when truncated, its services may not all be there. */
  static SpanNames of(SortedMap<String, ? extends SortedMap<String, Integer>> spans, boolean truncated) {
    return of(spans, truncated, Collections.emptySortedMap(), false);
  }

  /**
   * An immutable copy of {@code service → operation → span count}, with, when truncated, the
   * spans of each service whose pair was not kept ({@code others}), and whether every service of
   * the trace is among {@code spans}' keys ({@code servicesWhole}).
   */
  static SpanNames of(SortedMap<String, ? extends SortedMap<String, Integer>> spans, boolean truncated,
                      SortedMap<String, Integer> others, boolean servicesWhole) {
    TreeMap<String, SortedMap<String, Integer>> copy = new TreeMap<>();
    spans.forEach((service, ops) -> copy.put(service, Collections.unmodifiableSortedMap(new TreeMap<>(ops))));
    TreeMap<String, Integer> othersCopy = new TreeMap<>();
    if (truncated && servicesWhole) {
      others.forEach((service, n) -> {
        if (n > 0 && copy.containsKey(service)) {
          othersCopy.put(service, n);
        }
      });
    }
    return new SpanNames(Collections.unmodifiableSortedMap(copy), truncated, Collections.unmodifiableSortedMap(othersCopy),
        servicesWhole);
  }

  /** {@code service → operation → span count}, sorted by name. */
  public SortedMap<String, SortedMap<String, Integer>> spans() {
    return spans;
  }

  /** Whether pairs beyond the bound were left out: operation filters and their counts are not exact. */
  public boolean truncated() {
    return truncated;
  }

  /** Whether every service of the trace is listed (always so when not {@link #truncated()}). */
  public boolean servicesWhole() {
    return servicesWhole;
  }

  /** Per service, its spans whose (service, operation) pair was not kept: empty unless truncated with services whole. */
  public SortedMap<String, Integer> others() {
    return others;
  }

  public SortedSet<String> services() {
    return Collections.unmodifiableSortedSet(new TreeSet<>(spans.keySet()));
  }

  public SortedSet<String> operations() {
    TreeSet<String> ops = new TreeSet<>();
    spans.values().forEach(m -> ops.addAll(m.keySet()));
    return Collections.unmodifiableSortedSet(ops);
  }

  public boolean hasService(String service) {
    return spans.containsKey(service);
  }

  public boolean hasOperation(String operation) {
    for (SortedMap<String, Integer> ops : spans.values()) {
      if (ops.containsKey(operation)) {
        return true;
      }
    }
    return false;
  }

  public boolean hasServiceOperation(String service, String operation) {
    SortedMap<String, Integer> ops = spans.get(service);
    return ops != null && ops.containsKey(operation);
  }

  /**
   * Spans whose service equals every one of {@code services} and whose name equals every one of
   * {@code operations} (an empty list: any), or {@code -1} when the counts are not exact.
   */
  public int spansMatching(Collection<String> services, Collection<String> operations) {
    if (truncated && !servicesWhole) {
      return -1;
    }
    if (!allEqual(services) || !allEqual(operations)) {
      return 0; // a span has one service and one name: two different values can never both match
    }
    String service = services.isEmpty() ? null : services.iterator().next();
    String operation = operations.isEmpty() ? null : operations.iterator().next();
    if (truncated && operation != null && (service == null ? !others.isEmpty() : others.containsKey(service))) {
      return -1; // the operation may be among the pairs left out
    }
    int n = 0;
    for (var byService : spans.entrySet()) {
      if (service != null && !service.equals(byService.getKey())) {
        continue;
      }
      for (var byOp : byService.getValue().entrySet()) {
        if (operation == null || operation.equals(byOp.getKey())) {
          n += byOp.getValue();
        }
      }
      if (operation == null) {
        n += others.getOrDefault(byService.getKey(), 0);
      }
    }
    return n;
  }

  private static boolean allEqual(Collection<String> values) {
    return values.stream().distinct().count() <= 1;
  }

  public int pairCount() {
    int n = 0;
    for (SortedMap<String, Integer> ops : spans.values()) {
      n += ops.size();
    }
    return n;
  }

  // ---------------------------------------------------------------------------------------------
  // Binary form

  private static final int FORMAT = 1;
  /**
   * Truncated with every service listed: after the services, each one's count of spans whose pair
   * was not kept, in the same order. (Format 1 truncated: the services may not all be listed.)
   */
  private static final int FORMAT_SERVICES_WHOLE = 2;
  private static final int TRUNCATED = 0x80;
  /** The rest is raw deflate: names repeat words, routes and prefixes, so larger sets shrink. */
  private static final int DEFLATED = 0x40;
  /** Below this, deflate's own overhead outweighs what it saves. */
  private static final int DEFLATE_FROM_BYTES = 96;
  /**
   * The most names can take encoded: 100 pairs of two 256-character names (4 bytes per char at
   * most), and counts, plus up to 100 services listed for their other spans only.
   */
  private static final int MAX_ENCODED_BYTES = TraceSummary.MAX_NAMES * (2 * (256 * 4 + 3) + 5)
      + TraceSummary.MAX_NAMES * (256 * 4 + 3 + 10) + 16;

  public byte[] encode() {
    byte[] plain = encodePlain();
    if (plain.length < DEFLATE_FROM_BYTES) {
      return plain;
    }
    java.util.zip.Deflater deflater = new java.util.zip.Deflater(java.util.zip.Deflater.BEST_COMPRESSION, true);
    try {
      deflater.setInput(plain, 1, plain.length - 1);
      deflater.finish();
      byte[] out = new byte[plain.length];
      out[0] = (byte) (plain[0] | DEFLATED);
      int n = 1;
      while (!deflater.finished() && n < out.length) {
        n += deflater.deflate(out, n, out.length - n);
      }
      return deflater.finished() && n < plain.length ? java.util.Arrays.copyOf(out, n) : plain;
    } finally {
      deflater.end();
    }
  }

  private byte[] encodePlain() {
    ByteArrayOutputStream bytes = new ByteArrayOutputStream(16 + spans.size() * 32);
    DataOutputStream out = new DataOutputStream(bytes);
    try {
      boolean withOthers = truncated && servicesWhole;
      out.writeByte((withOthers ? FORMAT_SERVICES_WHOLE : FORMAT) | (truncated ? TRUNCATED : 0));
      Varints.write(out, spans.size());
      for (var byService : spans.entrySet()) {
        writeString(out, byService.getKey());
        Varints.write(out, byService.getValue().size());
        for (var byOp : byService.getValue().entrySet()) {
          writeString(out, byOp.getKey());
          Varints.write(out, byOp.getValue());
        }
      }
      if (withOthers) {
        for (String service : spans.keySet()) {
          Varints.write(out, others.getOrDefault(service, 0));
        }
      }
    } catch (IOException e) {
      throw new UncheckedIOException("cannot happen: writing to memory", e);
    }
    return bytes.toByteArray();
  }

  /** @throws IllegalStateException for bytes that are not an encoded value */
  public static SpanNames decode(byte[] data) {
    if (data.length == 0) {
      throw new IllegalStateException("corrupt span names: no bytes");
    }
    int flags = data[0] & 0xff;
    int format = flags & ~(TRUNCATED | DEFLATED);
    if (format != FORMAT && !(format == FORMAT_SERVICES_WHOLE && (flags & TRUNCATED) != 0)) {
      throw new IllegalStateException("unknown span names format " + format);
    }
    ByteArrayInputStream body = (flags & DEFLATED) != 0 ? inflate(data) : new ByteArrayInputStream(data, 1, data.length - 1);
    DataInputStream in = new DataInputStream(body);
    try {
      TreeMap<String, SortedMap<String, Integer>> spans = new TreeMap<>();
      int services = Varints.readCount(in, Integer.MAX_VALUE);
      for (int i = 0; i < services; i++) {
        String service = readString(in, body);
        TreeMap<String, Integer> ops = new TreeMap<>();
        int n = Varints.readCount(in, Integer.MAX_VALUE);
        for (int j = 0; j < n; j++) {
          ops.put(readString(in, body), Varints.readCount(in, Integer.MAX_VALUE));
        }
        spans.put(service, Collections.unmodifiableSortedMap(ops));
      }
      TreeMap<String, Integer> others = new TreeMap<>();
      if (format == FORMAT_SERVICES_WHOLE) {
        for (String service : spans.keySet()) {
          int n = Varints.readCount(in, Integer.MAX_VALUE);
          if (n > 0) {
            others.put(service, n);
          }
        }
      }
      if (body.available() > 0) {
        throw new IllegalStateException("corrupt span names: " + body.available() + " bytes left over");
      }
      return new SpanNames(Collections.unmodifiableSortedMap(spans), (flags & TRUNCATED) != 0,
          Collections.unmodifiableSortedMap(others), format == FORMAT_SERVICES_WHOLE);
    } catch (IOException e) {
      throw new IllegalStateException("corrupt span names", e);
    }
  }

  private static ByteArrayInputStream inflate(byte[] data) {
    java.util.zip.Inflater inflater = new java.util.zip.Inflater(true);
    try {
      inflater.setInput(data, 1, data.length - 1);
      byte[] out = new byte[Math.min(MAX_ENCODED_BYTES, Math.max(256, data.length * 4))];
      int n = 0;
      while (!inflater.finished()) {
        if (n == out.length) {
          if (out.length >= MAX_ENCODED_BYTES) {
            throw new IllegalStateException("corrupt span names: inflates beyond " + MAX_ENCODED_BYTES + " bytes");
          }
          out = java.util.Arrays.copyOf(out, Math.min(MAX_ENCODED_BYTES, out.length * 2));
        }
        int k = inflater.inflate(out, n, out.length - n);
        if (k == 0 && (inflater.needsInput() || inflater.needsDictionary())) {
          throw new IllegalStateException("corrupt span names: truncated");
        }
        n += k;
      }
      if (inflater.getRemaining() > 0) {
        throw new IllegalStateException("corrupt span names: " + inflater.getRemaining() + " bytes left over");
      }
      return new ByteArrayInputStream(out, 0, n);
    } catch (java.util.zip.DataFormatException e) {
      throw new IllegalStateException("corrupt span names", e);
    } finally {
      inflater.end();
    }
  }

  private static void writeString(DataOutputStream out, String s) throws IOException {
    byte[] utf8 = s.getBytes(StandardCharsets.UTF_8);
    Varints.write(out, utf8.length);
    out.write(utf8);
  }

  /** {@code body} is what {@code in} reads from: a length beyond its remaining bytes is corrupt, not allocated. */
  private static String readString(DataInputStream in, ByteArrayInputStream body) throws IOException {
    byte[] utf8 = new byte[Varints.readCount(in, body.available())];
    in.readFully(utf8);
    return new String(utf8, StandardCharsets.UTF_8);
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof SpanNames other && truncated == other.truncated && servicesWhole == other.servicesWhole
        && spans.equals(other.spans) && others.equals(other.others);
  }

  @Override
  public int hashCode() {
    return spans.hashCode() * 31 + Boolean.hashCode(truncated);
  }

  @Override
  public String toString() {
    return "SpanNames" + spans + (truncated ? " (truncated" + (servicesWhole ? ", services whole, others " + others : "") + ")" : "");
  }
}
