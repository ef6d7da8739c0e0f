package dev.shadowrouting.onnx;

import dev.shadowrouting.Comparison;
import dev.shadowrouting.OutputComparator;
import dev.shadowrouting.internal.util.ConfigErrors;
import dev.shadowrouting.onnx.internal.TopK;
import dev.shadowrouting.onnx.internal.ValueTolerance;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * {@link OutputComparator}s for model outputs: element-wise tolerance for tensors, sequences, maps
 * and maps of named outputs, and top-1 / top-k agreement for class scores. Plain numbers and
 * {@code float[]} outputs are covered by {@link OutputComparator#numericTolerance(double, double)}
 * in shadow-core.
 *
 * <p>Every comparator returned is immutable and thread-safe, allocation-light, and never throws on
 * mismatching shapes or types: those are mismatches.
 */
public final class OnnxComparators {
  private OnnxComparators() {}

  /**
   * Element-wise tolerance between two tensors: they match when element type and shape agree and
   * every pair of elements satisfies {@code |p - s| <= max(absolute, relative * max(|p|, |s|))}
   * (NaN matches only NaN; BOOL counts as 0 and 1; FLOAT16 and BFLOAT16 compare by value, not
   * bits; strings must be equal). Score: the largest absolute difference, infinite when the
   * tensors are not comparable element by element.
   *
   * @throws IllegalArgumentException if a tolerance is negative or not finite
   */
  public static OutputComparator<Tensor> tensorTolerance(double absolute, double relative) {
    ValueTolerance tolerance = checkedTolerance(absolute, relative);
    return tolerance::compare;
  }

  /**
   * {@link #tensorTolerance} over every output of a model ({@code Map<String, Tensor>}, as
   * returned by {@link OnnxPredictor.Builder#build()}): an output missing on one side differs.
   * Score: the largest absolute difference over all outputs; the comparison's differing paths are
   * the names of the outputs that differ.
   *
   * @throws IllegalArgumentException if a tolerance is negative or not finite
   */
  public static OutputComparator<Map<String, Tensor>> tolerance(double absolute, double relative) {
    return checkedTolerance(absolute, relative)::compareAll;
  }

  /**
   * {@link #tensorTolerance} extended to every kind of {@link ModelValue}: sequences match when
   * they have the same length and match element by element; maps when they have the same key and
   * value types and the same keys, and every value is within tolerance (numbers) or equal
   * (strings). This is the comparator for the {@code seq(map(int64, float))} class probabilities of
   * a skl2onnx classifier. Score: the largest absolute difference over all numbers, infinite when
   * the values are not comparable (another kind, type, shape, length or key set). A mismatch
   * inside a sequence or map names where in its differing paths: {@code [3][1]} is key 1 of the
   * map at element 3, {@code ["setosa"]} a string key (at most 16 paths).
   *
   * @param <V> the value type compared ({@link ModelValue}, or {@link SequenceValue},
   *     {@link MapValue} or {@link Tensor} when the outputs are known to be one of those)
   * @throws IllegalArgumentException if a tolerance is negative or not finite
   */
  public static <V extends ModelValue> OutputComparator<V> valueTolerance(double absolute,
      double relative) {
    ValueTolerance tolerance = checkedTolerance(absolute, relative);
    return tolerance::compare;
  }

  /**
   * {@link #valueTolerance} over every output of a model ({@code Map<String, ModelValue>}, as
   * returned through {@link ValueOutputMapper#identity()}): an output missing on one side differs.
   * Score: the largest absolute difference over all outputs; the differing paths name the outputs
   * that differ and where inside them, such as {@code output_label} or
   * {@code output_probability[3][1]} (at most 16 paths).
   *
   * @throws IllegalArgumentException if a tolerance is negative or not finite
   */
  public static OutputComparator<Map<String, ModelValue>> allValuesTolerance(double absolute,
      double relative) {
    return checkedTolerance(absolute, relative)::compareAll;
  }

  /**
   * Top-1 agreement of class scores (the last axis holds the classes; other axes are rows): match
   * when every row has the same best class. Score: the fraction of rows that agree.
   */
  public static OutputComparator<Tensor> top1() {
    return new TopK(1, 1.0);
  }

  /**
   * Top-k overlap of class scores: per row, the share of production's k best classes that are
   * among the shadow's k best (k is capped at the number of classes). Score: the mean overlap;
   * match when it is at least {@code minOverlap}.
   *
   * @throws IllegalArgumentException if {@code k < 1} or {@code minOverlap} is not in [0, 1]
   */
  public static OutputComparator<Tensor> topK(int k, double minOverlap) {
    ConfigErrors errors = new ConfigErrors("OnnxComparators.topK");
    errors.requireInRange("k", k, 1, Integer.MAX_VALUE);
    errors.requireInRange("minOverlap", minOverlap, 0.0, 1.0);
    errors.throwIfAny();
    return new TopK(k, minOverlap);
  }

  /**
   * Applies a comparator to one named output of {@code Map<String, Tensor>} (or
   * {@code Map<String, ModelValue>}) outputs; a mismatch names that output in its differing
   * paths, followed by the comparator's own paths if it gave any
   * ({@code output_probability[0][2]}).
   *
   * @param <V> the type of the outputs' values: {@link Tensor} or {@link ModelValue}
   */
  public static <V> OutputComparator<Map<String, V>> onOutput(
      String outputName, OutputComparator<? super V> comparator) {
    Objects.requireNonNull(outputName, "outputName");
    Objects.requireNonNull(comparator, "comparator");
    List<String> path = List.of(outputName);
    return (production, shadow) -> {
      Comparison c = comparator.compare(production.get(outputName), shadow.get(outputName));
      if (c.result() != Comparison.Result.MISMATCH) {
        return c;
      }
      // keep where inside the output it differs (valueTolerance's "[3][1]"), under its name
      List<String> inner = c.differingPaths();
      return c.withDifferingPaths(inner.isEmpty()
          ? path : inner.stream().map(p -> outputName + p).toList());
    };
  }

  private static ValueTolerance checkedTolerance(double absolute, double relative) {
    ConfigErrors errors = new ConfigErrors("OnnxComparators.tolerance");
    errors.requireFiniteAtLeast("absolute", absolute, 0.0);
    errors.requireFiniteAtLeast("relative", relative, 0.0);
    errors.throwIfAny();
    return new ValueTolerance(absolute, relative);
  }
}
