package dev.shadowrouting;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** Shadow tests: start, the four ways to end, promote, discard, sampling rate, update, close. */
class ShadowTestLifecycleTest {

  private final MutableClock clock = new MutableClock();
  private ShadowRouter<Integer, Integer> router = ShadowRouter.create(
      EndpointConfig.<Integer, Integer>builder("lifecycle")
          .production(Variant.<Integer, Integer>builder("v1", in -> in).build())
          .shadow(Variant.<Integer, Integer>builder("s1", in -> in).build())
          .queueCapacity(8192)
          .build());

  @AfterEach
  void close() {
    router.close();
  }

  private ShadowTestSpec.Builder<Integer, Integer> spec(String name, Predictor<Integer, Integer> p) {
    // room for every copy of a burst: idle workers notice work within ~1 ms
    return ShadowTestSpec.builder(Variant.builder(name, p).maxConcurrency(4096).build())
        .duration(Duration.ofHours(1))
        .continueAfterFail(true) // life-cycle tests: only their own events end a test
        .clock(clock);
  }

  private static List<String> shadowNames(ShadowRouter<?, ?> r) {
    return r.config().shadowVariants().stream().map(Variant::name).toList();
  }

  private void traffic(int n) throws Exception {
    for (int i = 0; i < n; i++) {
      router.predict(i, Request.builder().requestId("r" + i).build());
    }
  }

  @Test
  void startAddsTheCandidateAsAShadowAndReturnsAtOnce() {
    ShadowTest test = router.startTest(spec("v2", in -> in).build());

    assertThat(test.status()).isEqualTo(ShadowTest.Status.RUNNING);
    assertThat(test.candidate()).isEqualTo("v2");
    assertThat(test.endpoint()).isEqualTo("lifecycle");
    assertThat(shadowNames(router)).containsExactly("s1", "v2");
    assertThat(router.tests()).containsExactly(test);
    assertThat(router.test("v2")).containsSame(test);
    assertThat(router.test("nope")).isEmpty();
    assertThat(test.report().verdict()).isEqualTo(Verdict.INCONCLUSIVE);
    assertThat(test.report().progress()).isZero();
  }

  @Test
  void aNameAlreadyUsedIsRefusedNamingIt() {
    router.startTest(spec("v2", in -> in).build());

    for (String taken : List.of("v1", "s1", "v2")) {
      assertThatThrownBy(() -> router.startTest(spec(taken, in -> in).build()))
          .isInstanceOf(IllegalArgumentException.class)
          .hasMessageContaining("'" + taken + "' is already a variant of endpoint 'lifecycle'")
          .hasMessageContaining("production [v1]");
    }
    assertThat(router.startTest(spec("v3", in -> in).build()).status())
        .isEqualTo(ShadowTest.Status.RUNNING);
  }

  @Test
  void severalTestsRunAtOnceOnePerCandidate() throws Exception {
    ShadowTest a = router.startTest(spec("a", in -> in).build());
    ShadowTest b = router.startTest(spec("b", in -> in + 1).build());
    traffic(200);
    Fixtures.awaitQuiescentShadows(router);

    assertThat(a.report().variant("a").invocations()).isEqualTo(200);
    assertThat(b.report().variant("b").invocations()).isEqualTo(200);
    assertThat(a.report().variant("a").mismatches()).isZero();
    assertThat(b.report().variant("b").mismatches()).isEqualTo(200);
    assertThat(shadowNames(router)).containsExactly("s1", "a", "b");
  }

