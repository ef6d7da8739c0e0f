package dev.shadowrouting.internal.stats;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.SplittableRandom;
import org.hipparchus.distribution.continuous.BetaDistribution;
import org.hipparchus.stat.inference.AlternativeHypothesis;
import org.hipparchus.stat.inference.BinomialTest;
import org.hipparchus.stat.inference.TTest;
import org.hipparchus.stat.inference.WilcoxonSignedRankTest;
import org.junit.jupiter.api.Test;

/**
 * Where the confidence sequences overlap with Hipparchus' fixed-horizon tests, they must be more
 * conservative: a sequence that is valid at every n simultaneously can never reject where the test
 * valid at one n does not.
 */
class HipparchusCrossCheckTest {
  private static final double ALPHA = 0.05;

  /**
   * Whenever the latency sequence on the mean of D = ln(candidate) - ln(production) excludes 0 at
   * alpha, Hipparchus' paired t-test rejects at alpha too, and so does the Wilcoxon signed-rank
   * test (exact for n <= 15, normal approximation above) once n >= 6. Below 6 pairs Wilcoxon cannot
   * reject at 0.05 at all (its smallest two-sided p-value is 2 / 2^n = 0.0625 at n = 5), while the
   * plug-in sequence can when the sample variance is tiny: the engine's minSamples gate exists for
   * such samples. Hipparchus' exact Wilcoxon enumerates all 2^n sign patterns, hence the 15.
   */
  @Test
  void latencySequenceIsMoreConservativeThanPairedTAndWilcoxon() {
    NormalMixture cs = NormalMixture.tunedFor(5000, ALPHA);
    TTest tTest = new TTest();
    WilcoxonSignedRankTest wilcoxon = new WilcoxonSignedRankTest();
    SplittableRandom random = new SplittableRandom(5);
    int excluded = 0;
    int belowWilcoxonReach = 0;
    int trials = 1500;
    for (int trial = 0; trial < trials; trial++) {
      int n = trial % 3 == 0 ? random.nextInt(5, 16) : random.nextInt(16, 2000);
      double shift = (random.nextDouble() * 2 - 1) * (trial % 3 == 0 ? 3 : 0.3);
      double sd = 0.1 + random.nextDouble();
      boolean heavyTails = random.nextBoolean();
      double[] candidate = new double[n];
      double[] production = new double[n];
      Welford d = new Welford();
      for (int i = 0; i < n; i++) {
        production[i] = Math.log(500_000) + 0.3 * random.nextGaussian();
        double noise = heavyTails ? studentT3(random) : random.nextGaussian();
        candidate[i] = production[i] + shift + sd * noise;
        d.add(candidate[i] - production[i]);
      }
      double hw = cs.halfWidth(n, d.variance());
      if (Math.abs(d.mean()) > hw) {
        excluded++;
        assertThat(tTest.pairedTTest(candidate, production, ALPHA))
            .as("t-test, n=%d shift=%s", n, shift)
            .isTrue();
        if (n >= 6) {
          double p = wilcoxon.wilcoxonSignedRankTest(candidate, production, n <= 15);
          assertThat(p).as("Wilcoxon, n=%d shift=%s", n, shift).isLessThan(ALPHA);
        } else {
          belowWilcoxonReach++;
        }
      }
    }
    System.out.printf(
        "latency CS vs Hipparchus: %d of %d random samples excluded 0; paired t rejected in all,"
            + " Wilcoxon in all with n >= 6 (%d exclusions at n = 5, where it cannot reject)%n",
        excluded, trials, belowWilcoxonReach);
    assertThat(excluded)
        .as("enough exclusions to make the check meaningful")
        .isGreaterThan(trials / 5);
  }

  private static double studentT3(SplittableRandom random) {
    double chi2 = 0;
    for (int k = 0; k < 3; k++) {
      double z = random.nextGaussian();
      chi2 += z * z;
    }
    return random.nextGaussian() / Math.sqrt(chi2 / 3) / Math.sqrt(3); // unit variance
  }

  /**
   * Sequential McNemar: whenever the beta-binomial sequence on q = b / (b + c) excludes 1/2 at
   * alpha, Hipparchus' exact two-sided binomial test on (b, b + c) rejects at alpha too. Every (b,
   * d) with d <= 400.
   */
  @Test
  void mcnemarSequenceIsMoreConservativeThanExactBinomialTest() {
    BetaBinomial cs = BetaBinomial.uniform(ALPHA);
    BinomialTest binomial = new BinomialTest();
    int excluded = 0;
    for (int d = 1; d <= 400; d++) {
      for (int b = 0; b <= d; b++) {
        if (cs.excludes(b, d, 0.5)) {
          excluded++;
          assertThat(binomial.binomialTest(d, b, 0.5, AlternativeHypothesis.TWO_SIDED, ALPHA))
              .as("b=%d d=%d", b, d)
              .isTrue();
        }
      }
    }
    assertThat(excluded).isGreaterThan(10_000);
    // the smallest all-one-sided sample the sequence needs: 8 of 8 (binomial p = 2/256)
    assertThat(cs.excludes(8, 8, 0.5)).isTrue();
    assertThat(cs.excludes(7, 7, 0.5)).isFalse();
  }

  /**
   * The beta-binomial sequence at alpha always contains the Clopper-Pearson interval at alpha (from
   * Hipparchus' Beta quantiles): every (s, n) with n <= 60, and random ones up to 1e6.
   */
  @Test
  void betaBinomialContainsClopperPearson() {
    SplittableRandom random = new SplittableRandom(3);
    int checked = 0;
    for (double alpha : new double[] {0.05, 0.01, 0.05 / 6}) {
      BetaBinomial cs = BetaBinomial.uniform(alpha);
      for (long n = 1; n <= 60; n++) {
        for (long s = 0; s <= n; s++) {
          checkContainsClopperPearson(cs, s, n, alpha);
          checked++;
        }
      }
      for (int k = 0; k < 150; k++) {
        long n = random.nextLong(61, 1_000_000);
        long s =
            random.nextBoolean() ? random.nextLong(0, n + 1) : random.nextLong(0, Math.min(n, 30));
        checkContainsClopperPearson(cs, s, n, alpha);
        checked++;
      }
    }
    assertThat(checked).isGreaterThan(5000);
  }

  private static void checkContainsClopperPearson(BetaBinomial cs, long s, long n, double alpha) {
    double cpLower =
        s == 0
            ? 0
            : new BetaDistribution(s, n - s + 1, 1e-15).inverseCumulativeProbability(alpha / 2);
    double cpUpper =
        s == n
            ? 1
            : new BetaDistribution(s + 1, n - s, 1e-15).inverseCumulativeProbability(1 - alpha / 2);
    Interval ci = cs.interval(s, n);
    // 1e-12 absorbs the solver tolerance of the Beta quantile (n = 1, s = 0 is a tie in theory)
    assertThat(ci.lower())
        .as("lower s=%d n=%d alpha=%s", s, n, alpha)
        .isLessThanOrEqualTo(cpLower + 1e-12);
    assertThat(ci.upper())
        .as("upper s=%d n=%d alpha=%s", s, n, alpha)
        .isGreaterThanOrEqualTo(cpUpper - 1e-12);
  }
}
