package dev.shadowrouting.onnx;

import java.util.Collections;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.function.Function;

/**
 * An {@link OutputMapper} that can take every kind of output, not only tensors: sequences and maps
 * too, such as the {@code seq(map(int64, float))} class probabilities of a scikit-learn classifier
 * converted with skl2onnx. A predictor whose outputs include a sequence or a map needs one (its
 * {@code build} says so otherwise), unless the mapper names only tensor outputs.
 *
 * <pre>{@code
 * // float[] features -> the class probabilities of that one row
 * OnnxPredictor<float[], MapValue> classifier = OnnxPredictor.builder(model)
 *     .build(InputMapper.floatRow("float_input"),
 *         ValueOutputMapper.single("output_probability", v -> v.asSequence().map(0)));
 * }</pre>
 *
 * <p>Called like any output mapper: on the calling thread, after every native resource of the
 * call is released (it receives immutable Java copies), so an implementation must be thread-safe
 * and may keep what it receives.
 *
 * @param <O> the predictor's output type
 */
@FunctionalInterface
public interface ValueOutputMapper<O> extends OutputMapper<O> {

  /** The predictor's output from the requested outputs (all of them when none are named). */
  O fromValues(Map<String, ModelValue> outputs);

  /** Tensors are values too: delegates to {@link #fromValues}. */
  @Override
  default O fromTensors(Map<String, Tensor> outputs) {
    return fromValues(Collections.unmodifiableMap(outputs));
  }

  /** Every output by name: tensors as {@link Tensor}, sequences and maps as themselves. */
  static ValueOutputMapper<Map<String, ModelValue>> identity() {
    return outputs -> outputs;
  }

  /**
   * One output, of any kind, converted by {@code fromValue}; only that output is computed.
   * Example: {@code ValueOutputMapper.single("output_probability", v -> v.asSequence())}.
   */
  static <O> ValueOutputMapper<O> single(
      String outputName, Function<? super ModelValue, ? extends O> fromValue) {
    Objects.requireNonNull(outputName, "outputName");
    Objects.requireNonNull(fromValue, "fromValue");
    return new ValueOutputMapper<>() {
      @Override
      public O fromValues(Map<String, ModelValue> outputs) {
        return fromValue.apply(outputs.get(outputName));
      }

      @Override
      public Set<String> outputNames() {
        return Set.of(outputName);
      }
    };
  }
}
