package dev.shadowrouting.samples;

import static org.assertj.core.api.Assertions.assertThat;

import dev.shadowrouting.ShadowTest;
import dev.shadowrouting.ShadowTestReport;
import dev.shadowrouting.Verdict;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import org.junit.jupiter.api.Test;

class ShadowTestDemoTest {

  @Test
  void theSlowerCandidateFailsOnLatencyAndIsDiscarded() throws Exception {
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    ShadowTestReport report = ShadowTestDemo.run(Duration.ofSeconds(3),
        new PrintStream(bytes, true, StandardCharsets.UTF_8));
    String out = bytes.toString(StandardCharsets.UTF_8);

    assertThat(report.status()).isEqualTo(ShadowTest.Status.COMPLETED);
    assertThat(report.verdict()).isEqualTo(Verdict.FAIL);
    assertThat(report.checks().get(0).name()).isEqualTo("latency");
    assertThat(report.checks().get(0).verdict()).isEqualTo(Verdict.FAIL);
    assertThat(report.variant("v2").agreement().getAsDouble()).isEqualTo(1.0);
    assertThat(report.variant("v2").labels()).isPositive();
    assertThat(report.decision()).isEqualTo(ShadowTest.Decision.DISCARDED);
    assertThat(out).contains("verdict FAIL", "latency: candidate/production run time",
        "-> discarded");
  }
}
