package dev.shadowrouting;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.Arrays;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.LockSupport;
import org.junit.jupiter.api.Test;

/**
 * The latency pair compares like with like: both sides are timed around exactly the predictor call
 * (an async one from the call to its stage's completion), and nothing of the router (the worker's
 * wake-up, the watchdog's, context restore, comparison) is charged to the candidate. The scenario
 * is the one users met: production and an identical candidate both busy for 100 µs, the candidate
 * sampled at 10 %, idle gaps between requests so the pool sleeps between copies. Before the fix
 * the report read "x1.47 ... exceeds max x1.10 -> FAIL" for that identical candidate.
 *
 * <p>The assertions compare the router's measurement with timers inside the predictors, with the
 * issue's ±5 % band: the candidate's p50 with its own timer's, and the report's ratio with the ratio
 * the predictors' own timers give (x1.00 on a quiet machine). The bias, if it came back (~45 µs a
 * copy), shows as x1.11 to x1.64 against timers that read x1.00.
 */
class FairLatencyTest {

  private static final long BUSY_NANOS = TimeUnit.MICROSECONDS.toNanos(100);
  /** Idle time between requests: the thing under test (the pool sleeps between copies). */
  private static final long GAP_NANOS = TimeUnit.MICROSECONDS.toNanos(200);

  /** Busy for a fixed time on the calling thread, recording its own duration as it measured it. */
  static final class Busy implements Predictor<Integer, Integer> {
    private final long nanos;
    private final long[] inner = new long[200_000];
    private final AtomicInteger calls = new AtomicInteger();

    Busy(long nanos) {
      this.nanos = nanos;
    }

    @Override
    public Integer predict(Integer input) {
      long start = System.nanoTime();
      long elapsed;
      do {
        Thread.onSpinWait();
        elapsed = System.nanoTime() - start;
      } while (elapsed < nanos);
      int i = calls.getAndIncrement();
      if (i < inner.length) {
        inner[i] = elapsed;
      }
      return input * 2;
    }

    /** The geometric mean of the calls' durations as the predictor itself measured them. */
    double geometricMeanNanos() {
      return Math.exp(Arrays.stream(inner, 0, Math.min(calls.get(), inner.length))
          .mapToDouble(Math::log).average().orElseThrow());
    }

    long medianNanos() {
      long[] copy = Arrays.copyOf(inner, Math.min(calls.get(), inner.length));
      Arrays.sort(copy);
      return copy[copy.length / 2];
    }
  }

  private static ShadowTestSpec<Integer, Integer> spec(Variant<Integer, Integer> candidate) {
    return ShadowTestSpec.builder(candidate)
        .duration(Duration.ofMinutes(10))
        .maxLatencyIncrease(0.10)
        .build();
  }

  private static ShadowTestReport.CheckResult latency(ShadowTestReport report) {
    return report.checks().stream().filter(c -> c.name().equals("latency")).findFirst()
        .orElseThrow();
  }

  /**
   * Sends requests until the candidate has {@code pairs} latency pairs, reading the live verdict
   * every 200 requests: it must never be FAIL.
   */
  private static ShadowTestReport drive(ShadowRouter<Integer, Integer> router, ShadowTest test,
      long pairs, long gapNanos) throws Exception {
    for (int i = 0; ; i++) {
      assertThat(router.predict(i)).isEqualTo(2 * i);
      if (gapNanos > 0) {
        LockSupport.parkNanos(gapNanos); // load pacing: idle gaps are the scenario
      }
      if (i % 200 == 0) {
        ShadowTestReport r = test.report();
        assertThat(r.verdict()).as("live verdict after %d pairs: %s", r.calls(), r.reasons())
            .isNotEqualTo(Verdict.FAIL);
        if (latency(r).n() >= pairs) {
          assertThat(router.awaitIdle(Duration.ofSeconds(10))).isTrue();
          return test.report();
        }
      }
    }
  }

  /**
   * The report's ratio equals what the predictors' own timers say, within 5 %. On a quiet machine
   * that is x1.00 (identical spins); a busy one preempts either side now and then (a 100 µs spin
   * becomes 2 ms), which both the predictor and the router see, so the reference is the
   * predictors' own ratio rather than 1.00. The bias this guards against read x1.11 to x1.64.
   */
  private static void assertSameRatio(ShadowTestReport report, double innerRatio) {
    double shown = latency(report).estimate();
    assertThat(shown / innerRatio)
        .as("report x%.3f, the predictors' own timers x%.3f: %s", shown, innerRatio, report)
        .isBetween(0.95, 1.05);
    assertThat(report.verdict()).as(report.toString()).isNotEqualTo(Verdict.FAIL);
  }

