package dev.shadowrouting.onnx;

import dev.shadowrouting.onnx.internal.HalfFloats;
import java.lang.reflect.Array;
import java.nio.ByteBuffer;
import java.nio.DoubleBuffer;
import java.nio.FloatBuffer;
import java.nio.IntBuffer;
import java.nio.LongBuffer;
import java.nio.ShortBuffer;
import java.util.Arrays;
import java.util.Objects;
import java.util.StringJoiner;

/**
 * An immutable tensor value: an {@link ElementType}, a shape and its elements in row-major order.
 * The model-independent currency of {@link OnnxPredictor}: inputs are built from Java arrays of any
 * rank ({@link #of(Object)}) or from buffers with an explicit shape ({@link #ofFloats(FloatBuffer,
 * long...)} and friends), and outputs come back as tensors whose data a caller reads as a Java
 * array ({@link #toArray()}), a flat copy ({@link #floats()}, ...) or single elements
 * ({@link #doubleAt(int)}, {@link #floatValue()}).
 *
 * <p>Half-precision floats ({@link ElementType#FLOAT16}, {@link ElementType#BFLOAT16}) are carried
 * as their {@code short} bit patterns, exactly as ONNX Runtime holds them: build them from bits
 * ({@link #ofFloat16(ShortBuffer, long...)}) or by rounding floats ({@link #convertTo} from a
 * FLOAT tensor), and read them as floats with {@link #toFloats()}, {@link #doubleAt(int)} or
 * {@link #floatValue()}, or as bits with {@link #shorts()}.
 *
 * <p>Every factory copies its argument and every accessor returns a copy or a read-only view, so a
 * tensor never changes after creation. Immutable and thread-safe.
 */
public final class Tensor implements ModelValue {
  /** ONNX Runtime's limit on the number of dimensions. */
  public static final int MAX_RANK = 8;

  private final ElementType type;
  private final long[] shape;
  // float[] FLOAT, double[] DOUBLE, short[] FLOAT16/BFLOAT16 (bits)/INT16, byte[] INT8/UINT8/BOOL
  // (0 or 1), int[] INT32, long[] INT64, String[] STRING: one flat array, so conversion to and from
  // ONNX Runtime is one bulk copy.
  private final Object data;

  private Tensor(ElementType type, long[] shape, Object data) {
    this.type = type;
    this.shape = shape;
    this.data = data;
  }

  /**
   * A tensor from a Java array of any rank (up to {@link #MAX_RANK}) or from a boxed scalar (rank
   * 0). Element types: {@code float} (FLOAT), {@code double} (DOUBLE), {@code byte} (INT8),
   * {@code short} (INT16), {@code int} (INT32), {@code long} (INT64), {@code boolean} (BOOL) and
   * {@code String} (STRING); for UINT8 use {@link #ofUnsignedBytes(ByteBuffer, long...)}, for
   * FLOAT16 and BFLOAT16 {@link #ofFloat16(ShortBuffer, long...)},
   * {@link #ofBFloat16(ShortBuffer, long...)} or {@link #convertTo(ElementType)}. Example:
   * {@code Tensor.of(new float[][] {{1f, 2f}, {3f, 4f}})} has shape {@code [2, 2]}.
   *
   * @throws IllegalArgumentException if the array is ragged, holds nulls, or its element type is
   *     not supported
   */
  public static Tensor of(Object array) {
    Objects.requireNonNull(array, "array");
    if (!array.getClass().isArray()) {
      return scalar(array);
    }
    Class<?> leaf = array.getClass();
    int rank = 0;
    while (leaf.isArray()) {
      leaf = leaf.getComponentType();
      rank++;
    }
    ElementType type = typeOfLeaf(leaf);
    if (rank > MAX_RANK) {
      throw new IllegalArgumentException(
          "array rank must be at most " + MAX_RANK + " but was " + rank);
    }
    long[] shape = new long[rank];
    Object level = array;
    for (int d = 0; d < rank && level != null; d++) {
      shape[d] = Array.getLength(level);
      level = shape[d] > 0 && d < rank - 1 ? Array.get(level, 0) : null;
    }
    int size = checkedSize(shape);
    Object flat = newCarrier(type, size);
    copyIn(array, 0, shape, type, flat, 0);
    return create(type, shape, flat);
  }

