package dev.shadowrouting.internal.stats;

import java.util.concurrent.atomic.AtomicReference;
import java.util.function.LongPredicate;

/**
 * Time-uniform one-sided confidence bounds for the p-quantile of a stream of i.i.d. observations
 * (p99 latency): the fixed-quantile confidence sequence of Howard &amp; Ramdas, "Sequential
 * estimation of quantiles with applications to A/B-testing and best-arm identification", Bernoulli
 * 28(3), 2022 (arXiv 1906.09712; Section 2, Theorem 1) with its beta-binomial mixture boundary, as
 * confseq's {@code demo/quantiles.py} ({@code fixed_quantile_confidence_bounds}) builds it. A lower
 * bound that is below the quantile at <em>every</em> n simultaneously with probability at least
 * {@code 1 - alpha}, and an upper bound that is above it at every n with probability at least
 * {@code 1 - alpha}: each a one-sided sequence at level alpha (together, {@code 1 - 2 alpha}),
 * however often they are read, for any distribution (atoms and ties included), nonasymptotically.
 *
 * <h2>From a quantile to two counts</h2>
 *
 * Let {@code q = Q(p) = inf{x : F(x) >= p}}. Write each observation as {@code X_i = Q(U_i)} with
 * {@code U_i} i.i.d. uniform on (0, 1) (the quantile transform: always possible, in law, for any
 * F). Since Q is nondecreasing and {@code Q(u) >= q} for {@code u >= p}:
 *
 * <pre>
 *   U_i &lt;= p  implies  X_i &lt;= q,       so  #{X_i &lt;= q} &gt;= A_n = #{U_i &lt;= p},
 *   X_i &lt; q   implies  U_i &lt; p,        so  #{X_i &lt; q}  &lt;= A_n  (a.s.),
 * </pre>
 *
 * where {@code A_n ~ Binomial(n, p)} exactly, whatever F. So a time-uniform band {@code k_lo(n) <=
 * A_n <= k_hi(n)} for a Binomial(n, p) count, each side failing with probability at most alpha,
 * gives, on the lower side's good event, {@code #{X_i <= q} >= k_lo(n)}, that is the {@code
 * k_lo(n)}-th smallest observation is at most q; and on the upper side's, {@code #{X_i < q} <=
 * k_hi(n)}, that is the {@code (k_hi(n) + 1)}-th smallest is at least q:
 *
 * <pre>
 *   lower_n = X_(l_n),  l_n = k_lo(n)       (no lower bound when l_n = 0),
 *   upper_n = X_(u_n),  u_n = k_hi(n) + 1   (no upper bound when u_n &gt; n).
 * </pre>
 *
 * <h2>The band on the count</h2>
 *
 * {@code S_n = A_n - p n} is a sum of i.i.d. increments in {@code {1 - p, -p}}, mean 0: the
 * sub-Bernoulli case with {@code g = p, h = 1 - p} and intrinsic time {@code V_n = p (1 - p) n};
 * {@code n - A_n - (1 - p) n = -S_n} is the same with {@code g = 1 - p, h = p}. Each side uses the
 * one-sided {@link BetaBinomialMixture} at level alpha (the boundary the paper recommends for a
 * fixed quantile; confseq's demo uses the same family, two-sided, for both ends at once):
 *
 * <pre>
 *   k_hi(n) = max{ k &lt;= n : ln M^(p, 1-p)(k - p n, V_n) &lt; ln(1/alpha) },
 *   k_lo(n) = min{ k &gt;= 0 : ln M^(1-p, p)(p n - k, V_n) &lt; ln(1/alpha) }.
 * </pre>
 *
 * Each mixture is increasing in its sum, so each set is an interval of integers and the count
 * crosses the side's boundary exactly when it leaves it; Ville's inequality bounds the probability
 * that it ever does by alpha. Both searches are exact on the integers: a one-sided mixture is at
 * most 1 at a sum {@code <= 0} ({@code k = floor(p n)}, resp. {@code ceil(p n)}, never crosses),
 * and from a hint the search gallops then bisects to the last non-crossing count. The bounds depend
 * on n alone, not on the data: the data enter only through the order statistics.
 *
 * <p>confseq's demo writes the same ranks through the continuous boundary {@code f} solving {@code
 * ln M = ln(1/alpha)}: {@code l = floor(n (p - f_lo / n) + 1)} and {@code u = ceil(n (p + f_hi /
 * n))}, which equal {@code k_lo} and {@code k_hi + 1} whenever the boundary is reachable ({@code
 * QuantileSequenceTest} checks it for every n up to 3,000 and every 13th up to 20,000, for p99 and
 * the median). When it is not (small n), confseq returns the largest reachable sum, so the demo's
 * indices become 1 and n (the sample minimum and maximum), while here there is no bound: the count
 * can be anything without crossing, so nothing is known yet.
 *
 * <h2>Tuning</h2>
 *
 * Both mixtures are tuned to be tightest after {@code expectedN} observations, {@code vOpt = p (1 -
 * p) expectedN}, at the level actually used ({@code alphaOpt = alpha}; confseq's demo defaults
 * {@code alpha_opt} to 0.05 whatever alpha). A wrong N* keeps validity and costs width.
 *
 * <h2>On a histogram</h2>
 *
 * {@link #bounds} reads the order statistics from a {@link LatencyHistogram}: the lower bound is
 * the lower edge of the bucket holding {@code X_(l_n)}, the upper bound the upper edge of the one
 * holding {@code X_(u_n)}: never inside the exact bounds, so coverage is exactly that of the raw
 * order statistics, at a cost of at most one bucket (~1%) per bound. Censored observations (at or
 * above the timeout c) count in n: a histogram of {@code Y = min(X, c)} has {@code Q_Y(p) = min(q,
 * c) <= q}, so the lower bound stays valid for X; an upper order statistic that is censored gives
 * no upper bound, and one below c is a valid upper bound for {@code Q_Y(p) < c}, hence {@code = q}.
 *
 * <h2>Cost</h2>
 *
 * The ranks cost a few evaluations of the mixture (a regularized incomplete Beta function,
 * Hipparchus' continued fraction, about 1 us each) per side; the last ranks computed are kept
 * (immutable, published through an {@link AtomicReference}) as the hint for the next n, which is
 * close when the engine evaluates a growing stream: two or three evaluations per side (from no
 * hint, a gallop and a bisection: a dozen). Reading a histogram scans its buckets down from the
 * top, a few hundred at most for a tail quantile. {@code QuantileRatioCostTest} measures a whole
 * two-sided {@link QuantileRatio#ratio}: about 5 to 10 us on a growing stream, 15 to 50 us from no
 * hint at 5,000 pairs and 55 to 110 us at 1,000,000 (a shared two-core machine).
 *
 * <p>Immutable and thread-safe (the hint is a cache: racing threads store correct values, and the
 * result does not depend on the hint).
 */
