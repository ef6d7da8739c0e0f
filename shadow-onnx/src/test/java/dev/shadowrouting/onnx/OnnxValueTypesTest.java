package dev.shadowrouting.onnx;

import static dev.shadowrouting.onnx.OnnxModels.model;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OnnxValue;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtSession;
import dev.shadowrouting.onnx.internal.OrtTensors;
import java.nio.FloatBuffer;
import java.nio.ShortBuffer;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/**
 * The ONNX types real models use, through real models: float16, bfloat16 and int16 tensors, the
 * {@code seq(map(int64, float))} probabilities of a skl2onnx-style ZipMap classifier, sequences
 * of tensors, and the errors for types shadow-onnx cannot carry or metadata it cannot read.
 */
class OnnxValueTypesTest {

  private static short[] allPatterns() {
    short[] all = new short[1 << 16];
    for (int i = 0; i < all.length; i++) {
      all[i] = (short) i;
    }
    return all;
  }

  /** Floats exercising every rounding position of both 16-bit formats, plus specials. */
  private static float[] roundingProbes() {
    SplittableRandom random = new SplittableRandom(11);
    int[] lows = {0x0000, 0x0FFF, 0x1000, 0x1001, 0x7FFF, 0x8000, 0x8001, 0};
    float[] probes = new float[(1 << 16) * lows.length];
    int n = 0;
    for (int upper = 0; upper < 1 << 16; upper++) {
      lows[lows.length - 1] = random.nextInt(1 << 16);
      for (int low : lows) {
        probes[n++] = Float.intBitsToFloat(upper << 16 | low);
      }
    }
    return probes;
  }

  private static Map<String, Tensor> halfTypesInputs(short[] bits, float[] floats) {
    return Map.of(
        "h", Tensor.ofFloat16(ShortBuffer.wrap(bits), bits.length),
        "bf", Tensor.ofBFloat16(ShortBuffer.wrap(bits), bits.length),
        "s", Tensor.ofShorts(ShortBuffer.wrap(bits), bits.length),
        "f", Tensor.ofFloats(FloatBuffer.wrap(floats), floats.length));
  }

  @Test
  void float16Bfloat16AndInt16PassThroughAModelBitForBit() throws Exception {
    short[] all = allPatterns();
    try (var p = OnnxPredictor.builder(model(OnnxModels.HALF_TYPES)).build()) {
      Map<String, Tensor> out = p.predict(halfTypesInputs(all, new float[] {1f}));
      assertThat(out.get("h_same").elementType()).isEqualTo(ElementType.FLOAT16);
      assertThat(out.get("h_same").shorts()).containsExactly(all);
      assertThat(out.get("bf_same").elementType()).isEqualTo(ElementType.BFLOAT16);
      assertThat(out.get("bf_same").shorts()).containsExactly(all);
      assertThat(out.get("s_same").elementType()).isEqualTo(ElementType.INT16);
      assertThat(out.get("s_same").shorts()).containsExactly(all);
      int[] asInt = out.get("s_as_int").ints();
      for (int i = 0; i < all.length; i++) {
        assertThat(asInt[i]).isEqualTo((int) all[i]);
      }
    }
  }

