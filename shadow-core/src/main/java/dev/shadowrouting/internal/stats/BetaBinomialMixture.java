package dev.shadowrouting.internal.stats;

import org.hipparchus.special.Beta;

/**
 * The one-sided beta-binomial mixture boundary for a centred sum of two-valued increments: the
 * time-uniform boundary that {@link QuantileSequence} puts on the count of observations below a
 * quantile.
 *
 * <h2>The martingale</h2>
 *
 * Let the increments {@code X_i} be i.i.d., taking the value {@code h} with probability {@code g /
 * (g + h)} ("success") and {@code -g} with probability {@code h / (g + h)} ("failure"), so {@code E
 * X_i = 0} (the sub-Bernoulli case of Howard, Ramdas, McAuliffe, Sekhon 2021, "Time-uniform,
 * nonparametric, nonasymptotic confidence sequences", Ann. Statist. 49(2), with range parameters
 * {@code g, h}). After {@code t} steps with {@code k} successes, write
 *
 * <pre>
 *   S_t = h k - g (t - k),     V_t = g h t,
 *   so  k = (V + h S) / (h (g + h)),     t - k = (V - g S) / (g (g + h)).
 * </pre>
 *
 * For an alternative failure probability {@code theta} the likelihood ratio against the null {@code
 * h / (g + h)} is {@code (1 - theta)^k theta^(t - k) (g + h)^t / (g^k h^(t - k))}, a nonnegative
 * martingale under the null. Mixing it over a prior {@code theta ~ Beta(r / (g (g + h)), r / (h (g
 * + h)))}, whose mean is the null value {@code h / (g + h)}, <em>truncated</em> to {@code theta in
 * [0, x]} with {@code x = h / (g + h)} (alternatives with more successes: the sum drifts up), gives
 * the mixture martingale
 *
 * <pre>
 *   M_t = (g + h)^t g^-k h^-(t-k) B_x(a0 + t - k, b0 + k) / B_x(a0, b0),
 *   a0 = r / (g (g + h)),  b0 = r / (h (g + h)),  B_x(a, b) = I_x(a, b) B(a, b),
 * </pre>
 *
 * and in terms of {@code (S, V)}, with {@code a = (r + V - g S) / (g (g + h))} and {@code b = (r +
 * V + h S) / (h (g + h))}:
 *
 * <pre>
 *   ln M = V/(g h) ln(g + h) - (V + h S)/(h (g + h)) ln g - (V - g S)/(g (g + h)) ln h
 *          + ln I_x(a, b) + ln B(a, b) - ln I_x(a0, b0) - ln B(a0, b0).
 * </pre>
 *
 * This is confseq's {@code BetaBinomialMixture::log_superMG} with {@code is_one_sided = true}, term
 * for term ({@code gostevehoward/confseq}, {@code src/confseq/uniform_boundaries.h}; the one-sided
 * beta-binomial mixture of Howard et al. 2021, Propositions 6 and 7 as confseq's README numbers
 * them). By Ville's inequality {@code P(exists t: M_t >= 1/alpha) <= alpha}: the upper boundary
 * {@code S_t < f(V_t)}, where {@code ln M = ln(1/alpha)}, holds for all t simultaneously with
 * probability at least {@code 1 - alpha}. Every integrand is increasing in k on {@code theta <= x}
 * (its ratio at {@code k + 1} to {@code k} is {@code (1 - theta) h / (theta g) >= 1}), so {@code
 * M_t} is increasing in S: the crossing set at each t is a half-line, and a count can be tested
 * with one evaluation.
 *
 * <h2>Tuning</h2>
 *
 * The Beta prior of precision {@code r} plays the role of a normal mixture of precision {@code rho
 * = r + g h} (the prior's variance in the natural parameter is {@code 1 / (r + g h)}), so {@link
 * #tunedFor} takes the one-sided normal mixture's {@code rho} that makes the boundary nearly
 * tightest at intrinsic time {@code V = vOpt} and level {@code alphaOpt}, {@code rho = vOpt / (2
 * ln(1/(2 alphaOpt)) + ln(1 + 2 ln(1/(2 alphaOpt))))} (confseq's {@code
 * OneSidedNormalMixture::best_rho}, the two-sided formula at {@code 2 alphaOpt}), and sets {@code r
 * = max(rho - g h, 1e-3 g h)} (confseq's {@code BetaBinomialMixture::optimal_r}).
 *
 * <p>Checked in {@code BetaBinomialMixtureTest} against the worked numbers of confseq's {@code
 * test/uniform_boundaries_unittest.cpp} ({@code TestOneSidedBetaBinomialMixture}: {@code ln M =
 * -0.07134019} at {@code S = 10, V = 100}, boundary 28.41238 at {@code V = 100}, for {@code g =
 * 0.2, h = 0.8, vOpt = 100, alpha = 0.05}).
 *
 * <p>Immutable and thread-safe.
 */
