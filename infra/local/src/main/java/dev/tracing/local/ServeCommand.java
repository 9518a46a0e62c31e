package dev.tracing.local;

import dev.tracing.dynamodblocal.LocalDynamoDb;
import dev.tracing.model.Project;
import dev.tracing.config.TracingConfig;
import java.io.IOException;
import java.io.PrintStream;
import java.net.BindException;
import java.net.URI;
import java.nio.channels.FileChannel;
import java.nio.channels.OverlappingFileLockException;
import java.nio.file.AccessDeniedException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CountDownLatch;

/** {@code serve}: runs the local stack until interrupted. */
final class ServeCommand {
  private ServeCommand() {
  }

  static int run(List<String> argv, PrintStream out, PrintStream err) {
    Args args = Args.parse(argv, Set.of("--port", "--data-dir", "--dynamodb-port", "--dynamodb-endpoint", "--table"), Set.of());
    if (!args.words.isEmpty()) {
      throw new Args.UsageException("serve takes no arguments, got '" + args.words.get(0) + "'");
    }
    if (args.has("--dynamodb-port") && args.has("--dynamodb-endpoint")) {
      throw new Args.UsageException("give either --dynamodb-port or --dynamodb-endpoint, not both");
    }
    int port = port(args.number("--port", 8080), "--port");
    int dynamoPort = port(args.number("--dynamodb-port", 8000), "--dynamodb-port");
    URI endpoint = args.has("--dynamodb-endpoint")
        ? Args.endpoint("--dynamodb-endpoint", args.required("--dynamodb-endpoint")) : null;
    Path dataDir = Path.of(args.get("--data-dir", "./data")).toAbsolutePath().normalize();
    LocalStack.Options options = new LocalStack.Options(port, dataDir, dynamoPort, endpoint,
        args.get("--table", TracingConfig.DEFAULT_TABLE), true, Duration.ofSeconds(10), Duration.ofSeconds(5));
    FileChannel lock = null;
    if (endpoint == null) {
      try {
        lock = lockDataDir(dataDir);
      } catch (IOException e) {
        String why = e instanceof AccessDeniedException ? "permission denied"
            : e instanceof FileAlreadyExistsException ? "a file is there, not a directory" : e.getMessage();
        err.println("error: cannot use the data directory " + dataDir + ": " + why + " (pass a --data-dir you may write to)");
        return 1;
      }
      if (lock == null) {
        err.println("error: the data directory " + dataDir + " is in use by another 'serve': stop that one, or pass another"
            + " --data-dir");
        return 1;
      }
    }
    try {
      return serve(options, port, endpoint, dataDir, out, err);
    } finally {
      release(lock);
    }
  }

  /** Releases the data directory for the next 'serve' (the process's end would too). */
  private static void release(FileChannel lock) {
    if (lock != null) {
      try {
        lock.close();
      } catch (IOException ignored) {
        // released when the process ends
      }
    }
  }

  /** Starts the stack and serves until the process is stopped; the exit code. */
  private static int serve(LocalStack.Options options, int port, URI endpoint, Path dataDir, PrintStream out, PrintStream err) {
    LocalStack stack;
    try {
      stack = LocalStack.start(options);
    } catch (BindException e) {
      err.println("error: port " + port + " is in use: pass --port with another port, or --port 0 for any free one");
      return 1;
    } catch (LocalDynamoDb.LocalDynamoDbException e) {
      err.println("error: " + e.getMessage());
      return 1;
    } catch (IOException | RuntimeException e) {
      err.println("error: the local stack did not start: " + e.getMessage());
      return 1;
    }
    CountDownLatch stopped = new CountDownLatch(1);
    Runtime.getRuntime().addShutdownHook(new Thread(() -> {
      stack.close();
      stopped.countDown();
    }, "tracing-local-shutdown"));
    printWelcome(stack, out, endpoint == null ? "local DynamoDB (data in " + dataDir.resolve("dynamodb") + ")" : endpoint.toString());
    out.println("tracing local stack ready at " + stack.baseUri() + "/ (DynamoDB " + stack.dynamoEndpoint()
        + "); press Ctrl+C to stop");
    out.flush();
    try {
      stopped.await();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    return 0;
  }

  /**
   * Locks {@code serve.lock} in the data directory for as long as this process serves, so that a
   * second 'serve' on the same data says so instead of fighting over the local DynamoDB's files.
   *
   * @return the open channel holding the lock, or {@code null} when another process (or this one) holds it
   */
  private static FileChannel lockDataDir(Path dataDir) throws IOException {
    Files.createDirectories(dataDir);
    FileChannel channel = FileChannel.open(dataDir.resolve("serve.lock"), StandardOpenOption.CREATE, StandardOpenOption.WRITE);
    try {
      if (channel.tryLock() != null) {
        return channel;
      }
    } catch (OverlappingFileLockException inThisProcess) {
      // another 'serve' in this JVM holds it
    }
    channel.close();
    return null;
  }

  private static void printWelcome(LocalStack stack, PrintStream out, String store) {
    out.println("Storage: " + store);
    LocalStack.Demo demo = stack.demo();
    if (demo != null) {
      Project p = demo.project();
      out.println();
      out.println("Created demo project " + p.projectId() + " (namespace " + p.namespaceId() + ") and an access token with"
          + " every scope. The token is shown only now. To send traces, set:");
      out.println();
      out.println("  export OTEL_EXPORTER=otlphttp");
      out.println("  export OTEL_TRACES_EXPORTER=otlp");
      out.println("  export OTEL_METRICS_EXPORTER=none");
      out.println("  export OTEL_LOGS_EXPORTER=none");
      out.println("  export OTEL_EXPORTER_OTLP_TRACES_PROTOCOL=http/protobuf");
      out.println("  export OTEL_EXPORTER_OTLP_TRACES_ENDPOINT=" + stack.ingestUrl(p));
      out.println("  export OTEL_EXPORTER_OTLP_TRACES_HEADERS=PRIVATE-TOKEN=" + demo.token());
      out.println();
      out.println("Open " + stack.baseUri() + "/ and sign in with project " + p.projectId() + " and the token above.");
    } else {
      out.println("Projects exist already; create a token with:");
      out.println("  java -jar infra/local/target/tracing-local.jar admin --endpoint " + stack.dynamoEndpoint()
          + " token create --project <id> --scopes read_api,read_observability,write_observability");
    }
    out.println();
  }

  private static int port(long p, String name) {
    if (p < 0 || p > 65535) {
      throw new Args.UsageException(name + " must be between 0 and 65535");
    }
    return (int) p;
  }
}
