package dev.shadowrouting.internal.stats;

/**
 * What a shadow test's candidate must show to PASS, and the error budget of the verdict.
 *
 * <p>Immutable and thread-safe.
 *
 * @param maxLatencyIncrease largest acceptable relative run-time increase of the candidate over
 *     production, on the typical (geometric-mean) per-request ratio: 0.10 means "at most 10%
 *     slower"; greater than -1 (a negative value demands a speed-up); NaN switches the check off
 * @param maxErrorRateIncrease largest acceptable <em>absolute</em> increase of the per-request
 *     error rate: 0.001 means "+0.1 percentage points"; in [0, 1); NaN switches the check off
 * @param minAgreement smallest acceptable fraction of compared pairs whose outputs agree, in [0,
 *     1]: 0.99 means "99% agree"; NaN switches the check off
 * @param minSamples no PASS and no FAIL before this many pairs reached an outcome on both sides
 *     (protects the plug-in variance of the latency sequence, and people's trust, from tiny
 *     samples); at least 0
 * @param alpha overall error budget, in (0, 1): the probability that a candidate within every
 *     threshold is ever declared FAIL (split evenly across the enabled checks)
 * @param expectedPairs the number of pairs around which the latency confidence sequence is tuned to
 *     be tightest (N* of {@link NormalMixture#tunedFor}); at least 1. Wrong by 10x either way, the
 *     sequence stays valid and only gets somewhat wider.
 */
public record Thresholds(
    double maxLatencyIncrease,
    double maxErrorRateIncrease,
    double minAgreement,
    long minSamples,
    double alpha,
    long expectedPairs) {

  /** Validates every field; at least one check must be enabled. */
  public Thresholds {
    if (!Double.isNaN(maxLatencyIncrease)
        && !(maxLatencyIncrease > -1 && Double.isFinite(maxLatencyIncrease))) {
      throw new IllegalArgumentException(
          "maxLatencyIncrease must be > -1 and finite, or NaN (off): " + maxLatencyIncrease);
    }
    if (!Double.isNaN(maxErrorRateIncrease)
        && !(maxErrorRateIncrease >= 0 && maxErrorRateIncrease < 1)) {
      throw new IllegalArgumentException(
          "maxErrorRateIncrease must be in [0, 1), or NaN (off): " + maxErrorRateIncrease);
    }
    if (!Double.isNaN(minAgreement) && !(minAgreement >= 0 && minAgreement <= 1)) {
      throw new IllegalArgumentException(
          "minAgreement must be in [0, 1], or NaN (off): " + minAgreement);
    }
    if (minSamples < 0) {
      throw new IllegalArgumentException("minSamples must be >= 0: " + minSamples);
    }
    if (!(alpha > 0 && alpha < 1)) {
      throw new IllegalArgumentException("alpha must be in (0, 1): " + alpha);
    }
    if (expectedPairs < 1) {
      throw new IllegalArgumentException("expectedPairs must be >= 1: " + expectedPairs);
    }
    if (Double.isNaN(maxLatencyIncrease)
        && Double.isNaN(maxErrorRateIncrease)
        && Double.isNaN(minAgreement)) {
      // a verdict with nothing to check would PASS on sample size alone
      throw new IllegalArgumentException("at least one check must be enabled");
    }
  }

  /** Whether the latency check is on. */
  public boolean latencyEnabled() {
    return !Double.isNaN(maxLatencyIncrease);
  }

  /** Whether the error-rate check is on. */
  public boolean errorsEnabled() {
    return !Double.isNaN(maxErrorRateIncrease);
  }

  /** Whether the agreement check is on. */
  public boolean agreementEnabled() {
    return !Double.isNaN(minAgreement);
  }

  /** Number of enabled checks, k: each gets {@code alpha / k}. */
  public int enabledChecks() {
    return (latencyEnabled() ? 1 : 0) + (errorsEnabled() ? 1 : 0) + (agreementEnabled() ? 1 : 0);
  }
}
