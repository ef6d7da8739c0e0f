package dev.shadowrouting;

import org.jspecify.annotations.Nullable;
import dev.shadowrouting.internal.util.ConfigErrors;
import java.time.Clock;
import java.time.Duration;
import java.util.Objects;
import java.util.Set;

/**
 * What a shadow test runs and how it decides: the candidate variant, its sampling rate, the time
 * box and optional request budget, the {@link VerdictRule} of the verdict, the guards that stop a
 * broken candidate at once, and optional ground truth. Start one with
 * {@link ShadowRouter#startTest}.
 *
 * <p>The verdict ({@link ShadowTestReport#verdict()}) is anytime-valid: it may be read after every
 * request without inflating its error rates. A candidate within every threshold is declared
 * {@link Verdict#FAIL} with probability at most {@code alpha}, and one beyond a threshold is
 * declared {@link Verdict#PASS} with probability at most {@code alpha}, however often it is looked
 * at (see {@link VerdictRule} for the method and its assumptions). A live test reports the running
 * intersection of its checks' intervals, so a FAIL is final; by default it ends the test at once.
 *
 * <p>Defaults: sampling rate of the candidate variant (1.0 unless set there), 7 days, no request
 * budget, {@link VerdictRule#defaults()} (quality only with a quality metric), no extra
 * {@code minSamples} gate, a statistical FAIL ends the test, guards at 50% errors and 50% timeouts
 * (from 20 calls on), no rejected-rate guard, no quality metric (labels wait 24 h), no noise
 * baseline.
 *
 * <p>Immutable and thread-safe; validated in {@link Builder#build()}, which reports every error at
 * once.
 *
 * @param <I> input type
 * @param <O> output type
 */
public final class ShadowTestSpec<I extends @Nullable Object, O extends @Nullable Object> {

  /** The statistical checks of the verdict; all are enabled by default. */
  public enum Check {
    /** Paired run-time ratio, candidate over production, against {@code maxLatencyIncrease}. */
    LATENCY,
    /** Paired error-rate difference against {@code maxErrorRateIncrease}. */
    ERRORS,
    /** Share of compared requests whose outputs agree, against {@code minAgreement}. */
    AGREEMENT,
    /**
     * A latency quantile (p99 by default), candidate over production, against {@code
     * maxTailLatencyIncrease}; timeouts count as at least the timeout.
     */
    TAIL_LATENCY,
    /**
     * Paired ground-truth loss, candidate minus production, against {@code maxQualityDecrease};
     * only when labels are recorded.
     */
    QUALITY
  }

  /** Lower bound of {@code duration}. */
  public static final Duration MIN_DURATION = Duration.ofSeconds(1);
  /** Upper bound of {@code duration}. */
  public static final Duration MAX_DURATION = Duration.ofDays(30);
  /** Default {@code duration}: the time box. */
  public static final Duration DEFAULT_DURATION = Duration.ofDays(7);
  /** Default {@code maxRequests}: 0, no request budget. */
  public static final long DEFAULT_MAX_REQUESTS = 0;
  /** Default {@code maxLatencyIncrease}: at most 10% slower. */
  public static final double DEFAULT_MAX_LATENCY_INCREASE = 0.10;
  /** Upper bound of {@code maxLatencyIncrease} (the candidate 101 times slower). */
  public static final double MAX_LATENCY_INCREASE = 100.0;
  /** Upper bound of {@code minSamples}. */
  public static final long MAX_MIN_SAMPLES = 1_000_000_000L;
  /** Upper bound of {@code alpha} (exclusive lower bound 0). */
  public static final double MAX_ALPHA = 0.5;
  /** Default {@code maxErrorRateIncrease}: at most 0.1 percentage points more errors. */
  public static final double DEFAULT_MAX_ERROR_RATE_INCREASE = 0.001;
  /** Default {@code minAgreement}. */
  public static final double DEFAULT_MIN_AGREEMENT = 0.99;
  /** Default {@code minSamples}: 1, no extra gate (each check has its own floor). */
  public static final long DEFAULT_MIN_SAMPLES = 1;
  /** Default {@code alpha}. */
  public static final double DEFAULT_ALPHA = 0.05;
  /** Default {@code stopIfErrorRateAbove}. */
  public static final double DEFAULT_STOP_IF_ERROR_RATE_ABOVE = 0.5;
  /** Default {@code stopIfTimeoutRateAbove}. */
  public static final double DEFAULT_STOP_IF_TIMEOUT_RATE_ABOVE = 0.5;
  /** 1.0: off (a rate cannot be above it). */
  public static final double DEFAULT_STOP_IF_REJECTED_RATE_ABOVE = 1.0;
  public static final long DEFAULT_GUARD_MIN_CALLS = 20;
  public static final int DEFAULT_GROUND_TRUTH_MAX_ENTRIES = 100_000;
  public static final int MAX_GROUND_TRUTH_ENTRIES = 10_000_000;
  /** Labels wait a day by default: chargebacks and clicks arrive hours after the prediction. */
  public static final Duration DEFAULT_GROUND_TRUTH_EXPIRY = Duration.ofHours(24);
  public static final Duration MAX_GROUND_TRUTH_EXPIRY = Duration.ofDays(30);
  /** Suffix of the A/A noise-baseline variant's name: {@code <candidate>~noise}. */
  public static final String NOISE_SUFFIX = "~noise";

