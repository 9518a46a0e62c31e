package dev.tracing.benchmarks.zipkin;

import java.util.concurrent.TimeUnit;

/** Stopping the servers this package starts. */
final class Processes {
  private Processes() {
  }

  /** Asks the process to end, waits up to {@code graceSeconds}, then kills it. */
  static void stop(Process process, int graceSeconds) {
    if (!process.isAlive()) {
      return;
    }
    process.destroy();
    try {
      if (!process.waitFor(graceSeconds, TimeUnit.SECONDS)) {
        process.destroyForcibly().waitFor(5, TimeUnit.SECONDS);
      }
    } catch (InterruptedException e) {
      process.destroyForcibly();
      Thread.currentThread().interrupt();
    }
  }
}
