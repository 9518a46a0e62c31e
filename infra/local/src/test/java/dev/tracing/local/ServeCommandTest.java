package dev.tracing.local;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.tracing.model.Project;
import dev.tracing.testing.OtlpFixtures;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import tools.jackson.databind.JsonNode;

/**
 * The command line as a new user meets it: {@code serve} in its own process, its printed
 * {@code export OTEL_...} lines pasted into a Java SDK program, a restart on the same data, and
 * the {@code admin} commands with {@code --json}.
 */
class ServeCommandTest {
  static final Pattern READY = Pattern.compile("ready at (http://127\\.0\\.0\\.1:(\\d+))/ \\(DynamoDB (http://127\\.0\\.0\\.1:(\\d+))\\)");
  static final Pattern EXPORT = Pattern.compile("^\\s*export (OTEL_[A-Z_]+)=(.*)$");
  static final Pattern INGEST_URL = Pattern.compile("^http://127\\.0\\.0\\.1:(\\d+)/v3/(\\d+)/(\\d+)/ingest/traces$");
  static final Duration START_TIMEOUT = Duration.ofSeconds(90);

  /** A stack for the admin commands (the serve test runs its own, as a separate process). */
  static LocalStack stack;

  @BeforeAll
  static void start() throws Exception {
    stack = LocalStack.start(LocalStack.Options.forTests());
  }

  @AfterAll
  static void stop() {
    if (stack != null) {
      stack.close();
    }
  }

  static ChildJava serve(Path dataDir) {
    return ChildJava.start(TracingLocal.class.getName(),
        List.of("serve", "--port", "0", "--dynamodb-port", "0", "--data-dir", dataDir.toString()), Map.of());
  }

  /** The {@code export NAME=value} lines a serve process printed, in order. */
  static Map<String, String> exports(String stdout) {
    Map<String, String> vars = new LinkedHashMap<>();
    for (String line : stdout.split("\n")) {
      Matcher m = EXPORT.matcher(line);
      if (m.matches()) {
        vars.put(m.group(1), m.group(2));
      }
    }
    return vars;
  }

  static boolean accepts(int port) {
    try (Socket s = new Socket()) {
      s.connect(new InetSocketAddress("127.0.0.1", port), 1000);
      return true;
    } catch (IOException e) {
      return false;
    }
  }

