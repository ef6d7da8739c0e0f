package dev.shadowrouting.onnx.internal;

import ai.onnxruntime.MapInfo;
import ai.onnxruntime.OnnxJavaType;
import ai.onnxruntime.OnnxMap;
import ai.onnxruntime.OnnxSequence;
import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OnnxValue;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.TensorInfo;
import ai.onnxruntime.TensorInfo.OnnxTensorType;
import dev.shadowrouting.onnx.ElementType;
import dev.shadowrouting.onnx.MapValue;
import dev.shadowrouting.onnx.ModelValue;
import dev.shadowrouting.onnx.SequenceValue;
import dev.shadowrouting.onnx.Tensor;
import java.util.ArrayList;
import java.util.List;

/**
 * Converts between shadow-onnx's values ({@link Tensor}, {@link SequenceValue}, {@link MapValue})
 * and ONNX Runtime's ({@link OnnxTensor}, {@link OnnxSequence}, {@link OnnxMap}). Stateless and
 * thread-safe; the caller owns (and must close) every {@link OnnxTensor} it gets and every value it
 * passes in.
 */
public final class OrtTensors {
  private OrtTensors() {}

  /**
   * The element type of a tensor's ONNX type, or {@code null} when shadow-onnx does not carry it.
   * The ONNX type, not ONNX Runtime's Java type: that one reports UINT16, UINT32 and UINT64 as the
   * signed types, which would read large unsigned values as negative numbers.
   */
  public static ElementType elementType(OnnxTensorType type) {
    return switch (type) {
      case ONNX_TENSOR_ELEMENT_DATA_TYPE_FLOAT -> ElementType.FLOAT;
      case ONNX_TENSOR_ELEMENT_DATA_TYPE_DOUBLE -> ElementType.DOUBLE;
      case ONNX_TENSOR_ELEMENT_DATA_TYPE_FLOAT16 -> ElementType.FLOAT16;
      case ONNX_TENSOR_ELEMENT_DATA_TYPE_BFLOAT16 -> ElementType.BFLOAT16;
      case ONNX_TENSOR_ELEMENT_DATA_TYPE_INT8 -> ElementType.INT8;
      case ONNX_TENSOR_ELEMENT_DATA_TYPE_UINT8 -> ElementType.UINT8;
      case ONNX_TENSOR_ELEMENT_DATA_TYPE_INT16 -> ElementType.INT16;
      case ONNX_TENSOR_ELEMENT_DATA_TYPE_INT32 -> ElementType.INT32;
      case ONNX_TENSOR_ELEMENT_DATA_TYPE_INT64 -> ElementType.INT64;
      case ONNX_TENSOR_ELEMENT_DATA_TYPE_BOOL -> ElementType.BOOL;
      case ONNX_TENSOR_ELEMENT_DATA_TYPE_STRING -> ElementType.STRING;
      default -> null;
    };
  }

  /** {@code UINT32} for {@code ONNX_TENSOR_ELEMENT_DATA_TYPE_UINT32}: the ONNX name of a type. */
  public static String onnxName(OnnxTensorType type) {
    return type.name().replace("ONNX_TENSOR_ELEMENT_DATA_TYPE_", "");
  }

  /**
   * The element type of ONNX Runtime's Java type, as used in sequence and map metadata (which has
   * no ONNX type), or {@code null} when shadow-onnx does not carry it.
   */
  public static ElementType elementType(OnnxJavaType type) {
    return switch (type) {
      case FLOAT -> ElementType.FLOAT;
      case DOUBLE -> ElementType.DOUBLE;
      case FLOAT16 -> ElementType.FLOAT16;
      case BFLOAT16 -> ElementType.BFLOAT16;
      case INT8 -> ElementType.INT8;
      case UINT8 -> ElementType.UINT8;
      case INT16 -> ElementType.INT16;
      case INT32 -> ElementType.INT32;
      case INT64 -> ElementType.INT64;
      case BOOL -> ElementType.BOOL;
      case STRING -> ElementType.STRING;
      default -> null;
    };
  }

