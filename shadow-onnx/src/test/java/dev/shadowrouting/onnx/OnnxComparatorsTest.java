package dev.shadowrouting.onnx;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import dev.shadowrouting.Comparison;
import dev.shadowrouting.OutputComparator;
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
}