  /** ONNX Runtime's native Cast kernels are the reference for both directions of conversion. */
  @Test
  void javaConversionsAgreeWithOnnxRuntimesCastKernels() throws Exception {
    short[] all = allPatterns();
    float[] probes = roundingProbes();
    try (var p = OnnxPredictor.builder(model(OnnxModels.HALF_TYPES)).build()) {
      Map<String, Tensor> out = p.predict(halfTypesInputs(all, probes));

      float[] halfWidened = out.get("h_as_float").floats();
      float[] bfWidened = out.get("bf_as_float").floats();
      for (int i = 0; i < all.length; i++) {
        assertSameFloat(HalfPrecision.float16ToFloat(all[i]), halfWidened[i], "float16", i);
        assertSameFloat(HalfPrecision.bfloat16ToFloat(all[i]), bfWidened[i], "bfloat16", i);
      }

      short[] halfNarrowed = out.get("f_as_half").shorts();
      short[] bfNarrowed = out.get("f_as_bf").shorts();
      Tensor f = Tensor.of(probes);
      short[] ourHalf = f.convertTo(ElementType.FLOAT16).shorts();
      short[] ourBf = f.convertTo(ElementType.BFLOAT16).shorts();
      for (int i = 0; i < probes.length; i++) {
        if (Float.isNaN(probes[i])) { // payloads may differ; NaN must stay NaN
          assertThat(HalfPrecision.float16ToFloat(halfNarrowed[i])).isNaN();
          assertThat(HalfPrecision.float16ToFloat(ourHalf[i])).isNaN();
          assertThat(HalfPrecision.bfloat16ToFloat(bfNarrowed[i])).isNaN();
          assertThat(HalfPrecision.bfloat16ToFloat(ourBf[i])).isNaN();
        } else {
          assertThat(ourHalf[i]).as("float16 of %s", probes[i]).isEqualTo(halfNarrowed[i]);
          assertThat(ourBf[i]).as("bfloat16 of %s", probes[i]).isEqualTo(bfNarrowed[i]);
        }
      }
    }
  }

  private static void assertSameFloat(float ours, float ort, String type, int bits) {
    if (Float.isNaN(ort)) {
      assertThat(ours).as("%s 0x%04x", type, bits).isNaN();
    } else {
      assertThat(Float.floatToRawIntBits(ours)).as("%s 0x%04x", type, bits)
          .isEqualTo(Float.floatToRawIntBits(ort));
    }
  }

  @Test
  void float16ScorerAgreesWithJavaToWithinOneFloat16Step() throws Exception {
    try (OnnxPredictor<float[], Float> p = OnnxPredictor.builder(
            model(OnnxModels.LOGISTIC_FP16_V1))
        .build(InputMapper.float16Row("x"), OutputMapper.floatScalar("score"))) {
      for (long seed = 0; seed < 200; seed++) {
        float[] x = OnnxModels.features(seed, 4);
        float[] xHalf = Tensor.of(x).convertTo(ElementType.FLOAT16).toFloats();
        short expected = HalfPrecision.floatToFloat16((float)
            OnnxModels.logistic(OnnxModels.LOGISTIC_V1_W, OnnxModels.LOGISTIC_V1_B, xHalf));
        short got = HalfPrecision.floatToFloat16(p.predict(x));
        // the model computes in float32, Java in double: the final rounding may differ by a step
        assertThat(Math.abs(got - expected)).as("x = %s", java.util.Arrays.toString(x))
            .isLessThanOrEqualTo(1);
      }
    }
  }

  @Test
  void float16InputsAreCheckedLikeAnyOther() throws Exception {
    try (var p = OnnxPredictor.builder(model(OnnxModels.LOGISTIC_FP16_V1)).build()) {
      assertThatThrownBy(() -> p.predict(Map.of("x", Tensor.of(new float[1][4]))))
          .isInstanceOf(IllegalArgumentException.class)
          .hasMessageContaining("input \"x\" must be FLOAT16 [1, 4] as the model declares"
              + " but was FLOAT [1, 4]: wrong element type");
      Tensor score = p.predict(Map.of("x", Tensor.of(new float[1][4])
          .convertTo(ElementType.FLOAT16))).get("score");
      assertThat(score.elementType()).isEqualTo(ElementType.FLOAT16);
      assertThat((double) score.floatValue()).isCloseTo(
          1 / (1 + Math.exp(-OnnxModels.LOGISTIC_V1_B)), within(1e-3));
    }
  }

