package dev.shadowrouting;

import dev.shadowrouting.internal.Documents;
import java.time.Instant;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.NoSuchElementException;

/**
 * A point-in-time view of a router's statistics: per variant (calls by outcome, rejections by
 * reason, comparisons, latency percentiles), per sink (emitted, delivered, dropped) and the shadow
 * pool (queue depth, threads).
 *
 * <p>Accounting that can be checked from outside, once the router is quiescent (after
 * {@code close()}, or once nothing is queued or in flight):
 * <ul>
 *   <li>per shadow variant: {@code sampled == success + error + timeout + rejected}, and
 *       {@code success + error + timeout == matches + mismatches + notCompared};
 *   <li>per sink: {@code emitted == delivered + dropped} ({@code pending} is 0 when quiescent).
 * </ul>
 *
 * <p>{@link #toJson()} and {@link #toDocument()} are its JSON form.
 *
 * <p>Immutable and thread-safe.
 */
public final class RouterSnapshot {

  private final String endpoint;
  private final Instant capturedAt;
  private final List<VariantStats> variants;
  private final List<SinkStats> sinks;
  private final int queueDepth;
  private final int queueCapacity;
  private final int liveThreads;
  private final int abandonedThreads;

  private RouterSnapshot(Builder b) {
    this.endpoint = java.util.Objects.requireNonNull(b.endpoint, "endpoint");
    this.capturedAt = java.util.Objects.requireNonNull(b.capturedAt, "capturedAt");
    this.variants = List.copyOf(b.variants);
    this.sinks = List.copyOf(b.sinks);
    this.queueDepth = b.queueDepth;
    this.queueCapacity = b.queueCapacity;
    this.liveThreads = b.liveThreads;
    this.abandonedThreads = b.abandonedThreads;
  }

  /** A builder (the router builds snapshots; public for tests of code that consumes them). */
  public static Builder builder(String endpoint) {
    return new Builder(endpoint);
  }

  /** Builder for {@link RouterSnapshot}. Not thread-safe. */
  public static final class Builder {
    private final String endpoint;
    private Instant capturedAt = Instant.now();
    private List<VariantStats> variants = List.of();
    private List<SinkStats> sinks = List.of();
    private int queueDepth;
    private int queueCapacity;
    private int liveThreads;
    private int abandonedThreads;

    private Builder(String endpoint) {
      this.endpoint = endpoint;
    }

    public Builder capturedAt(Instant capturedAt) {
      this.capturedAt = capturedAt;
      return this;
    }

    public Builder variants(List<VariantStats> variants) {
      this.variants = variants;
      return this;
    }

    public Builder sinks(List<SinkStats> sinks) {
      this.sinks = sinks;
      return this;
    }

    public Builder queue(int depth, int capacity) {
      this.queueDepth = depth;
      this.queueCapacity = capacity;
      return this;
    }

    public Builder threads(int live, int abandoned) {
      this.liveThreads = live;
      this.abandonedThreads = abandoned;
      return this;
    }

    public RouterSnapshot build() {
      return new RouterSnapshot(this);
    }
  }

  public String endpoint() {
    return endpoint;
  }

  public Instant capturedAt() {
    return capturedAt;
  }

  /**
   * The variants of the current configuration, and removed ones whose copies are still running
   * (their statistics are retired with them, see the README).
   */
  public List<VariantStats> variants() {
    return variants;
  }

  /** The statistics of one variant. @throws NoSuchElementException if it never existed */
  public VariantStats variant(String name) {
    for (VariantStats v : variants) {
      if (v.name().equals(name)) {
        return v;
      }
    }
    throw new NoSuchElementException("no variant '" + name + "' in endpoint '" + endpoint + "'");
  }

  public List<SinkStats> sinks() {
    return sinks;
  }

  /** Shadow copies waiting in the queue. */
  public int queueDepth() {
    return queueDepth;
  }

  public int queueCapacity() {
    return queueCapacity;
  }

  /** Shadow pool threads alive, including abandoned ones. */
  public int liveThreads() {
    return liveThreads;
  }

  /** Pool threads stuck in a shadow call past its timeout (replaced, not waited for). */
  public int abandonedThreads() {
    return abandonedThreads;
  }

