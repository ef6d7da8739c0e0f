package dev.shadowrouting.internal.stats;

import java.util.Arrays;
import java.util.concurrent.atomic.AtomicReference;
import java.util.concurrent.atomic.AtomicReferenceArray;

/**
 * One-sided, time-uniform, nonasymptotic confidence sequences for the mean of a variable with a
 * small finite support in {@code [a, b]}, computed from the <em>counts</em> of each support value
 * only: a mixture of constant-bet capital processes (Waudby-Smith and Ramdas, "Estimating means of
 * bounded random variables by betting", J. R. Stat. Soc. B 86(1), 2024; arXiv 2010.09686).
 *
 * <p>Built for the verdict's bounded checks: the paired error difference {@code X = 1{candidate
 * fails} - 1{production fails}} on {@code {-1, 0, 1}}, and a mismatch indicator on {@code {0, 1}}.
 * Both bounds are pure functions of the counts, so merging shards (adding their counts) gives
 * exactly the bounds of one engine fed the union of their observations, whatever the split and the
 * arrival order.
 *
 * <h2>The capital process</h2>
 *
 * Let {@code v_1..v_k} be the support, {@code a = min v_j}, {@code b = max v_j}, and {@code c_j}
 * the number of observations equal to {@code v_j} ({@code n = sum c_j}). For a candidate mean
 * {@code m} and a constant bet {@code lambda}, the capital of a gambler who starts with 1 and
 * stakes {@code lambda} times their capital on {@code X_i - m} each round is WSR's capital process
 * with a constant bet (confseq's {@code betting.betting_mart} with a constant {@code lambdas_fn})
 *
 * <pre>
 *   K_n(m, lambda) = prod_i (1 + lambda (X_i - m)) = prod_j (1 + lambda (v_j - m))^(c_j),
 *   ln K_n(m, lambda) = sum_j c_j ln(1 + lambda (v_j - m)).
 * </pre>
 *
 * The second form is why a <em>constant</em> bet is used: the product does not depend on the order
 * of the observations, only on the counts. (WSR's predictable plug-in bets {@code lambda_i} depend
 * on {@code X_1..X_(i-1)}, hence on the arrival order, and would make merged shards disagree with a
 * single engine.) Every factor is positive when {@code 0 <= lambda < 1/(m - a)}, since {@code v_j -
 * m >= a - m}. For i.i.d. (or merely conditionally mean-{@code mu}) observations, {@code E[1 +
 * lambda (X_i - m) | past] = 1 + lambda (mu - m)}, which is {@code <= 1} when {@code mu <= m} and
 * {@code lambda >= 0}: {@code K_n(m, lambda)} is a nonnegative supermartingale under "{@code mean
 * <= m}" (a martingale at {@code mean = m}), starting at 1.
 *
 * <h2>The mixture and Ville's inequality</h2>
 *
 * For each {@code m}, choose bets {@code lambda_1(m)..lambda_K(m)} in {@code [0, 1/(m - a))} and
 * weights {@code w_k > 0} with {@code sum w_k = 1}, fixed before seeing any data. Then
 *
 * <pre>
 *   M_n(m) = sum_k w_k K_n(m, lambda_k(m))
 * </pre>
 *
 * is again a nonnegative supermartingale under "{@code mean <= m}" with {@code M_0 = 1} (a convex
 * combination of such), and Ville's inequality gives {@code P(exists n: M_n(m) >= 1/alpha) <=
 * alpha}. This is the average of constant bets of confseq's {@code betting.dKelly_cs} ("diversified
 * Kelly" in WSR; {@code lambda_d = d / ((D + 1) m)}, {@code d = 1..D}, equal weights, combined by
 * {@code diversified_betting_mart}); here the grid and weights differ (below) but the argument is
 * the same. The lower confidence sequence is
 *
 * <pre>
 *   L_n = inf { m : M_n(m) &lt; 1/alpha }.
 * </pre>
 *
 * <b>Coverage.</b> If {@code L_n > mu} for some n, then {@code mu} is not in the set, so {@code
 * M_n(mu) >= 1/alpha}; hence {@code P(exists n: L_n > mu) <= P(exists n: M_n(mu) >= 1/alpha) <=
 * alpha}: the lower bound is below the true mean at every n simultaneously with probability at
 * least {@code 1 - alpha}, however often it is read. The upper bound {@code U_n} is the lower bound
 * of {@code -X} on the reflected support, negated ({@code U_n = -L_n(-X)}), with its own {@code
 * alpha}.
 *
 * <h2>Monotonicity in m (why a root finder may be used)</h2>
 *
 * If each bet is a function {@code lambda(m) > 0} with {@code (ln lambda)'(m)} in {@code [-1/(m -
 * a), 1/(b - m)]}, then every factor {@code f(m) = 1 + lambda(m)(x - m)}, {@code x} in {@code [a,
 * b]}, is nonincreasing in m: {@code f'(m) = lambda(m) ((ln lambda)'(m) (x - m) - 1)}, and {@code
 * (ln lambda)'(x - m) <= (x - m)/(b - m) <= 1} when {@code x >= m}, {@code -(ln lambda)'(m - x) <=
 * (m - x)/(m - a) <= 1} when {@code x < m}. So every {@code K_n(m, lambda(m))}, and {@code M_n(m)},
 * is nonincreasing in m: the set is the interval {@code [L_n, b]}, its end is the single crossing
 * of {@code ln M_n(m) = ln(1/alpha)}, and "is m below {@code L_n}?" is one evaluation ({@link
 * #rejectsAtMost}). The condition is closed under {@code min} of two such functions and under
 * geometric interpolation {@code lambda_1^(1-t) lambda_2^t} (the admissible slopes of {@code ln
 * lambda} form an interval), which is how the bets below are built. Without it the set need not be
 * an interval and a root finder could report a bound above an unexcluded point.
 *
 * <h2>The bets, and the tuning to N*</h2>
 *
 * With {@code S = sum (X_i - m)} and {@code V = sum (X_i - m)^2}, {@code ln K_n(m, lambda) ~ lambda
 * S - lambda^2 V / 2} for small bets, maximised at {@code lambda* = S / V}; at the edge of the
 * sequence after n observations of variance {@code sigma^2} that is about {@code sqrt(2 ln(1/alpha)
 * / (n sigma^2))} (WSR's bet for a target sample size, confseq's {@code
 * betting_strategies.lambda_predmix_eb} with {@code fixed_n}). The variance is unknown and must not
 * be estimated from the data (the bets would then depend on it), but it is at most {@code (m - a)(b
 * - m)} (the two-point distribution on {@code {a, b}} with mean m). Hence, writing {@code d = m -
 * a}, {@code u = b - m}:
 *
 * <ul>
 *   <li>{@code lambda_ref(m) = sqrt(2 ln(1/alpha) / (N* d u))}: the bet that is best at {@code n =
 *       N*} for the highest-variance data with mean m. Lower-variance data want larger bets (the
 *       error difference of two 1% error rates has variance 0.02, not 1: its best bet near 1,000
 *       pairs is about 7 times {@code lambda_ref}); later n want smaller ones.
 *   <li>{@code lambda_cap(m) = 0.9 / d}: the largest bet, 90% of the all-in bet {@code 1/d} (an
 *       observation at {@code a} then costs a factor 0.1, never 0). For rare events the best bet is
 *       a large fraction of {@code 1/d}: 0.3% mismatches against a 1% maximum want 70%.
 *   <li><b>body</b>, weight 3/4: 24 bets spaced geometrically from {@code lo(m) =
 *       min(lambda_ref(m), lambda_cap(m))} to {@code lambda_cap(m)} ({@code lambda_i = lo^(1 - t_i)
 *       lambda_cap^(t_i)}, {@code t_i = i / 23}), equal weights: a discrete log-uniform prior over
 *       every bet that can be best at or before {@code N*}, instead of a guess of the variance. Its
 *       price (Laplace's method: {@code ln K} peaks at {@code lambda*} with curvature {@code V}, so
 *       {@code M ~ (3/4) pi(lambda*) K(lambda*) sqrt(2 pi / V)}, with the log-uniform density
 *       {@code pi(lambda) = 1 / (lambda R)}, {@code R = ln(lambda_cap / lo)}) is {@code ln(4/3) +
 *       ln R + ln(z / sqrt(2 pi))} nats against the best constant bet in hindsight, where {@code z
 *       = S / sqrt(V)} is about 3 at the boundary: about 1.4 nats for the error difference ({@code
 *       R = ln 12}). The steps (ratio {@code (lambda_cap / lo)^(1/23)}: 1.11 there, 1.35 for a
 *       range of 1,000) are about as fine as the spread of good bets (a relative width of about
 *       {@code 1/z}), so the sum behaves like the continuous prior; a bet off by a factor {@code
 *       sqrt(r)} loses a fraction {@code (sqrt(r) - 1)^2} of {@code ln K}, under 0.12 nats here.
 *   <li><b>tail</b>, weight 1/4: 16 bets {@code lo(m) / 2^j}, {@code j = 1..16}, with weights
 *       proportional to {@code 1 / (j (j + 1))}: the bets that are best for highest-variance data
 *       at {@code n ~ 4^j N*}, so the sequence keeps shrinking past {@code N*} (up to {@code 4^16
 *       N*}, beyond any realistic n) at a cost growing only like {@code 2 ln j}, as in a stitched
 *       boundary.
 * </ul>
 *
 * Each bet satisfies the monotonicity condition: {@code (ln lambda_ref)' = -1/(2d) + 1/(2u)},
 * {@code (ln lambda_cap)' = -1/d}, and the body and tail are built from them by {@code min},
 * geometric interpolation and constant factors. The whole construction is affine-equivariant (the
 * bounds for {@code (X - a)/(b - a)} are those for X, rescaled).
 *
 * <p><b>Why these numbers, and what they give.</b> The 3/4 : 1/4 split costs {@code ln(4/3) = 0.29}
 * nats in the body against {@code ln 2 = 0.69} for an even split, and the tail is only needed past
 * {@code N*}. In seeded simulations ({@code BoundedMeanSequenceTest}, alpha 0.05 per side, 1,000
 * runs) the median number of pairs until the upper bound falls below the threshold, with {@code N*
 * = 500 / 1,000 / 5,000}, is 1,447 / 1,497 / 1,633 for the error difference of 1% vs 1% errors
 * against +0.01 (the target: 2,000), and 611 / 604 / 872 for a true 0.3% mismatch rate
 * against 1% (target 1,500; the old engine's uniform beta-binomial sequence on the same streams: 2,287). With the mean
 * exactly at the threshold and the bounds read after every observation, the fraction of runs in
 * which a bound ever crossed the mean was 0.8-4.1% per side (alpha 5%).
 *
 * <h2>Numerics and cost</h2>
 *
 * Everything is in log space ({@code c_j ln(1 + lambda (v_j - m))} with {@code log1p}, then a
 * log-sum-exp over the bets), so {@code n} up to {@code 1e9} and beyond neither overflows nor
 * underflows. One evaluation of {@code ln M_n(m)} costs up to 40 times (one {@code log1p} per
 * nonzero count + one {@code exp}). Bets far above the best one are left out: {@code ln K_n(m,
 * lambda)} is concave in lambda (a sum of {@code c_j ln(1 + lambda x_j)}), so its tangent at a bet
 * bounds it at every larger one, and a bet whose bound lies 50 nats below the largest term so far
 * would change the sum by less than its rounding. Leaving out terms only lowers {@code M_n}, so
 * this can never make a bound tighter; past N*, where the best bets are in the tail, it skips most
 * of the body's logarithms.
 *
 * <p>At the sample mean every constant-bet capital is at most 1 ({@code ln(1 + y) <= y} gives
 * {@code ln K_n <= lambda n (mean - m) <= 0}), so the crossing of {@code ln M_n(m) = ln(1/alpha)}
 * lies in {@code (a, mean]}.
 *
 * <p><b>The bound is a point of a fixed grid.</b> {@code lowerBound} is the largest {@code m_k = a
 * + k (b - a) 2^-40} at which {@code ln M_n} reaches {@code ln(1/alpha)} ({@code a} itself when
 * {@code m_1} does not): never tighter than the exact crossing, at most {@code 2^-40 (b - a)}
 * (about {@code 9.1e-13 (b - a)}) below it. Neighbouring grid points differ in {@code ln M_n} by
 * about {@code n lambda 2^-40 (b - a)} (its slope in m times the step), while its rounding error
 * is a few units of {@code 2^-52} times the size of the terms summed, at most {@code n lambda (b -
 * a)}: hundreds of times smaller. So the computed {@code ln M_n} decreases along the grid, and the
 * bound is one and the same grid point however it is searched for, a function of the counts alone:
 * which is what lets the search start from the last bound, and lets bounds be remembered by their
 * counts, without changing any result ({@code FastBoundsTest} compares with searches from
 * nothing).
 *
 * <p><b>The search</b> evaluates grid points only. It starts from a guess of the distance below the
 * mean: an empirical-Bernstein-like width {@code sqrt(2 s^2 ln(1/alpha) / n) + (b - a) ln(1/alpha)
 * / n}, scaled by the ratio the side's last bound had to its own guess (so a growing stream, or
 * counts of another stream, start close); then a Newton step with the last search's slope of {@code
 * ln M} (scaled the same way), 1/8 longer so that it usually just crosses, steps 8 times longer
 * until the crossing is bracketed, and secant steps rounded to the grid and kept strictly inside
 * the bracket (bisection when a secant step leaves it, or four fail to halve it) until the bracket
 * is two neighbouring grid points ({@link GridSearch}, which knows nothing of mixtures). On a growing stream that is about 4 evaluations a bound, for
 * counts unrelated to the last ones about 8. The first version found the crossing with Hipparchus'
 * {@code BracketingNthOrderBrentSolver} from {@code (a, mean]} every time (15 to 17 evaluations)
 * and returned its final bracket's excluded end, within {@code 1e-12 (b - a)} of the exact
 * crossing; {@code FastBoundsTest} keeps it as the reference, and the two bounds differ by at most
 * that. The last 16 bounds of each side are remembered by their counts: the verdict asks for the
 * same counts again whenever nothing new was observed, and a live test evaluates several streams
 * with the same sequences.
 *
 * <p>These are bounds at each n, valid uniformly over n; whether to intersect them over time is the
 * caller's choice, not done here.
 *
 * <p>Immutable and thread-safe: the last bound and the remembered ones are caches of immutable
 * entries, racing threads store correct values, and no result depends on them.
 *
 * <p>Why ~600 lines: most of them are the derivation above (the validity, monotonicity and tuning
 * arguments a reader needs to trust the bound, and the search); the code is about 300.
 */
