package dev.shadowrouting.spring;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.shadowrouting.ShadowTestSpec;
import dev.shadowrouting.VerdictRule;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * The settings the page offers for a new test: defaults are the core's constants, ranges the
 * core's own requirements (read off its problems), each with a value the core refuses.
 */
class TestSettingsTest {

  private static Map<String, Object> setting(String name) {
    return TestSettings.describe().stream().filter(s -> s.get("name").equals(name))
        .findFirst().orElseThrow();
  }

  @Test
  void defaultsAreTheCoresAndRangesItsRequirements() {
    VerdictRule rule = VerdictRule.defaults();
    assertThat(TestSettings.describe()).extracting(s -> s.get("name")).containsExactly(
        "samplingRate", "duration", "maxRequests", "maxLatencyIncrease", "tailQuantile",
        "maxTailLatencyIncrease", "maxErrorRateIncrease", "minAgreement", "minSamples", "alpha",
        "warmup");
    assertThat(setting("duration")).containsEntry("kind", "DURATION")
        .containsEntry("default", TestSettings.human(ShadowTestSpec.DEFAULT_DURATION))
        .containsEntry("requirement", "a duration in [1s, 30d]").doesNotContainKey("min");
    assertThat(setting("maxRequests")).containsEntry("kind", "COUNT")
        .containsEntry("default", ShadowTestSpec.DEFAULT_MAX_REQUESTS)
        .containsEntry("requirement", "in [0, ∞)").containsEntry("min", 0L)
        .containsEntry("max", null);
    assertThat(setting("maxLatencyIncrease"))
        .containsEntry("default", rule.maxLatencyIncrease())
        .containsEntry("requirement", "in [0.0, " + ShadowTestSpec.MAX_LATENCY_INCREASE + "]");
    assertThat(setting("tailQuantile")).containsEntry("default", rule.tailQuantile())
        .containsEntry("min", 0.5).containsEntry("max", 0.9999);
    assertThat(setting("minAgreement")).containsEntry("default", rule.minAgreement());
    assertThat(setting("alpha")).containsEntry("default", rule.alpha())
        .containsEntry("requirement", "in (0.0, " + ShadowTestSpec.MAX_ALPHA + "]");
    assertThat(setting("warmup")).containsEntry("default", TestSettings.human(rule.warmup()))
        .containsEntry("requirement", "a duration in [0, 1d]");
    assertThat(setting("minSamples")).containsEntry("max", ShadowTestSpec.MAX_MIN_SAMPLES);
    for (Map<String, Object> s : TestSettings.describe()) {
      assertThat(s.get("requirement")).as("%s", s.get("name")).isNotNull();
    }
  }

  @Test
  void valuesAreReadStrictly() {
    ShadowRoutingProperties.Test test = new ShadowRoutingProperties.Test();
    Map<String, String> given = new HashMap<>(Map.of("duration", "90m", "maxRequests", "2e3",
        "samplingRate", "0.05"));
    TestSettings.apply(test, given);
    assertThat(test.getDuration()).isEqualTo(Duration.ofMinutes(90));
    assertThat(test.getMaxRequests()).isEqualTo(2000);
    assertThat(test.getSamplingRate()).isEqualTo(0.05);
    for (List<String> bad : List.of(List.of("maxRequests", "1.5", "a whole number"),
        List.of("samplingRate", "five", "a number"),
        List.of("duration", "soon", "a duration such as"))) {
      assertThatThrownBy(() -> TestSettings.apply(test, Map.of(bad.get(0), bad.get(1))))
          .isInstanceOf(ShadowEndpointException.class)
          .hasMessageStartingWith(bad.get(0) + " must be " + bad.get(2))
          .hasMessageEndingWith("but was \"" + bad.get(1) + "\"");
    }
  }

  @Test
  void durationsAsAPersonWritesThem() {
    assertThat(TestSettings.human(Duration.ofDays(7))).isEqualTo("7d");
    assertThat(TestSettings.human(Duration.ofMinutes(90))).isEqualTo("90m");
    assertThat(TestSettings.human(Duration.ofMillis(1500))).isEqualTo("1500ms");
    assertThat(TestSettings.human(Duration.ZERO)).isEqualTo("0s");
  }
}
