package dev.shadowrouting.internal.copies;

import dev.shadowrouting.Comparison;
import dev.shadowrouting.ContextPropagator;
import dev.shadowrouting.Outcome;
import dev.shadowrouting.RejectReason;
import dev.shadowrouting.ShadowContext;
import dev.shadowrouting.internal.lanes.Exchange;
import dev.shadowrouting.internal.lanes.LaneRegistry;
import dev.shadowrouting.internal.lanes.ShadowLane;
import dev.shadowrouting.internal.lanes.TestLane;
import dev.shadowrouting.internal.ledger.VariantLedger;
import dev.shadowrouting.internal.pool.PoolTask;
import dev.shadowrouting.internal.pool.ShadowExecutor;
import dev.shadowrouting.internal.util.WarnThenDebugLogger;
import java.util.concurrent.Callable;
import java.util.concurrent.CompletionStage;

/**
 * The pool's side of a shadow copy, one pass in order: run the call (in the caller's context,
 * marked as a shadow), compare, redact, then end the copy exactly once through its
 * {@link VariantLedger} (count it, write its records, feed a running test, free its slot). Every
 * way a copy ends (returned, failed, timed out, rejected in the queue, closed) goes through
 * {@link #endCopy}, whose single compare-and-set on the task is what makes "every copy ends in
 * exactly one outcome" hold by construction. Nothing here throws to its caller (the executor):
 * failures of user code are the copy's outcome, failures of the engine are logged once. Thread-safe.
 */
public final class CopyPipeline<I, O> implements ShadowExecutor.Handler {

  private static final System.Logger LOG = System.getLogger("dev.shadowrouting");
  /** A variant is no longer saturated or timing out after this long without a sign of it. */
  private static final long STATE_QUIET_NANOS = java.util.concurrent.TimeUnit.SECONDS.toNanos(5);
  /** How long the watchdog keeps ticking after the last aggregated rejection record. */
  private static final long REJECTION_LINGER_NANOS = java.util.concurrent.TimeUnit.MILLISECONDS
      .toNanos(200);

  private final String endpoint;
  private final LaneRegistry<I, O> lanes;
  private final Records records;
  /** What else housekeeping runs (the shadow tests' tick); true while it has work. */
  private final Housekeeping more;
  private final WarnThenDebugLogger internalFailures;
  private final WarnThenDebugLogger propagatorFailures;
  /** Set once before any copy is queued (the queue publishes it to the workers). */
  private volatile ShadowExecutor executor;
  /** Whether a variant is saturated or timing out (watchdog thread only). */
  private volatile boolean statesOn;
  /** When housekeeping last recorded rejections (watchdog thread only). */
  private volatile long lastRejectionNanos = System.nanoTime() - REJECTION_LINGER_NANOS;

  /** Periodic work of another part, run on the watchdog with the pool's own housekeeping. */
  public interface Housekeeping {
    /** Runs it; must be quick and not throw. */
    void tick();

    /** True while it wants another tick soon although no copy runs. */
    boolean pending();
  }

  public CopyPipeline(String endpoint, LaneRegistry<I, O> lanes, Records records,
      Housekeeping more, WarnThenDebugLogger internalFailures,
      WarnThenDebugLogger propagatorFailures) {
    this.endpoint = endpoint;
    this.lanes = lanes;
    this.records = records;
    this.more = more;
    this.internalFailures = internalFailures;
    this.propagatorFailures = propagatorFailures;
  }

  public void attach(ShadowExecutor executor) {
    this.executor = executor;
  }

  // ---- running a copy ----------------------------------------------------------------------------

  @Override
  public void execute(PoolTask t) {
    @SuppressWarnings("unchecked")
    ShadowTask<I, O> task = (ShadowTask<I, O>) t;
    if (task.lane.ledger.quarantined()) { // queued before the quarantine: do not feed a hung variant
      endCopy(task, ShadowTask.RUNNING, Outcome.REJECTED, RejectReason.QUARANTINED, -1,
          Comparison.notCompared(), null, null, null);
      return;
    }
    if (task.asyncPredictor() != null) {
      startAsync(task);
      return;
    }
    O out = null;
    Throwable error = null;
    try {
      out = asShadow(task, task); // the task times exactly its predictor call
    } catch (Throwable e) {
      error = e;
    }
    finish(task, out, error);
  }

