package dev.shadowrouting.onnx;

/**
 * A value a model takes or returns: a {@link Tensor}, a {@link SequenceValue} or a
 * {@link MapValue}. Tensors are what most models exchange; sequences and maps are what classifiers
 * converted from scikit-learn return, for example a {@code seq(map(int64, float))} of class
 * probabilities per row (skl2onnx's ZipMap). A {@link ValueOutputMapper} receives every output of
 * a model as a {@code ModelValue}.
 *
 * <p>Every implementation is an immutable value with {@code equals} by content; immutable and
 * thread-safe.
 */
public sealed interface ModelValue permits Tensor, SequenceValue, MapValue {

  /** The three kinds of value. */
  enum Kind {
    /** A {@link Tensor}. */
    TENSOR,
    /** A {@link SequenceValue}. */
    SEQUENCE,
    /** A {@link MapValue}. */
    MAP
  }

  /** Which kind of value this is. */
  Kind kind();

  /**
   * The type in ONNX notation with shadow-onnx's element type names: {@code FLOAT16 [2, 3]},
   * {@code seq(map(INT64, FLOAT))}, {@code map(STRING, DOUBLE)}, {@code seq(tensor(FLOAT))}.
   */
  String typeDescription();

  /**
   * This value as a tensor.
   *
   * @throws IllegalStateException if it is not a {@link Tensor}
   */
  default Tensor asTensor() {
    throw new IllegalStateException("the value is " + typeDescription() + ", not a tensor");
  }

  /**
   * This value as a sequence.
   *
   * @throws IllegalStateException if it is not a {@link SequenceValue}
   */
  default SequenceValue asSequence() {
    throw new IllegalStateException("the value is " + typeDescription() + ", not a sequence");
  }

  /**
   * This value as a map.
   *
   * @throws IllegalStateException if it is not a {@link MapValue}
   */
  default MapValue asMap() {
    throw new IllegalStateException("the value is " + typeDescription() + ", not a map");
  }
}
