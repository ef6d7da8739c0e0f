package dev.shadowrouting.tck.readme;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assumptions.abort;

import java.io.IOException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import javax.tools.Diagnostic;
import javax.tools.DiagnosticCollector;
import javax.tools.JavaCompiler;
import javax.tools.JavaFileObject;
import javax.tools.SimpleJavaFileObject;
import javax.tools.StandardJavaFileManager;
import javax.tools.StandardLocation;
import javax.tools.ToolProvider;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestFactory;
import org.junit.jupiter.api.io.TempDir;

/**
 * Every {@code ```java} block of the repository's README.md and of its docs/*.md pages compiles
 * against this module's test classpath (shadow-core, shadow-onnx, jackson-core, Micrometer,
 * OpenTelemetry), so the documentation cannot drift from the code.
 *
 * <ul>
 *   <li>A block that starts (after blank lines and comments) with {@code package}, {@code import}
 *       or a type declaration is a complete compilation unit and compiles as it is.
 *   <li>Any other block is a fragment: it becomes the body of {@code void snippet() throws
 *       Exception} in {@link #TEMPLATE}, whose imports and fields are what the pages' fragments
 *       take for granted ({@code router}, {@code modelV2}, {@code txn}, ...).
 *   <li>A line that is only {@code ...} stands for elided code and compiles as a comment.
 *   <li>Pseudo-code is fenced {@code ```text}, not {@code ```java}.
 *   <li>Blocks that need Spring are fenced {@code ```java spring}: samples/spring-boot's
 *       ReadmeSpringSnippetsCompileTest compiles them.
 * </ul>
 *
 * A failure names the file and line of each of javac's diagnostics and quotes it.
 */
class ReadmeSnippetsCompileTest {

  static final Path ROOT = Path.of("..");
  static final Path README = ROOT.resolve("README.md");

  /**
   * Blocks known not to compile, by a line that identifies them, with the fix. Such a block is
   * reported as skipped with javac's diagnostics; once it compiles its test fails, so that the entry
   * is removed. Fix the page rather than adding entries.
   */
  static final Map<String, String> KNOWN_BROKEN = Map.of();

  /** Where a fragment goes; {@value #BODY} is replaced by the fragment. */
  static final String BODY = "/*SNIPPET*/";

  static final String TEMPLATE = """
      import ai.onnxruntime.OrtSession.SessionOptions.OptLevel;
      import dev.shadowrouting.*;
      import dev.shadowrouting.onnx.*;
      import dev.shadowrouting.sinks.jsonl.*;
      import dev.shadowrouting.sinks.micrometer.*;
      import dev.shadowrouting.sinks.otel.*;
      import io.micrometer.core.instrument.MeterRegistry;
      import io.opentelemetry.api.GlobalOpenTelemetry;
      import java.net.http.*;
      import java.nio.file.*;
      import java.time.*;
      import java.util.*;

      @SuppressWarnings({"unused", "try"})
      abstract class ReadmeSnippet {
        record Txn(String id, String userId, double amount) {}
        record Score(double value, boolean block) {}

        Predictor<Txn, Score> modelV1, modelV2, rulesV1;
        ShadowRouter<Txn, Score> router;
        Txn txn;
        String id, userId, requestId;
        Object actual;
        InMemorySink sink;
        MeterRegistry meterRegistry;
        Path directory;
        float[] features;
        Predictor<float[], Float> v1, v2;
        HttpClient httpClient;                       // a remote shadow's client
        HttpResponse.BodyHandler<String> handler;
        abstract HttpRequest request(Txn txn);
        abstract Score parse(String body);

        void snippet() throws Exception {
      /*SNIPPET*/
        }
      }
      """;

  private static final Pattern TYPE_DECLARATION = Pattern.compile(
      "^(@\\w+\\s+)*((public|protected|private|abstract|final|static|sealed|non-sealed|strictfp)"
          + "\\s+)*(class|interface|enum|record|@interface)\\s+\\w+.*");
  private static final Pattern PUBLIC_TYPE = Pattern.compile(
      "(?m)^public\\s+((abstract|final|sealed|non-sealed|strictfp)\\s+)*"
          + "(class|interface|enum|record|@interface)\\s+(\\w+)");

  @TempDir Path classes;

  /**
   * One block: the file it is in (relative to the repository, e.g. {@code docs/sinks.md}), the
   * line of its first code line, and its code.
   */
  record Block(String file, int firstLine, String code) {
    String title() {
      String first = code.lines().filter(l -> !l.isBlank()).findFirst().orElse("").strip();
      return file + " line " + firstLine + ": " + (first.length() > 70
          ? first.substring(0, 70) + "..." : first);
    }