  /** A FLOAT tensor from the buffer's remaining elements (its position is left unchanged). */
  public static Tensor ofFloats(FloatBuffer data, long... shape) {
    float[] copy = new float[data.remaining()];
    data.duplicate().get(copy);
    return create(ElementType.FLOAT, shape.clone(), copy);
  }

  /** A DOUBLE tensor from the buffer's remaining elements (its position is left unchanged). */
  public static Tensor ofDoubles(DoubleBuffer data, long... shape) {
    double[] copy = new double[data.remaining()];
    data.duplicate().get(copy);
    return create(ElementType.DOUBLE, shape.clone(), copy);
  }

  /** An INT32 tensor from the buffer's remaining elements (its position is left unchanged). */
  public static Tensor ofInts(IntBuffer data, long... shape) {
    int[] copy = new int[data.remaining()];
    data.duplicate().get(copy);
    return create(ElementType.INT32, shape.clone(), copy);
  }

  /** An INT64 tensor from the buffer's remaining elements (its position is left unchanged). */
  public static Tensor ofLongs(LongBuffer data, long... shape) {
    long[] copy = new long[data.remaining()];
    data.duplicate().get(copy);
    return create(ElementType.INT64, shape.clone(), copy);
  }

  /** An INT8 tensor from the buffer's remaining bytes (its position is left unchanged). */
  public static Tensor ofBytes(ByteBuffer data, long... shape) {
    return create(ElementType.INT8, shape.clone(), remainingBytes(data));
  }

  /** A UINT8 tensor from the buffer's remaining bytes, read as unsigned (position unchanged). */
  public static Tensor ofUnsignedBytes(ByteBuffer data, long... shape) {
    return create(ElementType.UINT8, shape.clone(), remainingBytes(data));
  }

  /** An INT16 tensor from the buffer's remaining elements (its position is left unchanged). */
  public static Tensor ofShorts(ShortBuffer data, long... shape) {
    return create(ElementType.INT16, shape.clone(), remainingShorts(data));
  }

  /**
   * A FLOAT16 tensor from the buffer's remaining IEEE 754 binary16 bit patterns (its position is
   * left unchanged). To round floats instead, use {@code Tensor.of(floats).convertTo(FLOAT16)} or
   * {@link HalfPrecision#floatToFloat16(float)}.
   */
  public static Tensor ofFloat16(ShortBuffer bits, long... shape) {
    return create(ElementType.FLOAT16, shape.clone(), remainingShorts(bits));
  }

  /**
   * A BFLOAT16 tensor from the buffer's remaining bfloat16 bit patterns (its position is left
   * unchanged). To round floats instead, use {@code Tensor.of(floats).convertTo(BFLOAT16)}.
   */
  public static Tensor ofBFloat16(ShortBuffer bits, long... shape) {
    return create(ElementType.BFLOAT16, shape.clone(), remainingShorts(bits));
  }

  /** A BOOL tensor from flat row-major data and an explicit shape. */
  public static Tensor ofBooleans(boolean[] data, long... shape) {
    byte[] bytes = new byte[data.length];
    for (int i = 0; i < data.length; i++) {
      bytes[i] = (byte) (data[i] ? 1 : 0);
    }
    return create(ElementType.BOOL, shape.clone(), bytes);
  }

  /** A STRING tensor from flat row-major data and an explicit shape. */
  public static Tensor ofStrings(String[] data, long... shape) {
    return create(ElementType.STRING, shape.clone(), data.clone());
  }

  @Override
  public Kind kind() {
    return Kind.TENSOR;
  }

  /** The element type and shape, such as {@code FLOAT16 [2, 3]}. */
  @Override
  public String typeDescription() {
    return type + " " + Arrays.toString(shape);
  }

