package dev.shadowrouting.tck;

import static dev.shadowrouting.tck.SinkKitDetectsBrokenSinksTest.assertFailed;
import static org.assertj.core.api.Assertions.assertThat;

import dev.shadowrouting.Predictor;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/** The predictor kit must fail a predictor that breaks its contract, each by the right check. */
class PredictorKitDetectsBrokenPredictorsTest {

  @Test
  void aCorrectPredictorPassesEveryCheck() {
    Map<String, KitRunner.Check> checks = KitRunner.run(Correct.class);
    assertThat(checks).hasSize(8);
    assertThat(checks.values()).allSatisfy(c -> assertThat(c.passed()).as(c.toString()).isTrue());
  }

  @Test
  void sharedMutableStateFailsTheConcurrencyCheck() {
    assertFailed(KitRunner.run(SharedBuffer.class), "concurrentPredictions", "does not match");
  }

  @Test
  void anErrorInsteadOfAnExceptionFailsTheFailureCheck() {
    assertFailed(KitRunner.run(ThrowsError.class), "failingInputsThrowExceptions",
        "not an Error");
  }

  @Test
  void aPredictorPoisonedByOneFailureFailsTheFailureChecks() {
    Map<String, KitRunner.Check> checks = KitRunner.run(PoisonedByFailure.class);
    assertFailed(checks, "failingInputsThrowExceptions", "poisoned");
    assertFailed(checks, "concurrentFailures", "poisoned");
  }

  @Test
  void swallowingTheInterruptFailsTheInterruptCheck() {
    assertFailed(KitRunner.run(SwallowsInterrupt.class), "interruptedCaller",
        "cleared the interrupt status");
  }

  @Test
  void rethrowingInterruptedExceptionPassesTheInterruptCheck() {
    assertThat(KitRunner.run(ThrowsInterrupted.class).get("interruptedCaller").passed()).isTrue();
  }

  @Test
  void showingInputsInToStringFailsThePayloadCheck() {
    assertFailed(KitRunner.run(RemembersInput.class), "noInputsInToString", "toString()");
  }

  @Test
  void aNondeterministicPredictorDeclaredDeterministicFails() {
    Map<String, KitRunner.Check> checks = KitRunner.run(Random.class);
    assertFailed(checks, "isDeterministic", "does not match");
    assertFailed(checks, "worksInsideARouter", "the router's answer");
  }

  // ------------------------------------------------------------------- the predictors

  /** Inputs 1..3 give their square; a negative input fails. */
  @Tag("kit-fixture")
  abstract static class SquareKit extends PredictorCompatibilityKit<Object, Long> {
    @Override
    protected List<Object> sampleInputs() {
      return List.of(1L, 2L, 3L);
    }

    @Override
    protected List<Object> failingInputs() {
      return List.of(-1L);
    }

    @Override
    protected Optional<Object> inputContaining(String secret) {
      return Optional.of(secret);
    }

    @Override
    protected Duration timeout() {
      return Duration.ofSeconds(5);
    }

    static long square(Object in) {
      if (in instanceof Long n) {
        if (n < 0) {
          throw new IllegalArgumentException("negative");
        }
        return n * n;
      }
      return 0;
    }
  }

  static class Correct extends SquareKit {
    @Override
    protected Predictor<Object, Long> createPredictor() {
      return SquareKit::square;
    }
  }

  static class SharedBuffer extends SquareKit {
    @Override
    protected Predictor<Object, Long> createPredictor() {
      Object[] buffer = new Object[1]; // "reused to avoid allocation"
      return in -> {
        buffer[0] = in;
        Thread.yield();
        return square(buffer[0]);
      };
    }
  }

  static class ThrowsError extends SquareKit {
    @Override
    protected Predictor<Object, Long> createPredictor() {
      return in -> {
        if (in instanceof Long n && n < 0) {
          throw new AssertionError("negative"); // an Error, as from an assert statement
        }
        return square(in);
      };
    }
  }

  static class PoisonedByFailure extends SquareKit {
    @Override
    protected Predictor<Object, Long> createPredictor() {
      AtomicBoolean poisoned = new AtomicBoolean();
      return in -> {
        if (poisoned.get()) {
          throw new IllegalStateException("poisoned by an earlier failure");
        }
        try {
          return square(in);
        } catch (RuntimeException e) {
          poisoned.set(true);
          throw e;
        }
      };
    }
  }

  /** Waits for a remote answer (here: a zero sleep) and wraps the interrupt. */
  static class SwallowsInterrupt extends SquareKit {
    @Override
    protected Predictor<Object, Long> createPredictor() {
      return in -> {
        try {
          Thread.sleep(0); // the remote wait: throws InterruptedException if interrupted
        } catch (InterruptedException e) {
          throw new IllegalStateException("interrupted", e); // status not restored
        }
        return square(in);
      };
    }
  }

  static class ThrowsInterrupted extends SquareKit {
    @Override
    protected Predictor<Object, Long> createPredictor() {
      return in -> {
        Thread.sleep(0); // throws InterruptedException on an interrupted thread
        return square(in);
      };
    }
  }

  static class RemembersInput extends SquareKit {
    @Override
    protected Predictor<Object, Long> createPredictor() {
      return new Predictor<>() {
        private volatile Object last;

        @Override
        public Long predict(Object in) {
          last = in;
          return square(in);
        }

        @Override
        public String toString() {
          return "predictor(last input " + last + ")";
        }
      };
    }
  }

  static class Random extends SquareKit {
    @Override
    protected Predictor<Object, Long> createPredictor() {
      return in -> square(in) + ThreadLocalRandom.current().nextLong(1_000_000);
    }
  }
}
