package dev.shadowrouting.tck.builtin;

import dev.shadowrouting.OutputComparator;
import dev.shadowrouting.tck.OutputComparatorCompatibilityKit;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * {@code OutputComparator.numericTolerance(1e-6, 1e-9)}: numbers, arrays of any rank and lists
 * element-wise; anything else by equality. An infinity matches only the same infinity (a relative
 * tolerance times infinity once accepted any number; the kit found it).
 */
class NumericToleranceComparatorCompatibilityTest extends OutputComparatorCompatibilityKit<Object> {

  @Override
  protected OutputComparator<Object> createComparator() {
    return OutputComparator.numericTolerance(1e-6, 1e-9);
  }

  @Override
  protected List<Object> sampleOutputs() {
    return List.of(1.0, 2.5f, 100L, Double.NaN, Double.POSITIVE_INFINITY, new double[] {0.1, 0.2},
        new float[][] {{1f, 2f}, {3f, 4f}}, List.of(0.5, 0.25), new int[] {1, 2, 3},
        new Number[] {1, 2.5}, "label", List.of("a", 1.0));
  }

  @Override
  protected List<Object> equalCopies() {
    return List.of(1.0 + 1e-7, 2.5f, 100L, Double.NaN, Double.POSITIVE_INFINITY,
        new double[] {0.1, 0.2 + 1e-7}, new float[][] {{1f, 2f}, {3f, 4f}}, List.of(0.5, 0.25),
        new int[] {1, 2, 3}, new Number[] {1L, 2.5f}, new String("label"), List.of("a", 1.0));
  }

  @Override
  protected List<Map.Entry<Object, Object>> differentPairs() {
    return List.of(
        Map.entry(1.0, 1.1),
        Map.entry(new double[] {0.1}, new double[] {0.1, 0.2}),   // shapes differ
        Map.entry(Double.NaN, 1.0),                               // NaN matches only NaN
        Map.entry(List.of(0.5), List.of(0.6)),
        Map.entry("label", "other"),
        Map.entry(new float[][] {{1f}}, new float[][] {{1.5f}}),
        Map.entry(1.0, Double.POSITIVE_INFINITY),
        Map.entry(Double.NEGATIVE_INFINITY, Double.POSITIVE_INFINITY),
        Map.entry(new double[] {1e300}, new double[] {Double.NEGATIVE_INFINITY}));
  }

  @Override
  protected Optional<Object> outputContaining(String secret) {
    return Optional.of(List.of(secret, 1.0));
  }
}
