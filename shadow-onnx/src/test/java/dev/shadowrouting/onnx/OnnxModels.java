package dev.shadowrouting.onnx;

/**
 * The test models of {@code src/test/models/generate_models.py} and the weights it used, so tests
 * compute expected outputs in Java rather than reading them back from a model.
 */
final class OnnxModels {
  static final String LOGISTIC_V1 = "models/logistic_v1.onnx";
  static final String LOGISTIC_V2 = "models/logistic_v2.onnx";
  static final String TWO_IN_TWO_OUT = "models/two_in_two_out.onnx";
  static final String CLASSIFIER = "models/classifier.onnx";
  static final String INT64_AFFINE = "models/int64_affine.onnx";
  static final String ALL_TYPES = "models/all_types.onnx";
  static final String RESHAPE_2X2 = "models/reshape_2x2.onnx";
  static final String ZIPMAP_V1 = "models/zipmap_v1.onnx";
  static final String ZIPMAP_V2 = "models/zipmap_v2.onnx";
  static final String ZIPMAP_LABELS = "models/zipmap_labels.onnx";
  static final String SEQUENCE_SPLIT = "models/sequence_split.onnx";
  static final String HALF_TYPES = "models/half_types.onnx";
  static final String LOGISTIC_FP16_V1 = "models/logistic_fp16_v1.onnx";
  static final String UNSIGNED_TYPES = "models/unsigned_types.onnx";
  static final String OPTIONAL_OUTPUT = "models/optional_output.onnx";
  static final String OPTIONAL_INPUT = "models/optional_input.onnx";
  /** ONNX's backend case test_if_opt: an optional(seq(tensor(float))) output. */
  static final String IF_OPTIONAL = "models/if_optional.onnx";

  static final float[] LOGISTIC_V1_W = {0.5f, -1.25f, 2.0f, 0.75f};
  static final float LOGISTIC_V1_B = -0.3f;
  static final float[] LOGISTIC_V2_W = {0.6f, -1.0f, 1.5f, 1.25f};
  static final float LOGISTIC_V2_B = 0.1f;

  static final float[][] CLASSIFIER_W = {
      {1.0f, -0.5f, 0.25f},
      {0.0f, 2.0f, -1.0f},
      {-1.5f, 0.5f, 1.0f},
      {0.75f, -0.25f, 0.5f}};
  static final float[] CLASSIFIER_B = {0.1f, -0.2f, 0.3f};

  /** zipmap_v1 uses the classifier's weights; zipmap_v2 these. */
  static final float[][] ZIPMAP_V2_W = {
      {1.1f, -0.5f, 0.2f},
      {0.1f, 1.8f, -1.0f},
      {-1.4f, 0.5f, 1.1f},
      {0.7f, -0.3f, 0.6f}};
  static final float[] ZIPMAP_V2_B = {0.0f, -0.1f, 0.35f};
  static final String[] ZIPMAP_STRING_LABELS = {"setosa", "versicolor", "virginica"};

  private OnnxModels() {}

  static ModelSource model(String resource) {
    return ModelSource.classpath(resource);
  }

  static double logistic(float[] w, float b, float[] x) {
    double z = b;
    for (int i = 0; i < w.length; i++) {
      z += (double) w[i] * x[i];
    }
    return 1 / (1 + Math.exp(-z));
  }

  static double[] logits(float[] x) {
    return logits(CLASSIFIER_W, CLASSIFIER_B, x);
  }

  static double[] logits(float[][] w, float[] b, float[] x) {
    double[] out = new double[b.length];
    for (int c = 0; c < out.length; c++) {
      out[c] = b[c];
      for (int i = 0; i < x.length; i++) {
        out[c] += (double) x[i] * w[i][c];
      }
    }
    return out;
  }

  static int argmax(double[] values) {
    int best = 0;
    for (int i = 1; i < values.length; i++) {
      if (values[i] > values[best]) {
        best = i;
      }
    }
    return best;
  }

  static double[] softmax(double[] logits) {
    double max = Double.NEGATIVE_INFINITY;
    for (double v : logits) {
      max = Math.max(max, v);
    }
    double sum = 0;
    double[] out = new double[logits.length];
    for (int i = 0; i < out.length; i++) {
      out[i] = Math.exp(logits[i] - max);
      sum += out[i];
    }
    for (int i = 0; i < out.length; i++) {
      out[i] /= sum;
    }
    return out;
  }

  /** Deterministic pseudo-random features in [-2, 2), so failures reproduce. */
  static float[] features(long seed, int n) {
    java.util.SplittableRandom random = new java.util.SplittableRandom(seed);
    float[] x = new float[n];
    for (int i = 0; i < n; i++) {
      x[i] = (float) (random.nextDouble() * 4 - 2);
    }
    return x;
  }
}
