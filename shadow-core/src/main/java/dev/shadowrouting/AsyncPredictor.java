package dev.shadowrouting;

import java.util.concurrent.CompletionStage;

/**
 * A predictor that answers later: a call to a model server, another region or a managed endpoint
 * through a non-blocking client. As a shadow it holds no thread while the call is in flight: a pool
 * worker starts it, and its completion is handed back to the pool for comparison and recording, so
 * one worker keeps many remote calls in flight (up to the variant's {@code maxConcurrency}, which
 * bounds them). Its timeout cancels the stage's future ({@code cancel(true)}). As a production
 * variant the caller's thread waits for the stage (its exception, unwrapped, reaches the caller).
 *
 * <p>{@link ShadowContext#isShadow()} is true while {@link #predictAsync} runs (where the request is
 * sent), not on the threads that complete the stage. Implementations must be thread-safe and should
 * return quickly: the work belongs in the stage.
 *
 * @param <I> input type
 * @param <O> output type
 */
@FunctionalInterface
public interface AsyncPredictor<I, O> {

  /**
   * Starts computing the output for {@code input}.
   *
   * @return a stage completed with the output or an exception; never {@code null}
   * @throws Exception a failure to start, treated like a failed stage
   */
  CompletionStage<O> predictAsync(I input) throws Exception;
}
