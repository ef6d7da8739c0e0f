package dev.shadowrouting.tck;

import static dev.shadowrouting.tck.SinkKitDetectsBrokenSinksTest.assertFailed;
import static org.assertj.core.api.Assertions.assertThat;

import dev.shadowrouting.Comparison;
import dev.shadowrouting.OutputComparator;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/** The comparator kit must fail a comparator that breaks its contract, each by the right check. */
class ComparatorKitDetectsBrokenComparatorsTest {

  @Test
  void aCorrectComparatorPassesEveryCheck() {
    Map<String, KitRunner.Check> checks = KitRunner.run(Correct.class);
    assertThat(checks).hasSize(11);
    assertThat(checks.values()).allSatisfy(c -> assertThat(c.passed()).as(c.toString()).isTrue());
  }

  @Test
  void returningNullFails() {
    Map<String, KitRunner.Check> checks = KitRunner.run(NullForStrangers.class);
    assertFailed(checks, "neverReturnsNull", "returned null");
  }

  @Test
  void anAsymmetricComparatorFailsTheSymmetryCheck() {
    assertFailed(KitRunner.run(Asymmetric.class), "symmetricResults", "swapped");
  }

  @Test
  void aWrongExceptionOnNullFailsTheNullCheck() {
    assertFailed(KitRunner.run(ClassCastOnNull.class), "nullOutputs", "ClassCastException");
  }

  @Test
  void twoNullsThatMismatchFailTheNullCheck() {
    assertFailed(KitRunner.run(NullsDisagree.class), "nullOutputs", "two null outputs agree");
  }

  @Test
  void aComparatorThatAlwaysMatchesFailsTheDiscriminationCheck() {
    assertFailed(KitRunner.run(AlwaysMatch.class), "mismatchesDifferentPairs", "expected: MISMATCH");
  }

  @Test
  void identityInsteadOfEqualityFailsTheCopiesCheck() {
    assertFailed(KitRunner.run(Identity.class), "matchesEqualCopies", "copy of x");
  }

  @Test
  void aComparatorThatSortsItsArgumentsFailsThePurityCheck() {
    assertFailed(KitRunner.run(Sorting.class), "pure", "modified");
  }

  @Test
  void sharedMutableStateFailsTheConcurrencyCheck() {
    assertFailed(KitRunner.run(SharedState.class), "concurrentComparisons", "alone");
  }

  @Test
  void valuesInDifferingPathsFailThePayloadCheck() {
    assertFailed(KitRunner.run(ValuesInPaths.class), "noOutputsInToStringOrComparison",
        "differing paths");
  }

  @Test
  void clearingTheInterruptStatusFailsTheInterruptCheck() {
    assertFailed(KitRunner.run(InterruptClearing.class), "interruptedCaller", "interrupt status");
  }

  @Test
  void aComparatorThatThrowsOnSampleOutputsFails() {
    Map<String, KitRunner.Check> checks = KitRunner.run(ThrowsOnStrangers.class);
    assertFailed(checks, "neverReturnsNull", "ClassCastException");
    assertFailed(checks, "worksInsideARouter", "comparator errors");
  }

  // ------------------------------------------------------------------- the comparators

  /** Sample outputs: double arrays, one with a secret-free twin; the secret rides in a String. */
  @Tag("kit-fixture")
  abstract static class ArrayKit extends OutputComparatorCompatibilityKit<Object> {
    @Override
    protected List<Object> sampleOutputs() {
      return List.of(new double[] {3, 1, 2}, new double[] {1}, "text");
    }

    @Override
    protected List<Object> equalCopies() {
      return List.of(new double[] {3, 1, 2}, new double[] {1}, new String("text"));
    }

    @Override
    protected List<Map.Entry<Object, Object>> differentPairs() {
      return List.of(Map.entry(new double[] {1}, new double[] {2}), Map.entry("a", "b"));
    }

    @Override
    protected Optional<Object> outputContaining(String secret) {
      return Optional.of("label " + secret);
    }

    @Override
    protected Duration timeout() {
      return Duration.ofSeconds(5);
    }
  }

  static class Correct extends ArrayKit {
    @Override
    protected OutputComparator<Object> createComparator() {
      return (p, s) -> Comparison.of(Objects.deepEquals(p, s));
    }
  }

  static class NullForStrangers extends ArrayKit {
    @Override
    protected OutputComparator<Object> createComparator() {
      return (p, s) -> p != null && s != null && p.getClass() != s.getClass() ? null
          : Comparison.of(Objects.deepEquals(p, s));
    }
  }

  static class ThrowsOnStrangers extends ArrayKit {
    @Override
    protected OutputComparator<Object> createComparator() {
      return (p, s) -> Comparison.of(Arrays.equals((double[]) p, (double[]) s));
    }
  }

  /** "The shadow may be larger": fine as a policy, but then declare it asymmetric. */
  static class Asymmetric extends ArrayKit {
    @Override
    protected OutputComparator<Object> createComparator() {
      return (p, s) -> Comparison.of(Objects.deepEquals(p, s)
          || p instanceof double[] a && s instanceof double[] b && a.length <= b.length);
    }
  }

  static class ClassCastOnNull extends ArrayKit {
    @Override
    protected OutputComparator<Object> createComparator() {
      return (p, s) -> {
        if (p == null || s == null) {
          throw new ClassCastException("null is not a double[]");
        }
        return Comparison.of(Objects.deepEquals(p, s));
      };
    }
  }

  static class NullsDisagree extends ArrayKit {
    @Override
    protected OutputComparator<Object> createComparator() {
      return (p, s) -> p == null || s == null ? Comparison.mismatch()
          : Comparison.of(Objects.deepEquals(p, s));
    }
  }

  static class AlwaysMatch extends ArrayKit {
    @Override
    protected OutputComparator<Object> createComparator() {
      return (p, s) -> Comparison.match();
    }
  }

  static class Identity extends ArrayKit {
    @Override
    protected OutputComparator<Object> createComparator() {
      return (p, s) -> Comparison.of(p == s);
    }
  }

  /** Sorts arrays in place to compare them as multisets. */
  static class Sorting extends ArrayKit {
    @Override
    protected OutputComparator<Object> createComparator() {
      return (p, s) -> {
        if (p instanceof double[] a && s instanceof double[] b) {
          Arrays.sort(a);
          Arrays.sort(b);
        }
        return Comparison.of(Objects.deepEquals(p, s));
      };
    }
  }

  /** Keeps the production output in a field between two steps: threads overwrite each other's. */
  static class SharedState extends ArrayKit {
    @Override
    protected OutputComparator<Object> createComparator() {
      return new OutputComparator<>() {
        private Object production;

        @Override
        public Comparison compare(Object p, Object s) {
          production = p;
          Thread.yield();
          return Comparison.of(Objects.deepEquals(production, s));
        }
      };
    }
  }

  /** Names the differing values, not the differing fields. */
  static class ValuesInPaths extends ArrayKit {
    @Override
    protected OutputComparator<Object> createComparator() {
      return (p, s) -> Objects.deepEquals(p, s) ? Comparison.match()
          : Comparison.mismatch(List.of(String.valueOf(p)));
    }
  }

  static class InterruptClearing extends ArrayKit {
    @Override
    protected OutputComparator<Object> createComparator() {
      return (p, s) -> {
        Thread.interrupted();
        return Comparison.of(Objects.deepEquals(p, s));
      };
    }
  }
}
