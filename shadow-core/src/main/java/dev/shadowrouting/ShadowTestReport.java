package dev.shadowrouting;

import dev.shadowrouting.internal.Documents;
import dev.shadowrouting.internal.ReportText;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.OptionalDouble;
import org.jspecify.annotations.Nullable;

/**
 * A snapshot of a shadow test: status, progress, per-variant statistics side by side (production,
 * the candidate and, with a noise baseline, production's A/A copy), and the verdict with one
 * readable reason per check. {@link #toString()} is a side-by-side text table; {@link #toJson()}
 * the stable JSON form, and {@link #toDocument()} the same document as ordered maps.
 *
 * <p>Production's numbers describe the requests the candidate ran on (the pairs), so both columns
 * describe the same requests.
 *
 * <p>Built by the router ({@link ShadowTest#report()}); a record, so its constructor is public
 * (the router builds it from its own packages), but it has no builder. Immutable (the lists are
 * copied) and thread-safe.
 *
 * @param endpoint the endpoint's name
 * @param candidate the candidate variant's name
 * @param status the test's status when the report was taken
 * @param decision what was done with the candidate at the end: promoted, discarded or nothing yet
 * @param verdict the overall verdict: FAIL if any check fails (final: a live test intersects its
 *     looks), PASS if every applicable check passes (after the optional minSamples pairs)
 * @param checks the applicable checks, in order latency, tail_latency, errors, agreement (once
 *     outputs were compared), quality (once labels joined)
 * @param startedAt when the test started
 * @param endedAt when the test ended, or {@code null} while it runs
 * @param elapsed time from start to now, or to the end once ended
 * @param duration the time box
 * @param calls candidate calls that reached an outcome (success, error or timeout)
 * @param maxRequests the request budget, 0 for none
 * @param samplingRate the candidate's sampling rate when the report was taken
 * @param productionVariants the production variants when the test started; after {@link
 *     ShadowTest#promote()}, the ones it replaced (kept so the decision stays auditable)
 * @param endReason why the test ended (deadline, budget, stop, which guard...), or {@code null}
 *     while it runs
 * @param variants production, the candidate and (with a noise baseline) the A/A copy, in that
 *     order
 * @param unmatchedLabels labels given to {@code recordOutcome} that matched no request of any test
 *     (unknown, expired)
 * @param instances in a {@link ShadowTest#fleetReport() fleet report}, every instance whose
 *     statistics the verdict merged, this one first; empty in an instance's own report
 */
