package dev.shadowrouting.samples;

import static org.assertj.core.api.Assertions.assertThat;

import dev.shadowrouting.Outcome;
import dev.shadowrouting.sinks.jsonl.OfflineComparison;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class OfflineComparisonDemoTest {
  @Test
  void recordsAndComparesTheVariants(@TempDir Path dir) throws Exception {
    OfflineComparison c = OfflineComparisonDemo.run(dir, 500);

    // every sampled copy has a record; production has one per request a copy was accepted for
    assertThat(c.variant("model-v2").records()).isEqualTo(500);
    assertThat(c.variant("rules-v1").records()).isPositive().isLessThanOrEqualTo(500)
        .isGreaterThanOrEqualTo(500 - c.variant("model-v2").count(Outcome.REJECTED));
    assertThat(c.variant("model-v2").agreement()).isBetween(0.9, 0.999);
    assertThat(c.variant("model-v3").records()).isBetween(150L, 350L); // sampled at 50%
    assertThat(c.variant("model-v3").count(Outcome.ERROR)).isPositive();
    assertThat(c.toTable()).contains("rules-v1", "model-v2", "model-v3");
  }
}
