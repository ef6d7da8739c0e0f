package dev.shadowrouting;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/**
 * Shadow tests through a real router with predictors that take a few hundred microseconds (they
 * park, like a call to a model server): the verdict reached on real timings, and a promotion
 * under load.
 *
 * <p>A latency verdict from real parking depends on the machine's scheduler (how late a parked
 * thread wakes, on which side), so those tests are tagged "perf" (run by
 * {@code mvn -B -ntp verify -Pperf}); the default suite's verdicts leave the latency check out
 * ({@link ShadowTestSpec.Check#LATENCY}), so real timings cannot decide them.
 */
class ShadowTestEndToEndTest {

  private static final int CALLERS = 4;

  private static Predictor<Integer, Integer> parking(long micros, double errorRate) {
    return in -> {
      LockSupport.parkNanos(TimeUnit.MICROSECONDS.toNanos(micros));
      if (errorRate > 0 && ThreadLocalRandom.current().nextDouble() < errorRate) {
        throw new IllegalStateException("model server error");
      }
      return in * 2;
    };
  }

  private static ShadowRouter<Integer, Integer> router() {
    return ShadowRouter.create(EndpointConfig.<Integer, Integer>builder("e2e")
        .production(Variant.builder("v1", parking(300, 0)).build())
        .workerThreads(CALLERS) // the calls park: threads, not cores, are what they need
        .queueCapacity(4096)
        .build());
  }

  private static ShadowTestSpec.Builder<Integer, Integer> spec(
      Predictor<Integer, Integer> candidate) {
    return ShadowTestSpec.builder(Variant.builder("v2", candidate).maxConcurrency(256).build())
        .duration(Duration.ofMinutes(5))
        .maxLatencyIncrease(0.25)
        .maxErrorRateIncrease(0.01)
        .minAgreement(0.99)
        .minSamples(500);
  }

  /** Sends traffic from CALLERS threads until the live verdict is no longer INCONCLUSIVE. */
  private static ShadowTestReport runUntilDecided(ShadowRouter<Integer, Integer> router,
      ShadowTest test) throws Exception {
    AtomicBoolean decided = new AtomicBoolean();
    ExecutorService callers = Executors.newFixedThreadPool(CALLERS);
    try {
      List<Future<?>> futures = new ArrayList<>();
      for (int t = 0; t < CALLERS; t++) {
        futures.add(callers.submit(() -> {
          for (int i = 0; i < 200_000 && !decided.get(); i++) {
            assertThat(router.predict(i)).isEqualTo(2 * i);
          }
          return null;
        }));
      }
      org.awaitility.Awaitility.await().atMost(Duration.ofSeconds(120))
          .pollInterval(Duration.ofMillis(20))
          .until(() -> test.report().verdict() != Verdict.INCONCLUSIVE);
      decided.set(true);
      for (Future<?> f : futures) {
        f.get();
      }
    } finally {
      callers.shutdownNow();
    }
    if (test.report().verdict() == Verdict.FAIL) {
      // a statistical FAIL ends the test by itself, at housekeeping's next look
      assertThat(test.awaitCompletion(Duration.ofSeconds(30))).isTrue();
    } else {
      test.stop();
    }
    return test.report();
  }

  @Test
  void anIdenticalCandidatePasses() throws Exception {
    try (ShadowRouter<Integer, Integer> router = router()) {
      ShadowTest test = router.startTest(spec(parking(300, 0))
          .withoutCheck(ShadowTestSpec.Check.LATENCY)
          .withoutCheck(ShadowTestSpec.Check.TAIL_LATENCY).build());
      ShadowTestReport r = runUntilDecided(router, test);

      assertThat(r.verdict()).as("%s", r).isEqualTo(Verdict.PASS);
      assertThat(r.checks()).extracting(ShadowTestReport.CheckResult::name)
          .containsExactly("errors", "agreement");
      assertThat(r.checks()).extracting(ShadowTestReport.CheckResult::verdict)
          .containsOnly(Verdict.PASS);
      assertThat(r.calls()).isGreaterThanOrEqualTo(500);
    }
  }

  /** The latency check passes an identical candidate on real timings (perf: see the class). */
  @Tag("perf")
  @Test
  void anIdenticalCandidatePassesOnLatencyToo() throws Exception {
    try (ShadowRouter<Integer, Integer> router = router()) {
      ShadowTest test = router.startTest(spec(parking(300, 0)).build());
      ShadowTestReport r = runUntilDecided(router, test);

      assertThat(r.verdict()).as("%s", r).isEqualTo(Verdict.PASS);
      assertThat(r.checks()).extracting(ShadowTestReport.CheckResult::verdict)
          .containsOnly(Verdict.PASS);
      assertThat(r.calls()).isGreaterThanOrEqualTo(500);
    }
  }

