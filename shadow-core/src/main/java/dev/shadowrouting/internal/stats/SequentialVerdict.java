package dev.shadowrouting.internal.stats;

import dev.shadowrouting.Verdict;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.atomic.AtomicReferenceArray;

/**
 * The anytime-valid verdict of a shadow test: is the candidate within its latency, error-rate and
 * agreement thresholds, given everything observed so far?
 *
 * <p>People look at a live verdict thousands of times, so a fixed-horizon test (a p-value computed
 * at every look) would declare a perfectly good candidate FAIL sooner or later. Every check here is
 * instead a <em>confidence sequence</em>: an interval that covers the true value at all times
 * simultaneously with probability {@code 1 - alpha} (Howard, Ramdas, McAuliffe, Sekhon 2021,
 * "Time-uniform, nonparametric, nonasymptotic confidence sequences", Ann. Statist.; Johari, Koomen,
 * Pekelis, Walsh 2017/2022, "Always valid inference", Oper. Res.). A check FAILs when its whole
 * sequence lies beyond the threshold, PASSes when it lies entirely within, and is INCONCLUSIVE
 * otherwise.
 *
 * <h2>Error budget (Bonferroni)</h2>
 *
 * With k enabled checks each uses a <em>two-sided</em> sequence at {@code alpha / k}. Let E be the
 * event "some check's sequence, at some time, misses its true value"; by the union bound {@code
 * P(E) <= k * alpha / k = alpha}. Outside E every sequence always contains its true value, so: a
 * candidate within every threshold (true value on the PASS side) can never have a sequence entirely
 * beyond its threshold, hence is never declared FAIL; and a candidate beyond a threshold is never
 * declared PASS. So both errors are bounded by alpha <em>together</em>, however often the verdict
 * is read, and however the checks are correlated. Two-sided sequences are what buys the PASS
 * direction: a one-sided sequence at {@code alpha / k} would control only FAIL. The price is that
 * each sequence is a little wider than a one-sided one at the same level.
 *
 * <h2>Checks</h2>
 *
 * <ul>
 *   <li><b>latency</b> (paired): {@code D = ln(candidate) - ln(production)} per pair; a {@link
 *       NormalMixture} sequence on {@code E[D]} with the sample variance plugged in (asymptotic
 *       sequence of Waudby-Smith, Arbour, Sinha, Kennedy, Ramdas 2021, as in GrowthBook). Threshold
 *       {@code theta = ln(1 + maxLatencyIncrease)}; reported as the ratio {@code exp(E[D])}.
 *   <li><b>errors</b> (paired, McNemar-style): the per-request difference of error rates {@code
 *       Delta = p_b - p_c = p_d (2q - 1)}, with {@code p_d} = P(exactly one side fails) and {@code
 *       q} = P(the candidate is the failing side | exactly one fails). Concordant pairs carry no
 *       information about Delta. {@link BetaBinomial} sequences for {@code p_d} on {@code (b + c,
 *       n)} and for {@code q} on {@code (b, b + c)}, each at {@code alpha / (2k)}, combined by
 *       interval arithmetic (valid by the union bound). The sequence for q alone is a sequential
 *       McNemar test: when it excludes 1/2 one side errs more, anytime-valid; the reason says so.
 *   <li><b>agreement</b>: a {@link BetaBinomial} sequence on the mismatch proportion of compared
 *       pairs; agreement = 1 - mismatch.
 * </ul>
 *
 * <h2>A/A noise baseline</h2>
 *
 * When production is also run a second time as a shadow of itself on the same requests, its {@link
 * PairedSample} measures how much production disagrees with, and differs in run time from,
 * <em>itself</em> (non-determinism, timestamps, cache warmth). Latency and agreement are then
 * judged on the <em>excess</em> over that noise: candidate and noise sequences each at {@code alpha
 * / (2k)}, and {@code excess in [candLower - noiseUpper, candUpper - noiseLower]} (union bound), so
 * differences production has with itself are not blamed on the candidate. Errors are not adjusted
 * (a failure is a failure).
 *
 * <h2>Two entry points</h2>
 *
 * {@link #decide} is the fast path, cheap enough to call after every observation: latency is closed
 * form; agreement needs one {@link BetaBinomial#excludes} at {@code 1 - minAgreement} (the sequence
 * is an interval around the estimate, so which side of the estimate the threshold lies on plus
 * whether it is excluded decides); errors reuse q's interval from a small cache keyed by {@code (b,
 * b + c)}, which change rarely, then one {@code excludes} for {@code p_d} at {@code
 * maxErrorRateIncrease / (2 q_bound - 1)}. {@link #evaluate} computes every interval for the
 * report. Both give the same verdict (up to bisection ties one ulp wide).
 *
 * <p>Immutable and thread-safe (the q cache is a lock-free table of immutable entries; racing
 * writers store equal values).
 *
 * <p>Why ~590 lines: the three checks, their fast and explained paths and the A/A baseline live
 * together because they share one error budget; the verdict-engine rework (one-sided sequences,
 * {@code PairedStatistics}) replaces this class rather than splitting it.
 */
