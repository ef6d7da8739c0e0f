package dev.shadowrouting.internal.stats;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import dev.shadowrouting.Verdict;
import java.util.Arrays;
import java.util.Locale;
import java.util.SplittableRandom;
import org.hipparchus.distribution.continuous.NormalDistribution;
import org.junit.jupiter.api.Test;

/**
 * The tail check, p99 candidate/production against {@code 1 + 0.25}, alpha 0.05 (each side's
 * sequences at 0.025), tuned for 5,000 pairs, both sides timed out at 1 s. Seeded simulations read
 * the verdict after <em>every</em> pair and stop a run at its first FAIL. Production: lognormal run
 * times, median 500 us, sigma 0.3 ({@link ShadowSim}'s production). Each test prints its numbers.
 */
class QuantileRatioTest {
  private static final double ALPHA = 0.05;
  private static final double MAX_INCREASE = 0.25;
  private static final long TIMEOUT = 1_000_000_000L;
  private static final int HORIZON = 5000;
  private static final int LONG_HORIZON = 50_000;
  private static final double SIGMA = 0.3;

  private static final QuantileRatio CHECK = QuantileRatio.of(0.99, MAX_INCREASE, ALPHA, 5000);
  private static final long[][] RANKS = TailSim.ranks(CHECK.perSide(), LONG_HORIZON);

  /** Draws one request's run times into the candidate's and production's histograms. */
  private interface Traffic {
    void draw(SplittableRandom random, LatencyHistogram candidate, LatencyHistogram production);
  }

  /** The runs' outcomes: how many FAILed (and when), how many PASSed at least once (and when). */
  private record Outcome(int runs, int fails, long[] failTimes, int passes, long[] passTimes) {
    double failRate() {
      return (double) fails / runs;
    }

    double passRate() {
      return (double) passes / runs;
    }

    /**
     * Median pairs to FAIL over all runs (a run that never FAILed counts as never): -1 if never.
     */
    long medianFail() {
      return fails > runs / 2 ? TailSim.median(Arrays.copyOf(failTimes, runs), runs) : -1;
    }

    long medianPass() {
      return TailSim.median(passTimes, passes);
    }
  }

  /**
   * Runs {@code runs} streams of {@code horizon} pairs, reading the verdict after every pair (from
   * precomputed ranks; checked against {@link QuantileRatio#ratio} every 250 pairs of the first 20
   * runs) and stopping a run at its first FAIL.
   */
  private static Outcome simulate(Traffic traffic, int runs, int horizon, long seed) {
    SplittableRandom root = new SplittableRandom(seed);
    int fails = 0;
    int passes = 0;
    long[] failTimes = new long[runs];
    Arrays.fill(failTimes, Long.MAX_VALUE);
    long[] passTimes = new long[runs];
    for (int r = 0; r < runs; r++) {
      SplittableRandom random = root.split();
      LatencyHistogram candidate = new LatencyHistogram(TIMEOUT);
      LatencyHistogram production = new LatencyHistogram(TIMEOUT);
      boolean passed = false;
      for (int n = 1; n <= horizon; n++) {
        traffic.draw(random, candidate, production);
        double lower = TailSim.lower(candidate, RANKS) / TailSim.upper(production, RANKS);
        double upper = TailSim.upper(candidate, RANKS) / TailSim.lower(production, RANKS);
        if (r < 20 && n % 250 == 0) {
          QuantileBounds exact = CHECK.ratio(candidate, production);
          assertThat(exact.lower()).isEqualTo(lower);
          assertThat(exact.upper()).isEqualTo(upper);
        }
        Verdict verdict = CHECK.verdict(new QuantileBounds(Double.NaN, lower, upper));
        if (verdict == Verdict.FAIL) {
          failTimes[fails++] = n;
          break;
        }
        if (verdict == Verdict.PASS && !passed) {
          passed = true;
          passTimes[passes++] = n;
        }
      }
    }
    return new Outcome(runs, fails, failTimes, passes, passTimes);
  }

  private static long production(SplittableRandom random) {
    return TailSim.lognormal(random, TailSim.LN_500_US, SIGMA);
  }

