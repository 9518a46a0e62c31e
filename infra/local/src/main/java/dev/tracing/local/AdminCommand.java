package dev.tracing.local;

import dev.tracing.admin.ProjectAdmin;
import dev.tracing.model.AccessToken;
import dev.tracing.model.Project;
import dev.tracing.model.Scope;
import dev.tracing.runtime.Tracing;
import dev.tracing.config.TracingConfig;
import dev.tracing.storage.StoreUnavailableException;
import dev.tracing.storage.dynamodb.DynamoClients;
import dev.tracing.storage.dynamodb.TableSchema;
import java.io.PrintStream;
import java.net.URI;
import java.time.Clock;
import java.time.LocalDate;
import java.time.format.DateTimeParseException;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;
import software.amazon.awssdk.core.exception.SdkException;
import tools.jackson.databind.json.JsonMapper;

/** {@code admin}: operator commands straight against DynamoDB. */
final class AdminCommand {
  static final String DEFAULT_ENDPOINT = "http://127.0.0.1:8000";
  private static final JsonMapper JSON = JsonMapper.builder().build();

  private AdminCommand() {
  }

  static int run(List<String> argv, PrintStream out, PrintStream err) {
    Args args = Args.parse(argv,
        Set.of("--endpoint", "--table", "--region", "--namespace", "--name", "--project", "--bytes-per-minute", "--scopes",
            "--expires", "--id"),
        Set.of("--aws", "--json"));
    if (args.has("--aws") && args.has("--endpoint")) {
      throw new Args.UsageException("give either --endpoint or --aws, not both");
    }
    if (args.words.size() != 2) {
      throw new Args.UsageException("admin needs a command such as 'project create' or 'token list'");
    }
    String command = args.words.get(0) + " " + args.words.get(1);
    URI endpoint = args.has("--aws") ? null : Args.endpoint("--endpoint", args.get("--endpoint", DEFAULT_ENDPOINT));
    String table = args.get("--table", TracingConfig.DEFAULT_TABLE);
    String where = endpoint == null ? "AWS" : endpoint.toString();
    boolean json = args.has("--json");
    try (Tracing tracing = new Tracing(TracingConfig.local(endpoint, table), DynamoClients.create(endpoint, args.get("--region", null)),
        Clock.systemUTC())) {
      if (endpoint != null) {
        TableSchema.ensureTable(tracing.client(), table);
      }
      ProjectAdmin admin = LocalStack.admin(tracing);
      Object result = execute(command, args, admin);
      if (json) {
        out.println(JSON.writeValueAsString(result));
      } else {
        printHuman(command, result, out);
      }
      return 0;
    } catch (IllegalArgumentException e) {
      err.println("error: " + e.getMessage());
      return 1;
    } catch (StoreUnavailableException | SdkException e) {
      err.println("error: cannot use DynamoDB table '" + table + "' at " + where + ": " + rootMessage(e)
          + (endpoint != null ? "\n(is 'serve' running? its DynamoDB endpoint is printed at start; pass it with --endpoint)" : ""));
      return 1;
    }
  }

  private static Object execute(String command, Args args, ProjectAdmin admin) {
    return switch (command) {
      case "project create" -> {
        Project p = admin.createProject(requiredNumber(args, "--namespace"), args.required("--name"));
        yield project(p);
      }
      case "project list" -> Map.of("projects", admin.listProjects().stream().map(AdminCommand::project).toList());
      case "project set-limit" -> project(admin.setLimit(requiredNumber(args, "--project"), requiredNumber(args, "--bytes-per-minute")));
      case "token create" -> {
        Set<Scope> scopes = Scope.parseList(args.required("--scopes"));
        LocalDate expires = null;
        if (args.has("--expires")) {
          try {
            expires = LocalDate.parse(args.required("--expires"));
          } catch (DateTimeParseException e) {
            throw new Args.UsageException("--expires must be a date YYYY-MM-DD, got '" + args.get("--expires", "") + "'");
          }
        }
        ProjectAdmin.CreatedToken created = admin.createToken(requiredNumber(args, "--project"), scopes, args.get("--name", null), expires);
        Map<String, Object> m = token(created.token());
        m.put("token", created.secret());
        yield m;
      }
      case "token list" -> Map.of("tokens", admin.listTokens(requiredNumber(args, "--project")).stream().map(AdminCommand::token).toList());
      case "token revoke" -> {
        long project = requiredNumber(args, "--project");
        String id = args.required("--id");
        AccessToken t = admin.revokeToken(project, id)
            .orElseThrow(() -> new IllegalArgumentException("project " + project + " has no token with id " + id));
        yield token(t);
      }
      default -> throw new Args.UsageException("unknown admin command '" + command + "'");
    };
  }

  private static long requiredNumber(Args args, String name) {
    args.required(name);
    return args.number(name, -1);
  }

  private static Map<String, Object> project(Project p) {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("namespace_id", p.namespaceId());
    m.put("project_id", p.projectId());
    m.put("name", p.name());
    m.put("bytes_per_minute", p.bytesPerMinute());
    m.put("created_at", p.createdAt().toString());
    return m;
  }

  private static Map<String, Object> token(AccessToken t) {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("id", t.id());
    m.put("project_id", t.projectId());
    m.put("name", t.name());
    m.put("scopes", t.scopes().stream().map(Scope::wireName).sorted().toList());
    m.put("expires_on", t.expiresOn() == null ? null : t.expiresOn().toString());
    m.put("created_at", t.createdAt().toString());
    m.put("revoked", t.isRevoked());
    m.put("revoked_at", t.revokedAt() == null ? null : t.revokedAt().toString());
    return m;
  }

  @SuppressWarnings("unchecked")
  private static void printHuman(String command, Object result, PrintStream out) {
    Map<String, Object> m = (Map<String, Object>) result;
    switch (command) {
      case "project list" -> {
        List<Map<String, Object>> projects = (List<Map<String, Object>>) m.get("projects");
        if (projects.isEmpty()) {
          out.println("no projects; create one with: admin project create --namespace N --name NAME");
        }
        projects.forEach(p -> out.println(line(p)));
      }
      case "token list" -> {
        List<Map<String, Object>> tokens = (List<Map<String, Object>>) m.get("tokens");
        if (tokens.isEmpty()) {
          out.println("no tokens for this project");
        }
        tokens.forEach(t -> out.println(line(t)));
      }
      case "token create" -> {
        Map<String, Object> shown = new LinkedHashMap<>(m);
        shown.remove("token");
        out.println(line(shown));
        out.println("token (shown only now, store it safely): " + m.get("token"));
      }
      default -> out.println(line(m));
    }
  }

  private static String line(Map<String, Object> m) {
    return m.entrySet().stream().map(e -> e.getKey() + "=" + e.getValue()).collect(Collectors.joining("  "));
  }

  private static String rootMessage(Throwable e) {
    Throwable t = e;
    while (t.getCause() != null && t.getCause() != t) {
      t = t.getCause();
    }
    return t.getMessage() == null ? t.getClass().getSimpleName() : t.getMessage();
  }
}
