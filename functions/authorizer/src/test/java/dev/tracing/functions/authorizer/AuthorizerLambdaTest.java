package dev.tracing.functions.authorizer;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.tracing.admin.ProjectAdmin;
import dev.tracing.functions.lambda.GatewayEvent;
import dev.tracing.functions.lambda.LambdaFunctionProcess;
import dev.tracing.functions.lambda.LocalTracingStore;
import dev.tracing.model.Project;
import dev.tracing.model.Scope;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;

/**
 * The authorizer function on its AWS Lambda path: REQUEST authorizer events (payload 2.0) through
 * Spring Cloud Function's {@code FunctionInvoker}, answered with a simple response
 * ({@code enableSimpleResponses}). It always authorizes and puts the verdict in the context, which
 * API Gateway hands to the routed function (see {@code AuthorizerContext}).
 */
class AuthorizerLambdaTest {
  private static LocalTracingStore store;
  private static LambdaFunctionProcess authorizer;
  private static Project project;
  private static ProjectAdmin.CreatedToken token;

  @BeforeAll
  static void deploy() {
    store = LocalTracingStore.start();
    project = store.createProject(21, "authorized");
    token = store.createToken(project.projectId(), Scope.WRITE_OBSERVABILITY, Scope.READ_OBSERVABILITY);
    authorizer = LambdaFunctionProcess.builder(AuthorizerFunctionApplication.FUNCTION, AuthorizerFunctionApplication.class.getName())
        .env(store.functionEnvironment())
        .start();
  }

  @AfterAll
  static void undeploy() {
    if (authorizer != null) {
      authorizer.close();
    }
    if (store != null) {
      store.close();
    }
  }

  @Test
  void privateTokenHeaderIsValid() {
    JsonNode response = authorize("private-token", request().header("private-token", token.secret()));

    assertEquals(Set.of("isAuthorized", "context"), fieldNames(response), "a simple response and nothing else: " + response);
    assertTrue(response.get("isAuthorized").asBoolean(), response.toString());
    assertEquals(Map.of(
        "verdict", "VALID",
        "project_id", Long.toString(project.projectId()),
        "namespace_id", Long.toString(project.namespaceId()),
        "scopes", "read_observability,write_observability",
        "token_id", token.token().id()), context(response));
  }

  @Test
  void bearerAuthorizationHeaderIsValid() {
    JsonNode response = authorize("bearer", request().header("authorization", "Bearer " + token.secret()));

    assertTrue(response.get("isAuthorized").asBoolean(), response.toString());
    assertEquals("VALID", context(response).get("verdict"));
    assertEquals(Long.toString(project.projectId()), context(response).get("project_id"));
    assertEquals("read_observability,write_observability", context(response).get("scopes"));
  }

  @Test
  void unknownTokenIsLetThroughWithVerdictUnknown() {
    // The routed function answers 401 with the reason; an HTTP API authorizer could only say 403.
    JsonNode response = authorize("unknown-token", request().header("private-token", "glpat-" + "x".repeat(40)));

    assertTrue(response.get("isAuthorized").asBoolean(), response.toString());
    assertEquals(Map.of("verdict", "UNKNOWN"), context(response));
  }

  @Test
  void missingTokenHasVerdictMissing() {
    JsonNode response = authorize("no-token", request());

    assertTrue(response.get("isAuthorized").asBoolean(), response.toString());
    assertEquals(Map.of("verdict", "MISSING"), context(response));
  }

  @Test
  void revokedTokenHasVerdictRevoked() {
    ProjectAdmin.CreatedToken revoked = store.createToken(project.projectId(), Scope.READ_API);
    store.admin().revokeToken(project.projectId(), revoked.token().id());

    JsonNode response = authorize("revoked-token", request().header("private-token", revoked.secret()));

    assertEquals(Map.of("verdict", "REVOKED"), context(response));
  }

  @Test
  void theTokenNeverReachesTheFunctionsLog() {
    authorize("log-check", request().header("private-token", token.secret()));

    String log = authorizer.log();
    assertFalse(log.contains(token.secret()), "the access token was written to the function's log (CloudWatch):\n" + log);
  }

  // ---------------------------------------------------------------------------------------------

  /** An exporter's ingest request, as API Gateway presents it to the authorizer. */
  private static GatewayEvent request() {
    String ns = Long.toString(project.namespaceId());
    String id = Long.toString(project.projectId());
    return GatewayEvent.fromTemplate("/events/authorizer-request.json")
        .path("/v3/" + ns + "/" + id + "/ingest/traces")
        .pathParameters(Map.of("namespaceId", ns, "projectId", id));
  }

  private static JsonNode authorize(String label, GatewayEvent event) {
    String json = authorizer.invoke(label, event.json());
    return GatewayEvent.readJson(json);
  }

  /** API Gateway accepts only flat string, number or boolean values in a simple response's context. */
  private static Map<String, String> context(JsonNode response) {
    Map<String, String> out = new TreeMap<>();
    response.get("context").properties().forEach(e -> {
      assertTrue(e.getValue().isString(), "context value " + e.getKey() + " must be a string: " + response);
      out.put(e.getKey(), e.getValue().asString());
    });
    return out;
  }

  private static Set<String> fieldNames(JsonNode node) {
    return new TreeSet<>(node.propertyNames());
  }
}
