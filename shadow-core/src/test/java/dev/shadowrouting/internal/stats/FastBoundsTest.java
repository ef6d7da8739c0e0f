package dev.shadowrouting.internal.stats;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.SplittableRandom;
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
}
