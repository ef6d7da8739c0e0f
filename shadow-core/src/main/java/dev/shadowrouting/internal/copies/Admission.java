package dev.shadowrouting.internal.copies;

import dev.shadowrouting.ContextPropagator;
import dev.shadowrouting.Invocation;
import dev.shadowrouting.Outcome;
import dev.shadowrouting.RejectReason;
import dev.shadowrouting.Request;
import dev.shadowrouting.internal.lanes.Exchange;
import dev.shadowrouting.internal.lanes.LaneRegistry;
import dev.shadowrouting.internal.lanes.ProductionLane;
import dev.shadowrouting.internal.lanes.RequestIds;
import dev.shadowrouting.internal.lanes.Routing;
import dev.shadowrouting.internal.lanes.ShadowLane;
import dev.shadowrouting.internal.ledger.VariantLedger;
import dev.shadowrouting.internal.pool.ShadowExecutor;
import dev.shadowrouting.internal.util.Rethrow;
import dev.shadowrouting.internal.util.WarnThenDebugLogger;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.locks.LockSupport;

/**
 * The caller's path: reads the compiled {@link Routing}, decides sampling, admits or refuses each
 * sampled copy through its {@link VariantLedger}, calls production on the caller's thread and hands
 * the admitted copies to the {@link ShadowExecutor}. Shadows cost nothing here unless one samples
 * the request; a sampled copy first takes a slot of its variant, so a saturated, quarantined or
 * hung shadow costs the caller a few counters and nothing else: production is then neither timed
 * nor followed by any allocation, and no record is built on this thread (rejections are counted
 * here and recorded in aggregate by the pool's housekeeping). Production's result or exception
 * reaches the caller unchanged; nothing of the shadow side ever does. Thread-safe.
 */
public final class Admission<I, O> {
  /** How long a waiting caller (test mode) parks between looks. */
  public static final long TEST_MODE_BACKOFF_NANOS = 20_000;

  private final LaneRegistry<I, O> lanes;
  private final ShadowExecutor executor;
  private final RequestIds ids;
  private final WarnThenDebugLogger internalFailures;
  private final WarnThenDebugLogger propagatorFailures;
  /** Once set, every sampled copy is refused as CLOSED; production still answers. */
  private volatile boolean closed;

  public Admission(LaneRegistry<I, O> lanes, ShadowExecutor executor, RequestIds ids,
      WarnThenDebugLogger internalFailures, WarnThenDebugLogger propagatorFailures) {
    this.lanes = lanes;
    this.executor = executor;
    this.ids = ids;
    this.internalFailures = internalFailures;
    this.propagatorFailures = propagatorFailures;
  }

  /** Stops admitting copies (the router closes). */
  public void close() {
    closed = true;
  }

  public boolean isClosed() {
    return closed;
  }

  public O predict(I input) throws Exception {
    Routing<I, O> r = lanes.routing();
    return call(r, r.choose(null), input, null, null);
  }

  public O predict(I input, Request request) throws Exception {
    Routing<I, O> r = lanes.routing();
    return call(r, r.choose(request.targetVariant()), input, request.samplingKey(),
        request.requestId());
  }

  public Invocation<O> invoke(I input, Request request) throws Exception {
    Routing<I, O> r = lanes.routing();
    ProductionLane<I, O> lane = r.choose(request.targetVariant());
    String id = request.requestId() != null ? request.requestId() : ids.next();
    O out = call(r, lane, input, request.samplingKey(), id);
    return Invocation.of(out, lane.name, id);
  }

  /**
   * Like {@link #predict(Object)} without waiting for an async production variant: its stage's
   * completion completes the future. A blocking production variant runs here, on the caller's
   * thread, and the future is complete on return.
   */
  public CompletableFuture<O> predictAsync(I input) {
    Routing<I, O> r = lanes.routing();
    return callAsync(r, r.choose(null), input, null, null);
  }

  /** {@link #predictAsync(Object)} for a {@link Request}, as {@link #predict(Object, Request)}. */
  public CompletableFuture<O> predictAsync(I input, Request request) {
    Routing<I, O> r = lanes.routing();
    return callAsync(r, r.choose(request.targetVariant()), input, request.samplingKey(),
        request.requestId());
  }

  /** One request: production answers, the sampled shadows get a copy each. */
  private O call(Routing<I, O> r, ProductionLane<I, O> lane, I input, String samplingKey,
      String requestId) throws Exception {
    long mask = admit(r, samplingKey);
    if (mask == 0) {
      return lane.callUnsampled(input);
    }
    // From here each lane in `mask` holds a slot that only a queued copy's end may release: the
    // finally below releases those that were not handed off, whatever happens in between.
    long handedOff = 0;
    try {
      Exchange<I, O> ex = new Exchange<>(r, lane, input, capture(r), requestId);
      ex.callProduction();
      handedOff = handOff(r, ex, mask);
      if (ex.error != null) {
        throw Rethrow.<RuntimeException>sneaky(ex.error); // the same instance, whatever its type
      }
      return ex.output;
    } finally {
      release(r, mask & ~handedOff);
    }
  }

