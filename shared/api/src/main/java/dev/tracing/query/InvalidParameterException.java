package dev.tracing.query;

/** A query parameter is wrong; the message names it and says what is accepted. Answered with 400. */
public class InvalidParameterException extends RuntimeException {
  private final String parameter;

  public InvalidParameterException(String parameter, String message) {
    super(message);
    this.parameter = parameter;
  }

  public String parameter() {
    return parameter;
  }
}