  /**
   * The snapshot as compact JSON: the layout of the Actuator endpoint's document of one endpoint
   * (see the README) without what only the router knows (each variant's {@code testCandidate} and
   * {@code config}, {@code pool.workerThreads}, {@code tests}; {@link ShadowRouter#toDocument()}
   * has them). Written by shadow-routing itself (no JSON library needed). Thread-safe.
   */
  public String toJson() {
    return Documents.json(w -> Documents.snapshot(this, w));
  }

  /**
   * The document of {@link #toJson()} for an application's JSON mapper: ordered maps, lists,
   * strings, numbers, booleans and nulls, which a mapper writes exactly as {@link #toJson()}. A new
   * tree on every call, which the caller may change. Thread-safe.
   */
  public Map<String, Object> toDocument() {
    return Documents.tree(w -> Documents.snapshot(this, w));
  }

  @Override
  public String toString() {
    return "RouterSnapshot[endpoint=" + endpoint + ", variants=" + variants + ", sinks=" + sinks
        + ", queueDepth=" + queueDepth + ", liveThreads=" + liveThreads + ']';
  }

  /** Statistics of one variant. Immutable and thread-safe. */
  public static final class VariantStats {
    private final String name;
    private final Role role;
    private final boolean active;
    private final long sampled;
    private final Map<Outcome, Long> outcomes;
    private final Map<RejectReason, Long> rejections;
    private final long matches;
    private final long mismatches;
    private final long notCompared;
    private final long comparatorErrors;
    private final int inFlight;
    private final long latencyCount;
    private final long p50Nanos;
    private final long p90Nanos;
    private final long p99Nanos;
    private final long maxNanos;
    private final long recentLatencyCount;
    private final long recentP50Nanos;
    private final long recentP99Nanos;
    private final int abandonedThreads;
    private final boolean saturated;
    private final boolean timingOut;
    private final boolean quarantined;

    private VariantStats(StatsBuilder b) {
      this.name = java.util.Objects.requireNonNull(b.name, "name");
      this.role = java.util.Objects.requireNonNull(b.role, "role");
      this.active = b.active;
      this.sampled = b.sampled;
      this.outcomes = immutableCounts(Outcome.class, b.outcomes);
      this.rejections = immutableCounts(RejectReason.class, b.rejections);
      this.matches = b.matches;
      this.mismatches = b.mismatches;
      this.notCompared = b.notCompared;
      this.comparatorErrors = b.comparatorErrors;
      this.inFlight = b.inFlight;
      this.latencyCount = b.latencyCount;
      this.p50Nanos = b.p50Nanos;
      this.p90Nanos = b.p90Nanos;
      this.p99Nanos = b.p99Nanos;
      this.maxNanos = b.maxNanos;
      this.recentLatencyCount = b.recentLatencyCount;
      this.recentP50Nanos = b.recentP50Nanos;
      this.recentP99Nanos = b.recentP99Nanos;
      this.abandonedThreads = b.abandonedThreads;
      this.saturated = b.saturated;
      this.timingOut = b.timingOut;
      this.quarantined = b.quarantined;
    }

    /** A builder (the router builds these; public for tests of code that consumes them). */
    public static StatsBuilder builder(String name, Role role) {
      return new StatsBuilder(name, role);
    }

    private static <E extends Enum<E>> Map<E, Long> immutableCounts(Class<E> type, Map<E, Long> in) {
      Map<E, Long> all = new EnumMap<>(type);
      for (E e : type.getEnumConstants()) {
        all.put(e, in.getOrDefault(e, 0L));
      }
      return java.util.Collections.unmodifiableMap(all);
    }

    public String name() {
      return name;
    }

    /** The role the variant has now (or had when it was removed). */
    public Role role() {
      return role;
    }

    /** Whether the variant is part of the current configuration. */
    public boolean active() {
      return active;
    }

    /**
     * Shadow: copies sampled for this variant. Production: requests it answered for which at least
     * one shadow copy was accepted (queued); the ones its latency percentiles describe and that
     * have a production record.
     */
    public long sampled() {
      return sampled;
    }

