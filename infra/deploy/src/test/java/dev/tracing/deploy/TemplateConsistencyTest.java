package dev.tracing.deploy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import com.amazonaws.services.lambda.runtime.RequestStreamHandler;
import dev.tracing.local.Routes;
import dev.tracing.config.TracingConfig;
import dev.tracing.storage.dynamodb.TableSchema;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.lang.reflect.Field;
import java.lang.reflect.Modifier;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import java.util.zip.ZipFile;
import javax.xml.parsers.DocumentBuilderFactory;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.services.dynamodb.model.CreateTableRequest;
import software.amazon.awssdk.services.dynamodb.model.GlobalSecondaryIndex;
import software.amazon.awssdk.services.dynamodb.model.KeySchemaElement;

/**
 * {@code template.yaml} against the code it deploys: the packages, the handler, the routes, the
 * environment, the table, and each function's IAM permissions. Whatever drifts on either side
 * fails here, with the two sides named.
 */
class TemplateConsistencyTest {
  private static final Path ROOT = Path.of(System.getProperty("tracing.root", "../..")).toAbsolutePath().normalize();
  private static final String VERSION = System.getProperty("tracing.version", "0.1.0-SNAPSHOT");
  private static final String FUNCTION_TYPE = "AWS::Serverless::Function";

  /**
   * Variables the code reads that the template must not set, and why: Lambda sets {@code AWS_REGION}
   * itself (a reserved name), and {@code TRACING_DYNAMODB_ENDPOINT} points the functions at a
   * DynamoDB that is not AWS's (local stack, tests).
   */
  private static final Map<String, String> NOT_SET_BY_THE_TEMPLATE = Map.of(
      TracingConfig.REGION, "set by Lambda (reserved)",
      TracingConfig.DYNAMODB_ENDPOINT, "only for a non-AWS DynamoDB");

  private static SamTemplate template;
  private static Map<String, Map<String, Object>> functions;
  private static LocalScenario scenario;

  @BeforeAll
  static void readTemplate() {
    template = SamTemplate.read(Path.of(System.getProperty("tracing.template", ROOT.resolve("template.yaml").toString())));
    functions = template.resources(FUNCTION_TYPE);
  }

  @AfterAll
  static void stopStore() {
    if (scenario != null) {
      scenario.close();
    }
  }

  private static String env(Map<String, Object> function, String name) {
    Object v = template.environment(function).get(name);
    return v == null ? null : v.toString();
  }

  /** The package a function resource deploys, found by its SPRING_CLOUD_FUNCTION_DEFINITION. */
  private static LambdaPackage packageOf(String id, Map<String, Object> function) {
    String definition = env(function, "SPRING_CLOUD_FUNCTION_DEFINITION");
    assertNotNull(definition, id + " sets no SPRING_CLOUD_FUNCTION_DEFINITION: FunctionInvoker could not tell which function to run");
    return LambdaPackage.FUNCTIONS.stream().filter(p -> p.definition().equals(definition)).findFirst()
        .orElseThrow(() -> new AssertionError(id + " runs function '" + definition + "', which no module builds; functions: "
            + LambdaPackage.FUNCTIONS.stream().map(LambdaPackage::name).toList()));
  }