  @Test
  void firstStartPrintsWorkingExporterSettingsAndARestartKeepsTheData(@TempDir Path dataDir) {
    String traceId;
    String token;
    long projectId;
    JsonNode sent;
    try (ChildJava serve = serve(dataDir)) {
      Matcher ready = READY.matcher(serve.awaitLine(l -> READY.matcher(l).find(), START_TIMEOUT));
      assertTrue(ready.find(), "the ready line names the base URL and DynamoDB\n" + serve.output());
      URI base = URI.create(ready.group(1));
      int port = Integer.parseInt(ready.group(2));
      int dynamoPort = Integer.parseInt(ready.group(4));
      assertNotEquals(0, port, "--port 0 must print the port actually bound");
      assertNotEquals(0, dynamoPort, "--dynamodb-port 0 must print the port actually bound");
      // a second 'serve' on the same data says so at once, and leaves the first one serving
      Run second = cli("serve", "--port", "0", "--dynamodb-port", "0", "--data-dir", dataDir.toString());
      assertEquals(1, second.exit(), second.toString());
      assertEquals("error: the data directory " + dataDir.toAbsolutePath().normalize() + " is in use by another 'serve': stop"
          + " that one, or pass another --data-dir", second.err().strip());

      Map<String, String> printed = exports(serve.stdout());
      assertTrue(printed.keySet().containsAll(List.of("OTEL_EXPORTER", "OTEL_TRACES_EXPORTER", "OTEL_EXPORTER_OTLP_TRACES_PROTOCOL",
          "OTEL_EXPORTER_OTLP_TRACES_ENDPOINT", "OTEL_EXPORTER_OTLP_TRACES_HEADERS")),
          "the exports a first start prints: " + printed.keySet() + "\n" + serve.output());
      assertEquals("otlphttp", printed.get("OTEL_EXPORTER"));
      assertEquals("otlp", printed.get("OTEL_TRACES_EXPORTER"));
      assertEquals("http/protobuf", printed.get("OTEL_EXPORTER_OTLP_TRACES_PROTOCOL"));
      Matcher endpoint = INGEST_URL.matcher(printed.get("OTEL_EXPORTER_OTLP_TRACES_ENDPOINT"));
      assertTrue(endpoint.matches(), "ingest endpoint " + printed.get("OTEL_EXPORTER_OTLP_TRACES_ENDPOINT"));
      assertEquals(port, Integer.parseInt(endpoint.group(1)), "the endpoint uses the served port");
      projectId = Long.parseLong(endpoint.group(3));
      assertTrue(printed.get("OTEL_EXPORTER_OTLP_TRACES_HEADERS").startsWith("PRIVATE-TOKEN=trc_"),
          printed.get("OTEL_EXPORTER_OTLP_TRACES_HEADERS"));
      token = printed.get("OTEL_EXPORTER_OTLP_TRACES_HEADERS").substring("PRIVATE-TOKEN=".length());
      assertTrue(serve.stdout().contains("sign in with project " + projectId), serve.stdout());

      // Exactly the printed endpoint and headers, plus what any program names about itself. This
      // backend takes traces only, so metrics and logs are switched off where the printout does not
      // (printedSettingsAloneConfigureTheJavaSdk checks the printout on its own).
      Map<String, String> env = new LinkedHashMap<>(printed);
      env.put("OTEL_SERVICE_NAME", JavaSdkIngestTest.SERVICE);
      env.put("OTEL_RESOURCE_ATTRIBUTES", JavaSdkIngestTest.RESOURCE_ATTRIBUTES);
      env.putIfAbsent("OTEL_METRICS_EXPORTER", "none");
      env.putIfAbsent("OTEL_LOGS_EXPORTER", "none");
      sent = JavaSdkIngestTest.runSender(env);
      traceId = sent.path("trace_id").asString();

      JsonNode answer = Http.getTrace(base, projectId, traceId, token).expect(200).json();
      TraceAssertions.assertTraceEquals(JavaSdkIngestTest.expectedRequest(sent), traceId, projectId, answer);

      int exit = serve.stop(Duration.ofSeconds(30));
      assertTrue(exit == 0 || exit == 143, "serve exits on SIGTERM (0 or 128+15), got " + exit + "\n" + serve.output());
      assertFalse(accepts(port), "the HTTP port is closed after stop");
      assertFalse(accepts(dynamoPort), "the local DynamoDB stopped with serve");
      assertFalse(serve.stderr().contains("Exception"), "no stack trace on a clean stop\n" + serve.output());
    }

    try (ChildJava again = serve(dataDir)) {
      Matcher ready = READY.matcher(again.awaitLine(l -> READY.matcher(l).find(), START_TIMEOUT));
      assertTrue(ready.find(), again.output());
      URI base = URI.create(ready.group(1));
      String out = again.stdout();
      assertTrue(out.contains("Projects exist already"), "a restart says projects exist\n" + out);
      assertFalse(out.contains("export OTEL_EXPORTER_OTLP_TRACES_HEADERS"), "a restart prints no new token\n" + out);
      assertFalse(out.contains("trc_"), "a restart prints no token at all\n" + out);
      assertTrue(out.contains("admin --endpoint " + ready.group(3) + " token create"), "it says how to make a token\n" + out);

      JsonNode answer = Http.getTrace(base, projectId, traceId, token).expect(200).json();
      TraceAssertions.assertTraceEquals(JavaSdkIngestTest.expectedRequest(sent), traceId, projectId, answer);
      again.stop(Duration.ofSeconds(30));
    }
  }