public final class BoundedMeanSequence {
  /** Number of bets in the body of the grid (from the N*-tuned bet to the largest bet). */
  static final int BODY_BETS = 24;

  /** Number of bets in the tail below the N*-tuned bet, halving each time. */
  static final int TAIL_BETS = 16;

  /** Prior weight of the body; the tail gets the rest. */
  static final double BODY_WEIGHT = 0.75;

  /** The largest bet as a fraction of the all-in bet {@code 1/(m - a)}. */
  static final double MAX_BET_FRACTION = 0.9;

  /** The bounds are points of a grid of this step relative to {@code b - a}: 2^-40, ~9.1e-13. */
  static final double GRID = 0x1p-40;

  /**
   * A bet whose capital is provably below {@code e^-NEGLIGIBLE} times the largest term of the
   * mixture is left out: the 40 terms could add at most {@code 8e-21} of it, far below the
   * rounding of the sum.
   */
  private static final double NEGLIGIBLE = 50;

  /** Bounds remembered per side, by their counts (a power of two). */
  private static final int MEMO_SLOTS = 16;

  private final double[] support;
  private final Side lowerSide;
  private final Side upperSide;
  private final double alpha;
  private final double logThreshold;
  private final long tunedFor;

  /** {@code 2 ln(1/alpha) / N*}: {@code lambda_ref^2 (m - a)(b - m)}. */
  private final double refBetSquaredTimesVariance;

