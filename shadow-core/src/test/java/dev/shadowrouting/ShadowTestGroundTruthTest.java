package dev.shadowrouting;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import java.time.Duration;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** Late ground truth joined per variant through {@code recordOutcome}, and the quality metrics. */
class ShadowTestGroundTruthTest {

  private final ShadowRouter<Integer, Integer> router = ShadowRouter.create(
      EndpointConfig.<Integer, Integer>builder("labels")
          .production(Variant.<Integer, Integer>builder("v1", in -> in % 2).build()) // right
          .queueCapacity(8192)
          .build());

  @AfterEach
  void close() {
    router.close();
  }

  /**
   * A test of the label join only: its candidates may FAIL the verdict (one is wrong on every
   * third input), which must not end it while the labels are being joined.
   */
  private static ShadowTestSpec.Builder<Integer, Integer> spec(Variant<Integer, Integer> candidate) {
    return ShadowTestSpec.builder(candidate).continueAfterFail(true);
  }

  @Test
  void labelsAreJoinedWithEachVariantsOutputAndScored() throws Exception {
    ShadowTest test = router.startTest(spec(
            Variant.<Integer, Integer>builder("v2", in -> in % 3 == 0 ? 1 - in % 2 : in % 2)
                .maxConcurrency(4096).build()) // wrong on every third input
        .qualityMetric(QualityMetric.accuracy()).build());
    for (int i = 0; i < 300; i++) {
      router.predict(i, Request.builder().requestId("r" + i).build());
    }
    Fixtures.awaitQuiescentShadows(router);
    for (int i = 0; i < 300; i++) {
      router.recordOutcome("r" + i, i % 2);
    }
    router.recordOutcome("r0", 0); // a second label for the same request joins nothing
    router.recordOutcome("unknown", 1);

    ShadowTestReport r = test.report();
    assertThat(r.variant("v1").quality().getAsDouble()).isEqualTo(1.0);
    assertThat(r.variant("v1").labels()).isEqualTo(300);
    assertThat(r.variant("v2").quality().getAsDouble()).isCloseTo(2.0 / 3, within(1e-9));
    assertThat(r.variant("v2").labels()).isEqualTo(300);
    assertThat(r.variant("v2").qualityMetric()).isEqualTo("accuracy");
    assertThat(r.unmatchedLabels()).isEqualTo(2);
  }

  @Test
  void requestsTheTestDidNotSampleOrWithoutAnIdAreNotKept() throws Exception {
    ShadowTest test = router.startTest(spec(
            Variant.<Integer, Integer>builder("v2", in -> in % 2).build())
        .samplingRate(0.0).qualityMetric(QualityMetric.accuracy()).build());
    router.predict(1, Request.builder().requestId("unsampled").build());
    test.setSamplingRate(1.0);
    router.predict(2); // sampled, but the caller cannot know its id
    Fixtures.awaitQuiescentShadows(router);
    router.recordOutcome("unsampled", 1);

    assertThat(test.report().variant("v2").labels()).isZero();
    assertThat(test.report().unmatchedLabels()).isEqualTo(1);
  }

  @Test
  void theJoinIsBoundedBySize() throws Exception {
    ShadowTest test = router.startTest(spec(
            Variant.<Integer, Integer>builder("v2", in -> in % 2).build())
        .qualityMetric(QualityMetric.accuracy()).groundTruth(10, Duration.ofHours(1)).build());
    for (int i = 0; i < 200; i++) {
      router.predict(i, Request.builder().requestId("r" + i).build());
    }
    Fixtures.awaitQuiescentShadows(router);
    for (int i = 0; i < 200; i++) {
      router.recordOutcome("r" + i, i % 2);
    }

    ShadowTestReport r = test.report();
    assertThat(r.variant("v2").labels()).isBetween(1L, 11L);
    assertThat(r.variant("v2").labels() + r.unmatchedLabels()).isEqualTo(200);
  }

  @Test
  void labelsArriveAfterTheTestEnded() throws Exception {
    ShadowTest test = router.startTest(spec(
            Variant.<Integer, Integer>builder("v2", in -> in % 2).build())
        .qualityMetric(QualityMetric.accuracy()).build());
    router.predict(7, Request.builder().requestId("late").build());
    Fixtures.awaitQuiescentShadows(router);
    test.stop();
    router.recordOutcome("late", 1);

    assertThat(test.report().variant("v2").labels()).isEqualTo(1);
    assertThat(test.report().variant("v2").quality().getAsDouble()).isEqualTo(1.0);
  }

  @Test
  void aThrowingMetricLeavesTheRequestOutAndNeverReachesTheCaller() throws Exception {
    ShadowTest test = router.startTest(spec(
            Variant.<Integer, Integer>builder("v2", in -> in % 2).build())
        .qualityMetric(QualityMetric.<Integer>of("broken", true, (p, a) -> {
          throw new IllegalStateException("boom");
        })).build());
    router.predict(7, Request.builder().requestId("x").build());
    Fixtures.awaitQuiescentShadows(router);
    router.recordOutcome("x", 1);

    assertThat(test.report().variant("v2").labels()).isZero();
    assertThat(test.report().variant("v2").quality()).isEmpty();
  }

  @Test
  void builtInMetricsMatchHandComputedValues() throws Exception {
    assertThat(QualityMetric.<Integer>accuracy().score(1, 1)).isEqualTo(1.0);
    assertThat(QualityMetric.<Integer>accuracy().score(1, 0)).isEqualTo(0.0);
    assertThat(QualityMetric.<double[]>accuracy(a -> a[0] > 0.5).score(new double[] {0.7}, true))
        .isEqualTo(1.0);
    assertThat(QualityMetric.<Double>meanAbsoluteError(d -> d).score(2.5, 4)).isEqualTo(1.5);
    QualityMetric<Double> logLoss = QualityMetric.logLoss(p -> p);
    assertThat(logLoss.score(0.8, true)).isCloseTo(-Math.log(0.8), within(1e-12));
    assertThat(logLoss.score(0.8, 0)).isCloseTo(-Math.log(0.2), within(1e-12));
    assertThat(logLoss.score(1.0, 0)).isCloseTo(-Math.log1p(-(1 - 1e-15)), within(1e-9)); // clipped
    assertThat(logLoss.higherIsBetter()).isFalse();
    // scikit-learn's documented example (sklearn.metrics.log_loss): labels spam, ham, ham, spam
    // with P(spam) .9, .1, .2, .65 give 0.21616...
    double mean = (logLoss.score(0.9, 1) + logLoss.score(0.1, 0) + logLoss.score(0.2, 0)
        + logLoss.score(0.65, 1)) / 4;
    assertThat(mean).isCloseTo(0.21616, within(1e-5));
  }
}
