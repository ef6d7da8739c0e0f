package dev.shadowrouting.internal.stats;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

class NormalMixtureTest {

  /**
   * Worked numbers of confseq's {@code test/uniform_boundaries_unittest.cpp}, test {@code
   * MixtureTest.TestTwoSidedNormalMixture} (repository gostevehoward/confseq; its targets come from
   * a reference implementation in R): {@code best_rho(100, 0.05) = 12.60056}, {@code
   * log_superMG(s=10, v=100) = -0.6510052}, {@code bound(v=100, ln(1/0.05)) = 30.35209}, all to
   * 1e-5. Their v is intrinsic time; with unit variance it is n.
   */
  @Test
  void matchesConfseqWorkedExample() {
    NormalMixture m = NormalMixture.tunedFor(100, 0.05);
    assertThat(m.rho()).isCloseTo(12.60056, within(1e-5));
    assertThat(m.logMixture(10, 100)).isCloseTo(-0.6510052, within(1e-5));
    assertThat(m.boundOnSum(100)).isCloseTo(30.35209, within(1e-5));
    // the same boundary as a half-width on the mean of 100 unit-variance observations
    assertThat(m.halfWidth(100, 1.0) * 100).isCloseTo(30.35209, within(1e-5));
    // scaling: variance 4 doubles the half-width (the mixture precision scales with the variance)
    assertThat(m.halfWidth(100, 4.0)).isCloseTo(2 * m.halfWidth(100, 1.0), within(1e-15));
  }

  /**
   * Worked numbers of GrowthBook's gbstats {@code packages/stats/tests/frequentist/test_tests.py},
   * class {@code TestSequentialTTest}: {@code test_sequential_test_runs} (sample means, tuning N* =
   * 1000: expected 0.50336, ci (-0.55844, 1.56516), stddev 0.33341) and {@code
   * test_sequential_test_runs_prop} (proportions, default N* = 5000: expected 0.50386, ci (0.40098,
   * 0.60675), stddev 0.03386). gbstats estimates the relative lift with the delta method, then
   * calls {@code sequential_interval_halfwidth(s2 = SE^2 * n, n = n_A + n_B, N*, alpha = 0.05)};
   * the inputs and the delta method are reproduced here, the half-width is ours. Expected values
   * are rounded to 5 decimals, hence the 6e-6 tolerance.
   */
  @Test
  void matchesGbstatsWorkedExamples() {
    // SampleMeanStatistic(sum=1396.87, sum_squares=52377.9767, n=3000) vs (2422.7, 134698.29, 3461)
    double[] a = meanAndVariance(1396.87, 52377.9767, 3000);
    double[] b = meanAndVariance(2422.7, 134698.29, 3461);
    double[] lift = relativeLift(a[0], a[1], 3000, b[0], b[1], 3461);
    assertThat(lift[0]).isCloseTo(0.50336, within(6e-6));
    assertThat(Math.sqrt(lift[1])).isCloseTo(0.33341, within(6e-6));
    long n = 3000 + 3461;
    double hw = NormalMixture.tunedFor(1000, 0.05).halfWidth(n, lift[1] * n);
    assertThat(lift[0] - hw).isCloseTo(-0.55844, within(6e-6));
    assertThat(lift[0] + hw).isCloseTo(1.56516, within(6e-6));

    // ProportionStatistic(sum=1396, n=3000) vs (2422, 3461): variance p(1-p)
    double pa = 1396.0 / 3000;
    double pb = 2422.0 / 3461;
    lift = relativeLift(pa, pa * (1 - pa), 3000, pb, pb * (1 - pb), 3461);
    assertThat(lift[0]).isCloseTo(0.50386, within(6e-6));
    assertThat(Math.sqrt(lift[1])).isCloseTo(0.03386, within(6e-6));
    hw = NormalMixture.tunedFor(5000, 0.05).halfWidth(n, lift[1] * n);
    assertThat(lift[0] - hw).isCloseTo(0.40098, within(6e-6));
    assertThat(lift[0] + hw).isCloseTo(0.60675, within(6e-6));
  }

  private static double[] meanAndVariance(double sum, double sumSquares, long n) {
    return new double[] {sum / n, (sumSquares - sum * sum / n) / (n - 1)};
  }

  /** gbstats' relative lift (mB - mA) / mA and its delta-method variance. */
  private static double[] relativeLift(
      double ma, double va, long na, double mb, double vb, long nb) {
    double estimate = (mb - ma) / ma;
    double variance = vb / (ma * ma * nb) + va * mb * mb / (Math.pow(ma, 4) * na);
    return new double[] {estimate, variance};
  }

