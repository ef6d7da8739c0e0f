package dev.shadowrouting.internal;

import java.util.concurrent.atomic.AtomicIntegerFieldUpdater;

/**
 * One shadow copy: an {@link Exchange} for one {@link ShadowLane}. Its state decides, with one
 * compare-and-set, who writes its single record: the worker that finished the call, the watchdog
 * that timed it out, or the thread that rejected it. That CAS is the accounting invariant: every
 * copy ends in exactly one record.
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
  /** Set by the worker before the call: System.nanoTime() at start. */
  volatile long startNanos;

  ShadowTask(Exchange<I, O> exchange, ShadowLane<I, O> lane) {
    this.exchange = exchange;
    this.lane = lane;
  }

  boolean start() {
    return STATE.compareAndSet(this, QUEUED, RUNNING);
  }

  /** Claims the right to write this copy's record from {@code expected}; true for one caller only. */
  boolean finish(int expected) {
    return STATE.compareAndSet(this, expected, DONE);
  }

  boolean isRunning() {
    return state == RUNNING;
  }
}
