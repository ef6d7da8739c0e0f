package dev.shadowrouting;

import java.util.concurrent.CompletionStage;
import org.jspecify.annotations.Nullable;

/**
 * A predictor that answers later: a call to a model server, another region or a managed endpoint
 * through a non-blocking client. As a shadow it holds no thread while the call is in flight: a pool
 * worker starts it, and its completion is handed back to the pool for comparison and recording, so
 * one worker keeps many remote calls in flight (up to the variant's {@code maxConcurrency}, which
 * bounds them). Its timeout cancels the stage's future ({@code cancel(true)}). As a production
 * variant {@link ShadowRouter#predict} waits for the stage on the caller's thread (its exception,
 * unwrapped, reaches the caller), and {@link ShadowRouter#predictAsync} returns a future that its
 * completion completes, waiting for nothing.
 *
 * <p>{@link ShadowContext#isShadow()} is true while {@link #predictAsync} runs (where the request is
 * sent), not on the threads that complete the stage. Implementations must be thread-safe and should
 * return quickly: the work belongs in the stage.
 *
 * @param <I> input type
 * @param <O> output type
 */
@FunctionalInterface
public interface AsyncPredictor<I extends @Nullable Object, O extends @Nullable Object> {

  /**
   * Starts computing the output for {@code input}.
   *
   * @return a stage completed with the output or an exception; never {@code null}
   * @throws Exception a failure to start, treated like a failed stage
   */
  CompletionStage<O> predictAsync(I input) throws Exception;

  /**
   * A blocking view of {@code async}: each call waits for the stage on the calling thread, and a
   * failed stage throws the very exception it failed with (unwrapped from
   * {@link java.util.concurrent.ExecutionException}). What a production variant does with an
   * async predictor. The view is thread-safe if {@code async} is.
   */
  static <I extends @Nullable Object, O extends @Nullable Object>
      Predictor<I, O> blocking(AsyncPredictor<I, O> async) {
    java.util.Objects.requireNonNull(async, "async");
    return new Predictor<>() {
      @Override
      public O predict(I input) throws Exception {
        CompletionStage<O> stage = async.predictAsync(input);
        if (stage == null) {
          throw new NullPointerException("AsyncPredictor returned null");
        }
        try {
          return stage.toCompletableFuture().get();
        } catch (java.util.concurrent.ExecutionException e) {
          Throwable cause = e.getCause() == null ? e : e.getCause();
          if (cause instanceof Exception ex) {
            throw ex; // the same instance the stage failed with
          }
          if (cause instanceof Error err) {
            throw err;
          }
          throw e;
        }
      }

      @Override
      public String toString() {
        return "blocking(" + async + ")";
      }
    };
  }
}
