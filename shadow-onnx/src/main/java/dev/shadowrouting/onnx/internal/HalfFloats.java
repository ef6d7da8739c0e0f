package dev.shadowrouting.onnx.internal;

/**
 * Conversions between {@code float} and the two 16-bit float formats ONNX models use, carried as
 * {@code short} bit patterns: IEEE 754 binary16 ("float16": 1 sign, 5 exponent, 10 significand
 * bits) and bfloat16 (the upper 16 bits of a binary32 float: 1 sign, 8 exponent, 7 significand
 * bits). Java 17 has neither ({@code Float.floatToFloat16} arrived in Java 20).
 *
 * <p>Widening to float is exact. Narrowing rounds to nearest, ties to even, like ONNX Runtime's
 * {@code Cast}: values beyond the largest finite value (by at least half an ulp) become infinite,
 * values too small for the smallest subnormal become a zero of the same sign, NaN stays NaN with
 * its sign and as much of its payload as fits (never turning into an infinity). Stateless and
 * thread-safe.
 */
public final class HalfFloats {
  private static final int FLOAT_EXPONENT_BIAS = 127;
  private static final int HALF_EXPONENT_BIAS = 15;
  /** The float exponent field (biased) of 2^-25: half the smallest binary16 subnormal. */
  private static final int HALF_UNDERFLOW_EXPONENT = FLOAT_EXPONENT_BIAS - 25;

  private HalfFloats() {}

  /** The float value of a binary16 bit pattern (exact). */
  public static float float16ToFloat(short bits) {
    int h = bits & 0xFFFF;
    int sign = (h & 0x8000) << 16;
    int exponent = (h >>> 10) & 0x1F;
    int significand = h & 0x3FF;
    if (exponent == 0x1F) { // infinity, or NaN with its payload in the upper significand bits
      return Float.intBitsToFloat(sign | 0x7F80_0000 | significand << 13);
    }
    if (exponent == 0) { // zero or subnormal: significand * 2^-24, exact in a float
      float magnitude = significand * 0x1p-24f;
      return sign == 0 ? magnitude : -magnitude;
    }
    return Float.intBitsToFloat(
        sign | (exponent - HALF_EXPONENT_BIAS + FLOAT_EXPONENT_BIAS) << 23 | significand << 13);
  }

  /** The binary16 bit pattern nearest to {@code value} (round to nearest, ties to even). */
  public static short floatToFloat16(float value) {
    int bits = Float.floatToRawIntBits(value);
    int sign = (bits >>> 16) & 0x8000;
    int exponent = (bits >>> 23) & 0xFF;
    int significand = bits & 0x7F_FFFF;
    if (exponent == 0xFF) {
      if (significand == 0) {
        return (short) (sign | 0x7C00);
      }
      // NaN: keep the upper payload bits; if none survive, set the quiet bit so it stays a NaN
      int payload = significand >>> 13;
      return (short) (sign | 0x7C00 | (payload == 0 ? 0x200 : payload));
    }
    int halfExponent = exponent - FLOAT_EXPONENT_BIAS + HALF_EXPONENT_BIAS;
    if (halfExponent >= 0x1F) { // 2^16 and above: beyond the largest finite half even unrounded
      return (short) (sign | 0x7C00);
    }
    if (halfExponent <= 0) {
      if (exponent < HALF_UNDERFLOW_EXPONENT) { // below 2^-25 (float subnormals included): zero
        return (short) sign;
      }
      // a binary16 subnormal: count units of 2^-24. value = m * 2^(exponent - 150) with the
      // implicit bit in m, so the count is m >> (126 - exponent), a shift in [14, 24]
      int m = significand | 0x80_0000;
      int shift = FLOAT_EXPONENT_BIAS - 1 - exponent;
      return (short) (sign | roundShift(m, shift)); // may round up into the smallest normal
    }
    // normal: drop 13 significand bits; a carry out of the significand correctly increments the
    // exponent, up to infinity (0x7C00) for values from 65520 on
    return (short) (sign | roundShift(halfExponent << 23 | significand, 13));
  }

  /** The float value of a bfloat16 bit pattern (exact: it is the upper half of a float). */
  public static float bfloat16ToFloat(short bits) {
    return Float.intBitsToFloat((bits & 0xFFFF) << 16);
  }

  /** The bfloat16 bit pattern nearest to {@code value} (round to nearest, ties to even). */
  public static short floatToBfloat16(float value) {
    int bits = Float.floatToRawIntBits(value);
    if ((bits & 0x7F80_0000) == 0x7F80_0000 && (bits & 0x7F_FFFF) != 0) {
      // NaN: truncate, setting the quiet bit when the payload lives only in the lower half
      int upper = bits >>> 16;
      return (short) ((upper & 0x7F) == 0 ? upper | 0x40 : upper);
    }
    // adding just under half an ulp, plus the lowest kept bit, rounds ties to even; a carry moves
    // into the exponent and, from the largest finite value on, to infinity
    return (short) ((bits + 0x7FFF + ((bits >>> 16) & 1)) >>> 16);
  }

  /** {@code value >> shift} (unsigned) rounded to nearest, ties to even; {@code shift} >= 1. */
  private static int roundShift(int value, int shift) {
    int kept = value >>> shift;
    int dropped = value & ((1 << shift) - 1);
    int half = 1 << (shift - 1);
    if (dropped > half || (dropped == half && (kept & 1) != 0)) {
      kept++;
    }
    return kept;
  }
}