  @Override
  public Tensor asTensor() {
    return this;
  }

  public ElementType elementType() {
    return type;
  }

  /** The shape (a copy); empty for a scalar. */
  public long[] shape() {
    return shape.clone();
  }

  public int rank() {
    return shape.length;
  }

  /** Number of elements: the product of the shape (1 for a scalar). */
  public int size() {
    return Array.getLength(data);
  }

  /**
   * The data as a Java array of this tensor's rank ({@code float[][]} for a FLOAT matrix,
   * {@code boolean[]} for a BOOL vector, {@code byte} arrays for INT8 and UINT8, {@code short}
   * arrays for INT16 and for the bit patterns of FLOAT16 and BFLOAT16: use
   * {@code convertTo(FLOAT).toArray()} for their float values), or the boxed element for a scalar.
   * A fresh copy on every call.
   */
  public Object toArray() {
    if (shape.length == 0) {
      return type == ElementType.BOOL ? (Boolean) (((byte[]) data)[0] != 0) : Array.get(data, 0);
    }
    int[] dims = new int[shape.length];
    for (int d = 0; d < dims.length; d++) {
      dims[d] = (int) shape[d];
    }
    Object array = Array.newInstance(leafClass(type), dims);
    copyOut(array, 0, 0);
    return array;
  }

  /** A flat copy of the elements of a FLOAT tensor. */
  public float[] floats() {
    return ((float[]) data(ElementType.FLOAT)).clone();
  }

  /** A flat copy of the elements of a DOUBLE tensor. */
  public double[] doubles() {
    return ((double[]) data(ElementType.DOUBLE)).clone();
  }

  /** A flat copy of the elements of an INT32 tensor. */
  public int[] ints() {
    return ((int[]) data(ElementType.INT32)).clone();
  }

  /** A flat copy of the elements of an INT64 tensor. */
  public long[] longs() {
    return ((long[]) data(ElementType.INT64)).clone();
  }

  /** A flat copy of the elements of an INT8 or UINT8 tensor. */
  public byte[] bytes() {
    return ((byte[]) data(ElementType.INT8, ElementType.UINT8)).clone();
  }

  /**
   * A flat copy of the elements of an INT16 tensor, or of the bit patterns of a FLOAT16 or
   * BFLOAT16 tensor.
   */
  public short[] shorts() {
    return ((short[]) data(ElementType.INT16, ElementType.FLOAT16, ElementType.BFLOAT16)).clone();
  }

  /**
   * The elements as floats: a copy for FLOAT, exactly widened for FLOAT16 and BFLOAT16 (NaN,
   * infinities and subnormals included).
   *
   * @throws IllegalStateException for any other element type
   */
  public float[] toFloats() {
    Object carrier = data(ElementType.FLOAT, ElementType.FLOAT16, ElementType.BFLOAT16);
    if (type == ElementType.FLOAT) {
      return ((float[]) carrier).clone();
    }
    short[] bits = (short[]) carrier;
    float[] out = new float[bits.length];
    for (int i = 0; i < bits.length; i++) {
      out[i] = halfToFloat(bits[i]);
    }
    return out;
  }

  /**
   * This tensor's values as another float type, same shape: FLOAT, FLOAT16 and BFLOAT16 convert
   * into each other, widening exactly and narrowing to the nearest value (ties to even, see
   * {@link HalfPrecision}); converting to the tensor's own type returns it unchanged. For example
   * {@code Tensor.of(new float[][] {{0.1f, 2f}}).convertTo(ElementType.FLOAT16)} is the input of
   * a model exported in half precision.
   *
   * @throws IllegalArgumentException if this tensor's element type or {@code target} is not FLOAT,
   *     FLOAT16 or BFLOAT16
   */
  public Tensor convertTo(ElementType target) {
    Objects.requireNonNull(target, "target");
    if (!isFloat32Or16(type) || !isFloat32Or16(target)) {
      throw new IllegalArgumentException("convertTo converts between FLOAT, FLOAT16 and BFLOAT16:"
          + " target must be one of [FLOAT, FLOAT16, BFLOAT16] for a " + type
          + " tensor but was " + target
          + (isFloat32Or16(type) ? "" : " (and the tensor's own type " + type + " is not)"));
    }
    if (target == type) {
      return this;
    }
    float[] floats = toFloats();
    if (target == ElementType.FLOAT) {
      return new Tensor(target, shape, floats);
    }
    short[] bits = new short[floats.length];
    for (int i = 0; i < floats.length; i++) {
      bits[i] = target == ElementType.FLOAT16
          ? HalfFloats.floatToFloat16(floats[i]) : HalfFloats.floatToBfloat16(floats[i]);
    }
    return new Tensor(target, shape, bits);
  }

