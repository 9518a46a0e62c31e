package dev.tracing.otlp;

import com.google.protobuf.CodedOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;

/**
 * The {@code google.rpc.Status} error body that OTLP/HTTP asks for with protobuf requests. JSON
 * requests get {@link ApiError}'s body, which is the same Status with an {@code error} field added.
 */
public final class RpcStatus {
  private RpcStatus() {
  }

  /**
   * The Status as protobuf bytes, written field by field (1: int32 code, 2: string message)
   * because the google.rpc classes are not on the class path; fields at their default value are
   * left out, as proto3 does.
   */
  public static byte[] protobuf(int code, String message) {
    String text = message == null ? "" : message;
    int size = (code != 0 ? CodedOutputStream.computeInt32Size(1, code) : 0)
        + (text.isEmpty() ? 0 : CodedOutputStream.computeStringSize(2, text));
    byte[] out = new byte[size];
    CodedOutputStream cos = CodedOutputStream.newInstance(out);
    try {
      if (code != 0) {
        cos.writeInt32(1, code);
      }
      if (!text.isEmpty()) {
        cos.writeString(2, text);
      }
      cos.checkNoSpaceLeft();
    } catch (IOException e) {
      throw new UncheckedIOException("cannot happen: writing into an array of the exact size", e);
    }
    return out;
  }
}