    /** Calls (or copies) that ended with {@code outcome}. */
    public long count(Outcome outcome) {
      return outcomes.get(outcome);
    }

    public Map<Outcome, Long> outcomes() {
      return outcomes;
    }

    public long successes() {
      return count(Outcome.SUCCESS);
    }

    public long errors() {
      return count(Outcome.ERROR);
    }

    public long timeouts() {
      return count(Outcome.TIMEOUT);
    }

    public long rejected() {
      return count(Outcome.REJECTED);
    }

    /** Calls that ran: success + error + timeout. For production: every call. */
    public long invocations() {
      return successes() + errors() + timeouts();
    }

    public long rejected(RejectReason reason) {
      return rejections.get(reason);
    }

    public Map<RejectReason, Long> rejections() {
      return rejections;
    }

    public long matches() {
      return matches;
    }

    public long mismatches() {
      return mismatches;
    }

    /** Copies that ran (or timed out) but were not compared; rejected copies are not counted. */
    public long notCompared() {
      return notCompared;
    }

    /** Comparisons that failed because the comparator threw (also counted in notCompared). */
    public long comparatorErrors() {
      return comparatorErrors;
    }

    /** matches / (matches + mismatches), or NaN before the first comparison. */
    public double agreement() {
      long compared = matches + mismatches;
      return compared == 0 ? Double.NaN : (double) matches / compared;
    }

    /** Shadow copies queued or running now. */
    public int inFlight() {
      return inFlight;
    }

    /** How many latencies the percentiles summarise. */
    public long latencyCount() {
      return latencyCount;
    }

    public long p50Nanos() {
      return p50Nanos;
    }

    public long p90Nanos() {
      return p90Nanos;
    }

    public long p99Nanos() {
      return p99Nanos;
    }

    public long maxNanos() {
      return maxNanos;
    }

    /**
     * Latencies in the recent window: what was recorded over roughly the last 30 s of snapshots
     * (the snapshots that folded them in; taken once a second by a dashboard, that is the last
     * 30 s), for a live chart. The other percentiles are cumulative since the variant started.
     */
    public long recentLatencyCount() {
      return recentLatencyCount;
    }

    /** Median latency of the recent window, 0 if it is empty (see {@link #recentLatencyCount()}). */
    public long recentP50Nanos() {
      return recentP50Nanos;
    }

    /** 99th percentile latency of the recent window (1 significant digit), 0 if it is empty. */
    public long recentP99Nanos() {
      return recentP99Nanos;
    }

    /**
     * Threads stuck in calls of this variant that ignored the interrupt after their timeout:
     * replaced in the pool, counted against {@link Variant#maxAbandonedThreads()}.
     */
    public int abandonedThreads() {
      return abandonedThreads;
    }

    /** True while copies are being rejected because the variant or the pool is full. */
    public boolean saturated() {
      return saturated;
    }

    /** True while the variant's recent calls end in timeouts. */
    public boolean timingOut() {
      return timingOut;
    }

    /** True while the variant is quarantined ({@link RejectReason#QUARANTINED}). */
    public boolean quarantined() {
      return quarantined;
    }

    @Override
    public String toString() {
      return name + "[" + role + ", sampled=" + sampled + ", " + outcomes + ", rejections="
          + rejections + ", matches=" + matches + ", mismatches=" + mismatches + ", notCompared="
          + notCompared + ", p50=" + p50Nanos + "ns, p99=" + p99Nanos + "ns"
          + (quarantined ? ", quarantined" : "") + (saturated ? ", saturated" : "")
          + (timingOut ? ", timing out" : "") + ']';
    }
  }

  /** Builder for {@link VariantStats}. Not thread-safe. */
  public static final class StatsBuilder {
    private final String name;
    private final Role role;
    private boolean active = true;
    private long sampled;
    private final Map<Outcome, Long> outcomes = new EnumMap<>(Outcome.class);
    private final Map<RejectReason, Long> rejections = new EnumMap<>(RejectReason.class);
    private long matches;
    private long mismatches;
    private long notCompared;
    private long comparatorErrors;
    private int inFlight;
    private long latencyCount;
    private long p50Nanos;
    private long p90Nanos;
    private long p99Nanos;
    private long maxNanos;
    private long recentLatencyCount;
    private long recentP50Nanos;
    private long recentP99Nanos;
    private int abandonedThreads;
    private boolean saturated;
    private boolean timingOut;
    private boolean quarantined;

