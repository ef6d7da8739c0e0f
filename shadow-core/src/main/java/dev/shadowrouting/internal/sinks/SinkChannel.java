package dev.shadowrouting.internal.sinks;

import dev.shadowrouting.RouterSnapshot;
import dev.shadowrouting.ShadowRecord;
import dev.shadowrouting.ShadowSink;
import dev.shadowrouting.internal.pool.Backoff;
import dev.shadowrouting.internal.pool.BoundedQueue;
import dev.shadowrouting.internal.pool.Parking;
import dev.shadowrouting.internal.util.Joins;
import dev.shadowrouting.internal.util.NamedThreads;
import dev.shadowrouting.internal.util.WarnThenDebugLogger;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.LongAdder;
import java.util.function.Supplier;

/**
 * Delivers records to one sink: a bounded buffer and a dedicated daemon thread
 * ({@code shadow-<endpoint>-sink-<name>-1}). Producers (shadow workers, the watchdog's
 * housekeeping) only offer to the buffer: a full buffer drops and counts, so a slow or blocked sink
 * never applies back-pressure. A sink that throws is counted and logged (warn once, then debug).
 * An idle deliverer sleeps ({@link Parking}) and the first record after the idle period wakes it.
 *
 * <p>Accounting: {@code emitted = delivered + dropped + pending}, and after {@link #stop} pending is
 * 0 whatever the sink does: the record inside a call to {@code accept} that is still running at the
 * deadline is claimed by {@code stop} as dropped (one CAS decides between that and the delivery
 * thread counting it delivered), the thread is interrupted, and what is left in the buffer is
 * dropped. Thread-safe.
 */
public final class SinkChannel implements Runnable {
  private static final int IDLE = 0;
  private static final int IN_ACCEPT = 1;
  private static final int CLAIMED_BY_STOP = 2;

  private final ShadowSink sink;
  private final String name;
  private final String endpoint;
  private final BoundedQueue<ShadowRecord> buffer;
  private final LongAdder emitted = new LongAdder();
  private final LongAdder delivered = new LongAdder();
  private final LongAdder dropped = new LongAdder();
  private final LongAdder failed = new LongAdder();
  private final AtomicInteger accepting = new AtomicInteger(IDLE);
  private final WarnThenDebugLogger failures;
  private final WarnThenDebugLogger reportedFailures;
  private final Parking idle = new Parking();
  private final Thread thread;
  private volatile boolean stopping;
  /** Set when stop() returned: the thread delivers nothing more. */
  private volatile boolean gaveUp;

  public SinkChannel(String endpoint, ShadowSink sink, String name, int capacity) {
    this.sink = sink;
    this.name = name;
    this.endpoint = endpoint;
    this.buffer = new BoundedQueue<>(capacity);
    System.Logger logger = System.getLogger("dev.shadowrouting");
    this.failures = new WarnThenDebugLogger(logger,
        "sink '" + name + "' of endpoint '" + endpoint + "' threw");
    this.reportedFailures = new WarnThenDebugLogger(logger,
        "sink '" + name + "' of endpoint '" + endpoint + "' failed to handle records");
    this.thread = new NamedThreads(endpoint, "sink-" + name).newThread(this);
  }

  public void start() {
    thread.start();
  }

  /** The context given to the sink's {@code onAttach}. */
  public ShadowSink.Context context(Supplier<RouterSnapshot> snapshot) {
    return new ShadowSink.Context() {
      @Override
      public String endpoint() {
        return endpoint;
      }

      @Override
      public RouterSnapshot snapshot() {
        return snapshot.get();
      }

      @Override
      public void failed(Throwable cause, long records) {
        if (records > 0) {
          failed.add(records);
        }
        reportedFailures.log(cause);
      }
    };
  }

  public void offer(ShadowRecord record) {
    emitted.increment();
    if (stopping || !buffer.offer(record)) {
      dropped.increment();
      return;
    }
    idle.wakeOne();
    if (gaveUp) { // the delivery thread is gone: nobody will take it
      dropPending();
    }
  }

  @Override
  public void run() {
    Backoff backoff = new Backoff(idle);
    try {
      while (!gaveUp) {
        ShadowRecord r = buffer.poll();
        if (r != null) {
          backoff.reset();
          deliver(r);
        } else if (stopping) {
          break;
        } else {
          backoff.idle(() -> stopping || buffer.size() > 0);
        }
      }
      if (!gaveUp) {
        try {
          sink.flush();
        } catch (Throwable t) {
          failures.log(t);
        }
      }
    } finally {
      dropPending();
    }
  }

  private void deliver(ShadowRecord r) {
    accepting.set(IN_ACCEPT);
    Throwable failure = null;
    try {
      sink.accept(r);
    } catch (Throwable t) {
      failure = t;
    }
    boolean claimedByStop = !accepting.compareAndSet(IN_ACCEPT, IDLE);
    if (claimedByStop) {
      Thread.interrupted(); // stop() counted it as dropped and interrupted us: it is over
    } else if (failure == null) {
      delivered.increment();
      return;
    } else {
      dropped.increment();
    }
    if (failure != null) { // a failed accept is a failure whoever counted the record as dropped
      failed.increment();
      failures.log(failure);
    }
  }

  private void dropPending() {
    while (buffer.poll() != null) {
      dropped.increment();
    }
  }

  /**
   * Asks the thread to deliver what is buffered, flush the sink and stop; waits until the
   * deadline (never for itself: close called from inside {@code accept}), then gives up: the
   * record inside {@code accept}, if any, and the backlog are counted as dropped and the thread
   * is interrupted.
   *
   * @return true if the calling thread was interrupted while waiting (to be restored by the caller)
   */
  public boolean stop(long deadlineNanos) {
    stopping = true;
    idle.wakeAll();
    boolean interrupted = Joins.join(thread, deadlineNanos);
    gaveUp = true;
    if (thread.isAlive()) {
      if (accepting.compareAndSet(IN_ACCEPT, CLAIMED_BY_STOP)) {
        dropped.increment();
      }
      if (thread != Thread.currentThread()) {
        thread.interrupt();
      }
    }
    dropPending();
    return interrupted;
  }

  /** True when every record emitted so far was delivered or dropped (none buffered or in accept). */
  public boolean idle() {
    long e = emitted.sum();
    return buffer.size() == 0 && delivered.sum() + dropped.sum() >= e;
  }

  public boolean threadAlive() {
    return thread.isAlive();
  }

  public ShadowSink sink() {
    return sink;
  }

  public WarnThenDebugLogger failures() {
    return failures;
  }

  public RouterSnapshot.SinkStats snapshot() {
    return new RouterSnapshot.SinkStats(name, emitted.sum(), delivered.sum(), dropped.sum(),
        failed.sum(), buffer.size());
  }
}
