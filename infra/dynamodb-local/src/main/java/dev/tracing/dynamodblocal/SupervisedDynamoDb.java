package dev.tracing.dynamodblocal;

import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * A {@link LocalDynamoDb} that is started again whenever its process ends without being closed:
 * on the same loopback port (so clients keep their endpoint) and the same data directory (so every
 * write it acknowledged before it died is there again; LevelDB's log survives the process).
 * While it is down, requests fail and the functions answer 503; once it is back they are served
 * again. Each restart is logged, with the exit code and the new process id.
 *
 * <p>In memory ({@code dataDir == null}) a restart comes back empty, and the log says so; the
 * {@code afterRestart} hook (e.g. creating the table) runs after every restart either way.
 */
public final class SupervisedDynamoDb implements AutoCloseable {
  private static final Logger LOG = Logger.getLogger(SupervisedDynamoDb.class.getName());
  /** Waits between failed restart attempts: short first, then at most this. */
  static final Duration MAX_BACKOFF = Duration.ofSeconds(5);
  /** How long closing waits for a restart under way to finish (it then stops what it started). */
  private static final Duration CLOSE_WAIT = Duration.ofSeconds(15);

  private final Path dataDir;
  private final int port;
  private final Runnable afterRestart;
  private final Thread watcher;
  private volatile LocalDynamoDb current;
  private volatile boolean closed;
  private final AtomicInteger restarts = new AtomicInteger();

  private SupervisedDynamoDb(LocalDynamoDb first, Path dataDir, Runnable afterRestart) {
    this.current = first;
    this.dataDir = dataDir;
    this.port = first.port();
    this.afterRestart = afterRestart;
    this.watcher = new Thread(this::watch, "local-dynamodb-supervisor");
    this.watcher.setDaemon(true);
  }

  /**
   * Starts the server and its supervision.
   *
   * @param dataDir where LevelDB keeps the tables; {@code null} for memory only
   * @param port the port, 0 for any free one; restarts reuse the port first chosen
   * @param afterRestart run after each restart, once the server listens again
   */
  public static SupervisedDynamoDb start(Path dataDir, int port, Runnable afterRestart) {
    SupervisedDynamoDb s = new SupervisedDynamoDb(LocalDynamoDb.start(dataDir, port), dataDir, afterRestart);
    s.watcher.start();
    return s;
  }

  private void watch() {
    while (!closed) {
      LocalDynamoDb db = current;
      int exit;
      try {
        exit = db.waitFor();
      } catch (InterruptedException e) {
        return; // closing
      }
      if (closed) {
        return;
      }
      long deadPid = db.pid();
      long backoffMillis = 100;
      while (!closed) {
        try {
          LocalDynamoDb restarted = LocalDynamoDb.start(dataDir, port);
          if (closed) {
            restarted.close();
            return;
          }
          current = restarted;
          LOG.log(Level.WARNING, "the local DynamoDB (pid {0}) ended with exit code {1}; restarted it on port {2,number,#}"
              + " (pid {3,number,#}) {4}", new Object[] {Long.toString(deadPid), exit, port, restarted.pid(),
              dataDir == null ? "in memory: the data it held is gone" : "with the same data in " + dataDir});
          runAfterRestart();
          restarts.incrementAndGet(); // counted once the hook has run: the server is then ready again
          break;
        } catch (RuntimeException e) {
          LOG.log(Level.WARNING, "the local DynamoDB (pid {0}) ended with exit code {1} and could not be restarted on port"
              + " {2,number,#} yet: {3}; retrying", new Object[] {Long.toString(deadPid), exit, port, e.getMessage()});
          try {
            Thread.sleep(backoffMillis);
          } catch (InterruptedException ie) {
            return;
          }
          backoffMillis = Math.min(backoffMillis * 2, MAX_BACKOFF.toMillis());
        }
      }
    }
  }

  private void runAfterRestart() {
    if (afterRestart == null) {
      return;
    }
    try {
      afterRestart.run();
    } catch (RuntimeException e) {
      LOG.log(Level.WARNING, "after restarting the local DynamoDB: " + e.getMessage(), e);
    }
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

  /** The id of the server's current process (it changes with each restart). */
  public long pid() {
    return current.pid();
  }

  public boolean isAlive() {
    return current.isAlive();
  }

  /** How many times the server was started again after its process ended (each counted once ready). */
  public int restarts() {
    return restarts.get();
  }

  @Override
  public void close() {
    closed = true;
    watcher.interrupt();
    try {
      watcher.join(CLOSE_WAIT.toMillis());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    current.close();
  }
}
