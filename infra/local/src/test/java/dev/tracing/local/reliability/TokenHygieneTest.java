package dev.tracing.local.reliability;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.tracing.local.LocalStack;
import dev.tracing.model.Project;
import dev.tracing.model.Scope;
import dev.tracing.testing.OtlpFixtures;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.logging.Handler;
import java.util.logging.Level;
import java.util.logging.LogRecord;
import java.util.logging.Logger;
import org.junit.jupiter.api.Test;

/**
 * Tokens are never logged: every log record at every level, and everything printed, while a
 * stack validates good, unknown, revoked and malformed tokens and serves errors, is searched for
 * the secrets.
 */
class TokenHygieneTest {

  @Test
  void noSecretReachesAnyLogOrOutput() throws Exception {
    List<String> logged = new ArrayList<>();
    Handler capture = new Handler() {
      @Override
      public void publish(LogRecord r) {
        StringBuilder sb = new StringBuilder(String.valueOf(r.getMessage()));
        if (r.getParameters() != null) {
          for (Object p : r.getParameters()) {
            sb.append(' ').append(p);
          }
        }
        for (Throwable t = r.getThrown(); t != null; t = t.getCause()) {
          sb.append(' ').append(t);
        }
        synchronized (logged) {
          logged.add(sb.toString());
        }
      }

      @Override
      public void flush() {
      }

      @Override
      public void close() {
      }
    };
    Logger root = Logger.getLogger("");
    Level previous = root.getLevel();
    root.addHandler(capture);
    root.setLevel(Level.ALL);
    PrintStream out = System.out;
    PrintStream err = System.err;
    ByteArrayOutputStream printed = new ByteArrayOutputStream();
    List<String> secrets = new ArrayList<>();
    int requests = 0;
    try (LocalStack stack = LocalStack.start(LocalStack.Options.forTests())) {
      PrintStream tee = new PrintStream(printed, true, StandardCharsets.UTF_8);
      System.setOut(tee);
      System.setErr(tee);
      HttpClient http = HttpClient.newHttpClient();
      Project p = stack.admin().createProject(5, "hygiene");
      var good = stack.admin().createToken(p.projectId(), EnumSet.allOf(Scope.class), "good", null);
      var revoked = stack.admin().createToken(p.projectId(), EnumSet.of(Scope.READ_OBSERVABILITY), "revoked", null);
      stack.admin().revokeToken(p.projectId(), revoked.token().id());
      String unknown = "trc_" + "Q".repeat(32);
      secrets.addAll(List.of(good.secret(), revoked.secret(), unknown));
      var traceId = OtlpFixtures.randomTraceId();
      byte[] body = OtlpFixtures.request(OtlpFixtures.service("hygiene"),
          OtlpFixtures.span(traceId, 1, 0, "GET /", OtlpFixtures.nanos(Instant.now()), 1000, false)).toByteArray();
      for (String token : secrets) {
        for (String header : List.of("PRIVATE-TOKEN", "Authorization")) {
          String value = header.equals("Authorization") ? "Bearer " + token : token;
          HttpResponse<String> ingest = http.send(HttpRequest.newBuilder(URI.create(stack.ingestUrl(p)))
              .header("Content-Type", "application/x-protobuf").header(header, value)
              .POST(HttpRequest.BodyPublishers.ofByteArray(body)).build(), HttpResponse.BodyHandlers.ofString());
          HttpResponse<String> garbage = http.send(HttpRequest.newBuilder(URI.create(stack.ingestUrl(p)))
              .header("Content-Type", "application/json").header(header, value)
              .POST(HttpRequest.BodyPublishers.ofString("{not json")).build(), HttpResponse.BodyHandlers.ofString());
          HttpResponse<String> list = http.send(HttpRequest.newBuilder(URI.create(stack.baseUri() + "/v3/query/" + p.projectId()
              + "/traces?sort=bogus")).header(header, value).GET().build(), HttpResponse.BodyHandlers.ofString());
          requests += 3;
          for (HttpResponse<String> r : List.of(ingest, garbage, list)) {
            assertFalse(r.body().contains(token), "an answer echoes the token: " + r.body());
          }
          if (token.equals(good.secret())) {
            assertEquals(200, ingest.statusCode());
            assertEquals(400, garbage.statusCode());
          } else {
            assertEquals(401, ingest.statusCode());
          }
        }
      }
    } finally {
      System.setOut(out);
      System.setErr(err);
      root.removeHandler(capture);
      root.setLevel(previous);
    }
    String all = String.join("\n", logged) + "\n" + printed.toString(StandardCharsets.UTF_8);
    for (String secret : secrets) {
      assertFalse(all.contains(secret), "a secret was logged or printed");
      assertFalse(all.contains(secret.substring(4)), "the random part of a secret was logged or printed");
    }
    assertTrue(requests == 18, "every token went through every path");
    System.out.printf("token hygiene: %d requests with 3 tokens, %d log records and %d printed bytes searched: no secret%n",
        requests, logged.size(), printed.size());
  }
}
