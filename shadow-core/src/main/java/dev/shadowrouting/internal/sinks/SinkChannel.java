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
import java.util.concurrent.atomic.AtomicLong;
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
 * dropped. A sink that {@linkplain ShadowSink#confirmsDelivery() confirms delivery} has records
 * in flight (pending too) from the moment they enter {@code accept} until it confirms or fails
 * them through its context; {@code stop} takes what is still in flight then as dropped, and each
 * record leaves the in-flight count once, through whichever of them takes it first.
 * Thread-safe.
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
  /** Whether the sink confirms delivery itself (read once: it may not change). */
  private final boolean confirms;
  /** Records of a confirming sink that entered accept and are neither confirmed nor failed. */
  private final AtomicLong inFlight = new AtomicLong();
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
    this.confirms = confirmsDelivery(sink, failures);
  }

  private static boolean confirmsDelivery(ShadowSink sink, WarnThenDebugLogger failures) {
    try {
      return sink.confirmsDelivery();
    } catch (Throwable t) {
      failures.log(t);
      return false;
    }
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
        if (confirms) {
          long taken = takeInFlight(records);
          failed.add(taken);
          dropped.add(taken);
        } else if (records > 0) {
          failed.add(records);
        }
        reportedFailures.log(cause);
      }

      @Override
      public void delivered(long records) {
        if (confirms) {
          delivered.add(takeInFlight(records));
        }
      }
    };
  }

  /**
   * Takes up to {@code records} records out of flight; returns how many it took (fewer when
   * {@code stop} took them first, or the sink reports more than it had).
   */
  private long takeInFlight(long records) {
    while (records > 0) {
      long now = inFlight.get();
      long taken = Math.min(now, records);
      if (inFlight.compareAndSet(now, now - taken)) {
        return taken;
      }
    }
    return 0;
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
    if (confirms) {
      inFlight.incrementAndGet(); // before accept: its confirmation may come before it returns
    }
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
      if (!confirms) {
        delivered.increment();
      }
      return;
    } else if (!confirms || takeInFlight(1) == 1) {
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
      if (accepting.compareAndSet(IN_ACCEPT, CLAIMED_BY_STOP) && !confirms) {
        dropped.increment(); // a confirming sink's record in accept is in flight: taken below
      }
      if (thread != Thread.currentThread()) {
        thread.interrupt();
      }
    }
    dropped.add(inFlight.getAndSet(0)); // never confirmed within the deadline
    dropPending();
    return interrupted;
  }

  /**
   * True when every record emitted so far was delivered or dropped (none buffered, in accept or
   * in flight).
   */
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
        failed.sum(), (int) Math.min(Integer.MAX_VALUE, buffer.size() + inFlight.get()));
  }
}
