package dev.shadowrouting.internal.stats;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Arrays;
import java.util.SplittableRandom;
import org.hipparchus.distribution.continuous.NormalDistribution;

/**
 * Helpers for the seeded simulations of {@link QuantileSequence} and {@link QuantileRatio}.
 *
 * <p>A simulation reads the bounds after every observation, millions of times. The bounds depend on
 * the data only through the histogram and on n only through the ranks, so a simulation takes the
 * ranks from the sequence once per n ({@link #ranks}) and reads the histogram with the same
 * package-private methods {@link QuantileSequence#bounds} uses ({@link #bounds}); {@link
 * #checkAgainstSequence} asserts, at sampled looks, that this is exactly what the public path
 * returns. (The public path alone would pay the rank search again at every n of every run, since
 * runs restart at n = 1.)
 */
final class TailSim {
  /** ln(500 us) in nanos: the production median run time of {@link ShadowSim}. */
  static final double LN_500_US = Math.log(500_000);

  private TailSim() {}

  /** {@code Phi^-1(p)}, from Hipparchus. */
  static double z(double p) {
    return new NormalDistribution(0, 1).inverseCumulativeProbability(p);
  }

  /** A lognormal run time in whole nanos. */
  static long lognormal(SplittableRandom random, double lnMedian, double sigma) {
    return (long) Math.exp(lnMedian + sigma * random.nextGaussian());
  }

  /**
   * The p-quantile of {@link #lognormal}'s whole nanos: {@code floor(exp(lnMedian + sigma z_p))},
   * since {@code P(floor(Y) <= m) = P(Y < m + 1)} for a continuous Y.
   */
  static long lognormalQuantile(double p, double lnMedian, double sigma) {
    return (long) Math.floor(Math.exp(lnMedian + sigma * z(p)));
  }

  /** {@code ranks[0][n] = l_n}, {@code ranks[1][n] = u_n} for n in [0, horizon]. */
  static long[][] ranks(QuantileSequence sequence, int horizon) {
    long[][] ranks = new long[2][horizon + 1];
    for (int n = 0; n <= horizon; n++) {
      ranks[0][n] = sequence.lowerRank(n);
      ranks[1][n] = sequence.upperRank(n);
    }
    return ranks;
  }

  /** {@link QuantileSequence#bounds}'s lower bound from precomputed ranks. */
  static double lower(LatencyHistogram h, long[][] ranks) {
    return h.lowerBoundOfRank(ranks[0][(int) h.count()]);
  }

  /** {@link QuantileSequence#bounds}'s upper bound from precomputed ranks. */
  static double upper(LatencyHistogram h, long[][] ranks) {
    return h.upperBoundOfRank(ranks[1][(int) h.count()]);
  }

  /** Asserts that the precomputed path gives exactly the public path's bounds. */
  static void checkAgainstSequence(LatencyHistogram h, long[][] ranks, QuantileSequence sequence) {
    QuantileBounds bounds = sequence.bounds(h);
    assertThat(lower(h, ranks)).isEqualTo(bounds.lower());
    assertThat(upper(h, ranks)).isEqualTo(bounds.upper());
  }

  /** The median of the first {@code count} entries, or -1 when there are none. */
  static long median(long[] values, int count) {
    if (count == 0) {
      return -1;
    }
    long[] sorted = Arrays.copyOf(values, count);
    Arrays.sort(sorted);
    return sorted[count / 2];
  }

  /** The binomial standard error of a rate {@code rate} measured over {@code runs} runs. */
  static double se(double rate, int runs) {
    return Math.sqrt(rate * (1 - rate) / runs);
  }
}
