package dev.shadowrouting.onnx;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.ShortBuffer;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The new value types: INT16 and half-float tensors, {@link MapValue}, {@link SequenceValue}. */
class ModelValueTest {
  private static final MapValue ROW = MapValue.of(ElementType.INT64, ElementType.FLOAT,
      Map.of(2L, 0.5f, 0L, 0.2f, 1L, 0.3f));

  @Test
  void int16TensorsFromShortArraysAndBuffers() {
    Tensor t = Tensor.of(new short[][] {{-32768, 0}, {1, 32767}});
    assertThat(t.elementType()).isEqualTo(ElementType.INT16);
    assertThat(t.shape()).containsExactly(2, 2);
    assertThat(t.shorts()).containsExactly((short) -32768, (short) 0, (short) 1, (short) 32767);
    assertThat(t.doubleAt(0)).isEqualTo(-32768.0);
    assertThat((short[][]) t.toArray()).isDeepEqualTo(new short[][] {{-32768, 0}, {1, 32767}});
    assertThat(Tensor.of((short) 5).elementType()).isEqualTo(ElementType.INT16);
    assertThat(Tensor.ofShorts(ShortBuffer.wrap(new short[] {9, 7}), 2)).isEqualTo(
        Tensor.of(new short[] {9, 7}));
    assertThat(t.asShortBuffer().isReadOnly()).isTrue();
  }

  @Test
  void halfFloatTensorsCarryBitsAndReadAsFloats() {
    short[] bits = {0x3C00, (short) 0xC000, 0x7C00, 0x0001};
    Tensor half = Tensor.ofFloat16(ShortBuffer.wrap(bits), 2, 2);
    assertThat(half.elementType()).isEqualTo(ElementType.FLOAT16);
    assertThat(half.shorts()).containsExactly(bits);
    assertThat(half.toFloats()).containsExactly(1f, -2f, Float.POSITIVE_INFINITY, 0x1p-24f);
    assertThat(half.doubleAt(1)).isEqualTo(-2.0);
    assertThat((short[][]) half.toArray()).isDeepEqualTo(
        new short[][] {{0x3C00, (short) 0xC000}, {0x7C00, 0x0001}});
    assertThat(half.toString())
        .isEqualTo("Tensor[FLOAT16 [2, 2] [1.0, -2.0, Infinity, 5.9604645E-8]]");
    assertThat(half.typeDescription()).isEqualTo("FLOAT16 [2, 2]");

    Tensor bf = Tensor.ofBFloat16(ShortBuffer.wrap(new short[] {0x3FC0}), 1, 1);
    assertThat(bf.floatValue()).isEqualTo(1.5f);
    assertThat(bf.toString()).isEqualTo("Tensor[BFLOAT16 [1, 1] [1.5]]");
    assertThat(Tensor.ofFloat16(ShortBuffer.wrap(new short[] {0x3800})).floatValue())
        .isEqualTo(0.5f);
    // same bits, other float type: a different tensor
    assertThat(Tensor.ofFloat16(ShortBuffer.wrap(bits), 2, 2))
        .isEqualTo(half).hasSameHashCodeAs(half)
        .isNotEqualTo(Tensor.ofBFloat16(ShortBuffer.wrap(bits), 2, 2));
  }

  @Test
  void convertToRoundsBetweenFloatTypesAndKeepsTheShape() {
    Tensor floats = Tensor.of(new float[][] {{0.1f, 65520f, 1 + 0x1p-8f}});
    Tensor half = floats.convertTo(ElementType.FLOAT16);
    assertThat(half.shape()).containsExactly(1, 3);
    assertThat(half.shorts()).containsExactly(HalfPrecision.floatToFloat16(0.1f),
        (short) 0x7C00, HalfPrecision.floatToFloat16(1 + 0x1p-8f));
    Tensor bf = floats.convertTo(ElementType.BFLOAT16);
    assertThat(bf.toFloats()).containsExactly(
        HalfPrecision.bfloat16ToFloat(HalfPrecision.floatToBfloat16(0.1f)), 65536f, 1f);
    assertThat(half.convertTo(ElementType.FLOAT).floats())
        .containsExactly(0.099975586f, Float.POSITIVE_INFINITY, 1.00390625f);
    assertThat(half.convertTo(ElementType.BFLOAT16).elementType())
        .isEqualTo(ElementType.BFLOAT16);
    assertThat(half.convertTo(ElementType.FLOAT16)).isSameAs(half);

    assertThatThrownBy(() -> floats.convertTo(ElementType.DOUBLE))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("convertTo converts between FLOAT, FLOAT16 and BFLOAT16: target must be one"
            + " of [FLOAT, FLOAT16, BFLOAT16] for a FLOAT tensor but was DOUBLE");
    assertThatThrownBy(() -> Tensor.of(new int[] {1}).convertTo(ElementType.FLOAT16))
        .hasMessageContaining("for a INT32 tensor but was FLOAT16 (and the tensor's own type"
            + " INT32 is not)");
  }

  @Test
  void typedAccessorsRefuseOtherElementTypes() {
    assertThatThrownBy(() -> Tensor.of(new short[] {1}).toFloats())
        .isInstanceOf(IllegalStateException.class)
        .hasMessage("the tensor holds INT16 elements, not [FLOAT, FLOAT16, BFLOAT16]");
    assertThatThrownBy(() -> Tensor.of(new float[] {1}).shorts())
        .hasMessage("the tensor holds FLOAT elements, not [INT16, FLOAT16, BFLOAT16]");
    assertThatThrownBy(() -> Tensor.of(new int[] {1}).floatValue())
        .isInstanceOf(IllegalStateException.class);
    assertThatThrownBy(() -> Tensor.of(1f).asSequence())
        .isInstanceOf(IllegalStateException.class)
        .hasMessage("the value is FLOAT [], not a sequence");
  }

