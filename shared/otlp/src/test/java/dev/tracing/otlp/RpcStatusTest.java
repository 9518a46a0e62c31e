package dev.tracing.otlp;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import com.google.protobuf.CodedInputStream;
import com.google.protobuf.WireFormat;
import java.io.IOException;
import org.junit.jupiter.api.Test;

class RpcStatusTest {

  @Test
  void protobufWritesCodeAndMessageFields() throws IOException {
    byte[] bytes = RpcStatus.protobuf(3, "bad id");
    assertArrayEquals(new byte[] {0x08, 0x03, 0x12, 0x06, 'b', 'a', 'd', ' ', 'i', 'd'}, bytes);

    CodedInputStream in = CodedInputStream.newInstance(RpcStatus.protobuf(14, "caf\u00e9 unavailable"));
    int code = -1;
    String message = null;
    for (int tag; (tag = in.readTag()) != 0; ) {
      switch (WireFormat.getTagFieldNumber(tag)) {
        case 1 -> code = in.readInt32();
        case 2 -> message = in.readString();
        default -> in.skipField(tag);
      }
    }
    assertEquals(14, code);
    assertEquals("caf\u00e9 unavailable", message);

    assertArrayEquals(new byte[0], RpcStatus.protobuf(0, ""));
    assertArrayEquals(new byte[] {0x12, 0x01, 'x'}, RpcStatus.protobuf(0, "x"));
  }
}
