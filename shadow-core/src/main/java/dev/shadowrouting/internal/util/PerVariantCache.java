package dev.shadowrouting.internal.util;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.BiFunction;

/**
 * Values derived once per (endpoint, variant) pair, e.g. a sink's meters or attribute sets, so the
 * per-record cost of a metrics sink is two hash look-ups on strings the record already holds, with
 * no allocation once warm. Endpoint and variant names are bounded by configuration, so the cache is
 * too. Thread-safe.
 *
 * @param <V> the cached value
 */
public final class PerVariantCache<V> {
  private final Map<String, Map<String, V>> byEndpoint = new ConcurrentHashMap<>();
  private final BiFunction<String, String, V> factory;

  /**
   * @param factory creates the value of one pair, at most once per pair (it runs inside {@code
   *     computeIfAbsent}, so it must be quick and must not use this cache)
   */
  public PerVariantCache(BiFunction<String, String, V> factory) {
    this.factory = factory;
  }

  /** The value for (endpoint, variant), created on first use. */
  public V get(String endpoint, String variant) {
    Map<String, V> variants = byEndpoint.get(endpoint);
    if (variants == null) {
      variants = byEndpoint.computeIfAbsent(endpoint, e -> new ConcurrentHashMap<>());
    }
    V value = variants.get(variant);
    return value != null ? value : variants.computeIfAbsent(variant, v -> factory.apply(endpoint, v));
  }
}
