package dev.shadowrouting.samples;

import static org.assertj.core.api.Assertions.assertThat;

import dev.shadowrouting.ShadowTest;
import dev.shadowrouting.ShadowTestReport;
import dev.shadowrouting.Verdict;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/**
 * The demo's shadow test runs to its deadline and the candidate, slower than production so it
 * cannot pass, is discarded. Its latency verdict comes from real run times in a 3-second test, so
 * whether it is already FAIL (not still INCONCLUSIVE) depends on the machine: that part is tagged
 * "perf" (run by {@code mvn -B -ntp verify -Pperf}).
 */
class ShadowTestDemoTest {

  private record Run(ShadowTestReport report, String out) {}

  private static Run run() throws Exception {
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    ShadowTestReport report = ShadowTestDemo.run(Duration.ofSeconds(3),
        new PrintStream(bytes, true, StandardCharsets.UTF_8));
    return new Run(report, bytes.toString(StandardCharsets.UTF_8));
  }

  @Test
  void theSlowerCandidateRunsToTheDeadlineAndIsDiscarded() throws Exception {
    Run run = run();
    assertTheCandidateIsDiscarded(run.report(), run.out());
  }

  @Tag("perf")
  @Test
  void theSlowerCandidateFailsOnLatencyAndIsDiscarded() throws Exception {
    Run run = run();
    ShadowTestReport report = run.report();

    assertThat(report.verdict()).isEqualTo(Verdict.FAIL);
    assertThat(report.checks().get(0).verdict()).isEqualTo(Verdict.FAIL);
    assertThat(run.out()).contains("verdict FAIL");
    assertTheCandidateIsDiscarded(report, run.out());
  }

  private static void assertTheCandidateIsDiscarded(ShadowTestReport report, String out) {
    assertThat(report.status()).isEqualTo(ShadowTest.Status.COMPLETED);
    assertThat(report.checks().get(0).name()).isEqualTo("latency");
    assertThat(report.variant("v2").agreement().getAsDouble()).isEqualTo(1.0);
    assertThat(report.variant("v2").labels()).isPositive();
    assertThat(report.decision()).isEqualTo(ShadowTest.Decision.DISCARDED);
    assertThat(out).contains("latency: candidate/production run time", "-> discarded");
  }
}
