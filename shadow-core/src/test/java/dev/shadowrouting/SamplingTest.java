package dev.shadowrouting;

import static org.assertj.core.api.Assertions.assertThat;
import static org.quicktheories.QuickTheory.qt;
import static org.quicktheories.generators.SourceDSL.doubles;
import static org.quicktheories.generators.SourceDSL.strings;

import java.nio.charset.StandardCharsets;
import java.util.HashSet;
import java.util.Set;
import java.util.concurrent.atomic.AtomicInteger;
import org.hipparchus.distribution.discrete.BinomialDistribution;
import org.junit.jupiter.api.Test;

/**
 * Sampling: random without a key (rate within binomial bounds), and with a key a pure function of
 * (key, variant name) that follows the documented formula, computed here by an independent
 * MurmurHash3 x86_32 implementation so the test pins the formula, not the library.
 */
class SamplingTest {

  @Test
  void randomSamplingRateIsWithinBinomialBounds() {
    qt().withExamples(8).withFixedSeed(11)
        .forAll(doubles().between(0.01, 0.99))
        .checkAssert(rate -> {
          int n = 20_000;
          long sampled = sampledCount(rate, n, i -> null);
          assertWithinBinomial(n, rate, sampled);
        });
  }

  @Test
  void keyedSamplingRateIsWithinBinomialBoundsOverDistinctKeys() {
    qt().withExamples(8).withFixedSeed(13)
        .forAll(doubles().between(0.01, 0.99))
        .checkAssert(rate -> {
          int n = 20_000;
          long sampled = sampledCount(rate, n, i -> "user-" + i);
          assertWithinBinomial(n, rate, sampled);
        });
  }

  @Test
  void zeroAndOneAreExact() {
    assertThat(sampledCount(0.0, 5_000, i -> null)).isZero();
    assertThat(sampledCount(1.0, 5_000, i -> null)).isEqualTo(5_000);
    assertThat(sampledCount(0.0, 5_000, i -> "k" + i)).isZero();
    assertThat(sampledCount(1.0, 5_000, i -> "k" + i)).isEqualTo(5_000);
  }

  @Test
  void theSameKeyGetsTheSameDecisionOnEveryRouterInstance() {
    qt().withExamples(200).withFixedSeed(17)
        .forAll(strings().allPossible().ofLengthBetween(0, 40), doubles().between(0.0, 1.0))
        .checkAssert((key, rate) -> {
          boolean first = decision(key, "candidate", rate);
          boolean second = decision(key, "candidate", rate); // a brand-new router
          assertThat(second).isEqualTo(first);
          assertThat(first).isEqualTo(expected(key, "candidate", rate));
        });
  }

  @Test
  void keyedDecisionsFollowThePublishedFormula() {
    // Golden values: the documented formula must never change, or fleets would disagree.
    assertThat(murmur3_32(0, new byte[0])).isZero();
    assertThat(murmur3_32(1, new byte[0]) & 0xFFFFFFFFL).isEqualTo(0x514E28B7L);
    assertThat(murmur3_32(0, "hello".getBytes(StandardCharsets.UTF_8)) & 0xFFFFFFFFL)
        .isEqualTo(0x248BFA47L);
    for (int i = 0; i < 500; i++) {
      String key = "user-" + i;
      assertThat(decision(key, "v2", 0.3)).as(key).isEqualTo(expected(key, "v2", 0.3));
    }
  }

  @Test
  void theDocumentedInequalityHoldsExactlyAtTheBoundary() {
    for (int i = 0; i < 20; i++) {
      String key = "boundary-" + i;
      int seed = murmur3_32(0, "v2".getBytes(StandardCharsets.UTF_8));
      long h = murmur3_32(seed, key.getBytes(StandardCharsets.UTF_8)) & 0xFFFFFFFFL;
      double atH = h / 4294967296.0; // h < h * 1: not sampled
      double justAbove = (h + 0.5) / 4294967296.0; // h < h + 0.5: sampled
      assertThat(decision(key, "v2", atH)).as("%s at h/2^32", key).isFalse();
      assertThat(decision(key, "v2", justAbove)).as("%s at (h+0.5)/2^32", key).isTrue();
      assertThat(decision(key, "v2", Math.nextUp(atH))).as("%s just above h/2^32", key).isTrue();
    }
  }

  @Test
  void aKeySampledAtALowRateIsSampledAtAHigherRateAndVariantsAreIndependent() throws Exception {
    Set<String> at10 = sampledKeys("v2", 0.1);
    Set<String> at20 = sampledKeys("v2", 0.2);
    Set<String> otherVariant = sampledKeys("v3", 0.1);
    assertThat(at10).isNotEmpty();
    assertThat(at20).containsAll(at10).hasSizeGreaterThan(at10.size());
    Set<String> both = new HashSet<>(at10);
    both.retainAll(otherVariant);
    // independent 10% samples overlap on ~1% of keys, not ~10%
    assertThat(both.size()).isLessThan(at10.size() / 3);
  }

