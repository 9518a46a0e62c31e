package dev.tracing.model;

import java.util.Set;

/** What a valid token lets its bearer do: one project, some scopes. */
public record Grant(String tokenId, long projectId, long namespaceId, Set<Scope> scopes) {
  public Grant {
    scopes = Set.copyOf(scopes);
  }

  public boolean allows(Scope scope) {
    return scopes.contains(scope);
  }
}
