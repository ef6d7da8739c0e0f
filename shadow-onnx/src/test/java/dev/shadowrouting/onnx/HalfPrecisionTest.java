package dev.shadowrouting.onnx;

import static dev.shadowrouting.onnx.HalfPrecision.bfloat16ToFloat;
import static dev.shadowrouting.onnx.HalfPrecision.float16ToFloat;
import static dev.shadowrouting.onnx.HalfPrecision.floatToBfloat16;
import static dev.shadowrouting.onnx.HalfPrecision.floatToFloat16;
import static org.assertj.core.api.Assertions.assertThat;

import ai.onnxruntime.platform.Fp16Conversions;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;

/**
 * The float16 and bfloat16 conversions: exhaustively over all 65,536 bit patterns, against ONNX
 * Runtime's Java reference ({@code ai.onnxruntime.platform.Fp16Conversions}: on Java 17 a port of
 * its native MLAS conversion), against an independent nearest-value search, and on named edge
 * cases. ONNX Runtime's native {@code Cast} kernels are the reference in
 * {@link OnnxValueTypesTest}.
 */
class HalfPrecisionTest {
  private static final int ALL_PATTERNS = 1 << 16;

  @Test
  void float16ToFloatAgreesWithOnnxRuntimeBitForBitOnAll65536Patterns() {
    for (int h = 0; h < ALL_PATTERNS; h++) {
      short bits = (short) h;
      assertThat(Float.floatToRawIntBits(float16ToFloat(bits)))
          .as("float16 0x%04x", h)
          .isEqualTo(Float.floatToRawIntBits(Fp16Conversions.fp16ToFloat(bits)));
    }
  }

  @Test
  void float16ToFloatToFloat16IsTheIdentityOnAll65536Patterns() {
    int nans = 0;
    for (int h = 0; h < ALL_PATTERNS; h++) {
      float f = float16ToFloat((short) h);
      nans += Float.isNaN(f) ? 1 : 0;
      // NaNs included: their payload survives the round trip
      assertThat(floatToFloat16(f) & 0xFFFF).as("float16 0x%04x (%s)", h, f).isEqualTo(h);
    }
    assertThat(nans).isEqualTo(2 * 1023); // exponent all ones, significand non-zero, both signs
  }

  @Test
  void bfloat16IsTheUpperHalfOfAFloatAndRoundTripsOnAll65536Patterns() {
    for (int h = 0; h < ALL_PATTERNS; h++) {
      short bits = (short) h;
      float f = bfloat16ToFloat(bits);
      assertThat(Float.floatToRawIntBits(f)).isEqualTo(h << 16);
      assertThat(Float.floatToRawIntBits(f))
          .isEqualTo(Float.floatToRawIntBits(Fp16Conversions.bf16ToFloat(bits)));
      assertThat(floatToBfloat16(f) & 0xFFFF).as("bfloat16 0x%04x", h).isEqualTo(h);
    }
  }

  /**
   * Every float that does not trivially underflow or overflow (exponents from 2^-26 to 2^16, both
   * signs: 721 million values) gives the same float16 as ONNX Runtime's MLAS conversion.
   */
  @Test
  void floatToFloat16AgreesWithOnnxRuntimeOnEveryFloatInTheRangeThatRounds() {
    int firstExponent = 127 - 26;
    int lastExponent = 127 + 16;
    long checked = IntStream.rangeClosed(firstExponent << 23, (lastExponent << 23) | 0x7F_FFFF)
        .parallel()
        .filter(bits -> {
          float positive = Float.intBitsToFloat(bits);
          float negative = -positive;
          boolean ok = floatToFloat16(positive) == Fp16Conversions.mlasFloatToFp16(positive)
              && floatToFloat16(negative) == Fp16Conversions.mlasFloatToFp16(negative);
          if (!ok) {
            throw new AssertionError("float " + positive + " (0x" + Integer.toHexString(bits)
                + "): 0x" + Integer.toHexString(floatToFloat16(positive) & 0xFFFF)
                + " but ONNX Runtime gives 0x"
                + Integer.toHexString(Fp16Conversions.mlasFloatToFp16(positive) & 0xFFFF));
          }
          return true;
        })
        .count();
    assertThat(checked).isEqualTo((long) (lastExponent - firstExponent + 1) << 23);

    // below and above that range only zeros and infinities come out, as for ONNX Runtime
    SplittableRandom random = new SplittableRandom(7);
    for (int i = 0; i < 200_000; i++) {
      int exponent = random.nextBoolean()
          ? random.nextInt(0, firstExponent) : random.nextInt(lastExponent + 1, 255);
      float f = Float.intBitsToFloat(
          (random.nextBoolean() ? 0x8000_0000 : 0) | exponent << 23 | random.nextInt(1 << 23));
      short half = floatToFloat16(f);
      assertThat(half).isEqualTo(Fp16Conversions.mlasFloatToFp16(f));
      assertThat(half & 0x7FFF).isIn(0x0000, 0x7C00);
    }
  }

