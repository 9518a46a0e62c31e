package dev.tracing.model;

import java.util.EnumSet;
import java.util.Locale;
import java.util.Set;

/** What a project access token may do; the names are GitLab's. */
public enum Scope {
  /** Project information and usage ({@code GET /v3/query/{projectId}}). */
  READ_API,
  /** Every trace query. */
  READ_OBSERVABILITY,
  /** Span ingest. */
  WRITE_OBSERVABILITY;

  public String wireName() {
    return name().toLowerCase(Locale.ROOT);
  }

  /** Parses a wire name such as {@code read_api}; {@code null} when unknown. */
  public static Scope fromWireName(String name) {
    for (Scope s : values()) {
      if (s.wireName().equals(name.trim().toLowerCase(Locale.ROOT))) {
        return s;
      }
    }
    return null;
  }

  /**
   * Parses a comma-separated list ({@code read_api,write_observability}).
   *
   * @throws IllegalArgumentException naming the unknown scope and the valid ones
   */
  public static Set<Scope> parseList(String csv) {
    Set<Scope> scopes = EnumSet.noneOf(Scope.class);
    for (String part : csv.split(",")) {
      if (part.isBlank()) {
        continue;
      }
      Scope s = fromWireName(part);
      if (s == null) {
        throw new IllegalArgumentException("unknown scope '" + part.trim()
            + "'; valid scopes are read_api, read_observability, write_observability");
      }
      scopes.add(s);
    }
    if (scopes.isEmpty()) {
      throw new IllegalArgumentException("at least one scope is needed: read_api, read_observability, write_observability");
    }
    return scopes;
  }
}