    boolean isCompilationUnit() {
      for (String line : code.lines().toList()) {
        String l = line.strip();
        if (l.isEmpty() || l.startsWith("//") || l.startsWith("/*") || l.startsWith("*")) {
          continue;
        }
        return l.startsWith("package ") || l.startsWith("import ")
            || TYPE_DECLARATION.matcher(l).matches();
      }
      return false;
    }
  }

  @TestFactory
  Stream<DynamicTest> everyJavaBlockOfTheReadmeAndTheDocsCompiles() throws IOException {
    List<Block> blocks = new ArrayList<>();
    for (Path page : pages()) {
      blocks.addAll(javaBlocks(page));
    }
    assertThat(blocks).as("```java blocks in README.md").anyMatch(b -> b.file().equals(
        "README.md"));
    assertThat(blocks).as("```java blocks in docs/").anyMatch(b -> b.file().startsWith("docs/"));
    return blocks.stream().map(b -> DynamicTest.dynamicTest(b.title(), () -> {
      String known = KNOWN_BROKEN.keySet().stream().filter(b.code()::contains).findFirst()
          .orElse(null);
      List<String> errors = compile(b);
      if (known != null) {
        assertThat(errors).as("%s is listed in KNOWN_BROKEN but now compiles: remove the entry",
            b.title()).isNotEmpty();
        abort("known not to compile (" + KNOWN_BROKEN.get(known) + "):\n"
            + String.join("\n", errors));
      }
      if (!errors.isEmpty()) {
        throw new AssertionError(b.file() + "'s ```java block at line " + b.firstLine()
            + " does not compile:\n" + String.join("\n", errors));
      }
    }));
  }

  @Test
  void everyPageOfTheDocsIsRead() throws IOException {
    assertThat(pages()).contains(README, ROOT.resolve("docs/how-it-works.md"),
        ROOT.resolve("docs/sinks.md"), ROOT.resolve("docs/spring.md"));
  }

  @Test
  void theQuickStartIsACompleteProgram() throws IOException {
    List<String> lines = Files.readAllLines(README, StandardCharsets.UTF_8);
    int heading = lines.indexOf("## Quick start");
    assertThat(heading).as("a '## Quick start' section").isNotNegative();
    Block quickStart = javaBlocks("README.md", lines).stream()
        .filter(b -> b.firstLine() > heading).findFirst().orElseThrow();
    assertThat(quickStart.isCompilationUnit()).as("the Quick start is pasted as a whole file by"
        + " .ci/fresh-project.sh: it must have its imports").isTrue();
    assertThat(quickStart.code()).contains("public static void main(String[] args)");
  }

  @Test
  void aBlockThatDoesNotCompileIsReportedWithItsFileLineAndJavacsMessage() {
    Block wrong = new Block("docs/x.md", 40,
        "Score s = router.predict(txn);\nint n = s.blocked();\n");
    List<String> errors = compile(wrong);
    assertThat(errors).hasSize(1);
    assertThat(errors.get(0)).startsWith("docs/x.md line 41: ").contains("cannot find symbol")
        .contains("blocked()");
    Block unit = new Block("README.md", 7,
        "import java.util.List;\n\nclass A {\n  List<String> x = 1;\n}\n");
    assertThat(compile(unit)).singleElement().asString().startsWith("README.md line 10: ")
        .contains("incompatible types");
  }

  @Test
  void extractsJavaBlocksOnlyWithTheLineOfTheirFirstCodeLine() {
    List<String> md = List.of("# t", "```java", "int a = 1;", "```", "```text", "pseudo", "```",
        "```bash", "ls", "```", "  ```java", "int b = 2;", "  ```", "```java spring", "@Bean",
        "```");
    List<Block> blocks = javaBlocks("docs/t.md", md);
    assertThat(blocks).extracting(Block::firstLine).containsExactly(3, 12);
    assertThat(blocks).extracting(Block::file).containsOnly("docs/t.md");
    assertThat(blocks.get(0).code()).isEqualTo("int a = 1;\n");
    assertThatThrownBy(() -> javaBlocks("docs/t.md", List.of("```java", "int a;")))
        .hasMessageContaining("docs/t.md").hasMessageContaining("line 1");
  }

  // ----------------------------------------------------------------------------------- helpers