  /**
   * (4a) An identical candidate, drawn independently of production (the harder case for a false
   * FAIL: pairing would make the two histograms move together). Also: how soon the tail check can
   * PASS a candidate that is exactly as good.
   */
  @Test
  void identicalCandidateIsRarelyFailed() {
    Outcome o =
        simulate(
            (random, c, p) -> {
              c.record(production(random));
              p.record(production(random));
            },
            1000,
            HORIZON,
            1);
    double se = TailSim.se(ALPHA, o.runs());
    System.out.printf(
        Locale.ROOT,
        "(4a) identical candidate (independent draws), verdict after each of %,d pairs x %,d runs:"
            + " ever FAIL %.4f (alpha %.2f, SE %.4f); PASS by %,d in %.4f, median %,d pairs%n",
        HORIZON,
        o.runs(),
        o.failRate(),
        ALPHA,
        se,
        HORIZON,
        o.passRate(),
        o.medianPass());
    assertThat(o.failRate()).isLessThanOrEqualTo(ALPHA + 3 * se);
  }

  /**
   * (4b) At the boundary: candidate p99 exactly 1.25 x production's. Two constructions, both
   * independent of production: a heavier tail with the same median ({@code sigma' = sigma + ln 1.25
   * / z_0.99}), and every run time 1.25x. The candidate is within the threshold (not above it), so
   * any FAIL is false; it is not strictly within, so a PASS is false too: both at most alpha.
   */
  @Test
  void candidateExactlyAtTheThresholdIsRarelyFailedOrPassed() {
    double heavier = SIGMA + Math.log1p(MAX_INCREASE) / TailSim.z(0.99);
    double trueRatio =
        (double) TailSim.lognormalQuantile(0.99, TailSim.LN_500_US, heavier)
            / TailSim.lognormalQuantile(0.99, TailSim.LN_500_US, SIGMA);
    assertThat(trueRatio).isCloseTo(1 + MAX_INCREASE, within(1e-5));
    Outcome tail =
        simulate(
            (random, c, p) -> {
              c.record(TailSim.lognormal(random, TailSim.LN_500_US, heavier));
              p.record(production(random));
            },
            1000,
            HORIZON,
            2);
    Outcome scaled =
        simulate(
            (random, c, p) -> {
              c.record(
                  TailSim.lognormal(random, TailSim.LN_500_US + Math.log1p(MAX_INCREASE), SIGMA));
              p.record(production(random));
            },
            1000,
            HORIZON,
            3);
    double se = TailSim.se(ALPHA, 1000);
    System.out.printf(
        Locale.ROOT,
        "(4b) candidate p99 exactly x%.2f production's, verdict after each of %,d pairs x %,d runs:"
            + " heavier tail (sigma %.3f vs %.1f): ever FAIL %.4f, ever PASS %.4f; all run times"
            + " x1.25: ever FAIL %.4f, ever PASS %.4f (alpha %.2f each, SE %.4f)%n",
        1 + MAX_INCREASE,
        HORIZON,
        1000,
        heavier,
        SIGMA,
        tail.failRate(),
        tail.passRate(),
        scaled.failRate(),
        scaled.passRate(),
        ALPHA,
        se);
    for (Outcome o : new Outcome[] {tail, scaled}) {
      assertThat(o.failRate()).isLessThanOrEqualTo(ALPHA + 3 * se);
      assertThat(o.passRate()).isLessThanOrEqualTo(ALPHA + 3 * se);
    }
  }

  /**
   * (4c) The scenario: 2% of the candidate's requests 10x slower, the rest exactly
   * production's run time on the same request (same body). The geometric-mean ratio is {@code
   * 10^0.02 = 1.047}, a PASS at x1.10; the p99 ratio is about x5. Target: median pairs to FAIL at
   * most 5,000. Also with a wider body (sigma 1), where the slow 2% overlap production's own tail
   * and the p99 ratio is smaller.
   */
  @Test
  void twoPercentTenTimesSlowerFailsWithinTheTarget() {
    StringBuilder summary = new StringBuilder();
    long target = 5000;
    // {sigma, runs}: the wide body needs long runs, so fewer of them
    for (double[] config : new double[][] {{SIGMA, 1000}, {1.0, 200}}) {
      double sigma = config[0];
      Outcome o =
          simulate(
              (random, c, p) -> {
                long x = TailSim.lognormal(random, TailSim.LN_500_US, sigma);
                p.record(x);
                c.record(random.nextDouble() < 0.02 ? 10 * x : x);
              },
              (int) config[1],
              LONG_HORIZON,
              4);
      double ratio = mixtureQuantile(0.99, sigma) / Math.exp(sigma * TailSim.z(0.99));
      summary.append(
          String.format(
              Locale.ROOT,
              "%n  body sigma %.1f (true p99 ratio x%.2f), %,d runs: FAIL by %,d pairs in %.3f, by"
                  + " %,d in %.3f; median %,d pairs",
              sigma,
              ratio,
              o.runs(),
              target,
              fractionBy(o, target),
              LONG_HORIZON,
              o.failRate(),
              o.medianFail()));
      if (sigma == SIGMA) {
        assertThat(o.medianFail()).isPositive().isLessThanOrEqualTo(target);
      }
    }
    System.out.println(
        "(4c) 2% of candidate requests 10x slower, same body, verdict after every pair:" + summary);
  }

