package dev.shadowrouting.internal;

import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;

/**
 * The idle strategy of consumer threads (shadow workers, sink deliverers): spin briefly, then park
 * for growing intervals up to {@link #MAX_PARK_NANOS}. Producers never wake consumers (a futex wake
 * costs the producer ~5 µs on this class of machine, see the design notes), so a consumer finds new
 * work within at most ~1 ms; shadow work is not latency-critical and the queue absorbs the gap.
 * Not thread-safe: one instance per consumer thread.
 */
final class Backoff {
  static final long MIN_PARK_NANOS = TimeUnit.MICROSECONDS.toNanos(20);
  static final long MAX_PARK_NANOS = TimeUnit.MILLISECONDS.toNanos(1);
  private static final int SPINS = 100;

  private int spins;
  private long parkNanos = MIN_PARK_NANOS;

  void reset() {
    spins = 0;
    parkNanos = MIN_PARK_NANOS;
  }

  void idle() {
    if (spins < SPINS) {
      spins++;
      Thread.onSpinWait();
      return;
    }
    LockSupport.parkNanos(this, parkNanos);
    parkNanos = Math.min(MAX_PARK_NANOS, parkNanos * 2);
  }
}
