package dev.shadowrouting.internal.stats;

import org.hipparchus.special.Beta;

/**
 * Beta-binomial mixture confidence sequence for a Bernoulli proportion {@code p} (Robbins 1970;
 * Howard, Ramdas, McAuliffe, Sekhon 2021, "Time-uniform, nonparametric, nonasymptotic confidence
 * sequences", Ann. Statist.).
 *
 * <p>After {@code s} successes in {@code n} trials, mixing the likelihood ratio {@code theta^s
 * (1-theta)^(n-s) / (p^s (1-p)^(n-s))} over a {@code Beta(a, b)} prior on {@code theta} gives the
 * nonnegative martingale (under {@code p})
 *
 * <pre>
 *   M_n(p) = B(a + s, b + n - s) / B(a, b) / ( p^s (1-p)^(n-s) )
 * </pre>
 *
 * and Ville's inequality makes {@code {p : M_n(p) < 1/alpha}} a {@code (1 - alpha)} confidence
 * sequence: it contains the true {@code p} at every {@code n} simultaneously with probability at
 * least {@code 1 - alpha}, however often it is looked at, with no asymptotics. Because {@code
 * -ln(p^s (1-p)^(n-s))} is convex in {@code p} with its minimum at {@code s/n}, the set is an
 * interval around {@code s/n} (and {@code M_n(s/n) <= 1}, so it is never empty). confseq ({@code
 * gostevehoward/confseq}, {@code beta_binomial_log_mixture}) builds the same mixture on the centred
 * sum with a prior tuned to a sample size; here the prior is fixed ({@code Beta(1, 1)} by default)
 * and the martingale is written directly in {@code p}.
 *
 * <p>The old engine's agreement and error sequences (before issue 16), kept with the tests only as
 * the baseline the new {@link BoundedMeanSequence} is measured against.
 *
 * <p>Reference: H. Robbins (1970), "Statistical methods related to the law of the iterated
 * logarithm", Ann. Math. Statist. 41(5).
 *
 * <p>Immutable and thread-safe.
 */
public final class BetaBinomial {
  /** Bisection stops after this many halvings even if the bracket is still wider than 1 ulp. */
  private static final int MAX_BISECTIONS = 2_000;

  private final double a;
  private final double b;
  private final double alpha;
  private final double logThreshold;
  private final double logBetaPrior;

  private BetaBinomial(double a, double b, double alpha) {
    if (!(a > 0) || !(b > 0) || Double.isInfinite(a) || Double.isInfinite(b)) {
      throw new IllegalArgumentException("prior parameters must be positive: " + a + ", " + b);
    }
    if (!(alpha > 0 && alpha < 1)) {
      throw new IllegalArgumentException("alpha must be in (0, 1): " + alpha);
    }
    this.a = a;
    this.b = b;
    this.alpha = alpha;
    this.logThreshold = -Math.log(alpha);
    this.logBetaPrior = Beta.logBeta(a, b);
  }

  /** The mixture with a uniform prior {@code Beta(1, 1)} at level {@code alpha}. */
  public static BetaBinomial uniform(double alpha) {
    return new BetaBinomial(1, 1, alpha);
  }

  /** The mixture with prior {@code Beta(a, b)} at level {@code alpha}. */
  public static BetaBinomial of(double a, double b, double alpha) {
    return new BetaBinomial(a, b, alpha);
  }

  /** The level. */
  public double alpha() {
    return alpha;
  }

  /**
   * {@code ln M_n(p)} after {@code s} successes in {@code n} trials; {@code +infinity} where {@code
   * p} is impossible ({@code p = 0} with {@code s > 0}, {@code p = 1} with {@code s < n}).
   */
  public double logMixture(long s, long n, double p) {
    checkCounts(s, n);
    if (!(p >= 0 && p <= 1)) {
      throw new IllegalArgumentException("p must be in [0, 1]: " + p);
    }
    return logEvidence(s, n) + logInverseLikelihood(s, n, p);
  }

  /**
   * Whether the confidence sequence after {@code s} successes in {@code n} trials excludes {@code
   * p}, that is {@code ln M_n(p) >= ln(1/alpha)}. One evaluation, no search: the cheap test the
   * engine runs after every observation.
   */
  public boolean excludes(long s, long n, double p) {
    return logMixture(s, n, p) >= logThreshold;
  }

  /**
   * The confidence sequence after {@code s} successes in {@code n} trials: {@code [0, 1]} when
   * {@code n = 0}; otherwise each end found by bisection to adjacent doubles (far below the 1e-10
   * the callers need, and only ~55 cheap steps since the Beta function is evaluated once). The
   * returned ends are the <em>excluded</em> side of the final bracket, so the interval is never
   * narrower than the exact set (conservative by at most one ulp).
   */
  public Interval interval(long s, long n) {
    checkCounts(s, n);
    if (n == 0) {
      return new Interval(0, 1);
    }
    double evidence = logEvidence(s, n);
    double pHat = (double) s / n;
    double lower = 0;
    if (s > 0) {
      // ln M(0) = +inf (excluded) and ln M(pHat) <= 0 (included): bracket [0, pHat]
      lower = bisect(s, n, evidence, 0, pHat);
    }
    double upper = 1;
    if (s < n) {
      // ln M(pHat) <= 0 (included) and ln M(1) = +inf (excluded): bracket [pHat, 1]
      upper = bisect(s, n, evidence, 1, pHat);
    }
    return new Interval(lower, upper);
  }

  /**
   * Bisects between an excluded point and an included one, returning the excluded end of the final
   * bracket.
   */
  private double bisect(long s, long n, double evidence, double excluded, double included) {
    for (int i = 0; i < MAX_BISECTIONS; i++) {
      double mid = 0.5 * (excluded + included);
      if (mid == excluded || mid == included) {
        break;
      }
      if (evidence + logInverseLikelihood(s, n, mid) >= logThreshold) {
        excluded = mid;
      } else {
        included = mid;
      }
    }
    return excluded;
  }

  /** {@code ln(B(a + s, b + n - s) / B(a, b))}: the log marginal likelihood of the data. */
  private double logEvidence(long s, long n) {
    return Beta.logBeta(a + s, b + (n - s)) - logBetaPrior;
  }

  /** {@code -ln(p^s (1-p)^(n-s))}, with {@code 0 * ln 0 = 0}. */
  private static double logInverseLikelihood(long s, long n, double p) {
    double result = 0;
    if (s > 0) {
      result -= s * Math.log(p);
    }
    if (n > s) {
      // log1p(-p) keeps full precision for the small p this engine mostly works with
      result -= (n - s) * Math.log1p(-p);
    }
    return result;
  }

  private static void checkCounts(long s, long n) {
    if (s < 0 || n < s) {
      throw new IllegalArgumentException("need 0 <= s <= n: s=" + s + ", n=" + n);
    }
  }

  @Override
  public String toString() {
    return "BetaBinomial[a=" + a + ", b=" + b + ", alpha=" + alpha + "]";
  }
}
