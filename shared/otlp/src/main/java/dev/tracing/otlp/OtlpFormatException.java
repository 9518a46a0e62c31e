package dev.tracing.otlp;

/**
 * The request body is not a valid OTLP trace export. The message is meant for the client: it
 * names what was wrong (and where, when known) so the sender can fix its exporter.
 */
public class OtlpFormatException extends RuntimeException {
  public OtlpFormatException(String message) {
    super(message);
  }

  public OtlpFormatException(String message, Throwable cause) {
    super(message, cause);
  }
}
