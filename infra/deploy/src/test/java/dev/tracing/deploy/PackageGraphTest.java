package dev.tracing.deploy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * The shape of the code, read from the sources: no package of the product depends (through imports or fully
 * qualified names) on a package that depends back on it, and each shared module reaches only the libraries it
 * is split by: the core no AWS, protobuf or JSON library; the OTLP module no AWS; the DynamoDB module no
 * protobuf or OTLP.
 */
class PackageGraphTest {
  private static final Path ROOT = Path.of(System.getProperty("tracing.root", "../..")).toAbsolutePath().normalize();
  private static final Pattern PACKAGE = Pattern.compile("^package ([\\w.]+);", Pattern.MULTILINE);
  private static final Pattern IMPORT = Pattern.compile("^import (?:static )?([\\w.]+);", Pattern.MULTILINE);
  /** A fully qualified product name in code: a package path followed by a capitalised class name. */
  private static final Pattern QUALIFIED = Pattern.compile("\\b(dev\\.tracing(?:\\.[a-z]\\w*)+)\\.[A-Z]");

  /** The libraries each shared module must not reach, by import prefix. */
  private static final Map<String, List<String>> FORBIDDEN = Map.of(
      "core", List.of("software.amazon.", "com.google.protobuf.", "io.opentelemetry.", "com.fasterxml.", "dev.tracing.otlp.",
          "dev.tracing.storage.dynamodb.", "dev.tracing.api.", "dev.tracing.query.", "dev.tracing.ingest.", "dev.tracing.view.",
          "dev.tracing.gateway.", "dev.tracing.runtime."),
      "otlp", List.of("software.amazon.", "dev.tracing.storage.dynamodb.", "dev.tracing.api.", "dev.tracing.runtime."),
      "dynamodb", List.of("com.google.protobuf.", "io.opentelemetry.", "com.fasterxml.", "dev.tracing.otlp.", "dev.tracing.api.",
          "dev.tracing.query.", "dev.tracing.ingest.", "dev.tracing.runtime."));

  @Test
  void noPackageDependsOnOneThatDependsOnIt() throws IOException {
    Map<String, Set<String>> graph = new TreeMap<>();
    for (Path sources : mainSourceRoots()) {
      forEachSource(sources, (pkg, text) -> {
        Set<String> deps = graph.computeIfAbsent(pkg, p -> new TreeSet<>());
        Matcher m = QUALIFIED.matcher(withoutComments(text));
        while (m.find()) {
          if (!m.group(1).equals(pkg)) {
            deps.add(m.group(1));
          }
        }
      });
    }
    graph.values().forEach(deps -> deps.retainAll(graph.keySet()));
    assertTrue(graph.size() > 20, "the sources were found under " + ROOT + ": " + graph.keySet());
    assertEquals(List.of(), cycles(graph), "packages that depend on each other (split or move the class that closes the loop)");
  }

  @Test
  void sharedModulesReachOnlyTheLibrariesTheyAreSplitBy() throws IOException {
    List<String> violations = new ArrayList<>();
    for (Map.Entry<String, List<String>> module : FORBIDDEN.entrySet()) {
      Path sources = ROOT.resolve("shared").resolve(module.getKey()).resolve("src/main/java");
      assertTrue(Files.isDirectory(sources), sources + " exists");
      forEachSource(sources, (pkg, text) -> {
        Matcher m = IMPORT.matcher(text);
        while (m.find()) {
          for (String prefix : module.getValue()) {
            if (m.group(1).startsWith(prefix)) {
              violations.add("shared/" + module.getKey() + " " + pkg + " imports " + m.group(1));
            }
          }
        }
      });
    }
    assertEquals(List.of(), violations);
  }

  @Test
  void theCycleFinderFindsACycle() {
    Map<String, Set<String>> graph = new TreeMap<>(Map.of(
        "a", Set.of("b"), "b", Set.of("c"), "c", Set.of("a"), "d", Set.of("a")));
    assertEquals(List.of(List.of("a", "b", "c")), cycles(graph));
    assertEquals(List.of(), cycles(new TreeMap<>(Map.of("a", Set.of("b"), "b", Set.of()))));
  }

  private static List<Path> mainSourceRoots() throws IOException {
    List<Path> roots = new ArrayList<>();
    for (String top : List.of("shared", "functions", "infra")) {
      try (Stream<Path> dirs = Files.walk(ROOT.resolve(top), 4)) {
        dirs.filter(d -> d.endsWith(Path.of("src", "main", "java")) && Files.isDirectory(d)).forEach(roots::add);
      }
    }
    return roots;
  }

  private interface SourceVisitor {
    void visit(String pkg, String text) throws IOException;
  }

  private static void forEachSource(Path root, SourceVisitor visitor) throws IOException {
    try (Stream<Path> files = Files.walk(root)) {
      for (Path file : files.filter(f -> f.toString().endsWith(".java")).toList()) {
        String text = Files.readString(file);
        Matcher pkg = PACKAGE.matcher(text);
        if (pkg.find()) {
          visitor.visit(pkg.group(1), text);
        }
      }
    }
  }

  /** The text without block and line comments, so a {@code {@link}} in a comment is no dependency. */
  private static String withoutComments(String text) {
    return text.replaceAll("(?s)/\\*.*?\\*/", " ").replaceAll("(?m)//.*$", " ");
  }

  /** The strongly connected components of more than one package (Tarjan), each sorted, in order. */
  static List<List<String>> cycles(Map<String, Set<String>> graph) {
    Map<String, Integer> index = new HashMap<>();
    Map<String, Integer> low = new HashMap<>();
    Deque<String> stack = new ArrayDeque<>();
    Set<String> onStack = new TreeSet<>();
    List<List<String>> found = new ArrayList<>();
    int[] counter = {0};
    for (String node : graph.keySet()) {
      if (!index.containsKey(node)) {
        connect(node, graph, index, low, stack, onStack, found, counter);
      }
    }
    found.sort((x, y) -> x.get(0).compareTo(y.get(0)));
    return found;
  }

  private static void connect(String node, Map<String, Set<String>> graph, Map<String, Integer> index, Map<String, Integer> low,
      Deque<String> stack, Set<String> onStack, List<List<String>> found, int[] counter) {
    index.put(node, counter[0]);
    low.put(node, counter[0]++);
    stack.push(node);
    onStack.add(node);
    for (String next : graph.getOrDefault(node, Set.of())) {
      if (!index.containsKey(next)) {
        connect(next, graph, index, low, stack, onStack, found, counter);
        low.put(node, Math.min(low.get(node), low.get(next)));
      } else if (onStack.contains(next)) {
        low.put(node, Math.min(low.get(node), index.get(next)));
      }
    }
    if (low.get(node).equals(index.get(node))) {
      List<String> component = new ArrayList<>();
      String member;
      do {
        member = stack.pop();
        onStack.remove(member);
        component.add(member);
      } while (!member.equals(node));
      if (component.size() > 1) {
        component.sort(null);
        found.add(component);
      }
    }
  }
}