  /**
   * A new user pastes the printed lines and starts an application with the OpenTelemetry Java SDK
   * (autoconfigure): that alone must work. Metrics and logs default to OTLP/gRPC on
   * localhost:4317, which this backend does not serve.
   */
  @Test
  void printedSettingsAloneConfigureTheJavaSdk(@TempDir Path dataDir) {
    try (ChildJava serve = serve(dataDir)) {
      Matcher ready = READY.matcher(serve.awaitLine(l -> READY.matcher(l).find(), START_TIMEOUT));
      assertTrue(ready.find(), serve.output());
      Map<String, String> env = new LinkedHashMap<>(exports(serve.stdout()));
      env.put("OTEL_SERVICE_NAME", JavaSdkIngestTest.SERVICE);
      env.put("OTEL_RESOURCE_ATTRIBUTES", JavaSdkIngestTest.RESOURCE_ATTRIBUTES);
      JsonNode sent;
      try {
        sent = JavaSdkIngestTest.runSender(env);
      } catch (AssertionError e) {
        throw new AssertionError("the OpenTelemetry Java SDK did not export with only the printed settings " + env.keySet()
            + ": " + e.getMessage(), e);
      }
      String token = env.get("OTEL_EXPORTER_OTLP_TRACES_HEADERS").substring("PRIVATE-TOKEN=".length());
      Matcher endpoint = INGEST_URL.matcher(env.get("OTEL_EXPORTER_OTLP_TRACES_ENDPOINT"));
      assertTrue(endpoint.matches());
      Http.getTrace(URI.create(ready.group(1)), Long.parseLong(endpoint.group(3)), sent.path("trace_id").asString(), token).expect(200);
      serve.stop(Duration.ofSeconds(30));
    }
  }

  @Test
  void serveReportsABusyPort(@TempDir Path dataDir) throws IOException {
    try (java.net.ServerSocket busy = new java.net.ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
      Run run = cli("serve", "--port", Integer.toString(busy.getLocalPort()), "--dynamodb-endpoint", stack.dynamoEndpoint().toString(),
          "--table", "busy_port", "--data-dir", dataDir.toString());
      assertEquals(1, run.exit(), run.toString());
      assertEquals("error: port " + busy.getLocalPort() + " is in use: pass --port with another port, or --port 0 for any free one",
          run.err().strip());
    }
  }

  /**
   * A first start that fails (here: a busy port) must not use up the first start: the demo
   * token is shown only by the start that creates it, so a demo project made by a failed start
   * leaves the user with a project whose token nobody ever saw, and the next start says
   * "Projects exist already".
   */
  @Test
  void aFailedFirstStartLeavesNoUnseenDemoTokenBehind(@TempDir Path dataDir) throws IOException {
    try (java.net.ServerSocket busy = new java.net.ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
      Run run = cli("serve", "--port", Integer.toString(busy.getLocalPort()), "--dynamodb-endpoint", stack.dynamoEndpoint().toString(),
          "--table", "failed_first_start", "--data-dir", dataDir.toString());
      assertEquals(1, run.exit(), run.toString());
      assertFalse(run.out().contains("trc_"), run.toString());
    }
    JsonNode projects = cli("admin", "--endpoint", stack.dynamoEndpoint().toString(), "--table", "failed_first_start",
        "project", "list", "--json").json().path("projects");
    assertEquals(0, projects.size(), "a start that failed created " + projects + " and its token was never shown");
  }

  // ----- admin, in process -----

  record Run(int exit, String out, String err) {
    /** The single JSON object a {@code --json} command printed, and nothing else. */
    JsonNode json() {
      assertEquals(0, exit, toString());
      String[] lines = out.strip().split("\n");
      assertEquals(1, lines.length, "--json prints exactly one line: " + out);
      JsonNode node = Http.JSON.readTree(lines[0]);
      assertTrue(node.isObject(), "--json prints one JSON object: " + out);
      return node;
    }

    @Override
    public String toString() {
      return "exit " + exit + "\n--- stdout ---\n" + out + "--- stderr ---\n" + err;
    }
  }

  static Run cli(String... argv) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    ByteArrayOutputStream err = new ByteArrayOutputStream();
    int exit;
    try (PrintStream o = new PrintStream(out, true, StandardCharsets.UTF_8); PrintStream e = new PrintStream(err, true, StandardCharsets.UTF_8)) {
      exit = TracingLocal.run(List.of(argv), o, e);
    } catch (RuntimeException e) {
      throw new AssertionError("'" + String.join(" ", argv) + "' crashed with " + e + " instead of printing a result or an error"
          + "\n--- stdout so far ---\n" + out.toString(StandardCharsets.UTF_8), e);
    }
    return new Run(exit, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
  }

