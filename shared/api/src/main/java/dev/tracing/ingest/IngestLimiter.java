package dev.tracing.ingest;

import dev.tracing.model.Project;
import dev.tracing.storage.IngestQuota;
import dev.tracing.storage.ProjectStore;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The per-project ingest limit: bytes (protobuf-serialized size of the decoded request, so JSON
 * and gzip are neither penalized nor favored) per clock minute.
 *
 * <p>Project limits are cached for {@code limitCacheTtl}: a raised limit takes effect within
 * that time. The counting itself is never cached: every request goes through the store's
 * atomic conditional update.
 */
public final class IngestLimiter {
  private final ProjectStore projects;
  private final IngestQuota quota;
  private final Clock clock;
  private final long defaultBytesPerMinute;
  private final Duration limitCacheTtl;
  private final Map<Long, CachedLimit> limits = new ConcurrentHashMap<>();

  private record CachedLimit(long bytesPerMinute, Instant until) {
  }

  /** The decision on one request. */
  public sealed interface Decision {
    /** Counted; {@code minute} is what to refund if the request then fails. */
    record Admitted(long minute, long bytes) implements Decision {
    }

    /** The request alone is larger than a whole minute's limit: it can never pass. */
    record TooLarge(long bytes, long limit) implements Decision {
    }

    /** This minute's budget is used up. */
    record OverLimit(long limit, int retryAfterSeconds) implements Decision {
    }
  }

  public IngestLimiter(ProjectStore projects, IngestQuota quota, Clock clock, long defaultBytesPerMinute,
                       Duration limitCacheTtl) {
    this.projects = projects;
    this.quota = quota;
    this.clock = clock;
    this.defaultBytesPerMinute = defaultBytesPerMinute;
    this.limitCacheTtl = limitCacheTtl;
  }

  /** @param limit the project's limit, as {@link #limitOf} gave it for this request */
  public Decision admit(long projectId, long bytes, long limit) {
    if (bytes > limit) {
      return new Decision.TooLarge(bytes, limit);
    }
    Instant now = clock.instant();
    long minute = Math.floorDiv(now.getEpochSecond(), 60);
    if (quota.tryConsume(projectId, minute, bytes, limit)) {
      return new Decision.Admitted(minute, bytes);
    }
    long untilNextMinute = (minute + 1) * 60 - now.getEpochSecond();
    return new Decision.OverLimit(limit, (int) Math.max(1, untilNextMinute));
  }

  /** Gives the bytes back after a failed store, so the client's retry is not charged twice. */
  public void refund(long projectId, Decision.Admitted admitted) {
    if (admitted.bytes() > 0) {
      quota.refund(projectId, admitted.minute(), admitted.bytes());
    }
  }

  public long limitOf(long projectId) {
    Instant now = clock.instant();
    CachedLimit cached = limits.get(projectId);
    if (cached != null && now.isBefore(cached.until())) {
      return cached.bytesPerMinute();
    }
    long limit = projects.find(projectId).map(Project::bytesPerMinute).orElse(defaultBytesPerMinute);
    limits.put(projectId, new CachedLimit(limit, now.plus(limitCacheTtl)));
    return limit;
  }

  /** Bytes counted in the current minute. */
  public long usedThisMinute(long projectId) {
    return quota.used(projectId, Math.floorDiv(clock.instant().getEpochSecond(), 60));
  }
}
