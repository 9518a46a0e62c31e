package dev.tracing.deploy;

import java.io.IOException;
import java.io.Reader;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.yaml.snakeyaml.LoaderOptions;
import org.yaml.snakeyaml.Yaml;
import org.yaml.snakeyaml.constructor.AbstractConstruct;
import org.yaml.snakeyaml.constructor.SafeConstructor;
import org.yaml.snakeyaml.nodes.MappingNode;
import org.yaml.snakeyaml.nodes.Node;
import org.yaml.snakeyaml.nodes.ScalarNode;
import org.yaml.snakeyaml.nodes.SequenceNode;
import org.yaml.snakeyaml.nodes.Tag;

/**
 * {@code template.yaml} as plain maps and lists. CloudFormation's short-form tags become their
 * long form, as CloudFormation reads them: {@code !Ref X} is {@code {Ref: X}}, {@code !GetAtt A.B}
 * is {@code {Fn::GetAtt: [A, B]}}, {@code !Sub s} is {@code {Fn::Sub: s}}, and so on.
 */
final class SamTemplate {
  private static final List<String> FUNCTIONS = List.of("Base64", "Cidr", "FindInMap", "GetAtt", "GetAZs", "ImportValue", "Join",
      "Select", "Split", "Sub", "Transform", "And", "Equals", "If", "Not", "Or", "ToJsonString", "Length");

  private final Map<String, Object> root;

  private SamTemplate(Map<String, Object> root) {
    this.root = root;
  }

  static SamTemplate read(Path file) {
    Yaml yaml = new Yaml(new CloudFormationConstructor());
    try (Reader in = Files.newBufferedReader(file)) {
      return new SamTemplate(yaml.load(in));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  Map<String, Object> resources() {
    return map(root, "Resources");
  }

  /** The resources of one type, by logical id. */
  Map<String, Map<String, Object>> resources(String type) {
    Map<String, Map<String, Object>> out = new LinkedHashMap<>();
    resources().forEach((id, r) -> {
      @SuppressWarnings("unchecked")
      Map<String, Object> resource = (Map<String, Object>) r;
      if (type.equals(resource.get("Type"))) {
        out.put(id, resource);
      }
    });
    return out;
  }

  Map<String, Object> globalsFunction() {
    Map<String, Object> globals = map(root, "Globals");
    return globals == null ? Map.of() : map(globals, "Function");
  }

  Map<String, Object> parameters() {
    return map(root, "Parameters");
  }

  /** The environment a function gets: Globals' variables overlaid with its own. */
  Map<String, Object> environment(Map<String, Object> function) {
    Map<String, Object> env = new LinkedHashMap<>();
    Object global = path(globalsFunction(), "Environment", "Variables");
    if (global != null) {
      env.putAll(asMap(global));
    }
    Object own = path(map(function, "Properties"), "Environment", "Variables");
    if (own != null) {
      env.putAll(asMap(own));
    }
    return env;
  }

  /** A function property, or the Globals' value when the function does not set it. */
  Object functionProperty(Map<String, Object> function, String name) {
    Object own = map(function, "Properties").get(name);
    return own != null ? own : globalsFunction().get(name);
  }

  static Object path(Map<String, Object> from, String... keys) {
    Object at = from;
    for (String k : keys) {
      if (!(at instanceof Map<?, ?> m)) {
        return null;
      }
      at = m.get(k);
    }
    return at;
  }

  @SuppressWarnings("unchecked")
  static Map<String, Object> asMap(Object o) {
    return (Map<String, Object>) o;
  }

  @SuppressWarnings("unchecked")
  static List<Object> asList(Object o) {
    return o instanceof List<?> l ? (List<Object>) l : List.of(o);
  }

  static Map<String, Object> map(Map<String, Object> from, String key) {
    return asMap(from.get(key));
  }

  /** SnakeYAML's safe constructor plus CloudFormation's intrinsic-function tags. */
  private static final class CloudFormationConstructor extends SafeConstructor {
    CloudFormationConstructor() {
      super(new LoaderOptions());
      yamlConstructors.put(new Tag("!Ref"), new Intrinsic("Ref"));
      yamlConstructors.put(new Tag("!Condition"), new Intrinsic("Condition"));
      for (String f : FUNCTIONS) {
        yamlConstructors.put(new Tag("!" + f), new Intrinsic("Fn::" + f));
      }
    }

    private final class Intrinsic extends AbstractConstruct {
      private final String key;

      Intrinsic(String key) {
        this.key = key;
      }

      @Override
      public Object construct(Node node) {
        Object value;
        if (node instanceof ScalarNode scalar) {
          String s = constructScalar(scalar);
          // The short form of GetAtt is "Resource.Attribute"; the long form a two-element list.
          value = key.equals("Fn::GetAtt") ? new ArrayList<>(List.of(s.substring(0, s.indexOf('.')), s.substring(s.indexOf('.') + 1))) : s;
        } else if (node instanceof SequenceNode seq) {
          value = constructSequence(seq);
        } else {
          value = constructMapping((MappingNode) node);
        }
        Map<String, Object> m = new LinkedHashMap<>();
        m.put(key, value);
        return m;
      }
    }
  }
}
