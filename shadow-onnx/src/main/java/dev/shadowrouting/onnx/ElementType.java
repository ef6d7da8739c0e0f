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
  /** Signed 8-bit integer, carried as {@code byte[]}. */
  INT8,
  /** Unsigned 8-bit integer, carried as {@code byte[]} (read {@code b & 0xFF}). */
  UINT8,
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
}
