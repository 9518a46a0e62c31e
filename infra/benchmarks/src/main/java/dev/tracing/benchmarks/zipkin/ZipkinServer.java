package dev.tracing.benchmarks.zipkin;

import java.io.IOException;
import java.net.ServerSocket;
import java.net.InetAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Zipkin server (the Maven Central {@code io.zipkin:zipkin-server} exec jar) as a child process
 * bound to 127.0.0.1 on a free port, for the comparisons. Its log goes to a file beside the data.
 */
public final class ZipkinServer implements AutoCloseable {
  private final Process process;
  private final URI base;
  private final Path log;

  private ZipkinServer(Process process, URI base, Path log) {
    this.process = process;
    this.base = base;
    this.log = log;
  }

  /** The jar: {@code -Dtracing.benchmarks.zipkinJar}, else {@code zipkin/zipkin-server.jar} beside this module's jar or classes. */
  public static Path locateJar() {
    String configured = System.getProperty("tracing.benchmarks.zipkinJar");
    if (configured != null && !configured.isBlank()) {
      return Path.of(configured);
    }
    Path fallback = Path.of("infra/benchmarks/target/zipkin/zipkin-server.jar");
    try {
      Path dir = Path.of(ZipkinServer.class.getProtectionDomain().getCodeSource().getLocation().toURI()).getParent();
      return dir == null ? fallback : dir.resolve("zipkin").resolve("zipkin-server.jar");
    } catch (Exception e) {
      return fallback;
    }
  }

  /**
   * @param env storage settings, e.g. {@code STORAGE_TYPE=mem}
   * @param heap the JVM's -Xmx, e.g. {@code 2g}
   */
  public static ZipkinServer start(Path jar, Map<String, String> env, String heap, Path logFile) throws IOException {
    if (!Files.isRegularFile(jar)) {
      throw new IOException("Zipkin server jar not found at " + jar + " (mvn -pl infra/benchmarks package copies it there)");
    }
    int port;
    try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      port = s.getLocalPort();
    }
    List<String> command = new ArrayList<>(List.of(
        Path.of(System.getProperty("java.home"), "bin", "java").toString(), "-Xms" + heap, "-Xmx" + heap, "-XX:+UseG1GC",
        "-jar", jar.toString(),
        "--armeria.ports[0].ip=127.0.0.1", "--armeria.ports[0].port=" + port, "--armeria.ports[0].protocols[0]=http"));
    ProcessBuilder pb = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(logFile.toFile());
    pb.environment().putAll(env);
    pb.environment().put("QUERY_PORT", Integer.toString(port));
    pb.environment().put("SELF_TRACING_ENABLED", "false");
    pb.environment().put("COLLECTOR_SCRIBE_ENABLED", "false");
    Process process = pb.start();
    ZipkinServer server = new ZipkinServer(process, URI.create("http://127.0.0.1:" + port), logFile);
    server.awaitHealthy(Duration.ofSeconds(120));
    return server;
  }

  private void awaitHealthy(Duration timeout) throws IOException {
    HttpClient client = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();
    long deadline = System.nanoTime() + timeout.toNanos();
    while (System.nanoTime() < deadline) {
      if (!process.isAlive()) {
        throw new IOException("Zipkin exited with " + process.exitValue() + "; see " + log);
      }
      try {
        HttpResponse<String> r = client.send(HttpRequest.newBuilder(base.resolve("/health")).timeout(Duration.ofSeconds(2)).build(),
            HttpResponse.BodyHandlers.ofString());
        if (r.statusCode() == 200 && r.body().contains("UP")) {
          return;
        }
      } catch (IOException e) {
        // not listening yet
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new IOException("interrupted while waiting for Zipkin", e);
      }
      try {
        Thread.sleep(250);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new IOException("interrupted while waiting for Zipkin", e);
      }
    }
    close();
    throw new IOException("Zipkin did not become healthy within " + timeout.toSeconds() + " s; see " + log);
  }

  public URI base() {
    return base;
  }

  public long pid() {
    return process.pid();
  }

  @Override
  public void close() {
    Processes.stop(process, 10);
  }
}