  /**
   * Runs user code of a shadow call on this worker: the caller's context restored,
   * {@link ShadowContext#isShadow()} true, the context cleared afterwards.
   */
  private <R> R asShadow(ShadowTask<I, O> task, Callable<R> call) throws Exception {
    Exchange<I, O> ex = task.exchange;
    restore(ex);
    try {
      return ShadowContext.callAsShadow(task.lane.name, call);
    } finally {
      clear(ex);
    }
  }

  /**
   * Starts an async copy: the call is sent on this worker (with the caller's context and
   * ShadowContext), and the worker is free again at once; the stage's completion comes back
   * through the executor to a worker ({@link #completeAsync}).
   */
  private void startAsync(ShadowTask<I, O> task) {
    CompletionStage<O> stage;
    try {
      stage = asShadow(task, task::callAsync);
    } catch (Throwable e) {
      finish(task, null, e);
      return;
    }
    ShadowExecutor pool = executor;
    pool.asyncStarted(task);
    stage.whenComplete((out, err) -> {
      task.asyncCompleted(out, err);
      pool.asyncCompleted(task); // publishes the fields through the completion queue
    });
  }

  @Override
  public void completeAsync(PoolTask t) {
    @SuppressWarnings("unchecked")
    ShadowTask<I, O> task = (ShadowTask<I, O>) t;
    finish(task, task.asyncOutput, task.asyncError);
  }

  /** A call returned (or its stage completed): compare, redact and end the copy. */
  private void finish(ShadowTask<I, O> task, O out, Throwable error) {
    if (!task.isRunning()) {
      return; // timed out meanwhile: the late result is discarded, never compared
    }
    // The comparison and the redaction run before the copy ends, under its timeout: one that
    // hangs is timed out like a hanging call, and the copy still ends exactly once.
    Exchange<I, O> ex = task.exchange;
    ShadowLane<I, O> lane = task.lane;
    Comparison comparison = compare(lane, ex, error, out);
    Object[] payloads = lane.capturePayloads && records.enabled()
        ? Records.payloads(ex.routing.redactor, lane.ledger, ex.input, out) : null;
    endCopy(task, ShadowTask.RUNNING, error == null ? Outcome.SUCCESS : Outcome.ERROR, null,
        task.callNanos(), comparison, out, error, payloads);
  }

  private Comparison compare(ShadowLane<I, O> lane, Exchange<I, O> ex, Throwable error, O out) {
    if (error != null || ex.error != null) {
      return Comparison.notCompared();
    }
    try {
      Comparison c = lane.comparator.compare(ex.output, out);
      if (c == null) {
        throw new NullPointerException("comparator returned null");
      }
      return c;
    } catch (Throwable t) {
      lane.ledger.comparatorFailed(t);
      return Comparison.notCompared();
    }
  }

  @Override
  public boolean timeOut(PoolTask t) {
    @SuppressWarnings("unchecked")
    ShadowTask<I, O> task = (ShadowTask<I, O>) t;
    return endCopy(task, ShadowTask.RUNNING, Outcome.TIMEOUT, null,
        System.nanoTime() - task.startNanos, Comparison.notCompared(), null, null, null);
  }

  @Override
  public void reject(PoolTask t, RejectReason reason) {
    @SuppressWarnings("unchecked")
    ShadowTask<I, O> task = (ShadowTask<I, O>) t;
    endCopy(task, ShadowTask.QUEUED, Outcome.REJECTED, reason, -1, Comparison.notCompared(), null,
        null, null);
  }

  // ---- the one end of a copy ---------------------------------------------------------------------

  /**
   * Ends a copy with its outcome: the single place that claims it (one CAS from {@code from}),
   * then, once and in order, feeds its shadow test, writes production's and its records, and
   * hands it to its ledger, which counts it and frees its slot last (whatever happened before),
   * so that awaitIdle never sees an idle variant whose record is not emitted yet.
   *
   * @return true if this call ended the copy
   */
  public boolean endCopy(ShadowTask<I, O> task, int from, Outcome outcome, RejectReason reason,
      long latency, Comparison comparison, O out, Throwable error, Object[] payloads) {
    if (!task.end(from)) {
      return false;
    }
    task.ended(outcome, reason, latency, comparison, out, error, payloads);
    try {
      record(task);
    } finally {
      task.lane.ledger.end(outcome, reason, latency, comparison.result());
    }
    return true;
  }

