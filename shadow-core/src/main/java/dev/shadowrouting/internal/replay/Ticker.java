package dev.shadowrouting.internal.replay;

/**
 * The time a replay paces and reports progress by: {@link System#nanoTime()} and {@link
 * Thread#sleep} in production, a hand-moved time in tests (pacing tested without sleeping).
 * Implementations must be thread-safe.
 */
public interface Ticker {

  /** The system's. */
  Ticker SYSTEM = new Ticker() {
    @Override
    public long nanoTime() {
      return System.nanoTime();
    }

    @Override
    public void sleepNanos(long nanos) throws InterruptedException {
      java.util.concurrent.TimeUnit.NANOSECONDS.sleep(nanos);
    }
  };

  /** A monotonic time in nanoseconds, as {@link System#nanoTime()}. */
  long nanoTime();

  /** Waits about {@code nanos} (> 0) of this ticker's time. */
  void sleepNanos(long nanos) throws InterruptedException;
}
