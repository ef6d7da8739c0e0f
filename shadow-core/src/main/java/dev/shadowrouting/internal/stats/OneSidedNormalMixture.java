package dev.shadowrouting.internal.stats;

import org.hipparchus.special.Erf;

/**
 * The one-sided normal-mixture boundary of Howard, Ramdas, McAuliffe, Sekhon (2021),
 * "Time-uniform, nonparametric, nonasymptotic confidence sequences", Ann. Statist. 49(2), as
 * confseq implements it ({@code gostevehoward/confseq}, {@code uniform_boundaries.h}, {@code
 * OneSidedNormalMixture}).
 *
 * <p>For a standardised sum {@code s = S_n / sigma} at intrinsic time {@code v} (= n for
 * standardised data), mixing {@code exp(lambda s - lambda^2 v / 2)} over a half-normal {@code
 * lambda >= 0} of precision {@code rho} gives
 *
 * <pre>
 *   ln M(s, v) = ln(4 rho / (v + rho)) / 2 + s^2 / (2 (v + rho)) + ln Phi(s / sqrt(v + rho))
 * </pre>
 *
 * (confseq's {@code log_superMG}), a nonnegative supermartingale under "mean &lt;= mu" starting
 * at 1; by Ville's inequality {@code P(exists n: s_n >= b(v_n)) <= alpha} for the boundary {@code
 * b(v)}, the root of {@code ln M(b, v) = ln(1/alpha)} (confseq's {@code bound}, found there by
 * bisection). Compared with the two-sided mixture at {@code alpha}, the boundary is that of a
 * two-sided one at about {@code 2 alpha}: at v = N* = 300, 6% narrower than the two-sided
 * mixture at alpha 0.01 tuned for the same N*, 9% at alpha 0.05 ({@code
 * OneSidedNormalMixtureTest}).
 *
 * <p>Tuning: {@code rho = best_rho(N*, 2 alpha)} of the two-sided mixture, as confseq's {@code
 * OneSidedNormalMixture::best_rho} does: the boundary is nearly tightest at {@code v = N*}.
 *
 * <p>Used with the variance estimated from the data (plugged in), this is the asymptotic
 * confidence sequence of Waudby-Smith, Arbour, Sinha, Kennedy, Ramdas (2021), "Time-uniform central
 * limit theory and asymptotic confidence sequences" (arXiv 2103.06476): valid as n grows, which is
 * why the checks that use it decide nothing below a floor of observations.
 *
 * <p>Immutable and thread-safe.
 */
public final class OneSidedNormalMixture {
  private static final double SQRT2 = Math.sqrt(2);

  private final double rho;
  private final double alpha;
  private final double logThreshold;

  private OneSidedNormalMixture(double rho, double alpha) {
    this.rho = rho;
    this.alpha = alpha;
    this.logThreshold = -Math.log(alpha);
  }

  /**
   * The boundary tightest near {@code expectedN} observations, at level {@code alpha}.
   *
   * @param expectedN N*, at least 1
   * @param alpha in (0, 0.5]; tuning treats an alpha above 0.25 as 0.25 (the tuning formula
   *     degenerates at 0.5), which only moves where the boundary is tightest
   */
  public static OneSidedNormalMixture tunedFor(long expectedN, double alpha) {
    if (expectedN < 1) {
      throw new IllegalArgumentException("expectedN must be at least 1: " + expectedN);
    }
    if (!(alpha > 0 && alpha <= 0.5)) {
      throw new IllegalArgumentException("alpha must be in (0, 0.5]: " + alpha);
    }
    double twoLog = -2 * Math.log(2 * Math.min(alpha, 0.25));
    return new OneSidedNormalMixture(expectedN / (twoLog + Math.log1p(twoLog)), alpha);
  }

  /** The mixture precision, in observations. */
  public double rho() {
    return rho;
  }

  /** The level. */
  public double alpha() {
    return alpha;
  }

  /** {@code ln M(s, v)}, confseq's {@code OneSidedNormalMixture::log_superMG}. */
  public double logMixture(double s, double v) {
    double vr = v + rho;
    // Phi(x) = erfc(-x / sqrt 2) / 2, accurate in both tails
    double logPhi = Math.log(0.5 * Erf.erfc(-s / (Math.sqrt(vr) * SQRT2)));
    return 0.5 * Math.log(4 * rho / vr) + s * s / (2 * vr) + logPhi;
  }

  /**
   * The boundary {@code b(v)} on the standardised sum: {@code ln M(b, v) = ln(1/alpha)}. Found by
   * bisection between 0 (where {@code ln M <= 0}) and the two-sided boundary at {@code alpha / 2}
   * (where {@code ln M >= ln(1/alpha)}, since {@code ln M} exceeds the two-sided mixture's by at
   * most ln 2), to a relative 1e-12; the upper end of the final bracket is returned so the bound is
   * never tighter than the exact one.
   */
  public double boundOnSum(double v) {
    if (!(v > 0)) {
      return Double.POSITIVE_INFINITY;
    }
    double lo = 0;
    double hi = Math.sqrt((v + rho) * (Math.log1p(v / rho) + 2 * (logThreshold + Math.log(2))));
    while (hi - lo > 1e-12 * hi) {
      double mid = 0.5 * (lo + hi);
      if (logMixture(mid, v) >= logThreshold) {
        hi = mid;
      } else {
        lo = mid;
      }
    }
    return hi;
  }

  /**
   * The half-width of the one-sided sequence on a mean after {@code n} observations of variance
   * {@code variance}: {@code sqrt(variance) b(n) / n}; infinite below 2 observations.
   */
  public double halfWidth(long n, double variance) {
    if (n < 2) {
      return Double.POSITIVE_INFINITY;
    }
    return Math.sqrt(variance) * boundOnSum(n) / n;
  }

  @Override
  public String toString() {
    return "OneSidedNormalMixture[rho=" + rho + ", alpha=" + alpha + "]";
  }
}