  static Run admin(String... command) {
    List<String> argv = new ArrayList<>(List.of("admin", "--endpoint", stack.dynamoEndpoint().toString()));
    argv.addAll(List.of(command));
    return cli(argv.toArray(String[]::new));
  }

  @Test
  void adminCommandsPrintOneJsonObjectEach() {
    JsonNode created = admin("project", "create", "--namespace", "7", "--name", "shop", "--json").json();
    assertEquals(7, created.path("namespace_id").asLong());
    long projectId = created.path("project_id").asLong();
    assertTrue(projectId > 0, created.toString());
    assertEquals("shop", created.path("name").asString());
    assertEquals(102_400, created.path("bytes_per_minute").asLong());
    assertTrue(stack.admin().listProjects().stream().anyMatch(p -> p.projectId() == projectId && p.name().equals("shop")));

    JsonNode list = admin("project", "list", "--json").json();
    assertTrue(list.path("projects").valueStream().anyMatch(p -> p.path("project_id").asLong() == projectId
        && p.path("namespace_id").asLong() == 7), list.toString());

    JsonNode limited = admin("project", "set-limit", "--project", Long.toString(projectId), "--bytes-per-minute", "1048576", "--json")
        .json();
    assertEquals(projectId, limited.path("project_id").asLong());
    assertEquals(1_048_576, limited.path("bytes_per_minute").asLong());

    String expires = LocalDate.now(ZoneOffset.UTC).plusDays(30).toString();
    JsonNode token = admin("token", "create", "--project", Long.toString(projectId), "--scopes",
        "read_api,read_observability,write_observability", "--name", "ci", "--expires", expires, "--json").json();
    String id = token.path("id").asString();
    String secret = token.path("token").asString();
    assertFalse(id.isEmpty(), token.toString());
    assertTrue(secret.startsWith("trc_"), token.toString());
    assertEquals(expires, token.path("expires_on").asString());
    assertEquals(List.of("read_api", "read_observability", "write_observability"),
        token.path("scopes").valueStream().map(JsonNode::asString).toList());

    // The token works against the stack that shares this DynamoDB, and the limit is the one just set.
    Project project = stack.admin().listProjects().stream().filter(p -> p.projectId() == projectId).findFirst().orElseThrow();
    Http.ingest(URI.create(stack.ingestUrl(project)), secret, oneSpan()).expect(200);
    JsonNode info = Http.get(stack.baseUri().resolve("/v3/query/" + projectId), Http.token(secret)).expect(200).json();
    assertEquals(1_048_576, info.path("bytes_per_minute_limit").asLong(), info.toString());

    Run listed = admin("token", "list", "--project", Long.toString(projectId), "--json");
    JsonNode tokens = listed.json().path("tokens");
    assertEquals(1, tokens.size(), tokens.toString());
    assertEquals(id, tokens.get(0).path("id").asString());
    assertEquals("ci", tokens.get(0).path("name").asString());
    assertFalse(tokens.get(0).path("revoked").asBoolean());
    assertFalse(listed.out().contains(secret), "token list must never show the secret");
    assertFalse(tokens.get(0).has("token"), "token list must never show the secret");

    JsonNode revoked = admin("token", "revoke", "--project", Long.toString(projectId), "--id", id, "--json").json();
    assertEquals(id, revoked.path("id").asString());
    assertTrue(revoked.path("revoked").asBoolean(), revoked.toString());
    assertFalse(revoked.path("revoked_at").isNull(), revoked.toString());
    assertFalse(revoked.toString().contains(secret));
    Http.Reply refused = Http.ingest(URI.create(stack.ingestUrl(project)), secret, oneSpan());
    assertEquals(401, refused.status(), refused.toString());
    assertEquals("the access token was revoked: create a new project access token", refused.rpcStatus().message());
  }

