package dev.tracing.otlp;

import dev.tracing.trace.AttributeTerms;
import static dev.tracing.testing.OtlpFixtures.attr;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import com.google.protobuf.ByteString;
import io.opentelemetry.proto.common.v1.AnyValue;
import io.opentelemetry.proto.common.v1.ArrayValue;
import io.opentelemetry.proto.common.v1.KeyValue;
import io.opentelemetry.proto.common.v1.KeyValueList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

class OtlpAttributesTest {

  private static AnyValue value(KeyValue kv) {
    return kv.getValue();
  }

  static Stream<Arguments> textForms() {
    return Stream.of(
        Arguments.of("bool true", value(attr("k", true)), "true"),
        Arguments.of("bool false", value(attr("k", false)), "false"),
        Arguments.of("int", value(attr("k", 42L)), "42"),
        Arguments.of("negative int", value(attr("k", -7L)), "-7"),
        Arguments.of("largest int64", value(attr("k", Long.MAX_VALUE)), "9223372036854775807"),
        Arguments.of("fractional double", value(attr("k", 0.5)), "0.5"),
        Arguments.of("whole double", value(attr("k", 2.0)), "2"),
        Arguments.of("negative whole double", value(attr("k", -3.0)), "-3"),
        Arguments.of("zero double", value(attr("k", 0.0)), "0"),
        Arguments.of("small double", value(attr("k", 1.25e-3)), "0.00125"),
        Arguments.of("string", value(attr("k", "GET")), "GET"),
        Arguments.of("empty string", value(attr("k", "")), ""),
        Arguments.of("string of 256 characters", value(attr("k", "x".repeat(256))), "x".repeat(256)));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("textForms")
  void scalarValuesAreSearchableAsTheTextUsersType(String what, AnyValue value, String text) {
    assertEquals(text, OtlpAttributes.text(value));
  }

  static Stream<Arguments> notSearchable() {
    return Stream.of(
        Arguments.of("string of 257 characters", value(attr("k", "x".repeat(257)))),
        Arguments.of("array", AnyValue.newBuilder().setArrayValue(ArrayValue.newBuilder()
            .addValues(AnyValue.newBuilder().setStringValue("a"))).build()),
        Arguments.of("map", AnyValue.newBuilder().setKvlistValue(KeyValueList.newBuilder().addValues(attr("a", "b"))).build()),
        Arguments.of("bytes", AnyValue.newBuilder().setBytesValue(ByteString.copyFromUtf8("abc")).build()),
        Arguments.of("no value", AnyValue.getDefaultInstance()));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("notSearchable")
  void valuesOutsideTheBoundAreNotSearchable(String what, AnyValue value) {
    assertNull(OtlpAttributes.text(value));
  }

  @Test
  void termsOfSpanAndResourceAreHashedSortedAndDistinct() {
    List<KeyValue> span = List.of(attr("http.method", "GET"), attr("http.status_code", 200L), attr("tags", "a"),
        KeyValue.newBuilder().setKey("arr").setValue(AnyValue.newBuilder().setArrayValue(ArrayValue.getDefaultInstance())).build(),
        attr("long", "y".repeat(300)));
    List<KeyValue> resource = List.of(attr("service.name", "cart"), attr("tags", "a"));

    long[] hashes = OtlpAttributes.hashes(span, resource);

    long[] expected = Stream.of(
            AttributeTerms.hash("http.method", "GET"),
            AttributeTerms.hash("http.status_code", "200"),
            AttributeTerms.hash("tags", "a"),
            AttributeTerms.hash("service.name", "cart"))
        .mapToLong(Long::longValue).sorted().toArray();
    assertArrayEquals(expected, hashes);
  }

  /** Ingest hashes a span's bytes as received; a query hashes the text the user typed: they must agree. */
  @Test
  void termsHashedFromReceivedBytesEqualTermsHashedFromText() {
    for (String value : List.of("GET", "", "débit ✓ 💳", "名".repeat(200), "x".repeat(256), "ü".repeat(256))) {
      KeyValue kv = KeyValue.newBuilder().setKeyBytes(ByteString.copyFromUtf8("clé.ü"))
          .setValue(AnyValue.newBuilder().setStringValueBytes(ByteString.copyFromUtf8(value))).build();
      assertEquals(AttributeTerms.hash("clé.ü", value), OtlpAttributes.termHash(kv), value);
    }
    assertEquals(AttributeTerms.hash("http.status_code", "200"), OtlpAttributes.termHash(attr("http.status_code", 200L)));
    assertEquals(AttributeTerms.hash("retry", "true"), OtlpAttributes.termHash(attr("retry", true)));
    assertEquals(AttributeTerms.hash("ratio", "0.5"), OtlpAttributes.termHash(attr("ratio", 0.5)));
    assertEquals(AttributeTerms.hash("big", "1.0E20"), OtlpAttributes.termHash(attr("big", 1e20)));
    // over the bound in characters: not searchable, however it is read
    KeyValue longValue = KeyValue.newBuilder().setKey("k")
        .setValue(AnyValue.newBuilder().setStringValueBytes(ByteString.copyFromUtf8("名".repeat(257)))).build();
    assertEquals(-1, OtlpAttributes.termHash(longValue));
  }

  @Test
  void unionOfSortedTermsIsSortedAndDistinct() {
    assertArrayEquals(new long[] {1, 2, 3, 5, 8}, AttributeTerms.union(new long[] {1, 3, 8}, new long[] {2, 3, 5, 8}));
    assertArrayEquals(new long[] {4}, AttributeTerms.union(new long[0], new long[] {4}));
    assertArrayEquals(new long[] {4}, AttributeTerms.union(new long[] {4}, new long[0]));
  }

  @Test
  void hashSeparatesKeyFromValue() {
    assertNotEquals(AttributeTerms.hash("ab", "c"), AttributeTerms.hash("a", "bc"));
    assertNotEquals(AttributeTerms.hash("k", "v"), AttributeTerms.hash("v", "k"));
    assertEquals(AttributeTerms.hash("k", "v"), AttributeTerms.hash("k", "v"));
  }

  @Test
  void doubleAndIntegerWithTheSameTextShareTheirTerm() {
    long[] fromDouble = OtlpAttributes.hashes(List.of(attr("retries", 2.0)));
    long[] fromInt = OtlpAttributes.hashes(List.of(attr("retries", 2L)));
    long[] fromString = OtlpAttributes.hashes(List.of(attr("retries", "2")));

    assertArrayEquals(fromInt, fromDouble);
    assertArrayEquals(fromInt, fromString);
  }
}