  /** A latency verdict on real timings: perf (see the class). */
  @Tag("perf")
  @Test
  void aSlowerCandidateFailsOnLatency() throws Exception {
    try (ShadowRouter<Integer, Integer> router = router()) {
      ShadowTest test = router.startTest(spec(parking(900, 0)).build());
      ShadowTestReport r = runUntilDecided(router, test);

      assertThat(r.verdict()).as("%s", r).isEqualTo(Verdict.FAIL);
      ShadowTestReport.CheckResult latency = r.checks().get(0);
      assertThat(latency.name()).isEqualTo("latency");
      assertThat(latency.verdict()).isEqualTo(Verdict.FAIL);
      assertThat(latency.lower()).isGreaterThan(1.25);
      assertThat(r.variant("v2").runTime().p50Nanos())
          .isGreaterThan(r.variant("v1").runTime().p50Nanos());
    }
  }

  @Test
  void anErringCandidateFailsOnErrors() throws Exception {
    try (ShadowRouter<Integer, Integer> router = router()) {
      // without the latency checks, which real timings could decide first
      ShadowTest test = router.startTest(spec(parking(300, 0.10))
          .withoutCheck(ShadowTestSpec.Check.LATENCY)
          .withoutCheck(ShadowTestSpec.Check.TAIL_LATENCY).build());
      ShadowTestReport r = runUntilDecided(router, test);

      assertThat(r.verdict()).as("%s", r).isEqualTo(Verdict.FAIL);
      ShadowTestReport.CheckResult errors = r.checks().get(0);
      assertThat(errors.name()).isEqualTo("errors");
      assertThat(errors.verdict()).isEqualTo(Verdict.FAIL);
      assertThat(errors.lower()).isGreaterThan(0.01);
      // 10% < the 50% guard: the statistical FAIL ended it, naming the check and its interval
      assertThat(r.status()).isEqualTo(ShadowTest.Status.COMPLETED);
      assertThat(r.endReason()).startsWith("verdict FAIL: errors: ").contains("exceeds max");
    }
  }

  @Test
  void promotingUnderFourCallerThreadsLosesNothing() throws Exception {
    try (ShadowRouter<Integer, Integer> router = ShadowRouter.create(
        EndpointConfig.<Integer, Integer>builder("promote")
            .production(Variant.<Integer, Integer>builder("v1", in -> in).build())
            .build())) {
      ShadowTest test = router.startTest(ShadowTestSpec.builder(
          Variant.<Integer, Integer>builder("v2", in -> -in).build()).build());
      AtomicBoolean stop = new AtomicBoolean();
      AtomicLong answered = new AtomicLong();
      AtomicLong byCandidate = new AtomicLong();
      CountDownLatch running = new CountDownLatch(CALLERS);
      ExecutorService callers = Executors.newFixedThreadPool(CALLERS);
      List<Future<?>> futures = new ArrayList<>();
      for (int t = 0; t < CALLERS; t++) {
        futures.add(callers.submit(() -> {
          running.countDown();
          for (int i = 1; !stop.get() || i < 1_000; i++) {
            Invocation<Integer> inv = router.invoke(i, Request.none());
            if (inv.variant().equals("v2")) {
              assertThat(inv.output()).isEqualTo(-i);
              byCandidate.incrementAndGet();
            } else {
              assertThat(inv.variant()).isEqualTo("v1");
              assertThat(inv.output()).isEqualTo(i);
            }
            answered.incrementAndGet();
          }
          return null;
        }));
      }
      running.await();
      org.awaitility.Awaitility.await().atMost(Fixtures.WAIT).until(() -> answered.get() > 5_000);
      test.promote(true);
      long atPromotion = answered.get();
      org.awaitility.Awaitility.await().atMost(Fixtures.WAIT)
          .until(() -> answered.get() > atPromotion + 5_000);
      stop.set(true);
      for (Future<?> f : futures) {
        f.get(); // no caller saw an exception or a wrong answer
      }
      callers.shutdown();

      RouterSnapshot s = router.snapshot();
      assertThat(s.variant("v2").role()).isEqualTo(Role.PRODUCTION);
      assertThat(byCandidate.get()).isPositive();
      assertThat(test.report().decision()).isEqualTo(ShadowTest.Decision.PROMOTED);
      assertThat(test.report().productionVariants()).containsExactly("v1");
    }
  }
}