  @Test
  void endsAtItsDeadlineReadFromTheClockAndKeepsItsReport() throws Exception {
    ShadowTest test = router.startTest(spec("v2", in -> in).build());
    traffic(100);
    Fixtures.awaitQuiescentShadows(router);

    clock.advance(Duration.ofMinutes(30));
    assertThat(test.status()).isEqualTo(ShadowTest.Status.RUNNING);
    assertThat(test.report().progress()).isEqualTo(0.5);
    clock.advance(Duration.ofMinutes(30));

    // the pool's housekeeping ends it (reading it does not: see TestRunLifecycleTest)
    assertThat(test.awaitCompletion(Fixtures.WAIT)).isTrue();
    assertThat(test.status()).isEqualTo(ShadowTest.Status.COMPLETED);
    assertThat(shadowNames(router)).containsExactly("s1");
    ShadowTestReport last = test.report();
    assertThat(last.endReason()).contains("deadline");
    assertThat(last.calls()).isEqualTo(100);
    assertThat(last.elapsed()).isEqualTo(Duration.ofHours(1));
    assertThat(last.progress()).isEqualTo(1.0);
    traffic(100); // after the end: not counted, the final report stays as it was
    clock.advance(Duration.ofHours(1));
    assertThat(test.report().calls()).isEqualTo(100);
    assertThat(test.report().elapsed()).isEqualTo(Duration.ofHours(1));
    assertThat(router.tests()).containsExactly(test);
  }

  @Test
  void housekeepingEndsAnIdleTestAtItsDeadlineWithoutAThreadOfItsOwn() throws Exception {
    java.util.Set<String> before = threadNames();
    ShadowTest test = router.startTest(spec("v2", in -> in).build());
    assertThat(test.awaitCompletion(Duration.ofMillis(1))).isFalse();
    assertThat(threadNames()).isEqualTo(before); // the pool's watchdog ticks tests

    clock.advance(Duration.ofHours(2)); // nobody reads the status: housekeeping must notice

    assertThat(test.awaitCompletion(Fixtures.WAIT)).isTrue();
    assertThat(test.status()).isEqualTo(ShadowTest.Status.COMPLETED);
    assertThat(shadowNames(router)).containsExactly("s1");
  }

  private static java.util.Set<String> threadNames() {
    return Thread.getAllStackTraces().keySet().stream()
        .filter(t -> t.getName().startsWith("shadow-lifecycle"))
        .map(Thread::getName)
        .collect(java.util.stream.Collectors.toSet());
  }

  @Test
  void endsWhenItsRequestBudgetIsSpent() throws Exception {
    ShadowTest test = router.startTest(spec("v2", in -> in).maxRequests(50).build());
    int sent = 0;
    while (test.status() == ShadowTest.Status.RUNNING && sent < 100_000) {
      traffic(1);
      sent++;
    }
    // a pool worker ended it; its lanes go at the next housekeeping, which awaitCompletion awaits
    assertThat(test.awaitCompletion(Fixtures.WAIT)).isTrue();

    assertThat(test.status()).isEqualTo(ShadowTest.Status.COMPLETED);
    assertThat(test.report().calls()).isEqualTo(50);
    assertThat(test.report().endReason()).contains("budget of 50");
    assertThat(shadowNames(router)).containsExactly("s1");
  }

  @Test
  void stopEndsItEarlyAndIsIdempotent() throws Exception {
    ShadowTest test = router.startTest(spec("v2", in -> in).build());
    traffic(10);
    Fixtures.awaitQuiescentShadows(router);
    test.stop();
    test.stop();

    assertThat(test.status()).isEqualTo(ShadowTest.Status.STOPPED);
    assertThat(test.report().endReason()).isEqualTo("stopped");
    assertThat(test.report().calls()).isEqualTo(10);
    assertThat(shadowNames(router)).containsExactly("s1");
  }

  @Test
  void theErrorGuardFailsTheTestAndRemovesTheShadow() throws Exception {
    ShadowTest test = router.startTest(spec("v2", in -> {
      throw new IllegalStateException("broken");
    }).stopIfErrorRateAbove(0.5).guardMinCalls(10).build());
    int sent = 0;
    while (test.status() == ShadowTest.Status.RUNNING && sent < 100_000) {
      traffic(1);
      sent++;
    }
    // a pool worker ended it; its lanes go at the next housekeeping, which awaitCompletion awaits
    assertThat(test.awaitCompletion(Fixtures.WAIT)).isTrue();

    assertThat(test.status()).isEqualTo(ShadowTest.Status.FAILED);
    assertThat(test.report().endReason()).contains("error rate 100.0% (10 of 10 calls)");
    assertThat(shadowNames(router)).containsExactly("s1");
  }

