package dev.tracing.benchmarks.harness;

import dev.tracing.admin.ProjectAdmin;
import dev.tracing.benchmarks.zipkin.MariaDb;
import dev.tracing.benchmarks.zipkin.ZipkinServer;
import dev.tracing.local.LocalStack;
import dev.tracing.model.Project;
import dev.tracing.model.Scope;
import java.io.IOException;
import java.io.PrintStream;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Comparator;
import java.util.EnumSet;
import java.util.Map;
import java.util.stream.Stream;

/**
 * The servers parts 3 and 4 talk to, each on loopback: the local stack (every function behind
 * its HTTP gateway, dynalite persisting to a temporary folder), Zipkin with in-memory storage,
 * and, when MariaDB is installed and {@code --no-mysql} is not given, Zipkin on MySQL storage.
 * Closing stops every process started here and deletes the folder.
 */
public final class Stacks implements AutoCloseable {
  public final Path dir;
  public final LocalStack stack;
  public final Tenant e2e;
  public final Tenant query;
  public final ZipkinServer zipkin;
  public final MariaDb mariadb;
  public final ZipkinServer zipkinMysql;
  public final String mysqlSkipped;

  /** A project of the local stack with its token. */
  public record Tenant(Project project, String token, URI ingestUrl) {
  }

  private Stacks(Path dir, LocalStack stack, Tenant e2e, Tenant query, ZipkinServer zipkin, MariaDb mariadb, ZipkinServer zipkinMysql,
                 String mysqlSkipped) {
    this.dir = dir;
    this.stack = stack;
    this.e2e = e2e;
    this.query = query;
    this.zipkin = zipkin;
    this.mariadb = mariadb;
    this.zipkinMysql = zipkinMysql;
    this.mysqlSkipped = mysqlSkipped;
  }

  public static Stacks start(Config cfg, PrintStream out) throws IOException {
    Path dir = Files.createTempDirectory(cfg.workDir(), "tracing-bench-");
    LocalStack stack = null;
    ZipkinServer zipkin = null;
    MariaDb mariadb = null;
    ZipkinServer zipkinMysql = null;
    String skipped = null;
    try {
      stack = LocalStack.start(new LocalStack.Options(0, dir.resolve("local"), 0, null, "tracing", false, Duration.ofSeconds(10),
          Duration.ofSeconds(5)));
      out.println("local stack at " + stack.baseUri() + " (dynalite persisting under " + dir.resolve("local") + ")");
      ProjectAdmin admin = stack.admin();
      Tenant e2e = tenant(stack, admin, "bench-e2e");
      Tenant query = tenant(stack, admin, "bench-query");
      if (cfg.zipkin()) {
        Path jar = ZipkinServer.locateJar();
        zipkin = ZipkinServer.start(jar, Map.of("STORAGE_TYPE", "mem", "MEM_MAX_SPANS", "8000000"), cfg.smoke() ? "512m" : "6g",
            dir.resolve("zipkin-mem.log"));
        out.println("zipkin (in-memory storage) at " + zipkin.base());
        if (cfg.zipkinMysql()) {
          try {
            mariadb = MariaDb.start(dir.resolve("mariadb"), jar);
            zipkinMysql = ZipkinServer.start(jar, mariadb.zipkinEnv(), "1g", dir.resolve("zipkin-mysql.log"));
            out.println("zipkin (MySQL storage on MariaDB " + mariadb.version() + ") at " + zipkinMysql.base());
          } catch (IOException | RuntimeException e) {
            skipped = e.getMessage();
            out.println("zipkin on MySQL skipped: " + skipped);
            if (mariadb != null) {
              mariadb.close();
              mariadb = null;
            }
          }
        }
      }
      return new Stacks(dir, stack, e2e, query, zipkin, mariadb, zipkinMysql, skipped);
    } catch (IOException | RuntimeException e) {
      close(zipkinMysql, mariadb, zipkin, stack, dir);
      throw e;
    }
  }

  private static Tenant tenant(LocalStack stack, ProjectAdmin admin, String name) {
    Project p = admin.createProject(1, name);
    // no ingest limit for the benchmark's tenants: beyond what an operator may set, so on the store
    p = stack.tracing().projects().setLimit(p.projectId(), 1L << 40).orElseThrow();
    String token = admin.createToken(p.projectId(), EnumSet.allOf(Scope.class), name, null).secret();
    return new Tenant(p, token, URI.create(stack.ingestUrl(p)));
  }

  @Override
  public void close() {
    close(zipkinMysql, mariadb, zipkin, stack, dir);
  }

  private static void close(ZipkinServer zipkinMysql, MariaDb mariadb, ZipkinServer zipkin, LocalStack stack, Path dir) {
    if (zipkinMysql != null) {
      zipkinMysql.close();
    }
    if (mariadb != null) {
      mariadb.close();
    }
    if (zipkin != null) {
      zipkin.close();
    }
    if (stack != null) {
      stack.close();
    }
    try (Stream<Path> walk = Files.walk(dir)) {
      walk.sorted(Comparator.reverseOrder()).forEach(p -> {
        try {
          Files.deleteIfExists(p);
        } catch (IOException e) {
          // best effort: a file left behind in a temporary directory
        }
      });
    } catch (IOException e) {
      // best effort
    }
  }
}
