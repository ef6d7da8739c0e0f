package dev.shadowrouting;

import org.jspecify.annotations.Nullable;
import dev.shadowrouting.internal.Documents;
import dev.shadowrouting.internal.ReportText;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.OptionalDouble;

/**
 * A snapshot of a shadow test: status, progress, per-variant statistics side by side (production,
 * the candidate and, with a noise baseline, production's A/A copy), and the verdict with one
 * readable reason per check. {@link #toString()} is a side-by-side text table; {@link #toJson()}
 * the stable JSON form, and {@link #toDocument()} the same document as ordered maps.
 *
 * <p>Production's numbers describe the requests the candidate ran on (the pairs), so both columns
 * describe the same requests.
 *
 * <p>Immutable and thread-safe. Built by the router; {@link #builder()} exists for tests of code
 * that consumes reports.
 */
public final class ShadowTestReport {

  /** Which side of the comparison a variant's numbers describe. */
  public enum Side {
    /** The production variant(s), on the requests the candidate ran on. */
    PRODUCTION,
    /** The candidate under test. */
    CANDIDATE,
    /** Production run a second time as a shadow (A/A noise baseline). */
    NOISE
  }

  private final String endpoint;
  private final String candidate;
  private final ShadowTest.Status status;
  private final ShadowTest.Decision decision;
  private final Verdict verdict;
  private final List<Check> checks;
  private final Instant startedAt;
  private final Instant endedAt;
  private final Duration elapsed;
  private final Duration duration;
  private final long calls;
  private final long maxRequests;
  private final double samplingRate;
  private final List<String> productionVariants;
  private final String endReason;
  private final List<VariantReport> variants;
  private final long unmatchedLabels;

  private ShadowTestReport(Builder b) {
    this.endpoint = Objects.requireNonNull(b.endpoint, "endpoint");
    this.candidate = Objects.requireNonNull(b.candidate, "candidate");
    this.status = Objects.requireNonNull(b.status, "status");
    this.decision = Objects.requireNonNull(b.decision, "decision");
    this.verdict = Objects.requireNonNull(b.verdict, "verdict");
    this.checks = List.copyOf(b.checks);
    this.startedAt = Objects.requireNonNull(b.startedAt, "startedAt");
    this.endedAt = b.endedAt;
    this.elapsed = Objects.requireNonNull(b.elapsed, "elapsed");
    this.duration = Objects.requireNonNull(b.duration, "duration");
    this.calls = b.calls;
    this.maxRequests = b.maxRequests;
    this.samplingRate = b.samplingRate;
    this.productionVariants = List.copyOf(b.productionVariants);
    this.endReason = b.endReason;
    this.variants = List.copyOf(b.variants);
    this.unmatchedLabels = b.unmatchedLabels;
  }

  public static Builder builder() {
    return new Builder();
  }

  public String endpoint() {
    return endpoint;
  }

  /** The candidate variant's name. */
  public String candidate() {
    return candidate;
  }

  public ShadowTest.Status status() {
    return status;
  }

  public ShadowTest.Decision decision() {
    return decision;
  }

  /** The overall verdict: FAIL if any check fails, PASS if all pass (after minSamples pairs). */
  public Verdict verdict() {
    return verdict;
  }

  /** One readable line per check, with the numbers it decided on. */
  public List<String> reasons() {
    List<String> reasons = new ArrayList<>(checks.size());
    for (Check c : checks) {
      reasons.add(c.reason());
    }
    return reasons;
  }

  /** The enabled checks, in order latency, errors, agreement. */
  public List<Check> checks() {
    return checks;
  }

  public Instant startedAt() {
    return startedAt;
  }

  /** When the test ended, or {@code null} while it runs. */
  public @Nullable Instant endedAt() {
    return endedAt;
  }

  /** Time from start to now, or to the end once ended. */
  public Duration elapsed() {
    return elapsed;
  }

  /** The time box. */
  public Duration duration() {
    return duration;
  }

  /** Candidate calls that reached an outcome (success, error or timeout). */
  public long calls() {
    return calls;
  }

  /** The request budget, 0 for none. */
  public long maxRequests() {
    return maxRequests;
  }

  /** The candidate's sampling rate when the report was taken. */
  public double samplingRate() {
    return samplingRate;
  }

