package dev.shadowrouting.internal.stats;

import java.util.concurrent.atomic.AtomicReferenceArray;
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
 * <p>Immutable and thread-safe (the memo of {@link #boundOnSum} is a cache: racing threads store
 * correct values, and the result does not depend on it).
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
   * The boundary {@code b(v)} on the standardised sum: {@code ln M(b, v) = ln(1/alpha)}. Defined by
   * bisection between 0 (where {@code ln M <= 0}) and the two-sided boundary at {@code alpha / 2}
   * (where {@code ln M >= ln(1/alpha)}, since {@code ln M} exceeds the two-sided mixture's by at
   * most ln 2), to a relative 1e-12; the upper end of the final bracket is returned so the bound is
   * never tighter than the exact one.
   *
   * <p>Computed without the bisection's ~40 evaluations of {@code ln M} (an {@code erfc} each,
   * about 1 us): a few Newton steps from the bound at the last v (scaled) bracket the root within
   * about 1e-13, then the bisection is replayed, evaluating only the midpoints inside that bracket
   * (rarely any: {@code ln M} increases with s, so the others are decided by the bracket). The
   * result is bit for bit the bisection's ({@link #boundOnSumByBisection}), in 3 to 5 evaluations
   * for a new v; values of v seen recently come from a memo. So the latency and quality checks cost
   * a few microseconds on a new count and nothing on a count already evaluated.
   */
  public double boundOnSum(double v) {
    if (!(v > 0)) {
      return Double.POSITIVE_INFINITY;
    }
    long h = Double.doubleToLongBits(v) * 0x9E3779B97F4A7C15L;
    int slot = (int) (((h ^ (h >>> 29)) * 0xBF58476D1CE4E5B9L) >>> 60); // mixed: v's low bits are 0
    Bound known = memo.get(slot);
    if (known != null && known.v() == v) {
      return known.bound();
    }
    double b = Double.isFinite(v) ? replayedBisection(v) : boundOnSumByBisection(v);
    Bound computed = new Bound(v, b, b / upperStart(v));
    memo.set(slot, computed);
    recent.set(nearestRecent(v), computed);
    return b;
  }

  /** The bisection {@link #boundOnSum} is defined by, evaluating {@code ln M} at every midpoint. */
  double boundOnSumByBisection(double v) {
    if (!(v > 0)) {
      return Double.POSITIVE_INFINITY;
    }
    double lo = 0;
    double hi = upperStart(v);
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

  /** The bisection's upper start: the two-sided boundary at {@code alpha / 2}. */
  private double upperStart(double v) {
    return Math.sqrt((v + rho) * (Math.log1p(v / rho) + 2 * (logThreshold + Math.log(2))));
  }

  /** A computed boundary, and its ratio to {@link #upperStart} (the next v's first guess). */
  private record Bound(double v, double bound, double ratio) {}

  private static final int MEMO_SLOTS = 16;

  /** Recently computed boundaries by v (direct-mapped; immutable entries, so racing is benign). */
  private final AtomicReferenceArray<Bound> memo = new AtomicReferenceArray<>(MEMO_SLOTS);

  /**
   * The last two boundaries computed for v far apart (a check's latency pairs and its labelled
   * pairs): the start of the next search is the nearer.
   */
  private final AtomicReferenceArray<Bound> recent = new AtomicReferenceArray<>(2);

  /** The entry of {@link #recent} nearer to v (in ratio), or an empty one. */
  private int nearestRecent(double v) {
    Bound first = recent.get(0);
    Bound second = recent.get(1);
    if (first == null || second == null) {
      return first == null ? 0 : 1;
    }
    return Math.abs(Math.log(v / first.v())) <= Math.abs(Math.log(v / second.v())) ? 0 : 1;
  }

  /**
   * {@link #boundOnSumByBisection}'s result with few evaluations: Newton steps bracket the root,
   * then the bisection runs again, evaluating {@code ln M} only at midpoints strictly inside the
   * bracket (with a margin far above the rounding of {@code ln M}): outside it, {@code ln M}
   * increasing in s decides the comparison the bisection would have made.
   */
  private double replayedBisection(double v) {
    double hi = upperStart(v);
    double vr = v + rho;
    // in: the largest s seen with ln M < threshold; ex: the smallest with ln M >= threshold. The
    // bisection's own ends are known without evaluation: ln M(0) = ln(rho / vr) / 2 <= 0, and hi
    double in = 0;
    double ex = hi;
    Bound previous = recent.get(nearestRecent(v));
    double s = hi * (previous == null ? 0.85 : previous.ratio());
    for (int i = 0; i < 12 && ex - in > 1e-13 * ex; i++) {
      if (!(s > in && s < ex)) {
        s = 0.5 * (in + ex);
      }
      double f = logMixture(s, v);
      if (f >= logThreshold) {
        ex = s;
      } else {
        in = s;
      }
      // d/ds ln M = s / vr + phi(x) / (Phi(x) sqrt(vr)), x = s / sqrt(vr), with ln Phi(x) recovered
      // from f: only the step's length depends on it, never a comparison
      double sqrtVr = Math.sqrt(vr);
      double x = s / sqrtVr;
      double logPhi = f - 0.5 * Math.log(4 * rho / vr) - s * s / (2 * vr);
      double slope = s / vr + Math.exp(-0.5 * x * x - logPhi) / (SQRT_2_PI * sqrtVr);
      double next = s - (f - logThreshold) / slope;
      if (Math.abs(next - s) < 2e-14 * s) {
        // converged on one side: step just across, so the bracket closes
        next = f >= logThreshold ? s * (1 - 5e-14) : s * (1 + 5e-14);
      }
      s = next;
    }
    double lo = 0;
    while (hi - lo > 1e-12 * hi) {
      double mid = 0.5 * (lo + hi);
      double margin = 1e-15 * mid;
      boolean excluded;
      if (mid >= ex + margin) {
        excluded = true;
      } else if (mid <= in - margin) {
        excluded = false;
      } else {
        excluded = logMixture(mid, v) >= logThreshold;
      }
      if (excluded) {
        hi = mid;
      } else {
        lo = mid;
      }
    }
    return hi;
  }

  private static final double SQRT_2_PI = Math.sqrt(2 * Math.PI);

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
