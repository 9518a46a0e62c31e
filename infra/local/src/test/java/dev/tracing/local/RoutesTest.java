package dev.tracing.local;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import java.util.List;
import org.junit.jupiter.api.Test;

/** The route table's matching, path decoding as API Gateway does it, and the 404's advice. */
class RoutesTest {

  @Test
  void pathParametersArePercentDecodedOnlyAPlusStaysAPlus() {
    Routes.Match m = Routes.find("GET", "/v3/query/7/services/c%2B%2B%20svc+x/operations");
    assertEquals("list-traces", m.route().function());
    assertEquals("c++ svc+x", m.pathParameters().get("serviceName"));
    assertEquals("7", m.pathParameters().get("projectId"));
    // multi-byte UTF-8 escapes, and a '%' that starts no escape, kept as it is
    assertEquals("caf\u00e9 100%", Routes.percentDecode("caf%C3%A9%20100%"));
    assertEquals("%zz%4", Routes.percentDecode("%zz%4"));
    assertEquals("a+b", Routes.percentDecode("a+b"));
  }

  @Test
  void aPathOfOtherMethodsOnlyListsThemAndNoPathIsNoMatch() {
    Routes.Match m = Routes.find("GET", "/v3/1/2/ingest/traces");
    assertNull(m.route());
    assertEquals(List.of("POST"), m.allowedMethods());
    assertNull(Routes.find("POST", "/v3/1/2/ingest/logs"));
  }
}
