package dev.shadowrouting;

import dev.shadowrouting.internal.DefaultShadowRouter;
import dev.shadowrouting.internal.Documents;
import org.jspecify.annotations.Nullable;

/**
 * An endpoint at run time: answers every request with a production variant, exactly as if the
 * shadows did not exist, and sends sampled copies to the shadow variants on a bounded background
 * pool.
 *
 * <h2>Production path</h2>
 * {@link #predict} chooses a production variant ({@link Request#targetVariant()} if given, else by
 * weight) and calls it <em>on the caller's thread</em>. Its result, or its exception (the same
 * instance), reaches the caller unchanged. The caller never waits for a shadow, a comparator or a
 * sink, and none of their failures reaches it: handing a copy to the pool is a lock-free offer to a
 * bounded queue that wakes a thread only after an idle period (one volatile read otherwise), and a
 * full queue, a variant at its {@code maxConcurrency}, a quarantined variant or a closed router
 * drops the copy as {@link Outcome#REJECTED}.
 *
 * <h2>Sampling</h2>
 * Per shadow variant, with its {@link Variant#samplingRate()} {@code r}. Without a sampling key the
 * decision is random. With a key it is a pure function of (key, variant name), the same on every
 * instance, JVM and machine: {@code h = murmur3_32_x86(seed = murmur3_32_x86(seed 0, utf8(variant
 * name)), utf8(key))} (the reference MurmurHash3 x86_32, as Guava's {@code Hashing.murmur3_32_fixed}), read as an unsigned 32-bit
 * integer; the copy is sampled iff {@code h < r * 2^32}. So a key sampled at 10% is also sampled
 * at 20%, and different variants sample independent sets of keys.
 *
 * <h2>Shadow calls</h2>
 * Run on the router's pool ({@link EndpointConfig#workerThreads()} named daemon threads
 * {@code shadow-<endpoint>-worker-<n>}) with {@link ShadowContext#isShadow()} true, the caller's
 * context restored ({@link ContextPropagator}), and a timeout: a call that exceeds it ends as
 * {@link Outcome#TIMEOUT} within about a millisecond (its slot freed), its thread is interrupted,
 * and if it keeps running past a short grace period it is abandoned and replaced, so a hung shadow
 * never starves the others; a variant with {@link Variant#maxAbandonedThreads()} abandoned threads
 * is quarantined ({@link RejectReason#QUARANTINED}) until one returns. Then the output is
 * compared with production's ({@link OutputComparator}) and records go to the sinks. Every sampled
 * copy ends in exactly one outcome (copies refused on the caller's thread are recorded in
 * aggregate, {@link ShadowRecord#count()}), and the counts in {@link #snapshot()} prove it.
 *
 * <p>Thread-safe: every method may be called from any number of threads.
 *
 * @param <I> input type
 * @param <O> output type
 */
