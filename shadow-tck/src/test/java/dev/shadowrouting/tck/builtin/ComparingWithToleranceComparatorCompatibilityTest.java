package dev.shadowrouting.tck.builtin;

import dev.shadowrouting.OutputComparator;
import dev.shadowrouting.tck.OutputComparatorCompatibilityKit;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/** {@code OutputComparator.comparing(Score::value, numericTolerance(0.01, 0))}. */
class ComparingWithToleranceComparatorCompatibilityTest extends OutputComparatorCompatibilityKit<
    ComparingWithToleranceComparatorCompatibilityTest.Score> {
  record Score(double value, boolean block, String note) {}

  @Override
  protected OutputComparator<Score> createComparator() {
    return OutputComparator.comparing(Score::value, OutputComparator.numericTolerance(0.01, 0));
  }

  @Override
  protected List<Score> sampleOutputs() {
    return List.of(new Score(0.1, false, ""), new Score(0.9, true, ""), new Score(Double.NaN, true,
        ""));
  }

  @Override
  protected List<Score> equalCopies() {
    return List.of(new Score(0.105, true, "a"), new Score(0.9, false, ""), new Score(Double.NaN,
        false, ""));
  }

  @Override
  protected List<Map.Entry<Score, Score>> differentPairs() {
    return List.of(Map.entry(new Score(0.1, false, ""), new Score(0.2, false, "")),
        Map.entry(new Score(0.1, false, ""), new Score(Double.NaN, false, "")));
  }

  @Override
  protected Optional<Score> outputContaining(String secret) {
    return Optional.of(new Score(0.3, true, secret));
  }
}