  @Test
  void failuresBeforeGuardMinCallsStillTripTheGuardOnceEnoughCallsCame() throws Exception {
    ShadowTest test = router.startTest(spec("v2", in -> {
      if (in < 15) {
        throw new IllegalStateException("cold start");
      }
      return in;
    }).stopIfErrorRateAbove(0.5).guardMinCalls(20).build());
    traffic(15); // 15 failures, but fewer calls than guardMinCalls
    Fixtures.awaitQuiescentShadows(router);
    assertThat(test.status()).isEqualTo(ShadowTest.Status.RUNNING);
    for (int i = 15; i < 20; i++) { // successes only from here on
      router.predict(i);
    }
    Fixtures.awaitQuiescentShadows(router);

    assertThat(test.status()).isEqualTo(ShadowTest.Status.FAILED); // 15 of 20 > 50%
    assertThat(test.report().endReason()).contains("error rate 75.0% (15 of 20 calls)");
  }

  @Test
  void theTimeoutGuardFailsTheTest() throws Exception {
    ShadowTest test = router.startTest(ShadowTestSpec.builder(
            Variant.<Integer, Integer>builder("slow", in -> {
              // the slow call under test (not a synchronisation): the 1 ms timeout interrupts it
              Thread.sleep(10_000);
              return in;
            }).timeout(Duration.ofMillis(1)).build())
        .guardMinCalls(5).clock(clock).build());
    int sent = 0;
    while (!test.awaitCompletion(Duration.ofMillis(5)) && sent < 10_000) {
      traffic(1);
      sent++;
    }

    assertThat(test.status()).isEqualTo(ShadowTest.Status.FAILED);
    assertThat(test.report().endReason()).contains("timeout rate");
    assertThat(test.report().variant("slow").timeouts()).isGreaterThanOrEqualTo(5);
  }

  @Test
  void theRejectedGuardFailsATestThatCannotKeepUp() throws Exception {
    CountDownLatch entered = new CountDownLatch(1);
    CountDownLatch release = new CountDownLatch(1);
    ShadowTest test = router.startTest(ShadowTestSpec.builder(
            Variant.builder("stuck", Fixtures.<Integer, Integer>hangIgnoringInterrupts(
                entered, release, 0)).maxConcurrency(1).timeout(Duration.ofHours(1)).build())
        .stopIfRejectedRateAbove(0.5).guardMinCalls(20).clock(clock).build());
    try {
      traffic(1);
      entered.await();
      traffic(40); // all rejected: the only slot is held

      assertThat(test.awaitCompletion(Fixtures.WAIT)).isTrue();
      assertThat(test.status()).isEqualTo(ShadowTest.Status.FAILED);
      assertThat(test.report().endReason()).contains("copies rejected (40 of 40)");
      assertThat(test.report().variant("stuck").rejected()).isEqualTo(40);
    } finally {
      release.countDown();
    }
  }

  @Test
  void promoteIsRefusedWhileRunningThenMakesTheCandidateProduction() throws Exception {
    // answers differently on purpose (so the promotion shows), which agreement would FAIL
    ShadowTest test = router.startTest(spec("v2", in -> in * 10)
        .withoutCheck(ShadowTestSpec.Check.AGREEMENT).build());
    traffic(5);

    assertThatThrownBy(test::promote).isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("still running").hasMessageContaining("promote(true)");
    assertThatThrownBy(() -> router.promote("v2")).isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("running shadow test");
    test.stop();
    test.promote();

    assertThat(router.predict(3)).isEqualTo(30);
    assertThat(router.config().productionVariants()).extracting(Variant::name)
        .containsExactly("v2");
    assertThat(shadowNames(router)).containsExactly("s1");
    ShadowTestReport report = test.report();
    assertThat(report.decision()).isEqualTo(ShadowTest.Decision.PROMOTED);
    assertThat(report.productionVariants()).containsExactly("v1");
    assertThatThrownBy(test::promote).isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("already promoted");
    assertThatThrownBy(test::discard).isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("already promoted");
  }