  @Test
  void theTemplateDeploysEachFunctionModuleOnce() {
    List<String> deployed = functions.entrySet().stream().map(e -> packageOf(e.getKey(), e.getValue()).name()).sorted().toList();
    List<String> modules = LambdaPackage.FUNCTIONS.stream().map(LambdaPackage::name).sorted().toList();
    assertEquals(modules, deployed, "functions in template.yaml vs function modules");
    List<String> built = new ArrayList<>();
    try (Stream<Path> dirs = Files.list(ROOT.resolve("functions"))) {
      // a function module is a Spring application (the snapstart module is the functions' shared handler library)
      dirs.filter(d -> Files.isRegularFile(d.resolve("pom.xml")))
          .filter(d -> Files.isRegularFile(d.resolve("src/main/resources/application.properties")))
          .forEach(d -> built.add(d.getFileName().toString()));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    assertEquals(modules, built.stream().sorted().toList(), "function modules under functions/ vs the packages this module knows");
  }

  @Test
  void everyCodeUriIsTheJarItsModuleBuilds() {
    functions.forEach((id, function) -> {
      LambdaPackage pkg = packageOf(id, function);
      String artifactId = artifactIdOf(ROOT.resolve(pkg.module()).resolve("pom.xml"));
      assertEquals(pkg.artifactId(), artifactId, pkg.module() + "/pom.xml artifactId");
      String expected = pkg.module() + "/target/" + artifactId + "-" + VERSION + "-aws.jar";
      assertEquals(expected, template.functionProperty(function, "CodeUri"), id + " CodeUri (the shaded jar "
          + "functions/pom.xml builds: <artifactId>-<version>-aws.jar)");
      assertEquals(pkg.mainClass(), env(function, "MAIN_CLASS"), id + " MAIN_CLASS");
      // sam build cannot build from a jar; it must leave prebuilt packages alone.
      assertEquals(true, SamTemplate.path(function, "Metadata", "SkipBuild"), id + " Metadata.SkipBuild (CodeUri is a prebuilt jar)");
    });
  }

  @Test
  void theHandlerAndEachMainClassAreInThePackages() throws Exception {
    Set<String> checkedJars = new TreeSet<>();
    for (Map.Entry<String, Map<String, Object>> e : functions.entrySet()) {
      String id = e.getKey();
      Map<String, Object> function = e.getValue();
      LambdaPackage pkg = packageOf(id, function);
      String handler = String.valueOf(template.functionProperty(function, "Handler"));
      assertTrue(handler.matches("[\\w.$]+::\\w+"), id + " Handler is class::method: " + handler);
      String handlerClass = handler.substring(0, handler.indexOf("::"));
      String method = handler.substring(handler.indexOf("::") + 2);
      String mainClass = env(function, "MAIN_CLASS");

      // The handler must be a stream handler with that method: FunctionInvoker::handleRequest.
      Class<?> h = Class.forName(handlerClass);
      assertTrue(RequestStreamHandler.class.isAssignableFrom(h), handlerClass + " is a RequestStreamHandler");
      assertTrue(Stream.of(h.getMethods()).anyMatch(m -> m.getName().equals(method)), handlerClass + " has " + method);
      // MAIN_CLASS is the function module's application, and it registers the bean the definition names.
      Class<?> main = Class.forName(mainClass);
      assertEquals(pkg.definition(), main.getField("FUNCTION").get(null), mainClass + ".FUNCTION vs SPRING_CLOUD_FUNCTION_DEFINITION");

      Path jar = ROOT.resolve(String.valueOf(template.functionProperty(function, "CodeUri")));
      if (Files.isRegularFile(jar)) {
        try (ZipFile zip = new ZipFile(jar.toFile())) {
          for (String cls : List.of(handlerClass, mainClass)) {
            assertNotNull(zip.getEntry(cls.replace('.', '/') + ".class"), cls + " is in " + ROOT.relativize(jar));
          }
          assertNotNull(zip.getEntry("application.properties"), "the function's application.properties is in " + ROOT.relativize(jar));
          checkedJars.add(jar.getFileName().toString());
        }
      } else {
        // Not packaged yet (mvn test): the module's compiled classes must hold the main class.
        Path classes = ROOT.resolve(pkg.module()).resolve("target/classes").resolve(mainClass.replace('.', '/') + ".class");
        assertTrue(Files.isRegularFile(classes), mainClass + " is neither in " + jar + " nor in " + classes);
      }
    }
    System.out.println("checked the handler and main class inside " + checkedJars);
  }

  @Test
  void theRoutesAreTheLocalGatewaysRoutes() {
    Set<String> inTemplate = new TreeSet<>();
    functions.forEach((id, function) -> {
      String fn = packageOf(id, function).name();
      Object events = SamTemplate.map(function, "Properties").get("Events");
      if (events == null) {
        return;
      }
      SamTemplate.asMap(events).forEach((name, ev) -> {
        Map<String, Object> event = SamTemplate.asMap(ev);
        if ("DynamoDB".equals(event.get("Type"))) {
          // the summaries function reads the table's stream: span packs only
          assertEquals(LambdaPackage.SUMMARIES.name(), fn, id + "." + name + ": only the summaries function reads the stream");
          Map<String, Object> props = SamTemplate.asMap(event.get("Properties"));
          assertEquals(Map.of("Fn::GetAtt", List.of("TracesTable", "StreamArn")), props.get("Stream"), id + "." + name + " stream");
          String pattern = String.valueOf(SamTemplate.path(props, "FilterCriteria", "Filters") instanceof List<?> l && !l.isEmpty()
              ? SamTemplate.asMap(l.get(0)).get("Pattern") : "");
          assertTrue(pattern.contains("\"pk\": {\"S\": [{\"prefix\": \"F#\"}]}") && pattern.contains("INSERT"),
              id + "." + name + " passes only inserted or rewritten span packs (pk F#...): " + pattern);
          Map<String, Object> table = SamTemplate.map(template.resources("AWS::DynamoDB::Table").get("TracesTable"), "Properties");
          assertEquals(Map.of("StreamViewType", "NEW_IMAGE"), table.get("StreamSpecification"), "the table's stream carries new images");
          return;
        }
        if ("Schedule".equals(event.get("Type"))) {
          // the compactor runs on a schedule, not behind a route
          assertEquals(LambdaPackage.COMPACTOR.name(), fn, id + "." + name + ": only the compactor runs on a schedule");
          assertTrue(String.valueOf(SamTemplate.asMap(event.get("Properties")).get("Schedule")).startsWith("rate("),
              id + "." + name + " has a rate");
          return;
        }
        assertEquals("HttpApi", event.get("Type"), id + "." + name + " is an HTTP API route");
        Map<String, Object> props = SamTemplate.asMap(event.get("Properties"));
        assertEquals(Map.of("Ref", "HttpApi"), props.get("ApiId"), id + "." + name + " belongs to the HttpApi");
        assertTrue(!props.containsKey("Auth"), id + "." + name + " keeps the default (token) authorizer");
        assertTrue(inTemplate.add(props.get("Method") + " " + props.get("Path") + " -> " + fn), "route declared twice: " + props);
      });
    });
    Set<String> local = Routes.ALL.stream().map(r -> r.method() + " " + r.pattern() + " -> " + r.function())
        .collect(Collectors.toCollection(TreeSet::new));
    assertEquals(local, inTemplate, "template.yaml routes vs Routes.ALL (method path -> function)");

    // Every route passes the authorizer, which is the authorizer function, as the local gateway does.
    Map<String, Object> api = template.resources("AWS::Serverless::HttpApi").get("HttpApi");
    assertNotNull(api, "an AWS::Serverless::HttpApi named HttpApi");
    Object auth = SamTemplate.path(SamTemplate.map(api, "Properties"), "Auth");
    String defaultAuthorizer = String.valueOf(SamTemplate.path(SamTemplate.asMap(auth), "DefaultAuthorizer"));
    Map<String, Object> authorizer = SamTemplate.asMap(SamTemplate.path(SamTemplate.asMap(auth), "Authorizers", defaultAuthorizer));
    // The alias SAM publishes (AutoPublishAlias): SnapStart only applies to published versions.
    Object arn = SamTemplate.asMap(authorizer.get("FunctionArn")).get("Ref");
    assertTrue(arn instanceof String s && s.endsWith(".Alias"), "the authorizer is invoked through its published alias"
        + " (!Ref <Function>.Alias), or SnapStart never applies to it: " + authorizer.get("FunctionArn"));
    String authorizerId = ((String) arn).substring(0, ((String) arn).length() - ".Alias".length());
    assertEquals("authorizer", packageOf(authorizerId, functions.get(authorizerId)).name(), "the default authorizer's function");
    assertEquals("2.0", String.valueOf(authorizer.get("AuthorizerPayloadFormatVersion")), "authorizer payload version");
    assertEquals(true, authorizer.get("EnableSimpleResponses"), "the authorizer answers simple responses");
  }

  /** Names the code reads from its environment: TracingConfig's constants and every System.getenv("...") literal. */
  private static Set<String> variablesTheCodeReads() throws Exception {
    Set<String> names = new TreeSet<>();
    for (Field f : TracingConfig.class.getFields()) {
      if (Modifier.isStatic(f.getModifiers()) && f.getType() == String.class) {
        String v = (String) f.get(null);
        if (v.matches("[A-Z][A-Z0-9_]+")) {
          names.add(v);
        }
      }
    }
    Pattern getenv = Pattern.compile("System\\.getenv\\(([^)]*)\\)");
    List<Path> sources = new ArrayList<>();
    for (String module : List.of("core", "otlp", "dynamodb", "api")) {
      sources.add(ROOT.resolve("shared").resolve(module).resolve("src/main/java"));
    }
    LambdaPackage.FUNCTIONS.forEach(p -> sources.add(ROOT.resolve(p.module()).resolve("src/main/java")));
    for (Path dir : sources) {
      try (Stream<Path> files = Files.walk(dir)) {
        for (Path file : files.filter(f -> f.toString().endsWith(".java")).toList()) {
          Matcher m = getenv.matcher(Files.readString(file));
          while (m.find()) {
            String arg = m.group(1).trim();
            if (arg.matches("\"[A-Z0-9_]+\"")) {
              names.add(arg.substring(1, arg.length() - 1));
            } else if (!arg.isEmpty()) {
              fail(ROOT.relativize(file) + " reads System.getenv(" + arg + "): name the variable in TracingConfig so this test"
                  + " can check the template sets it");
            } else if (!Files.readString(file).contains("TracingConfig.fromEnv(System.getenv())")) {
              fail(ROOT.relativize(file) + " reads the whole environment outside TracingConfig.fromEnv");
            }
          }
        }
      }
    }
    return names;
  }

  @Test
  void everyVariableTheCodeReadsIsSetAndEveryTracingVariableSetIsRead() throws Exception {
    Set<String> read = variablesTheCodeReads();
    assertTrue(read.containsAll(Set.of(TracingConfig.TABLE, TracingConfig.TOKEN_CACHE_SECONDS)), "found the config names: " + read);
    functions.forEach((id, function) -> {
      Map<String, Object> env = template.environment(function);
      Set<String> missing = new TreeSet<>(read);
      missing.removeAll(NOT_SET_BY_THE_TEMPLATE.keySet());
      missing.removeAll(env.keySet());
      assertEquals(Set.of(), missing, id + ": variables the code reads that the template does not set");
      for (String name : NOT_SET_BY_THE_TEMPLATE.keySet()) {
        assertFalse(env.containsKey(name), id + " sets " + name + ", which it must not: " + NOT_SET_BY_THE_TEMPLATE.get(name));
      }
      Set<String> unread = env.keySet().stream().filter(k -> k.startsWith("TRACING_") && !read.contains(k))
          .collect(Collectors.toCollection(TreeSet::new));
      assertEquals(Set.of(), unread, id + ": TRACING_* variables the template sets that no code reads");
      for (String scf : List.of("MAIN_CLASS", "SPRING_CLOUD_FUNCTION_DEFINITION")) {
        assertNotNull(env.get(scf), id + " sets " + scf + " (read by FunctionInvoker)");
      }
      assertEquals(Map.of("Ref", "TracesTable"), env.get(TracingConfig.TABLE), id + " " + TracingConfig.TABLE + " is the stack's table");
    });
  }

  @Test
  void theTableIsTheOneTheCodeCreates() {
    Map<String, Object> table = SamTemplate.map(template.resources("AWS::DynamoDB::Table").get("TracesTable"), "Properties");
    CreateTableRequest code = TableSchema.createTableRequest("t");

    assertEquals("PAY_PER_REQUEST", table.get("BillingMode"), "billing (scale to zero)");
    assertEquals(code.billingModeAsString(), table.get("BillingMode"), "billing mode vs TableSchema");
    assertEquals(attributes(code.attributeDefinitions().stream()
            .map(a -> Map.entry(a.attributeName(), a.attributeTypeAsString())).toList()),
        attributes(SamTemplate.asList(table.get("AttributeDefinitions")).stream().map(SamTemplate::asMap)
            .map(a -> Map.entry(String.valueOf(a.get("AttributeName")), String.valueOf(a.get("AttributeType")))).toList()),
        "attribute definitions");
    assertEquals(keys(code.keySchema()), templateKeys(table.get("KeySchema")), "table key schema");

    List<Object> indexes = SamTemplate.asList(table.get("GlobalSecondaryIndexes"));
    assertEquals(code.globalSecondaryIndexes().size(), indexes.size(), "number of GSIs");
    assertEquals(List.of(TableSchema.LIST_INDEX, TableSchema.DURATION_INDEX),
        code.globalSecondaryIndexes().stream().map(GlobalSecondaryIndex::indexName).toList());
    for (GlobalSecondaryIndex gsi : code.globalSecondaryIndexes()) {
      Map<String, Object> t = indexes.stream().map(SamTemplate::asMap).filter(i -> gsi.indexName().equals(i.get("IndexName")))
          .findFirst().orElseThrow(() -> new AssertionError("the template has no GSI " + gsi.indexName()));
      assertEquals(keys(gsi.keySchema()), templateKeys(t.get("KeySchema")), gsi.indexName() + " key schema");
      Map<String, Object> projection = SamTemplate.asMap(t.get("Projection"));
      assertEquals(gsi.projection().projectionTypeAsString(), projection.get("ProjectionType"), gsi.indexName() + " projection type");
      assertEquals(new TreeSet<>(gsi.projection().nonKeyAttributes()), new TreeSet<>(SamTemplate.asList(projection.get("NonKeyAttributes"))
          .stream().map(String::valueOf).toList()), gsi.indexName() + " projected attributes");
      assertEquals(new TreeSet<>(gsi.indexName().equals(TableSchema.LIST_INDEX) ? TableSchema.LIST_PROJECTION
          : TableSchema.DURATION_PROJECTION), new TreeSet<>(gsi.projection().nonKeyAttributes()));
    }
    Map<String, Object> ttl = SamTemplate.asMap(table.get("TimeToLiveSpecification"));
    assertEquals(TableSchema.EXPIRES, ttl.get("AttributeName"), "TTL attribute");
    assertEquals(true, ttl.get("Enabled"), "TTL enabled");
  }

  @Test
  void eachFunctionMayMakeExactlyTheDynamoDbCallsItsCodeMakes() {
    scenario = LocalScenario.start();
    FunctionMainPaths paths = new FunctionMainPaths(scenario);
    Map<String, String> report = new TreeMap<>();
    List<String> problems = new ArrayList<>();
    functions.forEach((id, function) -> {
      LambdaPackage pkg = packageOf(id, function);
      Set<DynamoDbCallRecorder.Permission> needed = paths.permissionsOf(pkg.definition());
      Set<DynamoDbCallRecorder.Permission> granted = granted(id, function);
      report.put(pkg.name(), "calls " + needed);
      Set<DynamoDbCallRecorder.Permission> missing = new TreeSet<>(needed);
      missing.removeAll(granted);
      Set<DynamoDbCallRecorder.Permission> extra = new TreeSet<>(granted);
      extra.removeAll(needed);
      if (!missing.isEmpty()) {
        problems.add(id + " (" + pkg.name() + ") makes calls its policy does not allow: " + missing);
      }
      if (!extra.isEmpty()) {
        problems.add(id + " (" + pkg.name() + ") is allowed calls its code never makes: " + extra);
      }
    });
    report.forEach((k, v) -> System.out.println(k + ": " + v));
    assertEquals(List.of(), problems, "IAM policies vs the DynamoDB calls of each function's main paths: " + report);
  }

  /** A function's DynamoDB permissions as its Policies grant them, on the stack's table or its indexes. */
  private static Set<DynamoDbCallRecorder.Permission> granted(String id, Map<String, Object> function) {
    Set<DynamoDbCallRecorder.Permission> out = new TreeSet<>();
    Object policies = SamTemplate.map(function, "Properties").get("Policies");
    for (Object policy : policies == null ? List.of() : SamTemplate.asList(policies)) {
      if (!(policy instanceof Map<?, ?> m) || !m.containsKey("Statement")) {
        fail(id + " uses policy " + policy + ": grant DynamoDB with explicit statements, so this test can compare them");
      }
      for (Object s : SamTemplate.asList(SamTemplate.asMap(policy).get("Statement"))) {
        Map<String, Object> statement = SamTemplate.asMap(s);
        assertEquals("Allow", statement.get("Effect"), id + " statement effect");
        for (Object action : SamTemplate.asList(statement.get("Action"))) {
          String a = String.valueOf(action);
          assertFalse(a.contains("*"), id + " grants a wildcard action " + a);
          for (Object resource : SamTemplate.asList(statement.get("Resource"))) {
            out.add(new DynamoDbCallRecorder.Permission(a, resourceName(id, resource)));
          }
        }
      }
    }
    return out;
  }

  /** {@code !GetAtt TracesTable.Arn} is "table"; {@code !Sub '${TracesTable.Arn}/index/X'} is "table/index/X". */
  private static String resourceName(String id, Object resource) {
    if (resource instanceof Map<?, ?> m) {
      if (List.of("TracesTable", "Arn").equals(m.get("Fn::GetAtt"))) {
        return "table";
      }
      Object sub = m.get("Fn::Sub");
      if (sub instanceof String s && s.startsWith("${TracesTable.Arn}/index/")) {
        assertFalse(s.contains("*"), id + " grants a wildcard index " + s);
        return "table" + s.substring("${TracesTable.Arn}".length());
      }
    }
    throw new AssertionError(id + " grants access to " + resource + ", which is not the stack's table or one of its indexes");
  }

  private static Map<String, String> attributes(List<Map.Entry<String, String>> entries) {
    Map<String, String> m = new TreeMap<>();
    entries.forEach(e -> m.put(e.getKey(), e.getValue()));
    return m;
  }

  private static List<String> keys(List<KeySchemaElement> schema) {
    return schema.stream().map(k -> k.attributeName() + ":" + k.keyTypeAsString()).toList();
  }

  private static List<String> templateKeys(Object schema) {
    return SamTemplate.asList(schema).stream().map(SamTemplate::asMap).map(k -> k.get("AttributeName") + ":" + k.get("KeyType"))
        .toList();
  }

  private static String artifactIdOf(Path pom) {
    try {
      var doc = DocumentBuilderFactory.newInstance().newDocumentBuilder().parse(pom.toFile());
      var children = doc.getDocumentElement().getChildNodes();
      for (int i = 0; i < children.getLength(); i++) {
        if ("artifactId".equals(children.item(i).getNodeName())) {
          return children.item(i).getTextContent().trim();
        }
      }
      throw new AssertionError(pom + " has no artifactId");
    } catch (Exception e) {
      throw new AssertionError("cannot read " + pom, e);
    }
  }
}
