package dev.shadowrouting.tck.readme;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.StringReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import javax.xml.parsers.DocumentBuilderFactory;
import javax.xml.xpath.XPath;
import javax.xml.xpath.XPathConstants;
import javax.xml.xpath.XPathFactory;
import org.junit.jupiter.api.Test;
import org.w3c.dom.Document;
import org.w3c.dom.NodeList;
import org.xml.sax.InputSource;

/**
 * What the README promises a newcomer and what the build does stay the same thing: the Quick
 * start's {@code pom.xml} (which .ci/fresh-project.sh builds outside the repository) imports this
 * version's BOM and pins the compiler at release 17, the artifact table lists every artifact the
 * BOM manages, the test command is the one CI runs, and the first command runs the shadow-test
 * demo.
 */
class ReadmeFrontDoorTest {

  static final Path ROOT = Path.of("..");

  @Test
  void theQuickStartsPomImportsThisVersionsBomAndPinsTheCompilerAtRelease17() throws Exception {
    List<String> readme = readme();
    Document pom = xml(String.join("\n", fencedBlock(readme, "## Quick start", "```xml")));
    XPath x = XPathFactory.newInstance().newXPath();

    String bom = "/project/dependencyManagement/dependencies/dependency"
        + "[groupId='dev.shadowrouting' and artifactId='shadow-routing-bom']";
    assertThat(x.evaluate(bom + "/version", pom)).as("the BOM's version in the Quick start")
        .isEqualTo(projectVersion());
    assertThat(x.evaluate(bom + "/type", pom)).isEqualTo("pom");
    assertThat(x.evaluate(bom + "/scope", pom)).isEqualTo("import");
    assertThat(x.evaluate("/project/dependencies/dependency[artifactId='shadow-core']/version",
        pom)).as("shadow-core's version comes from the BOM").isEmpty();
    String compiler = "/project/build/plugins/plugin[artifactId='maven-compiler-plugin']";
    assertThat(x.evaluate(compiler + "/version", pom)).as("a pinned compiler plugin").isNotBlank();
    assertThat(x.evaluate(compiler + "/configuration/release", pom)).isEqualTo("17");

    List<String> java = fencedBlock(readme, "## Quick start", "```java");
    Matcher main = Pattern.compile("(?m)^public (final )?class (\\w+)")
        .matcher(String.join("\n", java));
    assertThat(main.find()).as("a public class in the Quick start's Java block").isTrue();
    assertThat(x.evaluate("/project/build/plugins/plugin[artifactId='exec-maven-plugin']"
        + "/configuration/mainClass", pom)).as("exec:java runs the Quick start's class")
        .isEqualTo(main.group(2));
  }

  @Test
  void theArtifactTableListsEveryArtifactTheBomManages() throws Exception {
    Document bom = xml(Files.readString(ROOT.resolve("shadow-routing-bom/pom.xml")));
    NodeList ids = (NodeList) XPathFactory.newInstance().newXPath().evaluate(
        "/project/dependencyManagement/dependencies/dependency/artifactId", bom,
        XPathConstants.NODESET);
    List<String> managed = new ArrayList<>();
    for (int i = 0; i < ids.getLength(); i++) {
      managed.add(ids.item(i).getTextContent().strip());
    }
    assertThat(managed).contains("shadow-core");
    List<String> rows = section(readme(), "## Artifacts").stream()
        .filter(l -> l.startsWith("| `")).toList();
    for (String artifact : managed) {
      assertThat(rows).as("the README's artifact table lists %s", artifact)
          .anyMatch(r -> r.startsWith("| `" + artifact + "` |"));
    }
  }

  @Test
  void theReadmesTestCommandIsTheOneCiRuns() throws IOException {
    List<String> commands = fencedBlock(readme(), "## The two commands", "```bash").stream()
        .filter(l -> l.startsWith("mvn ")).toList();
    assertThat(commands).as("the two commands").hasSize(2);
    assertThat(Files.readAllLines(ROOT.resolve(".ci/run"))).as(".ci/run")
        .contains(commands.get(1));
  }

  @Test
  void theFirstCommandRunsTheShadowTestDemo() throws Exception {
    String first = fencedBlock(readme(), "## The two commands", "```bash").stream()
        .filter(l -> l.startsWith("mvn ")).findFirst().orElseThrow();
    assertThat(first).contains("-pl samples ").contains("exec:java").doesNotContain("demo.main");
    Document samples = xml(Files.readString(ROOT.resolve("samples/pom.xml")));
    String main = XPathFactory.newInstance().newXPath().evaluate("/project/properties/demo.main",
        samples);
    assertThat(main).isEqualTo("dev.shadowrouting.samples.ModelUpgradeDemo");
    assertThat(ROOT.resolve("samples/src/main/java/" + main.replace('.', '/') + ".java"))
        .exists();
  }

  // ----------------------------------------------------------------------------------- helpers

  static List<String> readme() throws IOException {
    return Files.readAllLines(ROOT.resolve("README.md"), StandardCharsets.UTF_8);
  }

  /** The lines from {@code heading} (exclusive) to the next {@code ## } heading. */
  static List<String> section(List<String> lines, String heading) {
    int from = lines.indexOf(heading);
    assertThat(from).as("a '%s' section", heading).isNotNegative();
    int to = from + 1;
    while (to < lines.size() && !lines.get(to).startsWith("## ")) {
      to++;
    }
    return lines.subList(from + 1, to);
  }

  /** The first block fenced {@code fence} in that section (as .ci/fresh-project.sh reads it). */
  static List<String> fencedBlock(List<String> lines, String heading, String fence) {
    List<String> section = section(lines, heading);
    int open = section.indexOf(fence);
    assertThat(open).as("a %s block under '%s'", fence, heading).isNotNegative();
    int close = section.subList(open + 1, section.size()).indexOf("```");
    assertThat(close).as("its closing fence").isNotNegative();
    return section.subList(open + 1, open + 1 + close);
  }

  static String projectVersion() throws Exception {
    return XPathFactory.newInstance().newXPath().evaluate("/project/version",
        xml(Files.readString(ROOT.resolve("pom.xml"))));
  }

  static Document xml(String text) throws Exception {
    DocumentBuilderFactory factory = DocumentBuilderFactory.newInstance();
    factory.setFeature("http://apache.org/xml/features/disallow-doctype-decl", true);
    return factory.newDocumentBuilder().parse(new InputSource(new StringReader(text)));
  }
}
