package dev.shadowrouting.benchmarks;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class BenchmarksPageTest {

  private static final String P = "dev.shadowrouting.benchmarks.";

  /** A JMH result row as {@code -rf json} writes it (the fields the page reads). */
  private static String row(String benchmark, String params, double score, Double alloc) {
    return "{\"benchmark\":\"" + P + benchmark + "\",\"params\":{" + params + "},"
        + "\"primaryMetric\":{\"score\":" + score + ",\"scoreError\":0.5,\"scoreUnit\":\"ns/op\"}"
        + (alloc == null ? "" : ",\"secondaryMetrics\":{\"gc.alloc.rate.norm\":{\"score\":"
            + alloc + "}}")
        + "}";
  }

  private static JsonNode results(String... rows) throws Exception {
    return new ObjectMapper().readTree("[" + String.join(",", rows) + "]");
  }

  @Test
  void eachRowIsComparedWithItsBaselineUnderTheSameOtherParameters() throws Exception {
    JsonNode r = results(
        row("Bench.direct", "\"shadow\":\"none\"", 2.0, 0.0),
        row("Bench.router", "\"shadow\":\"none\"", 10.0, 0.0),
        row("Bench.direct", "\"shadow\":\"1.0\"", 4.0, 0.0),
        row("Bench.router", "\"shadow\":\"1.0\"", 80.0, 35.0));
    String table = BenchmarksPage.table(r,
        BenchmarksPage.baselines("<!-- baseline: Bench.router => Bench.direct -->"));

    assertThat(table.lines()).containsSubsequence(
        "| Bench.router | shadow=none | 10.0 | 0.500 | ns/op | Bench.direct | +8.00 | 5.00x"
            + " | 0.000 |",
        "| Bench.router | shadow=1.0 | 80.0 | 0.500 | ns/op | Bench.direct | +76.0 | 20.00x"
            + " | 35.0 |");
    // the baseline rows themselves have no comparison
    assertThat(table).contains("| Bench.direct | shadow=none | 2.00 | 0.500 | ns/op |  |  |  |");
  }

  @Test
  void aParameterBaselineComparesRowsOfTheSameMethod() throws Exception {
    JsonNode r = results(
        row("A.call", "\"impl\":\"direct\",\"tokens\":\"0\"", 5.0, null),
        row("A.call", "\"impl\":\"router:100\",\"tokens\":\"0\"", 50.0, null),
        row("A.call", "\"impl\":\"direct\",\"tokens\":\"9000\"", 20_000.0, null),
        row("A.call", "\"impl\":\"router:100\",\"tokens\":\"9000\"", 21_000.0, null));
    List<BenchmarksPage.Baseline> b =
        BenchmarksPage.baselines("<!-- baseline: A => * impl=direct -->");

    String table = BenchmarksPage.table(r, b);

    assertThat(table).contains("| A.call | impl=router:100 tokens=0 | 50.0 | 0.500 | ns/op | "
        + "A.call | +45.0 | 10.00x |");
    assertThat(table).contains("| A.call | impl=router:100 tokens=9000 | 21,000 | 0.500 | ns/op | "
        + "A.call | +1,000 | 1.05x |");
    assertThat(table).doesNotContain("alloc"); // no -prof gc in this run
  }

  @Test
  void theTemplateGetsTheCommandAndTheTableAndAMissingRunSaysSo() throws Exception {
    String template = "<!-- command: Bench -f 1 -->\n"
        + "<!-- baseline: Bench.router => Bench.direct -->\n## Q\n\n{{results}}\n\nAim.\n";
    JsonNode r = results(row("Bench.direct", "", 1.0, null), row("Bench.router", "", 3.0, null));

    String section = BenchmarksPage.render(template, r, "Measured 2026-12-03 on 2 cores.");

    assertThat(section).contains("`java -jar benchmarks/target/benchmarks.jar Bench -f 1`")
        .contains("Measured 2026-12-03 on 2 cores.")
        .contains("| Bench.router |  | 3.00 | 0.500 | ns/op | Bench.direct | +2.00 | 3.00x |")
        .doesNotContain("{{results}}").doesNotContain("<!--")
        .startsWith("## Q").endsWith("Aim.\n");
    assertThat(BenchmarksPage.render(template, null, null)).contains("not measured yet");
    assertThatThrownBy(() -> BenchmarksPage.render("## Q\n{{results}}\n", r, null))
        .hasMessageContaining("command");
  }

  @Test
  void thePageIsTheTemplatesInOrderWithTheirResults(@TempDir Path dir) throws Exception {
    Path questions = Files.createDirectories(dir.resolve("questions"));
    Path results = Files.createDirectories(dir.resolve("results"));
    Files.writeString(questions.resolve("00-intro.md"), "# Benchmarks\n");
    Files.writeString(questions.resolve("01-caller.md"),
        "<!-- command: Bench -->\n<!-- baseline: Bench.router => Bench.direct -->\n"
            + "## C\n{{results}}\n");
    Files.writeString(results.resolve("01-caller.json"),
        "[" + row("Bench.direct", "", 1.0, null) + "," + row("Bench.router", "", 2.0, null) + "]");
    Path page = dir.resolve("BENCHMARKS.md");

    BenchmarksPage.main(new String[] {questions.toString(), results.toString(), page.toString()});

    String text = Files.readString(page);
    assertThat(text).startsWith("# Benchmarks\n").contains("| Bench.router |  | 2.00 |")
        .contains("2.00x");
    assertThat(text.indexOf("# Benchmarks")).isLessThan(text.indexOf("## C"));
  }
}
