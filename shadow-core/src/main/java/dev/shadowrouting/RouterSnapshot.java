package dev.shadowrouting;

import com.fasterxml.jackson.annotation.JsonValue;
import dev.shadowrouting.internal.Documents;
import java.time.Instant;
import java.util.Collections;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.NoSuchElementException;
import java.util.Objects;

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
 * <p>Built by the router ({@link ShadowRouter#snapshot()}); a record, so its constructor is public
 * (the router builds it from its own packages), but it has no builder: a test of code that reads
 * snapshots can take one from a real router. Immutable (the lists are copied) and thread-safe.
 *
 * @param endpoint the endpoint's name
 * @param capturedAt when the router took the snapshot
 * @param variants the variants of the current configuration, and removed ones whose copies are
 *     still running (their statistics are retired with them, see docs/how-it-works.md)
 * @param sinks the delivery statistics of each of the router's sinks
 * @param queueDepth shadow copies waiting in the queue
 * @param queueCapacity how many shadow copies the queue holds
 * @param liveThreads shadow pool threads alive, including abandoned ones
 * @param abandonedThreads pool threads stuck in a shadow call past its timeout (replaced, not
 *     waited for)
 */
public record RouterSnapshot(String endpoint, Instant capturedAt, List<VariantStats> variants,
    List<SinkStats> sinks, int queueDepth, int queueCapacity, int liveThreads,
    int abandonedThreads) {

  public RouterSnapshot {
    Objects.requireNonNull(endpoint, "endpoint");
    Objects.requireNonNull(capturedAt, "capturedAt");
    variants = List.copyOf(variants);
    sinks = List.copyOf(sinks);
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

  /**
   * The snapshot as compact JSON: the layout of the Actuator endpoint's document of one endpoint
   * (docs/spring.md) without what only the router knows (each variant's {@code testCandidate} and
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
   *
   * <p>{@code @JsonValue}: a plain Jackson 2 or Jackson 3 {@code ObjectMapper} writes a snapshot
   * (say, returned from a controller) as this document, with no module to register.
   */
  @JsonValue
  public Map<String, Object> toDocument() {
    return Documents.tree(w -> Documents.snapshot(this, w));
  }

  @Override
  public String toString() {
    return "RouterSnapshot[endpoint=" + endpoint + ", variants=" + variants + ", sinks=" + sinks
        + ", queueDepth=" + queueDepth + ", liveThreads=" + liveThreads + ']';
  }

  /**
   * Statistics of one variant. Built by the router, like the snapshot. Immutable (the maps are
   * copied, with every outcome and reason) and thread-safe.
   *
   * @param name the variant's name
   * @param role the role the variant has now (or had when it was removed)
   * @param active whether the variant is part of the current configuration
   * @param sampled shadow: copies sampled for this variant. Production: requests it answered for
   *     which at least one shadow copy was accepted (queued); the ones its latency percentiles
   *     describe and that have a production record
   * @param outcomes calls (or copies) per outcome; a missing outcome counts 0. {@code REJECTED} is
   *     the sum of {@code rejections}: a different count is refused, a missing one filled in
   * @param rejections copies rejected per reason; a missing reason counts 0
   * @param matches comparisons whose outputs agreed
   * @param mismatches comparisons whose outputs differed
   * @param notCompared copies that ran (or timed out) but were not compared; rejected copies are
   *     not counted
   * @param comparatorErrors comparisons that failed because the comparator threw (also counted in
   *     notCompared)
   * @param inFlight shadow copies queued or running now
   * @param latencyCount how many latencies the percentiles summarise
   * @param p50Nanos median latency since the variant started
   * @param p90Nanos 90th percentile latency since the variant started
   * @param p99Nanos 99th percentile latency since the variant started
   * @param maxNanos largest latency since the variant started
   * @param recentLatencyCount latencies in the recent window: what was recorded over roughly the
   *     last 30 s of snapshots (the snapshots that folded them in; taken once a second by a
   *     dashboard, that is the last 30 s), for a live chart. The other percentiles are cumulative
   *     since the variant started
   * @param recentP50Nanos median latency of the recent window, 0 if it is empty
   * @param recentP99Nanos 99th percentile latency of the recent window (1 significant digit), 0 if
   *     it is empty
   * @param abandonedThreads threads stuck in calls of this variant that ignored the interrupt after
   *     their timeout: replaced in the pool, counted against {@link Variant#maxAbandonedThreads()}
   * @param saturated true while copies are being rejected because the variant or the pool is full
   * @param timingOut true while the variant's recent calls end in timeouts
   * @param quarantined true while the variant is quarantined ({@link RejectReason#QUARANTINED})
   */
  public record VariantStats(String name, Role role, boolean active, long sampled,
      Map<Outcome, Long> outcomes, Map<RejectReason, Long> rejections, long matches,
      long mismatches, long notCompared, long comparatorErrors, int inFlight, long latencyCount,
      long p50Nanos, long p90Nanos, long p99Nanos, long maxNanos, long recentLatencyCount,
      long recentP50Nanos, long recentP99Nanos, int abandonedThreads, boolean saturated,
      boolean timingOut, boolean quarantined) {

    /**
     * Copies the counts, with every outcome and reason.
     *
     * @throws IllegalArgumentException if the REJECTED outcome is not the sum of the rejections
     */
    public VariantStats {
      Objects.requireNonNull(name, "name");
      Objects.requireNonNull(role, "role");
      rejections = allCounts(RejectReason.class, rejections);
      long rejected = 0;
      for (long n : rejections.values()) {
        rejected += n;
      }
      Long given = outcomes.get(Outcome.REJECTED);
      if (given != null && given != rejected) {
        throw new IllegalArgumentException("variant '" + name + "': " + given
            + " rejected copies, but the rejections per reason add up to " + rejected);
      }
      Map<Outcome, Long> withRejected = new EnumMap<>(Outcome.class);
      withRejected.putAll(outcomes);
      withRejected.put(Outcome.REJECTED, rejected);
      outcomes = allCounts(Outcome.class, withRejected);
    }

    /** Every constant of {@code type} with its count in {@code in} (0 if absent), unmodifiable. */
    private static <E extends Enum<E>> Map<E, Long> allCounts(Class<E> type, Map<E, Long> in) {
      Map<E, Long> all = new EnumMap<>(type);
      for (E e : type.getEnumConstants()) {
        all.put(e, Objects.requireNonNull(in.getOrDefault(e, 0L), e.name()));
      }
      return Collections.unmodifiableMap(all);
    }

    /** Calls (or copies) that ended with {@code outcome}. */
    public long count(Outcome outcome) {
      return outcomes.get(outcome);
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

    /** matches / (matches + mismatches), or NaN before the first comparison. */
    public double agreement() {
      long compared = matches + mismatches;
      return compared == 0 ? Double.NaN : (double) matches / compared;
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

  /**
   * Delivery statistics of one sink. Built by the router, like the snapshot. Immutable and
   * thread-safe.
   *
   * @param name the sink's {@link ShadowSink#name()}, made unique among the router's sinks
   * @param emitted records handed to this sink's buffer (or dropped at its door)
   * @param delivered records the sink accepted without throwing; for a sink that {@linkplain
   *     ShadowSink#confirmsDelivery() confirms delivery}, records it confirmed
   * @param dropped records lost: buffer full, router closed (or the sink still busy at the close
   *     deadline), or the sink threw (see {@code failed})
   * @param failed records the sink failed to handle: it threw from {@code accept}, or was still
   *     inside {@code accept} at the close deadline (both also counted in {@code dropped}), or it
   *     reported a failure after accepting them (for example a file it could not write, see
   *     {@link ShadowSink.Context#failed})
   * @param pending records waiting in the buffer now, and those in flight at a sink that
   *     confirms delivery
   */
  public record SinkStats(String name, long emitted, long delivered, long dropped, long failed,
      int pending) {

    public SinkStats {
      Objects.requireNonNull(name, "name");
    }

    @Override
    public String toString() {
      return name + "[emitted=" + emitted + ", delivered=" + delivered + ", dropped=" + dropped
          + ", failed=" + failed + ", pending=" + pending + ']';
    }
  }
}