public final class SequentialVerdict {
  static final String LATENCY = "latency";
  static final String ERRORS = "errors";
  static final String AGREEMENT = "agreement";

  private static final int Q_CACHE_SLOTS = 256;

  private final Thresholds thresholds;
  private final double alphaPerCheck;

  private final double latencyTheta;
  private final NormalMixture latencyCs;
  private final NormalMixture latencyHalfCs;

  private final double maxErrorIncrease;
  private final BetaBinomial errorsHalfCs;
  private final AtomicReferenceArray<QEntry> qCache = new AtomicReferenceArray<>(Q_CACHE_SLOTS);

  /** {@code 1 - minAgreement}: agreement is checked as a mismatch proportion. */
  private final double maxMismatch;

  private final BetaBinomial agreementCs;
  private final BetaBinomial agreementHalfCs;

  /** A verdict for {@code thresholds}. */
  public SequentialVerdict(Thresholds thresholds) {
    this.thresholds = thresholds;
    this.alphaPerCheck = thresholds.alpha() / thresholds.enabledChecks();
    double halfAlpha = alphaPerCheck / 2;
    this.latencyTheta = Math.log1p(thresholds.maxLatencyIncrease());
    this.latencyCs = NormalMixture.tunedFor(thresholds.expectedPairs(), alphaPerCheck);
    this.latencyHalfCs = NormalMixture.tunedFor(thresholds.expectedPairs(), halfAlpha);
    this.maxErrorIncrease = thresholds.maxErrorRateIncrease();
    this.errorsHalfCs = BetaBinomial.uniform(halfAlpha);
    this.maxMismatch = 1 - thresholds.minAgreement();
    this.agreementCs = BetaBinomial.uniform(alphaPerCheck);
    this.agreementHalfCs = BetaBinomial.uniform(halfAlpha);
  }

  /** The thresholds this verdict applies. */
  public Thresholds thresholds() {
    return thresholds;
  }

  /** {@code alpha / k}: the level of each check's (two-sided) confidence sequence. */
  public double alphaPerCheck() {
    return alphaPerCheck;
  }

  /**
   * The overall verdict, fast: no bisection when {@code noiseOrNull} is null (beyond a cached one
   * for the McNemar proportion). Agrees with {@code evaluate(candidate, noiseOrNull).verdict()}.
   * The samples are read, not kept; they must not change during the call (pass merged copies).
   *
   * @param candidate the candidate against production
   * @param noiseOrNull production against itself on the same requests, or null for no baseline
   */
  public Verdict decide(PairedSample candidate, PairedSample noiseOrNull) {
    if (candidate.pairs() < thresholds.minSamples()) {
      return Verdict.INCONCLUSIVE;
    }
    boolean allPass = true;
    if (thresholds.latencyEnabled()) {
      Verdict v = latencyBounds(candidate, noiseOrNull).verdict(latencyTheta);
      if (v == Verdict.FAIL) {
        return Verdict.FAIL;
      }
      allPass = v == Verdict.PASS;
    }
    if (thresholds.errorsEnabled()) {
      Verdict v = decideErrors(candidate);
      if (v == Verdict.FAIL) {
        return Verdict.FAIL;
      }
      allPass &= v == Verdict.PASS;
    }
    if (thresholds.agreementEnabled()) {
      Verdict v =
          noiseOrNull == null
              ? decideAgreement(candidate)
              : decideExcessAgreement(candidate, noiseOrNull);
      if (v == Verdict.FAIL) {
        return Verdict.FAIL;
      }
      allPass &= v == Verdict.PASS;
    }
    return allPass ? Verdict.PASS : Verdict.INCONCLUSIVE;
  }

