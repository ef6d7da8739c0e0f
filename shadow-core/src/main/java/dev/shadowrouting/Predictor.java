package dev.shadowrouting;

import java.util.Objects;
import java.util.function.Function;
import org.jspecify.annotations.Nullable;

/**
 * A model, a remote client, a rules engine or a plain function that turns an input into an output.
 *
 * <p>The router calls the production predictor on the caller's thread and shadow predictors on its
 * bounded background pool, so an implementation must be safe to call from several threads at once.
 * A shadow predictor may be interrupted when it exceeds its timeout; it need not honour the
 * interrupt (a predictor that ignores it is abandoned, not waited for).
 *
 * @param <I> input type
 * @param <O> output type
 */
@FunctionalInterface
public interface Predictor<I extends @Nullable Object, O extends @Nullable Object> {

  /**
   * Computes the output for {@code input}.
   *
   * @throws Exception any failure; on the production path it reaches the caller unchanged
   */
  O predict(I input) throws Exception;

  /** Adapts a plain {@link Function} (which throws no checked exception) to a predictor. */
  static <I extends @Nullable Object, O extends @Nullable Object>
      Predictor<I, O> of(Function<? super I, ? extends O> function) {
    Objects.requireNonNull(function, "function");
    return function::apply;
  }
}
