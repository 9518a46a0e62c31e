package dev.tracing.local;

import java.net.URI;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/** A small command-line parser: {@code --name value} options, {@code --flag} switches, and words. */
final class Args {
  final Map<String, String> options = new LinkedHashMap<>();
  final List<String> words = new ArrayList<>();

  /**
   * @param switches options that take no value
   * @throws UsageException for an unknown option or a missing value
   */
  static Args parse(List<String> argv, Set<String> valued, Set<String> switches) {
    Args a = new Args();
    for (int i = 0; i < argv.size(); i++) {
      String arg = argv.get(i);
      if (arg.startsWith("--")) {
        String name = arg;
        String value = null;
        int eq = arg.indexOf('=');
        if (eq > 0) {
          name = arg.substring(0, eq);
          value = arg.substring(eq + 1);
        }
        if (switches.contains(name)) {
          a.options.put(name, "true");
        } else if (valued.contains(name)) {
          if (value == null) {
            if (i + 1 >= argv.size() || argv.get(i + 1).startsWith("--")) {
              throw new UsageException("option " + name + " needs a value");
            }
            value = argv.get(++i);
          }
          a.options.put(name, value);
        } else {
          throw new UsageException("unknown option " + name);
        }
      } else {
        a.words.add(arg);
      }
    }
    return a;
  }

  /** An endpoint option's URL, or a usage error naming the option. */
  static URI endpoint(String option, String url) {
    try {
      URI uri = URI.create(url);
      if (uri.getScheme() == null || uri.getHost() == null) {
        throw new IllegalArgumentException();
      }
      return uri;
    } catch (IllegalArgumentException e) {
      throw new UsageException(option + " must be a URL such as http://127.0.0.1:8000, got '" + url + "'");
    }
  }

  boolean has(String name) {
    return options.containsKey(name);
  }

  String get(String name, String fallback) {
    return options.getOrDefault(name, fallback);
  }

  String required(String name) {
    String v = options.get(name);
    if (v == null || v.isBlank()) {
      throw new UsageException("option " + name + " is required");
    }
    return v;
  }

  long number(String name, long fallback) {
    String v = options.get(name);
    if (v == null) {
      return fallback;
    }
    try {
      return Long.parseLong(v.trim());
    } catch (NumberFormatException e) {
      throw new UsageException("option " + name + " must be a whole number, got '" + v + "'");
    }
  }

  /** A mistake in the command line: the message says which and what is expected. */
  static final class UsageException extends RuntimeException {
    UsageException(String message) {
      super(message);
    }
  }
}
