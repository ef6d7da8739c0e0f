package dev.shadowrouting.tck.builtin;

import dev.shadowrouting.OutputComparator;
import dev.shadowrouting.tck.OutputComparatorCompatibilityKit;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * {@code OutputComparator.comparing(Score::block)}: one aspect of the output. A null output makes
 * the extractor throw NullPointerException, which the kit allows (the router records NOT_COMPARED).
 */
class ComparingComparatorCompatibilityTest extends OutputComparatorCompatibilityKit<
    ComparingComparatorCompatibilityTest.Score> {
  record Score(double value, boolean block, String note) {}

  @Override
  protected OutputComparator<Score> createComparator() {
    return OutputComparator.comparing(Score::block);
  }

  @Override
  protected List<Score> sampleOutputs() {
    return List.of(new Score(0.1, false, ""), new Score(0.9, true, ""), new Score(0.5, true, "x"));
  }

  @Override
  protected List<Score> equalCopies() {
    // equal in the compared aspect only: the scores differ, the decisions agree
    return List.of(new Score(0.2, false, ""), new Score(0.8, true, "y"), new Score(0.5, true, "x"));
  }

  @Override
  protected List<Map.Entry<Score, Score>> differentPairs() {
    return List.of(Map.entry(new Score(0.1, false, ""), new Score(0.1, true, "")));
  }

  @Override
  protected Optional<Score> outputContaining(String secret) {
    return Optional.of(new Score(0.3, true, secret));
  }
}
