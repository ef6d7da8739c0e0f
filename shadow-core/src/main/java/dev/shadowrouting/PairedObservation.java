package dev.shadowrouting;

import java.time.Instant;
import java.util.Objects;
import org.jspecify.annotations.Nullable;

/**
 * One request answered by production and by the candidate: each side's outcome and run time, and
 * optionally whether their outputs agreed and each side's ground-truth loss. The input of {@link
 * PairedStatistics#add}, for replays, offline analyses and custom pipelines (live shadow tests
 * record the same pairs themselves).
 *
 * <pre>{@code
 * PairedObservation.builder()
 *     .production(Outcome.SUCCESS, 1_200_000L)
 *     .candidate(Outcome.SUCCESS, 1_450_000L)
 *     .agreement(true)
 *     .losses(0.0, 1.0)
 *     .timestamp(Instant.parse("2026-12-03T10:15:30Z"))
 *     .build();
 * }</pre>
 *
 * <p>A TIMEOUT's run time is how long the side was waited for: the tail check counts it as "at
 * least that". A REJECTED side (never ran) makes the pair count for nothing.
 *
 * <p>Immutable and thread-safe.
 */
public final class PairedObservation {
  private final Outcome productionOutcome;
  private final long productionNanos;
  private final Outcome candidateOutcome;
  private final long candidateNanos;
  private final @Nullable Boolean agreement;
  private final double productionLoss;
  private final double candidateLoss;
  private final Instant timestamp;

  private PairedObservation(Builder b) {
    this.productionOutcome = b.productionOutcome;
    this.productionNanos = b.productionNanos;
    this.candidateOutcome = b.candidateOutcome;
    this.candidateNanos = b.candidateNanos;
    this.agreement = b.agreement;
    this.productionLoss = b.productionLoss;
    this.candidateLoss = b.candidateLoss;
    this.timestamp = b.timestamp != null ? b.timestamp : Instant.now();
  }

  /** A builder; {@code production} and {@code candidate} are required. */
  public static Builder builder() {
    return new Builder();
  }

  public Outcome productionOutcome() {
    return productionOutcome;
  }

  /** Production's run time in nanoseconds. */
  public long productionNanos() {
    return productionNanos;
  }

  public Outcome candidateOutcome() {
    return candidateOutcome;
  }

  /** The candidate's run time in nanoseconds. */
  public long candidateNanos() {
    return candidateNanos;
  }

  /** Whether the outputs agreed; null when they were not compared. */
  public @Nullable Boolean agreement() {
    return agreement;
  }

  /** Production's ground-truth loss; NaN when not labelled. */
  public double productionLoss() {
    return productionLoss;
  }

  /** The candidate's ground-truth loss; NaN when not labelled. */
  public double candidateLoss() {
    return candidateLoss;
  }

  /** When the pair started. */
  public Instant timestamp() {
    return timestamp;
  }

  @Override
  public String toString() {
    return "PairedObservation[production=" + productionOutcome + " " + productionNanos
        + "ns, candidate=" + candidateOutcome + " " + candidateNanos + "ns, agreement="
        + agreement + ", losses=" + productionLoss + "/" + candidateLoss + ", timestamp="
        + timestamp + "]";
  }

  /** The earliest timestamp: pairs are filed by epoch millis. */
  private static final Instant MIN_TIMESTAMP = Instant.ofEpochMilli(Long.MIN_VALUE);
  private static final Instant MAX_TIMESTAMP = Instant.ofEpochMilli(Long.MAX_VALUE);

  /** Builder for {@link PairedObservation}. Not thread-safe. */
  public static final class Builder {
    private Outcome productionOutcome;
    private long productionNanos;
    private Outcome candidateOutcome;
    private long candidateNanos;
    private Boolean agreement;
    private double productionLoss = Double.NaN;
    private double candidateLoss = Double.NaN;
    private Instant timestamp;

    private Builder() {}

    /** Production's outcome and run time in nanoseconds ({@code >= 0}). */
    public Builder production(Outcome outcome, long nanos) {
      this.productionOutcome = Objects.requireNonNull(outcome, "production outcome");
      this.productionNanos = nanos;
      return this;
    }

    /** The candidate's outcome and run time in nanoseconds ({@code >= 0}). */
    public Builder candidate(Outcome outcome, long nanos) {
      this.candidateOutcome = Objects.requireNonNull(outcome, "candidate outcome");
      this.candidateNanos = nanos;
      return this;
    }

    /** Whether the two outputs agreed (leave unset when they were not compared). */
    public Builder agreement(boolean agreed) {
      this.agreement = agreed;
      return this;
    }

    /** Each side's ground-truth loss (lower is better: 0/1 error, absolute error, log loss). */
    public Builder losses(double production, double candidate) {
      this.productionLoss = production;
      this.candidateLoss = candidate;
      return this;
    }

    /** When the pair started (default: when {@link #build()} runs). */
    public Builder timestamp(Instant timestamp) {
      this.timestamp = Objects.requireNonNull(timestamp, "timestamp");
      return this;
    }

    /**
     * @throws IllegalArgumentException if a side is missing, a run time is negative, a loss is
     *     given for one side only or is not finite, or the timestamp is beyond epoch millis
     */
    public PairedObservation build() {
      if (productionOutcome == null || candidateOutcome == null) {
        throw new IllegalArgumentException(
            (productionOutcome == null ? "production" : "candidate") + " is required");
      }
      if (productionNanos < 0 || candidateNanos < 0) {
        throw new IllegalArgumentException("run times must be >= 0 ns: production "
            + productionNanos + ", candidate " + candidateNanos);
      }
      if (timestamp != null && (timestamp.isBefore(MIN_TIMESTAMP) || timestamp.isAfter(MAX_TIMESTAMP))) {
        throw new IllegalArgumentException("timestamp must be within epoch millis' range ["
            + MIN_TIMESTAMP + ", " + MAX_TIMESTAMP + "]: " + timestamp);
      }
      boolean p = Double.isNaN(productionLoss);
      boolean c = Double.isNaN(candidateLoss);
      if (p != c || (!p && (Double.isInfinite(productionLoss) || Double.isInfinite(candidateLoss)))) {
        throw new IllegalArgumentException("losses must both be finite, or both unset: "
            + productionLoss + ", " + candidateLoss);
      }
      return new PairedObservation(this);
    }
  }
}
