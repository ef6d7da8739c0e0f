package dev.shadowrouting.internal.lanes;

import dev.shadowrouting.AsyncPredictor;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.atomic.AtomicIntegerFieldUpdater;
import java.util.concurrent.atomic.AtomicReferenceFieldUpdater;
import java.util.function.BiConsumer;

/**
 * One sampled request: what production received, answered and took, shared by the request's shadow
 * copies. The caller allocates it only when at least one shadow sampled the request, calls
 * production through {@link #callProduction} (which times exactly the predictor call), then queues
 * the copies; the queue publishes the fields, which never change afterwards. The request id, when
 * the caller gave none, is generated lazily by whichever thread first needs it.
 */
public final class Exchange<I, O> {
  @SuppressWarnings("rawtypes") // a field updater names the raw class: Foo<I, O>.class does not exist
  private static final AtomicIntegerFieldUpdater<Exchange> PRODUCTION_RECORDED =
      AtomicIntegerFieldUpdater.newUpdater(Exchange.class, "productionRecorded");

  @SuppressWarnings("rawtypes")
  private static final AtomicReferenceFieldUpdater<Exchange, Waiting> WAITING =
      AtomicReferenceFieldUpdater.newUpdater(Exchange.class, Waiting.class, "waiting");

  public final Routing<I, O> routing;
  public final ProductionLane<I, O> production;
  public final I input;
  public final Object[] contexts;
  /** True if the caller gave the request id (or {@code invoke} returned it): labels can join. */
  public final boolean callerKnowsId;
  // Written once, before any copy is queued: by the caller in callProduction, or by the thread
  // that completed production's stage in callProductionAsync.
  public O output;
  public Throwable error;
  public long startNanos;
  public long latencyNanos;
  private volatile String requestId;
  private volatile int productionRecorded;
  /** Halves of pairs of copies waiting for their partner on this request (see {@link #meet}). */
  private volatile Waiting waiting;

  public Exchange(Routing<I, O> routing, ProductionLane<I, O> production, I input, Object[] contexts,
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
  public void callProduction() {
    AsyncPredictor<I, O> async = production.asyncPredictor;
    long start = System.nanoTime();
    long end = 0;
    CompletionTime completed = null;
    try {
      if (async == null) {
        output = production.predictor.predict(input);
      } else {
        CompletionStage<O> stage = async.predictAsync(input);
        CompletionStage<O> timed = stage;
        if (stage != null) {
          CompletableFuture<O> f = stage.toCompletableFuture();
          if (f.isDone()) {
            end = System.nanoTime();
          } else {
            completed = new CompletionTime();
            timed = f.whenComplete(completed); // completes after the time is taken
          }
        }
        CompletionStage<O> waitFor = timed;
        output = AsyncPredictor.blocking((I in) -> waitFor).predict(input);
      }
    } catch (Throwable t) {
      error = t;
    }
    if (completed != null) {
      end = completed.nanos; // 0 if the wait was interrupted before the completion
    }
    if (end == 0) {
      end = System.nanoTime();
    }
    startNanos = start;
    latencyNanos = end - start;
  }

  /**
   * Starts an async production variant's call on the caller's thread without waiting for it: timed
   * from the call to its stage's completion, like {@link #callProduction}. When the stage completes
   * (on the thread that completes it, or here if it already has, or if the call threw),
   * production's output or failure is kept (a {@code CompletionException} unwrapped, as a blocking
   * wait would throw it) and {@code done} runs, once.
   */
  public void callProductionAsync(Runnable done) {
    long start = System.nanoTime();
    startNanos = start;
    CompletionStage<O> stage;
    try {
      stage = production.startAsync(input);
    } catch (Throwable t) {
      completeProduction(null, t, start);
      done.run();
      return;
    }
    stage.whenComplete((out, failure) -> {
      completeProduction(out, failure, start);
      done.run();
    });
  }

  private void completeProduction(O out, Throwable failure, long start) {
    latencyNanos = System.nanoTime() - start;
    output = out;
    error = unwrap(failure);
  }

  /**
   * What a blocking wait on a stage throws for {@code failure}: the cause of a {@code
   * CompletionException} (a dependent stage's wrapper), else the failure itself.
   */
  public static Throwable unwrap(Throwable failure) {
    return failure instanceof java.util.concurrent.CompletionException
        && failure.getCause() != null ? failure.getCause() : failure;
  }

  /** When production finished, which is when the copies were queued. */
  public long queuedAtNanos() {
    return startNanos + latencyNanos;
  }

  public String requestId(RequestIds ids) {
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
  public boolean claimProductionRecord() {
    return productionRecorded == 0 && PRODUCTION_RECORDED.compareAndSet(this, 0, 1);
  }

  /**
   * Meeting point of two copies of this request that belong together, e.g. a shadow test's
   * candidate and its A/A copy of production, which end on different threads in either order.
   * Each calls this once with the same {@code owner} and its own {@code side}: the first leaves
   * its {@code half} and gets null, the second takes the first's half (and leaves nothing). Lock
   * free: a half is left, or taken, by one compare-and-set against the list it searched, so two
   * partners ending at once cannot both leave their halves. At most one half per side and owner
   * waits, so the list is as short as the number of such pairs on the request.
   */
  public Object meet(Object owner, boolean side, Object half) {
    while (true) {
      Waiting head = waiting;
      Waiting partner = head;
      while (partner != null && !(partner.owner == owner && partner.side != side)) {
        partner = partner.next;
      }
      if (partner != null) {
        if (WAITING.compareAndSet(this, head, without(head, partner))) {
          return partner.half;
        }
      } else if (WAITING.compareAndSet(this, head, new Waiting(owner, side, half, head))) {
        return null;
      }
    }
  }

  private static Waiting without(Waiting head, Waiting gone) {
    if (head == gone) {
      return head.next;
    }
    return new Waiting(head.owner, head.side, head.half, without(head.next, gone));
  }

  /** An immutable list node: one half waiting for its partner. */
  private record Waiting(Object owner, boolean side, Object half, Waiting next) {}

  /**
   * Records when a stage completed, on the completing thread: the wait on the stage returned by
   * {@code whenComplete(this)} ends after it is set, and the waiter's own wake-up is not counted.
   */
  private static final class CompletionTime implements BiConsumer<Object, Throwable> {
    volatile long nanos;

    @Override
    public void accept(Object output, Throwable error) {
      nanos = System.nanoTime();
    }
  }
}