  /** A native tensor holding a copy of {@code tensor}'s data; the caller closes it. */
  public static OnnxTensor toOrt(OrtEnvironment env, Tensor tensor) throws OrtException {
    long[] shape = tensor.shape();
    return switch (tensor.elementType()) {
      case FLOAT -> OnnxTensor.createTensor(env, tensor.asFloatBuffer(), shape);
      case DOUBLE -> OnnxTensor.createTensor(env, tensor.asDoubleBuffer(), shape);
      case FLOAT16 ->
          OnnxTensor.createTensor(env, tensor.asShortBuffer(), shape, OnnxJavaType.FLOAT16);
      case BFLOAT16 ->
          OnnxTensor.createTensor(env, tensor.asShortBuffer(), shape, OnnxJavaType.BFLOAT16);
      case INT16 -> OnnxTensor.createTensor(env, tensor.asShortBuffer(), shape, OnnxJavaType.INT16);
      case INT32 -> OnnxTensor.createTensor(env, tensor.asIntBuffer(), shape);
      case INT64 -> OnnxTensor.createTensor(env, tensor.asLongBuffer(), shape);
      case INT8 -> OnnxTensor.createTensor(env, tensor.asByteBuffer(), shape, OnnxJavaType.INT8);
      case UINT8 -> OnnxTensor.createTensor(env, tensor.asByteBuffer(), shape, OnnxJavaType.UINT8);
      case BOOL -> OnnxTensor.createTensor(env, tensor.asByteBuffer(), shape, OnnxJavaType.BOOL);
      case STRING -> OnnxTensor.createTensor(env, tensor.strings(), shape);
    };
  }

  /**
   * A Java copy of a native tensor, so the native memory can be released before any user code
   * (an output mapper, a comparator) sees the data. FLOAT16 and BFLOAT16 keep their bit patterns.
   *
   * @throws IllegalStateException for an element type shadow-onnx does not support
   */
  public static Tensor fromOrt(OnnxTensor tensor) throws OrtException {
    TensorInfo info = tensor.getInfo();
    long[] shape = info.getShape();
    ElementType type = elementType(info.onnxType);
    if (type == null) {
      throw new IllegalStateException(
          "unsupported output element type " + onnxName(info.onnxType));
    }
    return switch (type) {
      case FLOAT -> Tensor.ofFloats(tensor.getFloatBuffer(), shape);
      case DOUBLE -> Tensor.ofDoubles(tensor.getDoubleBuffer(), shape);
      // getShortBuffer gives the raw 16-bit patterns (getValue would widen half floats)
      case FLOAT16 -> Tensor.ofFloat16(tensor.getShortBuffer(), shape);
      case BFLOAT16 -> Tensor.ofBFloat16(tensor.getShortBuffer(), shape);
      case INT16 -> Tensor.ofShorts(tensor.getShortBuffer(), shape);
      case INT32 -> Tensor.ofInts(tensor.getIntBuffer(), shape);
      case INT64 -> Tensor.ofLongs(tensor.getLongBuffer(), shape);
      case INT8 -> Tensor.ofBytes(tensor.getByteBuffer(), shape);
      case UINT8 -> Tensor.ofUnsignedBytes(tensor.getByteBuffer(), shape);
      // ONNX Runtime offers no buffer view of these; its Java arrays carry the shape themselves
      case BOOL, STRING -> Tensor.of(tensor.getValue());
    };
  }

  /**
   * A Java copy of any native value a model returns: a tensor, a sequence (of tensors or of maps)
   * or a map. The elements ONNX Runtime hands out for a sequence are native values of their own;
   * each is closed here, whether or not its conversion succeeds. {@code value} itself stays open
   * (its owner, usually an {@code OrtSession.Result}, closes it).
   *
   * @throws IllegalStateException for a kind or element type shadow-onnx does not support
   */
  public static ModelValue fromOrt(OnnxValue value) throws OrtException {
    if (value instanceof OnnxTensor tensor) {
      return fromOrt(tensor);
    } else if (value instanceof OnnxSequence sequence) {
      List<? extends OnnxValue> elements = sequence.getValue();
      try {
        List<ModelValue> converted = new ArrayList<>(elements.size());
        for (OnnxValue element : elements) {
          converted.add(fromOrt(element));
        }
        return SequenceValue.of(converted);
      } finally {
        OnnxValue.close(elements);
      }
    } else if (value instanceof OnnxMap map) {
      MapInfo info = map.getInfo();
      return MapValue.of(elementType(info.keyType), elementType(info.valueType), map.getValue());
    }
    throw new IllegalStateException("unsupported output value " + value.getType()
        + " (shadow-onnx reads tensors, sequences and maps)");
  }
}
