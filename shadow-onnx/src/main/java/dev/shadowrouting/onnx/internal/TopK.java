package dev.shadowrouting.onnx.internal;

import dev.shadowrouting.Comparison;
import dev.shadowrouting.OutputComparator;
import dev.shadowrouting.onnx.ElementType;
import dev.shadowrouting.onnx.Tensor;
import java.util.Arrays;

/**
 * Top-k agreement of class-score tensors: the last axis holds the classes, every other index is
 * one row (so {@code [classes]} is one row and {@code [batch, classes]} is a batch). Per row, the
 * overlap is the share of production's k best classes that are also among the shadow's k best
 * (ties go to the lower class index, NaN ranks last); the score is the mean overlap and the pair
 * matches when it is at least {@code minOverlap}. Tensors of different shape or non-numeric ones
 * never match (score 0). Immutable and thread-safe.
 */
public final class TopK implements OutputComparator<Tensor> {
  private final int k;
  private final double minOverlap;

  /** Arguments must already be validated ({@code k >= 1}, {@code minOverlap} in [0, 1]). */
  public TopK(int k, double minOverlap) {
    this.k = k;
    this.minOverlap = minOverlap;
  }

  @Override
  public Comparison compare(Tensor production, Tensor shadow) {
    if (production == null || shadow == null
        || production.elementType() == ElementType.STRING
        || shadow.elementType() == ElementType.STRING
        || production.rank() == 0
        || !Arrays.equals(production.shape(), shadow.shape())) {
      return Comparison.of(false, 0.0);
    }
    long[] shape = production.shape();
    int classes = (int) shape[shape.length - 1];
    int rows = classes == 0 ? 0 : production.size() / classes;
    if (rows == 0) {
      return Comparison.of(true, 1.0); // nothing to disagree on
    }
    int top = Math.min(k, classes);
    double overlapSum = 0;
    for (int row = 0; row < rows; row++) {
      boolean[] inP = best(production, row * classes, classes, top);
      boolean[] inS = best(shadow, row * classes, classes, top);
      int common = 0;
      for (int c = 0; c < classes; c++) {
        if (inP[c] && inS[c]) {
          common++;
        }
      }
      overlapSum += (double) common / top;
    }
    double overlap = overlapSum / rows;
    return Comparison.of(overlap >= minOverlap, overlap);
  }

  /** Marks the {@code top} best classes of one row; k is small, so k scans beat a sort. */
  private static boolean[] best(Tensor t, int offset, int classes, int top) {
    boolean[] chosen = new boolean[classes];
    for (int pick = 0; pick < top; pick++) {
      int bestClass = -1;
      double bestValue = Double.NEGATIVE_INFINITY;
      for (int c = 0; c < classes; c++) {
        double v = t.doubleAt(offset + c);
        if (!chosen[c] && (bestClass < 0 || v > bestValue)) {
          bestClass = c;
          bestValue = Double.isNaN(v) ? Double.NEGATIVE_INFINITY : v;
        }
      }
      chosen[bestClass] = true;
    }
    return chosen;
  }
}
