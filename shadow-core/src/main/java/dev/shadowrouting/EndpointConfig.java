package dev.shadowrouting;

import dev.shadowrouting.internal.util.ConfigErrors;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Objects;
import java.util.Set;
import java.util.function.UnaryOperator;
import org.jspecify.annotations.Nullable;

/**
 * The configuration of one endpoint: its production variants (at least one, weighted), its shadow
 * variants (zero to {@value #MAX_SHADOW_VARIANTS}), the comparator, the size of the shadow pool,
 * the sinks and the payload redactor.
 *
 * <p>Resources are bounded by this configuration whatever the shadows do: at most
 * {@code workerThreads} pool threads plus, while shadows hang past their timeout, one replacement
 * per abandoned call (each variant abandons at most {@code maxAbandonedThreads}, then it is
 * quarantined); at most
 * {@code queueCapacity} queued copies; at most {@code sinkBufferCapacity} records waiting per sink.
 *
 * <p>Immutable and thread-safe; validated in {@link Builder#build()}, which reports every error at
 * once.
 *
 * @param <I> input type
 * @param <O> output type
 */
public final class EndpointConfig<I extends @Nullable Object, O extends @Nullable Object> {

  /** Upper bound of the number of shadow variants. */
  public static final int MAX_SHADOW_VARIANTS = 64;
  /**
   * Half the cores, between 1 and 4: shadow work should never take more than half the machine
   * from production by default (1 on a 2-core machine, 4 from 8 cores up).
   */
  public static final int DEFAULT_WORKER_THREADS =
      Math.max(1, Math.min(4, Runtime.getRuntime().availableProcessors() / 2));
  /** Upper bound of {@code workerThreads}. */
  public static final int MAX_WORKER_THREADS = 1024;
  /** Default {@code queueCapacity}. */
  public static final int DEFAULT_QUEUE_CAPACITY = 1024;
  /** Upper bound of {@code queueCapacity} and {@code sinkBufferCapacity}. */
  public static final int MAX_QUEUE_CAPACITY = 1 << 24;
  /** Default {@code sinkBufferCapacity}. */
  public static final int DEFAULT_SINK_BUFFER_CAPACITY = 8192;
  /** Default {@code closeTimeout}. */
  public static final Duration DEFAULT_CLOSE_TIMEOUT = Duration.ofSeconds(5);
  /** Upper bound of {@code closeTimeout}. */
  public static final Duration MAX_CLOSE_TIMEOUT = Duration.ofDays(1);

  private final String name;
  private final List<Variant<I, O>> production;
  private final List<Variant<I, O>> shadows;
  private final OutputComparator<O> comparator;
  private final int workerThreads;
  private final int queueCapacity;
  private final List<ShadowSink> sinks;
  private final int sinkBufferCapacity;
  private final Redactor redactor;
  private final List<ContextPropagator<?>> contextPropagators;
  private final Duration closeTimeout;
  private final boolean testMode;
  private final @Nullable Fleet fleet;

  private EndpointConfig(Builder<I, O> b, List<Variant<I, O>> production,
      List<Variant<I, O>> shadows) {
    this.name = b.name;
    this.production = List.copyOf(production);
    this.shadows = List.copyOf(shadows);
    this.comparator = b.comparator;
    this.workerThreads = b.workerThreads;
    this.queueCapacity = b.queueCapacity;
    this.sinks = List.copyOf(b.sinks);
    this.sinkBufferCapacity = b.sinkBufferCapacity;
    this.redactor = b.redactor;
    this.contextPropagators = List.copyOf(b.contextPropagators);
    this.closeTimeout = b.closeTimeout;
    this.testMode = b.testMode;
    this.fleet = b.fleet;
  }

  public static <I extends @Nullable Object, O extends @Nullable Object>
      Builder<I, O> builder(String endpointName) {
    return new Builder<>(endpointName);
  }

  /** A builder initialised with every setting of this configuration (e.g. for {@code update}). */
  public Builder<I, O> toBuilder() {
    Builder<I, O> b = new Builder<>(name);
    b.productionVariants(production);
    b.shadowVariants(shadows);
    b.sinks.addAll(sinks);
    b.contextPropagators.addAll(contextPropagators);
    return b.comparator(comparator)
        .workerThreads(workerThreads)
        .queueCapacity(queueCapacity)
        .sinkBufferCapacity(sinkBufferCapacity)
        .redactor(redactor)
        .closeTimeout(closeTimeout)
        .testMode(testMode)
        .fleet(fleet);
  }

  public String name() {
    return name;
  }

  public List<Variant<I, O>> productionVariants() {
    return production;
  }

  public List<Variant<I, O>> shadowVariants() {
    return shadows;
  }

  /** The endpoint's comparator; a shadow variant's own comparator takes precedence. */
  public OutputComparator<O> comparator() {
    return comparator;
  }

