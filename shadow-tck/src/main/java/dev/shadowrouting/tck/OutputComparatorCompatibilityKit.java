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
import java.lang.reflect.Array;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.jspecify.annotations.Nullable;

/**
 * The compatibility kit for an {@link OutputComparator}: extend it in your test sources, implement
 * {@link #createComparator()} and {@link #sampleOutputs()}, and JUnit runs every check below
 * against your comparator.
 *
 * <pre>{@code
 * class ScoreComparatorCompatibilityTest extends OutputComparatorCompatibilityKit<Score> {
 *   protected OutputComparator<Score> createComparator() { return new ScoreComparator(0.01); }
 *   protected List<Score> sampleOutputs() { return List.of(new Score(0.1, false), new Score(0.9, true)); }
 *   protected List<Map.Entry<Score, Score>> differentPairs() {
 *     return List.of(Map.entry(new Score(0.1, false), new Score(0.9, true)));
 *   }
 * }
 * }</pre>
 *
 * <p><b>What the kit demands</b>:
 *
 * <ul>
 *   <li><b>Total on sample outputs</b>: {@code compare(a, b)} for any two {@linkplain
 *       #sampleOutputs() sample outputs} (outputs your predictors can produce, in any combination)
 *       returns a {@link Comparison}: never {@code null}, never an exception.
 *   <li><b>Reflexive</b>: {@code compare(x, x)} is {@link Comparison.Result#MATCH MATCH} for every
 *       sample output, and {@code compare(x, copy)} is MATCH for the {@linkplain #equalCopies()
 *       equal copies} you give.
 *   <li><b>Discriminating</b>: every pair of {@link #differentPairs()} is {@link
 *       Comparison.Result#MISMATCH MISMATCH}.
 *   <li><b>Symmetric</b> (unless {@link #symmetric()} is false): {@code compare(a, b)} and {@code
 *       compare(b, a)} have the same result for all sample outputs.
 *   <li><b>Null outputs</b>: a predictor may return {@code null}. {@code compare(null, x)}, {@code
 *       compare(x, null)} and {@code compare(null, null)} each return a non-null {@link Comparison}
 *       or throw {@link NullPointerException} (the router then records NOT_COMPARED and counts a
 *       comparator error); any other exception or error fails. If {@code compare(null, null)}
 *       returns, it is MATCH or NOT_COMPARED, never MISMATCH.
 *   <li><b>Pure</b>: {@code compare} does not modify its arguments (as far as their {@code
 *       toString()}, array contents and collection contents show) and gives equal results for equal
 *       arguments, on any thread.
 *   <li><b>Thread-safety</b>: {@link #threads()} threads released together by a latch compare all
 *       pairs of sample outputs {@link #callsPerThread()} times each: no call throws or hangs and
 *       every result {@linkplain Comparison#equals equals} the single-threaded one.
 *   <li><b>Interrupts</b>: {@code compare} on a thread whose interrupt status is set returns the
 *       same result within {@link #timeout()} and leaves the status set.
 *   <li><b>Payloads</b>: if {@link #outputContaining(String)} gives an output, neither the
 *       comparator's {@code toString()} nor any {@link Comparison} it returns for it (which includes
 *       the differing paths: they are written to records, files and reports whatever the variant's
 *       payload setting) contains the secret.
 *   <li><b>Inside a router</b>: as the comparator of a router in test mode whose production and
 *       shadow return the same sample outputs (or their equal copies), every shadow copy is a MATCH
 *       and no comparator error is counted.
 * </ul>
 *
 * <p>Every test uses a new comparator from {@link #createComparator()}.
 *
 * <p>Each check is a public method, so a subclass can override one, annotated
 * {@code @Test @Disabled("why")}, for a limitation it documents; never to hide a failure silently.
 *
 * <p>Thread-safety: JUnit creates one instance of the subclass per test method and calls it from
 * one thread; the kit calls the comparator from threads of its own.
 *
 * @param <O> output type
 */