  private final Variant<I, O> candidate;
  private final double samplingRate;
  private final Duration duration;
  private final long maxRequests;
  private final VerdictRule rule;
  private final boolean continueAfterFail;
  private final long minSamples;
  private final long expectedPairs;
  private final double stopIfErrorRateAbove;
  private final double stopIfTimeoutRateAbove;
  private final double stopIfRejectedRateAbove;
  private final long guardMinCalls;
  private final QualityMetric<? super O> qualityMetric;
  private final int groundTruthMaxEntries;
  private final Duration groundTruthExpiry;
  private final boolean noiseBaseline;
  private final Clock clock;

  private ShadowTestSpec(Builder<I, O> b, Variant<I, O> candidate) {
    this.candidate = b.samplingRate == null || b.samplingRate == candidate.samplingRate()
        ? candidate
        : candidate.toBuilder().samplingRate(b.samplingRate).build();
    this.samplingRate = this.candidate.samplingRate();
    this.duration = b.duration;
    this.maxRequests = b.maxRequests;
    this.rule = b.rule.build();
    this.continueAfterFail = b.continueAfterFail;
    this.minSamples = b.minSamples;
    this.expectedPairs = b.expectedPairs;
    this.stopIfErrorRateAbove = b.stopIfErrorRateAbove;
    this.stopIfTimeoutRateAbove = b.stopIfTimeoutRateAbove;
    this.stopIfRejectedRateAbove = b.stopIfRejectedRateAbove;
    this.guardMinCalls = b.guardMinCalls;
    this.qualityMetric = b.qualityMetric;
    this.groundTruthMaxEntries = b.groundTruthMaxEntries;
    this.groundTruthExpiry = b.groundTruthExpiry;
    this.noiseBaseline = b.noiseBaseline;
    this.clock = b.clock;
  }

  /** A builder for a test of {@code candidate}, which must not be a variant of the endpoint yet. */
  public static <I extends @Nullable Object, O extends @Nullable Object>
      Builder<I, O> builder(Variant<I, O> candidate) {
    return new Builder<>(candidate, null);
  }

  /**
   * A builder for a test of the variant {@code candidate} builds: {@link Builder#build()} builds
   * and validates it with the test's settings, so its problems are reported with the test's, each
   * under {@code candidate} (e.g. {@code candidate.timeout}). The variant builder is read when
   * {@link Builder#build()} runs.
   */
  public static <I extends @Nullable Object, O extends @Nullable Object>
      Builder<I, O> builder(Variant.Builder<I, O> candidate) {
    return new Builder<>(null, Objects.requireNonNull(candidate, "candidate"));
  }

  /** The candidate, with the test's sampling rate. */
  public Variant<I, O> candidate() {
    return candidate;
  }

  public double samplingRate() {
    return samplingRate;
  }

  public Duration duration() {
    return duration;
  }

  /** Shadow calls after which the test completes; 0 for no budget. */
  public long maxRequests() {
    return maxRequests;
  }

  /**
   * The verdict's rule: thresholds, alpha, warm-up and enabled checks (the threshold setters of
   * the builder write into it). A test without a {@link #qualityMetric()} leaves the quality check
   * out of its verdict (and out of alpha's split).
   */
  public VerdictRule rule() {
    return rule;
  }

  /** The rule's {@link VerdictRule#maxLatencyIncrease()}. */
  public double maxLatencyIncrease() {
    return rule.maxLatencyIncrease();
  }

