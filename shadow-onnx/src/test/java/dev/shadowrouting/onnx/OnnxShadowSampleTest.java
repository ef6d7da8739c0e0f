package dev.shadowrouting.onnx;

import static dev.shadowrouting.onnx.OnnxModels.model;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import ai.onnxruntime.OrtSession.SessionOptions.OptLevel;
import dev.shadowrouting.EndpointConfig;
import dev.shadowrouting.InMemorySink;
import dev.shadowrouting.OutputComparator;
import dev.shadowrouting.RouterSnapshot;
import dev.shadowrouting.ShadowRecord;
import dev.shadowrouting.ShadowRouter;
import dev.shadowrouting.ShadowSink;
import dev.shadowrouting.Variant;
import org.junit.jupiter.api.Test;

/**
 * The module's sample as a test: a logistic scoring model v1 in production, shadowed by (1) v2,
 * trained differently, which disagrees on some requests, and (2) v1 itself under another
 * optimisation level and thread count, which agrees within tolerance. Runnable version:
 * {@code samples/.../OnnxShadowDemo.java}.
 */
class OnnxShadowSampleTest {
  private static final int REQUESTS = 300;
  private static final double TOLERANCE = 1e-3;

  private static OnnxPredictor<float[], Float> scorer(String model, OptLevel level, int threads) {
    return OnnxPredictor.builder(model(model))
        .optimizationLevel(level)
        .intraOpThreads(threads)
        .build(InputMapper.floatRow("x"), OutputMapper.floatScalar("score"));
  }

  /** Runs REQUESTS through v1 with {@code shadow} as shadow "candidate"; returns its stats. */
  private static RouterSnapshot.VariantStats shadowV1With(
      OnnxPredictor<float[], Float> v1, OnnxPredictor<float[], Float> shadow, InMemorySink sink)
      throws Exception {
    ShadowRouter<float[], Float> router = ShadowRouter.create(
        EndpointConfig.<float[], Float>builder("fraud-score")
            .production(Variant.builder("v1", v1).build())
            // every request; room for the whole run so no copy is rejected
            .shadow(Variant.builder("candidate", shadow).samplingRate(1.0)
                .maxConcurrency(REQUESTS).build())
            .comparator(OutputComparator.numericTolerance(TOLERANCE, 0))
            .sink(sink)
            .build());
    for (int i = 0; i < REQUESTS; i++) {
      float[] x = OnnxModels.features(i, 4);
      // production answers, unchanged by the shadow
      assertThat((double) router.predict(x)).isCloseTo(
          OnnxModels.logistic(OnnxModels.LOGISTIC_V1_W, OnnxModels.LOGISTIC_V1_B, x),
          within(1e-6));
    }
    router.close(); // drains the shadow copies, so the snapshot is final
    RouterSnapshot.VariantStats stats = router.snapshot().variant("candidate");
    assertThat(stats.matches() + stats.mismatches()).isEqualTo(REQUESTS);
    assertThat(router.snapshot().variant("v1").p50Nanos()).isPositive();
    assertThat(stats.p50Nanos()).isPositive();
    return stats;
  }

  @Test
  void v2ShadowShowsTheRequestsWhereItDisagrees() throws Exception {
    InMemorySink sink = ShadowSink.inMemory();
    try (var v1 = scorer(OnnxModels.LOGISTIC_V1, OptLevel.ALL_OPT, 1);
        var v2 = scorer(OnnxModels.LOGISTIC_V2, OptLevel.ALL_OPT, 1)) {
      RouterSnapshot.VariantStats stats = shadowV1With(v1, v2, sink);

      // expected disagreements computed in Java; requests within 10% of the tolerance edge may
      // fall either way after float rounding, so they bound the count rather than fix it
      int surelyMismatched = 0;
      int maybeMismatched = 0;
      for (int i = 0; i < REQUESTS; i++) {
        float[] x = OnnxModels.features(i, 4);
        double diff = Math.abs(
            OnnxModels.logistic(OnnxModels.LOGISTIC_V1_W, OnnxModels.LOGISTIC_V1_B, x)
                - OnnxModels.logistic(OnnxModels.LOGISTIC_V2_W, OnnxModels.LOGISTIC_V2_B, x));
        surelyMismatched += diff > TOLERANCE * 1.1 ? 1 : 0;
        maybeMismatched += diff > TOLERANCE * 0.9 ? 1 : 0;
      }
      assertThat(surelyMismatched).isPositive();
      assertThat(stats.mismatches()).isBetween((long) surelyMismatched, (long) maybeMismatched);
      ShadowRecord mismatch = sink.records("candidate").stream()
          .filter(r -> !r.comparison().isMatch()).findFirst().orElseThrow();
      assertThat(mismatch.comparison().score()).isGreaterThan(TOLERANCE);
    }
  }

  @Test
  void v1UnderAnotherOptimisationLevelAndThreadCountMatches() throws Exception {
    InMemorySink sink = ShadowSink.inMemory();
    try (var v1 = scorer(OnnxModels.LOGISTIC_V1, OptLevel.ALL_OPT, 1);
        var v1Unoptimised = scorer(OnnxModels.LOGISTIC_V1, OptLevel.NO_OPT, 2)) {
      RouterSnapshot.VariantStats stats = shadowV1With(v1, v1Unoptimised, sink);
      assertThat(stats.matches()).isEqualTo(REQUESTS);
      assertThat(sink.records("candidate"))
          .allSatisfy(r -> assertThat(r.comparison().score()).isLessThan(1e-6));
    }
  }
}