public final class BetaBinomialMixture {
  private final double g;
  private final double h;
  private final double r;

  /** {@code x = h / (g + h)}: the prior is truncated to failure probabilities at most x. */
  private final double x;

  private final double logGPlusH;
  private final double logG;
  private final double logH;

  /** {@code ln I_x(a0, b0) + ln B(a0, b0)}: the log mass of the truncated prior. */
  private final double logNormalizer;

  private BetaBinomialMixture(double g, double h, double r) {
    if (!(g > 0) || !(h > 0) || !(r > 0) || Double.isInfinite(g + h + r)) {
      throw new IllegalArgumentException(
          "need g, h, r positive and finite: g=" + g + ", h=" + h + ", r=" + r);
    }
    this.g = g;
    this.h = h;
    this.r = r;
    this.x = h / (g + h);
    this.logGPlusH = Math.log(g + h);
    this.logG = Math.log(g);
    this.logH = Math.log(h);
    double a0 = r / (g * (g + h));
    double b0 = r / (h * (g + h));
    this.logNormalizer = logIncompleteBeta(a0, b0);
  }

  /**
   * The mixture nearly tightest at intrinsic time {@code vOpt} for level {@code alphaOpt} (see the
   * class comment).
   *
   * @param vOpt intrinsic time {@code g h t} at which the boundary should be tightest, positive
   * @param alphaOpt the level the tuning assumes, in (0, 1/2)
   * @param g the magnitude of a failure's (negative) increment, positive
   * @param h the size of a success's increment, positive
   */
  public static BetaBinomialMixture tunedFor(double vOpt, double alphaOpt, double g, double h) {
    if (!(vOpt > 0) || Double.isInfinite(vOpt)) {
      throw new IllegalArgumentException("vOpt must be positive and finite: " + vOpt);
    }
    if (!(alphaOpt > 0 && alphaOpt < 0.5)) {
      throw new IllegalArgumentException("alphaOpt must be in (0, 1/2): " + alphaOpt);
    }
    double twoLogInv = 2 * Math.log(1 / (2 * alphaOpt));
    double rho = vOpt / (twoLogInv + Math.log1p(twoLogInv));
    return new BetaBinomialMixture(g, h, Math.max(rho - g * h, 1e-3 * g * h));
  }

  /** The prior precision {@code r}. */
  public double r() {
    return r;
  }

  /**
   * {@code ln M} for the sum {@code s} at intrinsic time {@code v = g h t}, for {@code -v/h <= s <=
   * v/g} (the range the sum can reach). {@code -infinity} where the incomplete Beta function
   * underflows: so far below the boundary that the exact value does not matter.
   */
  public double logSuperMg(double s, double v) {
    double gh = g + h;
    double a = (r + v - g * s) / (g * gh);
    double b = (r + v + h * s) / (h * gh);
    return v / (g * h) * logGPlusH
        - (v + h * s) / (h * gh) * logG
        - (v - g * s) / (g * gh) * logH
        + logIncompleteBeta(a, b)
        - logNormalizer;
  }

  /** {@code ln B_x(a, b) = ln I_x(a, b) + ln B(a, b)} (Hipparchus' continued fraction). */
  private double logIncompleteBeta(double a, double b) {
    return Math.log(Beta.regularizedBeta(x, a, b)) + Beta.logBeta(a, b);
  }

  @Override
  public String toString() {
    return "BetaBinomialMixture[g=" + g + ", h=" + h + ", r=" + r + "]";
  }
}
