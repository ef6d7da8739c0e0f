package dev.shadowrouting.samples;

import static org.assertj.core.api.Assertions.assertThat;

import dev.shadowrouting.ShadowTest;
import dev.shadowrouting.ShadowTestReport;
import dev.shadowrouting.ShadowTestReport.CheckResult;
import dev.shadowrouting.Verdict;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/**
 * The README's first command: the demo's shadow test prints its progress, ends in a verdict and
 * acts on it. Its latency checks read real run times, so whether the 4%-slower candidate is
 * already PASS (not still INCONCLUSIVE) when a short time box ends depends on the machine: that
 * part is tagged "perf" (run by {@code mvn -B -ntp verify -Pperf}).
 */
class ModelUpgradeDemoTest {

  /** time, pairs, verdict, then four checks: estimate [lower, upper], optionally decided. */
  private static final Pattern PROGRESS = Pattern.compile(" *\\d+s +[\\d,]+  "
      + "(PASS|FAIL|INCONCLUSIVE) +(\\S+ \\[\\S+, \\S+\\]( PASS| FAIL)? +){3}"
      + "\\S+ \\[\\S+, \\S+\\]( PASS| FAIL)?");

  private record Run(ShadowTestReport report, String out) {}

  private static Run run(Duration timeBox) throws Exception {
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    ShadowTestReport report = ModelUpgradeDemo.run(timeBox, Duration.ofMillis(500),
        new PrintStream(bytes, true, StandardCharsets.UTF_8));
    return new Run(report, bytes.toString(StandardCharsets.UTF_8));
  }

  @Test
  void theTestPrintsItsProgressEndsInAVerdictAndActsOnIt() throws Exception {
    Run run = run(Duration.ofSeconds(10));
    ShadowTestReport report = run.report();

    List<String> progress = run.out().lines().filter(l -> PROGRESS.matcher(l).matches())
        .toList();
    assertThat(progress).as("progress lines in:%n%s", run.out()).isNotEmpty();
    assertThat(run.out()).contains(ModelUpgradeDemo.PROGRESS_HEADER)
        .contains("shadow test of 'v2' on endpoint 'fraud-score': " + report.status()
            + ", verdict " + report.verdict());
    assertThat(report.status()).isIn(ShadowTest.Status.STOPPED, ShadowTest.Status.COMPLETED);
    assertThat(report.checks()).extracting(CheckResult::name)
        .containsExactly("latency", "tail_latency", "errors", "agreement");
    // Count-based checks, the same on any machine: both models fail on the same transactions,
    // and the retrained threshold changes well under 1% of the decisions.
    assertThat(report.variant("v2").errors()).isPositive()
        .isEqualTo(report.variant("v1").errors());
    assertThat(report.check("errors").orElseThrow().estimate()).isZero();
    assertThat(report.variant("v2").agreement().getAsDouble()).isBetween(0.985, 0.999);
    assertThat(report.verdict()).isNotEqualTo(Verdict.FAIL);
    if (report.verdict() == Verdict.PASS) {
      assertThat(report.status()).isEqualTo(ShadowTest.Status.STOPPED);
      assertThat(report.decision()).isEqualTo(ShadowTest.Decision.PROMOTED);
      assertThat(progress.get(progress.size() - 1)).contains("  PASS  ");
      assertThat(run.out()).contains("-> promoted: production of 'fraud-score' is now [v2]")
          .containsPattern("requests in all: [\\d,]+ answered, [\\d,]+ refused by the model"
              + " \\(merchant unknown\\), 0 lost");
    } else {
      assertThat(report.status()).isEqualTo(ShadowTest.Status.COMPLETED);
      assertThat(report.decision()).isEqualTo(ShadowTest.Decision.DISCARDED);
      assertThat(run.out()).contains("-> discarded: v1 stays in production");
    }
  }

  @Tag("perf")
  @Test
  void theSlightlySlowerCandidatePassesWithinTheTimeBoxAndIsPromoted() throws Exception {
    Run run = run(ModelUpgradeDemo.TIME_BOX);
    ShadowTestReport report = run.report();

    assertThat(report.verdict()).as(run.out()).isEqualTo(Verdict.PASS);
    assertThat(report.checks()).allSatisfy(c -> assertThat(c.verdict()).isEqualTo(Verdict.PASS));
    assertThat(report.check("latency").orElseThrow().estimate()).isBetween(1.0, 1.08);
    assertThat(report.decision()).isEqualTo(ShadowTest.Decision.PROMOTED);
    assertThat(run.out()).contains("-> promoted", " 0 lost");
  }
}
