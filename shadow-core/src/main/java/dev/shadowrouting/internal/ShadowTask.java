package dev.shadowrouting.internal;

import java.util.concurrent.atomic.AtomicIntegerFieldUpdater;

/**
 * One shadow copy: an {@link Exchange} for one {@link ShadowLane}. Its state is claimed with one
 * compare-and-set by whoever ends the copy: the worker that finished the call ({@code RUNNING ->
 * DONE}), the watchdog or {@code close()} that timed it out ({@code RUNNING -> DONE}), or whoever
 * rejected it before it ran ({@code QUEUED -> DONE}). Only the winner of that CAS may count and
 * record the copy ({@link DefaultShadowRouter}'s {@code endCopy}), which is what makes "every copy
 * ends in exactly one outcome" hold by construction. Thread-safe.
 */
final class ShadowTask<I, O> {
  static final int QUEUED = 0;
  static final int RUNNING = 1;
  static final int DONE = 2;

  private static final AtomicIntegerFieldUpdater<ShadowTask> STATE =
      AtomicIntegerFieldUpdater.newUpdater(ShadowTask.class, "state");

  final Exchange<I, O> exchange;
  final ShadowLane<I, O> lane;
  private volatile int state = QUEUED;
  /** System.nanoTime() when the call started; written before the state becomes RUNNING. */
  volatile long startNanos;
  /** An async call's future (to cancel it at the timeout), its result and its end time. */
  volatile java.util.concurrent.Future<?> future;
  O asyncOutput;
  Throwable asyncError;
  long asyncEndNanos;

  ShadowTask(Exchange<I, O> exchange, ShadowLane<I, O> lane) {
    this.exchange = exchange;
    this.lane = lane;
  }

  /** Starts the call now; false if the copy was already ended (e.g. claimed by close). */
  boolean start() {
    startNanos = System.nanoTime();
    return STATE.compareAndSet(this, QUEUED, RUNNING);
  }

  /** Claims the right to end this copy from {@code expected}; true for one caller only. */
  boolean end(int expected) {
    return STATE.compareAndSet(this, expected, DONE);
  }

  boolean isRunning() {
    return state == RUNNING;
  }

  boolean isQueued() {
    return state == QUEUED;
  }
}
