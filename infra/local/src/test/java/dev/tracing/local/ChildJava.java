package dev.tracing.local;

import static org.junit.jupiter.api.Assertions.fail;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;

/**
 * A child JVM on the test class path, started as a user would start a program: its own process,
 * configured by arguments and environment variables only. Output is collected on background
 * threads so the child never blocks on a full pipe; {@link #close()} always ends the child and
 * anything it started.
 */
final class ChildJava implements AutoCloseable {
  private final String name;
  private final Process process;
  private final StringBuffer stdout = new StringBuffer();
  private final StringBuffer stderr = new StringBuffer();
  private final BlockingQueue<String> lines = new LinkedBlockingQueue<>();
  private final List<Thread> readers = new ArrayList<>();

  private ChildJava(String name, Process process) {
    this.name = name;
    this.process = process;
    readers.add(pump(process.getInputStream(), stdout, lines));
    readers.add(pump(process.getErrorStream(), stderr, null));
  }

  /** The test class path, also under surefire's manifest-only booter jar. */
  static String testClassPath() {
    String cp = System.getProperty("surefire.test.class.path");
    return cp != null && !cp.isBlank() ? cp : System.getProperty("java.class.path");
  }

  /**
   * Starts {@code java -cp <test class path> mainClass args...} with the environment of this JVM
   * minus every {@code OTEL_*} variable, plus {@code env}.
   */
  static ChildJava start(String mainClass, List<String> args, Map<String, String> env) {
    List<String> command = new ArrayList<>();
    command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
    command.add("-Xshare:auto");
    command.add("-XX:TieredStopAtLevel=1");
    command.add("-cp");
    command.add(testClassPath());
    command.add(mainClass);
    command.addAll(args);
    ProcessBuilder pb = new ProcessBuilder(command);
    pb.environment().keySet().removeIf(k -> k.startsWith("OTEL_"));
    pb.environment().putAll(env);
    try {
      return new ChildJava(mainClass.substring(mainClass.lastIndexOf('.') + 1), pb.start());
    } catch (IOException e) {
      throw new UncheckedIOException("cannot start " + command, e);
    }
  }

  private Thread pump(InputStream in, StringBuffer sink, BlockingQueue<String> queue) {
    Thread t = new Thread(() -> {
      try (BufferedReader r = new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8))) {
        for (String line; (line = r.readLine()) != null; ) {
          sink.append(line).append('\n');
          if (queue != null) {
            queue.add(line);
          }
        }
      } catch (IOException e) {
        // the child went away; what was read is kept
      }
    }, name + "-output");
    t.setDaemon(true);
    t.start();
    return t;
  }

  /** Waits for a stdout line (returned); fails with the child's output when it does not come. */
  String awaitLine(Predicate<String> wanted, Duration timeout) {
    long deadline = System.nanoTime() + timeout.toNanos();
    try {
      while (true) {
        String line = lines.poll(100, TimeUnit.MILLISECONDS);
        if (line != null && wanted.test(line)) {
          return line;
        }
        if (line == null && !process.isAlive() && lines.isEmpty()) {
          awaitReaders();
          String rest = drainMatching(wanted);
          if (rest != null) {
            return rest;
          }
          fail(name + " exited with " + process.exitValue() + " before printing the expected line\n" + output());
        }
        if (System.nanoTime() > deadline) {
          fail(name + " did not print the expected line within " + timeout + "\n" + output());
        }
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }

  private String drainMatching(Predicate<String> wanted) {
    for (String line; (line = lines.poll()) != null; ) {
      if (wanted.test(line)) {
        return line;
      }
    }
    return null;
  }

  /** Waits for the child to exit by itself and returns its exit code; kills it and fails on timeout. */
  int awaitExit(Duration timeout) {
    try {
      if (!process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
        close();
        fail(name + " did not exit within " + timeout + "\n" + output());
      }
      awaitReaders();
      return process.exitValue();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }

  /** Asks the child to stop (SIGTERM, so shutdown hooks run) and waits; returns the exit code. */
  int stop(Duration timeout) {
    process.destroy();
    return awaitExit(timeout);
  }

  private void awaitReaders() throws InterruptedException {
    for (Thread t : readers) {
      t.join(5_000);
    }
  }

  boolean isAlive() {
    return process.isAlive();
  }

  long pid() {
    return process.pid();
  }

  String stdout() {
    return stdout.toString();
  }

  String stderr() {
    return stderr.toString();
  }

  String output() {
    return "--- " + name + " stdout ---\n" + stdout + "--- " + name + " stderr ---\n" + stderr;
  }

  /** Ends the child (and what it started, such as the local DynamoDB) if it still runs. */
  @Override
  public void close() {
    List<ProcessHandle> descendants = process.descendants().toList();
    if (process.isAlive()) {
      process.destroyForcibly();
      try {
        process.waitFor(10, TimeUnit.SECONDS);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }
    for (ProcessHandle h : descendants) {
      if (h.isAlive()) {
        h.destroyForcibly();
      }
    }
  }
}