  /**
   * Independent of ONNX Runtime: every float16 midpoint and its float neighbours, and random
   * floats, round to the nearest float16 found by searching the table of all finite values, ties
   * going to the even pattern.
   */
  @Test
  void floatToFloat16IsTheNearestFloat16WithTiesToEven() {
    double[] finite = new double[0x7C00]; // the non-negative finite float16s, ascending with bits
    for (int h = 0; h < finite.length; h++) {
      finite[h] = float16ToFloat((short) h);
    }
    List<Float> probes = new ArrayList<>();
    for (int h = 0; h + 1 < finite.length; h++) {
      float mid = (float) ((finite[h] + finite[h + 1]) / 2); // exact: 12 significant bits
      probes.add(mid);
      probes.add(Math.nextDown(mid));
      probes.add(Math.nextUp(mid));
    }
    SplittableRandom random = new SplittableRandom(42);
    for (int i = 0; i < 300_000; i++) {
      probes.add((float) (random.nextDouble(-1, 1) * Math.scalb(1.0, random.nextInt(-26, 17))));
    }
    for (float f : probes) {
      assertThat(floatToFloat16(f)).as("float %s", f).isEqualTo(nearest(finite, f));
    }
  }

  private static short nearest(double[] finite, float f) {
    int sign = f < 0 || Float.floatToRawIntBits(f) < 0 ? 0x8000 : 0;
    double a = Math.abs((double) f);
    double max = finite[finite.length - 1];
    double ulpAtMax = max - finite[finite.length - 2];
    if (a >= max + ulpAtMax / 2) { // 65520 and above: the tie at 65520 goes to the even 0x7C00
      return (short) (sign | 0x7C00);
    }
    int hi = java.util.Arrays.binarySearch(finite, a);
    if (hi >= 0) {
      return (short) (sign | hi);
    }
    hi = -hi - 1; // first value above a
    if (hi == finite.length) {
      return (short) (sign | (finite.length - 1));
    }
    int lo = hi - 1;
    double below = a - finite[lo];
    double above = finite[hi] - a;
    int pick = below < above ? lo : above < below ? hi : (lo % 2 == 0 ? lo : hi);
    return (short) (sign | pick);
  }

  @Test
  void floatToFloat16EdgeCases() {
    assertThat(floatToFloat16(1f)).isEqualTo((short) 0x3C00);
    assertThat(floatToFloat16(-2f)).isEqualTo((short) 0xC000);
    assertThat(floatToFloat16(0f)).isEqualTo((short) 0x0000);
    assertThat(floatToFloat16(-0f)).isEqualTo((short) 0x8000);
    // largest finite, and the overflow threshold (max + half an ulp: a tie that goes to infinity)
    assertThat(floatToFloat16(65504f)).isEqualTo((short) 0x7BFF);
    assertThat(floatToFloat16(Math.nextDown(65520f))).isEqualTo((short) 0x7BFF);
    assertThat(floatToFloat16(65520f)).isEqualTo((short) 0x7C00);
    assertThat(floatToFloat16(-65520f)).isEqualTo((short) 0xFC00);
    assertThat(floatToFloat16(Float.POSITIVE_INFINITY)).isEqualTo((short) 0x7C00);
    assertThat(floatToFloat16(Float.NEGATIVE_INFINITY)).isEqualTo((short) 0xFC00);
    // subnormals: 2^-24 is the smallest; half of it is a tie that goes to (even) zero
    assertThat(floatToFloat16(0x1p-24f)).isEqualTo((short) 0x0001);
    assertThat(floatToFloat16(0x1p-25f)).isEqualTo((short) 0x0000);
    assertThat(floatToFloat16(Math.nextUp(0x1p-25f))).isEqualTo((short) 0x0001);
    assertThat(floatToFloat16(-0x1p-25f)).isEqualTo((short) 0x8000);
    assertThat(floatToFloat16(3 * 0x1p-25f)).isEqualTo((short) 0x0002); // tie 1|2 -> even 2
    assertThat(floatToFloat16(5 * 0x1p-25f)).isEqualTo((short) 0x0002); // tie 2|3 -> even 2
    assertThat(floatToFloat16(Float.MIN_VALUE)).isEqualTo((short) 0x0000);
    // the largest subnormal rounds up into the smallest normal
    assertThat(floatToFloat16(0x1p-14f)).isEqualTo((short) 0x0400);
    assertThat(floatToFloat16(Math.nextDown(0x1p-14f))).isEqualTo((short) 0x0400);
    assertThat(floatToFloat16(0x3FFp-24f)).isEqualTo((short) 0x03FF);
    // ties between normals: 1 + 2^-11 lies between 1 and 1 + 2^-10
    assertThat(floatToFloat16(1 + 0x1p-11f)).isEqualTo((short) 0x3C00);
    assertThat(floatToFloat16(1 + 3 * 0x1p-11f)).isEqualTo((short) 0x3C02);
    assertThat(floatToFloat16(Math.nextUp(1 + 0x1p-11f))).isEqualTo((short) 0x3C01);
    assertThat(floatToFloat16(0.1f)).isEqualTo((short) 0x2E66);
  }

