package dev.shadowrouting;

import org.jspecify.annotations.Nullable;
import dev.shadowrouting.internal.util.ConfigErrors;
import java.time.Duration;
import java.util.Objects;

/**
 * One variant of an endpoint: a named {@link Predictor} with its routing settings. The same type
 * serves production and shadow variants; each role reads the settings that apply to it:
 *
 * <ul>
 *   <li>{@code weight} (production): share of live traffic, relative to the other production
 *       variants' weights, like SageMaker's {@code InitialVariantWeight}. Default 1.
 *   <li>{@code samplingRate} (shadow): fraction of requests copied to this shadow, in [0, 1].
 *       Default 1. With a sampling key the decision is deterministic, see {@link ShadowRouter}.
 *   <li>{@code timeout} (shadow): a call that takes longer ends as {@link Outcome#TIMEOUT}.
 *       Default 1 s.
 *   <li>{@code maxConcurrency} (shadow): copies of this variant queued or running at once;
 *       beyond it copies are rejected ({@link RejectReason#CONCURRENCY_LIMIT}), so one slow shadow
 *       cannot take more than this many queue slots. A copy that times out frees its slot at once.
 *       Default 64: busy workers may take up to ~1 ms to notice new work (they are not woken per
 *       copy, see {@link ShadowRouter}), so a burst of copies needs room.
 *   <li>{@code maxAbandonedThreads} (shadow): threads this variant may keep stuck in calls that
 *       ignore the interrupt after their timeout (each replaced in the pool); when reached, the
 *       variant is quarantined ({@link RejectReason#QUARANTINED}) until one returns. Default 4.
 *   <li>{@code comparator} (shadow): overrides the endpoint's comparator for this variant.
 *   <li>{@code capturePayloads}: opt in to inputs and outputs in records (after the endpoint's
 *       {@link Redactor}). Default off: records never carry payloads.
 *   <li>{@code captureErrorDetails}: opt in to the message and stack trace of this variant's
 *       exceptions in its records ({@link ShadowRecord#errorMessage()}) and in DEBUG logs.
 *       Default off: exception messages may contain payloads, so only the type is kept.
 * </ul>
 *
 * <p>Immutable and thread-safe; validated in {@link Builder#build()}.
 *
 * @param <I> input type
 * @param <O> output type
 */
public final class Variant<I extends @Nullable Object, O extends @Nullable Object> {

  /** Default {@code weight}: production variants share traffic equally. */
  public static final double DEFAULT_WEIGHT = 1.0;
  /** Default {@code samplingRate}: a shadow gets a copy of every request. */
  public static final double DEFAULT_SAMPLING_RATE = 1.0;
  /** Default {@code timeout} of a shadow call. */
  public static final Duration DEFAULT_TIMEOUT = Duration.ofSeconds(1);
  /** Upper bound of {@code timeout}. */
  public static final Duration MAX_TIMEOUT = Duration.ofDays(1);
  /** Default {@code maxConcurrency}: room for a burst of copies, see the class comment. */
  public static final int DEFAULT_MAX_CONCURRENCY = 64;
  /** Upper bound of {@code maxConcurrency}: it also bounds threads a hung shadow can hold. */
  public static final int MAX_CONCURRENCY_LIMIT = 4096;
  /** Default {@code maxAbandonedThreads}. */
  public static final int DEFAULT_MAX_ABANDONED_THREADS = 4;
  /** Upper bound of {@code maxAbandonedThreads}. */
  public static final int MAX_ABANDONED_THREADS_LIMIT = 1024;

  private final String name;
  private final Predictor<I, O> predictor;
  private final AsyncPredictor<I, O> asyncPredictor;
  private final double weight;
  private final double samplingRate;
  private final Duration timeout;
  private final int maxConcurrency;
  private final int maxAbandonedThreads;
  private final OutputComparator<O> comparator;
  private final boolean capturePayloads;
  private final boolean captureErrorDetails;

