package dev.shadowrouting;

import dev.shadowrouting.ShadowTestSpec.Check;
import dev.shadowrouting.internal.util.ConfigErrors;
import java.time.Duration;
import java.util.EnumSet;
import java.util.Locale;
import java.util.Objects;
import java.util.Set;

/**
 * What a candidate must show, against production on the same requests, to PASS, and the error
 * budget of the verdict: the thresholds of the five checks (latency, tail latency, errors,
 * agreement, quality), the candidate's warm-up and alpha. Used by live shadow tests ({@link
 * ShadowTestSpec.Builder#rule}) and offline by {@link PairedStatistics}.
 *
 * <h2>What is guaranteed</h2>
 *
 * With k enabled checks, each check's FAIL side is a one-sided confidence sequence at {@code
 * alpha / k} and its PASS side one at {@code alpha} (intersection-union: PASS needs every check to
 * pass). So, however often the verdict is read:
 *
 * <ul>
 *   <li>a candidate within every threshold is declared FAIL with probability at most alpha;
 *   <li>a candidate beyond some threshold is declared PASS with probability at most alpha.
 * </ul>
 *
 * Exactly (nonasymptotic, for any distribution) for errors, agreement and the tail: they are
 * betting and binomial-mixture sequences on bounded or order statistics, valid when pairs are
 * independent, or merely when each pair's conditional mean given the past is the same. The
 * latency-mean and quality checks use a plug-in variance and are <em>asymptotic</em>: valid as the
 * number of pairs grows, hence a floor of {@value #LATENCY_FLOOR} pairs before they decide; their
 * variance is a batch-means (long-run) variance over time, so correlation between pairs close in
 * time (contention, GC, JIT warm-up) is accounted for. {@code docs/verdict.md} has the method,
 * its references and the simulated error rates at the boundary of each check.
 *
 * <p>Defaults ({@link #defaults()}): latency at most 10% slower (geometric mean of per-request
 * ratios), p99 at most 25% slower, error rate at most +0.1 percentage points, 99% of compared
 * outputs agree, quality (mean loss) at most 0.01 worse, no warm-up, alpha 0.05.
 *
 * <p>Immutable and thread-safe; validated by {@link Builder#build()}, which reports every invalid
 * field at once.
 */
public final class VerdictRule {

  /**
   * The latency-mean and quality checks decide nothing before this many pairs (or labels): their
   * sequences plug in an estimated variance and are valid only as n grows (Waudby-Smith, Arbour,
   * Sinha, Kennedy, Ramdas 2021, "Time-uniform central limit theory and asymptotic confidence
   * sequences", arXiv 2103.06476). 200 rather than 100: at 100 the long-run variance rests on 8
   * batches of about 12 pairs, and a skewed log-ratio (a standardised lognormal, skewness 6) at
   * the boundary was falsely FAILed in 0.9% of streams against a budget of 1%; from 200, in 0.2 to
   * 0.4%. The decisions the floor delays stay within their targets: a 20%-slower candidate FAILs at
   * a median of 317 pairs, an identical one PASSes at 231 ({@code docs/verdict.md}).
   */
  public static final int LATENCY_FLOOR = 200;

  private static final VerdictRule DEFAULTS = builder().build();

  private final double maxLatencyIncrease;
  private final double tailQuantile;
  private final double maxTailLatencyIncrease;
  private final double maxErrorRateIncrease;
  private final double minAgreement;
  private final double maxQualityDecrease;
  private final double alpha;
  private final Duration warmup;
  private final Set<Check> checks;

  private VerdictRule(Builder b) {
    this.maxLatencyIncrease = b.maxLatencyIncrease;
    this.tailQuantile = b.tailQuantile;
    this.maxTailLatencyIncrease = b.maxTailLatencyIncrease;
    this.maxErrorRateIncrease = b.maxErrorRateIncrease;
    this.minAgreement = b.minAgreement;
    this.maxQualityDecrease = b.maxQualityDecrease;
    this.alpha = b.alpha;
    this.warmup = b.warmup;
    this.checks = Set.copyOf(b.checks);
  }

