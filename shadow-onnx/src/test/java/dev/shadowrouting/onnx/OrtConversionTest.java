package dev.shadowrouting.onnx;

import static org.assertj.core.api.Assertions.assertThat;

import ai.onnxruntime.OnnxJavaType;
import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.TensorInfo.OnnxTensorType;
import dev.shadowrouting.onnx.internal.OrtTensors;
import java.nio.FloatBuffer;
import java.nio.ShortBuffer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * FLOAT16, BFLOAT16 and INT16 tensors against ONNX Runtime's own: native tensors made with
 * {@code OnnxTensor.createTensor(env, ShortBuffer, shape, type)} read back into {@link Tensor}s
 * with every bit pattern intact, and {@link Tensor}s turned into native tensors that ONNX Runtime reads
 * back, as bits and, for the float types, as floats by its own conversion.
 */
class OrtConversionTest {
  private static final OrtEnvironment ENV = OrtEnvironment.getEnvironment();
  private static final long[] SHAPE = {256, 256};

  private static short[] allPatterns() {
    short[] all = new short[1 << 16];
    for (int i = 0; i < all.length; i++) {
      all[i] = (short) i;
    }
    return all;
  }

  private static OnnxJavaType ortType(ElementType type) {
    return switch (type) {
      case FLOAT16 -> OnnxJavaType.FLOAT16;
      case BFLOAT16 -> OnnxJavaType.BFLOAT16;
      case INT16 -> OnnxJavaType.INT16;
      default -> throw new AssertionError(type);
    };
  }

  @ParameterizedTest
  @EnumSource(value = ElementType.class, names = {"FLOAT16", "BFLOAT16", "INT16"})
  void onnxRuntimeTensorsReadBackWithEveryBitPattern(ElementType type) throws Exception {
    short[] all = allPatterns();
    try (OnnxTensor ort =
        OnnxTensor.createTensor(ENV, ShortBuffer.wrap(all), SHAPE, ortType(type))) {
      Tensor tensor = OrtTensors.fromOrt(ort);
      assertThat(tensor.elementType()).isEqualTo(type);
      assertThat(tensor.shape()).containsExactly(SHAPE);
      assertThat(tensor.shorts()).containsExactly(all);
      if (type.isHalfFloat()) {
        // ONNX Runtime widens half floats in getFloatBuffer(): the same floats as ours
        float[] ortFloats = new float[all.length];
        ort.getFloatBuffer().get(ortFloats);
        float[] ours = tensor.toFloats();
        for (int i = 0; i < all.length; i++) {
          assertThat(Float.floatToIntBits(ours[i])).as("%s 0x%04x", type, i)
              .isEqualTo(Float.floatToIntBits(ortFloats[i]));
        }
      }
    }
  }

  @ParameterizedTest
  @EnumSource(value = ElementType.class, names = {"FLOAT16", "BFLOAT16", "INT16"})
  void tensorsBecomeOnnxRuntimeTensorsWithEveryBitPattern(ElementType type) throws Exception {
    short[] all = allPatterns();
    Tensor tensor = switch (type) {
      case FLOAT16 -> Tensor.ofFloat16(ShortBuffer.wrap(all), SHAPE);
      case BFLOAT16 -> Tensor.ofBFloat16(ShortBuffer.wrap(all), SHAPE);
      default -> Tensor.ofShorts(ShortBuffer.wrap(all), SHAPE);
    };
    try (OnnxTensor ort = OrtTensors.toOrt(ENV, tensor)) {
      assertThat(ort.getInfo().type).isEqualTo(ortType(type));
      assertThat(ort.getInfo().getShape()).containsExactly(SHAPE);
      short[] back = new short[all.length];
      ort.getShortBuffer().get(back);
      assertThat(back).containsExactly(all);
      assertThat(OrtTensors.fromOrt(ort)).isEqualTo(tensor);
    }
  }

  @Test
  void floatsRoundedInJavaMatchOnnxRuntimesOwnRounding() throws Exception {
    float[] floats = {0.1f, -2.5f, 65519f, 65520f, 1e-8f, 3e-8f, 1 + 0x1p-11f, Float.MAX_VALUE,
        Math.nextUp(1 + 0x1p-8f), 1 + 0x1p-8f, -0f};
    Tensor f = Tensor.of(floats);
    // ONNX Runtime converts a float buffer itself with the platform Fp16Conversions helpers
    ShortBuffer ortHalf = ai.onnxruntime.platform.Fp16Conversions
        .convertFloatBufferToFp16Buffer(FloatBuffer.wrap(floats));
    ShortBuffer ortBf = ai.onnxruntime.platform.Fp16Conversions
        .convertFloatBufferToBf16Buffer(FloatBuffer.wrap(floats));
    for (int i = 0; i < floats.length; i++) {
      assertThat(f.convertTo(ElementType.FLOAT16).shorts()[i]).as("float16 of %s", floats[i])
          .isEqualTo(ortHalf.get(i));
      assertThat(f.convertTo(ElementType.BFLOAT16).shorts()[i]).as("bfloat16 of %s", floats[i])
          .isEqualTo(ortBf.get(i));
    }
  }

  @Test
  void unsignedWideIntegersAreNotMistakenForSignedOnes() {
    // ONNX Runtime's Java type for these is the signed one; shadow-onnx goes by the ONNX type
    assertThat(OnnxJavaType.mapFromOnnxTensorType(
        OnnxTensorType.ONNX_TENSOR_ELEMENT_DATA_TYPE_UINT16)).isEqualTo(OnnxJavaType.INT16);
    assertThat(OrtTensors.elementType(OnnxTensorType.ONNX_TENSOR_ELEMENT_DATA_TYPE_UINT16))
        .isNull();
    assertThat(OrtTensors.elementType(OnnxTensorType.ONNX_TENSOR_ELEMENT_DATA_TYPE_UINT32))
        .isNull();
    assertThat(OrtTensors.elementType(OnnxTensorType.ONNX_TENSOR_ELEMENT_DATA_TYPE_UINT64))
        .isNull();
    assertThat(OrtTensors.elementType(OnnxTensorType.ONNX_TENSOR_ELEMENT_DATA_TYPE_INT16))
        .isEqualTo(ElementType.INT16);
    assertThat(OrtTensors.elementType(OnnxTensorType.ONNX_TENSOR_ELEMENT_DATA_TYPE_BFLOAT16))
        .isEqualTo(ElementType.BFLOAT16);
  }
}