  /**
   * p-quantile of {@code 0.98 LN(0, sigma) + 0.02 LN(ln 10, sigma)}, in units of the median, by
   * bisection on the CDF (Hipparchus' normal CDF).
   */
  private static double mixtureQuantile(double p, double sigma) {
    NormalDistribution normal = new NormalDistribution(0, 1);
    double lo = 0;
    double hi = 100;
    for (int i = 0; i < 200; i++) {
      double mid = 0.5 * (lo + hi);
      double cdf =
          0.98 * normal.cumulativeProbability(mid / sigma)
              + 0.02 * normal.cumulativeProbability((mid - Math.log(10)) / sigma);
      if (cdf < p) {
        lo = mid;
      } else {
        hi = mid;
      }
    }
    return Math.exp(hi);
  }

  private static double fractionBy(Outcome o, long n) {
    int count = 0;
    for (int i = 0; i < o.fails(); i++) {
      count += o.failTimes()[i] <= n ? 1 : 0;
    }
    return (double) count / o.runs();
  }

  /**
   * (4d) A candidate that times out on 2% of requests (1 s timeout), otherwise production's run
   * time on the same request. Censored at the timeout, the timeouts make its p99 at least 1 s:
   * FAIL. Left out of the latency data (as the geometric-mean check does), the same candidate looks
   * exactly like production: never FAILs, and PASSes.
   */
  @Test
  void candidateThatTimesOutFailsInsteadOfLookingFast() {
    Outcome censored =
        simulate(
            (random, c, p) -> {
              long x = production(random);
              p.record(x);
              if (random.nextDouble() < 0.02) {
                c.recordCensored();
              } else {
                c.record(x);
              }
            },
            1000,
            HORIZON,
            5);
    Outcome dropped =
        simulate(
            (random, c, p) -> {
              long x = production(random);
              p.record(x);
              if (random.nextDouble() >= 0.02) {
                c.record(x);
              }
            },
            300,
            HORIZON,
            6);
    System.out.printf(
        Locale.ROOT,
        "(4d) candidate timing out on 2%% of requests (1 s), verdict after every pair: censored at"
            + " the timeout: FAIL by %,d in %.3f of %,d runs, median %,d pairs; timeouts left out:"
            + " FAIL %.3f, PASS %.3f of %,d runs (median %,d pairs)%n",
        HORIZON,
        censored.failRate(),
        censored.runs(),
        censored.medianFail(),
        dropped.failRate(),
        dropped.passRate(),
        dropped.runs(),
        dropped.medianPass());
    assertThat(censored.failRate()).isGreaterThan(0.99);
    assertThat(censored.medianFail()).isLessThanOrEqualTo(HORIZON);
    assertThat(dropped.failRate()).isZero();
    assertThat(dropped.passRate()).isGreaterThan(0.5);
  }

