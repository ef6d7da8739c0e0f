package dev.shadowrouting;

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

  public RouterSnapshot(String endpoint, Instant capturedAt, List<VariantStats> variants,
      List<SinkStats> sinks, int queueDepth, int queueCapacity, int liveThreads,
      int abandonedThreads) {
    this.endpoint = endpoint;
    this.capturedAt = capturedAt;
    this.variants = List.copyOf(variants);
    this.sinks = List.copyOf(sinks);
    this.queueDepth = queueDepth;
    this.queueCapacity = queueCapacity;
    this.liveThreads = liveThreads;
    this.abandonedThreads = abandonedThreads;
  }

  public String endpoint() {
    return endpoint;
  }

  public Instant capturedAt() {
    return capturedAt;
  }

  /** Every variant the router has served since it was created (also ones removed by update). */
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

    public VariantStats(String name, Role role, boolean active, long sampled,
        Map<Outcome, Long> outcomes, Map<RejectReason, Long> rejections, long matches,
        long mismatches, long notCompared, long comparatorErrors, int inFlight, long latencyCount,
        long p50Nanos, long p90Nanos, long p99Nanos, long maxNanos) {
      this.name = name;
      this.role = role;
      this.active = active;
      this.sampled = sampled;
      this.outcomes = immutableCounts(Outcome.class, outcomes);
      this.rejections = immutableCounts(RejectReason.class, rejections);
      this.matches = matches;
      this.mismatches = mismatches;
      this.notCompared = notCompared;
      this.comparatorErrors = comparatorErrors;
      this.inFlight = inFlight;
      this.latencyCount = latencyCount;
      this.p50Nanos = p50Nanos;
      this.p90Nanos = p90Nanos;
      this.p99Nanos = p99Nanos;
      this.maxNanos = maxNanos;
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

    @Override
    public String toString() {
      return name + "[" + role + ", sampled=" + sampled + ", " + outcomes + ", rejections="
          + rejections + ", matches=" + matches + ", mismatches=" + mismatches + ", notCompared="
          + notCompared + ", p50=" + p50Nanos + "ns, p99=" + p99Nanos + "ns]";
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

    public SinkStats(String name, long emitted, long delivered, long dropped, long failed,
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

    /** Records lost: buffer full, router closed, or the sink threw (see {@link #failed()}). */
    public long dropped() {
      return dropped;
    }

    /** The part of {@link #dropped()} where the sink threw. */
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
