package dev.shadowrouting.onnx;

import static dev.shadowrouting.onnx.OnnxModels.model;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtSession.SessionOptions.OptLevel;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class OnnxPredictorTest {

  private static OnnxPredictor<float[], Float> logistic(ModelSource source) {
    return OnnxPredictor.builder(source)
        .build(InputMapper.floatRow("x"), OutputMapper.floatScalar("score"));
  }

  @Test
  void scalarScoreModelMatchesSigmoidComputedInJava() throws Exception {
    try (OnnxPredictor<float[], Float> p = logistic(model(OnnxModels.LOGISTIC_V1))) {
      for (long seed = 0; seed < 50; seed++) {
        float[] x = OnnxModels.features(seed, 4);
        assertThat((double) p.predict(x)).isCloseTo(
            OnnxModels.logistic(OnnxModels.LOGISTIC_V1_W, OnnxModels.LOGISTIC_V1_B, x),
            within(1e-6));
      }
    }
  }

  @Test
  void loadsTheSameModelFromPathAndBytes(@TempDir Path dir) throws Exception {
    byte[] bytes;
    try (InputStream in = getClass().getClassLoader()
        .getResourceAsStream(OnnxModels.LOGISTIC_V2)) {
      bytes = in.readAllBytes();
    }
    Path file = Files.write(dir.resolve("v2.onnx"), bytes);
    float[] x = {1f, 2f, -0.5f, 0.25f};
    double expected = OnnxModels.logistic(OnnxModels.LOGISTIC_V2_W, OnnxModels.LOGISTIC_V2_B, x);
    for (ModelSource source : List.of(ModelSource.path(file), ModelSource.bytes(bytes))) {
      try (OnnxPredictor<float[], Float> p = logistic(source)) {
        assertThat((double) p.predict(x)).as(source.toString()).isCloseTo(expected, within(1e-6));
      }
    }
  }

  @Test
  void twoInputsTwoOutputsByName() throws Exception {
    float[][] a = {{1f, 2f, 3f}, {4f, 5f, 6f}};
    float[][] b = {{0.5f, -1f, 2f}, {3f, 0f, -2f}};
    try (var p = OnnxPredictor.builder(model(OnnxModels.TWO_IN_TWO_OUT)).build()) {
      Map<String, Tensor> out = p.predict(Map.of("a", Tensor.of(a), "b", Tensor.of(b)));
      assertThat(out).containsOnlyKeys("sum", "product");
      float[][] sum = (float[][]) out.get("sum").toArray();
      float[][] product = (float[][]) out.get("product").toArray();
      for (int r = 0; r < 2; r++) {
        for (int c = 0; c < 3; c++) {
          assertThat(sum[r][c]).isEqualTo(a[r][c] + b[r][c]);
          assertThat(product[r][c]).isEqualTo(a[r][c] * b[r][c]);
        }
      }
      assertThat(p.inputNames()).containsExactly("a", "b");
      assertThat(p.outputNames()).containsExactly("sum", "product");
    }
  }

  @Test
  void dynamicBatchDimensionAcceptsAnyBatchSize() throws Exception {
    try (var p = OnnxPredictor.builder(model(OnnxModels.CLASSIFIER)).build()) {
      for (int batch : new int[] {1, 3, 17}) {
        float[][] x = new float[batch][];
        for (int r = 0; r < batch; r++) {
          x[r] = OnnxModels.features(batch * 100L + r, 4);
        }
        Map<String, Tensor> out = p.predict(Map.of("x", Tensor.of(x)));
        float[][] logits = (float[][]) out.get("logits").toArray();
        float[][] probs = (float[][]) out.get("probs").toArray();
        assertThat(logits).hasNumberOfRows(batch);
        for (int r = 0; r < batch; r++) {
          double[] expectedLogits = OnnxModels.logits(x[r]);
          double[] expectedProbs = OnnxModels.softmax(expectedLogits);
          for (int c = 0; c < 3; c++) {
            assertThat((double) logits[r][c]).isCloseTo(expectedLogits[c], within(1e-5));
            assertThat((double) probs[r][c]).isCloseTo(expectedProbs[c], within(1e-6));
          }
        }
      }
    }
  }

  @Test
  void requestedOutputsOnly() throws Exception {
    OutputMapper<float[]> probs = OutputMapper.single("probs", Tensor::floats);
    try (OnnxPredictor<float[], float[]> p = OnnxPredictor.builder(model(OnnxModels.CLASSIFIER))
        .build(InputMapper.floatRow("x"), probs)) {
      float[] x = {0.5f, -1f, 1.5f, 2f};
      double[] expected = OnnxModels.softmax(OnnxModels.logits(x));
      float[] got = p.predict(x);
      assertThat(got).hasSize(3);
      for (int c = 0; c < 3; c++) {
        assertThat((double) got[c]).isCloseTo(expected[c], within(1e-6));
      }
    }
  }

  @Test
  void int64InputWithUnnamedDynamicDimension() throws Exception {
    long[] ids = {0, 1, -5, 1L << 40, 123_456_789L};
    try (var p = OnnxPredictor.builder(model(OnnxModels.INT64_AFFINE)).build()) {
      long[] y = p.predict(Map.of("ids", Tensor.of(ids))).get("y").longs();
      long[] expected = new long[ids.length];
      for (int i = 0; i < ids.length; i++) {
        expected[i] = ids[i] * 3 + 7;
      }
      assertThat(y).containsExactly(expected);
    }
  }

  @Test
  void everySupportedElementTypeRoundTrips() throws Exception {
    double[][] d = {{1.5, -2.25}, {1e300, 0}};
    int[] i = {-1, 0, Integer.MAX_VALUE - 1};
    byte[] s8 = {-128, 0, 127};
    byte[] u8 = {(byte) 200, 0, (byte) 255};
    boolean[] flag = {true, false, false, true};
    String[] text = {"alpha", "", "ünïcødé", "shadow"};
    Map<String, Tensor> in = Map.of(
        "d", Tensor.of(d),
        "i", Tensor.of(i),
        "s8", Tensor.of(s8),
        "u8", Tensor.ofUnsignedBytes(java.nio.ByteBuffer.wrap(u8), 3),
        "flag", Tensor.of(flag),
        "text", Tensor.of(text));
    try (var p = OnnxPredictor.builder(model(OnnxModels.ALL_TYPES)).build()) {
      Map<String, Tensor> out = p.predict(in);
      double[][] twice = (double[][]) out.get("d_twice").toArray();
      assertThat(twice[0]).containsExactly(3.0, -4.5);
      assertThat(twice[1]).containsExactly(2e300, 0.0);
      assertThat(out.get("i_plus_one").ints()).containsExactly(0, 1, Integer.MAX_VALUE);
      assertThat(out.get("s8_out").elementType()).isEqualTo(ElementType.INT8);
      assertThat(out.get("s8_out").bytes()).containsExactly(s8);
      assertThat(out.get("u8_out").elementType()).isEqualTo(ElementType.UINT8);
      assertThat(out.get("u8_out").doubleAt(0)).isEqualTo(200.0);
      assertThat(out.get("u8_out").bytes()).containsExactly(u8);
      assertThat(out.get("not_flag").booleans()).containsExactly(false, true, true, false);
      assertThat(out.get("text_out").strings()).containsExactly(text);
    }
  }

  @Test
  void builderReportsEveryInvalidSettingAtOnce() {
    var builder = OnnxPredictor.builder(model(OnnxModels.LOGISTIC_V1))
        .intraOpThreads(-1)
        .interOpThreads(5000)
        .optimizationLevel(null);
    assertThatThrownBy(builder::build)
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("3 errors")
        .hasMessageContaining("intraOpThreads must be in [0, 1024] but was -1")
        .hasMessageContaining("interOpThreads must be in [0, 1024] but was 5000")
        .hasMessageContaining("optimizationLevel must not be null");
  }

  @Test
  void unavailableExecutionProviderIsAClearError() {
    for (String name : List.of("CUDA", "TensorrtExecutionProvider", "no-such-provider")) {
      assertThatThrownBy(() -> OnnxPredictor.builder(model(OnnxModels.LOGISTIC_V1))
              .executionProvider(name).build())
          .isInstanceOf(IllegalArgumentException.class)
          .hasMessageContaining("executionProvider must be one of [CPU")
          .hasMessageContaining("available in this onnxruntime build")
          .hasMessageContaining("but was \"" + name + "\"");
    }
  }

  @Test
  void cpuProviderAcceptedByEitherName() throws Exception {
    for (String name : List.of("cpu", "CPUExecutionProvider")) {
      try (var p = OnnxPredictor.builder(model(OnnxModels.LOGISTIC_V1))
          .executionProvider(name).optimizationLevel(OptLevel.NO_OPT)
          .intraOpThreads(1).interOpThreads(1)
          .build(InputMapper.floatRow("x"), OutputMapper.floatScalar("score"))) {
        assertThat(p.toString()).contains("executionProvider=CPU", "NO_OPT");
        float[] x = {1f, 1f, 1f, 1f};
        assertThat((double) p.predict(x)).isCloseTo(
            OnnxModels.logistic(OnnxModels.LOGISTIC_V1_W, OnnxModels.LOGISTIC_V1_B, x),
            within(1e-6));
      }
    }
  }

  @Test
  void mapperNamesAreCheckedAgainstTheModelWhenBuilding() {
    assertThatThrownBy(() -> OnnxPredictor.builder(model(OnnxModels.LOGISTIC_V1))
            .build(InputMapper.floatRow("features"), OutputMapper.floatScalar("probability")))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("3 errors")
        .hasMessageContaining("input \"features\" is not an input of the model (inputs: x FLOAT [1, 4])")
        .hasMessageContaining("input \"x\" is missing: the model declares FLOAT [1, 4]")
        .hasMessageContaining("output \"probability\" is not an output of the model"
            + " (outputs: score FLOAT [1, 1])");
  }

  @Test
  void unreadableModelsFailFast(@TempDir Path dir) throws Exception {
    assertThatThrownBy(() -> ModelSource.classpath("models/missing.onnx"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("\"models/missing.onnx\" was not found");
    assertThatThrownBy(() -> ModelSource.path(dir.resolve("nope.onnx")))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("must be a readable regular file");
    ModelSource garbage = ModelSource.bytes(new byte[] {1, 2, 3, 4});
    assertThatThrownBy(() -> OnnxPredictor.builder(garbage).build())
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("OnnxPredictor(bytes[4]): the model could not be loaded");
  }

  @Test
  void everyCallIsValidatedAgainstTheModelMetadata() throws Exception {
    try (var p = OnnxPredictor.builder(model(OnnxModels.TWO_IN_TWO_OUT)).build()) {
      Tensor ok = Tensor.of(new float[2][3]);
      assertThatThrownBy(() -> p.predict(Map.of("a", ok, "c", ok)))
          .isInstanceOf(IllegalArgumentException.class)
          .hasMessageContaining("2 errors")
          .hasMessageContaining("input \"c\" is not an input of the model"
              + " (inputs: a FLOAT [2, 3], b FLOAT [2, 3])")
          .hasMessageContaining("input \"b\" is missing: the model declares FLOAT [2, 3]");
      assertThatThrownBy(() -> p.predict(Map.of("a", Tensor.of(new double[2][3]), "b", ok)))
          .hasMessageContaining("input \"a\" must be FLOAT [2, 3] as the model declares"
              + " but was DOUBLE [2, 3]: wrong element type");
      assertThatThrownBy(() -> p.predict(Map.of("a", ok, "b", Tensor.of(new float[6]))))
          .hasMessageContaining("input \"b\" must be FLOAT [2, 3] as the model declares"
              + " but was FLOAT [6]: wrong rank 1 (expected 2)");
      assertThatThrownBy(() -> p.predict(Map.of("a", Tensor.of(new float[2][4]), "b", ok)))
          .hasMessageContaining("input \"a\" must be FLOAT [2, 3] as the model declares"
              + " but was FLOAT [2, 4]: dimension 1 must be 3 but was 4");
    }
  }

  @Test
  void symbolicDimensionsAreNamedInErrors() throws Exception {
    try (var p = OnnxPredictor.builder(model(OnnxModels.CLASSIFIER)).build()) {
      assertThatThrownBy(() -> p.predict(Map.of("x", Tensor.of(new float[5][3]))))
          .isInstanceOf(IllegalArgumentException.class)
          .hasMessageContaining("input \"x\" must be FLOAT [batch, 4] as the model declares"
              + " but was FLOAT [5, 3]: dimension 1 must be 4 but was 3");
    }
  }

  @Test
  void aFailingRunThrowsOrtExceptionAndLeavesThePredictorUsable() throws Exception {
    try (var p = OnnxPredictor.builder(model(OnnxModels.RESHAPE_2X2)).build()) {
      // three elements pass validation (dynamic dimension) but cannot be reshaped to [2, 2]
      assertThatThrownBy(() -> p.predict(Map.of("x", Tensor.of(new float[] {1, 2, 3}))))
          .isInstanceOf(OrtException.class)
          .hasMessageContaining("cannot be reshaped"); // ONNX Runtime's reason, not only a log
      Tensor y = p.predict(Map.of("x", Tensor.of(new float[] {1, 2, 3, 4}))).get("y");
      assertThat((float[][]) y.toArray()).isDeepEqualTo(new float[][] {{1, 2}, {3, 4}});
    }
  }

  @Test
  void closedPredictorRejectsCallsAndCloseIsIdempotent() throws Exception {
    OnnxPredictor<float[], Float> p = logistic(model(OnnxModels.LOGISTIC_V1));
    p.predict(new float[4]);
    p.close();
    p.close();
    assertThatThrownBy(() -> p.predict(new float[4]))
        .isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("is closed");
  }

  @Test
  void oneSessionServesConcurrentCallers() throws Exception {
    int threads = 4;
    int callsEach = 500;
    ExecutorService pool = Executors.newFixedThreadPool(threads);
    try (OnnxPredictor<float[], Float> p = OnnxPredictor.builder(model(OnnxModels.LOGISTIC_V1))
        .intraOpThreads(1).build(InputMapper.floatRow("x"), OutputMapper.floatScalar("score"))) {
      CountDownLatch start = new CountDownLatch(1);
      List<Future<Integer>> results = new ArrayList<>();
      for (int t = 0; t < threads; t++) {
        long base = t * 10_000L;
        results.add(pool.submit(() -> {
          start.await();
          int correct = 0;
          for (int c = 0; c < callsEach; c++) {
            float[] x = OnnxModels.features(base + c, 4);
            double expected =
                OnnxModels.logistic(OnnxModels.LOGISTIC_V1_W, OnnxModels.LOGISTIC_V1_B, x);
            if (Math.abs(p.predict(x) - expected) < 1e-6) {
              correct++;
            }
          }
          return correct;
        }));
      }
      start.countDown();
      for (Future<Integer> r : results) {
        assertThat(r.get(30, TimeUnit.SECONDS)).isEqualTo(callsEach);
      }
    } finally {
      pool.shutdownNow();
    }
  }

  @Test
  void closeDuringConcurrentCallsWaitsForThemAndLaterCallsFailCleanly() throws Exception {
    int threads = 3;
    ExecutorService pool = Executors.newFixedThreadPool(threads);
    OnnxPredictor<float[], Float> p = logistic(model(OnnxModels.LOGISTIC_V1));
    try {
      CountDownLatch allRunning = new CountDownLatch(threads);
      List<Future<Integer>> callers = new ArrayList<>();
      for (int t = 0; t < threads; t++) {
        callers.add(pool.submit(() -> {
          int succeeded = 0;
          try {
            while (true) { // ends only when a call sees the predictor closed
              p.predict(new float[] {1f, 2f, 3f, 4f});
              if (succeeded++ == 0) {
                allRunning.countDown();
              }
            }
          } catch (IllegalStateException closed) {
            return succeeded;
          }
        }));
      }
      assertThat(allRunning.await(30, TimeUnit.SECONDS)).isTrue();
      p.close(); // while the callers are mid-loop: must neither crash nor hang
      for (Future<Integer> caller : callers) {
        assertThat(caller.get(30, TimeUnit.SECONDS)).isPositive();
      }
    } finally {
      pool.shutdownNow();
      p.close();
    }
  }

  @Test
  void outputMapperSeesPlainJavaCopiesAfterNativeMemoryIsReleased() throws Exception {
    List<Map<String, Tensor>> kept = new ArrayList<>();
    OutputMapper<Integer> keep = outputs -> {
      kept.add(outputs);
      return outputs.size();
    };
    try (var p = OnnxPredictor.builder(model(OnnxModels.TWO_IN_TWO_OUT))
        .build(InputMapper.identity(), keep)) {
      Tensor ones = Tensor.of(new float[][] {{1f, 1f, 1f}, {1f, 1f, 1f}});
      assertThat(p.predict(Map.of("a", ones, "b", ones))).isEqualTo(2);
    }
    // the session is closed now; the kept outputs are still readable Java data
    assertThat(kept.get(0).get("sum").floats()).containsOnly(2f);
    assertThat(kept.get(0).keySet()).isEqualTo(Set.of("sum", "product"));
  }
}