  private Variant(Builder<I, O> b) {
    this.name = b.name;
    this.asyncPredictor = b.asyncPredictor;
    this.predictor = b.asyncPredictor != null ? AsyncPredictor.blocking(b.asyncPredictor) : b.predictor;
    this.weight = b.weight;
    this.samplingRate = b.samplingRate;
    this.timeout = b.timeout;
    this.maxConcurrency = b.maxConcurrency;
    this.maxAbandonedThreads = b.maxAbandonedThreads;
    this.comparator = b.comparator;
    this.capturePayloads = b.capturePayloads;
    this.captureErrorDetails = b.captureErrorDetails;
  }

  public static <I extends @Nullable Object, O extends @Nullable Object>
      Builder<I, O> builder(String name, Predictor<I, O> predictor) {
    return new Builder<>(name, predictor, null);
  }

  /**
   * A builder for a variant whose predictor answers asynchronously (a remote model server): as a
   * shadow it holds no pool thread while the call is in flight, see {@link AsyncPredictor}.
   */
  public static <I extends @Nullable Object, O extends @Nullable Object>
      Builder<I, O> async(String name, AsyncPredictor<I, O> predictor) {
    return new Builder<>(name, null, predictor);
  }

  /** A builder initialised with every setting of this variant. */
  public Builder<I, O> toBuilder() {
    return new Builder<>(name, asyncPredictor == null ? predictor : null, asyncPredictor)
        .weight(weight)
        .samplingRate(samplingRate)
        .timeout(timeout)
        .maxConcurrency(maxConcurrency)
        .maxAbandonedThreads(maxAbandonedThreads)
        .comparator(comparator)
        .capturePayloads(capturePayloads)
        .captureErrorDetails(captureErrorDetails);
  }

  public String name() {
    return name;
  }

  /** The predictor; for an async variant, one that waits for its stage. */
  public Predictor<I, O> predictor() {
    return predictor;
  }

  /** The asynchronous predictor, or {@code null} for a blocking variant. */
  public @Nullable AsyncPredictor<I, O> asyncPredictor() {
    return asyncPredictor;
  }

  public double weight() {
    return weight;
  }

  public double samplingRate() {
    return samplingRate;
  }

  public Duration timeout() {
    return timeout;
  }

  public int maxConcurrency() {
    return maxConcurrency;
  }

  public int maxAbandonedThreads() {
    return maxAbandonedThreads;
  }

  /** This variant's own comparator, or {@code null} to use the endpoint's. */
  public @Nullable OutputComparator<O> comparator() {
    return comparator;
  }

  public boolean capturePayloads() {
    return capturePayloads;
  }

  public boolean captureErrorDetails() {
    return captureErrorDetails;
  }

  @Override
  public String toString() {
    return "Variant[name=" + name + ", weight=" + weight + ", samplingRate=" + samplingRate
        + ", timeout=" + timeout + ", maxConcurrency=" + maxConcurrency
        + ", maxAbandonedThreads=" + maxAbandonedThreads
        + ", capturePayloads=" + capturePayloads + ']';
  }

  /**
   * Builder for {@link Variant}. Not thread-safe; every setter may be called any number of times
   * and {@link #build()} validates all settings at once.
   */
  public static final class Builder<I extends @Nullable Object, O extends @Nullable Object> {
    private final String name;
    private final Predictor<I, O> predictor;
    private final AsyncPredictor<I, O> asyncPredictor;
    private double weight = DEFAULT_WEIGHT;
    private double samplingRate = DEFAULT_SAMPLING_RATE;
    private Duration timeout = DEFAULT_TIMEOUT;
    private int maxConcurrency = DEFAULT_MAX_CONCURRENCY;
    private int maxAbandonedThreads = DEFAULT_MAX_ABANDONED_THREADS;
    private OutputComparator<O> comparator;
    private boolean capturePayloads;
    private boolean captureErrorDetails;

    private Builder(String name, Predictor<I, O> predictor, AsyncPredictor<I, O> async) {
      this.name = name;
      this.predictor = predictor;
      this.asyncPredictor = async;
    }

