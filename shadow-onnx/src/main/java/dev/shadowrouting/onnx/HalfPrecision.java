package dev.shadowrouting.onnx;

import dev.shadowrouting.onnx.internal.HalfFloats;

/**
 * Conversions between {@code float} and the 16-bit float formats of {@link ElementType#FLOAT16}
 * (IEEE 754 binary16) and {@link ElementType#BFLOAT16} (the upper half of a binary32 float), whose
 * values a {@link Tensor} carries as {@code short} bit patterns. The Java 17 counterpart of Java
 * 20's {@code Float.float16ToFloat} and {@code Float.floatToFloat16}.
 *
 * <p>Widening ({@code ...ToFloat}) is exact. Narrowing rounds to nearest, ties to even, as ONNX
 * Runtime's {@code Cast} does: magnitudes from the largest finite value plus half an ulp on become
 * infinity, those up to half the smallest subnormal become a zero of the same sign, subnormals are
 * produced where they apply, and NaN stays NaN (sign kept). A value that went from bits to float
 * comes back to the same bits.
 *
 * <p>Stateless and thread-safe.
 */
public final class HalfPrecision {
  private HalfPrecision() {}

  /** The float value of a FLOAT16 (binary16) bit pattern; exact. */
  public static float float16ToFloat(short bits) {
    return HalfFloats.float16ToFloat(bits);
  }

  /** The FLOAT16 (binary16) bit pattern nearest to {@code value}, ties to even. */
  public static short floatToFloat16(float value) {
    return HalfFloats.floatToFloat16(value);
  }

  /** The float value of a BFLOAT16 bit pattern; exact. */
  public static float bfloat16ToFloat(short bits) {
    return HalfFloats.bfloat16ToFloat(bits);
  }

  /** The BFLOAT16 bit pattern nearest to {@code value}, ties to even. */
  public static short floatToBfloat16(float value) {
    return HalfFloats.floatToBfloat16(value);
  }
}
