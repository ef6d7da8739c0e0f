package dev.shadowrouting.tck;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeFalse;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.shadowrouting.Comparison;
import dev.shadowrouting.EndpointConfig;
import dev.shadowrouting.OutputComparator;
import dev.shadowrouting.Predictor;
import dev.shadowrouting.Request;
import dev.shadowrouting.RouterSnapshot;
import dev.shadowrouting.ShadowRouter;
import dev.shadowrouting.Variant;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.jspecify.annotations.Nullable;

/**
 * The compatibility kit for a {@link Predictor}: extend it in your test sources, implement
 * {@link #createPredictor()} and {@link #sampleInputs()}, and JUnit runs every check below against
 * your predictor.
 *
 * <pre>{@code
 * class FraudModelCompatibilityTest extends PredictorCompatibilityKit<Txn, Score> {
 *   protected Predictor<Txn, Score> createPredictor() { return FraudModel.load("v2"); }
 *   protected List<Txn> sampleInputs() { return List.of(new Txn(12.5, "FR"), new Txn(990, "US")); }
 *   protected List<Txn> failingInputs() { return List.of(new Txn(-1, "??")); }
 * }
 * }</pre>
 *
 * <p><b>What the kit demands</b>:
 *
 * <ul>
 *   <li>Every {@linkplain #sampleInputs() sample input} is predicted without an exception.
 *   <li>If {@link #deterministic()} (the default): the same input gives outputs that {@link
 *       #sameOutput()} says MATCH, on every call and on every thread.
 *   <li><b>Thread-safety</b>: {@link #threads()} threads released together by a latch each call
 *       {@code predict} {@link #callsPerThread()} times over the sample inputs: no call throws or
 *       hangs, and (if deterministic) every output matches the one the input gave alone. The router
 *       calls production on the callers' threads and shadows on its pool, all at once.
 *   <li><b>Failures</b>: every {@linkplain #failingInputs() failing input} throws an {@link
 *       Exception} (checked or not), never an {@link Error} and never a value; afterwards, and
 *       while failing calls run on other threads, the sample inputs still give their outputs (a
 *       failure does not poison the predictor).
 *   <li><b>Interrupts</b>: {@code predict} on a thread whose interrupt status is set returns or
 *       throws within {@link #timeout()}. If it returns, or throws anything but {@link
 *       InterruptedException}, the interrupt status must still be set (throwing {@code
 *       InterruptedException} may clear it, as the JDK's blocking methods do). Afterwards the
 *       predictor still works on an ordinary thread. (The router interrupts a shadow call that
 *       exceeds its timeout; a predictor that swallows the interrupt hides it from its caller.)
 *   <li><b>Payloads</b>: if {@link #inputContaining(String)} gives an input, the predictor's {@code
 *       toString()} never contains its secret, before or after predicting it.
 *   <li><b>Inside a router</b>: as production and as shadow of a router in test mode, the router
 *       answers each sample input with the predictor's output, and the shadow copies end without
 *       error or timeout (and, if deterministic, all match).
 * </ul>
 *
 * <p>Every test uses a new predictor from {@link #createPredictor()}; the kit releases it
 * afterwards with {@link #release}.
 *
 * <p>Each check is a public method, so a subclass can override one, annotated
 * {@code @Test @Disabled("why")}, for a limitation it documents; never to hide a failure silently.
 *
 * <p>Thread-safety: JUnit creates one instance of the subclass per test method and calls it from
 * one thread; the kit calls the predictor from threads of its own.
 *
 * @param <I> input type
 * @param <O> output type
 */
public abstract class PredictorCompatibilityKit<I extends @Nullable Object, O extends @Nullable Object> {

  private final List<Predictor<I, O>> created = new ArrayList<>();

  /** A new predictor, as your users would build it. Called once per test. */
  protected abstract Predictor<I, O> createPredictor() throws Exception;

  /** Inputs the predictor must answer; at least one. Called once per test. */
  protected abstract List<I> sampleInputs();

  /** Inputs the predictor must reject by throwing an exception. Default: none (checks skipped). */
  protected List<I> failingInputs() {
    return List.of();
  }

  /** Whether equal inputs give matching outputs. Default true. */
  protected boolean deterministic() {
    return true;
  }

  /** How the kit decides that two outputs for the same input agree. Default deep equality. */
  protected OutputComparator<O> sameOutput() {
    return OutputComparator.equality();
  }

  /**
   * An input that carries {@code secret} (e.g. in a card number), to check that {@code toString()}
   * never shows inputs. Default: none (check skipped).
   */
  protected Optional<I> inputContaining(String secret) {
    return Optional.empty();
  }

  /** Frees a predictor after its test. Default: {@code close()} if it is {@link AutoCloseable}. */
  protected void release(Predictor<I, O> predictor) throws Exception {
    if (predictor instanceof AutoCloseable closeable) {
      closeable.close();
    }
  }

  /** Threads of the concurrency checks. Default 8. */
  protected int threads() {
    return 8;
  }