public record ShadowTestReport(String endpoint, String candidate, ShadowTest.Status status,
    ShadowTest.Decision decision, Verdict verdict, List<CheckResult> checks, Instant startedAt,
    @Nullable Instant endedAt, Duration elapsed, Duration duration, long calls, long maxRequests,
    double samplingRate, List<String> productionVariants, @Nullable String endReason,
    List<VariantReport> variants, long unmatchedLabels, List<FleetInstance> instances) {

  /** Which side of the comparison a variant's numbers describe. Thread-safe, as enums are. */
  public enum Side {
    /** The production variant(s), on the requests the candidate ran on. */
    PRODUCTION,
    /** The candidate under test. */
    CANDIDATE,
    /** Production run a second time as a shadow (A/A noise baseline). */
    NOISE
  }

  public ShadowTestReport {
    Objects.requireNonNull(endpoint, "endpoint");
    Objects.requireNonNull(candidate, "candidate");
    Objects.requireNonNull(status, "status");
    Objects.requireNonNull(decision, "decision");
    Objects.requireNonNull(verdict, "verdict");
    checks = List.copyOf(checks);
    Objects.requireNonNull(startedAt, "startedAt");
    Objects.requireNonNull(elapsed, "elapsed");
    Objects.requireNonNull(duration, "duration");
    productionVariants = List.copyOf(productionVariants);
    variants = List.copyOf(variants);
    instances = List.copyOf(instances);
  }

  /**
   * One instance of a fleet, as a fleet report saw it. Immutable and thread-safe.
   *
   * @param id the instance's {@link Fleet#instanceId()}
   * @param pairs the pairs of its statistics
   * @param updatedAt when it published them (this instance: when the report was taken)
   * @param stale true if its last update is older than three publish intervals (it stopped, or
   *     the transport is down): its pairs still count, they were valid
   */
  public record FleetInstance(String id, long pairs, Instant updatedAt, boolean stale) {
    public FleetInstance {
      Objects.requireNonNull(id, "id");
      Objects.requireNonNull(updatedAt, "updatedAt");
    }
  }

  /** One readable line per check, with the numbers it decided on. */
  public List<String> reasons() {
    List<String> reasons = new ArrayList<>(checks.size());
    for (CheckResult c : checks) {
      reasons.add(c.reason());
    }
    return reasons;
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
   * The check named {@code name} ({@code "latency"}, {@code "tail_latency"}, {@code "errors"},
   * {@code "agreement"}, {@code "quality"}), if it is part of this report's verdict.
   */
  public java.util.Optional<CheckResult> check(String name) {
    return checks.stream().filter(c -> c.name().equals(name)).findFirst();
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

  /**
   * The report as compact JSON (stable, documented in docs/spring.md): the document of {@link
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

  /**
   * The result of one statistical check of the verdict: its decision, the estimate with its
   * confidence-sequence bounds (anytime-valid at {@link #confidence()}), the threshold, and a
   * readable reason. Latency is a ratio (candidate/production run time), errors a difference of
   * rates, agreement a share. Which checks run is the spec's {@link ShadowTestSpec.Check}. Built by
   * the router, like the report. Immutable and thread-safe.
   *
   * @param name {@code latency}, {@code errors} or {@code agreement}
   * @param verdict the check's decision
   * @param estimate the point estimate (NaN without data)
   * @param lower lower bound of the confidence sequence (NaN without data)
   * @param upper upper bound of the confidence sequence (NaN without data)
   * @param threshold the threshold the confidence sequence is compared with
   * @param confidence the confidence level of the bounds, {@code 1 - alpha/k}
   * @param n observations the check used
   * @param reason one readable line with the numbers the check decided on; also its {@link
   *     #toString()}
   */
  public record CheckResult(String name, Verdict verdict, double estimate, double lower,
      double upper, double threshold, double confidence, long n, String reason) {

    public CheckResult {
      Objects.requireNonNull(name, "name");
      Objects.requireNonNull(verdict, "verdict");
      Objects.requireNonNull(reason, "reason");
    }

    @Override
    public String toString() {
      return reason;
    }
  }

  /**
   * Latency percentiles in nanoseconds (HdrHistogram, 2 significant digits). Built by the router,
   * like the report. Immutable and thread-safe.
   *
   * @param count how many latencies the percentiles summarise
   * @param p50Nanos the median
   * @param p90Nanos the 90th percentile
   * @param p99Nanos the 99th percentile
   * @param p999Nanos the 99.9th percentile
   * @param maxNanos the largest
   */
  public record LatencySummary(long count, long p50Nanos, long p90Nanos, long p99Nanos,
      long p999Nanos, long maxNanos) {

    /** No observations. */
    public static final LatencySummary EMPTY = new LatencySummary(0, 0, 0, 0, 0, 0);

    @Override
    public String toString() {
      return "LatencySummary[count=" + count + ", p50=" + p50Nanos + "ns, p90=" + p90Nanos
          + "ns, p99=" + p99Nanos + "ns, p99.9=" + p999Nanos + "ns, max=" + maxNanos + "ns]";
    }
  }

  /**
   * One variant's side of the test. {@link #runTime()} is the predictor call alone, timed the same
   * way on both sides (an async predictor: from the call to its stage's completion), so it is what
   * the latency check compares; for the candidate and the noise copy {@link #queueWait()} is the
   * time the copy waited for a worker and {@link #routerTime()} the worker's own time on it around
   * the call (production's are empty: it runs on the caller's thread). Built by the router, like
   * the report. Immutable (the list and map are copied) and thread-safe.
   *
   * @param name the variant's name (production's variants joined with {@code +})
   * @param side which side of the comparison it is
   * @param invocations calls that reached an outcome: successes, errors and timeouts
   * @param errors calls that failed
   * @param timeouts calls that timed out
   * @param rejected sampled copies that never ran (the variant or the pool was saturated, or
   *     closed)
   * @param runTime run time of the call itself
   * @param queueWait time between production's answer and a worker taking this copy
   * @param routerTime the worker's time on a copy outside its predictor call: restoring the
   *     caller's context, waking the timeout watchdog, an async result waiting for a worker,
   *     comparison and redaction. The router's cost, never charged to the candidate's {@code
   *     runTime}
   * @param compared pairs whose outputs were compared (both sides succeeded)
   * @param mismatches compared pairs whose outputs differed
   * @param agreementLower lower bound of the agreement's confidence sequence (NaN if none)
   * @param agreementUpper upper bound of the agreement's confidence sequence (NaN if none)
   * @param mismatchSamples request ids of recent mismatches (at most 20), to look them up in the
   *     records
   * @param fieldMismatches mismatches per differing field path (structured outputs), at most 64
   *     paths
   * @param qualityMetric the quality metric's name, or {@code null} without one
   * @param quality quality from joined ground truth (the metric's mean), empty without labels
   * @param labels labels joined with this variant's outputs
   * @param throughputPerSecond invocations per second of the test's elapsed time
   */
  public record VariantReport(String name, Side side, long invocations, long errors,
      long timeouts, long rejected, LatencySummary runTime, LatencySummary queueWait,
      LatencySummary routerTime, long compared, long mismatches, double agreementLower,
      double agreementUpper, List<String> mismatchSamples, Map<String, Long> fieldMismatches,
      @Nullable String qualityMetric, OptionalDouble quality, long labels,
      double throughputPerSecond) {

    public VariantReport {
      Objects.requireNonNull(name, "name");
      Objects.requireNonNull(side, "side");
      Objects.requireNonNull(runTime, "runTime");
      Objects.requireNonNull(queueWait, "queueWait");
      Objects.requireNonNull(routerTime, "routerTime");
      mismatchSamples = List.copyOf(mismatchSamples);
      fieldMismatches = Map.copyOf(fieldMismatches);
      Objects.requireNonNull(quality, "quality");
    }

    /** Errors and timeouts over invocations (NaN without invocations). */
    public double errorRate() {
      return invocations == 0 ? Double.NaN : (double) (errors + timeouts) / invocations;
    }

    /** Share of compared outputs that agree with production's; empty for production itself. */
    public OptionalDouble agreement() {
      return side == Side.PRODUCTION || compared == 0
          ? OptionalDouble.empty()
          : OptionalDouble.of(1.0 - (double) mismatches / compared);
    }

    @Override
    public String toString() {
      return "VariantReport[" + name + ", " + side + ", invocations=" + invocations + ", errors="
          + errors + ", timeouts=" + timeouts + ", rejected=" + rejected + ", runTime=" + runTime
          + ", agreement=" + agreement() + ", quality=" + quality + ']';
    }
  }
}