  @Test
  void zipMapClassifierReturnsLabelsAndOneProbabilityMapPerRow() throws Exception {
    float[][] x = new float[5][];
    for (int r = 0; r < x.length; r++) {
      x[r] = OnnxModels.features(500 + r, 4);
    }
    try (var p = OnnxPredictor.builder(model(OnnxModels.ZIPMAP_V1))
        .build(InputMapper.identity(), ValueOutputMapper.identity())) {
      Map<String, ModelValue> out = p.predict(Map.of("float_input", Tensor.of(x)));
      assertThat(out).containsOnlyKeys("output_label", "output_probability");
      long[] labels = out.get("output_label").asTensor().longs();
      SequenceValue probabilities = out.get("output_probability").asSequence();
      assertThat(probabilities.typeDescription()).isEqualTo("seq(map(INT64, FLOAT))");
      assertThat(probabilities.size()).isEqualTo(x.length);
      for (int r = 0; r < x.length; r++) {
        double[] expected = OnnxModels.softmax(OnnxModels.logits(x[r]));
        assertThat(labels[r]).isEqualTo(OnnxModels.argmax(expected));
        Map<Long, Float> row = probabilities.map(r).asMap(Long.class, Float.class);
        assertThat(row).containsOnlyKeys(0L, 1L, 2L);
        for (int c = 0; c < 3; c++) {
          assertThat((double) row.get((long) c)).isCloseTo(expected[c], within(1e-6));
        }
      }
    }
  }

  @Test
  void zipMapWithStringLabelsReturnsStringKeyedMaps() throws Exception {
    float[] x = {0.5f, -1f, 1.5f, 2f};
    double[] expected = OnnxModels.softmax(OnnxModels.logits(x));
    try (var p = OnnxPredictor.builder(model(OnnxModels.ZIPMAP_LABELS))
        .build(InputMapper.floatRow("float_input"), ValueOutputMapper.identity())) {
      Map<String, ModelValue> out = p.predict(x);
      assertThat(out.get("output_label").asTensor().strings())
          .containsExactly(OnnxModels.ZIPMAP_STRING_LABELS[OnnxModels.argmax(expected)]);
      MapValue row = out.get("output_probability").asSequence().map(0);
      assertThat(row.typeDescription()).isEqualTo("map(STRING, FLOAT)");
      assertThat(row.entries().keySet())
          .containsExactly((Object[]) OnnxModels.ZIPMAP_STRING_LABELS); // sorted
      for (int c = 0; c < 3; c++) {
        assertThat((double) (Float) row.get(OnnxModels.ZIPMAP_STRING_LABELS[c]))
            .isCloseTo(expected[c], within(1e-6));
      }
    }
  }

  @Test
  void oneRowOfProbabilitiesAsATypedJavaMap() throws Exception {
    ValueOutputMapper<Map<Long, Float>> firstRow = ValueOutputMapper.single("output_probability",
        v -> v.asSequence().map(0).asMap(Long.class, Float.class));
    try (OnnxPredictor<float[], Map<Long, Float>> p = OnnxPredictor.builder(
        model(OnnxModels.ZIPMAP_V2)).build(InputMapper.floatRow("float_input"), firstRow)) {
      float[] x = {1f, 0f, -1f, 0.5f};
      double[] expected = OnnxModels.softmax(
          OnnxModels.logits(OnnxModels.ZIPMAP_V2_W, OnnxModels.ZIPMAP_V2_B, x));
      Map<Long, Float> probabilities = p.predict(x);
      for (int c = 0; c < 3; c++) {
        assertThat((double) probabilities.get((long) c)).isCloseTo(expected[c], within(1e-6));
      }
    }
  }

  @Test
  void aTensorOnlyMapperOnAZipMapModelIsToldWhatToUse() throws Exception {
    assertThatThrownBy(() -> OnnxPredictor.builder(model(OnnxModels.ZIPMAP_V1)).build())
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("output \"output_probability\" is seq(map(INT64, FLOAT)), which a"
            + " tensor OutputMapper cannot take: use a ValueOutputMapper");
    // naming only the tensor output is fine, and ONNX Runtime skips the ZipMap
    try (OnnxPredictor<float[], long[]> labels = OnnxPredictor.builder(
            model(OnnxModels.ZIPMAP_V1))
        .build(InputMapper.floatRow("float_input"),
            OutputMapper.single("output_label", Tensor::longs))) {
      float[] x = {0.5f, -1f, 1.5f, 2f};
      assertThat(labels.predict(x))
          .containsExactly(OnnxModels.argmax(OnnxModels.softmax(OnnxModels.logits(x))));
    }
  }