    private StatsBuilder(String name, Role role) {
      this.name = name;
      this.role = role;
    }

    public StatsBuilder active(boolean active) {
      this.active = active;
      return this;
    }

    public StatsBuilder sampled(long sampled) {
      this.sampled = sampled;
      return this;
    }

    /** The count of {@code outcome}; for REJECTED prefer {@link #rejected}, which sums into it. */
    public StatsBuilder outcome(Outcome outcome, long count) {
      outcomes.put(outcome, count);
      return this;
    }

    /** Copies rejected for {@code reason}; the REJECTED outcome is the sum over reasons. */
    public StatsBuilder rejected(RejectReason reason, long count) {
      rejections.put(reason, count);
      long sum = 0;
      for (long n : rejections.values()) {
        sum += n;
      }
      outcomes.put(Outcome.REJECTED, sum);
      return this;
    }

    public StatsBuilder comparisons(long matches, long mismatches, long notCompared,
        long comparatorErrors) {
      this.matches = matches;
      this.mismatches = mismatches;
      this.notCompared = notCompared;
      this.comparatorErrors = comparatorErrors;
      return this;
    }

    public StatsBuilder inFlight(int inFlight) {
      this.inFlight = inFlight;
      return this;
    }

    public StatsBuilder latency(long count, long p50Nanos, long p90Nanos, long p99Nanos,
        long maxNanos) {
      this.latencyCount = count;
      this.p50Nanos = p50Nanos;
      this.p90Nanos = p90Nanos;
      this.p99Nanos = p99Nanos;
      this.maxNanos = maxNanos;
      return this;
    }

    public StatsBuilder recentLatency(long count, long p50Nanos, long p99Nanos) {
      this.recentLatencyCount = count;
      this.recentP50Nanos = p50Nanos;
      this.recentP99Nanos = p99Nanos;
      return this;
    }

    public StatsBuilder health(int abandonedThreads, boolean saturated, boolean timingOut,
        boolean quarantined) {
      this.abandonedThreads = abandonedThreads;
      this.saturated = saturated;
      this.timingOut = timingOut;
      this.quarantined = quarantined;
      return this;
    }

    public VariantStats build() {
      return new VariantStats(this);
    }
  }

  /** Delivery statistics of one sink. Immutable and thread-safe. */
  public static final class SinkStats {
    private final String name;
    private final long emitted;
    private final long delivered;
    private final long dropped;
    private final long failed;
    private final int pending;

    /** Sink statistics (the router builds these; public for tests of code that consumes them). */
    public static SinkStats of(String name, long emitted, long delivered, long dropped,
        long failed, int pending) {
      return new SinkStats(name, emitted, delivered, dropped, failed, pending);
    }

    private SinkStats(String name, long emitted, long delivered, long dropped, long failed,
        int pending) {
      this.name = name;
      this.emitted = emitted;
      this.delivered = delivered;
      this.dropped = dropped;
      this.failed = failed;
      this.pending = pending;
    }

    public String name() {
      return name;
    }

    /** Records handed to this sink's buffer (or dropped at its door). */
    public long emitted() {
      return emitted;
    }

    /** Records the sink accepted without throwing. */
    public long delivered() {
      return delivered;
    }

    /**
     * Records lost: buffer full, router closed (or the sink still busy at the close deadline), or
     * the sink threw (see {@link #failed()}).
     */
    public long dropped() {
      return dropped;
    }

    /**
     * Records the sink failed to handle: it threw from {@code accept} (also counted in
     * {@link #dropped()}), or it reported a failure after accepting them (for example a file it
     * could not write, see {@link ShadowSink.Context#failed}).
     */
    public long failed() {
      return failed;
    }

    /** Records waiting in the buffer now. */
    public int pending() {
      return pending;
    }

    @Override
    public String toString() {
      return name + "[emitted=" + emitted + ", delivered=" + delivered + ", dropped=" + dropped
          + ", failed=" + failed + ", pending=" + pending + ']';
    }
  }
}
