package dev.tracing.trace;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.Test;

class ServiceEdgesTest {

  private static SpanFacts span(long id, long parent, String service, boolean error) {
    return new SpanFacts(id, parent == 0, 1_000 * id, 1_000 * id + 500, service, "op", error ? 2 : 1, new long[0], parent);
  }

  @Test
  void aChildArrivingBeforeItsParentIsCountedWhenTheParentArrives() {
    ServiceEdges edges = new ServiceEdges();
    assertEquals(List.of(), edges.add(List.of(span(3, 2, "checkout", true))), "the parent is not known yet");
    assertEquals(1, edges.pendingCount());
    long[] tracked = {3};
    ServiceEdges reread = ServiceEdges.decode(edges.encode(tracked), tracked);
    List<ServiceEdges.Edge> found = reread.add(List.of(span(1, 0, "frontend", false), span(2, 1, "frontend", false)));
    assertEquals(List.of(new ServiceEdges.Edge("frontend", "checkout", 3_000, 500, true)), found);
    assertEquals(0, reread.pendingCount());
  }

  @Test
  void aChildArrivingAfterItsParentIsCountedAtOnceAndSameServiceCallsAreNotEdges() {
    ServiceEdges edges = new ServiceEdges();
    edges.add(List.of(span(1, 0, "frontend", false)));
    long[] tracked = {1};
    ServiceEdges reread = ServiceEdges.decode(edges.encode(tracked), tracked);
    List<ServiceEdges.Edge> found = reread.add(List.of(span(2, 1, "frontend", false), span(3, 1, "db", false)));
    assertEquals(List.of(new ServiceEdges.Edge("frontend", "db", 3_000, 500, false)), found);
  }

  @Test
  void waitingChildrenAreBounded() {
    ServiceEdges edges = new ServiceEdges();
    for (int i = 0; i < ServiceEdges.MAX_PENDING + 10; i++) {
      edges.add(List.of(span(10_000 + i, 5, "a", false)));
    }
    assertEquals(ServiceEdges.MAX_PENDING, edges.pendingCount());
    // spans the summary does not track (beyond its bound) keep their ids in the state
    assertTrue(ServiceEdges.decode(edges.encode(new long[0]), new long[0]).pendingCount() == ServiceEdges.MAX_PENDING);
  }

  @Test
  void trackedSpansCostAboutAByteEachAndTheStateMustMatchItsSummary() {
    ServiceEdges edges = new ServiceEdges();
    List<SpanFacts> spans = new java.util.ArrayList<>();
    long[] tracked = new long[25];
    for (int i = 0; i < 25; i++) {
      long id = 0x1234_5678_0000_0000L + i * 7919L;
      spans.add(span(id, i == 0 ? 0 : tracked[0], i % 2 == 0 ? "frontend" : "checkout", false));
      tracked[i] = id;
    }
    edges.add(spans);
    byte[] state = edges.encode(tracked);
    assertTrue(state.length < 25 + 40, "25 tracked spans and two services in " + state.length + " bytes");
    List<ServiceEdges.Edge> none = ServiceEdges.decode(state, tracked).add(List.of(span(99, tracked[1], "db", false)));
    assertEquals(List.of(new ServiceEdges.Edge("checkout", "db", 99_000, 500, false)), none, "the services came back by position");
    IllegalStateException wrong = org.junit.jupiter.api.Assertions.assertThrows(IllegalStateException.class,
        () -> ServiceEdges.decode(state, new long[] {1, 2}));
    assertTrue(wrong.getCause().getMessage().contains("the summary tracks 2"), wrong.getCause().getMessage());
  }
}
