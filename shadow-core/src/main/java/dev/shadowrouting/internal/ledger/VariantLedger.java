package dev.shadowrouting.internal.ledger;

import dev.shadowrouting.Comparison;
import dev.shadowrouting.Outcome;
import dev.shadowrouting.RejectReason;
import dev.shadowrouting.Role;
import dev.shadowrouting.RouterSnapshot;
import dev.shadowrouting.internal.util.WarnThenDebugLogger;
import java.util.EnumMap;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.LongAdder;

/**
 * The ledger of one variant name: the only place its counts change, kept for the router's whole
 * life so they carry on across {@code update} and {@code promote}.
 *
 * <p>For a shadow variant every sampled copy enters through {@link #tryAdmit} (it takes a slot
 * and counts as sampled) or {@link #refuse} (it counts as sampled and rejected), and every admitted
 * copy leaves through {@link #refuseAdmitted} (never queued) or {@link #end} (every other end:
 * returned, failed, timed out, rejected in the queue, closed). No other code can touch the counts
 * those operations keep, so {@code sampled == successes + errors + timeouts + rejected + inFlight}
 * holds by construction, at every instant where no operation is half done. Production variants
 * count their calls ({@link #countCall}) and the sampled ones' latency ({@link #productionSampled}).
 *
 * <p>Counters are {@link LongAdder}s (no contention between caller threads); latencies go to a
 * {@link LatencyWindow} (wait-free recording). Thread-safe.
 */
public final class VariantLedger {
  public final String name;
  private volatile Role role;
  private volatile boolean active;

  private final LongAdder sampled = new LongAdder();
  /** Indexed by outcome; the REJECTED slot stays unused (see {@link #rejections}). */
  private final LongAdder[] outcomes = adders(Outcome.values().length);
  private final LongAdder[] rejections = adders(RejectReason.values().length);
  private final LongAdder matches = new LongAdder();
  private final LongAdder mismatches = new LongAdder();
  private final LongAdder notCompared = new LongAdder();
  private final LongAdder comparatorErrors = new LongAdder();
  /** Copies admitted and not ended: queued or running (a timed-out copy frees its slot). */
  private final AtomicInteger inFlight = new AtomicInteger();
  /** Threads stuck in a call of this variant past its timeout, abandoned by the pool. */
  private final AtomicInteger abandonedThreads = new AtomicInteger();
  /** Refuse copies: too many abandoned threads hang in this variant. Read on the caller's path. */
  private volatile boolean quarantined;
  /** Set by callers that rejected a copy; housekeeping records and clears it. */
  private volatile boolean rejectionsPending;
  /** Rejections counted on the caller's thread, not yet in an aggregated record. */
  private final LongAdder[] callerRejections = adders(RejectReason.values().length);
  private final long[] recordedCallerRejections = new long[RejectReason.values().length];
  /** Caller-side rejections already in aggregated records (written by the watchdog only). */
  private volatile long recordedCallerRejectionsTotal;
  private final long[] seenSaturation = new long[2];
  private volatile boolean saturated;
  private volatile boolean timingOut;
  private volatile long lastTimeoutNanos;
  private volatile long lastSaturationNanos;
  private final System.Logger logger;
  private final String subject;

  private final LatencyWindow latency = new LatencyWindow();

  public final WarnThenDebugLogger callFailures;
  public final WarnThenDebugLogger comparatorFailures;
  public final WarnThenDebugLogger redactorFailures;

  public VariantLedger(String endpoint, String name, Role role) {
    this.name = name;
    this.role = role;
    this.active = true;
    this.logger = System.getLogger("dev.shadowrouting");
    this.subject = "variant '" + name + "' of endpoint '" + endpoint + "'";
    this.callFailures = new WarnThenDebugLogger(logger, "shadow " + subject + " failed");
    this.comparatorFailures = new WarnThenDebugLogger(logger, "comparator of " + subject + " threw");
    this.redactorFailures = new WarnThenDebugLogger(logger, "redactor for " + subject + " threw");
  }

  private static LongAdder[] adders(int n) {
    LongAdder[] a = new LongAdder[n];
    for (int i = 0; i < n; i++) {
      a[i] = new LongAdder();
    }
    return a;
  }

  // ---- the accounting: the only operations that change a copy's counts ------------------------

  /**
   * Admits one sampled copy if the variant has a free slot of its {@code max}: it counts as
   * sampled and holds the slot until {@link #end} or {@link #refuseAdmitted}. A saturated (e.g.
   * hung) variant is refused with a plain read: no write, so callers do not bounce the counter's
   * cache line between cores. False counts nothing: the caller then {@link #refuse}s the copy.
   */
  public boolean tryAdmit(int max) {
    if (inFlight.get() >= max) {
      return false;
    }
    if (inFlight.incrementAndGet() > max) {
      inFlight.decrementAndGet();
      return false;
    }
    sampled.increment();
    return true;
  }

