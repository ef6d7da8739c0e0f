package dev.shadowrouting;

import java.util.Objects;
import java.util.function.Function;
import java.util.function.ToDoubleFunction;
import org.jspecify.annotations.Nullable;

/**
 * A model-quality measure computed from ground truth that arrives after the prediction
 * ({@link ShadowRouter#recordOutcome}): each labelled request gives one per-request score, and a
 * variant's quality is the mean of its scores. Built in: {@link #accuracy()} (higher is better),
 * {@link #meanAbsoluteError} and {@link #logLoss} (lower is better); or your own with
 * {@link #of}.
 *
 * <p>Implementations must be thread-safe and side-effect free: they are called on the thread that
 * records the outcome. A metric that throws for one request is counted and that request is left
 * out; it never reaches the caller of {@code recordOutcome}.
 *
 * @param <O> the variant's output type
 */
public interface QualityMetric<O extends @Nullable Object> {

  /** A short name for reports, e.g. {@code "accuracy"}. */
  String name();

  /** True if larger means better (accuracy), false for losses (error, log loss). */
  boolean higherIsBetter();

  /**
   * The score of one prediction against its actual label.
   *
   * @param predicted the variant's output for the request (never null)
   * @param actual the label given to {@link ShadowRouter#recordOutcome} (never null)
   * @return a finite number; NaN leaves the request out
   */
  double score(O predicted, Object actual) throws Exception;

  /** Fraction of predictions equal ({@link Object#equals}) to the label. */
  static <O extends @Nullable Object> QualityMetric<O> accuracy() {
    return accuracy(o -> o);
  }

  /** Fraction of predictions whose {@code label} (e.g. {@code Score::block}) equals the actual label. */
  static <O extends @Nullable Object> QualityMetric<O> accuracy(Function<? super O, ?> label) {
    Objects.requireNonNull(label, "label");
    return of("accuracy", true, (o, actual) -> Objects.equals(label.apply(o), actual) ? 1.0 : 0.0);
  }

  /** Mean of {@code |value(predicted) - actual|}; the label must be a {@link Number}. */
  static <O extends @Nullable Object>
      QualityMetric<O> meanAbsoluteError(ToDoubleFunction<? super O> value) {
    Objects.requireNonNull(value, "value");
    return of("mean absolute error", false,
        (o, actual) -> Math.abs(value.applyAsDouble(o) - number(actual)));
  }

  /**
   * Binary log loss (cross-entropy, natural log): {@code -[y ln p + (1 - y) ln(1 - p)]} with
   * {@code p = probability(predicted)} clipped to [1e-15, 1 - 1e-15] (as scikit-learn does) and
   * {@code y} the label: a {@link Boolean} or a {@link Number} 0 or 1.
   */
  static <O extends @Nullable Object>
      QualityMetric<O> logLoss(ToDoubleFunction<? super O> probability) {
    Objects.requireNonNull(probability, "probability");
    return of("log loss", false, (o, actual) -> {
      double y = actual instanceof Boolean b ? (b ? 1 : 0) : number(actual);
      if (y != 0 && y != 1) {
        throw new IllegalArgumentException("log loss needs a label of 0 or 1");
      }
      double p = Math.min(Math.max(probability.applyAsDouble(o), 1e-15), 1 - 1e-15);
      return -(y * Math.log(p) + (1 - y) * Math.log1p(-p));
    });
  }

  /** A metric from a per-request score function, averaged over the labelled requests. */
  static <O extends @Nullable Object>
      QualityMetric<O> of(String name, boolean higherIsBetter, Score<? super O> score) {
    Objects.requireNonNull(name, "name");
    Objects.requireNonNull(score, "score");
    return new QualityMetric<>() {
      @Override
      public String name() {
        return name;
      }

      @Override
      public boolean higherIsBetter() {
        return higherIsBetter;
      }

      @Override
      public double score(O predicted, Object actual) throws Exception {
        return score.score(predicted, actual);
      }

      @Override
      public String toString() {
        return "QualityMetric[" + name + ']';
      }
    };
  }

  /** A per-request score, for {@link #of}. */
  @FunctionalInterface
  interface Score<O extends @Nullable Object> {
    double score(O predicted, Object actual) throws Exception;
  }

  private static double number(Object actual) {
    if (actual instanceof Number n) {
      return n.doubleValue();
    }
    throw new IllegalArgumentException("this metric needs a numeric label, got "
        + actual.getClass().getName());
  }
}
