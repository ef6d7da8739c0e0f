package dev.shadowrouting.internal.stats;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import java.math.BigInteger;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

class BetaBinomialTest {

  /**
   * Uniform prior: {@code B(1 + s, 1 + n - s) = s! (n - s)! / (n + 1)!}, so {@code ln M_n(p) + s ln
   * p + (n - s) ln(1 - p)} must equal the log of that exact rational (computed with BigInteger).
   */
  @Test
  void uniformPriorMatchesFactorialClosedForm() {
    BetaBinomial bb = BetaBinomial.uniform(0.05);
    for (int n = 0; n <= 300; n += (n < 40 ? 1 : 13)) {
      for (int s = 0; s <= n; s += Math.max(1, n / 17)) {
        double exact = logFactorial(s) + logFactorial(n - s) - logFactorial(n + 1);
        for (double p : new double[] {1e-4, 0.01, 0.37, 0.5, 0.999}) {
          double logLikelihood = s * Math.log(p) + (n - s) * Math.log1p(-p);
          double got = bb.logMixture(s, n, p) + logLikelihood;
          assertThat(got)
              .as("s=%d n=%d p=%s", s, n, p)
              .isCloseTo(exact, within(1e-9 * Math.max(1, Math.abs(exact))));
        }
      }
    }
  }

  private static double logFactorial(int k) {
    BigInteger f = BigInteger.ONE;
    for (int i = 2; i <= k; i++) {
      f = f.multiply(BigInteger.valueOf(i));
    }
    int shift = Math.max(0, f.bitLength() - 60);
    return Math.log(f.shiftRight(shift).doubleValue()) + shift * Math.log(2);
  }

  /**
   * The mixture integral done numerically, independently of any Beta function: {@code M_n(p) = [int
   * theta^s (1-theta)^(n-s) theta^(a-1) (1-theta)^(b-1) dtheta / int theta^(a-1) (1-theta)^(b-1)
   * dtheta] / (p^s (1-p)^(n-s))}, composite Simpson on 400,000 intervals (the integrand is rescaled
   * by its maximum so nothing underflows).
   */
  @Test
  void matchesNumericalIntegrationOfTheMixture() {
    double[][] priors = {{1, 1}, {2, 3}, {1.5, 4.5}};
    long[][] data = {{0, 0}, {0, 10}, {3, 10}, {10, 10}, {17, 1000}, {500, 2000}, {1, 5000}};
    for (double[] prior : priors) {
      BetaBinomial bb = BetaBinomial.of(prior[0], prior[1], 0.05);
      double logZ = logIntegral(prior[0] - 1, prior[1] - 1);
      for (long[] sn : data) {
        long s = sn[0];
        long n = sn[1];
        double logEvidence = logIntegral(s + prior[0] - 1, n - s + prior[1] - 1) - logZ;
        for (double p : new double[] {0.001, 0.3, 0.5}) {
          double expected = logEvidence - s * Math.log(p) - (n - s) * Math.log1p(-p);
          assertThat(bb.logMixture(s, n, p))
              .as("prior %s/%s s=%d n=%d p=%s", prior[0], prior[1], s, n, p)
              .isCloseTo(expected, within(1e-7 * Math.max(1, Math.abs(expected))));
        }
      }
    }
  }

  /**
   * ln of the integral over [0, 1] of theta^u (1-theta)^v, u, v >= 0, by Simpson's rule after the
   * substitution theta = x^2 (dtheta = 2x dx), which smooths the theta^0.5 of half-integer priors
   * at 0 and spreads out peaks near 0 (small error rates).
   */
  private static double logIntegral(double u, double v) {
    int intervals = 400_000;
    double h = 1.0 / intervals;
    double[] logs = new double[intervals + 1];
    double max = Double.NEGATIVE_INFINITY;
    for (int i = 0; i <= intervals; i++) {
      double x = i * h;
      double lx = Math.log(x);
      double lu = (2 * u + 1) * lx;
      double lv = v == 0 ? 0 : (x == 1 ? Double.NEGATIVE_INFINITY : v * Math.log1p(-x * x));
      logs[i] = Math.log(2) + lu + lv;
      max = Math.max(max, logs[i]);
    }
    double sum = 0;
    for (int i = 0; i <= intervals; i++) {
      double w = (i == 0 || i == intervals) ? 1 : (i % 2 == 1 ? 4 : 2);
      sum += w * Math.exp(logs[i] - max);
    }
    return Math.log(sum * h / 3) + max;
  }

