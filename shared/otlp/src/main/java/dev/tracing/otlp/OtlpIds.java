package dev.tracing.otlp;

import com.google.protobuf.ByteString;
import dev.tracing.model.TraceIds;

/** Trace and span ids as OTLP carries them (bytes), written as the lowercase hex we answer with. */
public final class OtlpIds {
  private OtlpIds() {
  }

  /** Whether the {@code length} bytes at {@code from} are all zero (true when there are none): an id that names nothing. */
  public static boolean isAllZero(byte[] b, int from, int length) {
    for (int i = from; i < from + length; i++) {
      if (b[i] != 0) {
        return false;
      }
    }
    return true;
  }

  public static String hex(ByteString id) {
    return TraceIds.hex(id.toByteArray());
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
