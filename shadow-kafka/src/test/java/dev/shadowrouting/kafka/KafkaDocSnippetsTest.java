package dev.shadowrouting.kafka;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.StringWriter;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import javax.tools.JavaCompiler;
import javax.tools.JavaFileObject;
import javax.tools.SimpleJavaFileObject;
import javax.tools.ToolProvider;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The {@code ```java kafka} blocks of the pages that show this module (docs/fleets.md,
 * docs/replay.md; complete compilation units) compile against this module's classpath: a page
 * cannot drift from the API it shows. (shadow-tck compiles the pages' plain {@code ```java}
 * blocks, without Kafka on its classpath.)
 */
class KafkaDocSnippetsTest {
  @TempDir
  Path out;

  @ParameterizedTest
  @ValueSource(strings = {"fleets.md", "replay.md"})
  void theKafkaBlocksOfThePageCompile(String page) throws IOException {
    List<String> lines = Files.readAllLines(Path.of("..", "docs", page));
    List<JavaFileObject> units = new ArrayList<>();
    for (int i = 0; i < lines.size(); i++) {
      if (lines.get(i).strip().equals("```java kafka")) {
        int first = i + 1;
        StringBuilder code = new StringBuilder();
        for (i++; !lines.get(i).strip().equals("```"); i++) {
          code.append(lines.get(i)).append('\n');
        }
        units.add(new SimpleJavaFileObject(URI.create("string:///" + page.replace('.', '_')
            + "_line_" + first + ".java"), JavaFileObject.Kind.SOURCE) {
          @Override
          public CharSequence getCharContent(boolean ignoreEncodingErrors) {
            return code;
          }
        });
      }
    }
    assertThat(units).as("```java kafka blocks in docs/" + page).isNotEmpty();
    JavaCompiler javac = ToolProvider.getSystemJavaCompiler();
    StringWriter diagnostics = new StringWriter();
    String classPath = System.getProperty("surefire.test.class.path",
        System.getProperty("java.class.path"));
    boolean compiled = javac.getTask(diagnostics, null, null, List.of("-proc:none", "-d",
        out.toString(), "-cp", classPath), null,
        units).call();
    assertThat(compiled).as(diagnostics.toString()).isTrue();
  }
}
