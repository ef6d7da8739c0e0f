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
 * <p>Accounting: {@code emitted = delivered + dropped + pending}, and after {@link #giveUp}
 * pending is 0 whatever the sink does. One state word ({@link #state}) says what the delivery
 * thread does: nothing, taking a record from the buffer, inside {@code accept}, or counting the
 * record accept returned from. {@code giveUp} settles it with one CAS: it waits out taking and
 * counting (no user code, a few instructions), claims a record still inside {@code accept} at the
 * deadline as dropped and failed (the sink did not take it in time), and otherwise forbids the
 * thread another record, so every record given so far is counted when it returns (delivered,
 * failed and dropped stay final; a record offered later is dropped at the door) and the sink is
 * given nothing after close. A record whose {@code accept} fails is counted in {@code failed} before
 * {@code dropped}, so a reader that sees it dropped sees the failure too. A sink that
 * {@linkplain ShadowSink#confirmsDelivery() confirms delivery} has records in flight (pending too)
 * from the moment they enter {@code accept} until it confirms or fails them through its context;
 * {@code giveUp} takes what is still in flight then as dropped, and each record leaves the
 * in-flight count once, through whichever of them takes it first. Thread-safe.
 */
public final class SinkChannel implements Runnable {
  /** The delivery thread holds no record. */
  private static final int IDLE = 0;
  /** It is taking a record from the buffer (no user code). */
  private static final int TAKING = 1;
  /** It is inside the sink's {@code accept}. */
  private static final int IN_ACCEPT = 2;
  /** It is counting the record accept returned from (no user code). */
  private static final int COUNTING = 3;
  /** stop() counted the record inside accept as dropped; the thread delivers nothing more. */
  private static final int CLAIMED_BY_STOP = 4;
  /** stop() found the thread idle; it delivers nothing more. */
  private static final int STOPPED = 5;
  private final ShadowSink sink;
  private final String name;
  private final String endpoint;
  private final BoundedQueue<ShadowRecord> buffer;
  private final LongAdder emitted = new LongAdder();
  private final LongAdder delivered = new LongAdder();
  private final LongAdder dropped = new LongAdder();
  private final LongAdder failed = new LongAdder();
  private final AtomicInteger state = new AtomicInteger(IDLE);
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
   * {@code giveUp} took them first, or the sink reports more than it had).
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
      while (!gaveUp && state.compareAndSet(IDLE, TAKING)) { // else stop() settled the thread
        ShadowRecord r = buffer.poll();
        if (r == null) {
          state.set(IDLE);
          if (stopping) {
            break;
          }
          backoff.idle(() -> stopping || buffer.size() > 0);
          continue;
        }
        backoff.reset();
        state.set(IN_ACCEPT);
        if (!deliver(r)) {
          break;
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

  /** Calls accept (state IN_ACCEPT) and counts the record; false if stop() claimed it meanwhile. */
  private boolean deliver(ShadowRecord r) {
    if (confirms) {
      inFlight.incrementAndGet(); // before accept: its confirmation may come before it returns
    }
    Throwable failure = null;
    try {
      sink.accept(r);
    } catch (Throwable t) {
      failure = t;
    }
    boolean counted = state.compareAndSet(IN_ACCEPT, COUNTING);
    if (!counted) {
      Thread.interrupted(); // giveUp() counted this record and interrupted us: it is over
    } else if (failure == null) {
      if (!confirms) {
        delivered.increment(); // a confirming sink counts it when it confirms
      }
      state.set(IDLE);
    } else {
      failed.increment(); // first: whoever sees it dropped sees it failed
      if (!confirms || takeInFlight(1) == 1) {
        dropped.increment();
      }
      state.set(IDLE);
    }
    if (failure != null) {
      failures.log(failure);
    }
    return counted;
  }

  private void dropPending() {
    while (buffer.poll() != null) {
      dropped.increment();
    }
  }

  /**
   * Asks the thread to deliver what is buffered, flush the sink and stop; returns at once. Then
   * {@link #awaitStopped} until the deadline and {@link #giveUp}.
   */
  public void requestStop() {
    stopping = true;
    idle.wakeAll();
  }

  /**
   * Waits until the thread delivered, flushed and ended, or the deadline passed (never for itself:
   * close called from inside {@code accept}).
   *
   * @return true if the calling thread was interrupted while waiting (to be restored by the caller)
   */
  public boolean awaitStopped(long deadlineNanos) {
    return Joins.join(thread, deadlineNanos);
  }

  /**
   * After {@link #awaitStopped}: the thread takes no further record; a record still inside
   * {@code accept} is counted as dropped and failed (the sink did not take it in time; nothing is
   * counted for it when that call returns), the thread is interrupted, and the backlog is counted
   * as dropped. On return every record given so far is counted; later ones are dropped at the
   * door.
   */
  public void giveUp() {
    gaveUp = true;
    if (thread.isAlive()) {
      settle();
      if (thread != Thread.currentThread()) {
        thread.interrupt();
      }
    }
    dropped.add(inFlight.getAndSet(0)); // never confirmed within the deadline
    dropPending();
  }

  /** Leaves the delivery thread nothing to count after stop returns (see the class comment). */
  private void settle() {
    while (true) {
      int s = state.get();
      if (s == IDLE && state.compareAndSet(IDLE, STOPPED)
          || s == CLAIMED_BY_STOP || s == STOPPED) {
        return;
      }
      if (s == IN_ACCEPT && state.compareAndSet(IN_ACCEPT, CLAIMED_BY_STOP)) {
        failed.increment(); // first, as deliver() does: whoever sees it dropped sees it failed
        if (!confirms) {
          dropped.increment(); // a confirming sink's record in accept is in flight: giveUp drops it
        }
        return;
      }
      if (!thread.isAlive()) {
        return; // it died between two states (an Error of ours): nothing left to count
      }
      Thread.onSpinWait(); // TAKING or COUNTING: a few instructions of ours, no user code
    }
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
