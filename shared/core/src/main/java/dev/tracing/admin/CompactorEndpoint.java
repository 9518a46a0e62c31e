package dev.tracing.admin;

import dev.tracing.model.Project;
import dev.tracing.storage.ProjectStore;
import dev.tracing.storage.RollupStore;
import dev.tracing.storage.TermBlockStore;
import java.time.Clock;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The compactor function: on a schedule (every few minutes), for every project, sums the minute
 * rollup cells of each finished hour written to since its last compaction into hourly cells
 * ({@link RollupStore#compact}), and rebuilds the term blocks of each hour whose list rows changed
 * ({@link TermBlockStore#compact}). Idempotent: a run that fails half way is simply run again.
 *
 * <p>Input: the scheduler's event (ignored), or {@code {"project_id": N}} to compact one project.
 * Output: {@code {"projects": n, "hours_compacted": n, "term_block_hours": n}}.
 */
public final class CompactorEndpoint {
  private final ProjectStore projects;
  private final RollupStore rollups;
  private final TermBlockStore blocks;
  private final Clock clock;

  public CompactorEndpoint(ProjectStore projects, RollupStore rollups, TermBlockStore blocks, Clock clock) {
    this.projects = projects;
    this.rollups = rollups;
    this.blocks = blocks;
    this.clock = clock;
  }

  public Map<String, Object> handle(Map<String, Object> event) {
    long now = clock.instant().getEpochSecond();
    List<Long> ids = new ArrayList<>();
    Object one = event == null ? null : event.get("project_id");
    if (one != null) {
      try {
        ids.add(Long.parseLong(one.toString().trim()));
      } catch (NumberFormatException e) {
        throw new IllegalArgumentException("project_id must be a decimal project id, got '" + one + "'", e);
      }
    } else {
      for (Project p : projects.list()) {
        ids.add(p.projectId());
      }
    }
    int hours = 0;
    for (long id : ids) {
      hours += rollups.compact(id, now);
    }
    int blockHours = blocks.compact(ids, now);
    Map<String, Object> out = new LinkedHashMap<>();
    out.put("projects", ids.size());
    out.put("hours_compacted", hours);
    out.put("term_block_hours", blockHours);
    return out;
  }
}