  public int workerThreads() {
    return workerThreads;
  }

  public int queueCapacity() {
    return queueCapacity;
  }

  public List<ShadowSink> sinks() {
    return sinks;
  }

  public int sinkBufferCapacity() {
    return sinkBufferCapacity;
  }

  public Redactor redactor() {
    return redactor;
  }

  public List<ContextPropagator<?>> contextPropagators() {
    return contextPropagators;
  }

  public Duration closeTimeout() {
    return closeTimeout;
  }

  /** True if sampled copies wait for room instead of being rejected: for unit tests only. */
  public boolean testMode() {
    return testMode;
  }

  /** The fleet the endpoint's shadow tests are shared with, or null for this instance alone. */
  public @Nullable Fleet fleet() {
    return fleet;
  }

  @Override
  public String toString() {
    return "EndpointConfig[name=" + name + ", production=" + production + ", shadows=" + shadows
        + ", workerThreads=" + workerThreads + ", queueCapacity=" + queueCapacity
        + ", sinks=" + sinks.size() + ", sinkBufferCapacity=" + sinkBufferCapacity
        + ", closeTimeout=" + closeTimeout + (testMode ? ", testMode" : "")
        + (fleet != null ? ", fleet=" + fleet.instanceId() : "") + ']';
  }

  /**
   * Builder for {@link EndpointConfig}. Not thread-safe. {@link #build()} validates everything,
   * variants added as builders included, and reports all errors in one
   * {@link InvalidConfigurationException}.
   */
  public static final class Builder<I extends @Nullable Object, O extends @Nullable Object> {
    private final String name;
    private final List<Slot<I, O>> production = new ArrayList<>();
    private final List<Slot<I, O>> shadows = new ArrayList<>();
    private OutputComparator<O> comparator = OutputComparator.equality();
    private int workerThreads = DEFAULT_WORKER_THREADS;
    private int queueCapacity = DEFAULT_QUEUE_CAPACITY;
    private final List<ShadowSink> sinks = new ArrayList<>();
    private int sinkBufferCapacity = DEFAULT_SINK_BUFFER_CAPACITY;
    private Redactor redactor = Redactor.identity();
    private final List<ContextPropagator<?>> contextPropagators = new ArrayList<>();
    private Duration closeTimeout = DEFAULT_CLOSE_TIMEOUT;
    private boolean testMode;
    private @Nullable Fleet fleet;

    private Builder(String name) {
      this.name = name;
    }

    /** Adds a production variant (traffic split by weight). */
    public Builder<I, O> production(Variant<I, O> variant) {
      production.add(new Slot<>(variant, null));
      return this;
    }

    /** Adds a shadow variant. */
    public Builder<I, O> shadow(Variant<I, O> variant) {
      shadows.add(new Slot<>(variant, null));
      return this;
    }

    /**
     * Adds a production variant that {@link #build()} builds and validates with the endpoint, so
     * its problems are reported with the endpoint's, each under
     * {@code productionVariants[<name>]} (e.g. {@code productionVariants[v1].weight}). The
     * builder is read when {@link #build()} runs.
     */
    public Builder<I, O> production(Variant.Builder<I, O> variant) {
      production.add(new Slot<>(null, Objects.requireNonNull(variant, "variant")));
      return this;
    }

    /**
     * Adds a shadow variant that {@link #build()} builds and validates with the endpoint, its
     * problems under {@code shadowVariants[<name>]} (e.g. {@code shadowVariants[v2].samplingRate}).
     * The builder is read when {@link #build()} runs.
     */
    public Builder<I, O> shadow(Variant.Builder<I, O> variant) {
      shadows.add(new Slot<>(null, Objects.requireNonNull(variant, "variant")));
      return this;
    }

    /**
     * Adds a production variant with default settings; the predictor's types are the endpoint's,
     * so a lambda needs no type witness: {@code .production("v1", txn -> score(txn))}.
     */
    public Builder<I, O> production(String name, Predictor<I, O> predictor) {
      return production(name, predictor, b -> b);
    }

    /**
     * Adds a production variant whose settings {@code customizer} sets, e.g.
     * {@code .production("v1", model, v -> v.weight(3))}.
     */
    public Builder<I, O> production(String name, Predictor<I, O> predictor,
        UnaryOperator<Variant.Builder<I, O>> customizer) {
      return production(customizer.apply(Variant.builder(name, predictor)).build());
    }

    /**
     * Adds a shadow variant whose predictor answers asynchronously (a remote model server): it
     * holds no pool thread while its call is in flight, see {@link AsyncPredictor}.
     */
    public Builder<I, O> shadowAsync(String name, AsyncPredictor<I, O> predictor,
        UnaryOperator<Variant.Builder<I, O>> customizer) {
      return shadow(customizer.apply(Variant.async(name, predictor)).build());
    }

