package dev.shadowrouting.internal.lanes;

import dev.shadowrouting.ContextPropagator;
import dev.shadowrouting.EndpointConfig;
import dev.shadowrouting.Redactor;
import dev.shadowrouting.ShadowSink;
import dev.shadowrouting.Variant;
import dev.shadowrouting.internal.ledger.VariantLedger;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ThreadLocalRandom;
import java.util.function.Function;

/**
 * One configuration compiled for the hot path: arrays instead of lists, cumulative weights, and
 * the propagators of the endpoint and its sinks. Immutable; the router swaps whole instances
 * through one volatile field, which is what makes {@code update} atomic for every request.
 */
public final class Routing<I, O> {
  public final EndpointConfig<I, O> config;
  public final ProductionLane<I, O>[] production;
  private final double[] cumulative;
  private final double totalWeight;
  private final int lastPositive;
  private final Map<String, ProductionLane<I, O>> byName;
  public final ShadowLane<I, O>[] shadows;
  /**
   * For each shadow, the index of the shadow whose sampling decision it copies (a shadow test's A/A
   * noise copy follows its candidate, so both see the same requests), or -1; null if none does.
   */
  private final int[] follows;
  /** Captured on the caller's thread; the first {@link #restorable} are restored in shadow calls. */
  public final ContextPropagator<?>[] propagators;
  public final int restorable;
  public final Redactor redactor;
  /** Copies wait for room instead of being rejected (unit tests only). */
  public final boolean testMode;

  @SuppressWarnings({"unchecked", "rawtypes"}) // arrays of a generic type are created raw
  public Routing(EndpointConfig<I, O> config, Function<String, VariantLedger> ledgers,
      Function<String, TestLane<I, O>> tests) {
    this.config = config;
    List<Variant<I, O>> prod = config.productionVariants();
    this.production = new ProductionLane[prod.size()];
    this.cumulative = new double[prod.size()];
    this.byName = new HashMap<>();
    // Weights are relative: dividing by the largest keeps the sum finite (Double.MAX_VALUE weights
    // would overflow it) and out of the subnormal range (Double.MIN_VALUE weights would round).
    double max = 0;
    for (Variant<I, O> v : prod) {
      max = Math.max(max, v.weight());
    }
    double sum = 0;
    int last = 0;
    for (int i = 0; i < prod.size(); i++) {
      Variant<I, O> v = prod.get(i);
      production[i] = new ProductionLane<>(v, ledgers.apply(v.name()));
      byName.put(v.name(), production[i]);
      sum += max > 0 ? v.weight() / max : 0;
      cumulative[i] = sum;
      if (v.weight() > 0) {
        last = i;
      }
    }
    this.totalWeight = sum;
    this.lastPositive = last;
    List<Variant<I, O>> sh = config.shadowVariants();
    this.shadows = new ShadowLane[sh.size()];
    Map<String, Integer> index = new HashMap<>();
    int[] follow = null;
    for (int i = 0; i < sh.size(); i++) {
      String name = sh.get(i).name();
      TestLane<I, O> test = tests.apply(name);
      shadows[i] = new ShadowLane<>(sh.get(i), config.comparator(), ledgers.apply(name), test);
      index.put(name, i);
      if (shadows[i].replaysProduction && test != null) {
        Integer candidate = index.get(test.candidateName());
        if (candidate != null) { // the candidate always precedes its noise copy
          if (follow == null) {
            follow = new int[sh.size()];
            java.util.Arrays.fill(follow, -1);
          }
          follow[i] = candidate;
        }
      }
    }
    this.follows = follow;
    List<ContextPropagator<?>> all = new ArrayList<>(config.contextPropagators());
    this.restorable = all.size();
    for (ShadowSink sink : config.sinks()) {
      all.addAll(sink.contextPropagators());
    }
    this.propagators = all.toArray(new ContextPropagator<?>[0]);
    this.redactor = config.redactor();
    this.testMode = config.testMode();
  }

  /** The target production variant, or one chosen by weight. */
  public ProductionLane<I, O> choose(String target) {
    if (target != null) {
      ProductionLane<I, O> lane = byName.get(target);
      if (lane == null) {
        throw new IllegalArgumentException("targetVariant '" + target
            + "' is not a production variant of endpoint '" + config.name()
            + "'; production variants are " + byName.keySet());
      }
      return lane;
    }
    if (production.length == 1) {
      return production[0];
    }
    double x = ThreadLocalRandom.current().nextDouble() * totalWeight;
    for (int i = 0; i < cumulative.length; i++) {
      if (x < cumulative[i]) {
        return production[i];
      }
    }
    return production[lastPositive]; // x rounded up to the total
  }

  /** Bit i set iff shadow i samples this request. */
  public long sample(String samplingKey) {
    long mask = 0;
    int[] f = follows;
    for (int i = 0; i < shadows.length; i++) {
      boolean sampled = f != null && f[i] >= 0
          ? (mask & (1L << f[i])) != 0
          : shadows[i].sampled(samplingKey);
      if (sampled) {
        mask |= 1L << i;
      }
    }
    return mask;
  }
}