  /** A flat copy of the elements of a BOOL tensor. */
  public boolean[] booleans() {
    byte[] bytes = (byte[]) data(ElementType.BOOL);
    boolean[] out = new boolean[bytes.length];
    for (int i = 0; i < bytes.length; i++) {
      out[i] = bytes[i] != 0;
    }
    return out;
  }

  /** A flat copy of the elements of a STRING tensor. */
  public String[] strings() {
    return ((String[]) data(ElementType.STRING)).clone();
  }

  /** A read-only view of a FLOAT tensor's elements (no copy). */
  public FloatBuffer asFloatBuffer() {
    return FloatBuffer.wrap((float[]) data(ElementType.FLOAT)).asReadOnlyBuffer();
  }

  /** A read-only view of a DOUBLE tensor's elements (no copy). */
  public DoubleBuffer asDoubleBuffer() {
    return DoubleBuffer.wrap((double[]) data(ElementType.DOUBLE)).asReadOnlyBuffer();
  }

  /** A read-only view of an INT32 tensor's elements (no copy). */
  public IntBuffer asIntBuffer() {
    return IntBuffer.wrap((int[]) data(ElementType.INT32)).asReadOnlyBuffer();
  }

  /** A read-only view of an INT64 tensor's elements (no copy). */
  public LongBuffer asLongBuffer() {
    return LongBuffer.wrap((long[]) data(ElementType.INT64)).asReadOnlyBuffer();
  }

  /**
   * A read-only view of an INT16 tensor's elements, or of a FLOAT16 or BFLOAT16 tensor's bit
   * patterns (no copy).
   */
  public ShortBuffer asShortBuffer() {
    return ShortBuffer.wrap(
        (short[]) data(ElementType.INT16, ElementType.FLOAT16, ElementType.BFLOAT16))
        .asReadOnlyBuffer();
  }

  /** A read-only view of an INT8, UINT8 or BOOL (0 and 1) tensor's bytes (no copy). */
  public ByteBuffer asByteBuffer() {
    return ByteBuffer.wrap((byte[]) data(ElementType.INT8, ElementType.UINT8, ElementType.BOOL))
        .asReadOnlyBuffer();
  }

  /**
   * The element at a row-major flat index as a double: UINT8 unsigned, BOOL as 0 or 1, FLOAT16
   * and BFLOAT16 by value (not bits).
   *
   * @throws IllegalStateException for a STRING tensor
   * @throws IndexOutOfBoundsException if {@code index} is not in {@code [0, size())}
   */
  public double doubleAt(int index) {
    Objects.checkIndex(index, size());
    return switch (type) {
      case FLOAT -> ((float[]) data)[index];
      case DOUBLE -> ((double[]) data)[index];
      case INT32 -> ((int[]) data)[index];
      case INT64 -> ((long[]) data)[index];
      case INT8, BOOL -> ((byte[]) data)[index];
      case UINT8 -> ((byte[]) data)[index] & 0xFF;
      case INT16 -> ((short[]) data)[index];
      case FLOAT16, BFLOAT16 -> halfToFloat(((short[]) data)[index]);
      case STRING -> throw new IllegalStateException("a STRING tensor has no numeric elements");
    };
  }

