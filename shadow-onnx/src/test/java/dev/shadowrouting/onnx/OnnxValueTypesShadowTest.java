package dev.shadowrouting.onnx;

import static dev.shadowrouting.onnx.OnnxModels.model;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import ai.onnxruntime.OrtSession.SessionOptions.OptLevel;
import dev.shadowrouting.Comparison;
import dev.shadowrouting.EndpointConfig;
import dev.shadowrouting.InMemorySink;
import dev.shadowrouting.OutputComparator;
import dev.shadowrouting.RouterSnapshot;
import dev.shadowrouting.ShadowRecord;
import dev.shadowrouting.ShadowRouter;
import dev.shadowrouting.ShadowSink;
import dev.shadowrouting.Variant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * The new types end to end through a {@link ShadowRouter}: a scikit-learn style ZipMap classifier
 * ({@code seq(map(int64, float))} probabilities) shadowed by its retrained version and by itself,
 * and a float16 export of a scorer shadowing the float32 original.
 */
class OnnxValueTypesShadowTest {
  private static final int REQUESTS = 200;
  private static final double TOLERANCE = 1e-3;

  /** Routes REQUESTS feature rows; production's answers are checked by {@code checkProduction}. */
  private static <O> RouterSnapshot.VariantStats route(OnnxPredictor<float[], O> production,
      OnnxPredictor<float[], O> shadow, OutputComparator<O> comparator, InMemorySink sink,
      java.util.function.BiConsumer<float[], O> checkProduction) throws Exception {
    ShadowRouter<float[], O> router = ShadowRouter.create(
        EndpointConfig.<float[], O>builder("iris")
            .production(Variant.builder("v1", production).build())
            .shadow(Variant.builder("candidate", shadow).samplingRate(1.0)
                .maxConcurrency(REQUESTS).build())
            .comparator(comparator)
            .sink(sink)
            .build());
    for (int i = 0; i < REQUESTS; i++) {
      float[] x = OnnxModels.features(10_000 + i, 4);
      checkProduction.accept(x, router.predict(x));
    }
    router.close(); // drains the shadow copies, so the snapshot is final
    RouterSnapshot.VariantStats stats = router.snapshot().variant("candidate");
    assertThat(stats.matches() + stats.mismatches()).isEqualTo(REQUESTS);
    return stats;
  }

  private static OnnxPredictor<float[], MapValue> firstRowProbabilities(String model,
      OptLevel level) {
    return OnnxPredictor.builder(model(model)).optimizationLevel(level).intraOpThreads(1)
        .build(InputMapper.floatRow("float_input"),
            ValueOutputMapper.single("output_probability", v -> v.asSequence().map(0)));
  }

  private static void checkV1Probabilities(float[] x, MapValue row) {
    double[] expected = OnnxModels.softmax(OnnxModels.logits(x));
    Map<Long, Float> probabilities = row.asMap(Long.class, Float.class);
    for (int c = 0; c < 3; c++) {
      assertThat((double) probabilities.get((long) c)).isCloseTo(expected[c], within(1e-6));
    }
  }

