package dev.shadowrouting.internal.lanes;

import dev.shadowrouting.OutputComparator;
import dev.shadowrouting.Predictor;
import dev.shadowrouting.Variant;
import dev.shadowrouting.internal.ledger.VariantLedger;
import dev.shadowrouting.internal.util.Murmur3;
import java.util.concurrent.ThreadLocalRandom;

/**
 * A shadow variant compiled for the hot path: its sampling threshold, its keyed hash and its
 * resolved comparator. Immutable; its ledger is thread-safe.
 *
 * <p>Sampling is {@code h < rate * 2^32} with {@code h} an unsigned 32-bit hash: for a sampling key
 * {@code h = murmur3_32_x86(seed, utf8(key))} where {@code seed = murmur3_32_x86(0,
 * utf8(variantName))} ({@link Murmur3}), a pure function of (key, variant name) that
 * any language with MurmurHash3 x86_32 can reproduce; without a key {@code h} is random.
 */
public final class ShadowLane<I, O> {
  private static final long TWO_TO_32 = 1L << 32;

  public final Variant<I, O> variant;
  public final String name;
  public final Predictor<I, O> predictor;
  /** Non-null for an async shadow: started by a worker, completed without holding it. */
  public final dev.shadowrouting.AsyncPredictor<I, O> asyncPredictor;
  public final OutputComparator<O> comparator;
  public final long timeoutNanos;
  public final int maxConcurrency;
  public final int maxAbandonedThreads;
  public final boolean capturePayloads;
  public final VariantLedger ledger;
  /** The shadow test this lane belongs to (its candidate or its A/A copy), or null. */
  public final TestLane<I, O> test;
  /** True for a test's A/A noise copy: it calls the production variant that answered. */
  public final boolean replaysProduction;
  private final long threshold;
  private final int keySeed;

  public ShadowLane(Variant<I, O> variant, OutputComparator<O> endpointComparator,
      VariantLedger ledger, TestLane<I, O> test) {
    this.variant = variant;
    this.name = variant.name();
    this.predictor = variant.predictor();
    this.asyncPredictor = variant.asyncPredictor();
    this.comparator = variant.comparator() != null ? variant.comparator() : endpointComparator;
    this.timeoutNanos = variant.timeout().toNanos();
    this.maxConcurrency = variant.maxConcurrency();
    this.maxAbandonedThreads = variant.maxAbandonedThreads();
    this.capturePayloads = variant.capturePayloads();
    this.ledger = ledger;
    this.test = test;
    this.replaysProduction = variant.predictor() instanceof ProductionReplay;
    this.threshold = thresholdOf(variant.samplingRate());
    this.keySeed = seedOf(name);
  }

  /**
   * The smallest integer not below {@code rate * 2^32}: for an integer {@code h},
   * {@code h < rate * 2^32} exactly when {@code h < ceil(rate * 2^32)} (the product is exact in
   * double arithmetic, a multiplication by a power of two), so the documented inequality holds at
   * every boundary, {@code Math.nextDown(1.0)} included.
   */
  public static long thresholdOf(double rate) {
    return rate >= 1.0 ? TWO_TO_32 : (long) Math.ceil(rate * TWO_TO_32);
  }

  public static int seedOf(String variantName) {
    return Murmur3.hashUtf8(0, variantName);
  }

  /** The unsigned 32-bit sampling hash of {@code key} for this variant. */
  public long keyHash(String key) {
    return Murmur3.hashUtf8(keySeed, key) & 0xFFFF_FFFFL;
  }

  public boolean sampled(String samplingKey) {
    if (threshold == 0) {
      return false;
    }
    if (threshold == TWO_TO_32) {
      return true;
    }
    long h = samplingKey == null
        ? ThreadLocalRandom.current().nextInt() & 0xFFFF_FFFFL
        : keyHash(samplingKey);
    return h < threshold;
  }
}