  /** The rule's {@link VerdictRule#maxErrorRateIncrease()}. */
  public double maxErrorRateIncrease() {
    return rule.maxErrorRateIncrease();
  }

  /** The rule's {@link VerdictRule#minAgreement()}. */
  public double minAgreement() {
    return rule.minAgreement();
  }

  /** An optional extra gate: no PASS or FAIL before this many pairs (default 1: none). */
  public long minSamples() {
    return minSamples;
  }

  /** The rule's {@link VerdictRule#alpha()}. */
  public double alpha() {
    return rule.alpha();
  }

  /**
   * What was given to {@link Builder#expectedPairs}; 0 by default.
   *
   * @deprecated no longer used: each check is tuned for the number of pairs at which its decision
   *     is wanted (see {@link VerdictRule}), not for the budget or the time box. Kept so code that
   *     sets it compiles; it changes nothing.
   */
  @Deprecated
  public long expectedPairs() {
    return expectedPairs;
  }

  /** The enabled checks (the rule's). */
  public Set<Check> checks() {
    return rule.checks();
  }

  /**
   * Whether the test keeps running after a statistical FAIL; by default (false) a FAIL ends it at
   * once, COMPLETED with verdict FAIL, and the candidate stops taking copies.
   */
  public boolean continueAfterFail() {
    return continueAfterFail;
  }

  public double stopIfErrorRateAbove() {
    return stopIfErrorRateAbove;
  }

  public double stopIfTimeoutRateAbove() {
    return stopIfTimeoutRateAbove;
  }

  public double stopIfRejectedRateAbove() {
    return stopIfRejectedRateAbove;
  }

  /** Calls of the candidate before a guard may stop the test. */
  public long guardMinCalls() {
    return guardMinCalls;
  }

  /** The quality metric for ground truth, or {@code null} for none. */
  public @Nullable QualityMetric<? super O> qualityMetric() {
    return qualityMetric;
  }

  public int groundTruthMaxEntries() {
    return groundTruthMaxEntries;
  }

  public Duration groundTruthExpiry() {
    return groundTruthExpiry;
  }

  public boolean noiseBaseline() {
    return noiseBaseline;
  }

  /** The clock the deadline is read from. */
  public Clock clock() {
    return clock;
  }

  @Override
  public String toString() {
    return "ShadowTestSpec[candidate=" + candidate.name() + ", samplingRate=" + samplingRate
        + ", duration=" + duration + ", maxRequests=" + maxRequests
        + ", rule=" + rule + ", minSamples=" + minSamples
        + ", continueAfterFail=" + continueAfterFail + ", noiseBaseline=" + noiseBaseline + ']';
  }

  /**
   * Builder for {@link ShadowTestSpec}. Not thread-safe; every setter may be called any number of
   * times and {@link #build()} validates all settings at once.
   */
  public static final class Builder<I extends @Nullable Object, O extends @Nullable Object> {
    /** The candidate given built, or null when it is given as {@link #candidateBuilder}. */
    private final Variant<I, O> candidate;
    private final Variant.Builder<I, O> candidateBuilder;
    private Double samplingRate;
    private Duration duration = DEFAULT_DURATION;
    private long maxRequests = DEFAULT_MAX_REQUESTS;
    private VerdictRule.Builder rule = VerdictRule.builder();
    private boolean continueAfterFail;
    private long minSamples = DEFAULT_MIN_SAMPLES;
    private long expectedPairs;
    private double stopIfErrorRateAbove = DEFAULT_STOP_IF_ERROR_RATE_ABOVE;
    private double stopIfTimeoutRateAbove = DEFAULT_STOP_IF_TIMEOUT_RATE_ABOVE;
    private double stopIfRejectedRateAbove = DEFAULT_STOP_IF_REJECTED_RATE_ABOVE;
    private long guardMinCalls = DEFAULT_GUARD_MIN_CALLS;
    private QualityMetric<? super O> qualityMetric;
    private int groundTruthMaxEntries = DEFAULT_GROUND_TRUTH_MAX_ENTRIES;
    private Duration groundTruthExpiry = DEFAULT_GROUND_TRUTH_EXPIRY;
    private boolean noiseBaseline;
    private Clock clock = Clock.systemUTC();

    private Builder(Variant<I, O> candidate, Variant.Builder<I, O> candidateBuilder) {
      this.candidate = candidate;
      this.candidateBuilder = candidateBuilder;
    }

