package dev.tracing.storage.dynamodb;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.tracing.storage.TraceRow;
import dev.tracing.trace.AttributeTerms;
import java.util.HashMap;
import java.util.Map;
import java.util.stream.LongStream;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.core.SdkBytes;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;

/** The term hashes' two layouts: prefixes in the list index, suffixes on the summary alone, and the former whole hashes. */
class SummaryItemsTest {
  private static final long[] HASHES = LongStream.range(0, 150)
      .map(i -> AttributeTerms.hash("k" + i, "v" + i)).sorted().toArray();

  private static Map<String, AttributeValue> item(byte[] at, byte[] ats) {
    Map<String, AttributeValue> item = new HashMap<>();
    item.put(TableSchema.GSK, AttributeValue.fromS("0000000000000000001#0af7651916cd43dd8448eb211c80319c"));
    if (at != null) {
      item.put(SummaryItems.ATTRIBUTE_HASHES, AttributeValue.fromB(SdkBytes.fromByteArray(at)));
    }
    if (ats != null) {
      item.put(SummaryItems.ATTRIBUTE_SUFFIXES, AttributeValue.fromB(SdkBytes.fromByteArray(ats)));
    }
    return item;
  }

  private static byte[] bytes(long[] values, int width, int shift, boolean formatByte) {
    byte[] out = new byte[(formatByte ? 1 : 0) + values.length * width];
    int o = formatByte ? 1 : 0;
    if (formatByte) {
      out[0] = 1;
    }
    for (long v : values) {
      for (int b = 0; b < width; b++) {
        out[o++] = (byte) ((v >>> shift) >>> (8 * (width - 1 - b)));
      }
    }
    return out;
  }

  @Test
  void theIndexCarriesTwoBytesATermAndTheSummaryTheOtherFour() {
    byte[] prefixes = bytes(HASHES, 2, TraceRow.SUFFIX_BITS, true);
    byte[] suffixes = bytes(HASHES, 4, 0, false);
    assertEquals(1 + 2 * 150, prefixes.length);

    TraceRow summary = SummaryItems.rowFromItem(item(prefixes, suffixes));
    assertFalse(summary.termPrefixesOnly());
    assertArrayEquals(HASHES, summary.attributeHashes());
    assertTrue(summary.hasAttribute("k7", "v7"));
    assertFalse(summary.hasAttribute("k7", "v8"));

    TraceRow entry = SummaryItems.rowFromItem(item(prefixes, null));
    assertTrue(entry.termPrefixesOnly());
    for (long h : HASHES) {
      assertTrue(entry.mayHaveTerm(h));
      assertEquals(0, entry.attributeHashes()[java.util.Arrays.binarySearch(entry.attributeHashes(),
          h >>> TraceRow.SUFFIX_BITS << TraceRow.SUFFIX_BITS)] & 0xffffffffL);
    }
    assertArrayEquals(HASHES, entry.withAttributeHashes(summary.attributeHashes()).attributeHashes());
  }

  @Test
  void summariesWrittenWithWholeHashesAreReadAsBefore() {
    TraceRow legacy = SummaryItems.rowFromItem(item(bytes(HASHES, 6, 0, false), null));
    assertFalse(legacy.termPrefixesOnly(), "six bytes a term: an even length");
    assertArrayEquals(HASHES, legacy.attributeHashes());
    assertTrue(legacy.hasAttribute("k149", "v149"));
    TraceRow none = SummaryItems.rowFromItem(item(null, null));
    assertFalse(none.termPrefixesOnly());
    assertEquals(0, none.attributeHashes().length);
  }
}
