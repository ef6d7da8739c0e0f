package dev.shadowrouting.internal;

import java.util.concurrent.atomic.AtomicIntegerFieldUpdater;

/**
 * One sampled request: what production received, answered and took, shared by the request's shadow
 * copies. The caller allocates it only when at least one shadow sampled the request, calls
 * production through {@link #callProduction} (which times exactly the predictor call), then queues
 * the copies; the queue publishes the fields, which never change afterwards. The request id, when
 * the caller gave none, is generated lazily by whichever thread first needs it.
 */
final class Exchange<I, O> {
  private static final AtomicIntegerFieldUpdater<Exchange> PRODUCTION_RECORDED =
      AtomicIntegerFieldUpdater.newUpdater(Exchange.class, "productionRecorded");

  final Routing<I, O> routing;
  final ProductionLane<I, O> production;
  final I input;
  final Object[] contexts;
  /** True if the caller gave the request id (or {@code invoke} returned it): labels can join. */
  final boolean callerKnowsId;
  // Written once by the caller in callProduction, before any copy is queued.
  O output;
  Throwable error;
  long startNanos;
  long latencyNanos;
  private volatile String requestId;
  private volatile int productionRecorded;

  Exchange(Routing<I, O> routing, ProductionLane<I, O> production, I input, Object[] contexts,
      String requestId) {
    this.routing = routing;
    this.production = production;
    this.input = input;
    this.contexts = contexts;
    this.requestId = requestId;
    this.callerKnowsId = requestId != null;
  }

  /**
   * Calls production on the caller's thread, timed exactly like a shadow copy: a blocking
   * predictor around its call, an async one from the call to its stage's completion (not to this
   * thread's wake-up after it), so the pair compares like with like. Production's output or
   * failure is kept for the caller and the copies.
   */
  void callProduction() {
    dev.shadowrouting.AsyncPredictor<I, O> async = production.asyncPredictor;
    long start = System.nanoTime();
    long end = 0;
    try {
      if (async == null) {
        output = production.predictor.predict(input);
      } else {
        java.util.concurrent.CompletableFuture<O> f = AsyncCalls.future(async.predictAsync(input));
        if (f.isDone()) {
          end = System.nanoTime();
          output = AsyncCalls.await(f);
        } else {
          AsyncCalls.CompletionTime completed = new AsyncCalls.CompletionTime();
          try {
            output = AsyncCalls.await(f.whenComplete(completed));
          } finally {
            end = completed.nanos; // 0 if the wait was interrupted before completion
          }
        }
      }
    } catch (Throwable t) {
      error = t;
    }
    if (end == 0) {
      end = System.nanoTime();
    }
    startNanos = start;
    latencyNanos = end - start;
  }

  /** When production finished, which is when the copies were queued. */
  long queuedAtNanos() {
    return startNanos + latencyNanos;
  }

  String requestId(RequestIds ids) {
    String id = requestId;
    if (id == null) {
      synchronized (this) { // off the caller's thread; two copies may race for it
        id = requestId;
        if (id == null) {
          id = ids.next();
          requestId = id;
        }
      }
    }
    return id;
  }

  /** True for exactly one caller: the one that records production's side of this request. */
  boolean claimProductionRecord() {
    return productionRecorded == 0 && PRODUCTION_RECORDED.compareAndSet(this, 0, 1);
  }
}
