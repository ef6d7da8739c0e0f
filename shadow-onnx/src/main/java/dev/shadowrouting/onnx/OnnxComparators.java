package dev.shadowrouting.onnx;

import dev.shadowrouting.Comparison;
import dev.shadowrouting.OutputComparator;
import dev.shadowrouting.internal.ConfigErrors;
import dev.shadowrouting.onnx.internal.TensorTolerance;
import dev.shadowrouting.onnx.internal.TopK;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * {@link OutputComparator}s for model outputs: element-wise tolerance for tensors and maps of
 * tensors, and top-1 / top-k agreement for class scores. Plain numbers and {@code float[]} outputs
 * are covered by {@link OutputComparator#numericTolerance(double, double)} in shadow-core.
 *
 * <p>Every comparator returned is immutable and thread-safe, allocation-light, and never throws on
 * mismatching shapes or types: those are mismatches.
 */
public final class OnnxComparators {
  private OnnxComparators() {}

  /**
   * Element-wise tolerance between two tensors: they match when element type and shape agree and
   * every pair of elements satisfies {@code |p - s| <= max(absolute, relative * max(|p|, |s|))}
   * (NaN matches only NaN; BOOL counts as 0 and 1; strings must be equal). Score: the largest
   * absolute difference, infinite when the tensors are not comparable element by element.
   *
   * @throws IllegalArgumentException if a tolerance is negative or not finite
   */
  public static OutputComparator<Tensor> tensorTolerance(double absolute, double relative) {
    return checkedTolerance(absolute, relative);
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
   * Applies a tensor comparator to one named output of {@code Map<String, Tensor>} outputs; a
   * mismatch names that output in its differing paths.
   */
  public static OutputComparator<Map<String, Tensor>> onOutput(
      String outputName, OutputComparator<Tensor> comparator) {
    Objects.requireNonNull(outputName, "outputName");
    Objects.requireNonNull(comparator, "comparator");
    List<String> path = List.of(outputName);
    return (production, shadow) -> {
      Comparison c = comparator.compare(production.get(outputName), shadow.get(outputName));
      return c.result() == Comparison.Result.MISMATCH ? c.withDifferingPaths(path) : c;
    };
  }

  private static TensorTolerance checkedTolerance(double absolute, double relative) {
    ConfigErrors errors = new ConfigErrors("OnnxComparators.tolerance");
    errors.requireFiniteAtLeast("absolute", absolute, 0.0);
    errors.requireFiniteAtLeast("relative", relative, 0.0);
    errors.throwIfAny();
    return new TensorTolerance(absolute, relative);
  }
}
