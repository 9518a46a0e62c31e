package dev.tracing.model;

import java.time.Instant;

/**
 * A project that owns traces. Ids are the decimal integers of the API paths.
 *
 * @param bytesPerMinute the ingest limit, in protobuf-serialized bytes per clock minute
 */
public record Project(long namespaceId, long projectId, String name, long bytesPerMinute, Instant createdAt) {

  /** GitLab's default ingest limit. */
  public static final long DEFAULT_BYTES_PER_MINUTE = 102_400;
  /** The highest limit GitLab grants on request; operators may still set more. */
  public static final long RAISED_BYTES_PER_MINUTE = 1_048_576;

  public Project withBytesPerMinute(long limit) {
    return new Project(namespaceId, projectId, name, limit, createdAt);
  }
}