  /** {@code ln w_k}: body first (equal), then tail ({@code j = 1..TAIL_BETS}). */
  private final double[] logWeights;

  private BoundedMeanSequence(double[] support, double alpha, long tunedFor) {
    this.support = support.clone();
    double a = Arrays.stream(support).min().orElseThrow();
    double b = Arrays.stream(support).max().orElseThrow();
    this.lowerSide = new Side(this.support.clone(), a, b);
    this.upperSide = new Side(Arrays.stream(support).map(v -> -v).toArray(), -b, -a);
    this.alpha = alpha;
    this.logThreshold = -Math.log(alpha);
    this.tunedFor = tunedFor;
    this.refBetSquaredTimesVariance = 2 * logThreshold / tunedFor;
    this.logWeights = new double[BODY_BETS + TAIL_BETS];
    Arrays.fill(logWeights, 0, BODY_BETS, Math.log(BODY_WEIGHT / BODY_BETS));
    // sum_{j=1..J} 1/(j(j+1)) = J/(J+1): normalise so that the tail weighs exactly 1 - BODY_WEIGHT
    double tailNorm = (1 - BODY_WEIGHT) * (TAIL_BETS + 1.0) / TAIL_BETS;
    for (int j = 1; j <= TAIL_BETS; j++) {
      logWeights[BODY_BETS + j - 1] = Math.log(tailNorm / (j * (j + 1.0)));
    }
  }

