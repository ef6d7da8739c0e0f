package dev.shadowrouting.internal.stats;

import dev.shadowrouting.Verdict;

/**
 * The tail-latency check: the candidate's p-quantile against production's, as the ratio {@code rho
 * = q_c / q_p}, with anytime-valid bounds from four one-sided {@link QuantileSequence}s.
 *
 * <h2>Bounds and the error budget</h2>
 *
 * With one-sided bounds on each side's quantile, each sequence at level {@code alpha / 2}:
 *
 * <pre>
 *   lower(rho) = lower_c / upper_p,     upper(rho) = upper_c / lower_p,
 * </pre>
 *
 * FAIL when {@code lower(rho) > 1 + maxIncrease}, PASS when {@code upper(rho) < 1 + maxIncrease}.
 *
 * <ul>
 *   <li><b>False FAIL</b> (true {@code rho <= 1 + maxIncrease}): if {@code lower_c <= q_c} and
 *       {@code upper_p >= q_p} at every n, then {@code lower(rho) <= q_c / q_p <= 1 + maxIncrease}
 *       at every n and the check never FAILs. So {@code P(ever FAIL) <= P(lower_c ever above q_c) +
 *       P(upper_p ever below q_p) <= alpha/2 + alpha/2 = alpha}.
 *   <li><b>False PASS</b> (true {@code rho > 1 + maxIncrease}): symmetrically, through {@code
 *       upper_c} and {@code lower_p}, at most alpha.
 * </ul>
 *
 * Each error is controlled one-sidedly at alpha, through the two sequences it depends on; the
 * reported interval {@code [lower, upper]} as a whole covers rho with probability at least {@code 1
 * - 2 alpha}. For a composite verdict, PASS of all checks is an intersection-union test (Berger
 * 1982, "Multiparameter hypothesis testing and acceptance sampling", Technometrics 24(4)): each
 * check at alpha, no division on the PASS side.
 *
 * <p>The union bound needs nothing about how the two sides relate: a candidate and production run
 * on the same requests are dependent, and their counts may differ (refused or failed copies). This
 * is also why the two sides are not combined into one test martingale as in Howard &amp; Ramdas'
 * two-sample quantile test (Bernoulli 2022, Theorem 5; confseq's {@code QuantileABTest}), which
 * multiplies one martingale per arm and so needs the arms independent. The even split is the best
 * for the usual case of equal counts: the two bounds in {@code ln rho} then have the same width
 * function {@code w(alpha_side)}, convex and decreasing, and {@code w(a) + w(alpha - a)} is
 * smallest at {@code a = alpha / 2}.
 *
 * <h2>Estimate and resolution</h2>
 *
 * The estimate is the ratio of the two sample quantiles. Bounds come from {@link LatencyHistogram}s
 * and are conservative by at most one bucket each, so the ratio's bounds by at most a factor {@code
 * 1.011^2}, about 2%; censored (timed-out) observations count as at least the timeout (see {@link
 * QuantileSequence}).
 *
 * <p>Immutable and thread-safe.
 */
public final class QuantileRatio {
  private final QuantileSequence perSide;
  private final double maxRatio;

  private QuantileRatio(QuantileSequence perSide, double maxRatio) {
    this.perSide = perSide;
    this.maxRatio = maxRatio;
  }

  /**
   * The check of the p-quantile ratio against {@code 1 + maxIncrease}, each error at most {@code
   * alpha}.
   *
   * @param p the quantile level, in (0, 1): 0.99 for p99
   * @param maxIncrease the largest acceptable relative increase of the quantile, greater than -1
   *     and finite: 0.25 means "p99 at most 25% higher"
   * @param alpha the bound on each error (false FAIL, false PASS), in (0, 1): each of the four
   *     one-sided sequences is at {@code alpha / 2}
   * @param expectedN the number of observations per side around which the bounds are tightest
   */
  public static QuantileRatio of(double p, double maxIncrease, double alpha, long expectedN) {
    if (!(maxIncrease > -1) || Double.isInfinite(maxIncrease)) {
      throw new IllegalArgumentException("maxIncrease must be > -1 and finite: " + maxIncrease);
    }
    if (!(alpha > 0 && alpha < 1)) {
      throw new IllegalArgumentException("alpha must be in (0, 1): " + alpha);
    }
    return new QuantileRatio(QuantileSequence.of(p, alpha / 2, expectedN), 1 + maxIncrease);
  }

  /** The sequence each side uses (level {@code alpha / 2}). */
  public QuantileSequence perSide() {
    return perSide;
  }

  /** {@code 1 + maxIncrease}: the threshold on the ratio. */
  public double maxRatio() {
    return maxRatio;
  }

  /**
   * The ratio {@code q_c / q_p}: estimate and bounds (0 and infinity while a side has no bound).
   * The histograms are read, not kept; they must not change during the call (pass merged copies).
   */
  public QuantileBounds ratio(LatencyHistogram candidate, LatencyHistogram production) {
    QuantileBounds c = perSide.bounds(candidate);
    QuantileBounds prod = perSide.bounds(production);
    // upper_p >= 1 us > 0 when finite, and x / infinity = 0; lower_p = 0 gives infinity
    return new QuantileBounds(
        c.estimate() / prod.estimate(), c.lower() / prod.upper(), c.upper() / prod.lower());
  }

  /** FAIL if the lower bound exceeds {@code 1 + maxIncrease}, PASS if the upper bound is below. */
  public Verdict verdict(QuantileBounds ratio) {
    if (ratio.lower() > maxRatio) {
      return Verdict.FAIL;
    }
    return ratio.upper() < maxRatio ? Verdict.PASS : Verdict.INCONCLUSIVE;
  }

  @Override
  public String toString() {
    return "QuantileRatio[p=" + perSide.p() + ", maxRatio=" + maxRatio + ", " + perSide + "]";
  }
}
