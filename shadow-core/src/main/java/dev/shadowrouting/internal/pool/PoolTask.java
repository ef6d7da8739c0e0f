package dev.shadowrouting.internal.pool;

import java.util.concurrent.Future;

/**
 * What the {@link ShadowExecutor} needs of a unit of work: its state (queued, running, ended),
 * when it started and how long it may run. The executor knows nothing else of a shadow copy; its
 * {@link ShadowExecutor.Handler} does the work. Implementations are thread-safe.
 */
public interface PoolTask {

  /** Marks the task started now; false if it was already ended (e.g. claimed by a shutdown). */
  boolean start();

  /** {@code System.nanoTime()} when {@link #start} succeeded; the timeout counts from here. */
  long startNanos();

  /** How long the task may run after {@link #start} before it is timed out. */
  long timeoutNanos();

  boolean isRunning();

  boolean isQueued();

  /** An async task's future, cancelled at its timeout; null if there is none. */
  Future<?> future();
}
