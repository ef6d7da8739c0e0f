package dev.shadowrouting.internal;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ExecutionException;
import java.util.function.BiConsumer;

/**
 * Waiting for an {@link dev.shadowrouting.AsyncPredictor}'s stage on the caller's thread (an async
 * production variant), in one place for the plain path ({@code Variant.predictor()}) and the timed
 * one. Public only for the API package; not part of the API. Stateless and thread-safe.
 */
public final class AsyncCalls {
  private AsyncCalls() {}

  /** The stage's future; a null stage is the predictor's bug, reported as such. */
  public static <O> CompletableFuture<O> future(CompletionStage<O> stage) {
    if (stage == null) {
      throw new NullPointerException("AsyncPredictor returned null");
    }
    return stage.toCompletableFuture();
  }

  /** Waits for the stage; its failure is rethrown as the very instance it failed with. */
  public static <O> O await(CompletionStage<O> stage) throws Exception {
    try {
      return future(stage).get();
    } catch (ExecutionException e) {
      Throwable cause = e.getCause() == null ? e : e.getCause();
      if (cause instanceof Exception ex) {
        throw ex;
      }
      if (cause instanceof Error err) {
        throw err;
      }
      throw e;
    }
  }

  /**
   * Records when a stage completed, on the completing thread: waiting for the stage returned by
   * {@code whenComplete(this)} ends after it is set, and the waiter's own wake-up is not counted.
   */
  static final class CompletionTime implements BiConsumer<Object, Throwable> {
    volatile long nanos;

    @Override
    public void accept(Object output, Throwable error) {
      nanos = System.nanoTime();
    }
  }
}
