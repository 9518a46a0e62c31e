package dev.tracing.api;

/** Decimal ids from API paths. */
final class PathIds {
  private PathIds() {
  }

  /**
   * @return the id, or {@code null} when the segment is not a positive decimal integer
   */
  public static Long parse(String segment) {
    if (segment == null || segment.isEmpty() || segment.length() > 18) {
      return null;
    }
    for (int i = 0; i < segment.length(); i++) {
      if (segment.charAt(i) < '0' || segment.charAt(i) > '9') {
        return null;
      }
    }
    long id = Long.parseLong(segment);
    return id > 0 ? id : null;
  }
}
