package dev.shadowrouting.tck.readme;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * The repository's other modules reach shadow-core through its API only: no main source outside
 * shadow-core names an engine package ({@code dev.shadowrouting.internal.*}), except {@code
 * internal.util} (configuration errors and logging) from shadow-onnx and shadow-kafka, and the
 * benchmarks, which measure the engine from inside. Core is an automatic module (two of its
 * dependencies have no module names), so no {@code exports ... to} enforces this any more; this
 * does, and the samples show only what users can write.
 */
class EngineBoundaryTest {

  /** A reference to an engine package, imported or written out. */
  static final Pattern ENGINE = Pattern.compile("dev\\.shadowrouting\\.internal(\\.[a-z]+)?");

  /** Modules allowed engine packages beyond none: module directory → allowed package. */
  static final Map<String, String> ALLOWED = Map.of(
      "shadow-onnx", "dev.shadowrouting.internal.util",
      "shadow-kafka", "dev.shadowrouting.internal.util");

  /** Modules not checked: core is the engine, the benchmarks time it from inside. */
  static final List<String> EXEMPT = List.of("shadow-core", "benchmarks");

  /** Each main Java source of the repository outside the exempt modules. */
  static List<Path> sources() throws IOException {
    try (Stream<Path> files = Files.walk(ReadmeSnippetsCompileTest.ROOT)) {
      return files.filter(p -> p.toString().endsWith(".java"))
          .filter(p -> p.toString().contains("/src/main/java/"))
          .filter(p -> !p.toString().contains("/target/"))
          .filter(p -> EXEMPT.stream().noneMatch(m -> module(p).equals(m)))
          .collect(Collectors.toList());
    }
  }

  /** The first directory under the repository's root. */
  static String module(Path source) {
    return ReadmeSnippetsCompileTest.ROOT.relativize(source).getName(0).toString();
  }

  /** "file line N: package" for each engine package {@code text} names that its module may not. */
  static List<String> violations(String module, String file, String text) {
    List<String> found = new ArrayList<>();
    String allowed = ALLOWED.get(module);
    String[] lines = text.split("\n", -1);
    for (int i = 0; i < lines.length; i++) {
      Matcher m = ENGINE.matcher(lines[i]);
      while (m.find()) {
        if (!m.group().equals(allowed)) {
          found.add(file + " line " + (i + 1) + ": " + m.group());
        }
      }
    }
    return found;
  }

  @Test
  void noModuleButCoreUsesTheEngine() throws IOException {
    List<Path> sources = sources();
    assertThat(sources.stream().map(EngineBoundaryTest::module).distinct())
        .as("modules checked")
        .contains("shadow-onnx", "shadow-kafka", "shadow-spring-starter", "shadow-tck", "samples");
    List<String> found = new ArrayList<>();
    for (Path source : sources) {
      found.addAll(violations(module(source), source.toString(),
          Files.readString(source, StandardCharsets.UTF_8)));
    }
    assertThat(found).isEmpty();
  }

  /** The check itself: imports and written-out names are found; the allowed package passes. */
  @Test
  void theCheckFindsImportsAndWrittenOutNames() {
    String text = """
        import dev.shadowrouting.internal.util.ConfigErrors;
        import dev.shadowrouting.internal.stats.PairStats;
        class A { Object o = new dev.shadowrouting.internal.DefaultShadowRouter(); }
        """;
    assertThat(violations("shadow-onnx", "A.java", text)).containsExactly(
        "A.java line 2: dev.shadowrouting.internal.stats",
        "A.java line 3: dev.shadowrouting.internal");
    assertThat(violations("shadow-spring-starter", "A.java", text)).hasSize(3);
  }
}