  /**
   * One request whose production answer arrives later: the same admission, exchange and copies as
   * {@link #call}, the copies handed off when production's stage completes, then the future
   * completed with its output or failure (the same instance), on the thread that completed the
   * stage. Nothing here waits: a blocking production variant runs on the caller's thread (no pool
   * of ours, no common pool).
   */
  private CompletableFuture<O> callAsync(Routing<I, O> r, ProductionLane<I, O> lane, I input,
      String samplingKey, String requestId) {
    if (lane.asyncPredictor == null) {
      try {
        return CompletableFuture.completedFuture(call(r, lane, input, samplingKey, requestId));
      } catch (Throwable t) {
        return CompletableFuture.failedFuture(t);
      }
    }
    CompletableFuture<O> result = new CompletableFuture<>();
    long mask = admit(r, samplingKey);
    if (mask == 0) {
      lane.callUnsampledAsync(input, result);
      return result;
    }
    // Each lane in `mask` holds a slot until production completes: then its copy is queued, or
    // the slot released (the same hand-off as call's, on the thread that completed the stage).
    Exchange<I, O> ex = new Exchange<>(r, lane, input, capture(r), requestId);
    ex.callProductionAsync(() -> {
      long handedOff = 0;
      try {
        handedOff = handOff(r, ex, mask);
      } finally {
        release(r, mask & ~handedOff);
        if (ex.error == null) {
          result.complete(ex.output);
        } else {
          result.completeExceptionally(ex.error);
        }
      }
    });
    return result;
  }

  /**
   * Decides sampling and admits each sampled copy through its variant's ledger: the copies refused
   * here (closed, quarantined, at maxConcurrency) are counted for aggregated records. Returns the
   * lanes whose copies hold a slot now.
   */
  private long admit(Routing<I, O> r, String samplingKey) {
    long mask = r.shadows.length == 0 ? 0 : r.sample(samplingKey);
    long refused = 0;
    boolean isClosed = closed;
    for (long m = mask; m != 0; m &= m - 1) {
      ShadowLane<I, O> shadow = r.shadows[Long.numberOfTrailingZeros(m)];
      VariantLedger c = shadow.ledger;
      RejectReason reason = isClosed ? RejectReason.CLOSED
          : c.quarantined() ? RejectReason.QUARANTINED
          : c.tryAdmit(shadow.maxConcurrency) || r.testMode && awaitSlot(shadow) ? null
          : closed ? RejectReason.CLOSED : RejectReason.CONCURRENCY_LIMIT;
      if (reason != null) {
        refused |= Long.lowestOneBit(m);
        if (c.refuse(reason)) {
          executor.wakeWatchdog(); // housekeeping records the rejections in aggregate
        }
      }
    }
    return mask & ~refused;
  }

  /**
   * Production answered: counts its call and queues a copy per admitted lane. Returns the lanes
   * whose copies were handed off (queued, or ended as rejected by the pool); the caller releases
   * the others' slots. Never throws: nothing of the shadow side reaches production's caller.
   */
  private long handOff(Routing<I, O> r, Exchange<I, O> ex, long mask) {
    long handedOff = 0;
    try {
      ex.production.ledger.countCall(ex.error == null ? Outcome.SUCCESS : Outcome.ERROR);
      for (long m = mask; m != 0; m &= m - 1) {
        ShadowLane<I, O> shadow = r.shadows[Long.numberOfTrailingZeros(m)];
        submit(r, new ShadowTask<>(ex, shadow));
        handedOff |= Long.lowestOneBit(m);
      }
    } catch (Throwable t) {
      internalFailures.log(t);
    }
    return handedOff;
  }

  /** Frees the slots of admitted copies that were never queued, counting them as rejected. */
  private void release(Routing<I, O> r, long lanes) {
    for (long m = lanes; m != 0; m &= m - 1) {
      refuseAdmitted(r.shadows[Long.numberOfTrailingZeros(m)].ledger, RejectReason.QUEUE_FULL);
    }
  }

  /** A copy that holds a slot but was never queued: frees the slot and counts the rejection. */
  private void refuseAdmitted(VariantLedger c, RejectReason reason) {
    if (c.refuseAdmitted(reason)) {
      executor.wakeWatchdog();
    }
  }

  /** Test mode: waits for a slot of {@code shadow}; false if the router closes meanwhile. */
  private boolean awaitSlot(ShadowLane<I, O> shadow) {
    while (!closed && !shadow.ledger.quarantined()) {
      if (shadow.ledger.tryAdmit(shadow.maxConcurrency)) {
        return true;
      }
      LockSupport.parkNanos(TEST_MODE_BACKOFF_NANOS);
    }
    return false;
  }

  /** What the endpoint's context propagators capture on the caller's thread, or null if none. */
  private Object[] capture(Routing<I, O> r) {
    ContextPropagator<?>[] propagators = r.propagators;
    if (propagators.length == 0) {
      return null;
    }
    Object[] captured = new Object[propagators.length];
    for (int i = 0; i < propagators.length; i++) {
      try {
        captured[i] = propagators[i].capture();
      } catch (Throwable t) {
        propagatorFailures.log(t);
      }
    }
    return captured;
  }

  /** Queues one copy whose lane holds a slot; a refused copy ends as rejected (slot released). */
  private void submit(Routing<I, O> r, ShadowTask<I, O> task) {
    RejectReason reason = executor.submit(task);
    while (reason == RejectReason.QUEUE_FULL && r.testMode) { // test mode: wait for room
      LockSupport.parkNanos(TEST_MODE_BACKOFF_NANOS);
      reason = executor.submit(task);
    }
    if (reason != null && task.end(ShadowTask.QUEUED)) { // never queued: nobody else can end it
      refuseAdmitted(task.lane.ledger, reason);
    }
  }
}
