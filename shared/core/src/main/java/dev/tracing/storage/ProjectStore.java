package dev.tracing.storage;

import dev.tracing.model.Project;
import java.util.List;
import java.util.Optional;

/** Projects and their ingest limits. */
public interface ProjectStore {

  /** Creates a project with the next free id (ids are never reused). */
  Project create(long namespaceId, String name, long bytesPerMinute);

  Optional<Project> find(long projectId);

  /** All projects, by id. */
  List<Project> list();

  /**
   * Sets a project's ingest limit.
   *
   * @return the updated project, empty when there is no such project
   */
  Optional<Project> setLimit(long projectId, long bytesPerMinute);
}
