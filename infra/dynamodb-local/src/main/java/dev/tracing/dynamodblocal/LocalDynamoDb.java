package dev.tracing.dynamodblocal;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.DirectoryNotEmptyException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * A local, DynamoDB-API-compatible server on loopback: dynalite (Apache-2.0, LevelDB storage),
 * bundled into this jar from the npm registry at build time and run with the machine's Node.js.
 *
 * <p>Why not Amazon's DynamoDB Local: its Maven artifact is under the vendor's own licence, not an
 * open-source one, so the project neither ships nor depends on it. dynalite implements
 * the same wire API (tables, GSIs, condition and update expressions, batches, consumed capacity)
 * except transactions and the TTL setting, which the application therefore does not rely on.
 * The application only ever talks to an endpoint URL, so any DynamoDB (AWS, Amazon's DynamoDB
 * Local, LocalStack) can replace it with {@code --dynamodb-endpoint}.
 *
 * <p>Like DynamoDB Local, it never deletes items whose TTL has passed: reads must filter them.
 * The process exits by itself when the JVM that started it dies (it watches its stdin).
 */
public final class LocalDynamoDb implements AutoCloseable {

  private static final String BUNDLE = "/dev/tracing/dynamodblocal/bundle/";
  private static final int MIN_NODE_MAJOR = 20;

  private final Process process;
  private final int port;
  private final Path dataDir;

  private LocalDynamoDb(Process process, int port, Path dataDir) {
    this.process = process;
    this.port = port;
    this.dataDir = dataDir;
  }

  /** Starts an in-memory instance on a free loopback port: for tests. */
  public static LocalDynamoDb startInMemory() {
    return start(null, 0);
  }

  /**
   * Starts an instance on loopback.
   *
   * @param dataDir where LevelDB keeps the tables (created if missing); {@code null} for memory only
   * @param port the port to listen on, 0 for any free one ({@link #port()} tells which)
   */
  public static LocalDynamoDb start(Path dataDir, int port) {
    String node = findNode();
    Path home = unpackBundle();
    List<String> command = new ArrayList<>(List.of(node, home.resolve("start.js").toString(), Integer.toString(port)));
    if (dataDir != null) {
      try {
        Files.createDirectories(dataDir);
      } catch (IOException e) {
        throw new LocalDynamoDbException("cannot create the DynamoDB data directory " + dataDir + ": " + e.getMessage(), e);
      }
      command.add(dataDir.toAbsolutePath().toString());
    }
    Process process;
    try {
      process = new ProcessBuilder(command).redirectError(ProcessBuilder.Redirect.INHERIT).start();
    } catch (IOException e) {
      throw new LocalDynamoDbException("cannot start the local DynamoDB with " + node + ": " + e.getMessage(), e);
    }
    int actualPort = awaitPort(process, port);
    return new LocalDynamoDb(process, actualPort, dataDir);
  }

  public int port() {
    return port;
  }

  public URI endpoint() {
    return URI.create("http://127.0.0.1:" + port);
  }

  public Path dataDir() {
    return dataDir;
  }

  public boolean isAlive() {
    return process.isAlive();
  }

  /** Waits until the server's process ends, and returns its exit code. */
  public int waitFor() throws InterruptedException {
    return process.waitFor();
  }

  /** The server's process id, so fault-injection tests can kill it hard. */
  public long pid() {
    return process.pid();
  }

  @Override
  public void close() {
    if (!process.isAlive()) {
      return;
    }
    process.destroy(); // SIGTERM: dynalite closes LevelDB cleanly
    try {
      if (!process.waitFor(5, TimeUnit.SECONDS)) {
        process.destroyForcibly().waitFor(5, TimeUnit.SECONDS);
      }
    } catch (InterruptedException e) {
      process.destroyForcibly();
      Thread.currentThread().interrupt();
    }
  }