  @Test
  void nanStaysNanWithItsSignEvenWhenItsPayloadDoesNotFit() {
    for (int bits : new int[] {0x7FC0_0000, 0x7F80_0001, 0x7FFF_FFFF, 0x7F80_1000}) {
      for (int sign : new int[] {0, 0x8000_0000}) {
        float nan = Float.intBitsToFloat(bits | sign);
        short half = floatToFloat16(nan);
        assertThat(float16ToFloat(half)).as("0x%08x", bits | sign).isNaN();
        assertThat(half < 0).isEqualTo(sign != 0);
        short bf = floatToBfloat16(nan);
        assertThat(bfloat16ToFloat(bf)).as("0x%08x", bits | sign).isNaN();
        assertThat(bf < 0).isEqualTo(sign != 0);
      }
    }
  }

  /** For every bfloat16 and each rounding case of the discarded half, ONNX Runtime agrees. */
  @Test
  void floatToBfloat16AgreesWithOnnxRuntimeOnEveryRoundingCase() {
    SplittableRandom random = new SplittableRandom(3);
    int[] lowHalves = {0x0000, 0x0001, 0x7FFF, 0x8000, 0x8001, 0xFFFF, 0};
    for (int upper = 0; upper < ALL_PATTERNS; upper++) {
      lowHalves[lowHalves.length - 1] = random.nextInt(1 << 16);
      for (int low : lowHalves) {
        float f = Float.intBitsToFloat(upper << 16 | low);
        if (!Float.isNaN(f)) { // ONNX Runtime's reference canonicalises NaNs first
          assertThat(floatToBfloat16(f)).as("float 0x%08x", upper << 16 | low)
              .isEqualTo(Fp16Conversions.floatToBf16(f));
        }
      }
    }
  }

  @Test
  void floatToBfloat16EdgeCases() {
    assertThat(floatToBfloat16(1f)).isEqualTo((short) 0x3F80);
    assertThat(floatToBfloat16(1 + 0x1p-8f)).isEqualTo((short) 0x3F80); // tie -> even
    assertThat(floatToBfloat16(1 + 3 * 0x1p-8f)).isEqualTo((short) 0x3F82); // tie -> even
    assertThat(floatToBfloat16(Math.nextUp(1 + 0x1p-8f))).isEqualTo((short) 0x3F81);
    assertThat(floatToBfloat16(Float.MAX_VALUE)).isEqualTo((short) 0x7F80); // beyond max + ulp/2
    assertThat(floatToBfloat16(-Float.MAX_VALUE)).isEqualTo((short) 0xFF80);
    assertThat(floatToBfloat16(Float.intBitsToFloat(0x7F7F_7FFF))).isEqualTo((short) 0x7F7F);
    assertThat(floatToBfloat16(Float.NEGATIVE_INFINITY)).isEqualTo((short) 0xFF80);
    assertThat(floatToBfloat16(-0f)).isEqualTo((short) 0x8000);
    assertThat(floatToBfloat16(Float.MIN_VALUE)).isEqualTo((short) 0x0000);
    assertThat(floatToBfloat16(Float.intBitsToFloat(0x0000_8001))).isEqualTo((short) 0x0001);
  }
}
