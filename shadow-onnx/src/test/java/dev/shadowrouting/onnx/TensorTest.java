package dev.shadowrouting.onnx;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.ByteBuffer;
import java.nio.DoubleBuffer;
import java.nio.FloatBuffer;
import java.nio.IntBuffer;
import java.nio.LongBuffer;
import org.junit.jupiter.api.Test;

class TensorTest {

  @Test
  void javaArraysOfAnyRankKeepShapeAndRowMajorOrder() {
    float[][][] cube = {{{1, 2}, {3, 4}, {5, 6}}, {{7, 8}, {9, 10}, {11, 12}}};
    Tensor t = Tensor.of(cube);
    assertThat(t.elementType()).isEqualTo(ElementType.FLOAT);
    assertThat(t.shape()).containsExactly(2, 3, 2);
    assertThat(t.rank()).isEqualTo(3);
    assertThat(t.size()).isEqualTo(12);
    assertThat(t.floats()).containsExactly(1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12);
    assertThat((float[][][]) t.toArray()).isDeepEqualTo(cube);
  }

  @Test
  void everyElementTypeFromArraysAndBack() {
    assertThat(Tensor.of(new double[] {1.5}).doubles()).containsExactly(1.5);
    assertThat(Tensor.of(new int[][] {{1}, {2}}).ints()).containsExactly(1, 2);
    assertThat(Tensor.of(new long[] {1L << 50}).longs()).containsExactly(1L << 50);
    assertThat(Tensor.of(new byte[] {-3}).elementType()).isEqualTo(ElementType.INT8);
    Tensor bools = Tensor.of(new boolean[][] {{true, false}, {false, true}});
    assertThat(bools.elementType()).isEqualTo(ElementType.BOOL);
    assertThat(bools.booleans()).containsExactly(true, false, false, true);
    assertThat((boolean[][]) bools.toArray())
        .isDeepEqualTo(new boolean[][] {{true, false}, {false, true}});
    assertThat(bools.doubleAt(0)).isEqualTo(1.0);
    assertThat((String[]) Tensor.of(new String[] {"a", "b"}).toArray()).containsExactly("a", "b");
  }

  @Test
  void boxedScalarsAreRankZero() {
    Tensor f = Tensor.of(2.5f);
    assertThat(f.shape()).isEmpty();
    assertThat(f.size()).isEqualTo(1);
    assertThat(f.floatValue()).isEqualTo(2.5f);
    assertThat(f.toArray()).isEqualTo(2.5f);
    assertThat(Tensor.of(true).toArray()).isEqualTo(true);
    assertThat(Tensor.of("word").strings()).containsExactly("word");
    assertThat(Tensor.of(7L).elementType()).isEqualTo(ElementType.INT64);
  }

  @Test
  void buffersWithExplicitShapeReadRemainingElementsWithoutMovingThePosition() {
    FloatBuffer floats = FloatBuffer.wrap(new float[] {9, 1, 2, 3, 4, 5, 6});
    floats.position(1);
    Tensor t = Tensor.ofFloats(floats, 2, 3);
    assertThat(floats.position()).isEqualTo(1);
    assertThat((float[][]) t.toArray()).isDeepEqualTo(new float[][] {{1, 2, 3}, {4, 5, 6}});
    assertThat(Tensor.ofDoubles(DoubleBuffer.wrap(new double[] {1, 2}), 2).doubles())
        .containsExactly(1, 2);
    assertThat(Tensor.ofInts(IntBuffer.wrap(new int[] {1, 2}), 1, 2).ints()).containsExactly(1, 2);
    assertThat(Tensor.ofLongs(LongBuffer.wrap(new long[] {3}), 1, 1).longs()).containsExactly(3);
    assertThat(Tensor.ofBytes(ByteBuffer.wrap(new byte[] {-1}), 1).doubleAt(0)).isEqualTo(-1.0);
    assertThat(Tensor.ofUnsignedBytes(ByteBuffer.wrap(new byte[] {-1}), 1).doubleAt(0))
        .isEqualTo(255.0);
    assertThat(Tensor.ofBooleans(new boolean[] {true, false}, 2).booleans())
        .containsExactly(true, false);
    assertThat(Tensor.ofStrings(new String[] {"x"}, 1, 1).strings()).containsExactly("x");
  }

  @Test
  void isImmutable() {
    float[][] source = {{1, 2}};
    Tensor t = Tensor.of(source);
    source[0][0] = 99;
    t.floats()[1] = 99;
    ((float[][]) t.toArray())[0][0] = 99;
    long[] shape = t.shape();
    shape[0] = 99;
    assertThat(t.floats()).containsExactly(1, 2);
    assertThat(t.shape()).containsExactly(1, 2);
    assertThat(t.asFloatBuffer().isReadOnly()).isTrue();
    assertThat(t).isEqualTo(Tensor.of(new float[][] {{1, 2}})).hasSameHashCodeAs(
        Tensor.of(new float[][] {{1, 2}}));
    assertThat(t).isNotEqualTo(Tensor.of(new float[] {1, 2}));
  }

  @Test
  void rejectsInvalidData() {
    assertThatThrownBy(() -> Tensor.of(new float[][] {{1, 2}, {3}}))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("array must be rectangular: expected length 2 at depth 1 but found 1");
    assertThatThrownBy(() -> Tensor.of(new float[][] {{1}, null}))
        .hasMessageContaining("must not contain null sub-arrays");
    assertThatThrownBy(() -> Tensor.of(new char[] {'a'}))
        .hasMessageContaining("element type must be one of float, double, byte, short, int,"
            + " long, boolean, String but was char");
    assertThatThrownBy(() -> Tensor.ofFloats(FloatBuffer.wrap(new float[5]), 2, 3))
        .hasMessageContaining("shape [2, 3] needs 6 elements but the data has 5");
    assertThatThrownBy(() -> Tensor.ofFloats(FloatBuffer.wrap(new float[0]), -1))
        .hasMessageContaining("shape dimensions must be >= 0");
    assertThatThrownBy(() -> Tensor.ofStrings(new String[] {"a", null}, 2))
        .hasMessageContaining("string element 1 must not be null");
  }

  @Test
  void typedAccessorsRefuseOtherElementTypes() {
    Tensor ints = Tensor.of(new int[] {1});
    assertThatThrownBy(ints::floats)
        .isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("the tensor holds INT32 elements, not [FLOAT]");
    assertThatThrownBy(() -> Tensor.of(new float[] {1, 2}).floatValue())
        .hasMessageContaining("needs exactly one element but the tensor has shape [2]");
    assertThatThrownBy(() -> Tensor.of("s").doubleAt(0))
        .isInstanceOf(IllegalStateException.class);
  }

  @Test
  void toStringShowsTypeShapeAndTheFirstElements() {
    assertThat(Tensor.of(new int[10]).toString())
        .isEqualTo("Tensor[INT32 [10] [0, 0, 0, 0, 0, 0, 0, 0, ... 2 more]]");
  }
}