    /** Share of requests copied to the candidate, in [0, 1]; changeable while the test runs. */
    public Builder<I, O> samplingRate(double samplingRate) {
      this.samplingRate = samplingRate;
      return this;
    }

    /** The time box, in [1 s, 30 days]. */
    public Builder<I, O> duration(Duration duration) {
      this.duration = duration;
      return this;
    }

    /** A budget of candidate calls that ends the test when spent, {@code >= 1}; 0 for none. */
    public Builder<I, O> maxRequests(long maxRequests) {
      this.maxRequests = maxRequests;
      return this;
    }

    /** The candidate may be at most this much slower per request (0.10 = 10%), in [0, 100]. */
    public Builder<I, O> maxLatencyIncrease(double maxLatencyIncrease) {
      rule.maxLatencyIncrease(maxLatencyIncrease);
      return this;
    }

    /** At most this many more failed requests, as a fraction (0.001 = +0.1 points), in [0, 1]. */
    public Builder<I, O> maxErrorRateIncrease(double maxErrorRateIncrease) {
      rule.maxErrorRateIncrease(maxErrorRateIncrease);
      return this;
    }

    /** Outputs must agree on at least this share of compared requests, in [0, 1]. */
    public Builder<I, O> minAgreement(double minAgreement) {
      rule.minAgreement(minAgreement);
      return this;
    }

    /**
     * An optional extra gate: no PASS or FAIL before this many paired observations, in [1, 1e9];
     * default 1 (none: each check has its own floor).
     */
    public Builder<I, O> minSamples(long minSamples) {
      this.minSamples = minSamples;
      return this;
    }

    /** Overall error probability of the verdict, in (0, 0.5]. */
    public Builder<I, O> alpha(double alpha) {
      rule.alpha(alpha);
      return this;
    }

    /**
     * Validated in [0, 1e12] and kept.
     *
     * @deprecated no longer used: each check is tuned for the number of pairs at which its
     *     decision is wanted; this setting changes nothing
     */
    @Deprecated
    public Builder<I, O> expectedPairs(long expectedPairs) {
      this.expectedPairs = expectedPairs;
      return this;
    }

    /** The rule's {@link VerdictRule.Builder#tailQuantile}: the tail check's quantile. */
    public Builder<I, O> tailQuantile(double tailQuantile) {
      rule.tailQuantile(tailQuantile);
      return this;
    }

    /** The rule's {@link VerdictRule.Builder#maxTailLatencyIncrease}. */
    public Builder<I, O> maxTailLatencyIncrease(double maxTailLatencyIncrease) {
      rule.maxTailLatencyIncrease(maxTailLatencyIncrease);
      return this;
    }

    /** The rule's {@link VerdictRule.Builder#maxQualityDecrease}. */
    public Builder<I, O> maxQualityDecrease(double maxQualityDecrease) {
      rule.maxQualityDecrease(maxQualityDecrease);
      return this;
    }

    /** The rule's {@link VerdictRule.Builder#warmup}, counted from the test's start. */
    public Builder<I, O> warmup(Duration warmup) {
      rule.warmup(warmup);
      return this;
    }

    /** Leaves a check out of the verdict and the report. */
    public Builder<I, O> withoutCheck(Check check) {
      rule.withoutCheck(check);
      return this;
    }

    /**
     * The whole verdict rule (thresholds, tail quantile, quality, alpha, warm-up, checks),
     * replacing what the threshold setters set so far; setters called afterwards change it.
     */
    public Builder<I, O> rule(VerdictRule rule) {
      this.rule = Objects.requireNonNull(rule, "rule").toBuilder();
      return this;
    }

    /**
     * Keeps the test running after a statistical FAIL (default false: a FAIL ends the test at
     * once, COMPLETED with verdict FAIL).
     */
    public Builder<I, O> continueAfterFail(boolean continueAfterFail) {
      this.continueAfterFail = continueAfterFail;
      return this;
    }

    /** Guard: the test ends as {@code FAILED} when the candidate's error rate exceeds this. */
    public Builder<I, O> stopIfErrorRateAbove(double rate) {
      this.stopIfErrorRateAbove = rate;
      return this;
    }

    /** Guard: the test ends as {@code FAILED} when the candidate's timeout rate exceeds this. */
    public Builder<I, O> stopIfTimeoutRateAbove(double rate) {
      this.stopIfTimeoutRateAbove = rate;
      return this;
    }

