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
    ServiceEdges reread = ServiceEdges.decode(edges.encode());
    List<ServiceEdges.Edge> found = reread.add(List.of(span(1, 0, "frontend", false), span(2, 1, "frontend", false)));
    assertEquals(List.of(new ServiceEdges.Edge("frontend", "checkout", 3_000, 500, true)), found);
    assertEquals(0, reread.pendingCount());
  }

  @Test
  void aChildArrivingAfterItsParentIsCountedAtOnceAndSameServiceCallsAreNotEdges() {
    ServiceEdges edges = new ServiceEdges();
    edges.add(List.of(span(1, 0, "frontend", false)));
    ServiceEdges reread = ServiceEdges.decode(edges.encode());
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
    assertTrue(ServiceEdges.decode(edges.encode()).pendingCount() == ServiceEdges.MAX_PENDING);
  }
}
