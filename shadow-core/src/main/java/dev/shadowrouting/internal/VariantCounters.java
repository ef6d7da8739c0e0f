package dev.shadowrouting.internal;

import dev.shadowrouting.Comparison;
import dev.shadowrouting.Outcome;
import dev.shadowrouting.RejectReason;
import dev.shadowrouting.Role;
import dev.shadowrouting.RouterSnapshot;
import java.util.EnumMap;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.LongAdder;
import org.HdrHistogram.Histogram;
import org.HdrHistogram.Recorder;

/**
 * The statistics of one variant name, kept for the router's whole life so they carry on across
 * {@code update} and {@code promote}. Counters are {@link LongAdder}s (no contention between caller
 * threads); latencies go to an HdrHistogram {@link Recorder} (wait-free recording) and are folded
 * into a cumulative histogram when a snapshot is taken. Thread-safe.
 */
final class VariantCounters {
  /** 1 ns to 1 hour at 2 significant digits: about 40 KB per variant. */
  private static final long HIGHEST_TRACKABLE = TimeUnit.HOURS.toNanos(1);

  final String name;
  volatile Role role;
  volatile boolean active;

  final LongAdder sampled = new LongAdder();
  /** Indexed by outcome; the REJECTED slot stays unused (see {@link #reject}). */
  private final LongAdder[] outcomes = adders(Outcome.values().length);
  private final LongAdder[] rejections = adders(RejectReason.values().length);
  final LongAdder matches = new LongAdder();
  final LongAdder mismatches = new LongAdder();
  final LongAdder notCompared = new LongAdder();
  final LongAdder comparatorErrors = new LongAdder();
  /** Copies queued or running (including calls abandoned after their timeout). */
  final AtomicInteger inFlight = new AtomicInteger();

  private final Recorder latency = new Recorder(HIGHEST_TRACKABLE, 2);
  private final Histogram cumulative = new Histogram(HIGHEST_TRACKABLE, 2);
  private Histogram interval;

  final WarnThenDebugLogger callFailures;
  final WarnThenDebugLogger comparatorFailures;
  final WarnThenDebugLogger redactorFailures;

  VariantCounters(String endpoint, String name, Role role) {
    this.name = name;
    this.role = role;
    this.active = true;
    System.Logger logger = System.getLogger("dev.shadowrouting");
    String subject = "variant '" + name + "' of endpoint '" + endpoint + "'";
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

  void count(Outcome outcome) {
    outcomes[outcome.ordinal()].increment();
  }

  /** One counter per rejection: the REJECTED outcome is their sum, taken at snapshot time. */
  void reject(RejectReason reason) {
    rejections[reason.ordinal()].increment();
  }

  /**
   * Takes one of the variant's {@code max} slots. A saturated (e.g. hung) variant is refused with a
   * plain read: no write, so callers do not bounce the counter's cache line between cores.
   */
  boolean tryAcquire(int max) {
    if (inFlight.get() >= max) {
      return false;
    }
    if (inFlight.incrementAndGet() > max) {
      inFlight.decrementAndGet();
      return false;
    }
    return true;
  }

  /** All rejections so far, whatever the reason. */
  long rejectedTotal() {
    long n = 0;
    for (LongAdder a : rejections) {
      n += a.sum();
    }
    return n;
  }

  /** Calls that ran so far (successes and errors; timeouts for shadows). */
  long calls() {
    return outcomes[Outcome.SUCCESS.ordinal()].sum() + outcomes[Outcome.ERROR.ordinal()].sum()
        + outcomes[Outcome.TIMEOUT.ordinal()].sum();
  }

  void recordLatency(long nanos) {
    latency.recordValue(Math.min(Math.max(nanos, 0), HIGHEST_TRACKABLE));
  }

  void countComparison(Comparison.Result result) {
    switch (result) {
      case MATCH -> matches.increment();
      case MISMATCH -> mismatches.increment();
      case NOT_COMPARED -> notCompared.increment();
    }
  }

  RouterSnapshot.VariantStats snapshot() {
    long count;
    long p50;
    long p90;
    long p99;
    long max;
    synchronized (this) { // snapshots are rare; recording never takes this lock
      interval = latency.getIntervalHistogram(interval);
      cumulative.add(interval);
      count = cumulative.getTotalCount();
      p50 = count == 0 ? 0 : cumulative.getValueAtPercentile(50);
      p90 = count == 0 ? 0 : cumulative.getValueAtPercentile(90);
      p99 = count == 0 ? 0 : cumulative.getValueAtPercentile(99);
      max = count == 0 ? 0 : cumulative.getMaxValue();
    }
    Map<RejectReason, Long> byReason = new EnumMap<>(RejectReason.class);
    long rejected = 0;
    for (RejectReason r : RejectReason.values()) {
      long n = rejections[r.ordinal()].sum();
      byReason.put(r, n);
      rejected += n;
    }
    Map<Outcome, Long> byOutcome = new EnumMap<>(Outcome.class);
    for (Outcome o : Outcome.values()) {
      byOutcome.put(o, o == Outcome.REJECTED ? rejected : outcomes[o.ordinal()].sum());
    }
    return new RouterSnapshot.VariantStats(name, role, active, sampled.sum(), byOutcome, byReason,
        matches.sum(), mismatches.sum(), notCompared.sum(), comparatorErrors.sum(), inFlight.get(),
        count, p50, p90, p99, max);
  }
}
