package dev.shadowrouting.internal.pool;

import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;

/**
 * The idle strategy of consumer threads (shadow workers, sink deliverers): spin briefly, then
 * yield for a while, then park for growing intervals up to {@link #MAX_PARK_NANOS}, and after
 * {@link #SLEEP_AFTER_NANOS} without work sleep in {@link Parking} until a producer wakes them.
 *
 * <p>The yield phase matters when a worker keeps pace with production: a park oversleeps by the OS
 * timer slack (~50 µs on Linux), and a worker that parks whenever it catches up falls behind and
 * drops copies; {@code Thread.yield} gives the core to any thread that needs it and costs nothing
 * otherwise. While work flows, producers never wake consumers (a futex wake costs the producer
 * ~5 µs on this class of machine), so a consumer finds new work within ~1 ms; once it sleeps, the
 * first item after the idle period pays one wake-up. Not thread-safe: one instance per consumer.
 */
public final class Backoff {
  public static final long MIN_PARK_NANOS = TimeUnit.MICROSECONDS.toNanos(20);
  public static final long MAX_PARK_NANOS = TimeUnit.MILLISECONDS.toNanos(1);
  /** Idle this long (parking up to 1 ms at a time) before sleeping until woken. */
  public static final long SLEEP_AFTER_NANOS = TimeUnit.MILLISECONDS.toNanos(50);
  private static final int SPINS = 100;
  private static final int YIELDS = 100;

  private final Parking parking;
  private int spins;
  private long parkNanos = MIN_PARK_NANOS;
  private long idleSince;

  public Backoff(Parking parking) {
    this.parking = parking;
  }

  public void reset() {
    spins = 0;
    parkNanos = MIN_PARK_NANOS;
  }

  /** One idle step; {@code hasWork} is re-checked before sleeping so no wake-up is lost. */
  public void idle(java.util.function.BooleanSupplier hasWork) {
    if (spins < SPINS + YIELDS) {
      if (spins == 0) {
        idleSince = System.nanoTime();
      }
      if (spins++ < SPINS) {
        Thread.onSpinWait();
      } else {
        Thread.yield();
      }
      return;
    }
    if (System.nanoTime() - idleSince >= SLEEP_AFTER_NANOS) {
      parking.sleep(hasWork);
      return;
    }
    LockSupport.parkNanos(this, parkNanos);
    parkNanos = Math.min(MAX_PARK_NANOS, parkNanos * 2);
  }
}