  /** The keys (out of 5,000) that a fresh router samples for {@code variant} at {@code rate}. */
  private static Set<String> sampledKeys(String variant, double rate) throws Exception {
    InMemorySink sink = ShadowSink.inMemory();
    try (ShadowRouter<Integer, Integer> router = ShadowRouter.create(
        EndpointConfig.<Integer, Integer>builder("keys")
            .production(Variant.<Integer, Integer>builder("p", in -> in).build())
            .shadow(Variant.<Integer, Integer>builder(variant, in -> in).samplingRate(rate)
                .maxConcurrency(4096).build())
            .queueCapacity(8192).sinkBufferCapacity(1 << 15).sink(sink).build())) {
      for (int i = 0; i < 5_000; i++) {
        String key = "u" + i;
        router.predict(i, Request.builder().samplingKey(key).requestId(key).build());
      }
    }
    Set<String> keys = new HashSet<>();
    sink.records(variant).forEach(r -> keys.add(r.requestId()));
    return keys;
  }

  // ---- helpers ---------------------------------------------------------------------------------

  private static long sampledCount(double rate, int n,
      java.util.function.IntFunction<String> key) {
    AtomicInteger calls = new AtomicInteger();
    try (ShadowRouter<Integer, Integer> router = ShadowRouter.create(
        EndpointConfig.<Integer, Integer>builder("s")
            .production(Variant.<Integer, Integer>builder("p", in -> in).build())
            .shadow(Variant.<Integer, Integer>builder("candidate", in -> {
              calls.incrementAndGet();
              return in;
            }).samplingRate(rate).maxConcurrency(4096).build())
            .queueCapacity(1 << 16)
            .build())) {
      for (int i = 0; i < n; i++) {
        router.predict(i, Request.withSamplingKey(key.apply(i)));
      }
      return router.snapshot().variant("candidate").sampled();
    } catch (Exception e) {
      throw new AssertionError(e);
    }
  }

  private static void assertWithinBinomial(int n, double rate, long sampled) {
    BinomialDistribution d = new BinomialDistribution(n, rate);
    int lo = d.inverseCumulativeProbability(1e-5);
    int hi = d.inverseCumulativeProbability(1 - 1e-5);
    assertThat(sampled).as("sampled at rate %s of %s", rate, n).isBetween((long) lo, (long) hi);
  }

  private static boolean decision(String key, String variant, double rate) {
    try (ShadowRouter<Integer, Integer> router = ShadowRouter.create(
        EndpointConfig.<Integer, Integer>builder("d")
            .production(Variant.<Integer, Integer>builder("p", in -> in).build())
            .shadow(Variant.<Integer, Integer>builder(variant, in -> in).samplingRate(rate).build())
            .workerThreads(1)
            .build())) {
      router.predict(0, Request.withSamplingKey(key));
      return router.snapshot().variant(variant).sampled() == 1;
    } catch (Exception e) {
      throw new AssertionError(e);
    }
  }

  /** The documented formula, independently: h < rate * 2^32. */
  private static boolean expected(String key, String variant, double rate) {
    int seed = murmur3_32(0, variant.getBytes(StandardCharsets.UTF_8));
    long h = murmur3_32(seed, key.getBytes(StandardCharsets.UTF_8)) & 0xFFFFFFFFL;
    return h < rate * 4294967296.0; // exact: h and rate * 2^32 are exact doubles

  }

  /** MurmurHash3 x86_32, written from the reference algorithm. */
  static int murmur3_32(int seed, byte[] data) {
    final int c1 = 0xcc9e2d51;
    final int c2 = 0x1b873593;
    int h1 = seed;
    int nblocks = data.length / 4;
    for (int i = 0; i < nblocks; i++) {
      int k1 = (data[4 * i] & 0xff) | (data[4 * i + 1] & 0xff) << 8
          | (data[4 * i + 2] & 0xff) << 16 | (data[4 * i + 3] & 0xff) << 24;
      k1 *= c1;
      k1 = Integer.rotateLeft(k1, 15);
      k1 *= c2;
      h1 ^= k1;
      h1 = Integer.rotateLeft(h1, 13);
      h1 = h1 * 5 + 0xe6546b64;
    }
    int k1 = 0;
    int tail = nblocks * 4;
    switch (data.length & 3) {
      case 3:
        k1 ^= (data[tail + 2] & 0xff) << 16;
        // fall through
      case 2:
        k1 ^= (data[tail + 1] & 0xff) << 8;
        // fall through
      case 1:
        k1 ^= data[tail] & 0xff;
        k1 *= c1;
        k1 = Integer.rotateLeft(k1, 15);
        k1 *= c2;
        h1 ^= k1;
        break;
      default:
        break;
    }
    h1 ^= data.length;
    h1 ^= h1 >>> 16;
    h1 *= 0x85ebca6b;
    h1 ^= h1 >>> 13;
    h1 *= 0xc2b2ae35;
    h1 ^= h1 >>> 16;
    return h1;
  }
}