  /**
   * The sequences for a variable taking values in {@code support}, at level {@code alpha} per side,
   * tuned to be tightest around {@code tunedFor} observations of highest-variance data.
   *
   * @param support the distinct finite values the variable can take, at least two, in any order;
   *     the counts passed later follow the same order
   * @param alpha the level of <em>each</em> one-sided sequence, in (0, 1)
   * @param tunedFor N*, at least 1: the n at which the bound for the highest-variance data with the
   *     given mean is tightest. Wrong by 10x either way, the bounds stay valid and only get
   *     somewhat wider there.
   */
  public static BoundedMeanSequence of(double[] support, double alpha, long tunedFor) {
    if (support.length < 2) {
      throw new IllegalArgumentException("need at least two support values: " + support.length);
    }
    for (double v : support) {
      if (!Double.isFinite(v)) {
        throw new IllegalArgumentException("support values must be finite: " + v);
      }
    }
    if (Arrays.stream(support).distinct().count() != support.length) {
      throw new IllegalArgumentException(
          "support values must be distinct: " + Arrays.toString(support));
    }
    if (!(alpha > 0 && alpha < 1)) {
      throw new IllegalArgumentException("alpha must be in (0, 1): " + alpha);
    }
    if (tunedFor < 1) {
      throw new IllegalArgumentException("tunedFor must be at least 1: " + tunedFor);
    }
    return new BoundedMeanSequence(support, alpha, tunedFor);
  }