  /** Progress in [0, 1]: the larger of elapsed/duration and calls/budget; 1 once ended. */
  public double progress() {
    if (status.isEnded()) {
      return 1.0;
    }
    double p = duration.isZero() ? 0 : (double) elapsed.toMillis() / duration.toMillis();
    if (maxRequests > 0) {
      p = Math.max(p, (double) calls / maxRequests);
    }
    return Math.min(1.0, Math.max(0.0, p));
  }

  /**
   * The production variants when the test started; after {@link ShadowTest#promote()}, the ones it
   * replaced (kept so the decision stays auditable).
   */
  public List<String> productionVariants() {
    return productionVariants;
  }

  /** Why the test ended (deadline, budget, stop, which guard...), or {@code null} while it runs. */
  public @Nullable String endReason() {
    return endReason;
  }

  /** Production, the candidate and (with a noise baseline) the A/A copy, in that order. */
  public List<VariantReport> variants() {
    return variants;
  }

  /**
   * The variant of that name ({@code candidate()}, a production variant's name, or the
   * {@code <candidate>~noise} A/A copy).
   *
   * @throws IllegalArgumentException if the report has no such variant, naming those it has
   */
  public VariantReport variant(String name) {
    for (VariantReport v : variants) {
      if (v.name().equals(name)) {
        return v;
      }
    }
    throw new IllegalArgumentException("shadow test report of '" + candidate
        + "' has no variant '" + name + "'; it has "
        + variants.stream().map(VariantReport::name).toList());
  }

  /** Labels given to {@code recordOutcome} that matched no request of any test (unknown, expired). */
  public long unmatchedLabels() {
    return unmatchedLabels;
  }

  /**
   * The report as compact JSON (stable, documented in the README): the document of {@link
   * #toDocument()}, written by shadow-routing itself (no JSON library needed). Thread-safe.
   */
  public String toJson() {
    return Documents.json(w -> Documents.report(this, w));
  }

  /**
   * The report as a JSON document for an application's JSON mapper: ordered maps, lists, strings,
   * {@code Long}s, {@code Double}s, booleans and nulls, which a mapper writes exactly as {@link
   * #toJson()}. A new tree on every call, which the caller may change. Thread-safe.
   */
  public Map<String, Object> toDocument() {
    return Documents.tree(w -> Documents.report(this, w));
  }

  /** A side-by-side text table: status, progress, the variants, and the verdict with reasons. */
  @Override
  public String toString() {
    return ReportText.table(this);
  }

  /** Builder for {@link ShadowTestReport}. Not thread-safe. */
  public static final class Builder {
    private String endpoint;
    private String candidate;
    private ShadowTest.Status status;
    private ShadowTest.Decision decision = ShadowTest.Decision.NONE;
    private Verdict verdict = Verdict.INCONCLUSIVE;
    private List<Check> checks = List.of();
    private Instant startedAt;
    private Instant endedAt;
    private Duration elapsed = Duration.ZERO;
    private Duration duration;
    private long calls;
    private long maxRequests;
    private double samplingRate;
    private List<String> productionVariants = List.of();
    private String endReason;
    private List<VariantReport> variants = List.of();
    private long unmatchedLabels;

    private Builder() {}

    public Builder endpoint(String endpoint) {
      this.endpoint = endpoint;
      return this;
    }

    public Builder candidate(String candidate) {
      this.candidate = candidate;
      return this;
    }

    public Builder status(ShadowTest.Status status) {
      this.status = status;
      return this;
    }

    public Builder decision(ShadowTest.Decision decision) {
      this.decision = decision;
      return this;
    }

    public Builder verdict(Verdict verdict) {
      this.verdict = verdict;
      return this;
    }

    public Builder checks(List<Check> checks) {
      this.checks = checks;
      return this;
    }

    public Builder startedAt(Instant startedAt) {
      this.startedAt = startedAt;
      return this;
    }

    public Builder endedAt(Instant endedAt) {
      this.endedAt = endedAt;
      return this;
    }

    public Builder elapsed(Duration elapsed) {
      this.elapsed = elapsed;
      return this;
    }

    public Builder duration(Duration duration) {
      this.duration = duration;
      return this;
    }

    public Builder calls(long calls) {
      this.calls = calls;
      return this;
    }