  @Test
  void aForcedPromoteStopsARunningTest() throws Exception {
    ShadowTest test = router.startTest(spec("v2", in -> -in).build());
    traffic(5);
    test.promote(true);

    assertThat(test.status()).isEqualTo(ShadowTest.Status.STOPPED);
    assertThat(router.predict(3)).isEqualTo(-3);
  }

  @Test
  void aFailedVerdictIsNotPromotedUnlessForced() throws Exception {
    ShadowTest test = router.startTest(spec("v2", in -> in + 1)
        .minSamples(20).withoutCheck(ShadowTestSpec.Check.LATENCY).build());
    traffic(300);
    Fixtures.awaitQuiescentShadows(router);
    test.stop();
    assertThat(test.report().verdict()).isEqualTo(Verdict.FAIL);

    assertThatThrownBy(test::promote).isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("verdict FAIL").hasMessageContaining("agreement");
    test.promote(true);
    assertThat(router.predict(1)).isEqualTo(2);
  }

  @Test
  void discardIsRefusedWhileRunningAndOnlyOnce() throws Exception {
    ShadowTest test = router.startTest(spec("v2", in -> in).build());
    assertThatThrownBy(test::discard).isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("discard(true)");
    test.discard(true);

    assertThat(test.decision()).isEqualTo(ShadowTest.Decision.DISCARDED);
    assertThat(test.status()).isEqualTo(ShadowTest.Status.STOPPED);
    assertThat(shadowNames(router)).containsExactly("s1");
    assertThat(router.predict(4)).isEqualTo(4);
    assertThatThrownBy(test::discard).isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("already discarded");
    assertThatThrownBy(test::promote).isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("already discarded");
  }

  @Test
  void theSamplingRateChangesWhileRunning() throws Exception {
    ShadowTest test = router.startTest(spec("v2", in -> in).samplingRate(1.0).build());
    traffic(20);
    test.setSamplingRate(0.0);
    traffic(20);
    Fixtures.awaitQuiescentShadows(router);

    assertThat(test.report().calls()).isEqualTo(20);
    assertThat(test.report().samplingRate()).isZero();
    assertThat(router.config().shadowVariants().get(1).samplingRate()).isZero();
    assertThatThrownBy(() -> test.setSamplingRate(1.5)).isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("samplingRate must be in [0.0, 1.0] but was 1.5");
    test.stop();
    assertThatThrownBy(() -> test.setSamplingRate(0.5)).isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("has ended");
  }

  @Test
  void updateKeepsTheLanesOfARunningTestAndRefusesToChangeThem() {
    ShadowTest test = router.startTest(spec("v2", in -> in).noiseBaseline(true).build());
    EndpointConfig<Integer, Integer> withoutShadows =
        router.config().toBuilder().shadowVariants(List.of()).build();

    router.update(withoutShadows);
    assertThat(shadowNames(router)).containsExactly("v2", "v2~noise");
    router.update(router.config()); // a round trip is not a change
    assertThat(shadowNames(router)).containsExactly("v2", "v2~noise");

    EndpointConfig<Integer, Integer> changed = router.config().toBuilder()
        .shadowVariants(List.of(Variant.<Integer, Integer>builder("v2", in -> in).build()))
        .build();
    assertThatThrownBy(() -> router.update(changed)).isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("'v2' belongs to a running shadow test");
    test.stop();
    assertThat(shadowNames(router)).isEmpty();
  }

