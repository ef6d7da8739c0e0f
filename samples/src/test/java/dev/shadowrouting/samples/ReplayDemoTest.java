package dev.shadowrouting.samples;

import static org.assertj.core.api.Assertions.assertThat;

import dev.shadowrouting.ReplayReport;
import dev.shadowrouting.ShadowTestReport.CheckResult;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ReplayDemoTest {
  private static final int REQUESTS = 600;

  @Test
  void replaysTheOnnxDemosCaptureAgainstTheSecondModel(@TempDir Path dir) throws Exception {
    ReplayDemo.capture(dir, REQUESTS);

    ReplayReport recorded = ReplayDemo.replay(dir, false);
    ReplayReport rerun = ReplayDemo.replay(dir, true);

    assertThat(recorded.replayed()).isEqualTo(REQUESTS);
    assertThat(recorded.skippedTotal()).isEqualTo(REQUESTS); // the A/A copy's records
    assertThat(recorded.unreplayableTotal() + recorded.malformed()).isZero();
    assertThat(recorded.report().checks()).extracting(CheckResult::name)
        .containsExactly("errors", "agreement");
    // v2 is retrained: some scores move beyond the tolerance, none fails
    assertThat(recorded.report().variant("v2").mismatches()).isPositive()
        .isLessThan(REQUESTS);
    assertThat(recorded.report().variant("v2").errors()).isZero();
    assertThat(recorded.report().endReason()).contains("latency and tail_latency not checked");

    assertThat(rerun.replayed()).isEqualTo(REQUESTS);
    assertThat(rerun.report().checks()).extracting(CheckResult::name)
        .containsExactly("latency", "tail_latency", "errors", "agreement");
    // the same model file re-run gives the recorded scores back
    assertThat(rerun.productionCompared()).isEqualTo(REQUESTS);
    assertThat(rerun.productionDiffered()).isZero();
    // deterministic models: the same mismatches against the recording and against the re-run
    assertThat(rerun.report().variant("v2").mismatches())
        .isEqualTo(recorded.report().variant("v2").mismatches());
    assertThat(rerun.report().check("agreement").orElseThrow().estimate())
        .isEqualTo(recorded.report().check("agreement").orElseThrow().estimate());
  }
}
