package dev.tracing.otlp;

import com.google.protobuf.ByteString;
import java.util.HexFormat;

/** Trace and span ids as OTLP carries them (bytes), written as the lowercase hex we answer with. */
public final class OtlpIds {
  private static final HexFormat HEX = HexFormat.of();

  private OtlpIds() {
  }

  public static String hex(ByteString id) {
    return HEX.formatHex(id.toByteArray());
  }

  public static boolean isAllZero(ByteString id) {
    for (int i = 0; i < id.size(); i++) {
      if (id.byteAt(i) != 0) {
        return false;
      }
    }
    return true;
  }
}
