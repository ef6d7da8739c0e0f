package dev.shadowrouting.samples.boot;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import javax.tools.DiagnosticCollector;
import javax.tools.JavaCompiler;
import javax.tools.JavaFileObject;
import javax.tools.SimpleJavaFileObject;
import javax.tools.ToolProvider;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The README's Spring Boot section ({@code ```java spring} blocks, which need Spring on the class
 * path: shadow-tck's ReadmeSnippetsCompileTest compiles every other block) compiles against this
 * app's class path. Each block is a class member or a class; {@code { ... }} stands for a body the
 * README elides. The sample's Txn and Score are the README's.
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
  void theSpringSectionsJavaBlocksCompile() throws IOException {
    List<String> lines = Files.readAllLines(Path.of("../../README.md"), StandardCharsets.UTF_8);
    List<JavaFileObject> sources = new ArrayList<>();
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
    assertThat(sources).as("```java spring blocks in the README").hasSize(3);
    JavaCompiler javac = ToolProvider.getSystemJavaCompiler();
    DiagnosticCollector<JavaFileObject> diagnostics = new DiagnosticCollector<>();
    boolean ok = javac.getTask(null, null, diagnostics, List.of("-proc:none", "-d", out.toString(),
        "-cp", System.getProperty("java.class.path")), null, sources).call();
    assertThat(ok).as("javac: %s", diagnostics.getDiagnostics()).isTrue();
  }
}
