package dev.tracing.benchmarks.capacity;

import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;

/**
 * DynamoDB's documented capacity rules, as arithmetic (Developer Guide: "Item sizes and formats",
 * "Read/write capacity mode", "Provisioned throughput considerations for global secondary
 * indexes"):
 *
 * <ul>
 *   <li>item size = sum over attributes of (UTF-8 bytes of the name + size of the value); strings
 *       are their UTF-8 bytes, binaries their raw bytes, numbers 1 byte per two significant digits
 *       plus 1, booleans and nulls 1 byte, sets the sum of their elements, lists and maps 3 bytes
 *       plus 1 byte per element plus the elements (map keys counted like names);</li>
 *   <li>a write costs 1 write unit per started KB of the item; a put or update that replaces an
 *       item is charged on the larger of the old and new item;</li>
 *   <li>an index entry (key attributes of the index and of the table, plus the projected
 *       attributes) costs writes of its own: one when an entry appears, changes or disappears, two
 *       when the index key changes (delete the old entry, put the new one);</li>
 *   <li>a read costs 1 read unit per started 4 KB (half for an eventually consistent read); a
 *       query sums the sizes of the items it reads before rounding, a get rounds each item, and a
 *       get of a missing item still costs the minimum;</li>
 *   <li>storage is billed on item size plus 100 bytes of overhead per item and per index entry.</li>
 * </ul>
 */
public final class CapacityCalculator {
  public static final int STORAGE_OVERHEAD_BYTES = 100;

  private CapacityCalculator() {
  }

  /** How an index projects attributes. */
  public record IndexSpec(String name, String hashKey, String rangeKey, List<String> projected, boolean all) {
    public IndexSpec {
      projected = List.copyOf(projected);
    }

    public static IndexSpec include(String name, String hashKey, String rangeKey, List<String> projected) {
      return new IndexSpec(name, hashKey, rangeKey, List.copyOf(projected), false);
    }

    public static IndexSpec keysOnly(String name, String hashKey, String rangeKey) {
      return new IndexSpec(name, hashKey, rangeKey, List.of(), false);
    }
  }

  public static long itemSize(Map<String, AttributeValue> item) {
    long size = 0;
    for (Map.Entry<String, AttributeValue> e : item.entrySet()) {
      size += utf8(e.getKey()) + valueSize(e.getValue());
    }
    return size;
  }

  public static long valueSize(AttributeValue v) {
    switch (v.type()) {
      case S:
        return utf8(v.s());
      case N:
        return numberSize(v.n());
      case B:
        return v.b().asByteArrayUnsafe().length;
      case BOOL:
      case NUL:
        return 1;
      case SS:
        return v.ss().stream().mapToLong(CapacityCalculator::utf8).sum();
      case NS:
        return v.ns().stream().mapToLong(CapacityCalculator::numberSize).sum();
      case BS:
        return v.bs().stream().mapToLong(b -> b.asByteArrayUnsafe().length).sum();
      case L: {
        long size = 3;
        for (AttributeValue e : v.l()) {
          size += 1 + valueSize(e);
        }
        return size;
      }
      case M: {
        long size = 3;
        for (Map.Entry<String, AttributeValue> e : v.m().entrySet()) {
          size += 1 + utf8(e.getKey()) + valueSize(e.getValue());
        }
        return size;
      }
      default:
        throw new IllegalArgumentException("unknown attribute type " + v.type());
    }
  }

  /** 1 byte per two significant digits (leading and trailing zeros trimmed), plus 1 byte. */
  public static long numberSize(String n) {
    String digits = new BigDecimal(n).unscaledValue().abs().toString();
    digits = digits.replaceAll("0+$", "");
    if (digits.isEmpty()) {
      digits = "0";
    }
    return (digits.length() + 1) / 2 + 1;
  }

  /** Write units for writing an item (or index entry) of this size: 1 per started KB, at least 1. */
  public static long writeUnits(long bytes) {
    return Math.max(1, (bytes + 1023) / 1024);
  }

  /** Read units for reading this many bytes in one get or one query page. */
  public static double readUnits(long bytes, boolean consistent) {
    long units = Math.max(1, (bytes + 4095) / 4096);
    return consistent ? units : units / 2.0;
  }

  /** The index entry of an item, or {@code null} when the item lacks the index's key attributes. */
  public static Map<String, AttributeValue> indexEntry(Map<String, AttributeValue> item, IndexSpec index,
                                                       Collection<String> tableKeys) {
    if (!item.containsKey(index.hashKey()) || (index.rangeKey() != null && !item.containsKey(index.rangeKey()))) {
      return null;
    }
    if (index.all()) {
      return item;
    }
    Map<String, AttributeValue> entry = new LinkedHashMap<>();
    for (String k : tableKeys) {
      entry.put(k, item.get(k));
    }
    entry.put(index.hashKey(), item.get(index.hashKey()));
    if (index.rangeKey() != null) {
      entry.put(index.rangeKey(), item.get(index.rangeKey()));
    }
    for (String p : index.projected()) {
      AttributeValue v = item.get(p);
      if (v != null) {
        entry.put(p, v);
      }
    }
    return entry;
  }

  private static long utf8(String s) {
    // fast path for ASCII
    for (int i = 0; i < s.length(); i++) {
      if (s.charAt(i) >= 0x80) {
        return s.getBytes(StandardCharsets.UTF_8).length;
      }
    }
    return s.length();
  }
}