  /**
   * The full evaluation: every enabled check's confidence sequence, verdict and a readable reason,
   * and the overall verdict (FAIL as soon as one check fails; PASS when every check passes and at
   * least {@code minSamples} pairs were seen; INCONCLUSIVE otherwise).
   *
   * @param candidate the candidate against production
   * @param noiseOrNull production against itself on the same requests, or null for no baseline
   */
  public Evaluation evaluate(PairedSample candidate, PairedSample noiseOrNull) {
    long pairs = candidate.pairs();
    String gate =
        pairs < thresholds.minSamples()
            ? String.format(
                Locale.ROOT, "%,d of %,d pairs: not enough yet", pairs, thresholds.minSamples())
            : null;
    List<CheckResult> checks = new ArrayList<>(3);
    if (thresholds.latencyEnabled()) {
      checks.add(latencyResult(candidate, noiseOrNull, gate));
    }
    if (thresholds.errorsEnabled()) {
      checks.add(errorsResult(candidate, noiseOrNull != null, gate));
    }
    if (thresholds.agreementEnabled()) {
      checks.add(agreementResult(candidate, noiseOrNull, gate));
    }
    boolean allPass = true;
    boolean anyFail = false;
    for (CheckResult check : checks) {
      anyFail |= check.verdict() == Verdict.FAIL;
      allPass &= check.verdict() == Verdict.PASS;
    }
    Verdict overall = anyFail ? Verdict.FAIL : allPass ? Verdict.PASS : Verdict.INCONCLUSIVE;
    return new Evaluation(overall, checks, pairs);
  }

  // ---------------------------------------------------------------------------------------------
  // latency

  /** A confidence sequence's current interval and point estimate, in one check's own units. */
  private record Bounds(double estimate, double lower, double upper) {
    Verdict verdict(double threshold) {
      if (lower > threshold) {
        return Verdict.FAIL;
      }
      return upper < threshold ? Verdict.PASS : Verdict.INCONCLUSIVE;
    }

    /**
     * For a mismatch proportion: too many mismatches (lower above the maximum) is the FAIL side.
     */
    Verdict verdictAsMismatch(double maxMismatch) {
      return verdict(maxMismatch);
    }
  }

  /**
   * Bounds on E[D] (no noise) or on E[D] - E[D_noise]. Shared by decide and evaluate so the two
   * cannot disagree on latency.
   */
  private Bounds latencyBounds(PairedSample c, PairedSample noise) {
    double mean = c.latencyMean();
    if (noise == null) {
      double hw = latencyCs.halfWidth(c.latencyPairs(), c.latencyVariance());
      return new Bounds(mean, mean - hw, mean + hw);
    }
    double hc = latencyHalfCs.halfWidth(c.latencyPairs(), c.latencyVariance());
    double noiseMean = noise.latencyMean();
    double hn = latencyHalfCs.halfWidth(noise.latencyPairs(), noise.latencyVariance());
    return new Bounds(
        mean - noiseMean, (mean - hc) - (noiseMean + hn), (mean + hc) - (noiseMean - hn));
  }

  private CheckResult latencyResult(PairedSample c, PairedSample noise, String gate) {
    Bounds bounds = latencyBounds(c, noise);
    Verdict verdict = gate != null ? Verdict.INCONCLUSIVE : bounds.verdict(latencyTheta);
    double max = 1 + thresholds.maxLatencyIncrease();
    StringBuilder reason = new StringBuilder("latency: ");
    if (c.latencyPairs() == 0) {
      reason.append("no timed pairs yet");
    } else {
      reason
          .append("candidate/production run time x")
          .append(ratio(Math.exp(bounds.estimate())))
          .append(" [")
          .append(ratio(Math.exp(bounds.lower())))
          .append(", ")
          .append(ratio(Math.exp(bounds.upper())))
          .append(']');
      if (noise != null) {
        reason
            .append(" net of A/A noise x")
            .append(ratio(Math.exp(noise.latencyMean())))
            .append(" (")
            .append(confidence())
            .append(" CS, ")
            .append(count(c.latencyPairs()))
            .append(" pairs, ")
            .append(count(noise.latencyPairs()))
            .append(" noise pairs)");
      } else {
        reason
            .append(" (")
            .append(confidence())
            .append(" CS, ")
            .append(count(c.latencyPairs()))
            .append(" pairs)");
      }
    }
    String limit = "max x" + ratio(max);
    finish(
        reason,
        verdict,
        gate,
        c.latencyPairs() > 0,
        "exceeds " + limit,
        "within " + limit,
        "straddles " + limit);
    return new CheckResult(
        LATENCY,
        verdict,
        Math.exp(bounds.estimate()),
        Math.exp(bounds.lower()),
        Math.exp(bounds.upper()),
        max,
        1 - alphaPerCheck,
        c.latencyPairs(),
        reason.toString());
  }

