package dev.shadowrouting.internal.stats;

import dev.shadowrouting.Evaluation;
import dev.shadowrouting.ShadowTestReport.CheckResult;
import dev.shadowrouting.ShadowTestSpec.Check;
import dev.shadowrouting.Verdict;
import dev.shadowrouting.VerdictRule;
import dev.shadowrouting.internal.stats.PairStats.LatencyMoments;
import java.math.BigDecimal;
import java.math.RoundingMode;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * The verdict of a {@link VerdictRule} on {@link PairStats}: five checks, each a pair of one-sided
 * confidence sequences, and the overall PASS / FAIL / INCONCLUSIVE.
 *
 * <h2>Error budget: one-sided sequences, Bonferroni for FAIL, intersection-union for PASS</h2>
 *
 * With k enabled checks, check j FAILs when its lower bound (a one-sided sequence at {@code alpha /
 * k}) exceeds its threshold, and PASSes when its upper bound (one-sided, at {@code alpha}) is
 * below it. False FAIL: if every check is within its threshold, a FAIL needs some lower sequence
 * to miss its true value, probability at most {@code k alpha / k = alpha} (union bound), at any
 * time. False PASS: if check j is beyond its threshold, an overall PASS needs check j's upper
 * sequence to miss, probability at most alpha: the intersection-union test (Berger 1982,
 * "Multiparameter hypothesis testing and acceptance sampling", Technometrics 24(4)) needs no split
 * of alpha across the checks. Against a two-sided sequence at {@code alpha / k} on both sides this
 * narrows the FAIL side (one tail) and much more the PASS side (alpha instead of alpha / k).
 *
 * <h2>The checks and their sequences</h2>
 *
 * <ul>
 *   <li><b>latency</b>: the mean of {@code D = ln(candidate / production)} against {@code ln(1 +
 *       maxLatencyIncrease)}, by a {@link OneSidedNormalMixture} with the variance plugged in:
 *       the larger of the sample variance and the batch-means long-run variance over time, raised
 *       to its upper 97.5% confidence limit ({@link PairStats#latencyLongRunVariance}), so
 *       serially correlated pairs do not shrink the interval; no decision before {@value VerdictRule#LATENCY_FLOOR} pairs (asymptotic
 *       sequence); tuned for N* = {@value #LATENCY_TUNING}.
 *   <li><b>tail latency</b>: the ratio of the candidate's to production's {@code tailQuantile}
 *       against {@code 1 + maxTailLatencyIncrease}, by {@link QuantileRatio} (Howard and Ramdas
 *       quantile sequences, exact for any distribution; timeouts censored); N* = {@value
 *       #TAIL_TUNING}.
 *   <li><b>errors</b>: the mean of the paired difference {@code X = 1{candidate failed} -
 *       1{production failed}} in {-1, 0, 1} against {@code maxErrorRateIncrease}, by a {@link
 *       BoundedMeanSequence} (betting, exact); N* = {@value #BOUNDED_TUNING}.
 *   <li><b>agreement</b>: the mismatch rate of compared pairs against {@code 1 - minAgreement},
 *       by a {@link BoundedMeanSequence} on {0, 1}; N* = {@value #BOUNDED_TUNING}. With an A/A
 *       noise copy, the per-request difference of mismatches, candidate's minus the copy's, in
 *       {-1, 0, 1}, by the errors check's sequences. Left out of the verdict while nothing was
 *       compared.
 *   <li><b>quality</b>: the mean paired loss difference, candidate minus production, against
 *       {@code maxQualityDecrease}: for 0/1 losses (accuracy) the difference is in {-1, 0, 1} and
 *       the errors check's exact sequences apply; otherwise a {@link OneSidedNormalMixture} with
 *       the sample variance plugged in (labels arrive independently of timing), with no decision
 *       before {@value VerdictRule#LATENCY_FLOOR} labels. Left out of the verdict while nothing is labelled (its
 *       share of alpha stays reserved, so the budget holds whenever labels start).
 * </ul>
 *
 * <p>N*: each sequence is tightest near the number of pairs at which its decision is wanted, not
 * at the budget or the time box (GrowthBook fixes N* = 5,000 for the same reason); past N* it keeps
 * shrinking, a little wider than a sequence tuned there.
 *
 * <p>Memoryless: the result depends only on the statistics given, so merged shards evaluate
 * exactly as one engine fed the union. Live tests intersect successive evaluations themselves.
 *
 * <h2>Cost</h2>
 *
 * Statistics that moved since the last evaluation cost 27 to 65 microseconds, the same statistics
 * read again 6 to 15 ({@code VerdictEngineBenchmark}, BENCHMARKS.md section 10: 1,000 to 10
 * million pairs, two shared cores; the first version took 0.2 to 0.3 ms either way). What depends
 * only on counts is remembered by the sequences: the bounded sequences' bounds by their counts
 * (and a new search starts from the side's last bound), the normal mixtures' boundary by n, the
 * quantile sequences' ranks by n. Only these raw bounds are remembered: a live test's running
 * intersection narrows them afterwards, at every look, so an engine that remembers evaluates
 * exactly as a new one ({@code FastBoundsTest}). The text that depends only on the rule is
 * written once, and numbers without {@link java.util.Formatter}.
 *
 * <p>Immutable and thread-safe (the sequences' caches hold immutable entries and change no
 * result).
 */
public final class VerdictEngine {
  /** The latency-mean sequence is tightest near this many pairs. */
  static final long LATENCY_TUNING = 300;
  /** The tail sequences are tightest near this many pairs. */
  static final long TAIL_TUNING = 5_000;
  /** The errors and agreement sequences are tightest near this many pairs. */
  static final long BOUNDED_TUNING = 1_000;

  public static final String LATENCY = "latency";
  public static final String TAIL = "tail_latency";
  public static final String ERRORS = "errors";
  public static final String AGREEMENT = "agreement";
  public static final String QUALITY = "quality";

  private static final double[] DIFFERENCE = {-1, 0, 1};
  private static final double[] INDICATOR = {0, 1};

  private final VerdictRule rule;
  private final double failAlpha;
  private final OneSidedNormalMixture meanFail;
  private final OneSidedNormalMixture meanPass;
  private final QuantileRatio tailFail;
  private final QuantileRatio tailPass;
  private final BoundedMeanSequence errorsFail;
  private final BoundedMeanSequence errorsPass;
  private final BoundedMeanSequence mismatchFail;
  private final BoundedMeanSequence mismatchPass;

  // the text that depends on the rule only, written once
  private final String levels;
  private final String levelsReversed;
  private final String latencyLimit;
  private final String tailName;
  private final String tailLimit;
  private final String errorsLimit;
  private final int agreementDecimals;
  private final String agreementLimit;
  private final String qualityLimit;

  /** The engine of {@code rule}. */
  public VerdictEngine(VerdictRule rule) {
    this.rule = rule;
    double alpha = rule.alpha();
    this.failAlpha = alpha / rule.checks().size();
    this.meanFail = OneSidedNormalMixture.tunedFor(LATENCY_TUNING, failAlpha);
    this.meanPass = OneSidedNormalMixture.tunedFor(LATENCY_TUNING, alpha);
    double q = rule.tailQuantile();
    this.tailFail = QuantileRatio.of(q, rule.maxTailLatencyIncrease(), failAlpha, TAIL_TUNING);
    this.tailPass = QuantileRatio.of(q, rule.maxTailLatencyIncrease(), alpha, TAIL_TUNING);
    this.errorsFail = BoundedMeanSequence.of(DIFFERENCE, failAlpha, BOUNDED_TUNING);
    this.errorsPass = BoundedMeanSequence.of(DIFFERENCE, alpha, BOUNDED_TUNING);
    this.mismatchFail = BoundedMeanSequence.of(INDICATOR, failAlpha, BOUNDED_TUNING);
    this.mismatchPass = BoundedMeanSequence.of(INDICATOR, alpha, BOUNDED_TUNING);
    this.levels = "lower " + level(failAlpha) + ", upper " + level(alpha) + " CS";
    this.levelsReversed = "lower " + level(alpha) + ", upper " + level(failAlpha) + " CS";
    this.latencyLimit = "max x" + ratio(1 + rule.maxLatencyIncrease());
    this.tailName = "p" + quantileName(q);
    this.tailLimit = "max x" + ratio(1 + rule.maxTailLatencyIncrease());
    this.errorsLimit = "max " + points(rule.maxErrorRateIncrease()) + " pts";
    this.agreementDecimals = percentDecimals(rule.minAgreement());
    this.agreementLimit = "min " + percent(rule.minAgreement(), agreementDecimals);
    this.qualityLimit = "max " + signed(rule.maxQualityDecrease());
  }

  public VerdictRule rule() {
    return rule;
  }

  /** Every applicable check and the overall verdict, from the statistics alone (memoryless). */
  public Evaluation evaluate(PairStats s) {
    return evaluate(s, null);
  }

  /**
   * Every applicable check and the overall verdict, each check's interval narrowed by {@code
   * running} (a live test's earlier looks; null for none) before its verdict is read.
   */
  public Evaluation evaluate(PairStats s, RunningIntersection running) {
    Narrowing r = running == null ? (check, lower, upper) -> new double[] {lower, upper, 0}
        : running::intersect;
    List<CheckResult> checks = new ArrayList<>(5);
    if (rule.enabled(Check.LATENCY)) {
      checks.add(latency(s, r));
    }
    if (rule.enabled(Check.TAIL_LATENCY)) {
      checks.add(tail(s, r));
    }
    if (rule.enabled(Check.ERRORS)) {
      checks.add(errors(s, r));
    }
    if (rule.enabled(Check.AGREEMENT) && s.agreementDifferencePairs() > 0) {
      checks.add(excessAgreement(s, r));
    } else if (rule.enabled(Check.AGREEMENT) && s.compared() > 0) {
      checks.add(agreement(s, r));
    }
    if (rule.enabled(Check.QUALITY) && s.labelled() > 0) {
      checks.add(quality(s, r));
    }
    boolean anyFail = false;
    boolean allPass = !checks.isEmpty();
    for (CheckResult c : checks) {
      anyFail |= c.verdict() == Verdict.FAIL;
      allPass &= c.verdict() == Verdict.PASS;
    }
    Verdict overall = anyFail ? Verdict.FAIL : allPass ? Verdict.PASS : Verdict.INCONCLUSIVE;
    return new Evaluation(overall, checks, s.pairs());
  }

  /**
   * A check's interval as the verdict reads it: as computed, or a live test's intersection;
   * {lower, upper, 1 if earlier looks contradict this one else 0}.
   */
  private interface Narrowing {
    double[] narrow(String check, double lower, double upper);
  }

  private static Verdict verdict(double lower, double upper, double threshold) {
    if (lower > threshold) {
      return Verdict.FAIL;
    }
    return upper < threshold ? Verdict.PASS : Verdict.INCONCLUSIVE;
  }

  // ---- latency ---------------------------------------------------------------------------------

  /** The variance the latency sequences use: sample or long-run, whichever is larger. */
  static double latencyVariance(PairStats s) {
    return latencyVariance(s.latencyMoments());
  }

  private static double latencyVariance(LatencyMoments m) {
    double lrv = m.longRunVariance();
    return Double.isNaN(lrv) ? m.variance() : Math.max(m.variance(), lrv);
  }

  private CheckResult latency(PairStats s, Narrowing r) {
    long n = s.latencyPairs();
    double threshold = Math.log1p(rule.maxLatencyIncrease());
    double max = 1 + rule.maxLatencyIncrease();
    String limit = latencyLimit;
    StringBuilder reason = new StringBuilder("latency: ");
    if (n == 0) {
      reason.append("no timed pairs yet");
      if (s.warmupPairs() > 0) {
        reason.append(" (");
        appendWarmup(reason, s);
        reason.append(')');
      }
      return result(LATENCY, Verdict.INCONCLUSIVE, Double.NaN, 0, Double.POSITIVE_INFINITY,
          max, n, reason, null, limit);
    }
    LatencyMoments moments = s.latencyMoments();
    double mean = moments.mean();
    double s2 = moments.variance();
    double variance = latencyVariance(moments);
    boolean floor = n < VerdictRule.LATENCY_FLOOR;
    double[] b = plugIn(LATENCY, n, mean, variance, r);
    double lower = b[0];
    double upper = b[1];
    Verdict v = verdict(lower, upper, threshold);
    reason.append("candidate/production run time x").append(ratio(Math.exp(mean)))
        .append(" [").append(ratio(Math.exp(lower))).append(", ")
        .append(ratio(Math.exp(upper))).append("] (").append(levels).append(", ")
        .append(count(n)).append(" pairs");
    if (variance > s2 * 1.05 && s2 > 0) {
      reason.append(", long-run variance widens it x")
          .append(fixed(Math.sqrt(variance / s2), 1, false));
    }
    if (s.warmupPairs() > 0) {
      reason.append("; ");
      appendWarmup(reason, s);
    }
    reason.append(')');
    // an estimate outside the running interval, or looks that contradict each other: the ratio
    // moved during the test, which the sequences assume it does not
    boolean moved = b[2] != 0 || mean < lower || mean > upper;
    if (moved && !floor) {
      reason.append("; the ratio changed during the test (a warm-up? see warmup)");
    }
    String gate = floor
        ? count(n) + " of " + count(VerdictRule.LATENCY_FLOOR) + " pairs: not enough yet"
        : null;
    return result(LATENCY, v, Math.exp(mean), Math.exp(lower), Math.exp(upper), max, n, reason,
        gate, limit);
  }

  /**
   * The normal-mixture bounds of a mean with its variance plugged in, narrowed: none at all (the
   * whole line) below the floor, where the plug-in variance is not trusted.
   */
  private double[] plugIn(String check, long n, double mean, double variance, Narrowing r) {
    if (n < VerdictRule.LATENCY_FLOOR) {
      return new double[] {Double.NEGATIVE_INFINITY, Double.POSITIVE_INFINITY, 0};
    }
    return r.narrow(check, mean - meanFail.halfWidth(n, variance),
        mean + meanPass.halfWidth(n, variance));
  }

  private static void appendWarmup(StringBuilder reason, PairStats s) {
    if (s.warmupPairs() > 0) {
      reason.append(count(s.warmupPairs())).append(" warm-up pairs at x")
          .append(ratio(Math.exp(s.warmupMean()))).append(" left out");
    }
  }

  // ---- tail ------------------------------------------------------------------------------------

  private CheckResult tail(PairStats s, Narrowing r) {
    double max = 1 + rule.maxTailLatencyIncrease();
    String name = tailName;
    String limit = tailLimit;
    LatencyHistogram c = s.candidateTail();
    StringBuilder reason = new StringBuilder("tail latency: ");
    if (c == null) {
      reason.append("no timed pairs yet");
      return result(TAIL, Verdict.INCONCLUSIVE, Double.NaN, 0, Double.POSITIVE_INFINITY, max, 0,
          reason, null, limit);
    }
    LatencyHistogram p = s.productionTail();
    QuantileBounds lowerSide = tailFail.ratio(c, p);
    QuantileBounds upperSide = tailPass.ratio(c, p);
    double[] b = r.narrow(TAIL, lowerSide.lower(), upperSide.upper());
    double lower = b[0];
    double upper = b[1];
    Verdict v = verdict(lower, upper, max);
    reason.append("candidate/production ").append(name).append(" x")
        .append(ratio(lowerSide.estimate())).append(" [").append(ratio(lower)).append(", ")
        .append(ratio(upper)).append("] (").append(levels).append(", ")
        .append(count(c.count())).append(" pairs");
    if (c.censored() > 0) {
      reason.append(", ").append(count(c.censored())).append(" candidate timeouts counted as at least ")
          .append(millis(c.censorNanos()));
    }
    reason.append(')');
    return result(TAIL, v, lowerSide.estimate(), lower, upper, max, c.count(), reason, null,
        limit);
  }

  // ---- errors ----------------------------------------------------------------------------------

  private CheckResult errors(PairStats s, Narrowing r) {
    long n = s.pairs();
    double x = rule.maxErrorRateIncrease();
    String limit = errorsLimit;
    StringBuilder reason = new StringBuilder("errors: ");
    if (n == 0) {
      reason.append("no pairs yet");
      return result(ERRORS, Verdict.INCONCLUSIVE, Double.NaN, -1, 1, x, n, reason, null, limit);
    }
    long[] counts = {s.productionOnlyFailures(), n - s.productionOnlyFailures()
        - s.candidateOnlyFailures(), s.candidateOnlyFailures()};
    double[] b = r.narrow(ERRORS, errorsFail.lowerBound(counts), errorsPass.upperBound(counts));
    double lower = b[0];
    double upper = b[1];
    double estimate = (double) (s.candidateOnlyFailures() - s.productionOnlyFailures()) / n;
    reason.append(points(estimate)).append(" pts [").append(points(lower)).append(", ")
        .append(points(upper)).append("] (").append(levels).append("; candidate ")
        .append(percent((double) s.candidateFailures() / n, 2)).append(", production ")
        .append(percent((double) s.productionFailures() / n, 2)).append(" of ")
        .append(count(n)).append(" pairs; ").append(count(s.candidateOnlyFailures()))
        .append(" vs ").append(count(s.productionOnlyFailures())).append(" discordant)");
    return result(ERRORS, verdict(lower, upper, x), estimate, lower, upper, x, n, reason, null,
        limit);
  }

  // ---- agreement -------------------------------------------------------------------------------

  private CheckResult agreement(PairStats s, Narrowing r) {
    long n = s.compared();
    long[] counts = {n - s.mismatches(), s.mismatches()};
    double maxMismatch = 1 - rule.minAgreement();
    double[] b = r.narrow(AGREEMENT, mismatchFail.lowerBound(counts),
        mismatchPass.upperBound(counts));
    double mismatchLower = b[0];
    double mismatchUpper = b[1];
    double min = rule.minAgreement();
    int decimals = agreementDecimals;
    double estimate = 1 - (double) s.mismatches() / n;
    double lower = 1 - mismatchUpper;
    double upper = 1 - mismatchLower;
    StringBuilder reason = new StringBuilder("agreement: ")
        .append(percent(estimate, decimals)).append(" [").append(percent(lower, decimals))
        .append(", ").append(percent(upper, decimals)).append("] of ").append(count(n))
        .append(" compared (").append(levelsReversed).append(')');
    // FAIL: too many mismatches is agreement below the minimum
    Verdict v = verdict(mismatchLower, mismatchUpper, maxMismatch);
    return result(AGREEMENT, v, estimate, lower, upper, min, n, reason, null, agreementLimit);
  }

  /**
   * Agreement against an A/A noise copy: the mean of {@code Y = 1{candidate differs} - 1{copy
   * differs}} per request, in {-1, 0, 1}, against {@code 1 - minAgreement}: the candidate may
   * disagree with production at most that much more often than production disagrees with itself.
   */
  private CheckResult excessAgreement(PairStats s, Narrowing r) {
    long[] counts = s.agreementDifferences();
    long n = s.agreementDifferencePairs();
    double maxExcess = 1 - rule.minAgreement();
    double[] b = r.narrow(AGREEMENT, errorsFail.lowerBound(counts), errorsPass.upperBound(counts));
    double estimate = (double) (counts[2] - counts[0]) / n;
    double min = rule.minAgreement();
    int decimals = agreementDecimals;
    // reported as agreement net of noise: 1 - excess mismatch rate
    StringBuilder reason = new StringBuilder("agreement: ")
        .append(percent(1 - estimate, decimals)).append(" [")
        .append(percent(1 - b[1], decimals)).append(", ").append(percent(1 - b[0], decimals))
        .append("] net of A/A noise (per request, candidate's mismatches minus the copy's; ")
        .append(count(n)).append(" compared; ").append(levelsReversed).append(')');
    return result(AGREEMENT, verdict(b[0], b[1], maxExcess), 1 - estimate, 1 - b[1], 1 - b[0],
        min, n, reason, null, agreementLimit);
  }

  // ---- quality ---------------------------------------------------------------------------------

  private CheckResult quality(PairStats s, Narrowing r) {
    long n = s.labelled();
    double x = rule.maxQualityDecrease();
    double mean = s.lossDifferenceMean();
    long[] unit = s.unitLossDifferences();
    boolean floor = unit == null && n < VerdictRule.LATENCY_FLOOR;
    // 0/1 losses: the difference is in {-1, 0, 1}, the errors check's exact sequences apply
    double[] b = unit != null
        ? r.narrow(QUALITY, errorsFail.lowerBound(unit), errorsPass.upperBound(unit))
        : plugIn(QUALITY, n, mean, s.lossDifferenceVariance(), r);
    double lower = b[0];
    double upper = b[1];
    Verdict v = verdict(lower, upper, x);
    StringBuilder reason = new StringBuilder("quality: candidate loss minus production's ")
        .append(signed(mean)).append(" [").append(signed(lower)).append(", ")
        .append(signed(upper)).append("] (").append(levels).append(", ").append(count(n))
        .append(" labelled pairs)");
    String gate = floor
        ? count(n) + " of " + count(VerdictRule.LATENCY_FLOOR) + " labels: not enough yet"
        : null;
    return result(QUALITY, v, mean, lower, upper, x, n, reason, gate, qualityLimit);
  }

  // ---- formatting (Locale.ROOT: ',' groups thousands, '.' is the decimal point) ----------------

  private CheckResult result(String name, Verdict v, double estimate, double lower, double upper,
      double threshold, long n, StringBuilder reason, String gate, String limit) {
    if (gate != null) {
      reason.append("; ").append(gate);
    } else if (n > 0) {
      reason.append(' ').append(switch (v) {
        case FAIL -> name.equals(AGREEMENT) ? "below " + limit : "exceeds " + limit;
        case PASS -> name.equals(AGREEMENT) ? "above " + limit : "within " + limit;
        case INCONCLUSIVE -> "straddles " + limit + ": not enough evidence yet";
      });
    }
    reason.append(" -> ").append(v);
    return new CheckResult(name, v, estimate, lower, upper, threshold, 1 - failAlpha, n,
        reason.toString());
  }

  /** A confidence level rounded down so it never overstates: "98.3%" for 1 - 0.05/3. */
  private static String level(double alpha) {
    double tenths = Math.floor((1 - alpha) * 1000 + 1e-9) / 10;
    return String.format(Locale.ROOT, "%.1f%%", tenths);
  }

  private static String quantileName(double q) {
    String s = String.format(Locale.ROOT, "%.4f", q * 100).replaceAll("0+$", "");
    return s.endsWith(".") ? s.substring(0, s.length() - 1) : s;
  }

  static String ratio(double r) {
    return Double.isInfinite(r) ? "inf" : fixed(r, 2, false);
  }

  private static String millis(long nanos) {
    return fixed(nanos / 1e6, 1, false) + " ms";
  }

  private static String points(double fraction) {
    return fixed(fraction * 100, 2, true);
  }

  private static String signed(double value) {
    return fixed(value, 4, true);
  }

  private static String percent(double fraction, int decimals) {
    return fixed(fraction * 100, decimals, false) + "%";
  }

  /**
   * What {@code String.format(Locale.ROOT, "%.<decimals>f", x)} writes ({@code "%+.<decimals>f"}
   * with {@code plus}), without a {@link java.util.Formatter}: it parses its pattern and looks up
   * the locale's symbols at every call, and an evaluation writes a dozen numbers. The Formatter
   * rounds half up the decimal digits {@link Double#toString} gives, and so does this; the sign is
   * "-" for everything below +0.0, as there (-0.0, and negatives that round to zero); NaN and
   * infinities are written as there too.
   *
   * <p>Away from a tie the digits need no decimal conversion at all: {@code |x| 10^decimals}, below
   * 1e9, is within 2.5e-7 of its exact value, and the decimal the Formatter rounds within as much
   * again, so when it lies more than 1e-6 from the middle between two integers, the nearer integer
   * is what both round to.
   */
  static String fixed(double x, int decimals, boolean plus) {
    if (Double.isNaN(x)) {
      return "NaN";
    }
    if (Double.isInfinite(x)) {
      return x < 0 ? "-Infinity" : plus ? "+Infinity" : "Infinity";
    }
    double scaled = Math.abs(x) * TENS[decimals];
    double whole = Math.floor(scaled);
    String digits;
    if (scaled < 1e9 && Math.abs(scaled - whole - 0.5) > 1e-6) {
      String units = Long.toString((long) whole + (scaled - whole > 0.5 ? 1 : 0));
      if (units.length() <= decimals) {
        units = "0".repeat(decimals + 1 - units.length()) + units;
      }
      int point = units.length() - decimals;
      digits = units.substring(0, point) + "." + units.substring(point);
    } else {
      digits = BigDecimal.valueOf(Math.abs(x)).setScale(decimals, RoundingMode.HALF_UP)
          .toPlainString();
    }
    return Double.compare(x, 0.0) < 0 ? "-" + digits : plus ? "+" + digits : digits;
  }

  /** {@code 10^decimals} for the decimals {@link #fixed} writes. */
  private static final double[] TENS = {1, 10, 100, 1_000, 10_000};

  /** What {@code String.format(Locale.ROOT, "%,d", n)} writes, without a Formatter. */
  static String count(long n) {
    StringBuilder b = new StringBuilder(Long.toString(n));
    for (int i = b.length() - 3; i > (n < 0 ? 1 : 0); i -= 3) {
      b.insert(i, ',');
    }
    return b.toString();
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
