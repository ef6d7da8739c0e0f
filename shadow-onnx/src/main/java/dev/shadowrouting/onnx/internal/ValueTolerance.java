package dev.shadowrouting.onnx.internal;

import dev.shadowrouting.Comparison;
import dev.shadowrouting.OutputComparator;
import dev.shadowrouting.onnx.ElementType;
import dev.shadowrouting.onnx.MapValue;
import dev.shadowrouting.onnx.ModelValue;
import dev.shadowrouting.onnx.SequenceValue;
import dev.shadowrouting.onnx.Tensor;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;

/**
 * Element-wise tolerance between model values: {@code |p - s| <= max(absolute, relative *
 * max(|p|, |s|))} for every number, NaN matching only NaN, strings equal. Tensors must agree in
 * element type and shape; sequences in length, element by element; maps in key and value types
 * and key set, value by value. The score is the largest absolute difference; it is infinite when
 * the values cannot be compared number by number (a missing side, another kind, element type,
 * shape, length or key set, a differing string).
 *
 * <p>Differing paths locate mismatches inside sequences and maps: {@code [2]} is element 2 of a
 * sequence, {@code [2][1]} key 1 of the map at element 2, {@code ["setosa"]} a string key; a
 * tensor adds nothing (its differences are numeric, summarised by the score). At most
 * {@link #MAX_PATHS} are listed. Immutable and thread-safe.
 */
public final class ValueTolerance implements OutputComparator<ModelValue> {
  /** Bound on the differing paths a comparison lists, so records stay small for long outputs. */
  public static final int MAX_PATHS = 16;

  private final double absolute;
  private final double relative;

  /** Tolerances must already be validated (finite, >= 0). */
  public ValueTolerance(double absolute, double relative) {
    this.absolute = absolute;
    this.relative = relative;
  }

  /**
   * Compares two values. A mismatch inside a sequence or map names where; a mismatching tensor
   * (or top-level difference of kind or type) gives no paths.
   */
  @Override
  public Comparison compare(ModelValue production, ModelValue shadow) {
    Diff diff = new Diff();
    compare(production, shadow, "", diff);
    return diff.toComparison(false);
  }

  /**
   * Compares maps of outputs by name; the differing paths are the names of differing outputs,
   * followed by where inside a sequence or map they differ ({@code output_probability[3][1]}).
   */
  public Comparison compareAll(Map<String, ? extends ModelValue> production,
      Map<String, ? extends ModelValue> shadow) {
    Set<String> names = new LinkedHashSet<>(production.keySet());
    names.addAll(shadow.keySet());
    Diff diff = new Diff();
    for (String name : names) {
      compare(production.get(name), shadow.get(name), name, diff);
    }
    return diff.toComparison(true);
  }

  /** Accumulates the verdict, largest difference and differing paths of one comparison. */
  private static final class Diff {
    boolean within = true;
    double max;
    final List<String> paths = new ArrayList<>();

    void differ(String path) {
      within = false;
      if (paths.size() < MAX_PATHS) {
        paths.add(path);
      }
    }

    void incomparable(String path) {
      differ(path);
      max = Double.POSITIVE_INFINITY;
    }

    Comparison toComparison(boolean keepTopLevelPaths) {
      List<String> shown = new ArrayList<>();
      for (String p : paths) {
        if (keepTopLevelPaths || !p.isEmpty()) {
          shown.add(p);
        }
      }
      if (within) {
        return Comparison.of(true, max);
      }
      return shown.isEmpty()
          ? Comparison.of(false, max)
          : Comparison.mismatch(shown).withScore(max);
    }
  }

  private void compare(ModelValue p, ModelValue s, String path, Diff diff) {
    if (p == null || s == null) {
      if (p != s) {
        diff.incomparable(path);
      }
      return;
    }
    if (p.kind() != s.kind()) {
      diff.incomparable(path);
      return;
    }
    switch (p.kind()) {
      case TENSOR -> compareTensors(p.asTensor(), s.asTensor(), path, diff);
      case SEQUENCE -> compareSequences(p.asSequence(), s.asSequence(), path, diff);
      case MAP -> compareMaps(p.asMap(), s.asMap(), path, diff);
      default -> throw new AssertionError(p.kind());
    }
  }

  private void compareTensors(Tensor p, Tensor s, String path, Diff diff) {
    if (p.elementType() != s.elementType() || !Arrays.equals(p.shape(), s.shape())) {
      diff.incomparable(path);
      return;
    }
    if (p.elementType() == ElementType.STRING) {
      if (!Arrays.equals(p.strings(), s.strings())) {
        diff.incomparable(path);
      }
      return;
    }
    boolean within = true;
    for (int i = 0, n = p.size(); i < n; i++) {
      double d = difference(p.doubleAt(i), s.doubleAt(i));
      if (d == Double.POSITIVE_INFINITY) {
        diff.incomparable(path); // NaN on one side only, or one infinity
        return;
      }
      diff.max = Math.max(diff.max, d);
      within &= withinTolerance(d, p.doubleAt(i), s.doubleAt(i));
    }
    if (!within) {
      diff.differ(path);
    }
  }

  private void compareSequences(SequenceValue p, SequenceValue s, String path, Diff diff) {
    if (p.size() != s.size()) {
      diff.incomparable(path);
      return;
    }
    for (int i = 0; i < p.size(); i++) {
      compare(p.get(i), s.get(i), path + "[" + i + "]", diff);
    }
  }

  private void compareMaps(MapValue p, MapValue s, String path, Diff diff) {
    if (p.keyType() != s.keyType() || p.valueType() != s.valueType()
        || !p.entries().keySet().equals(s.entries().keySet())) {
      diff.incomparable(path);
      return;
    }
    for (Map.Entry<Object, Object> entry : p.entries().entrySet()) {
      Object key = entry.getKey();
      String keyPath = path + "[" + (key instanceof String k ? '"' + k + '"' : key) + "]";
      Object a = entry.getValue();
      Object b = s.get(key);
      if (a instanceof Number x && b instanceof Number y) {
        double d = difference(x.doubleValue(), y.doubleValue());
        if (d == Double.POSITIVE_INFINITY) {
          diff.incomparable(keyPath);
          continue;
        }
        diff.max = Math.max(diff.max, d);
        if (!withinTolerance(d, x.doubleValue(), y.doubleValue())) {
          diff.differ(keyPath);
        }
      } else if (!Objects.equals(a, b)) {
        diff.incomparable(keyPath); // strings
      }
    }
  }

  /** |a - b|: 0 for equal values (and equal infinities, and two NaNs); infinite if incomparable. */
  private static double difference(double a, double b) {
    if (a == b || (Double.isNaN(a) && Double.isNaN(b))) {
      return 0;
    }
    double d = Math.abs(a - b);
    return Double.isNaN(d) ? Double.POSITIVE_INFINITY : d;
  }

  /** Whether a finite difference {@code d} of {@code a} and {@code b} is within tolerance. */
  private boolean withinTolerance(double d, double a, double b) {
    // d == 0 first: two NaNs are equal, but their relative bound would be NaN
    return d == 0 || d <= Math.max(absolute, relative * Math.max(Math.abs(a), Math.abs(b)));
  }
}