  /** With s = 0 (s = n) the uniform-prior sequence has a closed form: (1-p)^n = alpha / (n + 1). */
  @Test
  void closedFormEndsAtZeroAndAllSuccesses() {
    for (double alpha : new double[] {0.05, 0.01, 0.05 / 6}) {
      BetaBinomial bb = BetaBinomial.uniform(alpha);
      for (long n : new long[] {1, 2, 5, 50, 1000, 123_457}) {
        double edge = Math.pow(alpha / (n + 1), 1.0 / n);
        Interval none = bb.interval(0, n);
        assertThat(none.lower()).isZero();
        assertThat(none.upper()).isCloseTo(1 - edge, within(1e-12));
        Interval all = bb.interval(n, n);
        assertThat(all.upper()).isEqualTo(1.0);
        assertThat(all.lower()).isCloseTo(edge, within(1e-12));
      }
    }
    // n = 1, s = 0 at alpha 0.05: upper = 1 - 0.05/2 = 0.975 exactly in theory
    assertThat(BetaBinomial.uniform(0.05).interval(0, 1).upper()).isCloseTo(0.975, within(1e-14));
    assertThat(BetaBinomial.uniform(0.05).interval(0, 0)).isEqualTo(new Interval(0, 1));
  }

  /**
   * The interval is exactly the set excludes() leaves: each end is an excluded point whose
   * neighbour one ulp inwards is included, and random points agree with the interval.
   */
  @Test
  void intervalIsTheNonExcludedSet() {
    SplittableRandom random = new SplittableRandom(11);
    for (int trial = 0; trial < 3000; trial++) {
      double alpha = new double[] {0.05, 0.01, 0.05 / 6, 0.2}[random.nextInt(4)];
      BetaBinomial bb = BetaBinomial.uniform(alpha);
      long n = random.nextLong(1, random.nextBoolean() ? 50 : 1_000_000);
      long s =
          random.nextBoolean() ? random.nextLong(0, n + 1) : Math.min(n, random.nextLong(0, 5));
      Interval ci = bb.interval(s, n);
      double hat = (double) s / n;
      assertThat(ci.contains(hat)).isTrue();
      if (s > 0) {
        assertThat(bb.excludes(s, n, ci.lower())).isTrue();
        assertThat(bb.excludes(s, n, Math.nextUp(ci.lower()))).isFalse();
      } else {
        assertThat(ci.lower()).isZero();
      }
      if (s < n) {
        assertThat(bb.excludes(s, n, ci.upper())).isTrue();
        assertThat(bb.excludes(s, n, Math.nextDown(ci.upper()))).isFalse();
      } else {
        assertThat(ci.upper()).isEqualTo(1.0);
      }
      for (int k = 0; k < 5; k++) {
        double p = random.nextDouble();
        if (p != ci.lower() && p != ci.upper()) {
          assertThat(bb.excludes(s, n, p)).isEqualTo(!ci.contains(p));
        }
      }
    }
  }

  /**
   * Coverage uniformly over time: Bernoulli(p) streams checked after every observation; the
   * fraction of runs ever excluding the true p must be at most alpha.
   */
  @Test
  void coversTheProportionUniformlyOverTime() {
    double alpha = 0.05;
    BetaBinomial bb = BetaBinomial.uniform(alpha);
    SplittableRandom random = new SplittableRandom(99);
    int runs = 600;
    int horizon = 3000;
    StringBuilder summary = new StringBuilder();
    for (double p : new double[] {0.003, 0.05, 0.5}) {
      int missed = 0;
      for (int r = 0; r < runs; r++) {
        long s = 0;
        for (int n = 1; n <= horizon; n++) {
          if (random.nextDouble() < p) {
            s++;
          }
          if (bb.excludes(s, n, p)) {
            missed++;
            break;
          }
        }
      }
      double rate = (double) missed / runs;
      summary.append(String.format(java.util.Locale.ROOT, " p=%s: %.4f", p, rate));
      assertThat(rate).as("p=%s", p).isLessThanOrEqualTo(alpha);
    }
    System.out.printf(
        "BetaBinomial coverage (uniform prior, alpha=0.05, %d runs x %d obs): ever excluded the"
            + " truth%s%n",
        runs, horizon, summary);
  }

  @Test
  void rejectsNonsense() {
    BetaBinomial bb = BetaBinomial.uniform(0.05);
    assertThatThrownBy(() -> bb.interval(3, 2)).isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> bb.interval(-1, 2)).isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> bb.logMixture(1, 2, 1.5)).isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> bb.logMixture(1, 2, Double.NaN))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> BetaBinomial.uniform(0)).isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> BetaBinomial.of(0, 1, 0.05))
        .isInstanceOf(IllegalArgumentException.class);
    // impossible p is infinitely excluded; n = 0 excludes nothing
    assertThat(bb.logMixture(1, 2, 0)).isInfinite();
    assertThat(bb.logMixture(1, 2, 1)).isInfinite();
    assertThat(bb.excludes(0, 0, 0.5)).isFalse();
    assertThat(bb.excludes(0, 5, 0)).isFalse();
  }
}