public abstract class OutputComparatorCompatibilityKit<O extends @Nullable Object> {

  /** A new comparator, as your users would build it. Called once per test. */
  protected abstract OutputComparator<O> createComparator() throws Exception;

  /** Non-null outputs your predictors can produce, in any combination; at least one. */
  protected abstract List<O> sampleOutputs();

  /**
   * Outputs that must MATCH {@link #sampleOutputs()}, one each, in the same order: distinct
   * instances equal in content (copies of arrays, lists, records), or outputs that differ only in
   * what the comparator ignores or tolerates. They join the sample outputs in the other checks.
   * Default: none (check skipped).
   */
  protected List<O> equalCopies() {
    return List.of();
  }

  /** Pairs of outputs that must MISMATCH. Default: none (check skipped). */
  protected List<Map.Entry<O, O>> differentPairs() {
    return List.of();
  }

  /** Whether swapping production and shadow keeps the result. Default true. */
  protected boolean symmetric() {
    return true;
  }

  /**
   * An output that carries {@code secret}, to check that comparisons and {@code toString()} never
   * show outputs. Default: none (check skipped).
   */
  protected Optional<O> outputContaining(String secret) {
    return Optional.empty();
  }

  /** Threads of the concurrency check. Default 8. */
  protected int threads() {
    return 8;
  }

  /** Rounds over all pairs each thread makes in the concurrency check. Default 50. */
  protected int callsPerThread() {
    return 50;
  }

  /** How long any one check may take before it counts as hung. Default 30 s. */
  protected Duration timeout() {
    return Duration.ofSeconds(30);
  }

  @Test
  @DisplayName("compare() of any two sample outputs returns a Comparison, never null or throws")
  public void neverReturnsNull() throws Exception {
    OutputComparator<O> comparator = newComparator();
    List<O> all = new ArrayList<>(outputs());
    all.addAll(equalCopies());
    onKitThread("compare() of every pair of sample outputs", () -> {
      for (int a = 0; a < all.size(); a++) {
        for (int b = 0; b < all.size(); b++) {
          compareOrFail(comparator, all.get(a), all.get(b), "outputs " + a + " and " + b);
        }
      }
    });
  }

  @Test
  @DisplayName("reflexive: compare(x, x) is MATCH")
  public void reflexive() throws Exception {
    OutputComparator<O> comparator = newComparator();
    List<O> outputs = outputs();
    onKitThread("compare(x, x)", () -> {
      for (int i = 0; i < outputs.size(); i++) {
        O x = outputs.get(i);
        Comparison c = compareOrFail(comparator, x, x, "output " + i + " with itself");
        assertThat(c.result()).as("compare(x, x) of sample output %d (%s): %s", i, show(x), c)
            .isEqualTo(Comparison.Result.MATCH);
      }
    });
  }

  @Test
  @DisplayName("equal copies MATCH their originals")
  public void matchesEqualCopies() throws Exception {
    List<O> copies = equalCopies();
    assumeFalse(copies.isEmpty(), "no equalCopies()");
    List<O> outputs = outputs();
    assertThat(copies).as("equalCopies() must have one copy per sample output")
        .hasSameSizeAs(outputs);
    OutputComparator<O> comparator = newComparator();
    onKitThread("compare(x, copy of x)", () -> {
      for (int i = 0; i < outputs.size(); i++) {
        Comparison c = compareOrFail(comparator, outputs.get(i), copies.get(i),
            "output " + i + " with its copy");
        assertThat(c.result()).as("compare(x, copy of x) of sample output %d (%s, %s): %s", i,
            show(outputs.get(i)), show(copies.get(i)), c).isEqualTo(Comparison.Result.MATCH);
      }
    });
  }