  /**
   * A sampled copy refused before admission, on the caller's thread: counted as sampled and
   * rejected, recorded later in aggregate by housekeeping.
   *
   * @return true if housekeeping had nothing pending (the caller wakes it)
   */
  public boolean refuse(RejectReason reason) {
    sampled.increment();
    return rejectedOnCaller(reason);
  }

  /** An admitted copy that was never queued: its slot is freed and it counts as rejected. */
  public boolean refuseAdmitted(RejectReason reason) {
    inFlight.decrementAndGet();
    return rejectedOnCaller(reason);
  }

  private boolean rejectedOnCaller(RejectReason reason) {
    rejections[reason.ordinal()].increment();
    callerRejections[reason.ordinal()].increment();
    if (rejectionsPending) {
      return false;
    }
    rejectionsPending = true;
    return true;
  }

  /**
   * Ends an admitted copy: counts its outcome (a rejection in the queue with its reason; a call
   * with its latency and comparison) and frees its slot. The caller writes the copy's record
   * before, so nobody waiting for idleness sees a free slot before the record.
   */
  public void end(Outcome outcome, RejectReason reason, long latencyNanos,
      Comparison.Result comparison) {
    try {
      if (outcome == Outcome.REJECTED) {
        rejections[reason.ordinal()].increment();
      } else {
        recordLatency(latencyNanos);
        countComparison(comparison);
        outcomes[outcome.ordinal()].increment();
        health(outcome);
      }
    } finally {
      inFlight.decrementAndGet();
    }
  }

  /** A production call (the caller's path, sampled or not). */
  public void countCall(Outcome outcome) {
    outcomes[outcome.ordinal()].increment();
  }

  /** A production call whose request a shadow sampled: counted as sampled, its latency kept. */
  public void productionSampled(long latencyNanos) {
    sampled.increment();
    recordLatency(latencyNanos);
  }

  /** A comparator threw (the copy is then not compared): counted, logged once at WARN. */
  public void comparatorFailed(Throwable failure) {
    comparatorErrors.increment();
    comparatorFailures.log(failure);
  }

  // ---- state ------------------------------------------------------------------------------------

  /** Part of the configuration again, in {@code role}; called by the lanes' compiler only. */
  public void activate(Role role) {
    this.role = role;
    this.active = true;
  }

  /** Removed from the configuration; its statistics stay while copies of it still run. */
  public void deactivate() {
    active = false;
  }

  public boolean quarantined() {
    return quarantined;
  }

  /** Admitted copies of this variant queued or running now. */
  public int inFlight() {
    return inFlight.get();
  }

  /** True if no admitted copy of this variant is queued or running. */
  public boolean idle() {
    return inFlight.get() == 0;
  }

  /**
   * Takes the pending flag of caller-side rejections (watchdog thread): true if some were counted
   * since the last look.
   */
  public boolean takeRejectionsPending() {
    if (!rejectionsPending) {
      return false;
    }
    rejectionsPending = false;
    return true;
  }

  /**
   * Caller-side rejections since the last call, per reason (watchdog thread only). Cumulative sums
   * minus what was recorded: every rejection is in exactly one aggregated record.
   */
  public long[] unrecordedRejections() {
    long[] delta = new long[callerRejections.length];
    for (int i = 0; i < delta.length; i++) {
      long total = callerRejections[i].sum();
      delta[i] = total - recordedCallerRejections[i];
      recordedCallerRejections[i] = total;
    }
    return delta;
  }

  /** Marks what {@link #unrecordedRejections} returned as written to the sinks. */
  public void rejectionsRecorded() {
    long sum = 0;
    for (long n : recordedCallerRejections) {
      sum += n;
    }
    recordedCallerRejectionsTotal = sum;
  }

  /** True if every caller-side rejection so far is in an aggregated record. */
  public boolean rejectionsAllRecorded() {
    long total = 0;
    for (LongAdder a : callerRejections) {
      total += a.sum();
    }
    return total == recordedCallerRejectionsTotal;
  }

  /** A call ended with {@code outcome}: notes (and logs once) when the variant starts timing out. */
  private void health(Outcome outcome) {
    if (outcome == Outcome.TIMEOUT) {
      lastTimeoutNanos = System.nanoTime();
      if (!timingOut) {
        timingOut = true;
        logger.log(System.Logger.Level.WARNING, subject + " is timing out: its calls exceed"
            + " their timeout (logged once until it recovers)");
      }
    }
  }