  /** Calls each thread makes in the concurrency checks. Default 200. */
  protected int callsPerThread() {
    return 200;
  }

  /** How long any one check may take before it counts as hung. Default 30 s. */
  protected Duration timeout() {
    return Duration.ofSeconds(30);
  }

  /** The predictor under test; the kit releases every predictor it creates after the test. */
  protected final Predictor<I, O> newPredictor() throws Exception {
    Predictor<I, O> predictor = createPredictor();
    assertThat(predictor).as("createPredictor() must return a predictor").isNotNull();
    created.add(predictor);
    return predictor;
  }

  @AfterEach
  void releasePredictors() {
    List<Throwable> failures = new ArrayList<>();
    for (Predictor<I, O> predictor : created) {
      KitThreads.Result<Object> r = KitThreads.call("release(predictor)", timeout(), false, () -> {
        release(predictor);
        return null;
      });
      if (r.thrown() != null) {
        failures.add(r.thrown());
      }
    }
    created.clear();
    if (!failures.isEmpty()) {
      throw KitThreads.failure("release(predictor) after the test", failures);
    }
  }

  @Test
  @DisplayName("every sample input is predicted without an exception")
  public void predictsEverySampleInput() throws Exception {
    Predictor<I, O> predictor = newPredictor();
    baseline(predictor);
  }

  @Test
  @DisplayName("the same input gives matching outputs (if deterministic)")
  public void isDeterministic() throws Exception {
    assumeTrue(deterministic(), "the predictor is declared nondeterministic");
    Predictor<I, O> predictor = newPredictor();
    List<O> first = baseline(predictor);
    List<O> second = baseline(predictor);
    for (int i = 0; i < first.size(); i++) {
      assertSame("input " + i + " predicted twice", first.get(i), second.get(i));
    }
  }

  @Test
  @DisplayName("concurrent predict() from N threads: no exception, no hang, same outputs")
  public void concurrentPredictions() throws Exception {
    Predictor<I, O> predictor = newPredictor();
    List<I> inputs = inputs();
    List<O> expected = baseline(predictor);
    List<String> wrong = new CopyOnWriteArrayList<>();
    KitThreads.race("concurrent predict()", threads(), timeout(), t -> {
      for (int c = 0; c < callsPerThread(); c++) {
        int i = (t + c) % inputs.size();
        O out = predictor.predict(inputs.get(i));
        if (deterministic()) {
          String problem = difference(expected.get(i), out);
          if (problem != null) {
            wrong.add("thread " + t + ", call " + c + ", input " + i + ": " + problem);
          }
        }
      }
    });
    assertThat(wrong).as("outputs under concurrency that differ from the same input's output"
        + " alone (shared mutable state?)").isEmpty();
  }

  @Test
  @DisplayName("failing inputs throw an Exception (not an Error) and do not poison the predictor")
  public void failingInputsThrowExceptions() throws Exception {
    List<I> failing = failingInputs();
    assumeFalse(failing.isEmpty(), "no failingInputs()");
    Predictor<I, O> predictor = newPredictor();
    List<O> expected = baseline(predictor);
    for (int f = 0; f < failing.size(); f++) {
      I input = failing.get(f);
      KitThreads.Result<O> r = KitThreads.call("predict(failing input " + f + ")", timeout(),
          false, () -> predictor.predict(input));
      assertThat(r.thrown()).as("failing input %d returned %s instead of throwing", f, r.value())
          .isNotNull();
      assertThat(r.thrown()).as("failing input %d must throw an Exception, not an Error", f)
          .isInstanceOf(Exception.class);
    }
    List<O> after = baseline(predictor);
    for (int i = 0; i < expected.size(); i++) {
      assertSame("input " + i + " after the failures", expected.get(i), after.get(i));
    }
  }

  @Test
  @DisplayName("failing and good inputs at once: good ones still give their outputs")
  public void concurrentFailures() throws Exception {
    List<I> failing = failingInputs();
    assumeFalse(failing.isEmpty(), "no failingInputs()");
    Predictor<I, O> predictor = newPredictor();
    List<I> inputs = inputs();
    List<O> expected = baseline(predictor);
    List<String> wrong = new CopyOnWriteArrayList<>();
    KitThreads.race("concurrent failing and good predict()", threads(), timeout(), t -> {
      for (int c = 0; c < callsPerThread(); c++) {
        if ((t + c) % 2 == 0) {
          int f = (t + c) % failing.size();
          try {
            O out = predictor.predict(failing.get(f));
            wrong.add("thread " + t + ", call " + c + ": failing input " + f + " returned " + out);
          } catch (Exception expectedFailure) {
            // as it must
          }
        } else {
          int i = (t + c) % inputs.size();
          O out = predictor.predict(inputs.get(i));
          String problem = deterministic() ? difference(expected.get(i), out) : null;
          if (problem != null) {
            wrong.add("thread " + t + ", call " + c + ", input " + i + ": " + problem);
          }
        }
      }
    });
    assertThat(wrong).as("wrong answers while other threads' calls failed").isEmpty();
  }