  // ---------------------------------------------------------------------------------------------
  // errors

  /** q's interval for one {@code (b, d)}; immutable so it can be published through the cache. */
  private record QEntry(long b, long d, double lower, double upper) {}

  /** The confidence sequence for q = P(candidate is the failing side | discordant), cached. */
  private QEntry q(long b, long d) {
    // Fibonacci hashing of (b, d) into the table: successive keys of one stream differ by one
    long h = (b * 0x9E3779B97F4A7C15L + d) * 0xC2B2AE3D27D4EB4FL;
    int slot = (int) (h >>> 56) & (Q_CACHE_SLOTS - 1);
    QEntry entry = qCache.get(slot);
    if (entry != null && entry.b() == b && entry.d() == d) {
      return entry;
    }
    Interval interval = errorsHalfCs.interval(b, d);
    entry = new QEntry(b, d, interval.lower(), interval.upper());
    qCache.set(slot, entry);
    return entry;
  }

  /**
   * The errors check without bisecting p_d's interval. With {@code g = 2q - 1} and the threshold
   * {@code x >= 0}: FAIL iff {@code gLower > 0} and {@code pdLower > x / gLower}; PASS iff {@code
   * gUpper <= 0} (then {@code upper(Delta) = pdLower * gUpper <= 0}; strictly below x when {@code x
   * > 0}, or when {@code gUpper < 0}, which implies discordant pairs and so {@code pdLower > 0}) or
   * {@code pdUpper < x / gUpper}. "pdLower > p0" is "p0 is excluded and below the estimate", one
   * {@link BetaBinomial#excludes}; likewise for the upper end.
   */
  private Verdict decideErrors(PairedSample c) {
    long n = c.pairs();
    long b = c.candidateOnlyFailures();
    long d = c.discordant();
    QEntry q = q(b, d);
    double gLower = 2 * q.lower() - 1;
    double gUpper = 2 * q.upper() - 1;
    double x = maxErrorIncrease;
    double pdHat = n == 0 ? 0 : (double) d / n;
    if (gLower > 0) {
      double p0 = x / gLower;
      if (p0 < pdHat && errorsHalfCs.excludes(d, n, p0)) {
        return Verdict.FAIL;
      }
      // gLower > 0 implies gUpper > 0: fall through to the PASS test
    }
    if (gUpper < 0) {
      return Verdict.PASS;
    }
    if (gUpper == 0) {
      return x > 0 ? Verdict.PASS : Verdict.INCONCLUSIVE;
    }
    double p0 = x / gUpper;
    if (p0 > 1) {
      return Verdict.PASS;
    }
    return p0 > pdHat && errorsHalfCs.excludes(d, n, p0) ? Verdict.PASS : Verdict.INCONCLUSIVE;
  }