  @Test
  void retrainedZipMapClassifierShowsTheRowsAndClassesWhereItDisagrees() throws Exception {
    InMemorySink sink = ShadowSink.inMemory();
    try (var v1 = firstRowProbabilities(OnnxModels.ZIPMAP_V1, OptLevel.ALL_OPT);
        var v2 = firstRowProbabilities(OnnxModels.ZIPMAP_V2, OptLevel.ALL_OPT)) {
      RouterSnapshot.VariantStats stats = route(v1, v2,
          OnnxComparators.valueTolerance(TOLERANCE, 0), sink,
          OnnxValueTypesShadowTest::checkV1Probabilities);

      // expected disagreements from the weights; within 10% of the tolerance either verdict is
      // possible after float rounding, so those bound the count rather than fix it
      int surely = 0;
      int maybe = 0;
      for (int i = 0; i < REQUESTS; i++) {
        float[] x = OnnxModels.features(10_000 + i, 4);
        double[] p1 = OnnxModels.softmax(OnnxModels.logits(x));
        double[] p2 = OnnxModels.softmax(
            OnnxModels.logits(OnnxModels.ZIPMAP_V2_W, OnnxModels.ZIPMAP_V2_B, x));
        double diff = 0;
        for (int c = 0; c < 3; c++) {
          diff = Math.max(diff, Math.abs(p1[c] - p2[c]));
        }
        surely += diff > TOLERANCE * 1.1 ? 1 : 0;
        maybe += diff > TOLERANCE * 0.9 ? 1 : 0;
      }
      assertThat(surely).isPositive();
      assertThat(maybe).isLessThan(REQUESTS); // some rows agree too: the comparison discriminates
      assertThat(stats.mismatches()).isBetween((long) surely, (long) maybe);

      // a mismatch names the classes whose probability moved, as map keys
      List<ShadowRecord> mismatches = sink.records("candidate").stream()
          .filter(r -> r.comparison().result() == Comparison.Result.MISMATCH).toList();
      assertThat(mismatches).hasSize((int) stats.mismatches());
      assertThat(mismatches).allSatisfy(r -> {
        assertThat(r.comparison().score()).isGreaterThan(TOLERANCE);
        assertThat(r.comparison().differingPaths()).isNotEmpty()
            .allSatisfy(path -> assertThat(path).isIn("[0]", "[1]", "[2]"));
      });
    }
  }

  @Test
  void zipMapClassifierShadowedByItselfMatchesOnEveryOutput() throws Exception {
    InMemorySink sink = ShadowSink.inMemory();
    ValueOutputMapper<Map<String, ModelValue>> all = ValueOutputMapper.identity();
    try (OnnxPredictor<float[], Map<String, ModelValue>> v1 = OnnxPredictor.builder(
            model(OnnxModels.ZIPMAP_V1)).intraOpThreads(1)
        .build(InputMapper.floatRow("float_input"), all);
        OnnxPredictor<float[], Map<String, ModelValue>> v1Unoptimised = OnnxPredictor.builder(
            model(OnnxModels.ZIPMAP_V1)).optimizationLevel(OptLevel.NO_OPT).intraOpThreads(2)
            .build(InputMapper.floatRow("float_input"), all)) {
      RouterSnapshot.VariantStats stats = route(v1, v1Unoptimised,
          OnnxComparators.allValuesTolerance(1e-6, 0), sink, (x, out) -> {
            assertThat(out.get("output_label").asTensor().longs()).containsExactly(
                OnnxModels.argmax(OnnxModels.softmax(OnnxModels.logits(x))));
            checkV1Probabilities(x, out.get("output_probability").asSequence().map(0));
          });
      assertThat(stats.matches()).isEqualTo(REQUESTS);
    }
  }

  /**
   * A model exported to float16 shadowing its float32 original: inputs and output rounded to
   * half precision (a step of 2^-11 near 1) stay within 2e-3 of production on every request,
   * while the rounding is visible in the recorded differences.
   */
  @Test
  void float16ExportShadowingTheFloat32ScorerAgreesWithinHalfPrecision() throws Exception {
    InMemorySink sink = ShadowSink.inMemory();
    double halfPrecisionTolerance = 2e-3;
    try (OnnxPredictor<float[], Float> fp32 = OnnxPredictor.builder(
            model(OnnxModels.LOGISTIC_V1))
        .build(InputMapper.floatRow("x"), OutputMapper.floatScalar("score"));
        OnnxPredictor<float[], Float> fp16 = OnnxPredictor.builder(
            model(OnnxModels.LOGISTIC_FP16_V1))
        .build(InputMapper.float16Row("x"), OutputMapper.floatScalar("score"))) {
      RouterSnapshot.VariantStats stats = route(fp32, fp16,
          OutputComparator.numericTolerance(halfPrecisionTolerance, 0), sink,
          (x, score) -> assertThat((double) score).isCloseTo(
              OnnxModels.logistic(OnnxModels.LOGISTIC_V1_W, OnnxModels.LOGISTIC_V1_B, x),
              within(1e-6)));
      assertThat(stats.matches()).isEqualTo(REQUESTS);
      double largest = sink.records("candidate").stream()
          .mapToDouble(r -> r.comparison().score()).max().orElseThrow();
      assertThat(largest).isGreaterThan(1e-5).isLessThan(halfPrecisionTolerance);
    }
  }
}
