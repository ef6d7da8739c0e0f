package dev.shadowrouting.samples.boot;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import javax.tools.DiagnosticCollector;
import javax.tools.JavaCompiler;
import javax.tools.JavaFileObject;
import javax.tools.SimpleJavaFileObject;
import javax.tools.ToolProvider;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The {@code ```java spring} blocks of README.md and of the docs/*.md pages (docs/spring.md's,
 * which need Spring on the class path: shadow-tck's ReadmeSnippetsCompileTest compiles every other
 * block) compile against this app's class path. Each block is a class member or a class;
 * {@code { ... }} stands for a body the page elides. The sample's Txn and Score are the pages'.
 */
class ReadmeSpringSnippetsCompileTest {

  private static final String TEMPLATE = """
      package readme;

      import dev.shadowrouting.*;
      import dev.shadowrouting.samples.boot.Score;
      import dev.shadowrouting.samples.boot.Txn;
      import org.springframework.beans.factory.annotation.Qualifier;
      import org.springframework.context.annotation.Bean;
      import org.springframework.stereotype.Component;
      import org.springframework.web.bind.annotation.PostMapping;
      import org.springframework.web.bind.annotation.RequestBody;
      import org.springframework.web.bind.annotation.RestController;

      @SuppressWarnings("unused")
      class Snippet%d {
        interface Pager { void send(String userId, double score); }
        Pager pager;
      %s
      }
      """;

  @TempDir
  Path out;

  @Test
  void theSpringJavaBlocksOfTheReadmeAndTheDocsCompile() throws IOException {
    Path root = Path.of("../..");
    List<Path> pages = new ArrayList<>(List.of(root.resolve("README.md")));
    try (Stream<Path> docs = Files.list(root.resolve("docs"))) {
      docs.filter(p -> p.getFileName().toString().endsWith(".md")).sorted().forEach(pages::add);
    }
    List<JavaFileObject> sources = new ArrayList<>();
    for (Path page : pages) {
      addSpringBlocks(Files.readAllLines(page, StandardCharsets.UTF_8), sources);
    }
    assertThat(sources).as("```java spring blocks in README.md and docs/*.md")
        .hasSizeGreaterThanOrEqualTo(3);
    JavaCompiler javac = ToolProvider.getSystemJavaCompiler();
    DiagnosticCollector<JavaFileObject> diagnostics = new DiagnosticCollector<>();
    boolean ok = javac.getTask(null, null, diagnostics, List.of("-proc:none", "-d", out.toString(),
        "-cp", System.getProperty("java.class.path")), null, sources).call();
    assertThat(ok).as("javac: %s", diagnostics.getDiagnostics()).isTrue();
  }

  /** Adds each ```java spring block of a page, in {@link #TEMPLATE}, to {@code sources}. */
  private static void addSpringBlocks(List<String> lines, List<JavaFileObject> sources) {
    for (int i = 0; i < lines.size(); i++) {
      if (lines.get(i).strip().equals("```java spring")) {
        StringBuilder code = new StringBuilder();
        for (i++; !lines.get(i).strip().equals("```"); i++) {
          code.append(lines.get(i).replace("{ ... }", "{ throw new UnsupportedOperationException(); }"))
              .append('\n');
        }
        String source = String.format(TEMPLATE, sources.size(), code);
        sources.add(new SimpleJavaFileObject(URI.create("string:///readme/Snippet" + sources.size()
            + ".java"), JavaFileObject.Kind.SOURCE) {
          @Override
          public CharSequence getCharContent(boolean ignoreEncodingErrors) {
            return source;
          }
        });
      }
    }
  }
}