  /** The defaults (see the class comment). */
  public static VerdictRule defaults() {
    return DEFAULTS;
  }

  /** A builder starting from the defaults. */
  public static Builder builder() {
    return new Builder();
  }

  /** A builder starting from this rule. */
  public Builder toBuilder() {
    Builder b = new Builder();
    b.maxLatencyIncrease = maxLatencyIncrease;
    b.tailQuantile = tailQuantile;
    b.maxTailLatencyIncrease = maxTailLatencyIncrease;
    b.maxErrorRateIncrease = maxErrorRateIncrease;
    b.minAgreement = minAgreement;
    b.maxQualityDecrease = maxQualityDecrease;
    b.alpha = alpha;
    b.warmup = warmup;
    b.checks.clear();
    b.checks.addAll(checks);
    return b;
  }

  /** Largest acceptable increase of the geometric-mean run time, candidate/production - 1. */
  public double maxLatencyIncrease() {
    return maxLatencyIncrease;
  }

  /** The latency quantile of the tail check: 0.99 for p99. */
  public double tailQuantile() {
    return tailQuantile;
  }

  /** Largest acceptable increase of that quantile, candidate/production - 1. */
  public double maxTailLatencyIncrease() {
    return maxTailLatencyIncrease;
  }

  /** Largest acceptable increase of the per-request failure rate, as a fraction. */
  public double maxErrorRateIncrease() {
    return maxErrorRateIncrease;
  }

  /** Smallest acceptable share of compared requests whose outputs agree. */
  public double minAgreement() {
    return minAgreement;
  }

  /** Largest acceptable increase of the mean ground-truth loss, in the loss's units. */
  public double maxQualityDecrease() {
    return maxQualityDecrease;
  }

  /** The overall error budget of each kind of error (false FAIL, false PASS). */
  public double alpha() {
    return alpha;
  }

  /** Pairs that started within this time of the start are left out of the latency checks. */
  public Duration warmup() {
    return warmup;
  }

  /** The enabled checks. */
  public Set<Check> checks() {
    return checks;
  }

  /** Whether {@code check} is enabled. */
  public boolean enabled(Check check) {
    return checks.contains(check);
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof VerdictRule r
        && Double.compare(maxLatencyIncrease, r.maxLatencyIncrease) == 0
        && Double.compare(tailQuantile, r.tailQuantile) == 0
        && Double.compare(maxTailLatencyIncrease, r.maxTailLatencyIncrease) == 0
        && Double.compare(maxErrorRateIncrease, r.maxErrorRateIncrease) == 0
        && Double.compare(minAgreement, r.minAgreement) == 0
        && Double.compare(maxQualityDecrease, r.maxQualityDecrease) == 0
        && Double.compare(alpha, r.alpha) == 0
        && warmup.equals(r.warmup)
        && checks.equals(r.checks);
  }

  @Override
  public int hashCode() {
    return Objects.hash(maxLatencyIncrease, tailQuantile, maxTailLatencyIncrease,
        maxErrorRateIncrease, minAgreement, maxQualityDecrease, alpha, warmup, checks);
  }

  @Override
  public String toString() {
    return String.format(Locale.ROOT,
        "VerdictRule[maxLatencyIncrease=%s, tailQuantile=%s, maxTailLatencyIncrease=%s, "
            + "maxErrorRateIncrease=%s, minAgreement=%s, maxQualityDecrease=%s, alpha=%s, "
            + "warmup=%s, checks=%s]",
        maxLatencyIncrease, tailQuantile, maxTailLatencyIncrease, maxErrorRateIncrease,
        minAgreement, maxQualityDecrease, alpha, warmup, EnumSet.copyOf(checks));
  }

  /**
   * Builder for {@link VerdictRule}. Not thread-safe; {@link #build()} validates every setting at
   * once.
   */
  public static final class Builder {
    private double maxLatencyIncrease = 0.10;
    private double tailQuantile = 0.99;
    private double maxTailLatencyIncrease = 0.25;
    private double maxErrorRateIncrease = 0.001;
    private double minAgreement = 0.99;
    private double maxQualityDecrease = 0.01;
    private double alpha = 0.05;
    private Duration warmup = Duration.ZERO;
    private final EnumSet<Check> checks = EnumSet.allOf(Check.class);