  /** README.md and every docs/*.md page, in that order (the pages by name). */
  static List<Path> pages() throws IOException {
    List<Path> pages = new ArrayList<>(List.of(README));
    try (Stream<Path> docs = Files.list(ROOT.resolve("docs"))) {
      docs.filter(p -> p.getFileName().toString().endsWith(".md")).sorted().forEach(pages::add);
    }
    return pages;
  }

  /** The ```java blocks of a page of the repository. */
  static List<Block> javaBlocks(Path page) throws IOException {
    return javaBlocks(ROOT.relativize(page).toString().replace('\\', '/'),
        Files.readAllLines(page, StandardCharsets.UTF_8));
  }

  /** The ```java blocks of a Markdown file named {@code file}, fences possibly indented. */
  static List<Block> javaBlocks(String file, List<String> lines) {
    List<Block> blocks = new ArrayList<>();
    for (int i = 0; i < lines.size(); i++) {
      if (!lines.get(i).strip().equals("```java")) {
        continue;
      }
      int open = i;
      StringBuilder code = new StringBuilder();
      for (i++; i < lines.size() && !lines.get(i).strip().equals("```"); i++) {
        code.append(lines.get(i)).append('\n');
      }
      if (i == lines.size()) {
        throw new IllegalStateException("the ```java fence at " + file + " line " + (open + 1)
            + " is never closed");
      }
      blocks.add(new Block(file, open + 2, code.toString()));
    }
    return blocks;
  }

  /** javac's errors for one block, each as "docs/x.md line N: message" and the line itself. */
  List<String> compile(Block block) {
    JavaCompiler javac = ToolProvider.getSystemJavaCompiler();
    assertThat(javac).as("a JDK (javax.tools.JavaCompiler), not a JRE").isNotNull();
    String code = block.code().lines()
        .map(l -> l.strip().equals("...") ? l.replace("...", "// ...") : l)
        .reduce("", (a, l) -> a + l + "\n");
    String source;
    String fileName;
    int offset; // the page's line = source line + offset
    if (block.isCompilationUnit()) {
      source = code;
      Matcher m = PUBLIC_TYPE.matcher(code);
      fileName = m.find() ? m.group(4) : "ReadmeBlock";
      offset = block.firstLine() - 1;
    } else {
      int at = TEMPLATE.indexOf(BODY);
      String head = TEMPLATE.substring(0, at);
      source = head + code + TEMPLATE.substring(at + BODY.length());
      fileName = "ReadmeSnippet";
      offset = block.firstLine() - 1 - (int) head.lines().count();
    }
    JavaFileObject file = new SimpleJavaFileObject(
        URI.create("string:///" + fileName + JavaFileObject.Kind.SOURCE.extension),
        JavaFileObject.Kind.SOURCE) {
      @Override
      public CharSequence getCharContent(boolean ignoreEncodingErrors) {
        return source;
      }
    };
    DiagnosticCollector<JavaFileObject> diagnostics = new DiagnosticCollector<>();
    try (StandardJavaFileManager files = javac.getStandardFileManager(diagnostics, Locale.ROOT,
        StandardCharsets.UTF_8)) {
      Path out = Files.createTempDirectory(classes, "block");
      files.setLocation(StandardLocation.CLASS_OUTPUT, List.of(out.toFile()));
      List<String> options = List.of("--release", "17", "-proc:none", "-classpath", classpath());
      javac.getTask(null, files, diagnostics, options, null, List.of(file)).call();
    } catch (IOException e) {
      throw new AssertionError("cannot compile " + block.title(), e);
    }
    List<String> source_lines = source.lines().toList();
    List<String> errors = new ArrayList<>();
    for (Diagnostic<? extends JavaFileObject> d : diagnostics.getDiagnostics()) {
      if (d.getKind() != Diagnostic.Kind.ERROR) {
        continue;
      }
      long line = d.getLineNumber();
      String quoted = line >= 1 && line <= source_lines.size()
          ? "\n    | " + source_lines.get((int) line - 1).strip() : "";
      String where = line >= 1 && line + offset >= block.firstLine()
          && line + offset < block.firstLine() + block.code().lines().count()
          ? block.file() + " line " + (line + offset)
          : block.file() + " block at line " + block.firstLine() + " (template line " + line
              + ")";
      errors.add(where + ": " + d.getMessage(Locale.ROOT) + quoted);
    }
    return errors;
  }

  /**
   * The test classpath. Surefire puts it in java.class.path (also with its manifest-only jar, see
   * surefire.test.class.path).
   */
  static String classpath() {
    String surefire = System.getProperty("surefire.test.class.path");
    return surefire != null && !surefire.isBlank() ? surefire
        : System.getProperty("java.class.path");
  }
}