  @Test
  void sequenceOfTensorsOutput() throws Exception {
    try (OnnxPredictor<Map<String, Tensor>, SequenceValue> p = OnnxPredictor.builder(
            model(OnnxModels.SEQUENCE_SPLIT))
        .build(InputMapper.identity(),
            ValueOutputMapper.single("chunks", ModelValue::asSequence))) {
      SequenceValue chunks = p.predict(Map.of("x", Tensor.of(new float[] {1, 2, 3, 4, 5})));
      assertThat(chunks.typeDescription()).isEqualTo("seq(tensor(FLOAT))");
      assertThat(chunks.elements()).containsExactly(
          Tensor.of(new float[] {1, 2}), Tensor.of(new float[] {3, 4}), Tensor.of(new float[] {5}));
    }
  }

  @Test
  void sequencesOnnxRuntimeCannotReadAreReportedWhenBuilding() {
    assertThatThrownBy(() -> OnnxPredictor.builder(model(OnnxModels.SEQUENCE_SPLIT))
            .build(InputMapper.identity(), ValueOutputMapper.identity()))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageStartingWith("OnnxPredictor(classpath:models/sequence_split.onnx): output"
            + " \"int_chunks\" is seq(tensor(INT32)), which ONNX Runtime's Java API cannot read")
        .hasMessageContaining("name the outputs you need in the output mapper to leave it out");
  }

  @Test
  void unsignedWideIntegersAreRejectedNotReadAsSigned() {
    assertThatThrownBy(() -> OnnxPredictor.builder(model(OnnxModels.UNSIGNED_TYPES)).build())
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("4 errors")
        .hasMessageContaining("input \"u16\" is UINT16 [2], which shadow-onnx does not support")
        .hasMessageContaining("input \"u32\" is UINT32 [2], which shadow-onnx does not support")
        .hasMessageContaining("output \"u32_out\" is UINT32 [2]");
  }

  /** What a plain ONNX Runtime session returns for {@code inputs}, as shadow-onnx values. */
  private static Map<String, ModelValue> plainSession(String model, Map<String, Tensor> inputs)
      throws Exception {
    OrtEnvironment env = OrtEnvironment.getEnvironment();
    try (var in = OnnxModels.class.getClassLoader().getResourceAsStream(model);
         OrtSession.SessionOptions options = new OrtSession.SessionOptions();
         OrtSession session = env.createSession(in.readAllBytes(), options)) {
      Map<String, OnnxTensor> ortInputs = new java.util.HashMap<>();
      try {
        for (Map.Entry<String, Tensor> e : inputs.entrySet()) {
          ortInputs.put(e.getKey(), OrtTensors.toOrt(env, e.getValue()));
        }
        try (OrtSession.Result result = session.run(ortInputs)) {
          Map<String, ModelValue> outputs = new java.util.LinkedHashMap<>();
          for (Map.Entry<String, OnnxValue> e : result) {
            outputs.put(e.getKey(), OrtTensors.fromOrt(e.getValue()));
          }
          return outputs;
        }
      } finally {
        OnnxValue.close(ortInputs);
      }
    }
  }

  /**
   * An optional output: ONNX Runtime's Java API cannot describe it, but a session runs the model,
   * and so does the predictor (it used to refuse the model at build time).
   */
  @Test
  void aModelWithAnOptionalOutputRunsAsAPlainSessionRunsIt() throws Exception {
    Map<String, Tensor> in = Map.of("x", Tensor.of(new float[] {1.5f, -2f}));
    try (var p = OnnxPredictor.builder(model(OnnxModels.OPTIONAL_OUTPUT)).build()) {
      assertThat(p.outputNames()).containsExactly("maybe");
      Map<String, Tensor> out = p.predict(in);
      assertThat(out.get("maybe").floats()).containsExactly(1.5f, -2f);
      assertThat(out).isEqualTo(plainSession(OnnxModels.OPTIONAL_OUTPUT, in));
    }
  }

