package dev.shadowrouting.internal.util;

import static org.assertj.core.api.Assertions.assertThat;
import static org.quicktheories.QuickTheory.qt;
import static org.quicktheories.generators.SourceDSL.integers;
import static org.quicktheories.generators.SourceDSL.strings;

import com.google.common.hash.Hashing;
import dev.shadowrouting.internal.lanes.ShadowLane;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

/**
 * The inlined sampling hash against Guava's {@code murmur3_32_fixed} (test scope only) and the
 * published MurmurHash3 x86_32 vectors, so docs/how-it-works.md's formula stays the
 * contract.
 */
class Murmur3Test {

  @Test
  void matchesGuavaOnAnyStringAndSeed() {
    qt().withExamples(20_000).withFixedSeed(3)
        .forAll(strings().allPossible().ofLengthBetween(0, 40), integers().all())
        .checkAssert((s, seed) -> assertThat(Murmur3.hashUtf8(seed, s)).as("%s / %s", s, seed)
            .isEqualTo(Hashing.murmur3_32_fixed(seed).hashString(s, StandardCharsets.UTF_8)
                .asInt()));
  }

  @Test
  void matchesGuavaOnEveryUtf8LengthAndSurrogates() {
    String[] samples = {"", "a", "ab", "abc", "abcd", "é", "日本", "😀", "a😀b", "\uD800", "x\uDC00y",
        "\uD83D\uDE00\uD83D", "ünïcödé-key-12345"};
    for (String s : samples) {
      for (int seed : new int[] {0, 1, -1, 0x9747b28c}) {
        assertThat(Murmur3.hashUtf8(seed, s)).as(s)
            .isEqualTo(Hashing.murmur3_32_fixed(seed).hashString(s, StandardCharsets.UTF_8)
                .asInt())
            .isEqualTo(Murmur3.hashBytes(seed, s.getBytes(StandardCharsets.UTF_8)));
      }
    }
  }

  @Test
  void publishedVectors() {
    // smhasher's reference MurmurHash3_x86_32; values as widely published with it
    assertThat(Murmur3.hashBytes(0, new byte[0])).isZero();
    assertThat(Murmur3.hashBytes(1, new byte[0])).isEqualTo(0x514E28B7);
    assertThat(Murmur3.hashBytes(0xffffffff, new byte[0])).isEqualTo(0x81F16F39);
    assertThat(Murmur3.hashBytes(0, new byte[4])).isEqualTo(0x2362F9DE);
    assertThat(Murmur3.hashUtf8(0x9747b28c, "aaaa")).isEqualTo(0x5A97808A);
    assertThat(Murmur3.hashUtf8(0x9747b28c, "Hello, world!")).isEqualTo(0x24884CBA);
    assertThat(Murmur3.hashUtf8(0x9747b28c, "The quick brown fox jumps over the lazy dog"))
        .isEqualTo(0x2FA826CD);
  }

  @Test
  void theThresholdMakesTheInequalityExact() {
    assertThat(ShadowLane.thresholdOf(Math.nextDown(1.0))).isEqualTo(1L << 32);
    assertThat(ShadowLane.thresholdOf(0.0)).isZero();
    assertThat(ShadowLane.thresholdOf(Double.MIN_VALUE)).isEqualTo(1);
    assertThat(ShadowLane.thresholdOf(0.5)).isEqualTo(1L << 31);
  }
}
