package dev.shadowrouting.tck.builtin;

import dev.shadowrouting.OutputComparator;
import dev.shadowrouting.Predictor;
import dev.shadowrouting.onnx.InputMapper;
import dev.shadowrouting.onnx.ModelSource;
import dev.shadowrouting.onnx.OnnxPredictor;
import dev.shadowrouting.onnx.OutputMapper;
import dev.shadowrouting.tck.PredictorCompatibilityKit;
import java.nio.file.Path;
import java.util.List;

/**
 * shadow-onnx's {@link OnnxPredictor} over the logistic test model of shadow-onnx ({@code score =
 * sigmoid(x . W + b)}, x a FLOAT [1, 4]). Inputs of the wrong width fail its input validation.
 */
class OnnxPredictorCompatibilityTest extends PredictorCompatibilityKit<float[], Float> {
  private static final Path MODEL =
      Path.of("../shadow-onnx/src/test/resources/models/logistic_v1.onnx");

  @Override
  protected Predictor<float[], Float> createPredictor() {
    return OnnxPredictor.builder(ModelSource.path(MODEL))
        .intraOpThreads(1)
        .build(InputMapper.floatRow("x"), OutputMapper.floatScalar("score"));
  }

  @Override
  protected List<float[]> sampleInputs() {
    return List.of(new float[] {0, 0, 0, 0}, new float[] {1, 2, 3, 4},
        new float[] {-5, 0.5f, 2, 100});
  }

  @Override
  protected List<float[]> failingInputs() {
    return List.of(new float[] {1, 2, 3}, new float[0]);
  }

  @Override
  protected OutputComparator<Float> sameOutput() {
    return OutputComparator.numericTolerance(0, 0); // bit-for-bit: one session, same input
  }
}