  @Test
  void mapValuesAreSortedTypedCopies() {
    Map<Object, Object> source = new HashMap<>(Map.of("b", 2.0, "a", 1.0));
    MapValue map = MapValue.of(ElementType.STRING, ElementType.DOUBLE, source);
    source.put("c", 3.0);
    assertThat(map.size()).isEqualTo(2);
    assertThat(map.entries().keySet()).containsExactly("a", "b");
    assertThat(map.asMap(String.class, Double.class)).containsEntry("b", 2.0);
    assertThat(map.get("a")).isEqualTo(1.0);
    assertThat(map.kind()).isEqualTo(ModelValue.Kind.MAP);
    assertThat(map.asMap()).isSameAs(map);
    assertThat(ROW.toString()).isEqualTo("MapValue[map(INT64, FLOAT) {0=0.2, 1=0.3, 2=0.5}]");
    assertThat(ROW).isEqualTo(MapValue.of(ElementType.INT64, ElementType.FLOAT,
        Map.of(0L, 0.2f, 1L, 0.3f, 2L, 0.5f))).hasSameHashCodeAs(MapValue.of(
            ElementType.INT64, ElementType.FLOAT, Map.of(0L, 0.2f, 1L, 0.3f, 2L, 0.5f)));
    assertThat(ROW).isNotEqualTo(MapValue.of(ElementType.INT64, ElementType.DOUBLE,
        Map.of(0L, 0.2, 1L, 0.3, 2L, 0.5)));
    assertThatThrownBy(() -> ROW.asMap(Long.class, Double.class))
        .isInstanceOf(IllegalStateException.class)
        .hasMessage("the map is map(INT64, FLOAT), whose entries are <Long, Float>, not"
            + " <Long, Double>");
    assertThatThrownBy(() -> ROW.asMap(Long.class, Float.class).clear())
        .isInstanceOf(UnsupportedOperationException.class);
  }

  @Test
  void mapValuesRejectTypesOnnxRuntimeCannotCarry() {
    assertThatThrownBy(() -> MapValue.of(ElementType.FLOAT, ElementType.FLOAT, Map.of()))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("keyType must be one of [INT64, STRING] but was FLOAT");
    assertThatThrownBy(() -> MapValue.of(ElementType.INT64, ElementType.BOOL, Map.of()))
        .hasMessage("valueType must be one of [FLOAT, DOUBLE, INT64, STRING] but was BOOL");
    assertThatThrownBy(() -> MapValue.of(ElementType.INT64, ElementType.FLOAT, Map.of(1, 0.5f)))
        .hasMessage("key 1 must be a Long (keyType INT64) but was java.lang.Integer");
    Map<Long, Float> nullValue = new HashMap<>();
    nullValue.put(3L, null);
    assertThatThrownBy(() -> MapValue.of(ElementType.INT64, ElementType.FLOAT, nullValue))
        .hasMessage("value of key 3 must be a Float (valueType FLOAT) but was null");
  }

  @Test
  void sequencesAreImmutableAndOfOneElementType() {
    List<ModelValue> source = new ArrayList<>(List.of(ROW, ROW));
    SequenceValue seq = SequenceValue.of(source);
    source.clear();
    assertThat(seq.size()).isEqualTo(2);
    assertThat(seq.map(1)).isEqualTo(ROW);
    assertThat(seq.typeDescription()).isEqualTo("seq(map(INT64, FLOAT))");
    assertThat(seq.toString()).startsWith("SequenceValue[seq(map(INT64, FLOAT)) [MapValue[");
    assertThat(SequenceValue.of(List.of()).typeDescription()).isEqualTo("seq(?)");
    assertThat(SequenceValue.of(List.of(Tensor.of(new float[] {1}), Tensor.of(new float[] {2, 3})))
        .typeDescription()).isEqualTo("seq(tensor(FLOAT))");
    assertThat(seq).isEqualTo(SequenceValue.of(List.of(ROW, ROW)))
        .isNotEqualTo(SequenceValue.of(List.of(ROW)));
    assertThatThrownBy(() -> seq.elements().add(ROW))
        .isInstanceOf(UnsupportedOperationException.class);
    assertThatThrownBy(() -> seq.tensor(0))
        .isInstanceOf(IllegalStateException.class)
        .hasMessage("the value is map(INT64, FLOAT), not a tensor");
    assertThatThrownBy(() -> seq.get(2)).isInstanceOf(IndexOutOfBoundsException.class);

    assertThatThrownBy(() -> SequenceValue.of(List.of(ROW, Tensor.of(new float[] {1}))))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("sequence elements must all have one type: element 0 is map(INT64, FLOAT)"
            + " but element 1 is tensor(FLOAT)");
    assertThatThrownBy(() -> SequenceValue.of(
            List.of(Tensor.of(new float[] {1}), Tensor.of(new long[] {1}))))
        .hasMessageContaining("element 0 is tensor(FLOAT) but element 1 is tensor(INT64)");
    assertThatThrownBy(() -> SequenceValue.of(java.util.Arrays.asList(ROW, null)))
        .hasMessage("sequence element 1 must not be null");
  }
}