    /** {@link #shadowAsync(String, AsyncPredictor, UnaryOperator)} with default settings. */
    public Builder<I, O> shadowAsync(String name, AsyncPredictor<I, O> predictor) {
      return shadowAsync(name, predictor, b -> b);
    }

    /** Adds a shadow variant with default settings (the types are the endpoint's). */
    public Builder<I, O> shadow(String name, Predictor<I, O> predictor) {
      return shadow(name, predictor, b -> b);
    }

    /**
     * Adds a shadow variant whose settings {@code customizer} sets, e.g.
     * {@code .shadow("v2", model, v -> v.samplingRate(0.25).timeout(Duration.ofMillis(50)))}.
     */
    public Builder<I, O> shadow(String name, Predictor<I, O> predictor,
        UnaryOperator<Variant.Builder<I, O>> customizer) {
      return shadow(customizer.apply(Variant.builder(name, predictor)).build());
    }

    /** Replaces the production variants. */
    public Builder<I, O> productionVariants(List<Variant<I, O>> variants) {
      requireList("productionVariants", variants);
      production.clear();
      variants.forEach(this::production);
      return this;
    }

    /** Replaces the shadow variants. */
    public Builder<I, O> shadowVariants(List<Variant<I, O>> variants) {
      requireList("shadowVariants", variants);
      shadows.clear();
      variants.forEach(this::shadow);
      return this;
    }

    /** The comparator for shadows that have none of their own. Default {@link OutputComparator#equality()}. */
    public Builder<I, O> comparator(OutputComparator<O> comparator) {
      this.comparator = comparator;
      return this;
    }

    /** Shadow pool threads, in [1, 1024]. Default: half the cores, in [1, 4]. */
    public Builder<I, O> workerThreads(int workerThreads) {
      this.workerThreads = workerThreads;
      return this;
    }

    /** Shadow copies waiting for a thread, in [1, 2^24]. Default 1024. */
    public Builder<I, O> queueCapacity(int queueCapacity) {
      this.queueCapacity = queueCapacity;
      return this;
    }

    /**
     * Shares the endpoint's shadow tests with the other instances of the service ({@link
     * Fleet}); null (the default) for this instance alone. Fixed for the router's life.
     */
    public Builder<I, O> fleet(@Nullable Fleet fleet) {
      this.fleet = fleet;
      return this;
    }

    /** Adds a sink; records go to every sink through its own bounded buffer. */
    public Builder<I, O> sink(ShadowSink sink) {
      sinks.add(sink);
      return this;
    }

    /** Records waiting per sink before new ones are dropped, in [1, 2^24]. Default 8192. */
    public Builder<I, O> sinkBufferCapacity(int sinkBufferCapacity) {
      this.sinkBufferCapacity = sinkBufferCapacity;
      return this;
    }

    /** Applied to captured payloads. Default {@link Redactor#identity()}. */
    public Builder<I, O> redactor(Redactor redactor) {
      this.redactor = redactor;
      return this;
    }

    /** Carries a thread-local context (e.g. the logging MDC) from the caller into shadow calls. */
    public Builder<I, O> contextPropagator(ContextPropagator<?> propagator) {
      contextPropagators.add(propagator);
      return this;
    }

    /** How long {@code close()} waits for queued and running shadows, in [0, 1 day]. Default 5 s. */
    public Builder<I, O> closeTimeout(Duration closeTimeout) {
      this.closeTimeout = closeTimeout;
      return this;
    }

    /**
     * <b>For unit tests only, never in production.</b> A sampled copy that finds its variant at
     * {@code maxConcurrency} or the queue full waits on the caller's thread until there is room,
     * instead of being rejected: every sampled copy runs, so a test that calls the router 1,000
     * times sees 1,000 shadow records (wait for them with {@link ShadowRouter#awaitIdle}). The
     * price is the one production must never pay: a slow shadow slows the caller. Default off.
     */
    public Builder<I, O> testMode(boolean testMode) {
      this.testMode = testMode;
      return this;
    }

