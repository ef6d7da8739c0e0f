package dev.shadowrouting.onnx;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Objects;
import java.util.StringJoiner;

/**
 * An immutable ONNX sequence: an ordered list of values of one type, either tensors of one element
 * type (their shapes may differ, as in {@code SplitToSequence}) or maps of one key and value type
 * (as in skl2onnx's ZipMap output {@code seq(map(int64, float))}, one map of class probabilities
 * per input row).
 *
 * <pre>{@code
 * SequenceValue rows = outputs.get("output_probability").asSequence();
 * Map<Long, Float> firstRow = rows.map(0).asMap(Long.class, Float.class);
 * }</pre>
 *
 * <p>Immutable and thread-safe: its elements are immutable values and the list cannot change.
 */
public final class SequenceValue implements ModelValue {
  private final List<ModelValue> elements;

  private SequenceValue(List<ModelValue> elements) {
    this.elements = elements;
  }

  /**
   * A sequence of the given values, in order.
   *
   * @throws IllegalArgumentException if an element is null, or the elements are not all tensors
   *     of one element type, all maps of one key and value type, or all sequences
   */
  public static SequenceValue of(List<? extends ModelValue> elements) {
    Objects.requireNonNull(elements, "elements");
    List<ModelValue> copy = Collections.unmodifiableList(new ArrayList<>(elements));
    ModelValue first = null;
    for (int i = 0; i < copy.size(); i++) {
      ModelValue element = copy.get(i);
      if (element == null) {
        throw new IllegalArgumentException("sequence element " + i + " must not be null");
      }
      if (first == null) {
        first = element;
      } else if (!sameElementType(first, element)) {
        throw new IllegalArgumentException("sequence elements must all have one type: element 0"
            + " is " + elementType(first) + " but element " + i + " is " + elementType(element));
      }
    }
    return new SequenceValue(copy);
  }

  @Override
  public Kind kind() {
    return Kind.SEQUENCE;
  }

  /** {@code seq(tensor(FLOAT))}, {@code seq(map(INT64, FLOAT))}; {@code seq(?)} when empty. */
  @Override
  public String typeDescription() {
    return "seq(" + (elements.isEmpty() ? "?" : elementType(elements.get(0))) + ")";
  }

  @Override
  public SequenceValue asSequence() {
    return this;
  }

  public int size() {
    return elements.size();
  }

  public boolean isEmpty() {
    return elements.isEmpty();
  }

  /**
   * The element at {@code index}.
   *
   * @throws IndexOutOfBoundsException if {@code index} is not in {@code [0, size())}
   */
  public ModelValue get(int index) {
    return elements.get(index);
  }

  /**
   * The tensor at {@code index}.
   *
   * @throws IndexOutOfBoundsException if {@code index} is not in {@code [0, size())}
   * @throws IllegalStateException if the elements are not tensors
   */
  public Tensor tensor(int index) {
    return elements.get(index).asTensor();
  }

  /**
   * The map at {@code index}, such as the class probabilities of row {@code index}.
   *
   * @throws IndexOutOfBoundsException if {@code index} is not in {@code [0, size())}
   * @throws IllegalStateException if the elements are not maps
   */
  public MapValue map(int index) {
    return elements.get(index).asMap();
  }

  /** The elements, in order (an unmodifiable list). */
  public List<ModelValue> elements() {
    return elements;
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof SequenceValue s && s.elements.equals(elements);
  }

  @Override
  public int hashCode() {
    return elements.hashCode();
  }

  /** The type and at most the first 4 elements. */
  @Override
  public String toString() {
    StringJoiner shown = new StringJoiner(", ", "[", "]");
    int n = Math.min(elements.size(), 4);
    for (int i = 0; i < n; i++) {
      shown.add(elements.get(i).toString());
    }
    if (n < elements.size()) {
      shown.add("... " + (elements.size() - n) + " more");
    }
    return "SequenceValue[" + typeDescription() + " " + shown + "]";
  }

  private static boolean sameElementType(ModelValue a, ModelValue b) {
    if (a.kind() != b.kind()) {
      return false;
    }
    return switch (a.kind()) {
      case TENSOR -> a.asTensor().elementType() == b.asTensor().elementType();
      case MAP -> a.asMap().keyType() == b.asMap().keyType()
          && a.asMap().valueType() == b.asMap().valueType();
      case SEQUENCE -> true;
    };
  }

  /** {@code tensor(FLOAT)} (no shape: it may vary per element), {@code map(INT64, FLOAT)}. */
  private static String elementType(ModelValue v) {
    return switch (v.kind()) {
      case TENSOR -> "tensor(" + v.asTensor().elementType() + ")";
      case MAP, SEQUENCE -> v.typeDescription();
    };
  }
}