  @Test
  @DisplayName("different pairs MISMATCH")
  public void mismatchesDifferentPairs() throws Exception {
    List<Map.Entry<O, O>> pairs = differentPairs();
    assumeFalse(pairs.isEmpty(), "no differentPairs()");
    OutputComparator<O> comparator = newComparator();
    onKitThread("compare() of different outputs", () -> {
      for (int i = 0; i < pairs.size(); i++) {
        Map.Entry<O, O> p = pairs.get(i);
        Comparison c = compareOrFail(comparator, p.getKey(), p.getValue(), "different pair " + i);
        assertThat(c.result()).as("compare(%s, %s): %s", show(p.getKey()), show(p.getValue()), c)
            .isEqualTo(Comparison.Result.MISMATCH);
      }
    });
  }

  @Test
  @DisplayName("symmetric: compare(a, b) and compare(b, a) agree")
  public void symmetricResults() throws Exception {
    assumeTrue(symmetric(), "the comparator is declared asymmetric");
    OutputComparator<O> comparator = newComparator();
    List<O> all = new ArrayList<>(outputs());
    all.addAll(equalCopies());
    differentPairs().forEach(p -> {
      all.add(p.getKey());
      all.add(p.getValue());
    });
    onKitThread("compare(a, b) and compare(b, a)", () -> {
      for (int a = 0; a < all.size(); a++) {
        for (int b = a + 1; b < all.size(); b++) {
          Comparison ab = compareOrFail(comparator, all.get(a), all.get(b), "outputs " + a + ", "
              + b);
          Comparison ba = compareOrFail(comparator, all.get(b), all.get(a), "outputs " + b + ", "
              + a);
          assertThat(ba.result()).as("compare(%s, %s) is %s but swapped it is %s",
              show(all.get(a)), show(all.get(b)), ab, ba).isEqualTo(ab.result());
        }
      }
    });
  }

  @Test
  @DisplayName("null outputs: a Comparison or NullPointerException, nothing else")
  public void nullOutputs() throws Exception {
    OutputComparator<O> comparator = newComparator();
    List<O> outputs = outputs();
    checkNull(comparator, null, null, "compare(null, null)", true);
    for (int i = 0; i < outputs.size(); i++) {
      checkNull(comparator, null, outputs.get(i), "compare(null, sample output " + i + ")", false);
      checkNull(comparator, outputs.get(i), null, "compare(sample output " + i + ", null)", false);
    }
  }

  @Test
  @DisplayName("compare() does not modify its arguments and is repeatable")
  public void pure() throws Exception {
    OutputComparator<O> comparator = newComparator();
    List<O> all = new ArrayList<>(outputs());
    all.addAll(equalCopies());
    onKitThread("compare() twice of every pair", () -> {
      for (int a = 0; a < all.size(); a++) {
        for (int b = 0; b < all.size(); b++) {
          O x = all.get(a);
          O y = all.get(b);
          String before = describe(x) + " / " + describe(y);
          Comparison first = compareOrFail(comparator, x, y, "outputs " + a + ", " + b);
          Comparison second = compareOrFail(comparator, x, y, "outputs " + a + ", " + b);
          assertThat(describe(x) + " / " + describe(y))
              .as("outputs %d and %d after compare(): the comparator modified them", a, b)
              .isEqualTo(before);
          assertThat(second).as("compare() of outputs %d and %d twice", a, b).isEqualTo(first);
        }
      }
    });
  }

  @Test
  @DisplayName("concurrent compare() from N threads: no exception, no hang, same results")
  public void concurrentComparisons() throws Exception {
    OutputComparator<O> comparator = newComparator();
    List<O> all = new ArrayList<>(outputs());
    all.addAll(equalCopies());
    int n = all.size();
    Comparison[][] expected = new Comparison[n][n];
    onKitThread("compare() of every pair, alone", () -> {
      for (int a = 0; a < n; a++) {
        for (int b = 0; b < n; b++) {
          expected[a][b] = compareOrFail(comparator, all.get(a), all.get(b), "outputs " + a + ", "
              + b);
        }
      }
    });
    List<String> wrong = new CopyOnWriteArrayList<>();
    KitThreads.race("concurrent compare()", threads(), timeout(), t -> {
      for (int round = 0; round < callsPerThread(); round++) {
        for (int k = 0; k < n * n; k++) {
          int pair = (k + t * 7 + round) % (n * n); // threads walk the pairs out of step
          int a = pair / n;
          int b = pair % n;
          Comparison c = comparator.compare(all.get(a), all.get(b));
          if (!expected[a][b].equals(c)) {
            wrong.add("thread " + t + ": compare(output " + a + ", output " + b + ") gave " + c
                + ", alone " + expected[a][b]);
          }
        }
      }
    });
    assertThat(wrong).as("results under concurrency that differ from the single-threaded ones"
        + " (shared mutable state?)").isEmpty();
  }

