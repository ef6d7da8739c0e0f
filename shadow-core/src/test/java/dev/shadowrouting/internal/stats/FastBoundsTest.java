package dev.shadowrouting.internal.stats;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import java.util.Arrays;
import java.util.SplittableRandom;
import java.util.function.DoubleUnaryOperator;
import org.hipparchus.analysis.solvers.BracketedUnivariateSolver;
import org.hipparchus.analysis.solvers.BracketingNthOrderBrentSolver;
import org.junit.jupiter.api.Test;

/**
 * The verdict's bounds computed with few evaluations (memos, warm starts) against the plain
 * searches they stand for: the same results, whatever was computed before.
 */
class FastBoundsTest {

  /**
   * {@link OneSidedNormalMixture#boundOnSum} (Newton bracket, replayed bisection, memo) is bit for
   * bit the bisection, for growing, random and repeated v, at several levels and tunings.
   */
  @Test
  void normalMixtureBoundIsTheBisectionsBitForBit() {
    SplittableRandom random = new SplittableRandom(7);
    for (double alpha : new double[] {0.01, 0.0125, 0.05, 0.5}) {
      for (long tuning : new long[] {1, 300, 5_000, 1_000_000}) {
        OneSidedNormalMixture m = OneSidedNormalMixture.tunedFor(tuning, alpha);
        for (int i = 0; i < 4_000; i++) {
          double v = switch (i % 4) {
            case 0 -> i + 1;
            case 1 -> Math.floor(Math.exp(random.nextDouble() * 25)) + 1;
            case 2 -> random.nextDouble() * 1e4 + 1e-3;
            default -> 100_000 + (i & 15);
          };
          assertThat(m.boundOnSum(v)).as("alpha %s, N* %s, v %s", alpha, tuning, v)
              .isEqualTo(m.boundOnSumByBisection(v));
        }
        assertThat(m.boundOnSum(0)).isInfinite();
        assertThat(m.boundOnSum(Double.POSITIVE_INFINITY)).isInfinite();
      }
    }
  }

  /**
   * The errors and agreement bounds (a search on a grid of 2^-40 of the range, started from the
   * last bound, remembered by counts) are the largest excluded grid point: bit for bit what a new
   * sequence computes from nothing, within 1e-12 of the range of the reference root finder's (the
   * first version's), and never tighter than the exact bound. Counts come from growing streams
   * (successive bounds start from the last one), from two streams read in turn, and at random (n
   * from 1 to 1e12), so the searches start from good, poor and no hints, and some are memo hits.
   */
  @Test
  void boundedMeanBoundsAreTheGridPointWhateverCameBefore() {
    SplittableRandom random = new SplittableRandom(12);
    int interior = 0;
    for (double[] support : new double[][] {{-1, 0, 1}, {0, 1}, {-2, 0.5, 1, 7}}) {
      double lo = Arrays.stream(support).min().orElseThrow();
      double range = Arrays.stream(support).max().orElseThrow() - lo;
      double unit = range * BoundedMeanSequence.GRID;
      for (double alpha : new double[] {0.0125, 0.05}) {
        BoundedMeanSequence used = BoundedMeanSequence.of(support, alpha, 1000);
        long[][] streams = new long[2][support.length];
        for (int trial = 0; trial < 1_500; trial++) {
          long[] counts;
          if (trial % 3 == 2) {
            long n = (long) Math.pow(10, random.nextDouble(0, 12));
            counts = new long[support.length];
            for (int j = 0; j < support.length; j++) {
              counts[j] = (long) (n * random.nextDouble() * (j == 0 ? 1 : 0.05));
            }
          } else {
            long[] stream = streams[trial % 3];
            int adds = 1 + random.nextInt(trial < 600 ? 5 : 5_000);
            for (int k = 0; k < adds; k++) {
              double u = random.nextDouble();
              stream[u < 0.01 ? 0 : u < 0.022 ? support.length - 1 : 1 % (support.length - 1)]++;
            }
            counts = stream.clone();
          }
          BoundedMeanSequence cold = BoundedMeanSequence.of(support, alpha, 1000);
          double lower = used.lowerBound(counts);
          double upper = used.upperBound(counts);
          String what = Arrays.toString(support) + " " + Arrays.toString(counts);
          assertThat(lower).as(what).isEqualTo(cold.lowerBound(counts))
              .isEqualTo(used.lowerBound(counts.clone()));
          assertThat(upper).as(what).isEqualTo(cold.upperBound(counts))
              .isEqualTo(used.upperBound(counts.clone()));
          assertThat(lower).as(what)
              .isCloseTo(brentLowerBound(used, counts), within(1.0e-12 * range));
          assertThat(upper).as(what)
              .isCloseTo(brentUpperBound(used, counts), within(1.0e-12 * range));
          long k = Math.round((lower - lo) / unit);
          assertThat(lower).isEqualTo(lo + k * unit);
          if (k > 0) {
            assertThat(used.rejectsAtMost(counts, lower)).as(what).isTrue();
            interior++;
          }
          assertThat(used.rejectsAtMost(counts, lo + (k + 1) * unit)).as(what).isFalse();
        }
      }
    }
    assertThat(interior).isGreaterThan(5_000);
  }

  /** {@link BoundedMeanSequence#lowerBound} as first written, by Hipparchus' Brent solver. */
  static double brentLowerBound(BoundedMeanSequence seq, long[] counts) {
    double[] support = seq.support();
    return brentBound(support, counts, seq.alpha(), m -> seq.logMixtureAtMost(counts, m));
  }

  /** {@link BoundedMeanSequence#upperBound}: the lower bound of {@code -X}, negated. */
  static double brentUpperBound(BoundedMeanSequence seq, long[] counts) {
    double[] negated = Arrays.stream(seq.support()).map(v -> -v).toArray();
    return -brentBound(negated, counts, seq.alpha(), m -> seq.logMixtureAtLeast(counts, -m));
  }

  /**
   * The crossing of {@code ln M(m) = ln(1/alpha)} on {@code (lo, mean]} by {@link
   * BracketingNthOrderBrentSolver} from the middle, stopped at a bracket of {@code 1e-12 (hi -
   * lo)}, its excluded end returned; lo when not even {@code lo + 1e-12 (hi - lo)} is excluded.
   */
  private static double brentBound(double[] values, long[] counts, double alpha,
      DoubleUnaryOperator logMixture) {
    double lo = Arrays.stream(values).min().orElseThrow();
    double hi = Arrays.stream(values).max().orElseThrow();
    long n = 0;
    double sum = 0;
    for (int j = 0; j < values.length; j++) {
      n += counts[j];
      sum += counts[j] * (values[j] - lo);
    }
    double logThreshold = -Math.log(alpha);
    double tolerance = 1e-12 * (hi - lo);
    double mean = lo + sum / Math.max(n, 1);
    double left = lo + tolerance;
    if (n == 0 || !(mean > left) || logMixture.applyAsDouble(left) < logThreshold) {
      return lo;
    }
    BracketedUnivariateSolver.Interval bracket =
        new BracketingNthOrderBrentSolver(0, tolerance, 0, 5).solveInterval(200,
            m -> logMixture.applyAsDouble(m) - logThreshold, left, mean, 0.5 * (left + mean));
    return bracket.getLeftValue() >= 0 ? bracket.getLeftAbscissa() : bracket.getRightAbscissa();
  }
}