public final class QuantileSequence {
  private final double p;
  private final double alpha;
  private final long expectedN;
  private final double logThreshold;

  /** The boundary on {@code A_n - p n} (too many observations below the quantile). */
  private final BetaBinomialMixture above;

  /** The boundary on {@code p n - A_n} (too few observations at or below the quantile). */
  private final BetaBinomialMixture below;

  private final AtomicReference<Ranks> hint = new AtomicReference<>(new Ranks(0, 0, 0));

  /**
   * The ranks at n as distances from the centre: {@code l_n = ceil(p n) - down}, {@code u_n =
   * floor(p n) + up + 1}. The distances change slowly with n, which makes them good hints.
   */
  private record Ranks(long n, long down, long up) {}

  private QuantileSequence(double p, double alpha, long expectedN) {
    this.p = p;
    this.alpha = alpha;
    this.expectedN = expectedN;
    this.logThreshold = Math.log(1 / alpha);
    double vOpt = p * (1 - p) * expectedN;
    this.above = BetaBinomialMixture.tunedFor(vOpt, alpha, p, 1 - p);
    this.below = BetaBinomialMixture.tunedFor(vOpt, alpha, 1 - p, p);
  }

  /**
   * One-sided bounds on the p-quantile, each at level alpha, tightest around {@code expectedN}
   * observations.
   *
   * @param p the quantile level, in (0, 1): 0.99 for p99
   * @param alpha the level of each one-sided bound, in (0, 1/2)
   * @param expectedN the tuning sample size N*, at least 1
   */
  public static QuantileSequence of(double p, double alpha, long expectedN) {
    if (!(p > 0 && p < 1)) {
      throw new IllegalArgumentException("p must be in (0, 1): " + p);
    }
    if (!(alpha > 0 && alpha < 0.5)) {
      throw new IllegalArgumentException("alpha must be in (0, 1/2): " + alpha);
    }
    if (expectedN < 1) {
      throw new IllegalArgumentException("expectedN must be at least 1: " + expectedN);
    }
    return new QuantileSequence(p, alpha, expectedN);
  }

  /** The quantile level p. */
  public double p() {
    return p;
  }

