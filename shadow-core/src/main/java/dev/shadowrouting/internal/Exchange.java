package dev.shadowrouting.internal;

import java.util.concurrent.atomic.AtomicIntegerFieldUpdater;

/**
 * One sampled request: what production received, answered and took, shared by the request's shadow
 * copies. The caller allocates it only when at least one shadow sampled the request. The fields are
 * written by the caller before the copies are queued (the queue publishes them) and never change;
 * the request id, when the caller gave none, is generated lazily by whichever thread first needs it.
 */
final class Exchange<I, O> {
  private static final AtomicIntegerFieldUpdater<Exchange> PRODUCTION_RECORDED =
      AtomicIntegerFieldUpdater.newUpdater(Exchange.class, "productionRecorded");

  final Routing<I, O> routing;
  final ProductionLane<I, O> production;
  final I input;
  final O output;
  final Throwable error;
  final long startNanos;
  final long latencyNanos;
  final Object[] contexts;
  /** True if the caller gave the request id (or {@code invoke} returned it): labels can join. */
  final boolean callerKnowsId;
  private volatile String requestId;
  private volatile int productionRecorded;

  Exchange(Routing<I, O> routing, ProductionLane<I, O> production, I input, O output,
      Throwable error, long startNanos, long latencyNanos, Object[] contexts, String requestId) {
    this.routing = routing;
    this.production = production;
    this.input = input;
    this.output = output;
    this.error = error;
    this.startNanos = startNanos;
    this.latencyNanos = latencyNanos;
    this.contexts = contexts;
    this.requestId = requestId;
    this.callerKnowsId = requestId != null;
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