    public Builder maxRequests(long maxRequests) {
      this.maxRequests = maxRequests;
      return this;
    }

    public Builder samplingRate(double samplingRate) {
      this.samplingRate = samplingRate;
      return this;
    }

    public Builder productionVariants(List<String> productionVariants) {
      this.productionVariants = productionVariants;
      return this;
    }

    public Builder endReason(String endReason) {
      this.endReason = endReason;
      return this;
    }

    public Builder variants(List<VariantReport> variants) {
      this.variants = variants;
      return this;
    }

    public Builder unmatchedLabels(long unmatchedLabels) {
      this.unmatchedLabels = unmatchedLabels;
      return this;
    }

    public ShadowTestReport build() {
      return new ShadowTestReport(this);
    }
  }

  /**
   * One statistical check of the verdict: its decision, the estimate with its confidence-sequence
   * bounds (anytime-valid at {@link #confidence()}), the threshold, and a readable reason.
   * Latency is a ratio (candidate/production run time), errors a difference of rates, agreement a
   * share. Immutable and thread-safe.
   */
  public static final class Check {
    private final String name;
    private final Verdict verdict;
    private final double estimate;
    private final double lower;
    private final double upper;
    private final double threshold;
    private final double confidence;
    private final long n;
    private final String reason;

    private Check(CheckBuilder b) {
      this.name = Objects.requireNonNull(b.name, "name");
      this.verdict = Objects.requireNonNull(b.verdict, "verdict");
      this.estimate = b.estimate;
      this.lower = b.lower;
      this.upper = b.upper;
      this.threshold = b.threshold;
      this.confidence = b.confidence;
      this.n = b.n;
      this.reason = Objects.requireNonNull(b.reason, "reason");
    }

    public static CheckBuilder builder(String name) {
      return new CheckBuilder(name);
    }

    /** {@code latency}, {@code errors} or {@code agreement}. */
    public String name() {
      return name;
    }

    public Verdict verdict() {
      return verdict;
    }

    /** The point estimate (NaN without data). */
    public double estimate() {
      return estimate;
    }

    /** Lower bound of the confidence sequence (NaN without data). */
    public double lower() {
      return lower;
    }

    /** Upper bound of the confidence sequence (NaN without data). */
    public double upper() {
      return upper;
    }

    public double threshold() {
      return threshold;
    }

    /** The confidence level of the bounds, {@code 1 - alpha/k}. */
    public double confidence() {
      return confidence;
    }

    /** Observations the check used. */
    public long n() {
      return n;
    }

    public String reason() {
      return reason;
    }

    @Override
    public String toString() {
      return reason;
    }
  }

  /** Builder for {@link Check}. Not thread-safe. */
  public static final class CheckBuilder {
    private final String name;
    private Verdict verdict = Verdict.INCONCLUSIVE;
    private double estimate = Double.NaN;
    private double lower = Double.NaN;
    private double upper = Double.NaN;
    private double threshold = Double.NaN;
    private double confidence = Double.NaN;
    private long n;
    private String reason = "";

    private CheckBuilder(String name) {
      this.name = name;
    }

    public CheckBuilder verdict(Verdict verdict) {
      this.verdict = verdict;
      return this;
    }

    public CheckBuilder estimate(double estimate, double lower, double upper) {
      this.estimate = estimate;
      this.lower = lower;
      this.upper = upper;
      return this;
    }

    public CheckBuilder threshold(double threshold) {
      this.threshold = threshold;
      return this;
    }

    public CheckBuilder confidence(double confidence) {
      this.confidence = confidence;
      return this;
    }

    public CheckBuilder n(long n) {
      this.n = n;
      return this;
    }

    public CheckBuilder reason(String reason) {
      this.reason = reason;
      return this;
    }

    public Check build() {
      return new Check(this);
    }
  }

  /** Latency percentiles in nanoseconds (HdrHistogram, 2 significant digits). Immutable. */
  public static final class LatencySummary {
    /** No observations. */
    public static final LatencySummary EMPTY = new LatencySummary(0, 0, 0, 0, 0, 0);

    private final long count;
    private final long p50;
    private final long p90;
    private final long p99;
    private final long p999;
    private final long max;

