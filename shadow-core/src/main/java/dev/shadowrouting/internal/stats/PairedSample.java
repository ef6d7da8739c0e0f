package dev.shadowrouting.internal.stats;


/**
 * Sufficient statistics of one candidate (or of an A/A noise copy of production) against
 * production, over paired requests: every request was sent to both sides, so each statistic is
 * about the <em>pair</em>, which removes the request-to-request variation both sides share.
 *
 * <ul>
 *   <li>latency: {@code D = ln(candidateNanos) - ln(productionNanos)} over pairs where both
 *       succeeded, in a {@link Welford} (so {@code exp(mean D)} is the typical run-time ratio);
 *   <li>errors: over pairs where both sides reached an outcome, the McNemar counts: {@code b} =
 *       production ok and candidate failed, {@code c} = production failed and candidate ok, plus
 *       each side's failure count;
 *   <li>agreement: over compared pairs (both succeeded), the number of mismatches.
 * </ul>
 *
 * <p>Not thread-safe: the caller keeps one per stripe (or guards it) and {@link #merge}s {@link
 * #copy copies} for a verdict.
 */
public final class PairedSample {
  private final Welford latency;
  private long pairs;
  private long candidateOnlyFailures;
  private long productionOnlyFailures;
  private long candidateFailures;
  private long productionFailures;
  private long compared;
  private long mismatches;

  /** An empty sample. */
  public PairedSample() {
    this.latency = new Welford();
  }

  private PairedSample(PairedSample other) {
    this.latency = other.latency.copy();
    this.pairs = other.pairs;
    this.candidateOnlyFailures = other.candidateOnlyFailures;
    this.productionOnlyFailures = other.productionOnlyFailures;
    this.candidateFailures = other.candidateFailures;
    this.productionFailures = other.productionFailures;
    this.compared = other.compared;
    this.mismatches = other.mismatches;
  }

  /**
   * Records the run times of a pair where both sides succeeded. Nanos below 1 are clamped to 1: a
   * clock that reads 0 must not produce an infinite log-ratio.
   */
  public void latencyPair(long candidateNanos, long productionNanos) {
    latency.add(Math.log(Math.max(1L, candidateNanos)) - Math.log(Math.max(1L, productionNanos)));
  }

  /**
   * Records the outcome of a pair where both sides reached one (success, error or timeout, but not
   * "never ran", which says nothing about the candidate).
   */
  public void errorPair(boolean productionFailed, boolean candidateFailed) {
    pairs++;
    if (productionFailed) {
      productionFailures++;
    }
    if (candidateFailed) {
      candidateFailures++;
    }
    if (candidateFailed && !productionFailed) {
      candidateOnlyFailures++;
    } else if (productionFailed && !candidateFailed) {
      productionOnlyFailures++;
    }
  }

  /** Records the comparison of a pair where both sides succeeded. */
  public void comparison(boolean mismatch) {
    compared++;
    if (mismatch) {
      mismatches++;
    }
  }

  /** Adds everything {@code other} has recorded; {@code other} is left unchanged. */
  public void merge(PairedSample other) {
    latency.merge(other.latency);
    pairs += other.pairs;
    candidateOnlyFailures += other.candidateOnlyFailures;
    productionOnlyFailures += other.productionOnlyFailures;
    candidateFailures += other.candidateFailures;
    productionFailures += other.productionFailures;
    compared += other.compared;
    mismatches += other.mismatches;
  }

  /** An independent copy. */
  public PairedSample copy() {
    return new PairedSample(this);
  }

  /** A copy of the latency log-ratio accumulator. */
  public Welford latency() {
    return latency.copy();
  }

  /** Number of latency pairs (both sides succeeded and were timed). */
  public long latencyPairs() {
    return latency.n();
  }

  /** Mean of {@code ln(candidate / production)} run time; 0 before the first latency pair. */
  public double latencyMean() {
    return latency.mean();
  }

  /** Sample variance of {@code ln(candidate / production)} run time; 0 before two pairs. */
  public double latencyVariance() {
    return latency.variance();
  }

  /** Number of pairs where both sides reached an outcome (the error check's n). */
  public long pairs() {
    return pairs;
  }

  /** McNemar's {@code b}: pairs where production succeeded and the candidate failed. */
  public long candidateOnlyFailures() {
    return candidateOnlyFailures;
  }

  /** McNemar's {@code c}: pairs where production failed and the candidate succeeded. */
  public long productionOnlyFailures() {
    return productionOnlyFailures;
  }

  /**
   * {@code b + c}: the pairs where exactly one side failed, the only ones that inform the check.
   */
  public long discordant() {
    return candidateOnlyFailures + productionOnlyFailures;
  }

  /** Pairs where the candidate failed (whatever production did). */
  public long candidateFailures() {
    return candidateFailures;
  }

  /** Pairs where production failed (whatever the candidate did). */
  public long productionFailures() {
    return productionFailures;
  }

  /** Number of compared pairs. */
  public long compared() {
    return compared;
  }

  /** Number of compared pairs whose outputs differed. */
  public long mismatches() {
    return mismatches;
  }

  @Override
  public String toString() {
    return "PairedSample[pairs="
        + pairs
        + ", latency="
        + latency
        + ", b="
        + candidateOnlyFailures
        + ", c="
        + productionOnlyFailures
        + ", candidateFailures="
        + candidateFailures
        + ", productionFailures="
        + productionFailures
        + ", compared="
        + compared
        + ", mismatches="
        + mismatches
        + "]";
  }
}
