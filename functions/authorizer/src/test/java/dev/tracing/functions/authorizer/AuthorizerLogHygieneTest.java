package dev.tracing.functions.authorizer;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.tracing.admin.ProjectAdmin;
import dev.tracing.functions.lambda.GatewayEvent;
import dev.tracing.functions.lambda.LambdaFunctionProcess;
import dev.tracing.functions.lambda.LocalTracingStore;
import dev.tracing.model.Project;
import dev.tracing.model.Scope;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Tokens must never be logged (docs/security.md), but Spring Cloud Function's AWS adapter
 * logs every event it receives at INFO ({@code AWSLambdaUtils}: "Received: {...}"), headers and
 * body included; it masks only the keys listed in {@code META-INF/mask.keys}. With the function
 * packages as they are, that line goes nowhere (the AWS SDK brings {@code slf4j-api} without a
 * provider, so commons-logging sends Spring's logging to SLF4J's no-op logger). As soon as
 * framework logging reaches the log stream (java.util.logging, logback, ...), the token is in
 * CloudWatch, unless the adapter's logger is held at WARN.
 *
 * <p>These tests route Spring's logging to java.util.logging, as Lambda would print it, and show
 * both sides: the leak, and the setting that prevents it. The setting belongs in every function's
 * {@code application.properties} ({@code logging.level.org.springframework.cloud.function.adapter.aws=WARN});
 * the SAM template can set it as the environment variable used here.
 */
class AuthorizerLogHygieneTest {
  /** Spring's commons-logging to java.util.logging, whose console handler prints INFO and above. */
  private static final String[] JUL_LOGGING = {
      "-Dorg.apache.commons.logging.LogFactory=org.apache.commons.logging.impl.LogFactoryImpl",
      "-Dorg.apache.commons.logging.Log=org.apache.commons.logging.impl.Jdk14Logger"};
  static final String QUIET_ADAPTER_ENV = "LOGGING_LEVEL_ORG_SPRINGFRAMEWORK_CLOUD_FUNCTION_ADAPTER_AWS";

  private static LocalTracingStore store;
  private static Project project;
  private static ProjectAdmin.CreatedToken token;

  @BeforeAll
  static void store() {
    store = LocalTracingStore.start();
    project = store.createProject(22, "logs");
    token = store.createToken(project.projectId(), Scope.WRITE_OBSERVABILITY);
  }

  @AfterAll
  static void closeStore() {
    if (store != null) {
      store.close();
    }
  }

  @Test
  void withTheAdapterLoggerAtInfoTheTokenOfEveryRequestIsLogged() {
    // the control: what the package's own setting prevents
    String log = invokeOnce(Map.of(QUIET_ADAPTER_ENV, "INFO"));

    assertTrue(log.contains("AWSLambdaUtils"), "framework logging is on:\n" + log);
    assertTrue(log.contains(token.secret()), "Spring Cloud Function's AWS adapter no longer logs events at INFO: the"
        + " logging.level setting for org.springframework.cloud.function.adapter.aws may no longer be needed.\n" + log);
  }

  @Test
  void thePackagedSettingsKeepTheTokenOutOfTheLog() {
    String log = invokeOnce(Map.of());

    assertTrue(log.contains("Started "), "framework logging is on:\n" + log);
    assertFalse(log.contains(token.secret()), "the access token was written to the log:\n" + log);
  }

  private static String invokeOnce(Map<String, String> env) {
    LambdaFunctionProcess.Builder builder = LambdaFunctionProcess
        .builder(AuthorizerFunctionApplication.FUNCTION, AuthorizerFunctionApplication.class.getName())
        .env(store.functionEnvironment())
        .env(env);
    for (String option : JUL_LOGGING) {
      builder.jvmOption(option);
    }
    try (LambdaFunctionProcess authorizer = builder.start()) {
      String ns = Long.toString(project.namespaceId());
      String id = Long.toString(project.projectId());
      String answer = authorizer.invoke("token-in-header", GatewayEvent.fromTemplate("/events/authorizer-request.json")
          .path("/v3/" + ns + "/" + id + "/ingest/traces")
          .pathParameters(Map.of("namespaceId", ns, "projectId", id))
          .header("private-token", token.secret())
          .json());
      assertTrue(answer.contains("\"VALID\""), answer);
      return authorizer.log();
    }
  }
}
