package dev.shadowrouting.internal.copies;

import dev.shadowrouting.Comparison;
import dev.shadowrouting.Outcome;
import dev.shadowrouting.Predictor;
import dev.shadowrouting.RejectReason;
import dev.shadowrouting.internal.lanes.Exchange;
import dev.shadowrouting.internal.lanes.ShadowLane;
import dev.shadowrouting.internal.pool.PoolTask;
import java.util.concurrent.atomic.AtomicIntegerFieldUpdater;

/**
 * One shadow copy: an {@link Exchange} for one {@link ShadowLane}. Its state is claimed with one
 * compare-and-set by whoever ends the copy: the worker that finished the call ({@code RUNNING ->
 * DONE}), the watchdog or {@code close()} that timed it out ({@code RUNNING -> DONE}), or whoever
 * rejected it before it ran ({@code QUEUED -> DONE}). Only the winner of that CAS may count and
 * record the copy ({@link CopyPipeline#endCopy}), which is what makes "every copy
 * ends in exactly one outcome" hold by construction. Thread-safe.
 */
public final class ShadowTask<I, O> implements PoolTask, java.util.concurrent.Callable<O> {
  public static final int QUEUED = 0;
  public static final int RUNNING = 1;
  public static final int DONE = 2;

  @SuppressWarnings("rawtypes") // a field updater names the raw class: Foo<I, O>.class does not exist
  private static final AtomicIntegerFieldUpdater<ShadowTask> STATE =
      AtomicIntegerFieldUpdater.newUpdater(ShadowTask.class, "state");

  public final Exchange<I, O> exchange;
  public final ShadowLane<I, O> lane;
  private volatile int state = QUEUED;
  /**
   * System.nanoTime() when a worker took the copy; written before the state becomes RUNNING. The
   * timeout counts from here (it covers the comparison too), the latency does not.
   */
  public volatile long startNanos;
  /**
   * The predictor call's window, taken immediately around it on the worker (an async call: from
   * the call to its stage's completion). Only this window is the copy's latency: the worker's
   * wake-up, the watchdog's, context restore and comparison are the router's own time, reported
   * apart, so a candidate identical to production measures the same as production. Written and
   * read by the thread that runs the copy, or published to the completing worker through the
   * executor's completion queue.
   */
  public long callStartNanos;
  public long callEndNanos;
  /** An async call's future (to cancel it at the timeout) and its result. */
  public volatile java.util.concurrent.Future<?> future;
  public O asyncOutput;
  public Throwable asyncError;
  private boolean doneAtReturn;
  // How the copy ended: written once by whoever claimed its end, before the ledger counts it.
  public Outcome endOutcome;
  public RejectReason endReason;
  public long endLatency;
  public Comparison endComparison;
  public O endOutput;
  public Throwable endError;
  public Object[] endPayloads;

  public ShadowTask(Exchange<I, O> exchange, ShadowLane<I, O> lane) {
    this.exchange = exchange;
    this.lane = lane;
  }

  /** Starts the call now; false if the copy was already ended (e.g. claimed by close). */
  @Override
  public boolean start() {
    long now = System.nanoTime();
    startNanos = now;
    callStartNanos = now; // until the call starts: a copy that never called has no window
    callEndNanos = now;
    return STATE.compareAndSet(this, QUEUED, RUNNING);
  }

  /**
   * The blocking predictor call, timed exactly: the lane's predictor, or for an A/A noise copy the
   * production variant that answered. Runs inside the shadow context the router set up.
   */
  @Override
  public O call() throws Exception {
    Predictor<I, O> predictor = lane.replaysProduction ? exchange.production.predictor
        : lane.predictor;
    callStartNanos = System.nanoTime();
    try {
      return predictor.predict(exchange.input);
    } finally {
      callEndNanos = System.nanoTime();
    }
  }

  /** The async predictor this copy calls (the answering production variant's for an A/A copy). */
  public dev.shadowrouting.AsyncPredictor<I, O> asyncPredictor() {
    return lane.replaysProduction ? exchange.production.asyncPredictor : lane.asyncPredictor;
  }

  /**
   * Starts the async call, timed from the call: the window ends when its stage completes
   * ({@link #asyncCompleted}), or here if the stage was already complete when the call returned,
   * so registering the completion (which may wake the watchdog first) is never charged to it.
   */
  public java.util.concurrent.CompletionStage<O> callAsync() throws Exception {
    callStartNanos = System.nanoTime();
    java.util.concurrent.CompletionStage<O> stage = asyncPredictor().predictAsync(exchange.input);
    long returned = System.nanoTime();
    callEndNanos = returned;
    if (stage == null) {
      throw new NullPointerException("AsyncPredictor returned null");
    }
    java.util.concurrent.CompletableFuture<O> f;
    try {
      f = stage.toCompletableFuture();
    } catch (UnsupportedOperationException e) {
      return stage; // a stage without a future: its completion time is taken when it completes
    }
    future = f; // to cancel it at the timeout
    doneAtReturn = f.isDone();
    return stage;
  }

  /** On the completing thread: the call's window ends now unless it ended when the call returned. */
  public void asyncCompleted(O output, Throwable error) {
    if (!doneAtReturn) {
      callEndNanos = System.nanoTime();
    }
    asyncOutput = output;
    asyncError = Exchange.unwrap(error);
  }

  /** The predictor call's duration (0 if it never started). */
  public long callNanos() {
    return callEndNanos - callStartNanos;
  }

  /** Notes how the copy ended; only the thread that won {@link #end} calls it. */
  public void ended(Outcome outcome, RejectReason reason, long latency, Comparison comparison, O output,
      Throwable error, Object[] payloads) {
    endOutcome = outcome;
    endReason = reason;
    endLatency = latency;
    endComparison = comparison;
    endOutput = output;
    endError = error;
    endPayloads = payloads;
  }

  /** Claims the right to end this copy from {@code expected}; true for one caller only. */
  public boolean end(int expected) {
    return STATE.compareAndSet(this, expected, DONE);
  }

  @Override
  public long startNanos() {
    return startNanos;
  }

  @Override
  public long timeoutNanos() {
    return lane.timeoutNanos;
  }

  @Override
  public java.util.concurrent.Future<?> future() {
    return future;
  }

  @Override
  public boolean isRunning() {
    return state == RUNNING;
  }

  @Override
  public boolean isQueued() {
    return state == QUEUED;
  }
}
