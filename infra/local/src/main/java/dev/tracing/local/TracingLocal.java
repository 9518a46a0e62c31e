package dev.tracing.local;

import java.io.PrintStream;
import java.util.Arrays;
import java.util.List;

/** {@code java -jar tracing-local.jar serve|admin ...}: the local stack and the operator command line. */
public final class TracingLocal {
  static final String USAGE = """
      usage:
        java -jar tracing-local.jar serve [--port 8080] [--data-dir ./data]
                                          [--dynamodb-port 8000 | --dynamodb-endpoint URL]
        java -jar tracing-local.jar admin [--endpoint URL | --aws] [--table NAME] [--region R] <command> [--json]
          project create --namespace N --name NAME
          project list
          project set-limit --project P --bytes-per-minute B
          token create --project P --scopes read_api,read_observability,write_observability [--name NAME] [--expires YYYY-MM-DD]
          token list --project P
          token revoke --project P --id ID
      """;

  private TracingLocal() {
  }

  public static void main(String[] argv) {
    System.exit(run(Arrays.asList(argv), System.out, System.err));
  }

  /** Runs a command; returns the process exit code (0 ok, 1 failure, 2 usage). */
  static int run(List<String> argv, PrintStream out, PrintStream err) {
    if (argv.isEmpty() || argv.get(0).equals("--help") || argv.get(0).equals("-h") || argv.get(0).equals("help")) {
      (argv.isEmpty() ? err : out).print(USAGE);
      return argv.isEmpty() ? 2 : 0;
    }
    try {
      return switch (argv.get(0)) {
        case "serve" -> ServeCommand.run(argv.subList(1, argv.size()), out, err);
        case "admin" -> AdminCommand.run(argv.subList(1, argv.size()), out, err);
        default -> throw new Args.UsageException("unknown command '" + argv.get(0) + "': use serve or admin");
      };
    } catch (Args.UsageException e) {
      err.println("error: " + e.getMessage());
      err.print(USAGE);
      return 2;
    }
  }
}