  /** The support values, in the order the counts follow. */
  public double[] support() {
    return support.clone();
  }

  /** The level of each one-sided sequence. */
  public double alpha() {
    return alpha;
  }

  /** N*, the tuning sample size. */
  public long tunedFor() {
    return tunedFor;
  }

  /**
   * The lower confidence bound {@code L_n = inf{m : M_n(m) < 1/alpha}} after the observations
   * summarised by {@code counts}: {@code a} (the smallest support value) when nothing is known.
   * Covers the mean, at every n simultaneously, with probability at least {@code 1 - alpha}.
   *
   * @param counts how many observations equal each support value, in the support's order
   */
  public double lowerBound(long[] counts) {
    return lowerSide.bound(counts);
  }

  /**
   * The upper confidence bound {@code U_n}, the mirror image of {@link #lowerBound}: {@code b} (the
   * largest support value) when nothing is known.
   */
  public double upperBound(long[] counts) {
    return -upperSide.bound(counts);
  }

  /**
   * {@code ln M_n(m)} for the null "{@code mean <= m}": the log of the evidence, uniformly over
   * time, that the mean is above m. At {@code m <= a} it is the limit of the largest bet: {@code
   * +infinity} once anything above m was observed, 0 otherwise.
   */
  public double logMixtureAtMost(long[] counts, double m) {
    return lowerSide.logMixture(checkCounts(counts), checkPoint(m));
  }

