package dev.shadowrouting;

import dev.shadowrouting.internal.stats.PairStats;
import dev.shadowrouting.internal.stats.StatisticsCodec;
import dev.shadowrouting.internal.stats.VerdictEngine;
import java.time.Instant;
import java.util.Objects;
import java.util.Optional;
import org.jspecify.annotations.Nullable;

/**
 * The verdict engine on its own: paired observations in, an anytime-valid {@link Evaluation} out,
 * with the statistics small, mergeable and serialisable. Live shadow tests, replays and fleets of
 * instances all use it.
 *
 * <pre>{@code
 * PairedStatistics stats = PairedStatistics.create(VerdictRule.defaults());
 * stats.add(PairedObservation.builder()
 *     .production(Outcome.SUCCESS, 1_200_000L)
 *     .candidate(Outcome.SUCCESS, 1_450_000L)
 *     .build());
 * PairedStatistics all = stats.merge(other);   // e.g. another instance's, from fromBytes
 * Evaluation e = all.evaluate();
 * }</pre>
 *
 * <p><b>Mergeable exactly.</b> Everything kept is a count, a sum, a histogram or a sum per time
 * bucket keyed by the pairs' timestamps, so merging the statistics of any number of shards gives
 * the verdict and intervals (to rounding, far below 1e-9) of one instance fed the union of the
 * same timestamped observations, whatever the split and the order. {@link #evaluate()} is
 * memoryless for that reason: it reads the statistics as they are now; a live test also keeps the
 * running intersection of its successive evaluations, which stays valid.
 *
 * <p><b>Size.</b> About 36 KB in memory once latencies arrive (two latency histograms and the time
 * grid); {@link #toBytes()} is a few KB.
 *
 * <p>Not thread-safe: confine an instance to one thread or guard it; {@link #merge} copies of
 * per-thread instances to read across threads.
 */
public final class PairedStatistics {
  private final VerdictRule rule;
  private final @Nullable Instant start;
  /** {@code start + warmup}, exactly; null without a start. */
  private final @Nullable Instant warmupEnd;
  private final PairStats stats;
  private @Nullable VerdictEngine engine;

  private PairedStatistics(VerdictRule rule, @Nullable Instant start, PairStats stats) {
    this.rule = rule;
    this.start = start;
    this.warmupEnd = start == null ? null : start.plus(rule.warmup());
    this.stats = stats;
  }

  /**
   * Empty statistics judged by {@code rule}, which must have no warm-up (a warm-up needs a start:
   * {@link #create(VerdictRule, Instant)}).
   *
   * @throws IllegalArgumentException if the rule has a warm-up
   */
  public static PairedStatistics create(VerdictRule rule) {
    Objects.requireNonNull(rule, "rule");
    if (!rule.warmup().isZero()) {
      throw new IllegalArgumentException("the rule has a warm-up of " + rule.warmup()
          + ": give its start with PairedStatistics.create(rule, start)");
    }
    return new PairedStatistics(rule, null, new PairStats());
  }

  /**
   * Empty statistics judged by {@code rule}, whose warm-up runs from {@code start}: pairs whose
   * timestamp is before {@code start + rule.warmup()} are left out of the latency checks. Shards
   * to be merged must share the start.
   */
  public static PairedStatistics create(VerdictRule rule, Instant start) {
    return new PairedStatistics(Objects.requireNonNull(rule, "rule"),
        Objects.requireNonNull(start, "start"), new PairStats());
  }

  /** The rule the statistics are judged by. */
  public VerdictRule rule() {
    return rule;
  }

  /** The start of the warm-up, if one was given. */
  public Optional<Instant> start() {
    return Optional.ofNullable(start);
  }

  /** Records one pair. */
  public void add(PairedObservation o) {
    long t = o.timestamp().toEpochMilli();
    int agreement = o.agreement() == null ? -1 : o.agreement() ? 1 : 0;
    // to the nanosecond: millis would round a sub-millisecond start or warm-up
    boolean warmup = warmupEnd != null && o.timestamp().isBefore(warmupEnd);
    stats.add(t, warmup, o.productionOutcome(), o.productionNanos(),
        o.candidateOutcome(), o.candidateNanos(), agreement, o.productionLoss(),
        o.candidateLoss());
  }

  /**
   * The statistics of both: a new instance; this and {@code other} are unchanged.
   *
   * @throws IllegalArgumentException if the rules or the starts differ
   */
  public PairedStatistics merge(PairedStatistics other) {
    if (!rule.equals(other.rule)) {
      throw new IllegalArgumentException(
          "cannot merge statistics of different rules: " + rule + " and " + other.rule);
    }
    if (!Objects.equals(start, other.start)) {
      throw new IllegalArgumentException(
          "cannot merge statistics of different starts: " + start + " and " + other.start);
    }
    PairStats merged = stats.copy();
    merged.merge(other.stats);
    PairedStatistics result = new PairedStatistics(rule, start, merged);
    result.engine = engine != null ? engine : other.engine;
    return result;
  }

  /** The verdict and every applicable check, from the statistics as they are now. */
  public Evaluation evaluate() {
    VerdictEngine e = engine;
    if (e == null) {
      e = new VerdictEngine(rule);
      engine = e;
    }
    return e.evaluate(stats);
  }

  /** Pairs where both sides reached an outcome. */
  public long pairs() {
    return stats.pairs();
  }

  /** A versioned binary form, rule and start included; {@link #fromBytes} reads it. */
  public byte[] toBytes() {
    return StatisticsCodec.encode(rule, start, stats);
  }

  /**
   * Reads {@link #toBytes()}, from this version of the library or an earlier one.
   *
   * @throws IllegalArgumentException if the bytes are not paired statistics, are truncated or
   *     inconsistent, or are of a later format version
   */
  public static PairedStatistics fromBytes(byte[] bytes) {
    StatisticsCodec.Decoded d = StatisticsCodec.decode(Objects.requireNonNull(bytes, "bytes"));
    return new PairedStatistics(d.rule(), d.start(), d.stats());
  }

  @Override
  public String toString() {
    return "PairedStatistics[" + stats + ", " + rule + (start == null ? "" : ", start=" + start)
        + "]";
  }
}