  @Test
  void adminCommandsWithoutJsonPrintReadableLines() {
    Run created = admin("project", "create", "--namespace", "8", "--name", "plain");
    assertEquals(0, created.exit(), created.toString());
    assertTrue(created.out().contains("namespace_id=8"), created.out());
    Project p = stack.admin().listProjects().stream().filter(x -> x.name().equals("plain")).findFirst().orElseThrow();
    Run token = admin("token", "create", "--project", Long.toString(p.projectId()), "--scopes", "read_api");
    assertEquals(0, token.exit(), token.toString());
    assertTrue(token.out().contains("token (shown only now, store it safely): trc_"), token.out());
  }

  @Test
  void adminFailuresExit1WithAMessage() {
    Run unknownProject = admin("token", "create", "--project", "999999", "--scopes", "read_api", "--json");
    assertEquals(1, unknownProject.exit(), unknownProject.toString());
    assertEquals("", unknownProject.out(), "nothing on stdout when --json fails");
    assertEquals("error: there is no project 999999", unknownProject.err().strip());

    long projectId = stack.admin().createProject(9, "revoke-test").projectId();
    Run noSuchToken = admin("token", "revoke", "--project", Long.toString(projectId), "--id", "nope", "--json");
    assertEquals(1, noSuchToken.exit(), noSuchToken.toString());
    assertEquals("error: project " + projectId + " has no token with id nope", noSuchToken.err().strip());

    Run badScope = admin("token", "create", "--project", Long.toString(projectId), "--scopes", "read_api,admin", "--json");
    assertEquals("error: unknown scope 'admin'; valid scopes are read_api, read_observability, write_observability",
        badScope.err().strip(), badScope.toString());

    Run past = admin("token", "create", "--project", Long.toString(projectId), "--scopes", "read_api", "--expires", "2020-01-01");
    assertEquals(1, past.exit(), past.toString());
    assertEquals("error: --expires 2020-01-01 is in the past", past.err().strip());

    Run hugeNamespace = admin("project", "create", "--namespace", "1234567890123456789", "--name", "big");
    assertEquals(1, hugeNamespace.exit(), hugeNamespace.toString());
    assertEquals("error: --namespace must be a positive integer of at most 18 digits", hugeNamespace.err().strip());

    Run zeroLimit = admin("project", "set-limit", "--project", Long.toString(projectId), "--bytes-per-minute", "0");
    assertEquals(1, zeroLimit.exit(), zeroLimit.toString());
    assertEquals("error: --bytes-per-minute must be a whole number from 1 to 1048576 (the raised limit), got 0",
        zeroLimit.err().strip());
    Run beyondRaised = admin("project", "set-limit", "--project", Long.toString(projectId), "--bytes-per-minute", "2000000");
    assertEquals(1, beyondRaised.exit(), beyondRaised.toString());
    assertEquals("error: --bytes-per-minute must be a whole number from 1 to 1048576 (the raised limit), got 2000000",
        beyondRaised.err().strip());
    Run raised = admin("project", "set-limit", "--project", Long.toString(projectId), "--bytes-per-minute", "1048576", "--json");
    assertEquals(0, raised.exit(), raised.toString());
  }

  @Test
  void adminWithoutAReachableDynamoDbSaysSo() throws IOException {
    int closedPort;
    try (java.net.ServerSocket s = new java.net.ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
      closedPort = s.getLocalPort();
    }
    Run run = cli("admin", "--endpoint", "http://127.0.0.1:" + closedPort, "project", "list", "--json");
    assertEquals(1, run.exit(), run.toString());
    assertEquals("", run.out());
    assertTrue(run.err().startsWith("error: cannot use DynamoDB table 'tracing' at http://127.0.0.1:" + closedPort), run.err());
    assertTrue(run.err().contains("is 'serve' running?"), run.err());
  }

  @Test
  void aDataDirectoryThatIsAFileIsNamedAsSuch(@TempDir Path dir) throws IOException {
    Path file = Files.createFile(dir.resolve("data"));
    Run notADirectory = cli("serve", "--port", "0", "--dynamodb-port", "0", "--data-dir", file.toString());
    assertEquals(1, notADirectory.exit(), notADirectory.toString());
    assertEquals("error: cannot use the data directory " + file.toAbsolutePath().normalize() + ": a file is there, not a"
        + " directory (pass a --data-dir you may write to)", notADirectory.err().strip());
  }

