package dev.shadowrouting.onnx.internal;

import ai.onnxruntime.NodeInfo;
import ai.onnxruntime.TensorInfo;
import dev.shadowrouting.internal.ConfigErrors;
import dev.shadowrouting.onnx.ElementType;
import dev.shadowrouting.onnx.Tensor;
import java.util.Arrays;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;
import java.util.StringJoiner;

/**
 * The names, element types and shapes a model declares for its inputs and outputs, read once from
 * the session's metadata, and the checks of mappers and per-call inputs against them. Immutable and
 * thread-safe.
 */
public final class ModelSignature {

  /** One declared tensor; {@code type} is null when shadow-onnx cannot carry it. */
  private record Spec(String name, ElementType type, String declaredType, long[] shape,
      String[] dimNames) {

    /** {@code FLOAT [batch, 4]}: symbolic dimensions by name, unnamed dynamic ones as "?". */
    String describe() {
      StringJoiner dims = new StringJoiner(", ", "[", "]");
      for (int d = 0; d < shape.length; d++) {
        boolean named = dimNames != null && d < dimNames.length && !dimNames[d].isEmpty();
        dims.add(shape[d] >= 0 ? Long.toString(shape[d]) : named ? dimNames[d] : "?");
      }
      return declaredType + " " + dims;
    }
  }

  private final Map<String, Spec> inputs;
  private final Map<String, Spec> outputs;

  private ModelSignature(Map<String, Spec> inputs, Map<String, Spec> outputs) {
    this.inputs = inputs;
    this.outputs = outputs;
  }

  /** Reads the signature of a model from its input and output metadata. */
  public static ModelSignature of(Map<String, NodeInfo> inputInfo,
      Map<String, NodeInfo> outputInfo) {
    return new ModelSignature(specs(inputInfo), specs(outputInfo));
  }

  public Set<String> inputNames() {
    return inputs.keySet();
  }

  public Set<String> outputNames() {
    return outputs.keySet();
  }

  /**
   * Checks at build time that the model's inputs and the requested outputs have element types
   * shadow-onnx carries, that the mapper's declared input names are exactly the model's, and that
   * every requested output exists.
   */
  public void checkMappers(Set<String> mapperInputs, Set<String> requestedOutputs,
      ConfigErrors errors) {
    for (Spec spec : inputs.values()) {
      checkSupported("input", spec, errors);
    }
    if (!mapperInputs.isEmpty()) {
      checkNames(mapperInputs, errors);
    }
    for (String name : requestedOutputs) {
      if (!outputs.containsKey(name)) {
        errors.add("output \"" + name + "\" is not an output of the model (outputs: "
            + describeAll(outputs) + ")");
      }
    }
    for (Spec spec : outputs.values()) {
      if (requestedOutputs.isEmpty() || requestedOutputs.contains(spec.name())) {
        checkSupported("output", spec, errors);
      }
    }
  }

  /**
   * Checks one call's input tensors: names, element types, ranks and fixed dimensions (dynamic
   * ones accept any size).
   *
   * @throws IllegalArgumentException naming every offending input, what the model declares and
   *     what was given
   */
  public void checkInputs(Map<String, Tensor> tensors, String subject) {
    ConfigErrors errors = new ConfigErrors(subject);
    checkNames(tensors.keySet(), errors);
    for (Map.Entry<String, Tensor> entry : tensors.entrySet()) {
      Spec spec = inputs.get(entry.getKey());
      Tensor tensor = entry.getValue();
      if (spec == null) {
        continue; // reported by checkNames
      }
      if (tensor == null) {
        errors.add("input \"" + spec.name() + "\" must not be null");
        continue;
      }
      String problem = mismatch(spec, tensor);
      if (problem != null) {
        errors.add("input \"" + spec.name() + "\" must be " + spec.describe()
            + " as the model declares but was " + tensor.elementType() + " "
            + Arrays.toString(tensor.shape()) + ": " + problem);
      }
    }
    errors.throwIfAny();
  }

  private static String mismatch(Spec spec, Tensor tensor) {
    if (tensor.elementType() != spec.type()) {
      return "wrong element type";
    }
    long[] given = tensor.shape();
    if (given.length != spec.shape().length) {
      return "wrong rank " + given.length + " (expected " + spec.shape().length + ")";
    }
    for (int d = 0; d < given.length; d++) {
      long declared = spec.shape()[d];
      if (declared >= 0 && declared != given[d]) {
        return "dimension " + d + " must be " + declared + " but was " + given[d];
      }
    }
    return null;
  }

  private void checkNames(Set<String> given, ConfigErrors errors) {
    for (String name : given) {
      if (!inputs.containsKey(name)) {
        errors.add("input \"" + name + "\" is not an input of the model (inputs: "
            + describeAll(inputs) + ")");
      }
    }
    for (Spec spec : inputs.values()) {
      if (!given.contains(spec.name())) {
        errors.add("input \"" + spec.name() + "\" is missing: the model declares "
            + spec.describe());
      }
    }
  }

  private static void checkSupported(String role, Spec spec, ConfigErrors errors) {
    if (spec.type() == null) {
      errors.add(role + " \"" + spec.name() + "\" is " + spec.describe()
          + ", which shadow-onnx does not support (supported: "
          + Arrays.toString(ElementType.values()) + " tensors)");
    }
  }

  private static String describeAll(Map<String, Spec> specs) {
    StringJoiner all = new StringJoiner(", ");
    specs.values().forEach(s -> all.add(s.name() + " " + s.describe()));
    return all.toString();
  }

  private static Map<String, Spec> specs(Map<String, NodeInfo> infos) {
    Map<String, Spec> specs = new LinkedHashMap<>();
    for (NodeInfo node : infos.values()) {
      if (node.getInfo() instanceof TensorInfo info) {
        specs.put(node.getName(), new Spec(node.getName(), OrtTensors.elementType(info.type),
            info.type.name(), info.getShape(), info.getDimensionNames()));
      } else {
        // sequences and maps: kept so the name is known, reported as unsupported if used
        specs.put(node.getName(), new Spec(node.getName(), null,
            node.getInfo().getClass().getSimpleName(), new long[0], new String[0]));
      }
    }
    return Collections.unmodifiableMap(specs);
  }
}