  /** {@code ln M_n(m)} for the null "{@code mean >= m}", the mirror image of the above. */
  public double logMixtureAtLeast(long[] counts, double m) {
    return upperSide.logMixture(checkCounts(counts), -checkPoint(m));
  }

  /**
   * Whether the sequence rejects "{@code mean <= m}", that is {@code ln M_n(m) >= ln(1/alpha)}:
   * then {@code m} is excluded and {@code lowerBound(counts) >= m} (up to the root finder's
   * tolerance). One evaluation, no search: what a FAIL decision against a maximum needs after every
   * observation.
   */
  public boolean rejectsAtMost(long[] counts, double m) {
    return logMixtureAtMost(counts, m) >= logThreshold;
  }

  /**
   * Whether the sequence rejects "{@code mean >= m}": then {@code upperBound(counts) <= m}. What a
   * PASS decision against a maximum needs.
   */
  public boolean rejectsAtLeast(long[] counts, double m) {
    return logMixtureAtLeast(counts, m) >= logThreshold;
  }

  /**
   * The bets {@code lambda_k(m)} of the lower sequence (for "{@code mean <= m}"), body then tail,
   * in the order of {@link #logWeights()}; {@code m} in {@code (a, b]}.
   */
  double[] lowerBets(double m) {
    return lowerSide.bets(m);
  }

  /**
   * The bets of the upper sequence at {@code m} in {@code [a, b)}: bets on {@code -X} against the
   * null "{@code mean of -X <= -m}", i.e. factors {@code 1 + lambda (m - X_i)}.
   */
  double[] upperBets(double m) {
    return upperSide.bets(-m);
  }

  /** {@code ln w_k}, in the order of the bets. */
  double[] logWeights() {
    return logWeights.clone();
  }

  /**
   * {@code ln K_n(m, lambda) = sum_j c_j ln(1 + lambda (v_j - m))}, with {@code 0 * ln 0 = 0} (a
   * value never observed costs nothing even at the all-in bet).
   */
  static double logWealth(double[] values, long[] counts, double m, double lambda) {
    double result = 0;
    for (int j = 0; j < values.length; j++) {
      if (counts[j] != 0) {
        result += counts[j] * Math.log1p(lambda * (values[j] - m));
      }
    }
    return result;
  }

  private long[] checkCounts(long[] counts) {
    if (counts.length != support.length) {
      throw new IllegalArgumentException(
          "need one count per support value: " + counts.length + " != " + support.length);
    }
    long n = 0;
    for (long c : counts) {
      if (c < 0) {
        throw new IllegalArgumentException("counts must be >= 0: " + Arrays.toString(counts));
      }
      n = Math.addExact(n, c);
    }
    return counts;
  }

