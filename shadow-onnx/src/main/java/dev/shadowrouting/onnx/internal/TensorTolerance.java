package dev.shadowrouting.onnx.internal;

import dev.shadowrouting.Comparison;
import dev.shadowrouting.OutputComparator;
import dev.shadowrouting.onnx.ElementType;
import dev.shadowrouting.onnx.Tensor;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Element-wise tolerance between tensors: {@code |p - s| <= max(absolute, relative * max(|p|,
 * |s|))} for every element, NaN matching only NaN. The score is the largest absolute difference;
 * it is infinite when the tensors cannot be compared element by element (a missing side, another
 * element type or shape, a differing string). Immutable and thread-safe.
 */
public final class TensorTolerance implements OutputComparator<Tensor> {
  private final double absolute;
  private final double relative;

  /** Tolerances must already be validated (finite, >= 0). */
  public TensorTolerance(double absolute, double relative) {
    this.absolute = absolute;
    this.relative = relative;
  }

  @Override
  public Comparison compare(Tensor production, Tensor shadow) {
    Diff diff = diff(production, shadow);
    return Comparison.of(diff.within(), diff.max());
  }

  /** Compares maps of outputs by name; the differing paths are the names of differing outputs. */
  public Comparison compareAll(Map<String, Tensor> production, Map<String, Tensor> shadow) {
    Set<String> names = new LinkedHashSet<>(production.keySet());
    names.addAll(shadow.keySet());
    List<String> differing = new ArrayList<>();
    double score = 0;
    for (String name : names) {
      Diff diff = diff(production.get(name), shadow.get(name));
      if (!diff.within()) {
        differing.add(name);
      }
      score = Math.max(score, diff.max());
    }
    return differing.isEmpty()
        ? Comparison.of(true, score)
        : Comparison.mismatch(differing).withScore(score);
  }

  private record Diff(boolean within, double max) {
    static final Diff SAME = new Diff(true, 0);
    static final Diff INCOMPARABLE = new Diff(false, Double.POSITIVE_INFINITY);
  }

  private Diff diff(Tensor p, Tensor s) {
    if (p == null || s == null) {
      return p == s ? Diff.SAME : Diff.INCOMPARABLE;
    }
    if (p.elementType() != s.elementType() || !Arrays.equals(p.shape(), s.shape())) {
      return Diff.INCOMPARABLE;
    }
    if (p.elementType() == ElementType.STRING) {
      return Arrays.equals(p.strings(), s.strings()) ? Diff.SAME : Diff.INCOMPARABLE;
    }
    double max = 0;
    boolean within = true;
    for (int i = 0, n = p.size(); i < n; i++) {
      double a = p.doubleAt(i);
      double b = s.doubleAt(i);
      if (a == b || (Double.isNaN(a) && Double.isNaN(b))) {
        continue; // also equal infinities, whose difference would be NaN
      }
      double d = Math.abs(a - b);
      if (Double.isNaN(d)) {
        return Diff.INCOMPARABLE; // NaN on one side only
      }
      max = Math.max(max, d);
      within &= d <= Math.max(absolute, relative * Math.max(Math.abs(a), Math.abs(b)));
    }
    return new Diff(within, max);
  }
}