  /**
   * The only element of a one-element FLOAT, FLOAT16 or BFLOAT16 tensor of any rank, such as the
   * {@code [1, 1]} score of a binary classifier (half-precision values widened exactly).
   *
   * @throws IllegalStateException if the tensor is not FLOAT, FLOAT16 or BFLOAT16 or has not
   *     exactly one element
   */
  public float floatValue() {
    Object carrier = data(ElementType.FLOAT, ElementType.FLOAT16, ElementType.BFLOAT16);
    if (Array.getLength(carrier) != 1) {
      throw new IllegalStateException(
          "floatValue() needs exactly one element but the tensor has shape "
              + Arrays.toString(shape));
    }
    return type == ElementType.FLOAT ? ((float[]) carrier)[0] : halfToFloat(((short[]) carrier)[0]);
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof Tensor t
        && t.type == type
        && Arrays.equals(t.shape, shape)
        && Objects.deepEquals(t.data, data);
  }

  @Override
  public int hashCode() {
    return 31 * (31 * type.hashCode() + Arrays.hashCode(shape))
        + Arrays.deepHashCode(new Object[] {data});
  }

  /** Element type, shape and at most the first 8 elements (FLOAT16 and BFLOAT16 as floats). */
  @Override
  public String toString() {
    StringJoiner elements = new StringJoiner(", ", "[", "]");
    int shown = Math.min(size(), 8);
    for (int i = 0; i < shown; i++) {
      elements.add(type.isHalfFloat()
          ? String.valueOf(halfToFloat(((short[]) data)[i]))
          : String.valueOf(Array.get(data, i)));
    }
    if (shown < size()) {
      elements.add("... " + (size() - shown) + " more");
    }
    return "Tensor[" + type + " " + Arrays.toString(shape) + " " + elements + "]";
  }

  private float halfToFloat(short bits) {
    return type == ElementType.FLOAT16
        ? HalfFloats.float16ToFloat(bits) : HalfFloats.bfloat16ToFloat(bits);
  }

  private static boolean isFloat32Or16(ElementType t) {
    return t == ElementType.FLOAT || t.isHalfFloat();
  }

  private Object data(ElementType... allowed) {
    for (ElementType t : allowed) {
      if (t == type) {
        return data;
      }
    }
    throw new IllegalStateException(
        "the tensor holds " + type + " elements, not " + Arrays.toString(allowed));
  }

  private static Tensor create(ElementType type, long[] shape, Object flat) {
    if (shape.length > MAX_RANK) {
      throw new IllegalArgumentException(
          "shape rank must be at most " + MAX_RANK + " but was " + shape.length);
    }
    int size = checkedSize(shape);
    int length = Array.getLength(flat);
    if (size != length) {
      throw new IllegalArgumentException("shape " + Arrays.toString(shape) + " needs " + size
          + " elements but the data has " + length);
    }
    if (flat instanceof String[] strings) {
      for (int i = 0; i < strings.length; i++) {
        if (strings[i] == null) {
          throw new IllegalArgumentException("string element " + i + " must not be null");
        }
      }
    }
    return new Tensor(type, shape, flat);
  }

  private static Tensor scalar(Object value) {
    ElementType type = typeOfLeaf(unboxed(value.getClass()));
    Object flat = newCarrier(type, 1);
    if (value instanceof Boolean b) {
      Array.setByte(flat, 0, (byte) (b ? 1 : 0));
    } else {
      Array.set(flat, 0, value);
    }
    return create(type, new long[0], flat);
  }

  private static Class<?> unboxed(Class<?> boxed) {
    if (boxed == Float.class) {
      return float.class;
    } else if (boxed == Double.class) {
      return double.class;
    } else if (boxed == Byte.class) {
      return byte.class;
    } else if (boxed == Short.class) {
      return short.class;
    } else if (boxed == Integer.class) {
      return int.class;
    } else if (boxed == Long.class) {
      return long.class;
    } else if (boxed == Boolean.class) {
      return boolean.class;
    }
    return boxed;
  }