  /** ONNX's backend case test_if_opt, the one of 949 the predictor lost to a plain session. */
  @Test
  void theBackendCaseOfAnIfWithAnOptionalSequenceOutputRuns() throws Exception {
    Map<String, Tensor> in = Map.of("empty", Tensor.of(false));
    try (var p = OnnxPredictor.builder(model(OnnxModels.IF_OPTIONAL))
        .build(InputMapper.identity(), ValueOutputMapper.identity())) {
      Map<String, ModelValue> out = p.predict(in);
      SequenceValue maybe = out.get("maybe").asSequence();
      assertThat(maybe.size()).isEqualTo(1);
      assertThat(maybe.tensor(0).floats()).containsExactly(1f, 2f, 3f, 4f, 5f);
      assertThat(out).isEqualTo(plainSession(OnnxModels.IF_OPTIONAL, in));
    }
  }

  /**
   * Outputs ONNX Runtime cannot describe are known by name: a mapper naming another output fails
   * at build time, and a value a tensor mapper cannot take fails when it arrives, naming it.
   */
  @Test
  void undescribedOutputsAreCheckedByNameWhenBuildingAndByValueWhenTheyArrive() throws Exception {
    assertThatThrownBy(() -> OnnxPredictor.builder(model(OnnxModels.IF_OPTIONAL))
            .build(InputMapper.identity(), OutputMapper.floatScalar("score")))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("output \"score\" is not an output of the model (outputs: maybe ");
    try (var p = OnnxPredictor.builder(model(OnnxModels.IF_OPTIONAL)).build()) {
      assertThatThrownBy(() -> p.predict(Map.of("empty", Tensor.of(false))))
          .isInstanceOf(IllegalStateException.class)
          .hasMessage("OnnxPredictor(classpath:models/if_optional.onnx): output \"maybe\" is"
              + " seq(tensor(FLOAT)), which a tensor OutputMapper cannot take");
    }
  }

  /** Without the inputs' declaration a call's inputs cannot be checked: that model is refused. */
  @Test
  void unreadableInputMetadataFailsWithOnnxRuntimesReasonAndTheCause() {
    assertThatThrownBy(() -> OnnxPredictor.builder(model(OnnxModels.OPTIONAL_INPUT)).build())
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageStartingWith("OnnxPredictor(classpath:models/optional_input.onnx): could not"
            + " read the model's input metadata: OrtException: ")
        .hasMessageContaining("Invalid ONNXType")
        .cause()
        .isInstanceOf(OrtException.class)
        .hasMessageContaining("Invalid ONNXType");
  }

  @Test
  void sequenceAndMapValuesReachTheMapperAsImmutableCopies() throws Exception {
    List<Map<String, ModelValue>> kept = new java.util.ArrayList<>();
    ValueOutputMapper<Integer> keep = outputs -> {
      kept.add(outputs);
      return outputs.size();
    };
    try (var p = OnnxPredictor.builder(model(OnnxModels.ZIPMAP_V1))
        .build(InputMapper.floatRow("float_input"), keep)) {
      assertThat(p.predict(new float[] {1, 2, 3, 4})).isEqualTo(2);
    }
    // the session is closed; the values are plain Java data that cannot be changed
    MapValue row = kept.get(0).get("output_probability").asSequence().map(0);
    assertThat(row.size()).isEqualTo(3);
    assertThatThrownBy(() -> row.asMap(Long.class, Float.class).put(7L, 1f))
        .isInstanceOf(UnsupportedOperationException.class);
    assertThatThrownBy(() -> kept.get(0).put("x", row))
        .isInstanceOf(UnsupportedOperationException.class);
  }
}