    private LatencySummary(long count, long p50, long p90, long p99, long p999, long max) {
      this.count = count;
      this.p50 = p50;
      this.p90 = p90;
      this.p99 = p99;
      this.p999 = p999;
      this.max = max;
    }

    /** Percentiles in nanoseconds, in the order of the parameter names. */
    public static LatencySummary ofNanos(long count, long p50, long p90, long p99, long p999,
        long max) {
      return count == 0 ? EMPTY : new LatencySummary(count, p50, p90, p99, p999, max);
    }

    public long count() {
      return count;
    }

    public long p50Nanos() {
      return p50;
    }

    public long p90Nanos() {
      return p90;
    }

    public long p99Nanos() {
      return p99;
    }

    public long p999Nanos() {
      return p999;
    }

    public long maxNanos() {
      return max;
    }

    @Override
    public String toString() {
      return "LatencySummary[count=" + count + ", p50=" + p50 + "ns, p90=" + p90 + "ns, p99="
          + p99 + "ns, p99.9=" + p999 + "ns, max=" + max + "ns]";
    }
  }

  /**
   * One variant's side of the test. {@link #runTime()} is the predictor call alone, timed the same
   * way on both sides (an async predictor: from the call to its stage's completion), so it is what
   * the latency check compares; for the candidate and the noise copy {@link #queueWait()} is the
   * time the copy waited for a worker and {@link #routerTime()} the worker's own time on it around
   * the call (production's are empty: it runs on the caller's thread). Immutable and thread-safe.
   */
  public static final class VariantReport {
    private final String name;
    private final Side side;
    private final long invocations;
    private final long errors;
    private final long timeouts;
    private final long rejected;
    private final LatencySummary runTime;
    private final LatencySummary queueWait;
    private final LatencySummary routerTime;
    private final long compared;
    private final long mismatches;
    private final double agreementLower;
    private final double agreementUpper;
    private final List<String> mismatchSamples;
    private final Map<String, Long> fieldMismatches;
    private final OptionalDouble quality;
    private final long labels;
    private final String qualityMetric;
    private final double throughputPerSecond;

    private VariantReport(VariantBuilder b) {
      this.name = Objects.requireNonNull(b.name, "name");
      this.side = Objects.requireNonNull(b.side, "side");
      this.invocations = b.invocations;
      this.errors = b.errors;
      this.timeouts = b.timeouts;
      this.rejected = b.rejected;
      this.runTime = Objects.requireNonNull(b.runTime, "runTime");
      this.queueWait = Objects.requireNonNull(b.queueWait, "queueWait");
      this.routerTime = Objects.requireNonNull(b.routerTime, "routerTime");
      this.compared = b.compared;
      this.mismatches = b.mismatches;
      this.agreementLower = b.agreementLower;
      this.agreementUpper = b.agreementUpper;
      this.mismatchSamples = List.copyOf(b.mismatchSamples);
      this.fieldMismatches = Map.copyOf(b.fieldMismatches);
      this.quality = b.quality;
      this.labels = b.labels;
      this.qualityMetric = b.qualityMetric;
      this.throughputPerSecond = b.throughputPerSecond;
    }

    public static VariantBuilder builder(String name, Side side) {
      return new VariantBuilder(name, side);
    }

    public String name() {
      return name;
    }

    public Side side() {
      return side;
    }

    /** Calls that reached an outcome: successes, errors and timeouts. */
    public long invocations() {
      return invocations;
    }

    public long errors() {
      return errors;
    }

    public long timeouts() {
      return timeouts;
    }

    /** Sampled copies that never ran (the variant or the pool was saturated, or closed). */
    public long rejected() {
      return rejected;
    }

    /** Errors and timeouts over invocations (NaN without invocations). */
    public double errorRate() {
      return invocations == 0 ? Double.NaN : (double) (errors + timeouts) / invocations;
    }

    /** Run time of the call itself. */
    public LatencySummary runTime() {
      return runTime;
    }

    /** Time between production's answer and a worker taking this copy. */
    public LatencySummary queueWait() {
      return queueWait;
    }

    /**
     * The worker's time on a copy outside its predictor call: restoring the caller's context,
     * waking the timeout watchdog, an async result waiting for a worker, comparison and redaction.
     * The router's cost, never charged to the candidate's {@link #runTime()}.
     */
    public LatencySummary routerTime() {
      return routerTime;
    }