public interface ShadowRouter<I extends @Nullable Object, O extends @Nullable Object>
    extends AutoCloseable {

  /** Starts a router for {@code config}: its pool and sink threads start now. */
  static <I extends @Nullable Object, O extends @Nullable Object>
      ShadowRouter<I, O> create(EndpointConfig<I, O> config) {
    return new DefaultShadowRouter<>(config);
  }

  /** The endpoint's name. */
  String name();

  /** Answers with a production variant chosen by weight; shadows get sampled copies. */
  O predict(I input) throws Exception;

  /**
   * Answers with the production variant named by {@link Request#targetVariant()}, or one chosen by
   * weight; shadows get sampled copies (by {@link Request#samplingKey()} when given).
   *
   * @throws IllegalArgumentException if the target variant is not a production variant
   * @throws Exception whatever the production predictor threw, unchanged
   */
  O predict(I input, Request request) throws Exception;

  /** Like {@link #predict(Object, Request)}, also telling which variant answered and the request id. */
  Invocation<O> invoke(I input, Request request) throws Exception;

  /**
   * Replaces the variants, comparator, redactor and context propagators atomically: each request
   * sees either the old or the new configuration, none fails, none is lost; copies already in
   * flight finish under the configuration they started with. Statistics of variants that keep
   * their name carry on.
   *
   * @throws IllegalArgumentException if {@code next} changes what a running router cannot: the
   *     endpoint name, the pool ({@code workerThreads}, {@code queueCapacity}), the sinks or their
   *     buffer, or the close timeout
   */
  void update(EndpointConfig<I, O> next);

  /**
   * Promotes a shadow variant: it becomes the only production variant (weight 1) and stops being
   * a shadow; the former production variants are removed. Like SageMaker's promotion at the end
   * of a shadow test.
   *
   * @throws IllegalArgumentException if there is no shadow variant of that name
   */
  void promote(String shadowVariant);

  /**
   * Removes a shadow variant from the endpoint (the counterpart of {@link #promote}); copies in
   * flight finish. A shadow test's candidate is discarded through its test instead.
   *
   * @throws IllegalArgumentException if there is no shadow variant of that name
   * @throws IllegalStateException if it is the candidate of a running shadow test
   */
  void discard(String shadowVariant);

  /**
   * Changes a shadow variant's sampling rate atomically (a running test's candidate changes
   * through {@link ShadowTest#setSamplingRate}).
   *
   * @throws IllegalArgumentException if there is no shadow variant of that name, or {@code rate}
   *     is out of [0, 1]
   * @throws IllegalStateException if it is the candidate of a running shadow test
   */
  void setSamplingRate(String shadowVariant, double rate);

  /**
   * The operations a person (or a fleet command) runs on this endpoint by name, answering with
   * structured results instead of exceptions.
   */
  default ShadowOperations<I, O> operations() {
    return new ShadowOperations<>(this);
  }

  /**
   * Starts a time-boxed shadow test of {@code spec}'s candidate: it is added as a shadow variant
   * now (and, with a noise baseline, production's A/A copy {@code <candidate>~noise}), and removed
   * when the test ends. Returns at once. Several tests may run at once, one per candidate. While
   * the test runs, {@link #update} keeps its lanes as the test set them.
   *
   * @throws IllegalArgumentException if the candidate's name (or its A/A copy's) is already a
   *     variant of this endpoint, or the endpoint would have too many shadow variants
   * @throws IllegalStateException if the router is closed
   */
  ShadowTest startTest(ShadowTestSpec<I, O> spec);

  /**
   * Joins late ground truth: {@code actual} is the true label of the request {@code requestId}
   * (given in its {@link Request}, or returned by {@link #invoke}). For every test with a
   * {@link QualityMetric} that sampled the request and still holds it (bounded by
   * {@link ShadowTestSpec#groundTruthMaxEntries()} and {@link ShadowTestSpec#groundTruthExpiry()}),
   * production's and the candidate's outputs are scored. A label for an unknown, unsampled or
   * expired request is only counted ({@link ShadowTestReport#unmatchedLabels()}); each request
   * joins one label. Cheap and non-blocking; never calls a predictor.
   */
  void recordOutcome(String requestId, Object actual);

  /** The running and finished shadow tests of this endpoint, oldest first (the last 100). */
  java.util.List<ShadowTest> tests();

  /** The newest test (running or finished) of the candidate of that name, if one is kept. */
  default java.util.Optional<ShadowTest> test(String candidate) {
    java.util.List<ShadowTest> all = tests();
    for (int i = all.size() - 1; i >= 0; i--) {
      if (all.get(i).candidate().equals(candidate)) {
        return java.util.Optional.of(all.get(i));
      }
    }
    return java.util.Optional.empty();
  }

  /**
   * Waits until no shadow copy is queued or running and every sink has taken (or dropped) every
   * record emitted so far: what a unit test needs before it reads records or statistics, without
   * polling. Requests that arrive meanwhile extend the wait.
   *
   * @return true if idle, false if {@code timeout} elapsed first
   * @throws InterruptedException if the waiting thread is interrupted
   */
  boolean awaitIdle(java.time.Duration timeout) throws InterruptedException;

  /** The current configuration (with the lanes of running shadow tests). */
  EndpointConfig<I, O> config();

  /** Live statistics. */
  RouterSnapshot snapshot();

  /**
   * The endpoint's state as a JSON document (docs/spring.md has it; what the Spring starter's
   * Actuator endpoint serves per endpoint): {@link #snapshot()} as {@link
   * RouterSnapshot#toDocument()} lays it out, with each variant's settings from {@link #config()}
   * and whether it is a running test's candidate, and the reports of {@link #tests()}. Ordered
   * maps, lists, strings, numbers, booleans and nulls, for an application's JSON mapper; a new tree
   * on every call, which the caller may change. Thread-safe.
   */
  default java.util.Map<String, Object> toDocument() {
    return Documents.tree(w -> Documents.router(this, w));
  }

  /**
   * Stops intake (later copies are {@link RejectReason#CLOSED}; production keeps answering), waits
   * up to {@link EndpointConfig#closeTimeout()} for queued and running copies (those still running
   * then end as {@link Outcome#TIMEOUT}, those still queued as {@code CLOSED}), delivers and
   * flushes the sinks within the same deadline and stops every thread it started, except threads
   * stuck in a shadow call that ignores interrupts: those are daemon threads, already replaced,
   * that exit when the call returns. Idempotent.
   */
  @Override
  void close();
}
