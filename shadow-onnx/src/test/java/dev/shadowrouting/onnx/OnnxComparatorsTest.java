package dev.shadowrouting.onnx;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import dev.shadowrouting.Comparison;
import dev.shadowrouting.OutputComparator;
import java.nio.ShortBuffer;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class OnnxComparatorsTest {
  private final OutputComparator<Tensor> tolerance = OnnxComparators.tensorTolerance(1e-3, 1e-2);

  @Test
  void toleranceIsAbsoluteOrRelativeWhicheverIsLarger() {
    Tensor p = Tensor.of(new float[] {0f, 100f, -1f});
    // 0.0009 within absolute; 0.9 within 1% of 100; -1.0005 within absolute
    Comparison c = tolerance.compare(p, Tensor.of(new float[] {0.0009f, 100.9f, -1.0005f}));
    assertThat(c.isMatch()).isTrue();
    assertThat(c.score()).isCloseTo(0.9, within(1e-4));
    Comparison off = tolerance.compare(p, Tensor.of(new float[] {0.002f, 100f, -1f}));
    assertThat(off.result()).isEqualTo(Comparison.Result.MISMATCH);
    assertThat(off.score()).isCloseTo(0.002, within(1e-6));
  }

  @Test
  void nanMatchesOnlyNanAndShapesOrTypesMustAgree() {
    Tensor nan = Tensor.of(new double[] {Double.NaN});
    assertThat(tolerance.compare(nan, nan).isMatch()).isTrue();
    assertThat(tolerance.compare(nan, Tensor.of(new double[] {1})).score())
        .isEqualTo(Double.POSITIVE_INFINITY);
    Comparison shape = tolerance.compare(Tensor.of(new float[] {1, 2}),
        Tensor.of(new float[][] {{1, 2}}));
    assertThat(shape.isMatch()).isFalse();
    assertThat(shape.score()).isEqualTo(Double.POSITIVE_INFINITY);
    assertThat(tolerance.compare(Tensor.of(new float[] {1}), Tensor.of(new double[] {1}))
        .isMatch()).isFalse();
    assertThat(tolerance.compare(Tensor.of("a"), Tensor.of("a")).isMatch()).isTrue();
    assertThat(tolerance.compare(Tensor.of("a"), Tensor.of("b")).isMatch()).isFalse();
  }

  @Test
  void mapToleranceNamesTheDifferingOutputs() {
    var comparator = OnnxComparators.tolerance(1e-3, 0);
    Map<String, Tensor> p = Map.of(
        "logits", Tensor.of(new float[] {1, 2}),
        "probs", Tensor.of(new float[] {0.5f, 0.5f}),
        "label", Tensor.of(new long[] {1}));
    Map<String, Tensor> s = Map.of(
        "logits", Tensor.of(new float[] {1, 2.5f}),
        "probs", Tensor.of(new float[] {0.5f, 0.5005f}),
        "extra", Tensor.of(new long[] {1}));
    Comparison c = comparator.compare(p, s);
    assertThat(c.result()).isEqualTo(Comparison.Result.MISMATCH);
    assertThat(c.differingPaths()).containsExactlyInAnyOrder("logits", "label", "extra");
    assertThat(c.score()).isEqualTo(Double.POSITIVE_INFINITY);

    Comparison close = comparator.compare(Map.of("probs", p.get("probs")),
        Map.of("probs", s.get("probs")));
    assertThat(close.isMatch()).isTrue();
    assertThat(close.score()).isCloseTo(0.0005, within(1e-6));
  }

  @Test
  void top1CountsTheRowsWhoseBestClassAgrees() {
    Tensor p = Tensor.of(new float[][] {{0.1f, 0.7f, 0.2f}, {0.5f, 0.3f, 0.2f},
        {0.2f, 0.2f, 0.6f}, {0.3f, 0.3f, 0.4f}});
    Tensor s = Tensor.of(new float[][] {{0.2f, 0.6f, 0.2f}, {0.3f, 0.5f, 0.2f},
        {0.1f, 0.1f, 0.8f}, {0.2f, 0.3f, 0.5f}});
    Comparison c = OnnxComparators.top1().compare(p, s);
    assertThat(c.isMatch()).isFalse();
    assertThat(c.score()).isEqualTo(0.75);
    assertThat(OnnxComparators.top1().compare(p, p)).isEqualTo(Comparison.of(true, 1.0));
  }

  @Test
  void topKMeasuresOverlapAgainstAThreshold() {
    Tensor p = Tensor.of(new double[] {0.4, 0.3, 0.2, 0.1}); // top-2 = {0, 1}
    Tensor s = Tensor.of(new double[] {0.4, 0.1, 0.3, 0.2}); // top-2 = {0, 2}
    assertThat(OnnxComparators.topK(2, 0.5).compare(p, s)).isEqualTo(Comparison.of(true, 0.5));
    assertThat(OnnxComparators.topK(2, 0.75).compare(p, s)).isEqualTo(Comparison.of(false, 0.5));
    // k larger than the number of classes: every class is in both sets
    assertThat(OnnxComparators.topK(10, 1.0).compare(p, s).isMatch()).isTrue();
    assertThat(OnnxComparators.topK(2, 0.0)
        .compare(p, Tensor.of(new double[] {1, 2})).isMatch()).isFalse();
  }

  @Test
  void onOutputAppliesATensorComparatorToOneOutput() {
    var comparator = OnnxComparators.onOutput("probs", OnnxComparators.top1());
    Map<String, Tensor> p = Map.of("probs", Tensor.of(new float[] {0.9f, 0.1f}));
    Map<String, Tensor> s = Map.of("probs", Tensor.of(new float[] {0.4f, 0.6f}));
    Comparison c = comparator.compare(p, s);
    assertThat(c.isMatch()).isFalse();
    assertThat(c.differingPaths()).isEqualTo(List.of("probs"));
    assertThat(c.score()).isEqualTo(0.0);
    assertThat(comparator.compare(p, p).differingPaths()).isEmpty();
  }

  @Test
  void invalidArgumentsAreReportedTogether() {
    assertThatThrownBy(() -> OnnxComparators.tolerance(-1, Double.NaN))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("2 errors")
        .hasMessageContaining("absolute must be a finite number >= 0.0 but was -1.0")
        .hasMessageContaining("relative must be a finite number >= 0.0 but was NaN");
    assertThatThrownBy(() -> OnnxComparators.topK(0, 1.5))
        .hasMessageContaining("k must be in [1, 2147483647] but was 0")
        .hasMessageContaining("minOverlap must be in [0.0, 1.0] but was 1.5");
  }

  private static MapValue probs(float... p) {
    Map<Long, Float> entries = new java.util.HashMap<>();
    for (int c = 0; c < p.length; c++) {
      entries.put((long) c, p[c]);
    }
    return MapValue.of(ElementType.INT64, ElementType.FLOAT, entries);
  }

  private static SequenceValue rows(MapValue... rows) {
    return SequenceValue.of(List.of(rows));
  }

  @Test
  void valueToleranceComparesSequencesOfMapsEntryByEntryAndSaysWhere() {
    OutputComparator<SequenceValue> c = OnnxComparators.valueTolerance(1e-3, 0);
    SequenceValue p = rows(probs(0.2f, 0.8f), probs(0.5f, 0.5f));
    Comparison close = c.compare(p, rows(probs(0.2005f, 0.7995f), probs(0.5f, 0.5f)));
    assertThat(close.isMatch()).isTrue();
    assertThat(close.score()).isCloseTo(0.0005, within(1e-6));

    Comparison off = c.compare(p, rows(probs(0.2f, 0.8f), probs(0.6f, 0.4f)));
    assertThat(off.result()).isEqualTo(Comparison.Result.MISMATCH);
    assertThat(off.differingPaths()).containsExactly("[1][0]", "[1][1]");
    assertThat(off.score()).isCloseTo(0.1, within(1e-6));
  }

  @Test
  void valueToleranceFindsSequencesAndMapsThatCannotBeComparedNumberByNumber() {
    OutputComparator<ModelValue> c = OnnxComparators.valueTolerance(1e-3, 0);
    SequenceValue p = rows(probs(0.2f, 0.8f), probs(0.5f, 0.5f));
    Comparison shorter = c.compare(p, rows(probs(0.2f, 0.8f)));
    assertThat(shorter.isMatch()).isFalse();
    assertThat(shorter.score()).isEqualTo(Double.POSITIVE_INFINITY);
    Comparison otherKeys = c.compare(p, rows(probs(0.2f, 0.8f), probs(0.5f, 0.25f, 0.25f)));
    assertThat(otherKeys.differingPaths()).containsExactly("[1]");
    assertThat(otherKeys.score()).isEqualTo(Double.POSITIVE_INFINITY);
    assertThat(c.compare(p, Tensor.of(new float[] {0.2f, 0.8f})).isMatch()).isFalse();
    assertThat(c.compare(probs(0.5f), MapValue.of(ElementType.INT64, ElementType.DOUBLE,
        Map.of(0L, 0.5))).score()).isEqualTo(Double.POSITIVE_INFINITY);
    assertThat(c.compare(probs(Float.NaN), probs(Float.NaN)).isMatch()).isTrue();
    assertThat(c.compare(probs(Float.NaN), probs(0.5f)).differingPaths()).containsExactly("[0]");

    MapValue labels = MapValue.of(ElementType.STRING, ElementType.STRING, Map.of("a", "x"));
    assertThat(c.compare(labels, labels).isMatch()).isTrue();
    assertThat(c.compare(labels, MapValue.of(ElementType.STRING, ElementType.STRING,
        Map.of("a", "y"))).differingPaths()).containsExactly("[\"a\"]");
    // tensors behave exactly as under tensorTolerance: no paths
    Comparison tensors = c.compare(Tensor.of(new float[] {1}), Tensor.of(new float[] {2}));
    assertThat(tensors).isEqualTo(Comparison.of(false, 1.0));
  }

  @Test
  void differingPathsAreBounded() {
    List<MapValue> production = new ArrayList<>();
    List<MapValue> shadow = new ArrayList<>();
    for (int i = 0; i < 40; i++) {
      production.add(probs(0f));
      shadow.add(probs(1f));
    }
    Comparison c = OnnxComparators.<SequenceValue>valueTolerance(0, 0)
        .compare(SequenceValue.of(production), SequenceValue.of(shadow));
    assertThat(c.differingPaths()).hasSize(16).startsWith("[0][0]", "[1][0]");
    assertThat(c.score()).isEqualTo(1.0);
  }

  @Test
  void halfFloatTensorsCompareByValueNotBits() {
    Tensor one = Tensor.ofFloat16(ShortBuffer.wrap(new short[] {0x3C00}), 1);
    Tensor nextUp = Tensor.ofFloat16(ShortBuffer.wrap(new short[] {0x3C01}), 1); // 1 + 2^-10
    Comparison c = OnnxComparators.tensorTolerance(1e-3, 0).compare(one, nextUp);
    assertThat(c.isMatch()).isTrue();
    assertThat(c.score()).isEqualTo(0x1p-10);
    assertThat(OnnxComparators.tensorTolerance(1e-4, 0).compare(one, nextUp).isMatch()).isFalse();
    Tensor bfOne = Tensor.ofBFloat16(ShortBuffer.wrap(new short[] {0x3F80}), 1);
    assertThat(OnnxComparators.tensorTolerance(1, 1).compare(one, bfOne).score())
        .isEqualTo(Double.POSITIVE_INFINITY); // another element type: not comparable
    assertThat(OnnxComparators.top1().compare(
        Tensor.of(new float[] {0.2f, 0.8f}).convertTo(ElementType.FLOAT16),
        Tensor.of(new float[] {0.7f, 0.3f}).convertTo(ElementType.FLOAT16)).isMatch()).isFalse();
  }

  @Test
  void allValuesToleranceNamesTheOutputsAndWhereInsideThem() {
    var comparator = OnnxComparators.allValuesTolerance(1e-3, 0);
    Map<String, ModelValue> p = Map.of(
        "output_label", Tensor.of(new long[] {1, 0}),
        "output_probability", rows(probs(0.2f, 0.8f), probs(0.6f, 0.4f)));
    Map<String, ModelValue> s = Map.of(
        "output_label", Tensor.of(new long[] {1, 1}),
        "output_probability", rows(probs(0.2f, 0.8f), probs(0.45f, 0.55f)));
    Comparison c = comparator.compare(p, s);
    assertThat(c.result()).isEqualTo(Comparison.Result.MISMATCH);
    assertThat(c.differingPaths()).containsExactlyInAnyOrder(
        "output_label", "output_probability[1][0]", "output_probability[1][1]");
    assertThat(c.score()).isCloseTo(1.0, within(1e-6)); // the label 0 -> 1
    assertThat(comparator.compare(p, p)).isEqualTo(Comparison.of(true, 0.0));
    assertThat(comparator.compare(p, Map.of("output_label", p.get("output_label")))
        .differingPaths()).containsExactly("output_probability");
  }

  @Test
  void onOutputKeepsWhereInsideTheOutputItDiffers() {
    OutputComparator<Map<String, ModelValue>> comparator = OnnxComparators.onOutput(
        "output_probability", OnnxComparators.valueTolerance(1e-3, 0));
    Map<String, ModelValue> p = Map.of("output_probability", rows(probs(0.2f, 0.8f)));
    Map<String, ModelValue> s = Map.of("output_probability", rows(probs(0.3f, 0.8f)));
    assertThat(comparator.compare(p, s).differingPaths())
        .containsExactly("output_probability[0][0]");
  }
}
