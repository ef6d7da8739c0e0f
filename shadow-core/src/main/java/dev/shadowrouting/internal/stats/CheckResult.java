package dev.shadowrouting.internal.stats;

import dev.shadowrouting.Verdict;

/**
 * The outcome of one statistical check of a shadow test, with the numbers behind it.
 *
 * <p>Units per check: {@code "latency"}: candidate/production run-time ratio (threshold {@code 1 +
 * maxLatencyIncrease}); {@code "errors"}: absolute difference of per-request error rates, candidate
 * minus production (threshold {@code maxErrorRateIncrease}); {@code "agreement"}: fraction of
 * compared pairs that agree (threshold {@code minAgreement}). With an A/A noise baseline, latency
 * and agreement are the noise-adjusted (excess) versions in the same units.
 *
 * <p>Immutable and thread-safe.
 *
 * @param name {@code "latency"}, {@code "errors"} or {@code "agreement"}
 * @param verdict this check's verdict
 * @param estimate the point estimate
 * @param lower lower end of the confidence sequence (anytime-valid)
 * @param upper upper end of the confidence sequence
 * @param threshold the threshold the sequence is compared with
 * @param confidence {@code 1 - alpha} of the sequence ({@code alpha / k} with k enabled checks)
 * @param n the observations the check used (latency pairs, pairs, or compared pairs)
 * @param reason one readable line with the numbers, ending with {@code -> VERDICT}
 */
public record CheckResult(
    String name,
    Verdict verdict,
    double estimate,
    double lower,
    double upper,
    double threshold,
    double confidence,
    long n,
    String reason) {}
