package dev.shadowrouting.onnx;

/**
 * The tensor element types shadow-onnx converts between Java and ONNX Runtime, with the Java array
 * type that carries each in a {@link Tensor}.
 *
 * <p>An enum: immutable and thread-safe.
 */
public enum ElementType {
  /** 32-bit float, carried as {@code float[]}. */
  FLOAT,
  /** 64-bit float, carried as {@code double[]}. */
  DOUBLE,
  /**
   * IEEE 754 half precision (binary16), carried as {@code short[]} bit patterns; read them as
   * floats with {@link Tensor#toFloats()} or {@link HalfPrecision#float16ToFloat(short)}.
   */
  FLOAT16,
  /**
   * bfloat16 (the upper 16 bits of a 32-bit float), carried as {@code short[]} bit patterns; read
   * them as floats with {@link Tensor#toFloats()} or {@link HalfPrecision#bfloat16ToFloat(short)}.
   */
  BFLOAT16,
  /** Signed 8-bit integer, carried as {@code byte[]}. */
  INT8,
  /** Unsigned 8-bit integer, carried as {@code byte[]} (read {@code b & 0xFF}). */
  UINT8,
  /** Signed 16-bit integer, carried as {@code short[]}. */
  INT16,
  /** 32-bit integer, carried as {@code int[]}. */
  INT32,
  /** 64-bit integer, carried as {@code long[]}. */
  INT64,
  /** Boolean, carried as {@code boolean[]} (stored as bytes 0 and 1, as ONNX Runtime does). */
  BOOL,
  /** UTF-8 string, carried as {@code String[]}. */
  STRING;

  /** Whether elements are numbers (BOOL counts as 0 and 1); only STRING is not. */
  public boolean isNumeric() {
    return this != STRING;
  }

  /** Whether this is a 16-bit float type (FLOAT16 or BFLOAT16) carried as {@code short} bits. */
  public boolean isHalfFloat() {
    return this == FLOAT16 || this == BFLOAT16;
  }
}
