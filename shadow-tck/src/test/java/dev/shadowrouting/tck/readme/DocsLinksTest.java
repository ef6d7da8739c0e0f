package dev.shadowrouting.tck.readme;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/**
 * Every relative link of README.md and of the docs/*.md pages reaches a file of the repository,
 * and a link to a heading ({@code page.md#anchor}) reaches a heading of that page, by GitHub's
 * anchor rule. Links in code blocks and to other sites are not checked.
 */
class DocsLinksTest {

  /**
   * Pages the README links to that other work adds later. Once such a page exists its entry must
   * go (the test fails), so that the list never hides a broken link.
   */
  static final Set<String> LANDS_LATER = Set.of();

  private static final Pattern LINK = Pattern.compile("\\]\\(([^)\\s]+)\\)");

  @Test
  void everyRelativeLinkReachesAFileAndEveryAnchorAHeading() throws IOException {
    List<String> broken = new ArrayList<>();
    int checked = 0;
    for (Path page : ReadmeSnippetsCompileTest.pages()) {
      String name = name(page);
      List<String> lines = Files.readAllLines(page, StandardCharsets.UTF_8);
      for (int i = 0; i < lines.size(); i++) {
        if (inCode(lines, i)) {
          continue;
        }
        Matcher m = LINK.matcher(lines.get(i));
        while (m.find()) {
          String target = m.group(1);
          if (target.matches("^[a-z]+:.*")) {
            continue; // https:, mailto:
          }
          checked++;
          String problem = problem(page, target);
          if (problem != null) {
            broken.add(name + " line " + (i + 1) + ": " + target + ": " + problem);
          }
        }
      }
    }
    assertThat(checked).as("links checked").isGreaterThan(20);
    assertThat(broken).as("broken links").isEmpty();
  }

  @Test
  void pagesThatLandLaterAreStillMissing() {
    for (String page : LANDS_LATER) {
      assertThat(ReadmeSnippetsCompileTest.ROOT.resolve(page))
          .as("%s exists now: remove it from LANDS_LATER", page).doesNotExist();
    }
  }

  @Test
  void anchorsFollowGitHubsRule() {
    assertThat(anchors(List.of("# Shadow tests", "## The method, in plain words",
        "```", "## not a heading", "```", "## `ShadowTestSpec.builder(candidate)`",
        "## The Actuator endpoint `shadow`", "## Micrometer", "## Micrometer",
        "## 1. A shadow test to its verdict (the first command)")))
        .containsExactly("shadow-tests", "the-method-in-plain-words",
            "shadowtestspecbuildercandidate", "the-actuator-endpoint-shadow", "micrometer",
            "micrometer-1", "1-a-shadow-test-to-its-verdict-the-first-command");
  }

  /** Why {@code target}, linked from {@code page}, is broken; null if it is not. */
  private static String problem(Path page, String target) throws IOException {
    int hash = target.indexOf('#');
    String file = hash < 0 ? target : target.substring(0, hash);
    Path resolved = file.isEmpty() ? page : page.getParent().resolve(file).normalize();
    if (!Files.exists(resolved)) {
      return LANDS_LATER.contains(name(resolved)) ? null : "no such file";
    }
    if (hash < 0 || !resolved.toString().endsWith(".md")) {
      return null;
    }
    String anchor = target.substring(hash + 1);
    Set<String> anchors = anchors(Files.readAllLines(resolved, StandardCharsets.UTF_8));
    return anchors.contains(anchor) ? null : "no heading '#" + anchor + "' in " + name(resolved)
        + " (its anchors: " + anchors + ")";
  }

  /** The anchors GitHub gives a page's headings: lower case, punctuation dropped, '-' for ' '. */
  static Set<String> anchors(List<String> lines) {
    Set<String> anchors = new LinkedHashSet<>();
    Map<String, Integer> seen = new HashMap<>();
    for (int i = 0; i < lines.size(); i++) {
      String line = lines.get(i);
      if (inCode(lines, i) || !line.matches("^#{1,6} .*")) {
        continue;
      }
      String slug = line.replaceFirst("^#+ ", "").strip().toLowerCase(Locale.ROOT)
          .replaceAll("[^\\p{L}\\p{M}\\p{N}\\p{Pc} -]", "").replace(' ', '-');
      int n = seen.merge(slug, 1, Integer::sum);
      anchors.add(n == 1 ? slug : slug + "-" + (n - 1));
    }
    return anchors;
  }

  /** True if line {@code i} is a fence or inside a fenced block. */
  private static boolean inCode(List<String> lines, int i) {
    boolean in = false;
    for (int j = 0; j <= i; j++) {
      if (lines.get(j).strip().startsWith("```")) {
        if (j == i) {
          return true;
        }
        in = !in;
      }
    }
    return in;
  }

  private static String name(Path path) {
    return ReadmeSnippetsCompileTest.ROOT.toAbsolutePath().normalize()
        .relativize(path.toAbsolutePath().normalize()).toString().replace('\\', '/');
  }
}
