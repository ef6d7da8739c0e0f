package dev.shadowrouting.tck.builtin;

import dev.shadowrouting.OutputComparator;
import dev.shadowrouting.tck.OutputComparatorCompatibilityKit;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/** {@code OutputComparator.equality()}: deep equality over any output type. */
class EqualityComparatorCompatibilityTest extends OutputComparatorCompatibilityKit<Object> {
  record Score(double value, boolean block) {}

  @Override
  protected OutputComparator<Object> createComparator() {
    return OutputComparator.equality();
  }

  @Override
  protected List<Object> sampleOutputs() {
    return List.of("fraud", 42, 0.5, Double.NaN, true, new double[] {1, 2},
        new float[][] {{1f}, {2f}}, List.of(1, 2), Map.of("a", 1), new Score(0.1, true),
        new Object[] {"x", new int[] {1}});
  }

  @Override
  protected List<Object> equalCopies() {
    return List.of(new String("fraud"), 42, 0.5, Double.NaN, true, new double[] {1, 2},
        new float[][] {{1f}, {2f}}, new ArrayList<>(List.of(1, 2)), Map.of("a", 1),
        new Score(0.1, true), new Object[] {"x", new int[] {1}});
  }

  @Override
  protected List<Map.Entry<Object, Object>> differentPairs() {
    return List.of(Map.entry("fraud", "ok"), Map.entry(1, 2), Map.entry(1, 1L),
        Map.entry(new double[] {1}, new double[] {2}), Map.entry(new float[] {1f}, new double[] {1}),
        Map.entry(new Score(0.1, true), new Score(0.1, false)), Map.entry(List.of(1), List.of(1, 2)));
  }

  @Override
  protected Optional<Object> outputContaining(String secret) {
    return Optional.of(Map.of("note", secret));
  }
}
