package dev.tracing.storage;

import java.util.List;

/**
 * The services of a project and the operations of each, as recently seen in ingested spans:
 * what the search bar autocompletes. Names stay listed for the retention period after they
 * were last seen.
 */
public interface ServiceCatalog {

  /** Notes that these services and (service, operation) pairs were seen now. Best effort: callers may ignore failures. */
  void record(long projectId, java.util.Map<String, java.util.Set<String>> operationsByService);

  /** Service names, sorted. */
  List<String> services(long projectId);

  /** Operation names of one service, sorted. */
  List<String> operations(long projectId, String service);
}