  /**
   * (2) Mergeability of the check: random shards of both sides (with timeouts), merged in any
   * order, give the same ratio, bounds and verdict as one pair of histograms fed everything.
   */
  @Test
  void mergedShardsGiveTheRatioOfTheUnion() {
    SplittableRandom random = new SplittableRandom(8);
    for (int trial = 0; trial < 40; trial++) {
      int shards = 1 + random.nextInt(10);
      LatencyHistogram[] c = new LatencyHistogram[shards];
      LatencyHistogram[] p = new LatencyHistogram[shards];
      for (int s = 0; s < shards; s++) {
        c[s] = new LatencyHistogram(TIMEOUT);
        p[s] = new LatencyHistogram(TIMEOUT);
      }
      LatencyHistogram cAll = new LatencyHistogram(TIMEOUT);
      LatencyHistogram pAll = new LatencyHistogram(TIMEOUT);
      double slow = random.nextDouble() * 0.05;
      int n = random.nextInt(12_000);
      for (int i = 0; i < n; i++) {
        int s = random.nextInt(shards);
        long x = production(random);
        p[s].record(x);
        pAll.record(x);
        long y = random.nextDouble() < slow ? 10 * x : x;
        c[s].record(y);
        cAll.record(y);
      }
      LatencyHistogram cMerged = new LatencyHistogram(TIMEOUT);
      LatencyHistogram pMerged = new LatencyHistogram(TIMEOUT);
      for (int s = 0; s < shards; s++) {
        cMerged.merge(LatencyHistogram.fromBytes(c[(s + trial) % shards].toBytes()));
        pMerged.merge(p[(s + 2 * trial) % shards]);
      }
      QuantileBounds expected = QuantileRatio.of(0.99, MAX_INCREASE, ALPHA, 5000).ratio(cAll, pAll);
      QuantileBounds got = CHECK.ratio(cMerged, pMerged);
      if (n == 0) {
        assertThat(got.estimate()).isNaN();
      } else {
        assertThat(got.estimate()).isCloseTo(expected.estimate(), within(1e-9));
      }
      assertThat(got.lower()).isCloseTo(expected.lower(), within(1e-9));
      assertThat(got.upper()).isEqualTo(expected.upper());
      assertThat(CHECK.verdict(got)).isEqualTo(CHECK.verdict(expected));
    }
  }

  /** The arithmetic of the ratio and the verdict at the edges: empty, censored, one-sided. */
  @Test
  void ratioAndVerdictAtTheEdges() {
    LatencyHistogram empty = new LatencyHistogram(TIMEOUT);
    QuantileBounds none = CHECK.ratio(empty, empty);
    assertThat(none.estimate()).isNaN();
    assertThat(none.lower()).isZero();
    assertThat(none.upper()).isInfinite();
    assertThat(CHECK.verdict(none)).isEqualTo(Verdict.INCONCLUSIVE);

    LatencyHistogram timedOut = new LatencyHistogram(TIMEOUT);
    LatencyHistogram fast = new LatencyHistogram(TIMEOUT);
    for (int i = 0; i < 3000; i++) {
      timedOut.recordCensored();
      fast.record(1_000_000);
    }
    QuantileBounds worse = CHECK.ratio(timedOut, fast);
    // candidate p99 >= 1 s against production's <= 1.01 ms
    assertThat(worse.lower()).isGreaterThan(900);
    assertThat(worse.upper()).isInfinite();
    assertThat(worse.estimate()).isGreaterThan(900);
    assertThat(CHECK.verdict(worse)).isEqualTo(Verdict.FAIL);
    QuantileBounds better = CHECK.ratio(fast, timedOut);
    assertThat(better.lower()).isZero();
    assertThat(better.upper()).isLessThan(0.0011);
    assertThat(CHECK.verdict(better)).isEqualTo(Verdict.PASS);
    QuantileBounds same = CHECK.ratio(fast, fast);
    assertThat(same.estimate()).isEqualTo(1.0);
    assertThat(CHECK.verdict(same)).isEqualTo(Verdict.PASS);
    // strict comparisons with 1 + maxIncrease on both sides
    assertThat(CHECK.verdict(new QuantileBounds(1, 1.25, 2))).isEqualTo(Verdict.INCONCLUSIVE);
    assertThat(CHECK.verdict(new QuantileBounds(1, 0.5, 1.25))).isEqualTo(Verdict.INCONCLUSIVE);
    assertThat(CHECK.maxRatio()).isEqualTo(1.25);
    assertThat(CHECK.perSide().alpha()).isEqualTo(ALPHA / 2);

    assertThatThrownBy(() -> QuantileRatio.of(0.99, -1, ALPHA, 5000))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> QuantileRatio.of(0.99, 0.25, 1, 5000))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> new QuantileBounds(1, 2, 1))
        .isInstanceOf(IllegalArgumentException.class);
  }
}
