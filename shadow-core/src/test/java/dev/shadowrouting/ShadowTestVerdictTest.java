package dev.shadowrouting;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import dev.shadowrouting.ShadowTestReport.CheckResult;
import java.time.Duration;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * What the verdict does to a live test: a FAIL ends it (or not, with continueAfterFail), it is
 * monotone, its rule comes from the spec, quality and the A/A copy enter it, and its statistics
 * can be taken out.
 */
class ShadowTestVerdictTest {

  private final MutableClock clock = new MutableClock();
  private final ShadowRouter<Integer, Integer> router = ShadowRouter.create(
      EndpointConfig.<Integer, Integer>builder("verdict")
          .production(Variant.<Integer, Integer>builder("v1", in -> in % 2).build())
          .queueCapacity(8192)
          .build());

  @AfterEach
  void close() throws Exception {
    router.close();
  }

  private static ShadowTestSpec.Builder<Integer, Integer> spec(String name,
      Predictor<Integer, Integer> p) {
    return ShadowTestSpec.builder(Variant.builder(name, p).maxConcurrency(4096).build())
        .duration(Duration.ofHours(1));
  }

  private void traffic(int from, int to) throws Exception {
    for (int i = from; i < to; i++) {
      router.predict(i, Request.builder().requestId("r" + i).build());
    }
    Fixtures.awaitQuiescentShadows(router);
  }

  @Test
  void aStatisticalFailEndsTheTestAtOnceNamingTheCheckAndItsInterval() throws Exception {
    // always differs; nanosecond predictors' run times say nothing, so only agreement judges
    ShadowTest test = router.startTest(spec("v2", in -> 1 - in % 2)
        .withoutCheck(ShadowTestSpec.Check.LATENCY)
        .withoutCheck(ShadowTestSpec.Check.TAIL_LATENCY).build());
    traffic(0, 200);

    assertThat(test.awaitCompletion(Fixtures.WAIT)).isTrue();
    ShadowTestReport r = test.report();
    assertThat(r.status()).isEqualTo(ShadowTest.Status.COMPLETED);
    assertThat(r.verdict()).isEqualTo(Verdict.FAIL);
    assertThat(r.endReason()).startsWith("verdict FAIL: agreement: 0.0% [")
        .contains("below min 99.0% -> FAIL");
    long invocations = r.variant("v2").invocations();
    traffic(200, 400);
    assertThat(test.report().variant("v2").invocations())
        .as("the candidate takes no copies after the FAIL").isEqualTo(invocations);
    assertThatThrownBy(test::promote).isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("verdict FAIL");
  }

  @Test
  void withContinueAfterFailTheTestRunsOnAndTheFailStays() throws Exception {
    AtomicBoolean wrong = new AtomicBoolean(true);
    ShadowTest test = router.startTest(spec("v2", in -> wrong.get() ? 1 - in % 2 : in % 2)
        .continueAfterFail(true).build());
    traffic(0, 100);
    await().atMost(Fixtures.WAIT).until(() -> test.report().verdict() == Verdict.FAIL);
    CheckResult first = test.report().check("agreement").orElseThrow();

    wrong.set(false); // from now on it agrees: the estimate recovers, the verdict does not
    double upper = first.upper();
    for (int round = 1; round <= 5; round++) {
      traffic(round * 2_000, (round + 1) * 2_000);
      ShadowTestReport r = test.report();
      CheckResult agreement = r.check("agreement").orElseThrow();
      assertThat(r.status()).isEqualTo(ShadowTest.Status.RUNNING);
      assertThat(r.verdict()).isEqualTo(Verdict.FAIL);
      assertThat(agreement.verdict()).isEqualTo(Verdict.FAIL);
      assertThat(agreement.upper()).as("the running intersection only narrows")
          .isLessThanOrEqualTo(upper);
      upper = agreement.upper();
    }
    assertThat(test.report().check("agreement").orElseThrow().estimate()).isGreaterThan(0.9);
    test.stop();
  }

