package dev.shadowrouting.internal.util;

import java.util.concurrent.TimeUnit;

/** Joining threads against a deadline without being cut short by an interrupt. Stateless. */
public final class Joins {
  private Joins() {}

  /**
   * Waits until {@code t} ends or {@code deadlineNanos} (System.nanoTime) passes; never waits for
   * the calling thread itself. An interrupt of the caller does not end the wait early: it is
   * reported by the return value so the caller can restore it once its own work is done.
   *
   * @return true if the calling thread was interrupted while waiting
   */
  public static boolean join(Thread t, long deadlineNanos) {
    if (t == Thread.currentThread()) {
      return false;
    }
    boolean interrupted = false;
    while (t.isAlive()) {
      long left = deadlineNanos - System.nanoTime();
      if (left <= 0) {
        break;
      }
      try {
        t.join(Math.max(1, TimeUnit.NANOSECONDS.toMillis(left)));
      } catch (InterruptedException e) {
        interrupted = true;
      }
    }
    return interrupted;
  }
}