  private static double checkPoint(double m) {
    if (Double.isNaN(m)) {
      throw new IllegalArgumentException("m must not be NaN");
    }
    return m;
  }

  @Override
  public String toString() {
    return "BoundedMeanSequence[support="
        + Arrays.toString(support)
        + ", alpha="
        + alpha
        + ", tunedFor="
        + tunedFor
        + "]";
  }

  /**
   * A side's last bound: its distance below the mean as a multiple of the search's first guess,
   * and the slope of {@code ln M} between the search's first two points times that distance (both
   * free of the scale of the data, so they carry over between streams; NaN slope if unknown).
   */
  private record Hint(double ratio, double slope) {}

  /** A bound and the counts it is for. */
  private record Known(long[] counts, double bound) {}

  /** A slot of a side's memo for these counts (mixed: successive counts differ by one). */
  private static int slot(long[] counts) {
    long h = 0;
    for (long c : counts) {
      h = (h + c) * 0x9E3779B97F4A7C15L;
    }
    h = (h ^ (h >>> 29)) * 0xBF58476D1CE4E5B9L;
    return (int) (h >>> 60) & (MEMO_SLOTS - 1);
  }

  /**
   * One side: the lower sequence of a variable on {@code [lo, hi]} taking {@code values}. The upper
   * sequence of X is this applied to {@code -X}.
   */
  private final class Side {
    private final double[] values;
    private final double lo;
    private final double hi;
    /** The grid step, {@code (hi - lo) 2^-40}. */
    private final double unit;

    /** Where the last bound of this side was: the start of the next search. */
    private final AtomicReference<Hint> hint = new AtomicReference<>();

    /** The last bounds, by their counts (direct-mapped). */
    private final AtomicReferenceArray<Known> memo = new AtomicReferenceArray<>(MEMO_SLOTS);

    Side(double[] values, double lo, double hi) {
      this.values = values;
      this.lo = lo;
      this.hi = hi;
      this.unit = (hi - lo) * GRID;
    }

    /**
     * The largest grid point {@code lo + k (hi - lo) 2^-40} where {@code ln M >= ln(1/alpha)}, or
     * {@code lo} (see "Numerics and cost" in the class comment).
     */
    double bound(long[] counts) {
      checkCounts(counts);
      int slot = slot(counts);
      Known known = memo.get(slot);
      if (known != null && Arrays.equals(known.counts(), counts)) {
        return known.bound();
      }
      double bound = search(counts);
      memo.set(slot, new Known(counts.clone(), bound));
      return bound;
    }

    private double search(long[] counts) {
      long n = 0;
      double sum = 0;
      double sumSq = 0;
      for (int j = 0; j < values.length; j++) {
        double y = values[j] - lo; // relative to lo: no cancellation near lo
        n += counts[j];
        sum += counts[j] * y;
        sumSq += counts[j] * y * y;
      }
      double mean = sum / Math.max(n, 1);
      // top: the first grid point at or above the mean, never excluded (ln M <= 0 there)
      long top = (long) Math.ceil(mean / unit);
      if (n == 0 || top <= 1) {
        return lo; // nothing observed above lo: no evidence that the mean exceeds lo
      }
      double variance = Math.max(0, sumSq / n - mean * mean);
      double guess = Math.sqrt(2 * variance * logThreshold / n) + (hi - lo) * logThreshold / n;
      Hint last = hint.get();
      double gap = last == null ? guess : guess * last.ratio();
      // x1: the first guess; f = ln M - ln(1/alpha), at most -ln(1/alpha) at top
      long x1 = Math.max(1, Math.min(top - 1, Math.round((mean - gap) / unit)));
      double f1 = excess(counts, x1);
      // a Newton step with the last search's slope, 1/8 longer to just cross; else 1/2 the gap
      double step = last == null || !(last.slope() < 0) ? 0.5 * gap / unit
          : 1.125 * Math.abs(f1 * gap / last.slope()) / unit;
      GridSearch.Crossing crossing = GridSearch.largestNonNegative(k -> excess(counts, k), x1, f1,
          top, -logThreshold, step);
      long a = crossing.index();
      if (a == 0) {
        return lo; // not even the first grid point above lo is excluded
      }
      double slope = crossing.slope() / unit;
      double distance = mean - a * unit;
      hint.set(new Hint(distance / guess, slope * distance));
      return lo + a * unit;
    }

