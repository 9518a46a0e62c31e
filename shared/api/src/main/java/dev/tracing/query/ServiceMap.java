package dev.tracing.query;

import dev.tracing.rollup.Granularity;
import dev.tracing.rollup.RollupCell;
import dev.tracing.rollup.RollupFamily;
import dev.tracing.storage.RollupStore;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Who calls whom: the services with their span and error counts, and the calls between services
 * (a child span whose parent span belongs to another service) with the child spans' count, errors
 * and durations. From the rollups, counted by the minutes that overlap the window.
 */
public final class ServiceMap {
  private final RollupSeries series;

  public ServiceMap(RollupStore store) {
    this.series = new RollupSeries(store);
  }

  public record Node(String name, long spanCount, long errorCount) {
  }

  public record Edge(String parent, String child, long callCount, long errorCount, Long p50, Long p95) {
  }

  public record Result(List<Node> services, List<Edge> edges) {
    public Result {
      services = List.copyOf(services);
      edges = List.copyOf(edges);
    }

  }

  public Result compute(long projectId, ServiceQuery q) {
    long[] range = RollupSeries.minutesOverlapping(q.startNano(), q.endNano());
    // one interval over the whole window, starting on a day: whole days, three-hour blocks and
    // hours come from compacted cells; services and calls are read at once
    long day = Granularity.DAY.seconds();
    long first = Math.floorDiv(range[0], day) * day;
    long step = day * (Math.floorDiv(range[1] - first, day) + 1);
    List<RollupSeries.Answer> read = series.read(projectId, List.of(
        new RollupSeries.Source(RollupFamily.SERVICES, ""), new RollupSeries.Source(RollupFamily.EDGES, "")),
        range[0], range[1], first, step, false, true);
    Map<String, RollupCell> services = read.get(0).totals();
    Map<String, RollupCell> calls = read.get(1).totals();
    List<Node> nodes = new ArrayList<>();
    services.forEach((name, c) -> {
      if (c.count() > 0) {
        nodes.add(new Node(name, c.count(), c.errors()));
      }
    });
    List<Edge> edges = new ArrayList<>();
    calls.forEach((name, c) -> {
      int sep = name.indexOf(RollupFamily.EDGE_SEPARATOR);
      if (c.count() > 0 && sep > 0) {
        edges.add(new Edge(name.substring(0, sep), name.substring(sep + 1), c.count(), c.errors(),
            c.percentile(50), c.percentile(95)));
      }
    });
    return new Result(nodes, edges);
  }
}