  /**
   * Housekeeping of the state logs (watchdog thread): saturation starts when copies are rejected
   * for room, and both saturation and timing out end after {@code quietNanos} without one.
   *
   * @return true while a state is on (the watchdog keeps looking)
   */
  public boolean housekeep(long now, long quietNanos) {
    long full = rejections[RejectReason.CONCURRENCY_LIMIT.ordinal()].sum()
        + rejections[RejectReason.QUEUE_FULL.ordinal()].sum();
    if (full != seenSaturation[0]) {
      seenSaturation[0] = full;
      lastSaturationNanos = now;
      if (!saturated) {
        saturated = true;
        logger.log(System.Logger.Level.WARNING, subject + " is saturated: copies are rejected"
            + " because the variant (maxConcurrency) or the pool (queueCapacity) is full (logged"
            + " once until it recovers)");
      }
    } else if (saturated && now - lastSaturationNanos >= quietNanos) {
      saturated = false;
      logger.log(System.Logger.Level.INFO, subject + " is no longer saturated");
    }
    if (timingOut && now - lastTimeoutNanos >= quietNanos) {
      timingOut = false;
      logger.log(System.Logger.Level.INFO, subject + " is no longer timing out");
    }
    return saturated || timingOut;
  }

  /**
   * A worker is stuck in a call of this variant past its timeout: true if it may be abandoned and
   * replaced (fewer than {@code max} of this variant's threads are), which quarantines the variant
   * when it reaches {@code max}. False leaves the worker stuck in the pool without a replacement,
   * so threads never exceed {@code workerThreads + sum(maxAbandonedThreads)}.
   */
  public boolean tryAbandon(int max) {
    int n;
    do {
      n = abandonedThreads.get();
      if (n >= max) {
        return false;
      }
    } while (!abandonedThreads.compareAndSet(n, n + 1));
    if (n + 1 >= max && !quarantined) {
      quarantined = true;
      logger.log(System.Logger.Level.WARNING, subject + " is quarantined: " + (n + 1) + " of its"
          + " calls hang past their timeout ignoring interrupts (maxAbandonedThreads " + max
          + "); its copies are rejected (QUARANTINED) until one returns");
    }
    return true;
  }

  /** An abandoned call of this variant returned: its thread exits; may end the quarantine. */
  public void abandonedReturned(int max) {
    int n = abandonedThreads.decrementAndGet();
    if (n < max && quarantined) {
      quarantined = false;
      logger.log(System.Logger.Level.WARNING, subject + " is released from quarantine ("
          + n + " call(s) still hang)");
    }
  }

  public int abandonedThreads() {
    return abandonedThreads.get();
  }

  /**
   * Removed from the configuration with nothing of it still running or hanging: its statistics
   * retire (left out of snapshots, dropped at the next configuration change).
   */
  public boolean retired() {
    return !active && inFlight.get() == 0 && abandonedThreads.get() == 0;
  }

  /** All rejections so far, whatever the reason. */
  public long rejectedTotal() {
    long n = 0;
    for (LongAdder a : rejections) {
      n += a.sum();
    }
    return n;
  }

  /** Calls that ran so far (successes and errors; timeouts for shadows). */
  public long calls() {
    return outcomes[Outcome.SUCCESS.ordinal()].sum() + outcomes[Outcome.ERROR.ordinal()].sum()
        + outcomes[Outcome.TIMEOUT.ordinal()].sum();
  }

  private void recordLatency(long nanos) {
    latency.record(nanos);
  }

  private void countComparison(Comparison.Result result) {
    switch (result) {
      case MATCH -> matches.increment();
      case MISMATCH -> mismatches.increment();
      case NOT_COMPARED -> notCompared.increment();
    }
  }

  public RouterSnapshot.VariantStats snapshot() {
    return snapshot(System.nanoTime());
  }

  /** The statistics now; {@code nowNanos} places the fresh latencies in the recent window. */
  public RouterSnapshot.VariantStats snapshot(long nowNanos) {
    LatencyWindow.Percentiles p = latency.snapshot(nowNanos);
    Map<Outcome, Long> ran = new EnumMap<>(Outcome.class);
    for (Outcome o : Outcome.values()) {
      if (o != Outcome.REJECTED) { // its slot is unused: the snapshot sums the reasons instead
        ran.put(o, outcomes[o.ordinal()].sum());
      }
    }
    Map<RejectReason, Long> rejected = new EnumMap<>(RejectReason.class);
    for (RejectReason r : RejectReason.values()) {
      rejected.put(r, rejections[r.ordinal()].sum());
    }
    return new RouterSnapshot.VariantStats(name, role, active, sampled.sum(), ran, rejected,
        matches.sum(), mismatches.sum(), notCompared.sum(), comparatorErrors.sum(),
        inFlight.get(), p.count(), p.p50(), p.p90(), p.p99(), p.max(), p.recentCount(),
        p.recentP50(), p.recentP99(), abandonedThreads.get(), saturated, timingOut, quarantined);
  }
}
