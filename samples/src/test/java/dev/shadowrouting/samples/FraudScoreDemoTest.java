package dev.shadowrouting.samples;

import static org.assertj.core.api.Assertions.assertThat;

import dev.shadowrouting.RouterSnapshot;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

class FraudScoreDemoTest {

  @Test
  void theDemoPrintsTheSideBySideTableAndTheCandidateDisagreesOnAFewPercent() throws Exception {
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    RouterSnapshot s = FraudScoreDemo.run(3_000, new PrintStream(bytes, true, StandardCharsets.UTF_8));
    String out = bytes.toString(StandardCharsets.UTF_8);
    assertThat(out).contains("p50(us)", "p99(us)", "agreement", "v1", "v2");
    RouterSnapshot.VariantStats v1 = s.variant("v1");
    RouterSnapshot.VariantStats v2 = s.variant("v2");
    assertThat(v1.invocations()).isEqualTo(3_000);
    assertThat(v2.sampled()).isEqualTo(3_000);
    assertThat(v2.invocations() + v2.rejected()).isEqualTo(3_000);
    assertThat(v2.invocations()).isPositive();
    assertThat(v2.errors() + v2.timeouts()).isZero();
    // the candidate's threshold differs: it disagrees on a few percent, agrees on the rest
    assertThat(v2.agreement()).isBetween(0.90, 0.995);
  }
}