  @Test
  void closeStopsRunningTestsAndRefusesNewOnes() {
    ShadowTest test = router.startTest(spec("v2", in -> in).build());
    router.close();

    assertThat(test.status()).isEqualTo(ShadowTest.Status.STOPPED);
    assertThat(test.report().endReason()).isEqualTo("endpoint closed");
    assertThatThrownBy(() -> router.startTest(spec("v3", in -> in).build()))
        .isInstanceOf(IllegalStateException.class).hasMessageContaining("closed");
    assertThatThrownBy(() -> test.promote(true)).isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("closed");
    assertThat(test.decision()).isEqualTo(ShadowTest.Decision.NONE);
  }

  @Test
  void theNoiseBaselineSeesTheSameRequestsAsTheCandidate() throws Exception {
    AtomicInteger flips = new AtomicInteger();
    router.close();
    router = ShadowRouter.create(EndpointConfig.<Integer, Integer>builder("noisy")
        .production(Variant.<Integer, Integer>builder("v1",
            in -> flips.incrementAndGet() % 10 == 0 ? -in : in).build()) // 10% nondeterministic
        .queueCapacity(8192)
        .build());
    ShadowTest test = router.startTest(spec("v2", in -> in)
        .samplingRate(0.5).noiseBaseline(true).build());
    for (int i = 0; i < 2_000; i++) {
      router.predict(i, Request.builder().samplingKey("user-" + i).build());
    }
    Fixtures.awaitQuiescentShadows(router);

    ShadowTestReport r = test.report();
    ShadowTestReport.VariantReport candidate = r.variant("v2");
    ShadowTestReport.VariantReport noise = r.variant("v2~noise");
    assertThat(noise.side()).isEqualTo(ShadowTestReport.Side.NOISE);
    assertThat(candidate.invocations() + candidate.rejected())
        .isEqualTo(noise.invocations() + noise.rejected())
        .isBetween(800L, 1_200L);
    assertThat(noise.agreement().getAsDouble()).isLessThan(1.0);
    assertThat(r.variants()).extracting(ShadowTestReport.VariantReport::name)
        .containsExactly("v1", "v2", "v2~noise");
  }

  @Test
  void aSpecReportsEveryInvalidFieldAtOnce() {
    assertThatThrownBy(() -> ShadowTestSpec.builder(Variant.<Integer, Integer>builder("c", in -> in)
            .build())
        .samplingRate(1.5).duration(Duration.ofMillis(500)).maxRequests(-1).alpha(0.7)
        .minAgreement(2).minSamples(0).stopIfErrorRateAbove(-0.1)
        .groundTruth(0, Duration.ZERO).build())
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("shadow test of 'c' is invalid: 9 errors")
        .hasMessageContaining("samplingRate must be in [0.0, 1.0] but was 1.5")
        .hasMessageContaining("duration must be a duration in [PT1S, PT720H] but was PT0.5S")
        .hasMessageContaining("maxRequests must be in [0, ")
        .hasMessageContaining("alpha must be in (0.0, 0.5] but was 0.7")
        .hasMessageContaining("minAgreement must be in [0.0, 1.0] but was 2.0")
        .hasMessageContaining("minSamples must be in [1, 1000000000] but was 0")
        .hasMessageContaining("stopIfErrorRateAbove must be in [0.0, 1.0] but was -0.1")
        .hasMessageContaining("groundTruth maxEntries must be in [1, 10000000] but was 0")
        .hasMessageContaining("groundTruth expiry must be a duration in (0, PT720H] but was PT0S");
  }

  @Test
  void theSpecSamplingRateDefaultsToTheCandidates() {
    ShadowTestSpec<Integer, Integer> spec = ShadowTestSpec.builder(
        Variant.<Integer, Integer>builder("c", in -> in).samplingRate(0.3).build()).build();
    assertThat(spec.samplingRate()).isEqualTo(0.3);
    assertThat(spec.duration()).isEqualTo(Duration.ofDays(7));
  }
}