  /** A claimed copy's test observation and records; failures here are the engine's, logged. */
  private void record(ShadowTask<I, O> task) {
    ShadowLane<I, O> lane = task.lane;
    Exchange<I, O> ex = task.exchange;
    if (task.endOutcome != Outcome.REJECTED) {
      if (task.endError != null) {
        lane.ledger.callFailures.log(task.endError);
        if (lane.variant.captureErrorDetails()) {
          LOG.log(System.Logger.Level.DEBUG, "shadow variant '" + lane.name + "' of endpoint '"
              + endpoint + "' failed (error details opted in)", task.endError);
        }
      }
      observe(task);
    }
    try {
      production(ex);
    } catch (Throwable t) {
      internalFailure(t);
    }
    if (records.enabled()) {
      try {
        records.shadow(task);
      } catch (Throwable t) {
        internalFailure(t);
      }
    }
  }

  /** Feeds a shadow test's statistics; a failure there never touches the copy's accounting. */
  private void observe(ShadowTask<I, O> task) {
    TestLane<I, O> test = task.lane.test;
    if (test == null) {
      return;
    }
    Exchange<I, O> ex = task.exchange;
    // The worker's time on the copy outside the predictor call (its context, the watchdog's
    // wake-up, comparison, redaction): the router's, reported apart from the candidate's.
    long routerNanos = task.endOutcome == Outcome.TIMEOUT ? -1
        : System.nanoTime() - task.startNanos - task.endLatency;
    try {
      test.observe(ex, task.lane.replaysProduction, task.endOutcome, task.endLatency,
          task.startNanos - ex.queuedAtNanos(), routerNanos, task.endComparison, task.endOutput);
    } catch (Throwable t) {
      internalFailure(t);
    }
  }

  /** Production's side of a sampled request, counted and recorded once, off the caller's thread. */
  private void production(Exchange<I, O> ex) {
    if (!ex.claimProductionRecord()) {
      return;
    }
    ex.production.ledger.productionSampled(ex.latencyNanos);
    if (records.enabled()) {
      records.production(ex);
    }
  }

  // ---- threads stuck in a call ---------------------------------------------------------------------

  @Override
  public boolean abandon(PoolTask t) {
    ShadowLane<?, ?> lane = ((ShadowTask<?, ?>) t).lane;
    return lane.ledger.tryAbandon(lane.maxAbandonedThreads);
  }

  @Override
  public void abandonedReturned(PoolTask t) {
    ShadowLane<?, ?> lane = ((ShadowTask<?, ?>) t).lane;
    lane.ledger.abandonedReturned(lane.maxAbandonedThreads);
  }

  // ---- housekeeping (the watchdog thread) ----------------------------------------------------------

  @Override
  public void housekeeping() {
    long now = System.nanoTime();
    boolean states = false;
    for (VariantLedger c : lanes.ledgers()) {
      states |= c.housekeep(now, STATE_QUIET_NANOS);
      if (c.takeRejectionsPending()) {
        lastRejectionNanos = now;
        long[] delta = c.unrecordedRejections();
        if (records.enabled()) {
          records.rejections(c.name, delta);
        }
        c.rejectionsRecorded();
      }
    }
    statesOn = states;
    more.tick();
  }

  @Override
  public boolean housekeepingPending() {
    // Stay awake a little after rejections so a saturated variant costs its callers one wake-up
    // per linger period, not one per rejection; while a state is on, to log its end; and while a
    // shadow test is active, to end it at its deadline.
    return statesOn || more.pending()
        || System.nanoTime() - lastRejectionNanos < REJECTION_LINGER_NANOS;
  }

  @Override
  public void internalFailure(Throwable failure) {
    internalFailures.log(failure);
  }

  // ---- the caller's context on the worker ----------------------------------------------------------

  @SuppressWarnings("unchecked")
  private void restore(Exchange<I, O> ex) {
    if (ex.contexts == null) {
      return;
    }
    ContextPropagator<?>[] ps = ex.routing.propagators;
    for (int i = 0; i < ex.routing.restorable; i++) {
      try {
        ((ContextPropagator<Object>) ps[i]).restore(ex.contexts[i]);
      } catch (Throwable t) {
        propagatorFailures.log(t);
      }
    }
  }

  private void clear(Exchange<I, O> ex) {
    if (ex.contexts == null) {
      return;
    }
    ContextPropagator<?>[] ps = ex.routing.propagators;
    for (int i = 0; i < ex.routing.restorable; i++) {
      try {
        ps[i].clear();
      } catch (Throwable t) {
        propagatorFailures.log(t);
      }
    }
  }
}