    /**
     * Guard: the test ends as {@code FAILED} when more than this share of the candidate's sampled
     * copies is rejected (it cannot keep up); 1.0 (the default) is off.
     */
    public Builder<I, O> stopIfRejectedRateAbove(double rate) {
      this.stopIfRejectedRateAbove = rate;
      return this;
    }

    /** Calls of the candidate before any guard may trip, in [1, 1e9]. */
    public Builder<I, O> guardMinCalls(long guardMinCalls) {
      this.guardMinCalls = guardMinCalls;
      return this;
    }

    /** Model quality from ground truth given to {@link ShadowRouter#recordOutcome}. */
    public Builder<I, O> qualityMetric(@Nullable QualityMetric<? super O> qualityMetric) {
      this.qualityMetric = qualityMetric;
      return this;
    }

    /**
     * Bounds of the ground-truth join: requests waiting for their label, in [1, 10,000,000], and
     * how long one waits after its prediction, in (0, 30 days].
     */
    public Builder<I, O> groundTruth(int maxEntries, Duration expiry) {
      this.groundTruthMaxEntries = maxEntries;
      this.groundTruthExpiry = expiry;
      return this;
    }

    /**
     * Also runs production as a shadow on the same sampled requests (an A/A copy named
     * {@code <candidate>~noise}), so production's own nondeterminism and the pool's latency noise
     * are measured beside the candidate's and not blamed on it.
     */
    public Builder<I, O> noiseBaseline(boolean noiseBaseline) {
      this.noiseBaseline = noiseBaseline;
      return this;
    }

    /** The clock of the time box (tests use a controllable one). */
    public Builder<I, O> clock(Clock clock) {
      this.clock = clock;
      return this;
    }

    /**
     * @throws InvalidConfigurationException naming every invalid field, its value and allowed
     *     range; a problem of a candidate given as a builder under {@code candidate}, e.g.
     *     {@code candidate.timeout}
     */
    public ShadowTestSpec<I, O> build() {
      String candidateName = candidateBuilder != null ? candidateBuilder.name()
          : candidate != null ? candidate.name() : null;
      ConfigErrors errors = new ConfigErrors("shadow test of '" + candidateName + "' is invalid");
      Variant<I, O> resolved = candidate;
      if (candidateBuilder == null) {
        errors.requireNonNull("candidate", candidate);
      } else if (errors.nested("candidate", candidateBuilder::check)) {
        resolved = candidateBuilder.build();
      }
      if (samplingRate != null) {
        errors.requireInRange("samplingRate", samplingRate, 0.0, 1.0);
      }
      errors.requireInRange("duration", duration, MIN_DURATION, MAX_DURATION);
      errors.requireInRange("maxRequests", maxRequests, 0, Long.MAX_VALUE);
      rule.check(errors);
      errors.requireInRange("minSamples", minSamples, 1, MAX_MIN_SAMPLES);
      errors.requireInRange("expectedPairs", expectedPairs, 0, 1_000_000_000_000L);
      errors.requireInRange("stopIfErrorRateAbove", stopIfErrorRateAbove, 0.0, 1.0);
      errors.requireInRange("stopIfTimeoutRateAbove", stopIfTimeoutRateAbove, 0.0, 1.0);
      errors.requireInRange("stopIfRejectedRateAbove", stopIfRejectedRateAbove, 0.0, 1.0);
      errors.requireInRange("guardMinCalls", guardMinCalls, 1, 1_000_000_000L);
      errors.requireInRange("groundTruth.maxEntries", groundTruthMaxEntries, 1,
          MAX_GROUND_TRUTH_ENTRIES);
      errors.requirePositive("groundTruth.expiry", groundTruthExpiry, MAX_GROUND_TRUTH_EXPIRY);
      errors.requireNonNull("clock", clock);
      int maxNameLength = 200 - NOISE_SUFFIX.length();
      if (candidateName != null && candidateName.length() > maxNameLength && noiseBaseline) {
        errors.add(new Problem("candidate.name", candidateName, "at most " + maxNameLength
                + " characters with noiseBaseline"),
            "candidate name must be at most " + maxNameLength
                + " characters with noiseBaseline (the A/A variant is named <candidate>"
                + NOISE_SUFFIX + ")");
      }
      errors.throwIfAny();
      return new ShadowTestSpec<>(this, resolved);
    }
  }
}