  @Test
  void theSpecsSettersWriteIntoItsRuleAndARuleReplacesThem() throws Exception {
    ShadowTestSpec<Integer, Integer> spec = spec("v2", in -> in)
        .maxLatencyIncrease(0.2).tailQuantile(0.95).maxTailLatencyIncrease(0.5)
        .maxErrorRateIncrease(0.01).minAgreement(0.9).maxQualityDecrease(0.02).alpha(0.1)
        .warmup(Duration.ofSeconds(30)).withoutCheck(ShadowTestSpec.Check.QUALITY).build();
    assertThat(spec.rule()).isEqualTo(VerdictRule.builder().maxLatencyIncrease(0.2)
        .tailQuantile(0.95).maxTailLatencyIncrease(0.5).maxErrorRateIncrease(0.01)
        .minAgreement(0.9).maxQualityDecrease(0.02).alpha(0.1).warmup(Duration.ofSeconds(30))
        .withoutCheck(ShadowTestSpec.Check.QUALITY).build());
    assertThat(spec.maxLatencyIncrease()).isEqualTo(0.2);
    assertThat(spec.checks()).doesNotContain(ShadowTestSpec.Check.QUALITY);

    VerdictRule rule = VerdictRule.builder().minAgreement(0.5).build();
    ShadowTestSpec<Integer, Integer> replaced =
        spec("v2", in -> in).maxLatencyIncrease(0.3).rule(rule).alpha(0.01).build();
    assertThat(replaced.rule()).isEqualTo(rule.toBuilder().alpha(0.01).build());
    assertThat(replaced.maxLatencyIncrease()).isEqualTo(0.10);
    assertThat(ShadowTestSpec.DEFAULT_GROUND_TRUTH_EXPIRY).isEqualTo(Duration.ofHours(24));
    assertThat(spec("v2", in -> in).build().groundTruthExpiry()).isEqualTo(Duration.ofHours(24));
    assertThat(spec("v2", in -> in).build().continueAfterFail()).isFalse();
  }

  @Test
  void anInvalidRuleFieldIsReportedWithTheSpecsOtherProblems() throws Exception {
    assertThatThrownBy(() -> spec("v2", in -> in).maxTailLatencyIncrease(-1)
        .tailQuantile(0.1).duration(Duration.ZERO).build())
        .isInstanceOfSatisfying(InvalidConfigurationException.class, e ->
            assertThat(e.problems()).extracting(Problem::field)
                .contains("maxTailLatencyIncrease", "tailQuantile", "duration"));
  }

  @Test
  void withoutAQualityMetricTheQualityCheckIsOutOfTheVerdictAndOfAlphasSplit() throws Exception {
    ShadowTest test = router.startTest(spec("v2", in -> in % 2).build());
    traffic(0, 50);

    ShadowTestReport r = test.report();
    assertThat(r.checks()).extracting(CheckResult::name)
        .containsExactly("latency", "tail_latency", "errors", "agreement");
    assertThat(r.checks().get(0).confidence()).isEqualTo(1 - 0.05 / 4);
  }

  @Test
  void labelledPairsEnterTheQualityCheckAsPairedLosses() throws Exception {
    // the candidate is wrong on every third input: accuracy 2/3 against production's 1
    ShadowTest test = router.startTest(spec("v2", in -> in % 3 == 0 ? 1 - in % 2 : in % 2)
        .withoutCheck(ShadowTestSpec.Check.AGREEMENT)
        .qualityMetric(QualityMetric.accuracy()).continueAfterFail(true).build());
    traffic(0, 300);
    for (int i = 0; i < 300; i++) {
      router.recordOutcome("r" + i, i % 2);
    }

    CheckResult quality = test.report().check("quality").orElseThrow();
    assertThat(quality.n()).isEqualTo(300);
    // accuracy is higher-is-better: the loss difference is production's score minus the candidate's
    assertThat(quality.estimate()).isCloseTo(1.0 / 3, org.assertj.core.api.Assertions.within(1e-9));
    assertThat(quality.threshold()).isEqualTo(0.01);
    assertThat(quality.verdict()).isEqualTo(Verdict.FAIL);
    assertThat(quality.reason()).contains("300 labelled pairs");
  }

