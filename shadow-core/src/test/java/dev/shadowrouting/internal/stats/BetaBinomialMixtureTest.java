package dev.shadowrouting.internal.stats;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import org.junit.jupiter.api.Test;

class BetaBinomialMixtureTest {

  /**
   * confseq's {@code test/uniform_boundaries_unittest.cpp}, {@code TestOneSidedBetaBinomialMixture}
   * (values from confseq's reference implementation in R): {@code beta_binomial_log_mixture(10,
   * 100, v_opt=100, g=0.2, h=0.8)} with the default {@code alpha_opt = 0.05}, one-sided, and {@code
   * beta_binomial_mixture_bound(100, alpha=0.05, ...)}.
   */
  @Test
  void matchesConfseqWorkedNumbers() {
    BetaBinomialMixture mixture = BetaBinomialMixture.tunedFor(100, 0.05, 0.2, 0.8);
    assertThat(mixture.logSuperMg(10, 100)).isCloseTo(-0.07134019, within(1e-8));
    assertThat(boundary(mixture, 100, 0.05, 0.2)).isCloseTo(28.41238, within(1e-5));
    // beta_binomial_mixture_bound(2 * 0.2 * 0.8, 0.05, 100, 0.2, 0.8) = 2 * 0.8: at t = 2 even the
    // largest reachable sum, v / g = 1.6, does not cross, and confseq returns that sum
    double v = 2 * 0.2 * 0.8;
    assertThat(mixture.logSuperMg(v / 0.2, v)).isLessThan(Math.log(1 / 0.05));
  }

  /**
   * confseq's {@code find_mixture_bound}: the sum at which {@code ln M = ln(1/alpha)} on {@code [0,
   * v/g]}, by bisection (here to adjacent doubles).
   */
  static double boundary(BetaBinomialMixture mixture, double v, double alpha, double g) {
    double threshold = Math.log(1 / alpha);
    double below = 0;
    double above = v / g;
    if (mixture.logSuperMg(above, v) < threshold) {
      return above;
    }
    while (true) {
      double mid = 0.5 * (below + above);
      if (mid == below || mid == above) {
        return below;
      }
      if (mixture.logSuperMg(mid, v) >= threshold) {
        above = mid;
      } else {
        below = mid;
      }
    }
  }

  /**
   * The mixture integral done numerically, independently of any Beta function: with k successes in
   * t steps, {@code M = (g + h)^t g^-k h^-(t-k) int_0^x theta^(a0 + t - k - 1) (1 - theta)^(b0 + k
   * - 1) dtheta / int_0^x theta^(a0 - 1) (1 - theta)^(b0 - 1) dtheta}, composite Simpson on
   * log-scaled integrands; at the p99 parameters the engine uses (g = 0.99, h = 0.01, N* = 5,000,
   * alpha = 0.025) and at small and large n, on both sides of the boundary, and for the mirrored
   * mixture.
   */
  @Test
  void matchesNumericalIntegrationOfTheTruncatedMixture() {
    double p = 0.99;
    double vOpt = p * (1 - p) * 5000;
    for (double[] gh : new double[][] {{p, 1 - p}, {1 - p, p}, {0.2, 0.8}}) {
      double g = gh[0];
      double h = gh[1];
      BetaBinomialMixture mixture = BetaBinomialMixture.tunedFor(vOpt, 0.025, g, h);
      double a0 = mixture.r() / (g * (g + h));
      double b0 = mixture.r() / (h * (g + h));
      double x = h / (g + h);
      double logPrior = logIntegral(a0 - 1, b0 - 1, x);
      for (long t : new long[] {50, 700, 5000, 40_000}) {
        double successP = g / (g + h);
        double sd = Math.sqrt(t * successP * (1 - successP));
        for (double z : new double[] {-2, 0, 1, 2.5, 4}) {
          long k = Math.max(0, Math.min(t, Math.round(t * successP + z * sd)));
          double s = h * k - g * (t - k);
          double v = g * h * t;
          double expected =
              t * Math.log(g + h)
                  - k * Math.log(g)
                  - (t - k) * Math.log(h)
                  + logIntegral(a0 + t - k - 1, b0 + k - 1, x)
                  - logPrior;
          assertThat(mixture.logSuperMg(s, v))
              .as("g=%s t=%d k=%d", g, t, k)
              .isCloseTo(expected, within(1e-6 * Math.max(1, Math.abs(expected))));
        }
      }
    }
  }

  /**
   * ln of the integral over [0, x] of theta^u (1-theta)^v, by Simpson's rule on 200,000 intervals
   * after rescaling by the largest integrand value (nothing underflows).
   */
  private static double logIntegral(double u, double v, double x) {
    int intervals = 200_000;
    double step = x / intervals;
    double[] logs = new double[intervals + 1];
    double max = Double.NEGATIVE_INFINITY;
    for (int i = 0; i <= intervals; i++) {
      double theta = i * step;
      double lu = u == 0 ? 0 : u * Math.log(theta);
      double lv = v == 0 ? 0 : v * Math.log1p(-theta);
      logs[i] = lu + lv;
      max = Math.max(max, logs[i]);
    }
    double sum = 0;
    for (int i = 0; i <= intervals; i++) {
      double w = (i == 0 || i == intervals) ? 1 : (i % 2 == 1 ? 4 : 2);
      sum += w * Math.exp(logs[i] - max);
    }
    return Math.log(sum * step / 3) + max;
  }

  /**
   * Increasing in the sum (what makes each crossing set a half-line), and at most 1 at a sum {@code
   * <= 0} (what makes the centre a safe start for the rank searches).
   */
  @Test
  void increasesWithTheSumAndStaysBelowOneAtOrBelowZero() {
    for (double[] gh : new double[][] {{0.99, 0.01}, {0.01, 0.99}, {0.5, 0.5}}) {
      BetaBinomialMixture mixture = BetaBinomialMixture.tunedFor(50, 0.025, gh[0], gh[1]);
      for (long t : new long[] {1, 10, 200, 5000, 100_000}) {
        double v = gh[0] * gh[1] * t;
        double previous = Double.NEGATIVE_INFINITY;
        for (long k = 0; k <= t; k += Math.max(1, t / 500)) {
          double s = gh[1] * k - gh[0] * (t - k);
          double logM = mixture.logSuperMg(s, v);
          assertThat(logM).as("g=%s t=%d k=%d", gh[0], t, k).isGreaterThanOrEqualTo(previous);
          if (s <= 0) {
            assertThat(logM).isLessThanOrEqualTo(1e-9);
          }
          previous = logM;
        }
      }
    }
  }

  @Test
  void rejectsNonsense() {
    assertThatThrownBy(() -> BetaBinomialMixture.tunedFor(0, 0.05, 0.5, 0.5))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> BetaBinomialMixture.tunedFor(10, 0.5, 0.5, 0.5))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> BetaBinomialMixture.tunedFor(10, 0.05, 0, 0.5))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> BetaBinomialMixture.tunedFor(10, 0.05, 0.5, Double.NaN))
        .isInstanceOf(IllegalArgumentException.class);
  }
}