    /** Production share of traffic, a finite number {@code >= 0}. */
    public Builder<I, O> weight(double weight) {
      this.weight = weight;
      return this;
    }

    /** Shadow sampling rate in [0, 1]. */
    public Builder<I, O> samplingRate(double samplingRate) {
      this.samplingRate = samplingRate;
      return this;
    }

    /** Shadow call timeout, in (0, 1 day]. */
    public Builder<I, O> timeout(Duration timeout) {
      this.timeout = timeout;
      return this;
    }

    /** Shadow copies queued or running at once, in [1, 4096]. */
    public Builder<I, O> maxConcurrency(int maxConcurrency) {
      this.maxConcurrency = maxConcurrency;
      return this;
    }

    /**
     * Threads this shadow may keep stuck in calls that ignore their timeout's interrupt before it
     * is quarantined, in [1, 1024].
     */
    public Builder<I, O> maxAbandonedThreads(int maxAbandonedThreads) {
      this.maxAbandonedThreads = maxAbandonedThreads;
      return this;
    }

    /** Comparator for this shadow variant ({@code null}: the endpoint's). */
    public Builder<I, O> comparator(@Nullable OutputComparator<O> comparator) {
      this.comparator = comparator;
      return this;
    }

    /** Put inputs and outputs (after the endpoint's redactor) into this variant's records. */
    public Builder<I, O> capturePayloads(boolean capturePayloads) {
      this.capturePayloads = capturePayloads;
      return this;
    }

    /**
     * Keep the message and stack trace of this variant's exceptions in its records and in DEBUG
     * logs. Off by default: messages may contain payloads.
     */
    public Builder<I, O> captureErrorDetails(boolean captureErrorDetails) {
      this.captureErrorDetails = captureErrorDetails;
      return this;
    }

    /**
     * @throws InvalidConfigurationException naming every invalid field, its value and allowed
     *     range
     */
    public Variant<I, O> build() {
      ConfigErrors errors = new ConfigErrors("variant '" + name + "' is invalid");
      check(errors);
      errors.throwIfAny();
      return new Variant<>(this);
    }

    /** The name given; for builders that validate a variant with themselves. */
    String name() {
      return name;
    }

    /**
     * Adds a problem per invalid setting: for {@link #build()}, and for the builders that validate
     * a variant given as a builder with their own settings ({@link EndpointConfig.Builder},
     * {@link ShadowTestSpec.Builder}), so every problem is reported at once.
     */
    void check(ConfigErrors errors) {
      errors.requireName("name", name);
      errors.requireNonNull("predictor", predictor == null ? asyncPredictor : predictor);
      errors.requireFiniteAtLeast("weight", weight, 0.0);
      errors.requireInRange("samplingRate", samplingRate, 0.0, 1.0);
      errors.requirePositive("timeout", timeout, MAX_TIMEOUT);
      errors.requireInRange("maxConcurrency", maxConcurrency, 1, MAX_CONCURRENCY_LIMIT);
      errors.requireInRange("maxAbandonedThreads", maxAbandonedThreads, 1,
          MAX_ABANDONED_THREADS_LIMIT);
    }
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof Variant<?, ?> v
        && v.name.equals(name)
        && v.asyncPredictor == asyncPredictor
        && (asyncPredictor != null || v.predictor == predictor) // async: the adapter is per copy
        && Double.compare(v.weight, weight) == 0
        && Double.compare(v.samplingRate, samplingRate) == 0
        && v.timeout.equals(timeout)
        && v.maxConcurrency == maxConcurrency
        && v.maxAbandonedThreads == maxAbandonedThreads
        && v.comparator == comparator
        && v.capturePayloads == capturePayloads
        && v.captureErrorDetails == captureErrorDetails;
  }

  @Override
  public int hashCode() {
    return Objects.hash(name, weight, samplingRate, timeout, maxConcurrency, capturePayloads);
  }
}
