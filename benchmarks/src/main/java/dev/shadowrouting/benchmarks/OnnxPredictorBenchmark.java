package dev.shadowrouting.benchmarks;

import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtSession;
import dev.shadowrouting.onnx.InputMapper;
import dev.shadowrouting.onnx.ModelSource;
import dev.shadowrouting.onnx.OnnxPredictor;
import dev.shadowrouting.onnx.OutputMapper;
import dev.shadowrouting.onnx.Tensor;
import java.io.IOException;
import java.io.InputStream;
import java.nio.FloatBuffer;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;

/**
 * The cost of {@link OnnxPredictor} over a hand-written {@code OrtSession.run} of the same model
 * (a 4-feature logistic scorer, batch 1), each on its own session with the same options: the
 * baseline creates the input tensor from a buffer, runs, reads the score and closes both, as a
 * careful caller would. {@code typed} is {@code OnnxPredictor<float[], Float>}, {@code general}
 * the {@code Map<String, Tensor>} form.
 *
 * <p>Run: {@code java -jar benchmarks/target/benchmarks.jar OnnxPredictorBenchmark -f 1 -wi 3 -i 5
 * -w 1s -r 1s}
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
public class OnnxPredictorBenchmark {
  private static final String MODEL = "dev/shadowrouting/benchmarks/models/logistic_v1.onnx";
  private static final long[] SHAPE = {1, 4};

  private final float[] features = {0.5f, -1.0f, 1.5f, 0.25f};
  private final Map<String, Tensor> tensors = Map.of("x", Tensor.of(new float[][] {features}));

  private OrtEnvironment env;
  private OrtSession raw;
  private OnnxPredictor<float[], Float> typed;
  private OnnxPredictor<Map<String, Tensor>, Map<String, Tensor>> general;

  @Setup
  public void setUp() throws IOException, OrtException {
    byte[] model;
    try (InputStream in = getClass().getClassLoader().getResourceAsStream(MODEL)) {
      model = in.readAllBytes();
    }
    env = OrtEnvironment.getEnvironment();
    try (OrtSession.SessionOptions options = new OrtSession.SessionOptions()) {
      options.setIntraOpNumThreads(1);
      options.setOptimizationLevel(OrtSession.SessionOptions.OptLevel.ALL_OPT);
      raw = env.createSession(model, options);
    }
    typed = builder(model).build(InputMapper.floatRow("x"), OutputMapper.floatScalar("score"));
    general = builder(model).build();
  }

  private static OnnxPredictor.Builder builder(byte[] model) {
    return OnnxPredictor.builder(ModelSource.bytes(model))
        .intraOpThreads(1)
        .optimizationLevel(OrtSession.SessionOptions.OptLevel.ALL_OPT);
  }

  @TearDown
  public void tearDown() throws OrtException {
    typed.close();
    general.close();
    raw.close();
  }

  @Benchmark
  public float rawOrtSession() throws OrtException {
    try (OnnxTensor x = OnnxTensor.createTensor(env, FloatBuffer.wrap(features), SHAPE);
        OrtSession.Result result = raw.run(Map.of("x", x))) {
      return ((OnnxTensor) result.get(0)).getFloatBuffer().get(0);
    }
  }

  @Benchmark
  public Float typed() throws OrtException {
    return typed.predict(features);
  }

  @Benchmark
  public Map<String, Tensor> general() throws OrtException {
    return general.predict(tensors);
  }
}