    private Builder() {}

    /** Geometric-mean run time, candidate/production, at most {@code 1 + this}; in [0, 100]. */
    public Builder maxLatencyIncrease(double maxLatencyIncrease) {
      this.maxLatencyIncrease = maxLatencyIncrease;
      return this;
    }

    /** The quantile the tail check compares, in [0.5, 0.9999]; default 0.99. */
    public Builder tailQuantile(double tailQuantile) {
      this.tailQuantile = tailQuantile;
      return this;
    }

    /** That quantile, candidate/production, at most {@code 1 + this}; in [0, 100]. */
    public Builder maxTailLatencyIncrease(double maxTailLatencyIncrease) {
      this.maxTailLatencyIncrease = maxTailLatencyIncrease;
      return this;
    }

    /** Failure rate at most this much higher (0.001 = +0.1 points); in [0, 1]. */
    public Builder maxErrorRateIncrease(double maxErrorRateIncrease) {
      this.maxErrorRateIncrease = maxErrorRateIncrease;
      return this;
    }

    /** At least this share of compared outputs agree; in [0, 1]. */
    public Builder minAgreement(double minAgreement) {
      this.minAgreement = minAgreement;
      return this;
    }

    /**
     * Mean ground-truth loss at most this much higher than production's, in the loss's units
     * (0.01 = one point of accuracy); at least 0. Only used when losses are observed.
     */
    public Builder maxQualityDecrease(double maxQualityDecrease) {
      this.maxQualityDecrease = maxQualityDecrease;
      return this;
    }

    /** The error budget, in (0, 0.5]. */
    public Builder alpha(double alpha) {
      this.alpha = alpha;
      return this;
    }

    /**
     * Pairs that start within this time of the start are left out of the latency checks (a
     * freshly loaded candidate's JIT and caches) and reported apart; in [0, 1 day].
     */
    public Builder warmup(Duration warmup) {
      this.warmup = warmup;
      return this;
    }

    /** Leaves a check out of the verdict (and out of alpha's split). */
    public Builder withoutCheck(Check check) {
      checks.remove(Objects.requireNonNull(check, "check"));
      return this;
    }

    /** Puts a check left out back in. */
    public Builder withCheck(Check check) {
      checks.add(Objects.requireNonNull(check, "check"));
      return this;
    }

    /**
     * @throws InvalidConfigurationException naming every invalid field, its value and range
     */
    public VerdictRule build() {
      ConfigErrors errors = new ConfigErrors("verdict rule is invalid");
      check(errors);
      errors.throwIfAny();
      return new VerdictRule(this);
    }

    /** Adds this builder's problems to {@code errors} (a spec reports them with its own). */
    void check(ConfigErrors errors) {
      errors.requireInRange("maxLatencyIncrease", maxLatencyIncrease, 0.0, 100.0);
      errors.requireInRange("tailQuantile", tailQuantile, 0.5, 0.9999);
      errors.requireInRange("maxTailLatencyIncrease", maxTailLatencyIncrease, 0.0, 100.0);
      errors.requireInRange("maxErrorRateIncrease", maxErrorRateIncrease, 0.0, 1.0);
      errors.requireInRange("minAgreement", minAgreement, 0.0, 1.0);
      errors.requireFiniteAtLeast("maxQualityDecrease", maxQualityDecrease, 0.0);
      if (!(alpha > 0 && alpha <= 0.5)) {
        errors.add(new Problem("alpha", alpha, "in (0.0, 0.5]"));
      }
      errors.requireNonNull("warmup", warmup);
      if (warmup != null) {
        errors.requireNotNegative("warmup", warmup, Duration.ofDays(1));
      }
      if (checks.isEmpty()) {
        errors.add(new Problem("checks", "[]", "at least one check"));
      }
    }
  }
}