  private static ElementType typeOfLeaf(Class<?> leaf) {
    if (leaf == float.class) {
      return ElementType.FLOAT;
    } else if (leaf == double.class) {
      return ElementType.DOUBLE;
    } else if (leaf == byte.class) {
      return ElementType.INT8;
    } else if (leaf == short.class) {
      return ElementType.INT16;
    } else if (leaf == int.class) {
      return ElementType.INT32;
    } else if (leaf == long.class) {
      return ElementType.INT64;
    } else if (leaf == boolean.class) {
      return ElementType.BOOL;
    } else if (leaf == String.class) {
      return ElementType.STRING;
    }
    throw new IllegalArgumentException("element type must be one of float, double, byte, short,"
        + " int, long, boolean, String but was " + leaf.getName());
  }

  private static Class<?> leafClass(ElementType type) {
    return switch (type) {
      case FLOAT -> float.class;
      case DOUBLE -> double.class;
      case INT8, UINT8 -> byte.class;
      case INT16, FLOAT16, BFLOAT16 -> short.class;
      case INT32 -> int.class;
      case INT64 -> long.class;
      case BOOL -> boolean.class;
      case STRING -> String.class;
    };
  }

  private static Object newCarrier(ElementType type, int size) {
    return Array.newInstance(type == ElementType.BOOL ? byte.class : leafClass(type), size);
  }

  private static int checkedSize(long[] shape) {
    long size = 1;
    for (long dim : shape) {
      if (dim < 0) {
        throw new IllegalArgumentException(
            "shape dimensions must be >= 0 but shape was " + Arrays.toString(shape));
      }
      size *= dim;
      if (size > Integer.MAX_VALUE - 8) {
        throw new IllegalArgumentException("shape " + Arrays.toString(shape)
            + " has more elements than a Java array can hold");
      }
    }
    return (int) size;
  }

  private static short[] remainingShorts(ShortBuffer data) {
    short[] copy = new short[data.remaining()];
    data.duplicate().get(copy);
    return copy;
  }

  private static byte[] remainingBytes(ByteBuffer data) {
    byte[] copy = new byte[data.remaining()];
    data.duplicate().get(copy);
    return copy;
  }

  /** Copies a nested Java array into the flat carrier, rejecting ragged or null sub-arrays. */
  private static int copyIn(
      Object array, int depth, long[] shape, ElementType type, Object flat, int offset) {
    if (array == null) {
      throw new IllegalArgumentException("array must not contain null sub-arrays (at depth "
          + depth + ")");
    }
    int length = Array.getLength(array);
    if (length != shape[depth]) {
      throw new IllegalArgumentException("array must be rectangular: expected length "
          + shape[depth] + " at depth " + depth + " but found " + length);
    }
    if (depth == shape.length - 1) {
      if (type == ElementType.BOOL) {
        boolean[] bools = (boolean[]) array;
        byte[] bytes = (byte[]) flat;
        for (int i = 0; i < length; i++) {
          bytes[offset + i] = (byte) (bools[i] ? 1 : 0);
        }
      } else {
        System.arraycopy(array, 0, flat, offset, length);
      }
      return offset + length;
    }
    for (int i = 0; i < length; i++) {
      offset = copyIn(Array.get(array, i), depth + 1, shape, type, flat, offset);
    }
    return offset;
  }

  /** The inverse of {@link #copyIn}: fills a freshly allocated nested array. */
  private int copyOut(Object array, int depth, int offset) {
    int length = (int) shape[depth];
    if (depth == shape.length - 1) {
      if (type == ElementType.BOOL) {
        boolean[] bools = (boolean[]) array;
        byte[] bytes = (byte[]) data;
        for (int i = 0; i < length; i++) {
          bools[i] = bytes[offset + i] != 0;
        }
      } else {
        System.arraycopy(data, offset, array, 0, length);
      }
      return offset + length;
    }
    for (int i = 0; i < length; i++) {
      offset = copyOut(Array.get(array, i), depth + 1, offset);
    }
    return offset;
  }
}
