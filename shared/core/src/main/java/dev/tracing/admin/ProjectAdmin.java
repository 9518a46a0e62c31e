package dev.tracing.admin;

import dev.tracing.auth.AccessTokenHash;
import dev.tracing.model.AccessToken;
import dev.tracing.model.Project;
import dev.tracing.model.Scope;
import dev.tracing.storage.ProjectStore;
import dev.tracing.storage.TokenStore;
import java.time.Clock;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/** Operator actions on projects and tokens, shared by the {@code admin} command and the local stack's first start. */
public final class ProjectAdmin {
  private final ProjectStore projects;
  private final TokenStore tokens;
  private final Clock clock;
  private final long defaultBytesPerMinute;

  public ProjectAdmin(ProjectStore projects, TokenStore tokens, Clock clock, long defaultBytesPerMinute) {
    this.projects = projects;
    this.tokens = tokens;
    this.clock = clock;
    this.defaultBytesPerMinute = defaultBytesPerMinute;
  }

  /** A token as created: the secret is in here and nowhere else, ever. */
  public record CreatedToken(AccessToken token, String secret) {
  }

  public Project createProject(long namespaceId, String name) {
    if (namespaceId <= 0 || namespaceId > 999_999_999_999_999_999L) {
      // the ingest path takes ids of at most 18 digits
      throw new IllegalArgumentException("--namespace must be a positive integer of at most 18 digits");
    }
    if (name == null || name.isBlank()) {
      throw new IllegalArgumentException("--name must not be empty");
    }
    return projects.create(namespaceId, name.trim(), defaultBytesPerMinute);
  }

  public List<Project> listProjects() {
    return projects.list();
  }

  public Project setLimit(long projectId, long bytesPerMinute) {
    if (bytesPerMinute <= 0 || bytesPerMinute > Project.RAISED_BYTES_PER_MINUTE) {
      throw new IllegalArgumentException("--bytes-per-minute must be a whole number from 1 to " + Project.RAISED_BYTES_PER_MINUTE
          + " (the raised limit), got " + bytesPerMinute);
    }
    return projects.setLimit(projectId, bytesPerMinute)
        .orElseThrow(() -> new IllegalArgumentException("there is no project " + projectId));
  }

  public CreatedToken createToken(long projectId, Set<Scope> scopes, String name, LocalDate expiresOn) {
    Project project = projects.find(projectId)
        .orElseThrow(() -> new IllegalArgumentException("there is no project " + projectId));
    if (expiresOn != null && expiresOn.isBefore(LocalDate.now(clock.withZone(ZoneOffset.UTC)))) {
      throw new IllegalArgumentException("--expires " + expiresOn + " is in the past");
    }
    String secret = AccessTokenHash.newSecret();
    AccessToken token = new AccessToken(AccessTokenHash.newId(), projectId, project.namespaceId(),
        name == null || name.isBlank() ? "token" : name.trim(), Set.copyOf(scopes), expiresOn, clock.instant(), null);
    tokens.create(token, AccessTokenHash.hash(secret));
    return new CreatedToken(token, secret);
  }

  public List<AccessToken> listTokens(long projectId) {
    return tokens.list(projectId);
  }

  public Optional<AccessToken> revokeToken(long projectId, String tokenId) {
    return tokens.revoke(projectId, tokenId, clock.instant());
  }
}
