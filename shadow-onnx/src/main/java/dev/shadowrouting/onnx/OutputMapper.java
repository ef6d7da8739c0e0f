package dev.shadowrouting.onnx;

import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.function.Function;

/**
 * Turns the model's named output tensors into the predictor's output.
 *
 * <p>Called on every prediction, on the calling thread, after every native resource of the call is
 * released (the tensors it receives are plain Java copies), so an implementation must be
 * thread-safe and may keep what it receives.
 *
 * <p>An {@code OutputMapper} receives tensors only; a model's sequence and map outputs (such as
 * skl2onnx's ZipMap probabilities) go to a {@link ValueOutputMapper}, which the predictor calls
 * through {@link ValueOutputMapper#fromValues} instead.
 *
 * @param <O> the predictor's output type
 */
@FunctionalInterface
public interface OutputMapper<O> {

  /** The predictor's output from the requested outputs (all of them when none are named). */
  O fromTensors(Map<String, Tensor> outputs);

  /**
   * The outputs to compute, checked against the model when the predictor is built; ONNX Runtime
   * then skips the work only other outputs need. Empty (the default) means every output.
   */
  default Set<String> outputNames() {
    return Set.of();
  }

  /** The general case: every output, by name. */
  static OutputMapper<Map<String, Tensor>> identity() {
    return outputs -> outputs;
  }

  /** One output, converted by {@code fromTensor}. */
  static <O> OutputMapper<O> single(
      String outputName, Function<? super Tensor, ? extends O> fromTensor) {
    Objects.requireNonNull(outputName, "outputName");
    Objects.requireNonNull(fromTensor, "fromTensor");
    return new OutputMapper<>() {
      @Override
      public O fromTensors(Map<String, Tensor> outputs) {
        return fromTensor.apply(outputs.get(outputName));
      }

      @Override
      public Set<String> outputNames() {
        return Set.of(outputName);
      }
    };
  }

  /**
   * The single element of a one-element FLOAT, FLOAT16 or BFLOAT16 output
   * ({@link Tensor#floatValue()}), such as the {@code [1, 1]} score of a binary classifier.
   */
  static OutputMapper<Float> floatScalar(String outputName) {
    return single(outputName, Tensor::floatValue);
  }
}
