package dev.tracing.model;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import java.util.HexFormat;
import java.util.Random;
import org.junit.jupiter.api.Test;

class TraceIdsTest {

  @Test
  void hexIsLowercaseAndTwoDigitsPerByteForEveryByteValue() {
    byte[] every = new byte[256];
    for (int i = 0; i < every.length; i++) {
      every[i] = (byte) i;
    }

    assertEquals(HexFormat.of().formatHex(every), TraceIds.hex(every));
    assertEquals("00ff7f80", TraceIds.hex(new byte[] {0, (byte) 0xff, 0x7f, (byte) 0x80}));
    assertEquals("", TraceIds.hex(new byte[0]));
  }

  @Test
  void hexOfARangeIsTheHexOfThoseBytesOnly() {
    byte[] bytes = new byte[40];
    new Random(3).nextBytes(bytes);

    assertEquals(HexFormat.of().formatHex(bytes, 7, 23), TraceIds.hex(bytes, 7, 16));
  }

  @Test
  void traceIdsAreNormalizedToLowercaseAndRefusedWhenMalformedOrZero() {
    assertEquals("0af7651916cd43dd8448eb211c80319c", TraceIds.normalizeTraceId("0AF7651916CD43DD8448EB211C80319C"));
    assertNull(TraceIds.normalizeTraceId("0af7651916cd43dd8448eb211c80319"));
    assertNull(TraceIds.normalizeTraceId("0af7651916cd43dd8448eb211c80319g"));
    assertNull(TraceIds.normalizeTraceId("0".repeat(32)));
    assertNull(TraceIds.normalizeTraceId(null));
  }
}
