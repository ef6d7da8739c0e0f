package dev.shadowrouting;

import dev.shadowrouting.internal.Comparators;
import java.util.Objects;
import java.util.function.Function;
import org.jspecify.annotations.Nullable;

/**
 * Compares the production output with a shadow output for the same request.
 *
 * <p>Called on a shadow worker thread, never on the caller's, and only when both sides succeeded.
 * Implementations must be thread-safe and should be fast: they run inside the shadow pool. A
 * comparator that throws does no harm: the record says {@link Comparison.Result#NOT_COMPARED} and
 * the failure is counted ({@link RouterSnapshot.VariantStats#comparatorErrors()}) and logged once.
 *
 * @param <O> output type
 */
@FunctionalInterface
public interface OutputComparator<O extends @Nullable Object> {

  Comparison compare(O production, O shadow);

  /**
   * Deep equality: {@link java.util.Objects#deepEquals}, so arrays of any rank compare by content.
   * The default comparator of an endpoint.
   */
  @SuppressWarnings("unchecked")
  static <O extends @Nullable Object> OutputComparator<O> equality() {
    return (OutputComparator<O>) Comparators.EQUALITY;
  }

  /**
   * Numeric tolerance: numbers, and element-wise arrays of numbers ({@code double[]},
   * {@code float[]}, {@code int[]}, {@code long[]}, {@code Number[]}, nested arrays, and
   * {@link java.util.List}s of numbers), match when for every element
   * {@code |p - s| <= max(absolute, relative * max(|p|, |s|))}. Arrays of different shape never
   * match; NaN matches only NaN. The record's score is the largest absolute difference. Anything
   * that is not numeric is compared with {@link #equality()}.
   *
   * @param absolute absolute tolerance, {@code >= 0}
   * @param relative relative tolerance, {@code >= 0}
   * @throws IllegalArgumentException if a tolerance is negative or not finite
   */
  static <O extends @Nullable Object>
      OutputComparator<O> numericTolerance(double absolute, double relative) {
    return new Comparators.NumericTolerance<>(absolute, relative);
  }

  /**
   * Compares one aspect of the outputs (e.g. the decision, not the score) with {@link #equality()}:
   * {@code OutputComparator.comparing(Score::block)}.
   */
  static <O extends @Nullable Object, T extends @Nullable Object>
      OutputComparator<O> comparing(Function<? super O, ? extends T> extractor) {
    return comparing(extractor, equality());
  }

  /** Compares what {@code extractor} takes from each output with {@code comparator}. */
  static <O extends @Nullable Object, T extends @Nullable Object> OutputComparator<O> comparing(
      Function<? super O, ? extends T> extractor, OutputComparator<T> comparator) {
    Objects.requireNonNull(extractor, "extractor");
    Objects.requireNonNull(comparator, "comparator");
    return (production, shadow) ->
        comparator.compare(extractor.apply(production), extractor.apply(shadow));
  }
}