  @Test
  void theWarmUpIsLeftOutOfTheLatencyChecksAndReportedApart() throws Exception {
    ShadowTest test = router.startTest(spec("v2", in -> in % 2)
        .warmup(Duration.ofMinutes(1)).continueAfterFail(true).clock(clock).build());
    traffic(0, 150);
    CheckResult latency = test.report().check("latency").orElseThrow();
    assertThat(latency.n()).isZero();
    assertThat(latency.reason()).contains("150 warm-up pairs at x");

    clock.advance(Duration.ofMinutes(2));
    traffic(150, 250);
    latency = test.report().check("latency").orElseThrow();
    assertThat(latency.n()).isEqualTo(100);
    assertThat(test.statistics().evaluate().check("latency").orElseThrow().n()).isEqualTo(100);
    assertThat(test.statistics().start()).contains(test.report().startedAt());
    test.stop();
  }

  @Test
  void statisticsAreACopyThatEvaluatesLikeTheTest() throws Exception {
    ShadowTest test = router.startTest(spec("v2", in -> in % 2).continueAfterFail(true).build());
    traffic(0, 300);

    PairedStatistics stats = test.statistics();
    assertThat(stats.pairs()).isEqualTo(300);
    assertThat(stats.start()).as("no warm-up: mergeable with any instance's").isEmpty();
    assertThat(stats.rule()).isEqualTo(VerdictRule.builder()
        .withoutCheck(ShadowTestSpec.Check.QUALITY).build());
    Evaluation e = stats.evaluate();
    assertThat(e.check("errors").orElseThrow().n()).isEqualTo(300);
    stats.add(PairedObservation.builder().production(Outcome.SUCCESS, 1_000)
        .candidate(Outcome.ERROR, 1_000).build());
    assertThat(stats.pairs()).isEqualTo(301);
    assertThat(test.statistics().pairs()).as("the test's own are untouched").isEqualTo(300);
    PairedStatistics twice = test.statistics().merge(PairedStatistics.fromBytes(
        test.statistics().toBytes()));
    assertThat(twice.pairs()).isEqualTo(600);
    test.stop();
  }

  @Test
  void withANoiseBaselineTheCandidateIsPairedWithTheAaCopyOnEachRequest() throws Exception {
    try (ShadowRouter<Integer, Integer> noisy = ShadowRouter.create(
        EndpointConfig.<Integer, Integer>builder("noisy")
            // production answers at random: it disagrees with itself half of the time
            .production(Variant.<Integer, Integer>builder("v1",
                in -> ThreadLocalRandom.current().nextInt(2)).build())
            .queueCapacity(8192)
            .build())) {
      ShadowTest test = noisy.startTest(ShadowTestSpec.builder(Variant.<Integer, Integer>builder(
                  "v2", in -> ThreadLocalRandom.current().nextInt(2)).maxConcurrency(4096).build())
          .noiseBaseline(true).continueAfterFail(true).build());
      for (int i = 0; i < 3_000; i++) {
        noisy.predict(i);
      }
      Fixtures.awaitQuiescentShadows(noisy);

      ShadowTestReport r = test.report();
      assertThat(test.statistics().pairs()).as("every request's candidate met its A/A copy")
          .isEqualTo(3_000);
      CheckResult agreement = r.check("agreement").orElseThrow();
      assertThat(agreement.reason()).contains("net of A/A noise");
      assertThat(agreement.n()).isEqualTo(3_000);
      // half of the candidate's answers differ from production's, as do half of its own copy's
      assertThat(r.variant("v2").agreement().getAsDouble()).isBetween(0.4, 0.6);
      assertThat(agreement.estimate()).isBetween(0.95, 1.05);
      assertThat(agreement.verdict()).isNotEqualTo(Verdict.FAIL);
      test.stop();
    }
  }
}
