package dev.shadowrouting.internal;

import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;

/**
 * The idle strategy of consumer threads (shadow workers, sink deliverers): spin briefly, then
 * yield for a while, then park for growing intervals up to {@link #MAX_PARK_NANOS}. The yield
 * phase matters when a worker keeps pace with production: a park oversleeps by the OS timer slack
 * (~50 µs on Linux), and a worker that parks whenever it catches up falls behind and drops copies;
 * {@code Thread.yield} gives the core to any thread that needs it and costs nothing otherwise. Producers never wake consumers (a futex wake
 * costs the producer ~5 µs on this class of machine, see the design notes), so a consumer finds new
 * work within at most ~1 ms; shadow work is not latency-critical and the queue absorbs the gap.
 * Not thread-safe: one instance per consumer thread.
 */
final class Backoff {
  static final long MIN_PARK_NANOS = TimeUnit.MICROSECONDS.toNanos(20);
  static final long MAX_PARK_NANOS = TimeUnit.MILLISECONDS.toNanos(1);
  private static final int SPINS = 100;
  private static final int YIELDS = 100;

  private int spins;
  private long parkNanos = MIN_PARK_NANOS;

  void reset() {
    spins = 0;
    parkNanos = MIN_PARK_NANOS;
  }

  void idle() {
    if (spins < SPINS + YIELDS) {
      if (spins++ < SPINS) {
        Thread.onSpinWait();
      } else {
        Thread.yield();
      }
      return;
    }
    LockSupport.parkNanos(this, parkNanos);
    parkNanos = Math.min(MAX_PARK_NANOS, parkNanos * 2);
  }
}