  @Test
  @DisplayName("predict() on an interrupted thread: no hang, interrupt status kept, still works")
  public void interruptedCaller() throws Exception {
    Predictor<I, O> predictor = newPredictor();
    List<O> expected = baseline(predictor);
    I input = inputs().get(0);
    KitThreads.Result<O> r = KitThreads.call("predict() on an interrupted thread", timeout(), true,
        () -> predictor.predict(input));
    if (!(r.thrown() instanceof InterruptedException)) {
      assertThat(r.interruptedAfter())
          .as("predict() on an interrupted thread %s and cleared the interrupt status: restore it"
              + " (Thread.currentThread().interrupt()) or throw InterruptedException",
              r.thrown() == null ? "returned" : "threw " + r.thrown())
          .isTrue();
    }
    List<O> after = baseline(predictor);
    for (int i = 0; i < expected.size(); i++) {
      assertSame("input " + i + " after a call on an interrupted thread", expected.get(i),
          after.get(i));
    }
  }

  @Test
  @DisplayName("toString() never shows inputs")
  public void noInputsInToString() throws Exception {
    String secret = ShadowSinkCompatibilityKit.secret();
    Optional<I> input = inputContaining(secret);
    assumeTrue(input != null && input.isPresent(), "no inputContaining(secret)");
    Predictor<I, O> predictor = newPredictor();
    assertThat(String.valueOf(predictor)).as("toString() of a new predictor").doesNotContain(secret);
    KitThreads.call("predict(secret input)", timeout(), false,
        () -> predictor.predict(input.get())); // it may fail: only what it shows matters here
    assertThat(String.valueOf(predictor)).as("toString() after predicting an input holding a"
        + " secret").doesNotContain(secret);
  }

  @Test
  @DisplayName("as production and shadow of a router: same answers, shadows succeed")
  public void worksInsideARouter() throws Exception {
    Predictor<I, O> predictor = newPredictor();
    List<I> inputs = inputs();
    List<O> expected = baseline(predictor);
    ShadowRouter<I, O> router = ShadowRouter.create(EndpointConfig.<I, O>builder("tck-predictor")
        .production(Variant.builder("tck-production", predictor).build())
        .shadow(Variant.builder("tck-shadow", predictor).timeout(timeout()).build())
        .comparator(sameOutput())
        .closeTimeout(timeout())
        .testMode(true)
        .build());
    List<O> answers = KitThreads.callOrFail("router.predict() of every sample input",
        timeout().multipliedBy(2), () -> {
          List<O> out = new ArrayList<>();
          try (router) {
            for (I in : inputs) {
              out.add(router.predict(in, Request.none()));
            }
          }
          return out;
        });
    for (int i = 0; i < inputs.size(); i++) {
      if (deterministic()) {
        assertSame("the router's answer to input " + i, expected.get(i), answers.get(i));
      }
    }
    RouterSnapshot.VariantStats shadow = router.snapshot().variant("tck-shadow");
    assertThat(shadow.errors()).as("shadow copies that failed (%s)", shadow).isZero();
    assertThat(shadow.timeouts()).as("shadow copies that timed out (%s)", shadow).isZero();
    assertThat(shadow.successes()).as("shadow copies that ran (%s)", shadow)
        .isEqualTo(inputs.size());
    if (deterministic()) {
      assertThat(shadow.matches()).as("shadow outputs matching production's (%s)", shadow)
          .isEqualTo(inputs.size());
    }
  }

  // -------------------------------------------------------------------------------- helpers

  private List<I> inputs() {
    List<I> inputs = sampleInputs();
    assertThat(inputs).as("sampleInputs() must give at least one input").isNotNull().isNotEmpty();
    return inputs;
  }

  /** Each sample input predicted once, in order, on a kit thread. */
  private List<O> baseline(Predictor<I, O> predictor) {
    List<I> inputs = inputs();
    List<O> out = new ArrayList<>();
    for (int i = 0; i < inputs.size(); i++) {
      I input = inputs.get(i);
      out.add(KitThreads.callOrFail("predict(sample input " + i + ")", timeout(),
          () -> predictor.predict(input)));
    }
    return out;
  }

  private void assertSame(String what, O expected, O actual) {
    String problem = difference(expected, actual);
    if (problem != null) {
      throw new AssertionError(what + ": " + problem);
    }
  }

  /** Null when {@link #sameOutput()} says the two match, else why not. */
  private String difference(O expected, O actual) {
    Comparison c;
    try {
      c = sameOutput().compare(expected, actual);
    } catch (RuntimeException e) {
      return "sameOutput() threw " + e;
    }
    return c != null && c.isMatch() ? null
        : "output " + show(actual) + " does not match " + show(expected) + " (" + c + ")";
  }

  private static String show(Object o) {
    return o instanceof Object[] || (o != null && o.getClass().isArray())
        ? java.util.Arrays.deepToString(new Object[] {o}) : String.valueOf(o);
  }
}