  @Test
  @DisplayName("compare() on an interrupted thread returns the same result, keeps the status")
  public void interruptedCaller() throws Exception {
    OutputComparator<O> comparator = newComparator();
    O x = outputs().get(0);
    Comparison expected = KitThreads.callOrFail("compare(x, x)", timeout(),
        () -> compareOrFail(comparator, x, x, "output 0 with itself"));
    KitThreads.Result<Comparison> r = KitThreads.call("compare() on an interrupted thread",
        timeout(), true, () -> comparator.compare(x, x));
    if (r.thrown() != null) {
      throw new AssertionError("compare() on an interrupted thread threw " + r.thrown(),
          r.thrown());
    }
    assertThat(r.value()).as("compare() on an interrupted thread").isEqualTo(expected);
    assertThat(r.interruptedAfter())
        .as("compare() cleared the calling thread's interrupt status; it must leave it set")
        .isTrue();
  }

  @Test
  @DisplayName("toString() and the Comparisons never show outputs")
  public void noOutputsInToStringOrComparison() throws Exception {
    String secret = ShadowSinkCompatibilityKit.secret();
    Optional<O> secretOutput = outputContaining(secret);
    assumeTrue(secretOutput != null && secretOutput.isPresent(), "no outputContaining(secret)");
    O s = secretOutput.get();
    OutputComparator<O> comparator = newComparator();
    List<O> outputs = outputs();
    List<Comparison> results = new CopyOnWriteArrayList<>();
    onKitThread("compare() of an output holding a secret", () -> {
      results.add(compareOrFail(comparator, s, s, "the secret output with itself"));
      for (O x : outputs) {
        results.add(compareOrFail(comparator, s, x, "the secret output with a sample output"));
        results.add(compareOrFail(comparator, x, s, "a sample output with the secret output"));
      }
    });
    for (Comparison c : results) {
      assertThat(c.toString()).as("a Comparison of an output holding a secret (its differing"
          + " paths are written to records, files and reports)").doesNotContain(secret);
      assertThat(c.differingPaths()).as("differing paths").noneMatch(p -> p.contains(secret));
    }
    assertThat(String.valueOf(comparator)).as("toString() of the comparator").doesNotContain(
        secret);
  }

  @Test
  @DisplayName("as a router's comparator: identical outputs are all MATCH, no comparator error")
  public void worksInsideARouter() throws Exception {
    OutputComparator<O> comparator = newComparator();
    List<O> outputs = outputs();
    List<O> copies = equalCopies().isEmpty() ? outputs : equalCopies();
    ShadowRouter<Integer, O> router = ShadowRouter.create(
        EndpointConfig.<Integer, O>builder("tck-comparator")
            .production(Variant.builder("tck-production", (Predictor<Integer, O>) outputs::get)
                .build())
            .shadow(Variant.builder("tck-shadow", (Predictor<Integer, O>) copies::get)
                .timeout(timeout()).build())
            .comparator(comparator)
            .closeTimeout(timeout())
            .testMode(true)
            .build());
    KitThreads.callOrFail("router.predict() of every sample output", timeout().multipliedBy(2),
        () -> {
          try (router) {
            for (int i = 0; i < outputs.size(); i++) {
              router.predict(i, Request.none());
            }
          }
          return null;
        });
    RouterSnapshot.VariantStats shadow = router.snapshot().variant("tck-shadow");
    assertThat(shadow.comparatorErrors()).as("comparator errors (%s)", shadow).isZero();
    assertThat(shadow.matches()).as("matches (%s)", shadow).isEqualTo(outputs.size());
  }