  private CheckResult errorsResult(PairedSample c, boolean withNoise, String gate) {
    long n = c.pairs();
    long b = c.candidateOnlyFailures();
    long cc = c.productionOnlyFailures();
    long d = b + cc;
    Interval pd = errorsHalfCs.interval(d, n);
    QEntry q = q(b, d);
    double gLower = 2 * q.lower() - 1;
    double gUpper = 2 * q.upper() - 1;
    // extremes of p_d * g over the box [pd] x [g], with p_d >= 0
    double upper = gUpper >= 0 ? pd.upper() * gUpper : pd.lower() * gUpper;
    double lower = gLower >= 0 ? pd.lower() * gLower : pd.upper() * gLower;
    double estimate = n == 0 ? 0 : (double) (b - cc) / n;
    double x = maxErrorIncrease;
    Verdict verdict =
        gate != null
            ? Verdict.INCONCLUSIVE
            : lower > x ? Verdict.FAIL : upper < x ? Verdict.PASS : Verdict.INCONCLUSIVE;
    StringBuilder reason = new StringBuilder("errors: ");
    if (n == 0) {
      reason.append("no pairs yet");
    } else {
      String mcnemar =
          q.lower() > 0.5
              ? "candidate errs more"
              : q.upper() < 0.5 ? "production errs more" : "neither errs significantly more";
      reason
          .append(points(estimate))
          .append(" pts [")
          .append(points(lower))
          .append(", ")
          .append(points(upper))
          .append("] (")
          .append(confidence())
          .append(" CS; candidate ")
          .append(percent((double) c.candidateFailures() / n, 2))
          .append(", production ")
          .append(percent((double) c.productionFailures() / n, 2))
          .append(" of ")
          .append(count(n))
          .append(" pairs; ")
          .append(count(b))
          .append(" vs ")
          .append(count(cc))
          .append(" discordant, ")
          .append(mcnemar)
          .append(withNoise ? "; not adjusted for noise)" : ")");
    }
    String limit = "max " + points(x) + " pts";
    finish(
        reason, verdict, gate, n > 0, "exceeds " + limit, "within " + limit, "straddles " + limit);
    return new CheckResult(
        ERRORS, verdict, estimate, lower, upper, x, 1 - alphaPerCheck, n, reason.toString());
  }

  // ---------------------------------------------------------------------------------------------
  // agreement

  /** One {@code excludes} at {@code maxMismatch}, on the side of the estimate it lies on. */
  private Verdict decideAgreement(PairedSample c) {
    long n = c.compared();
    if (n == 0) {
      return Verdict.INCONCLUSIVE;
    }
    long s = c.mismatches();
    double hat = (double) s / n;
    if (maxMismatch < hat) {
      return agreementCs.excludes(s, n, maxMismatch) ? Verdict.FAIL : Verdict.INCONCLUSIVE;
    }
    if (maxMismatch > hat) {
      return agreementCs.excludes(s, n, maxMismatch) ? Verdict.PASS : Verdict.INCONCLUSIVE;
    }
    return Verdict.INCONCLUSIVE;
  }

  /**
   * The agreement check against a noise baseline. Deciding needs both intervals (two bisections),
   * so first a necessary condition with one {@code excludes}: with {@code t = maxMismatch +
   * noiseEstimate}, FAIL needs {@code candLower > maxMismatch + noiseUpper >= t} and PASS needs
   * {@code candUpper < maxMismatch + noiseLower <= t}, i.e. t excluded on the right side of the
   * candidate's estimate. The 1e-9 slack keeps the filter necessary despite rounding, so the
   * verdict is exactly the one {@link #evaluate} computes.
   */
  private Verdict decideExcessAgreement(PairedSample c, PairedSample noise) {
    double t = maxMismatch + mismatchRate(noise);
    double cHat = mismatchRate(c);
    long s = c.mismatches();
    long n = c.compared();
    double below = t - 1e-9;
    double above = t + 1e-9;
    boolean maybeFail = below <= 0 || (below < cHat && agreementHalfCs.excludes(s, n, below));
    boolean maybePass = above >= 1 || (above > cHat && agreementHalfCs.excludes(s, n, above));
    if (!maybeFail && !maybePass) {
      return Verdict.INCONCLUSIVE;
    }
    return excessMismatch(c, noise).verdictAsMismatch(maxMismatch);
  }

  /** Bounds on the mismatch proportion in excess of the noise's; shared by decide and evaluate. */
  private Bounds excessMismatch(PairedSample c, PairedSample noise) {
    Interval ci = agreementHalfCs.interval(c.mismatches(), c.compared());
    Interval ni = agreementHalfCs.interval(noise.mismatches(), noise.compared());
    return new Bounds(
        mismatchRate(c) - mismatchRate(noise), ci.lower() - ni.upper(), ci.upper() - ni.lower());
  }