  @Test
  void usageErrorsExit2WithAMessage() {
    assertUsage(cli(), null);
    assertUsage(cli("frobnicate"), "error: unknown command 'frobnicate': use serve or admin");
    assertUsage(admin(), "error: admin needs a command such as 'project create' or 'token list'");
    assertUsage(admin("project", "frobnicate"), "error: unknown admin command 'project frobnicate'");
    assertUsage(admin("project", "create", "--namespace", "7", "--name", "x", "--bogus", "1"), "error: unknown option --bogus");
    assertUsage(admin("project", "create", "--namespace", "seven", "--name", "x"),
        "error: option --namespace must be a whole number, got 'seven'");
    assertUsage(admin("project", "create", "--namespace", "7"), "error: option --name is required");
    assertUsage(admin("project", "create", "--namespace"), "error: option --namespace needs a value");
    assertUsage(cli("admin", "--aws", "--endpoint", "http://127.0.0.1:1", "project", "list"), "error: give either --endpoint or --aws, not both");
    assertUsage(cli("serve", "extra"), "error: serve takes no arguments, got 'extra'");
    assertUsage(cli("serve", "--port", "70000"), "error: --port must be between 0 and 65535");
    assertUsage(cli("serve", "--dynamodb-port", "0", "--dynamodb-endpoint", "http://127.0.0.1:1"),
        "error: give either --dynamodb-port or --dynamodb-endpoint, not both");
    assertUsage(cli("serve", "--dynamodb-endpoint", "not a url"),
        "error: --dynamodb-endpoint must be a URL such as http://127.0.0.1:8000, got 'not a url'");
    assertUsage(cli("admin", "--endpoint", "not-a-url", "project", "list", "--json"),
        "error: --endpoint must be a URL such as http://127.0.0.1:8000, got 'not-a-url'");
    // an option followed by another option has no value, whichever comes next
    assertUsage(cli("serve", "--port", "--data-dir", "x"), "error: option --port needs a value");
    assertUsage(cli("serve", "--port", "--dynamodb-port", "0"), "error: option --port needs a value");
    Run help = cli("--help");
    assertEquals(0, help.exit());
    assertTrue(help.out().contains("usage:"), help.out());
  }

  @Test
  void missingRequiredNumbersAreUsageErrorsToo() {
    // A missing --namespace or --project is the same mistake as a missing --name: exit 2 naming the option.
    Run noNamespace = admin("project", "create", "--name", "x", "--json");
    assertEquals(2, noNamespace.exit(), noNamespace.toString());
    assertTrue(noNamespace.err().contains("--namespace"), noNamespace.err());
    Run noProject = admin("token", "create", "--scopes", "read_api", "--json");
    assertEquals(2, noProject.exit(), noProject.toString());
    assertTrue(noProject.err().contains("--project"), noProject.err());
    Run noLimit = admin("project", "set-limit", "--project", "1", "--json");
    assertEquals(2, noLimit.exit(), noLimit.toString());
    assertTrue(noLimit.err().contains("--bytes-per-minute"), noLimit.err());
  }

  static void assertUsage(Run run, String firstLine) {
    assertEquals(2, run.exit(), run.toString());
    assertEquals("", run.out(), "usage errors print nothing on stdout: " + run);
    if (firstLine != null) {
      assertEquals(firstLine, run.err().lines().findFirst().orElse(""), run.toString());
    }
    assertTrue(run.err().contains("usage:"), "the usage follows the error: " + run);
  }

  static io.opentelemetry.proto.collector.trace.v1.ExportTraceServiceRequest oneSpan() {
    return OtlpFixtures.request(OtlpFixtures.service("admin-test"), OtlpFixtures.span(OtlpFixtures.randomTraceId(), 1, 0, "op",
        OtlpFixtures.nanos(java.time.Instant.now().minusSeconds(1)), 1_000, false));
  }
}