  // -------------------------------------------------------------------------------- helpers

  private OutputComparator<O> newComparator() throws Exception {
    OutputComparator<O> comparator = createComparator();
    assertThat(comparator).as("createComparator() must return a comparator").isNotNull();
    return comparator;
  }

  private List<O> outputs() {
    List<O> outputs = sampleOutputs();
    assertThat(outputs).as("sampleOutputs() must give at least one output").isNotNull()
        .isNotEmpty().doesNotContainNull();
    return outputs;
  }

  /**
   * Runs {@code comparator.compare} on the calling thread (the checks run their loops on a kit
   * thread, see {@link #onKitThread}); fails if it throws or returns null.
   */
  private Comparison compareOrFail(OutputComparator<O> comparator, O production, O shadow,
      String which) {
    Comparison c;
    try {
      c = comparator.compare(production, shadow);
    } catch (RuntimeException | Error e) {
      throw new AssertionError("compare() of " + which + " (" + show(production) + ", "
          + show(shadow) + ") threw " + e, e);
    }
    if (c == null) {
      throw new AssertionError("compare() of " + which + " (" + show(production) + ", "
          + show(shadow) + ") returned null; return Comparison.notCompared() if in doubt");
    }
    return c;
  }

  @FunctionalInterface
  private interface Body {
    void run() throws Exception;
  }

  /** Runs a check's calls on a kit thread, so that a call that hangs fails after the timeout. */
  private void onKitThread(String what, Body body) {
    KitThreads.Result<Object> r = KitThreads.call(what, timeout(), false, () -> {
      body.run();
      return null;
    });
    if (r.thrown() instanceof AssertionError e) {
      throw e;
    }
    if (r.thrown() != null) {
      throw KitThreads.failure(what, List.of(r.thrown()));
    }
  }

  private void checkNull(OutputComparator<O> comparator, O production, O shadow, String what,
      boolean bothNull) {
    KitThreads.Result<Comparison> r = KitThreads.call(what, timeout(), false,
        () -> comparator.compare(production, shadow));
    if (r.thrown() != null) {
      if (!(r.thrown() instanceof NullPointerException)) {
        throw new AssertionError(what + " may return a Comparison or throw NullPointerException,"
            + " but threw " + r.thrown(), r.thrown());
      }
      return;
    }
    assertThat(r.value()).as(what + " returned null").isNotNull();
    if (bothNull) {
      assertThat(r.value().result()).as(what + ": two null outputs agree")
          .isNotEqualTo(Comparison.Result.MISMATCH);
    }
  }

  /** Content of a value for the did-it-change check: arrays, collections and maps deeply. */
  static String describe(Object o) {
    if (o == null) {
      return "null";
    }
    if (o.getClass().isArray()) {
      StringBuilder sb = new StringBuilder("[");
      for (int i = 0; i < Array.getLength(o); i++) {
        sb.append(i == 0 ? "" : ", ").append(describe(Array.get(o, i)));
      }
      return sb.append(']').toString();
    }
    if (o instanceof Collection<?> c) {
      StringBuilder sb = new StringBuilder("(");
      for (Object e : c) {
        sb.append(describe(e)).append(", ");
      }
      return sb.append(')').toString();
    }
    if (o instanceof Map<?, ?> m) {
      StringBuilder sb = new StringBuilder("{");
      m.forEach((k, v) -> sb.append(describe(k)).append('=').append(describe(v)).append(", "));
      return sb.append('}').toString();
    }
    return o.getClass().getName() + ":" + o;
  }

  private static String show(Object o) {
    String s = o != null && o.getClass().isArray()
        ? Arrays.deepToString(new Object[] {o}) : String.valueOf(o);
    return s.length() > 200 ? s.substring(0, 200) + "..." : s;
  }
}
