package dev.shadowrouting.onnx.internal;

import ai.onnxruntime.OnnxJavaType;
import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtException;
import dev.shadowrouting.onnx.ElementType;
import dev.shadowrouting.onnx.Tensor;

/**
 * Converts between {@link Tensor} and ONNX Runtime's {@link OnnxTensor}. Stateless and
 * thread-safe; the caller owns (and must close) every {@link OnnxTensor} it gets.
 */
public final class OrtTensors {
  private OrtTensors() {}

  /** The element type for ONNX Runtime's Java type, or {@code null} when not supported. */
  public static ElementType elementType(OnnxJavaType type) {
    return switch (type) {
      case FLOAT -> ElementType.FLOAT;
      case DOUBLE -> ElementType.DOUBLE;
      case INT8 -> ElementType.INT8;
      case UINT8 -> ElementType.UINT8;
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
   * (an output mapper, a comparator) sees the data.
   *
   * @throws IllegalStateException for an element type shadow-onnx does not support
   */
  public static Tensor fromOrt(OnnxTensor tensor) throws OrtException {
    long[] shape = tensor.getInfo().getShape();
    OnnxJavaType type = tensor.getInfo().type;
    return switch (type) {
      case FLOAT -> Tensor.ofFloats(tensor.getFloatBuffer(), shape);
      case DOUBLE -> Tensor.ofDoubles(tensor.getDoubleBuffer(), shape);
      case INT32 -> Tensor.ofInts(tensor.getIntBuffer(), shape);
      case INT64 -> Tensor.ofLongs(tensor.getLongBuffer(), shape);
      case INT8 -> Tensor.ofBytes(tensor.getByteBuffer(), shape);
      case UINT8 -> Tensor.ofUnsignedBytes(tensor.getByteBuffer(), shape);
      // ONNX Runtime offers no buffer view of these; its Java arrays carry the shape themselves
      case BOOL, STRING -> Tensor.of(tensor.getValue());
      default -> throw new IllegalStateException("unsupported output element type " + type);
    };
  }
}