    /** {@code ln M - ln(1/alpha)} at grid point k. */
    private double excess(long[] counts, long k) {
      return logMixture(counts, lo + k * unit) - logThreshold;
    }

    double logMixture(long[] counts, double m) {
      if (!(m > lo) || Double.isInfinite(MAX_BET_FRACTION / (m - lo))) {
        // the limit of the largest bet 0.9/(m - lo) as m falls to lo: infinite if anything was
        // observed above m, and every factor is 1 otherwise
        for (int j = 0; j < values.length; j++) {
          if (counts[j] > 0 && values[j] > m) {
            return Double.POSITIVE_INFINITY;
          }
        }
        return 0;
      }
      // above hi the null "mean <= m" always holds; hi's capital (every factor <= 1) is as good
      double point = Math.min(m, hi);
      double[] bets = bets(point);
      double[] logs = new double[bets.length];
      double max = Double.NEGATIVE_INFINITY;
      // the bets in increasing order (the tail's smallest first, then the body); ln K(lambda) is
      // concave, so its tangent at the last bet computed bounds it at every later one, and a bet
      // whose bound is NEGLIGIBLE below the largest term so far is left out, logarithms unread
      double at = 0;
      double wealth = 0;
      double slope = Double.NaN;
      for (int i = 0; i < bets.length; i++) {
        int k = i < TAIL_BETS ? bets.length - 1 - i : i - TAIL_BETS;
        double lambda = bets[k];
        if (slope < 0 && logWeights[k] + wealth + slope * (lambda - at) < max - NEGLIGIBLE) {
          logs[k] = Double.NEGATIVE_INFINITY;
          continue;
        }
        // logWealth, and its derivative in lambda: sum_j c_j x_j / (1 + lambda x_j)
        wealth = 0;
        slope = 0;
        for (int j = 0; j < values.length; j++) {
          if (counts[j] != 0) {
            double x = values[j] - point;
            double y = lambda * x;
            wealth += counts[j] * Math.log1p(y);
            slope += counts[j] * x / (1 + y);
          }
        }
        at = lambda;
        logs[k] = logWeights[k] + wealth;
        max = Math.max(max, logs[k]);
      }
      double sum = 0;
      for (double l : logs) {
        sum += Math.exp(l - max);
      }
      return max + Math.log(sum);
    }

    /** {@code lambda_k(m)} for {@code m} in {@code (lo, hi]}: body then tail. */
    double[] bets(double m) {
      double below = m - lo;
      double above = hi - m;
      double cap = MAX_BET_FRACTION / below;
      // above = 0 gives +infinity, so the body collapses to the cap: fine, it stays monotone
      double reference = Math.sqrt(refBetSquaredTimesVariance / (below * above));
      double base = Math.min(reference, cap);
      double[] bets = new double[BODY_BETS + TAIL_BETS];
      double step = Math.pow(cap / base, 1.0 / (BODY_BETS - 1));
      double bet = base;
      for (int i = 0; i < BODY_BETS - 1; i++) {
        bets[i] = bet;
        bet *= step;
      }
      bets[BODY_BETS - 1] = cap; // exactly the cap, not a product's rounding of it
      bet = base;
      for (int j = 0; j < TAIL_BETS; j++) {
        bet *= 0.5;
        bets[BODY_BETS + j] = bet;
      }
      return bets;
    }
  }
}
