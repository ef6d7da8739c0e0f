package dev.shadowrouting.internal.pool;

import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.LockSupport;
import java.util.function.BooleanSupplier;

/**
 * Where idle consumer threads (shadow workers, sink deliverers, the watchdog) sleep, and how a
 * producer wakes one, so that an idle router costs no CPU while a busy one pays no wake-up per
 * item.
 *
 * <p>While work flows, consumers never sleep here: they spin, yield and park briefly
 * ({@link Backoff}) and producers only offer to a queue. After an idle period a consumer registers
 * here and parks for up to {@link #MAX_SLEEP_NANOS}. A producer checks {@link #wakeOne} after each
 * offer: one read of a volatile counter, zero while anyone works, so the unpark (microseconds) is
 * paid once per idle period, not per item.
 *
 * <p>No lost wake-up: a sleeper increments the counter (a CAS, a full fence) before it re-checks
 * for work; a producer publishes its item (a CAS in the queue) before it reads the counter. Either
 * the sleeper sees the item or the producer sees the sleeper. As a second line of defence a
 * sleeper wakes by itself after {@link #MAX_SLEEP_NANOS} (a wake-up every 2 s per thread, next to
 * nothing). Thread-safe.
 */
public final class Parking {
  public static final long MAX_SLEEP_NANOS = TimeUnit.SECONDS.toNanos(2);

  private final ConcurrentLinkedQueue<Thread> sleepers = new ConcurrentLinkedQueue<>();
  private final AtomicInteger count = new AtomicInteger();

  /** Sleeps until woken (or {@link #MAX_SLEEP_NANOS}) unless {@code hasWork} says otherwise. */
  public void sleep(BooleanSupplier hasWork) {
    Thread me = Thread.currentThread();
    sleepers.add(me);
    count.incrementAndGet();
    try {
      if (!hasWork.getAsBoolean()) {
        LockSupport.parkNanos(this, MAX_SLEEP_NANOS);
      }
    } finally {
      if (sleepers.remove(me)) { // else a producer took us off and decremented
        count.decrementAndGet();
      }
    }
  }

  /** Producer side: wakes one sleeper, if any. One volatile read when none sleeps. */
  public void wakeOne() {
    if (count.get() != 0) {
      Thread t = sleepers.poll();
      if (t != null) {
        count.decrementAndGet();
        LockSupport.unpark(t);
      }
    }
  }

  /** Wakes every sleeper (shutdown). */
  public void wakeAll() {
    Thread t;
    while ((t = sleepers.poll()) != null) {
      count.decrementAndGet();
      LockSupport.unpark(t);
    }
  }

  public int sleeping() {
    return count.get();
  }
}