  /** The level of each one-sided bound. */
  public double alpha() {
    return alpha;
  }

  /** The tuning sample size N*. */
  public long expectedN() {
    return expectedN;
  }

  /**
   * {@code l_n}: after n observations the {@code l_n}-th smallest is at most the p-quantile, for
   * all n simultaneously with probability at least {@code 1 - alpha}; 0 when there is no lower
   * bound yet.
   */
  public long lowerRank(long n) {
    return lowerRank(n, ranks(n));
  }

  /**
   * {@code u_n}: after n observations the {@code u_n}-th smallest is at least the p-quantile, for
   * all n simultaneously with probability at least {@code 1 - alpha}; {@code n + 1} when there is
   * no upper bound yet.
   */
  public long upperRank(long n) {
    return upperRank(n, ranks(n));
  }

  private long lowerRank(long n, Ranks ranks) {
    return (long) Math.ceil(p * n) - ranks.down();
  }

  private long upperRank(long n, Ranks ranks) {
    return (long) Math.floor(p * n) + ranks.up() + 1;
  }

  /**
   * The bounds after the observations of {@code histogram}, in nanos: lower and upper as in the
   * class comment (0 and infinity when there is none yet), and the sample p-quantile {@code
   * X_(ceil(p n))} (the middle of its bucket, or the censoring point when it is censored; NaN when
   * the histogram is empty).
   */
  public QuantileBounds bounds(LatencyHistogram histogram) {
    long n = histogram.count();
    if (n == 0) {
      return new QuantileBounds(Double.NaN, 0, Double.POSITIVE_INFINITY);
    }
    Ranks ranks = ranks(n);
    // ceil(p n) with a margin far above the rounding of p * n and far below the 1/n spacing of
    // the values it can take, so that p n = 99 computed as 99.00000000000001 still gives 99
    long estimateRank = Math.max(1, (long) Math.ceil(p * n - 1e-6));
    return new QuantileBounds(
        histogram.valueOfRank(estimateRank),
        histogram.lowerBoundOfRank(lowerRank(n, ranks)),
        histogram.upperBoundOfRank(upperRank(n, ranks)));
  }

  private Ranks ranks(long n) {
    if (n < 0) {
      throw new IllegalArgumentException("n must be >= 0: " + n);
    }
    Ranks previous = hint.get();
    if (previous.n() == n) {
      return previous;
    }
    double pn = p * n;
    double v = p * (1 - p) * n;
    long centreDown = (long) Math.ceil(pn);
    long centreUp = (long) Math.floor(pn);
    // down: k = centreDown - d crosses below iff ln M(p n - k) >= ln(1/alpha); d in [0, centreDown]
    long down =
        largestSafe(
            centreDown,
            previous.down(),
            d -> below.logSuperMg(pn - (centreDown - d), v) >= logThreshold);
    // up: k = centreUp + d crosses above iff ln M(k - p n) >= ln(1/alpha); d in [0, n - centreUp]
    long up =
        largestSafe(
            n - centreUp,
            previous.up(),
            d -> above.logSuperMg(centreUp + d - pn, v) >= logThreshold);
    Ranks ranks = new Ranks(n, down, up);
    hint.set(ranks);
    return ranks;
  }

  /**
   * The largest {@code d} in {@code [0, max]} with {@code !crosses(d)}, for a {@code crosses} that
   * is false at 0 and monotone (false, then true): gallops from {@code guess} to a bracket, then
   * bisects.
   */
  private static long largestSafe(long max, long guess, LongPredicate crosses) {
    long d = Math.max(0, Math.min(max, guess));
    long safe;
    long crossing; // max + 1 stands for "none crosses"
    if (d == 0 || !crosses.test(d)) {
      safe = d;
      crossing = max + 1;
      for (long step = 1; safe < max; step *= 2) {
        long t = Math.min(max, safe + step);
        if (crosses.test(t)) {
          crossing = t;
          break;
        }
        safe = t;
      }
    } else {
      crossing = d;
      safe = 0;
      for (long step = 1; ; step *= 2) {
        long t = Math.max(0, crossing - step);
        if (t == 0 || !crosses.test(t)) {
          safe = t;
          break;
        }
        crossing = t;
      }
    }
    while (crossing - safe > 1) {
      long mid = (safe + crossing) >>> 1;
      if (crosses.test(mid)) {
        crossing = mid;
      } else {
        safe = mid;
      }
    }
    return safe;
  }

  @Override
  public String toString() {
    return "QuantileSequence[p=" + p + ", alpha=" + alpha + ", expectedN=" + expectedN + "]";
  }
}