  private static void assertFair(ShadowTestReport report, Busy production, Busy candidate) {
    assertSameRatio(report, candidate.geometricMeanNanos() / production.geometricMeanNanos());
    long shown = report.variant("v2").runTime().p50Nanos();
    long inner = candidate.medianNanos();
    // HdrHistogram keeps 2 significant digits (1 %); the band is the 5 %
    assertThat((double) shown / inner).as("candidate p50 %d ns shown, %d ns inside", shown, inner)
        .isBetween(0.95, 1.05);
  }

  /**
   * 10 % with idle gaps (the pool sleeps between copies), 10 % back to back, 100 % with gaps.
   * Not 100 % back to back: two threads spinning on two cores saturate this machine, and the
   * preemptions that then land on either side are the machine's noise, not the router's.
   */
  @org.junit.jupiter.params.ParameterizedTest(name = "sampling {0}, idle gap {1} ns")
  @org.junit.jupiter.params.provider.CsvSource({"0.10, 200000", "0.10, 0", "1.0, 200000"})
  void identicalCandidateShowsRatioOne(double samplingRate, long gapNanos) throws Exception {
    Busy production = new Busy(BUSY_NANOS);
    Busy candidate = new Busy(BUSY_NANOS);
    try (ShadowRouter<Integer, Integer> router = ShadowRouter.create(
        EndpointConfig.<Integer, Integer>builder("fair")
            .production(Variant.builder("v1", production).build())
            .build())) {
      ShadowTest test = router.startTest(spec(
          Variant.builder("v2", candidate).samplingRate(samplingRate).build()));
      ShadowTestReport report = drive(router, test, 1_000, gapNanos);
      assertFair(report, production, candidate);
      // the router's own time is measured and shown apart, not lost
      assertThat(report.variant("v2").routerTime().count()).isEqualTo(report.calls());
    }
  }

  /** A remote model: 1 ms of work on the model's own pool, timed from the call to its end. */
  static final class Remote implements AsyncPredictor<Integer, Integer> {
    private final ExecutorService pool;
    private final java.util.Queue<Long> inner = new java.util.concurrent.ConcurrentLinkedQueue<>();

    Remote(ExecutorService pool) {
      this.pool = pool;
    }

    @Override
    public CompletableFuture<Integer> predictAsync(Integer input) {
      long start = System.nanoTime();
      return CompletableFuture.supplyAsync(() -> {
        LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(1)); // the remote work
        inner.add(System.nanoTime() - start);
        return input * 2;
      }, pool);
    }

    /** The geometric mean of the calls' durations as the model itself measured them. */
    double geometricMeanNanos() {
      return Math.exp(inner.stream().mapToDouble(Math::log).average().orElseThrow());
    }
  }

  /**
   * The same remote model as production and as candidate (two instances on one pool, so each
   * knows its own calls): both sides are timed from the call to the stage's completion, production
   * not to the caller's wake-up after it, the candidate not from the worker's. The candidate's
   * remote work overlaps the next requests while production's does not, so on two cores its own
   * timer may read a few percent more; the report must show what the model itself measured, within
   * 5 %, not the ~10 % the router used to add.
   */
  @Test
  void identicalAsyncCandidateShowsWhatTheModelMeasured() throws Exception {
    ExecutorService remote = Executors.newFixedThreadPool(4);
    Remote production = new Remote(remote);
    Remote candidate = new Remote(remote);
    try (ShadowRouter<Integer, Integer> router = ShadowRouter.create(
        EndpointConfig.<Integer, Integer>builder("fair-async")
            .production(Variant.async("v1", production).build())
            .build())) {
      ShadowTest test = router.startTest(spec(
          Variant.async("v2", candidate).samplingRate(0.25).build()));
      ShadowTestReport report = drive(router, test, 600, GAP_NANOS);
      assertSameRatio(report, candidate.geometricMeanNanos() / production.geometricMeanNanos());
    } finally {
      remote.shutdownNow();
    }
  }
}