  /**
   * gbstats' parametrisation implemented directly ({@code sequential_rho}, {@code
   * sequential_interval_halfwidth}): {@code r = sqrt((-2 ln a + ln(1 - 2 ln a)) / N)}, {@code hw =
   * sigma sqrt(2 (n r^2 + 1) ln(sqrt(n r^2 + 1) / a) / (n r)^2)}; it must equal ours (confseq's
   * form with rho = 1/r^2) to rounding, on a grid of n, N*, alpha and variance.
   */
  @Test
  void equalsGbstatsParametrisation() {
    long[] ns = {2, 3, 10, 57, 100, 999, 5000, 123_456, 10_000_000};
    long[] tunings = {1, 10, 100, 1000, 5000, 1_000_000};
    double[] alphas = {0.2, 0.05, 0.05 / 3, 1e-3, 1e-6};
    double[] variances = {1e-6, 0.18, 1, 42};
    int checked = 0;
    for (long tuning : tunings) {
      for (double alpha : alphas) {
        NormalMixture m = NormalMixture.tunedFor(tuning, alpha);
        double r = Math.sqrt((-2 * Math.log(alpha) + Math.log(-2 * Math.log(alpha) + 1)) / tuning);
        assertThat(1 / (r * r)).isCloseTo(m.rho(), within(m.rho() * 1e-12));
        for (long n : ns) {
          for (double s2 : variances) {
            double t = n * r * r + 1;
            double gb =
                Math.sqrt(s2)
                    * Math.sqrt(2 * t * Math.log(Math.sqrt(t) / alpha) / Math.pow(n * r, 2));
            assertThat(m.halfWidth(n, s2)).isCloseTo(gb, within(gb * 1e-12));
            checked++;
          }
        }
      }
    }
    assertThat(checked).isEqualTo(tunings.length * alphas.length * ns.length * variances.length);
  }

  /** The tuned rho makes the boundary (nearly) tightest at n = N*: within 1% of the best rho. */
  @Test
  void tunedRhoIsNearlyOptimalAtExpectedN() {
    for (long tuning : new long[] {100, 1000, 5000, 100_000}) {
      for (double alpha : new double[] {0.05, 0.05 / 3, 0.001}) {
        NormalMixture tuned = NormalMixture.tunedFor(tuning, alpha);
        double best = Double.POSITIVE_INFINITY;
        for (double f = 0.05; f < 20; f *= 1.01) {
          best = Math.min(best, NormalMixture.withRho(tuned.rho() * f, alpha).halfWidth(tuning, 1));
        }
        double atTuned = tuned.halfWidth(tuning, 1);
        assertThat(atTuned).isBetween(best, best * 1.01);
        // and it is worse elsewhere: tuning for n = N* beats tuning for 10 N* or N*/10 there
        assertThat(atTuned)
            .isLessThan(NormalMixture.tunedFor(tuning * 10, alpha).halfWidth(tuning, 1));
        assertThat(atTuned)
            .isLessThan(
                NormalMixture.tunedFor(Math.max(1, tuning / 10), alpha).halfWidth(tuning, 1));
      }
    }
  }

  @Test
  void edgeCases() {
    NormalMixture m = NormalMixture.tunedFor(5000, 0.05);
    assertThat(m.halfWidth(0, 1)).isInfinite();
    assertThat(m.halfWidth(1, 1)).isInfinite();
    assertThat(m.halfWidth(2, 0)).isZero();
    assertThat(m.halfWidth(2, 1)).isFinite().isPositive();
    // shrinks like sqrt(log n / n) eventually
    assertThat(m.halfWidth(1_000_000, 1)).isLessThan(m.halfWidth(100_000, 1));
    assertThatThrownBy(() -> NormalMixture.tunedFor(0, 0.05))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> NormalMixture.tunedFor(10, 1))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> NormalMixture.tunedFor(10, 0))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> m.halfWidth(10, -1)).isInstanceOf(IllegalArgumentException.class);
  }

  /**
   * Coverage, uniformly over time: Gaussian data, the sequence with the running sample variance
   * plugged in is checked after every observation; the fraction of runs in which it ever misses the
   * mean must be at most alpha. Monitoring starts at n = 30 (the engine never acts before
   * minSamples); from n = 2 the plug-in variance of tiny samples costs extra misses, printed for
   * the record.
   */
  @Test
  void coversTheMeanUniformlyOverTime() {
    double alpha = 0.05;
    NormalMixture m = NormalMixture.tunedFor(1000, alpha);
    SplittableRandom random = new SplittableRandom(2024);
    int runs = 2000;
    int horizon = 5000;
    int missedFrom30 = 0;
    int missedFrom2 = 0;
    for (int r = 0; r < runs; r++) {
      Welford w = new Welford();
      boolean miss30 = false;
      boolean miss2 = false;
      for (int i = 1; i <= horizon; i++) {
        w.add(3 + 2 * random.nextGaussian());
        double hw = m.halfWidth(w.n(), w.variance());
        boolean miss = Math.abs(w.mean() - 3) > hw;
        miss2 |= miss;
        miss30 |= miss && i >= 30;
      }
      missedFrom30 += miss30 ? 1 : 0;
      missedFrom2 += miss2 ? 1 : 0;
    }
    System.out.printf(
        "NormalMixture coverage (N*=1000, alpha=0.05, %d runs x %d obs, Gaussian): ever missed from"
            + " n=30 %.4f, from n=2 %.4f%n",
        runs, horizon, (double) missedFrom30 / runs, (double) missedFrom2 / runs);
    assertThat((double) missedFrom30 / runs).isLessThanOrEqualTo(alpha);
  }
}
