package dev.shadowrouting.onnx;

import java.nio.FloatBuffer;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.function.Function;

/**
 * Turns a predictor's input into the model's named input tensors.
 *
 * <p>Called on every prediction, on the calling thread (the production caller or a shadow worker),
 * so an implementation must be thread-safe; it should not keep the tensors it returns.
 *
 * @param <I> the predictor's input type
 */
@FunctionalInterface
public interface InputMapper<I> {

  /** The named input tensors for {@code input}; validated against the model on every call. */
  Map<String, Tensor> toTensors(I input);

  /**
   * The input names this mapper produces, checked against the model when the predictor is built.
   * Empty (the default) when they are only known per call, as for {@link #identity()}.
   */
  default Set<String> inputNames() {
    return Set.of();
  }

  /** The general case: the caller passes the named tensors itself. */
  static InputMapper<Map<String, Tensor>> identity() {
    return input -> input;
  }

  /** A model with one input, whose tensor {@code toTensor} computes from the predictor input. */
  static <I> InputMapper<I> single(String inputName, Function<? super I, Tensor> toTensor) {
    Objects.requireNonNull(inputName, "inputName");
    Objects.requireNonNull(toTensor, "toTensor");
    return new InputMapper<>() {
      @Override
      public Map<String, Tensor> toTensors(I input) {
        return Map.of(inputName, toTensor.apply(input));
      }

      @Override
      public Set<String> inputNames() {
        return Set.of(inputName);
      }
    };
  }

  /**
   * One feature vector as a batch of one: {@code float[n]} becomes a FLOAT tensor of shape
   * {@code [1, n]}, the usual input of a tabular model.
   */
  static InputMapper<float[]> floatRow(String inputName) {
    return single(inputName, features -> Tensor.ofFloats(
        FloatBuffer.wrap(features), 1, features.length));
  }

  /**
   * One feature vector as a batch of one in half precision: {@code float[n]} becomes a FLOAT16
   * tensor of shape {@code [1, n]}, each value rounded to the nearest binary16 value (ties to
   * even), for models exported with float16 inputs.
   */
  static InputMapper<float[]> float16Row(String inputName) {
    return single(inputName, features -> Tensor.ofFloats(
        FloatBuffer.wrap(features), 1, features.length).convertTo(ElementType.FLOAT16));
  }
}
