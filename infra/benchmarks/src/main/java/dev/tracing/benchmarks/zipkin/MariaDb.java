package dev.tracing.benchmarks.zipkin;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.jar.JarFile;
import java.util.zip.ZipEntry;
import java.util.zip.ZipInputStream;

/**
 * A throwaway MariaDB server (Debian's {@code mariadb-server} package) for Zipkin's MySQL storage:
 * its own data folder, loopback TCP on a free port, Zipkin's schema ({@code mysql.sql} from the
 * Zipkin jar) loaded, a {@code zipkin} user. Stopped and left for the caller to delete.
 */
public final class MariaDb implements AutoCloseable {
  private final Process process;
  private final int port;
  private final String version;

  private MariaDb(Process process, int port, String version) {
    this.process = process;
    this.port = port;
    this.version = version;
  }

  public static MariaDb start(Path dir, Path zipkinJar) throws IOException {
    String server = which("mariadbd", "mysqld");
    String install = which("mariadb-install-db", "mysql_install_db");
    String client = which("mariadb", "mysql");
    if (server == null || install == null || client == null) {
      throw new IOException("MariaDB is not installed (Debian: apt-get install mariadb-server)");
    }
    Files.createDirectories(dir);
    Path data = dir.resolve("data");
    Path socket = dir.resolve("mysqld.sock");
    exec(dir, List.of(install, "--no-defaults", "--datadir=" + data, "--user=root", "--auth-root-authentication-method=normal",
        "--skip-test-db"), 120);
    int port;
    try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      port = s.getLocalPort();
    }
    Process p = new ProcessBuilder(server, "--no-defaults", "--datadir=" + data, "--socket=" + socket, "--port=" + port,
        "--bind-address=127.0.0.1", "--user=root", "--skip-name-resolve", "--innodb-buffer-pool-size=512M",
        "--innodb-flush-log-at-trx-commit=1", "--pid-file=" + dir.resolve("mysqld.pid"), "--log-error=" + dir.resolve("error.log"))
        .redirectErrorStream(true).redirectOutput(dir.resolve("stdout.log").toFile()).start();
    MariaDb db = new MariaDb(p, port, "");
    try {
      long deadline = System.nanoTime() + 60_000_000_000L;
      while (!Files.exists(socket)) {
        if (!p.isAlive() || System.nanoTime() > deadline) {
          throw new IOException("MariaDB did not start; see " + dir.resolve("error.log"));
        }
        Thread.sleep(200);
      }
      Thread.sleep(500);
      sql(client, socket, null, "CREATE DATABASE zipkin; CREATE USER 'zipkin'@'127.0.0.1' IDENTIFIED BY 'zipkin';"
          + " GRANT ALL ON zipkin.* TO 'zipkin'@'127.0.0.1'; FLUSH PRIVILEGES;");
      sql(client, socket, "zipkin", schema(zipkinJar));
      String version = sql(client, socket, null, "SELECT VERSION();").lines().reduce((a, b) -> b).orElse("?").trim();
      return new MariaDb(p, port, version);
    } catch (IOException | RuntimeException e) {
      db.close();
      throw e;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      db.close();
      throw new IOException("interrupted", e);
    }
  }

  public Map<String, String> zipkinEnv() {
    return Map.of("STORAGE_TYPE", "mysql", "MYSQL_HOST", "127.0.0.1", "MYSQL_TCP_PORT", Integer.toString(port), "MYSQL_USER", "zipkin",
        "MYSQL_PASS", "zipkin", "MYSQL_DB", "zipkin");
  }

  public String version() {
    return version;
  }

  public long pid() {
    return process.pid();
  }

  /** Zipkin's MySQL schema, read from the storage jar nested in the Zipkin exec jar. */
  static String schema(Path zipkinJar) throws IOException {
    try (JarFile jar = new JarFile(zipkinJar.toFile())) {
      ZipEntry nested = jar.stream().filter(e -> e.getName().matches("BOOT-INF/lib/zipkin-storage-mysql-v1-.*\\.jar")).findFirst()
          .orElseThrow(() -> new IOException("no MySQL storage in " + zipkinJar));
      try (ZipInputStream in = new ZipInputStream(jar.getInputStream(nested))) {
        ZipEntry e;
        while ((e = in.getNextEntry()) != null) {
          if (e.getName().equals("mysql.sql")) {
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
          }
        }
      }
    }
    throw new IOException("mysql.sql not found in " + zipkinJar);
  }

  private static String sql(String client, Path socket, String db, String sql) throws IOException {
    List<String> cmd = new java.util.ArrayList<>(List.of(client, "--no-defaults", "--socket=" + socket, "-uroot", "-N"));
    if (db != null) {
      cmd.add(db);
    }
    Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
    p.getOutputStream().write(sql.getBytes(StandardCharsets.UTF_8));
    p.getOutputStream().close();
    String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    try {
      if (!p.waitFor(60, TimeUnit.SECONDS) || p.exitValue() != 0) {
        throw new IOException("SQL failed: " + out);
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IOException("interrupted", e);
    }
    return out;
  }

  private static void exec(Path dir, List<String> cmd, int seconds) throws IOException {
    Process p = new ProcessBuilder(cmd).directory(dir.toFile()).redirectErrorStream(true).start();
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    try (InputStream in = p.getInputStream()) {
      in.transferTo(out);
    }
    try {
      if (!p.waitFor(seconds, TimeUnit.SECONDS) || p.exitValue() != 0) {
        throw new IOException(cmd.get(0) + " failed: " + out);
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IOException("interrupted", e);
    }
  }

  private static String which(String... names) {
    for (String n : names) {
      for (String dir : List.of("/usr/sbin", "/usr/bin", "/usr/local/bin", "/usr/local/sbin")) {
        if (Files.isExecutable(Path.of(dir, n))) {
          return Path.of(dir, n).toString();
        }
      }
    }
    return null;
  }

  @Override
  public void close() {
    Processes.stop(process, 30);
  }

}