    /**
     * @throws InvalidConfigurationException naming every invalid field, its value and the allowed
     *     range; a problem of a variant added as a builder under its path, e.g.
     *     {@code shadowVariants[v2].samplingRate}
     */
    public EndpointConfig<I, O> build() {
      ConfigErrors errors = new ConfigErrors("endpoint '" + name + "' is invalid");
      errors.requireName("name", name);
      List<Variant<I, O>> productionVariants = resolve("productionVariants", production, errors);
      List<Variant<I, O>> shadowVariants = resolve("shadowVariants", shadows, errors);
      if (production.isEmpty()) {
        errors.add(new Problem("productionVariants", 0, "at least 1 variant"),
            "production variants must contain at least 1 variant but was empty");
      }
      if (shadows.size() > MAX_SHADOW_VARIANTS) {
        errors.add(new Problem("shadowVariants", shadows.size(),
                "at most " + MAX_SHADOW_VARIANTS + " variants"),
            "shadow variants must be at most " + MAX_SHADOW_VARIANTS + " but was "
                + shadows.size());
      }
      boolean productionNull = productionVariants.contains(null);
      if (productionNull || shadowVariants.contains(null)) {
        errors.add(new Problem(productionNull ? "productionVariants" : "shadowVariants", null,
            "a list without null elements"), "variants must not be null");
      }
      // a variant of the list that is invalid has its own problem; a sum without it would add one
      if (!production.isEmpty() && productionVariants.size() == production.size()
          && !productionNull) {
        double totalWeight = 0;
        for (Variant<I, O> v : productionVariants) {
          totalWeight += v.weight();
        }
        if (!(totalWeight > 0)) {
          errors.add(new Problem("productionVariants[*].weight", totalWeight, "> 0 in total"),
              "the sum of production weights must be > 0 but was " + totalWeight);
        }
      }
      Set<String> names = new HashSet<>();
      requireUniqueNames("productionVariants", production, names, errors);
      requireUniqueNames("shadowVariants", shadows, names, errors);
      errors.requireNonNull("comparator", comparator);
      errors.requireInRange("workerThreads", workerThreads, 1, MAX_WORKER_THREADS);
      errors.requireInRange("queueCapacity", queueCapacity, 1, MAX_QUEUE_CAPACITY);
      errors.requireInRange("sinkBufferCapacity", sinkBufferCapacity, 1, MAX_QUEUE_CAPACITY);
      if (sinks.contains(null)) {
        errors.add(new Problem("sinks", null, "a list without null elements"),
            "sinks must not contain null");
      }
      if (contextPropagators.contains(null)) {
        errors.add(new Problem("contextPropagators", null, "a list without null elements"),
            "contextPropagators must not contain null");
      }
      errors.requireNonNull("redactor", redactor);
      errors.requireNotNegative("closeTimeout", closeTimeout, MAX_CLOSE_TIMEOUT);
      errors.throwIfAny();
      return new EndpointConfig<>(this, productionVariants, shadowVariants);
    }

    /**
     * The list's variants: those given built (null included), and those given as builders that
     * are valid; an invalid one adds its problems under {@code list[<name>]} and is left out.
     */
    private static <I extends @Nullable Object, O extends @Nullable Object>
        List<Variant<I, O>> resolve(String list, List<Slot<I, O>> slots,
        ConfigErrors errors) {
      List<Variant<I, O>> variants = new ArrayList<>();
      for (Slot<I, O> slot : slots) {
        if (slot.builder() == null) {
          variants.add(slot.variant());
        } else if (errors.nested(list + "[" + slot.name() + "]", slot.builder()::check)) {
          variants.add(slot.builder().build());
        }
      }
      return variants;
    }

    private static <I extends @Nullable Object, O extends @Nullable Object>
        void requireUniqueNames(String list, List<Slot<I, O>> slots,
        Set<String> names, ConfigErrors errors) {
      for (Slot<I, O> slot : slots) {
        String name = slot.name();
        if (name != null && !names.add(name)) {
          errors.add(new Problem(list + "[" + name + "].name", name,
                  "unique among the endpoint's variants"),
              "variant names must be unique but '" + name + "' appears more than once");
        }
      }
    }

    /** A null list has no elements to validate later in build(): reject it here, by name. */
    private static void requireList(String field, List<?> list) {
      if (list == null) {
        Problem problem = new Problem(field, null, "a list (possibly empty)");
        throw new InvalidConfigurationException(problem.message(), List.of(problem));
      }
    }
  }

  /** A variant given built, or as a builder that {@link Builder#build()} validates and builds. */
  private record Slot<I extends @Nullable Object, O extends @Nullable Object>
      (Variant<I, O> variant, Variant.Builder<I, O> builder) {
    /** The variant's name, or null for a null variant. */
    String name() {
      return builder != null ? builder.name() : variant != null ? variant.name() : null;
    }
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof EndpointConfig<?, ?> c
        && c.name.equals(name)
        && c.production.equals(production)
        && c.shadows.equals(shadows)
        && c.comparator == comparator
        && c.workerThreads == workerThreads
        && c.queueCapacity == queueCapacity
        && c.sinks.equals(sinks)
        && c.sinkBufferCapacity == sinkBufferCapacity
        && c.redactor == redactor
        && c.contextPropagators.equals(contextPropagators)
        && c.closeTimeout.equals(closeTimeout);
  }

  @Override
  public int hashCode() {
    return Objects.hash(name, production, shadows, workerThreads, queueCapacity);
  }
}