  private static int awaitPort(Process process, int requested) {
    // one reader for the server's output: it reports the port, then discards the rest (dynalite
    // prints nothing useful after start-up) so the process never blocks on a full pipe
    CompletableFuture<Integer> listening = new CompletableFuture<>();
    Thread reader = new Thread(() -> {
      try (BufferedReader out = new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8))) {
        for (String line = out.readLine(); line != null; line = out.readLine()) {
          if (!listening.isDone() && line.startsWith("LISTENING ")) {
            listening.complete(Integer.parseInt(line.substring("LISTENING ".length()).trim()));
          }
        }
      } catch (IOException | NumberFormatException e) {
        // the process ended, or printed something else than its port
      }
      listening.complete(-1);
    }, "local-dynamodb-stdout");
    reader.setDaemon(true);
    reader.start();
    try {
      int p = listening.get(30, TimeUnit.SECONDS);
      if (p > 0) {
        return p;
      }
    } catch (TimeoutException | java.util.concurrent.ExecutionException e) {
      // fall through to the error below
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    process.destroyForcibly();
    throw new LocalDynamoDbException("the local DynamoDB did not start listening"
        + (requested > 0 ? " on port " + requested + " (is the port in use?)" : "")
        + "; see its error output above");
  }

  static String findNode() {
    String configured = System.getenv("TRACING_NODE");
    String node = configured != null && !configured.isBlank() ? configured : "node";
    String version;
    try {
      Process p = new ProcessBuilder(node, "--version").redirectErrorStream(true).start();
      version = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8).trim();
      if (!p.waitFor(10, TimeUnit.SECONDS) || p.exitValue() != 0) {
        throw new IOException("exit " + p.exitValue());
      }
    } catch (IOException e) {
      throw new LocalDynamoDbException("Node.js " + MIN_NODE_MAJOR + "+ is needed to run the local DynamoDB (dynalite) but '"
          + node + "' could not be run (" + e.getMessage() + "). Install Node.js (Debian: apt-get install nodejs), set TRACING_NODE"
          + " to its path, or point the stack at an existing DynamoDB with --dynamodb-endpoint URL.", e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new LocalDynamoDbException("interrupted while checking Node.js", e);
    }
    int major = parseMajor(version);
    if (major < MIN_NODE_MAJOR) {
      throw new LocalDynamoDbException("Node.js " + MIN_NODE_MAJOR + "+ is needed to run the local DynamoDB (dynalite); '" + node
          + "' is " + version + ". Upgrade it, set TRACING_NODE, or use --dynamodb-endpoint URL.");
    }
    return node;
  }

  static int parseMajor(String version) {
    String v = version.startsWith("v") ? version.substring(1) : version;
    int dot = v.indexOf('.');
    try {
      return Integer.parseInt(dot < 0 ? v : v.substring(0, dot));
    } catch (NumberFormatException e) {
      return -1;
    }
  }

  /**
   * Copies the bundled dynalite tree out of the class path once per content version, into a
   * cache folder shared by every process of this user; concurrent first starts each unpack into a
   * private folder and the first atomic rename wins.
   */
  static Path unpackBundle() {
    List<String> files = readIndex();
    String version = digest(files);
    Path cacheRoot = cacheRoot();
    Path target = cacheRoot.resolve("dynalite-" + version);
    if (Files.isRegularFile(target.resolve("start.js"))) {
      return target;
    }
    try {
      Files.createDirectories(cacheRoot);
      Path staging = Files.createTempDirectory(cacheRoot, "unpack-");
      for (String file : files) {
        Path dest = staging.resolve(file);
        Path dir = dest.getParent();
        if (dir != null) {
          Files.createDirectories(dir);
        }
        try (InputStream in = LocalDynamoDb.class.getResourceAsStream(BUNDLE + file)) {
          if (in == null) {
            throw new LocalDynamoDbException("the dynalite bundle is incomplete: " + file + " is missing; rebuild with mvn package");
          }
          Files.copy(in, dest, StandardCopyOption.REPLACE_EXISTING);
        }
      }
      try {
        Files.move(staging, target, StandardCopyOption.ATOMIC_MOVE);
      } catch (FileAlreadyExistsException | DirectoryNotEmptyException | AtomicMoveNotSupportedException e) {
        deleteTree(staging); // another process won the race; its copy is identical
      }
      return target;
    } catch (IOException e) {
      throw new UncheckedIOException("cannot unpack the local DynamoDB into " + cacheRoot, e);
    }
  }

  private static Path cacheRoot() {
    String configured = System.getenv("TRACING_CACHE_DIR");
    if (configured != null && !configured.isBlank()) {
      return Path.of(configured);
    }
    return Path.of(System.getProperty("java.io.tmpdir"), "tracing-cache-" + System.getProperty("user.name", "user"));
  }

  private static List<String> readIndex() {
    try (InputStream in = LocalDynamoDb.class.getResourceAsStream(BUNDLE + "index.txt")) {
      if (in == null) {
        throw new LocalDynamoDbException("the dynalite bundle is missing from the class path; build with mvn package");
      }
      return new String(in.readAllBytes(), StandardCharsets.UTF_8).lines().filter(l -> !l.isBlank()).toList();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static String digest(List<String> files) {
    try {
      MessageDigest sha = MessageDigest.getInstance("SHA-256");
      for (String f : files) {
        sha.update(f.getBytes(StandardCharsets.UTF_8));
        sha.update((byte) '\n');
      }
      try (InputStream in = LocalDynamoDb.class.getResourceAsStream(BUNDLE + "start.js")) {
        if (in != null) {
          sha.update(in.readAllBytes());
        }
      }
      return HexFormat.of().formatHex(sha.digest()).substring(0, 16);
    } catch (NoSuchAlgorithmException | IOException e) {
      throw new IllegalStateException(e);
    }
  }

  private static void deleteTree(Path root) throws IOException {
    try (var walk = Files.walk(root)) {
      for (Path p : walk.sorted(java.util.Comparator.reverseOrder()).toList()) {
        Files.deleteIfExists(p);
      }
    }
  }

  /** The local DynamoDB could not be started; the message says what to do. */
  public static final class LocalDynamoDbException extends RuntimeException {
    public LocalDynamoDbException(String message) {
      super(message);
    }

    public LocalDynamoDbException(String message, Throwable cause) {
      super(message, cause);
    }
  }
}