  private static double mismatchRate(PairedSample s) {
    return s.compared() == 0 ? 0 : (double) s.mismatches() / s.compared();
  }

  private CheckResult agreementResult(PairedSample c, PairedSample noise, String gate) {
    Bounds mismatch;
    if (noise == null) {
      Interval i = agreementCs.interval(c.mismatches(), c.compared());
      mismatch = new Bounds(mismatchRate(c), i.lower(), i.upper());
    } else {
      mismatch = excessMismatch(c, noise);
    }
    Verdict verdict = gate != null ? Verdict.INCONCLUSIVE : mismatch.verdictAsMismatch(maxMismatch);
    double min = thresholds.minAgreement();
    int decimals = percentDecimals(min);
    double estimate = 1 - mismatch.estimate();
    double lower = 1 - mismatch.upper();
    double upper = 1 - mismatch.lower();
    StringBuilder reason = new StringBuilder("agreement: ");
    if (c.compared() == 0) {
      reason.append("nothing compared yet");
    } else {
      reason
          .append(percent(estimate, decimals))
          .append(" [")
          .append(percent(lower, decimals))
          .append(", ")
          .append(percent(upper, decimals))
          .append("] ");
      if (noise == null) {
        reason
            .append("of ")
            .append(count(c.compared()))
            .append(" compared (")
            .append(confidence())
            .append(" CS)");
      } else {
        reason
            .append("net of A/A noise (candidate ")
            .append(percent(1 - mismatchRate(c), decimals))
            .append(" of ")
            .append(count(c.compared()))
            .append(" compared, production vs itself ")
            .append(percent(1 - mismatchRate(noise), decimals))
            .append(" of ")
            .append(count(noise.compared()))
            .append("; ")
            .append(confidence())
            .append(" CS)");
      }
    }
    String limit = "min " + percent(min, decimals);
    finish(
        reason,
        verdict,
        gate,
        c.compared() > 0,
        "below " + limit,
        "above " + limit,
        "straddles " + limit);
    return new CheckResult(
        AGREEMENT,
        verdict,
        estimate,
        lower,
        upper,
        min,
        1 - alphaPerCheck,
        c.compared(),
        reason.toString());
  }

  // ---------------------------------------------------------------------------------------------
  // formatting (Locale.ROOT: ',' groups thousands, '.' is the decimal point, whatever the JVM's)

  /**
   * Ends a reason with the comparison to the threshold (or the minSamples gate) and the verdict;
   * "no data yet" needs no "straddles" after it.
   */
  private static void finish(
      StringBuilder reason,
      Verdict verdict,
      String gate,
      boolean hasData,
      String failText,
      String passText,
      String openText) {
    if (gate != null) {
      reason.append("; ").append(gate);
    } else if (hasData || verdict != Verdict.INCONCLUSIVE) {
      reason
          .append(' ')
          .append(
              switch (verdict) {
                case FAIL -> failText;
                case PASS -> passText;
                case INCONCLUSIVE -> openText + ": not enough evidence yet";
              });
    }
    reason.append(" -> ").append(verdict);
  }

  /** The confidence level, rounded down so it never overstates: "98.3%" for 1 - 0.05/3. */
  private String confidence() {
    double tenths = Math.floor((1 - alphaPerCheck) * 1000 + 1e-9) / 10;
    return String.format(Locale.ROOT, "%.1f%%", tenths);
  }

  private static String ratio(double r) {
    return Double.isInfinite(r) ? "inf" : String.format(Locale.ROOT, "%.2f", r);
  }

  private static String points(double fraction) {
    return String.format(Locale.ROOT, "%+.2f", fraction * 100);
  }

  private static String percent(double fraction, int decimals) {
    return String.format(Locale.ROOT, "%." + decimals + "f%%", fraction * 100);
  }

  private static String count(long n) {
    return String.format(Locale.ROOT, "%,d", n);
  }

  /** One decimal for thresholds like 99.0% or 99.5%, more for 99.95%. */
  private static int percentDecimals(double fraction) {
    for (int decimals = 1; decimals < 4; decimals++) {
      double scaled = fraction * 100 * Math.pow(10, decimals);
      if (Math.abs(scaled - Math.rint(scaled)) < 1e-6) {
        return decimals;
      }
    }
    return 4;
  }
}
