package dev.tracing.storage;

/**
 * The store did not confirm an operation (unreachable, throttled, timed out, or it left work
 * unprocessed). Nothing may be acknowledged to a client on the strength of the failed call:
 * the HTTP layer answers {@code 503} with {@code Retry-After}, and a retry of the same request is
 * safe because every write is idempotent.
 */
public class StoreUnavailableException extends RuntimeException {
  public StoreUnavailableException(String message, Throwable cause) {
    super(message, cause);
  }

  public StoreUnavailableException(String message) {
    super(message);
  }
}