    /** Pairs whose outputs were compared (both sides succeeded). */
    public long compared() {
      return compared;
    }

    public long mismatches() {
      return mismatches;
    }

    /** Share of compared outputs that agree with production's; empty for production itself. */
    public OptionalDouble agreement() {
      return side == Side.PRODUCTION || compared == 0
          ? OptionalDouble.empty()
          : OptionalDouble.of(1.0 - (double) mismatches / compared);
    }

    /** Lower bound of the agreement's confidence sequence (NaN if none). */
    public double agreementLower() {
      return agreementLower;
    }

    /** Upper bound of the agreement's confidence sequence (NaN if none). */
    public double agreementUpper() {
      return agreementUpper;
    }

    /** Request ids of recent mismatches (at most 20), to look them up in the records. */
    public List<String> mismatchSamples() {
      return mismatchSamples;
    }

    /** Mismatches per differing field path (structured outputs), at most 64 paths. */
    public Map<String, Long> fieldMismatches() {
      return fieldMismatches;
    }

    /** Quality from joined ground truth (the metric's mean), empty without labels. */
    public OptionalDouble quality() {
      return quality;
    }

    /** Labels joined with this variant's outputs. */
    public long labels() {
      return labels;
    }

    /** The quality metric's name, or {@code null} without one. */
    public @Nullable String qualityMetric() {
      return qualityMetric;
    }

    /** Invocations per second of the test's elapsed time. */
    public double throughputPerSecond() {
      return throughputPerSecond;
    }

    @Override
    public String toString() {
      return "VariantReport[" + name + ", " + side + ", invocations=" + invocations + ", errors="
          + errors + ", timeouts=" + timeouts + ", rejected=" + rejected + ", runTime=" + runTime
          + ", agreement=" + agreement() + ", quality=" + quality + ']';
    }
  }

  /** Builder for {@link VariantReport}. Not thread-safe. */
  public static final class VariantBuilder {
    private final String name;
    private final Side side;
    private long invocations;
    private long errors;
    private long timeouts;
    private long rejected;
    private LatencySummary runTime = LatencySummary.EMPTY;
    private LatencySummary queueWait = LatencySummary.EMPTY;
    private LatencySummary routerTime = LatencySummary.EMPTY;
    private long compared;
    private long mismatches;
    private double agreementLower = Double.NaN;
    private double agreementUpper = Double.NaN;
    private List<String> mismatchSamples = List.of();
    private Map<String, Long> fieldMismatches = Map.of();
    private OptionalDouble quality = OptionalDouble.empty();
    private long labels;
    private String qualityMetric;
    private double throughputPerSecond;

    private VariantBuilder(String name, Side side) {
      this.name = name;
      this.side = side;
    }

    public VariantBuilder counts(long invocations, long errors, long timeouts, long rejected) {
      this.invocations = invocations;
      this.errors = errors;
      this.timeouts = timeouts;
      this.rejected = rejected;
      return this;
    }

    public VariantBuilder runTime(LatencySummary runTime) {
      this.runTime = runTime;
      return this;
    }

    public VariantBuilder queueWait(LatencySummary queueWait) {
      this.queueWait = queueWait;
      return this;
    }

    public VariantBuilder routerTime(LatencySummary routerTime) {
      this.routerTime = routerTime;
      return this;
    }

    public VariantBuilder agreement(long compared, long mismatches, double lower, double upper) {
      this.compared = compared;
      this.mismatches = mismatches;
      this.agreementLower = lower;
      this.agreementUpper = upper;
      return this;
    }

    public VariantBuilder mismatchSamples(List<String> mismatchSamples) {
      this.mismatchSamples = mismatchSamples;
      return this;
    }

    public VariantBuilder fieldMismatches(Map<String, Long> fieldMismatches) {
      this.fieldMismatches = fieldMismatches;
      return this;
    }

    public VariantBuilder quality(String metric, OptionalDouble quality, long labels) {
      this.qualityMetric = metric;
      this.quality = quality;
      this.labels = labels;
      return this;
    }

    public VariantBuilder throughputPerSecond(double throughputPerSecond) {
      this.throughputPerSecond = throughputPerSecond;
      return this;
    }

    public VariantReport build() {
      return new VariantReport(this);
    }
  }
}
