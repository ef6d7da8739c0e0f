package dev.shadowrouting.onnx.internal;

import ai.onnxruntime.MapInfo;
import ai.onnxruntime.NodeInfo;
import ai.onnxruntime.OnnxJavaType;
import ai.onnxruntime.SequenceInfo;
import ai.onnxruntime.TensorInfo;
import ai.onnxruntime.ValueInfo;
import dev.shadowrouting.Problem;
import dev.shadowrouting.internal.util.ConfigErrors;
import dev.shadowrouting.onnx.ElementType;
import dev.shadowrouting.onnx.Tensor;
import java.util.Arrays;
import java.util.Collections;
import java.util.EnumSet;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;
import java.util.StringJoiner;

/**
 * The names, types and shapes a model declares for its inputs and outputs, read once from the
 * session's metadata, and the checks of mappers and per-call inputs against them. Immutable and
 * thread-safe.
 */
public final class ModelSignature {
  /** The sequence element types ONNX Runtime's Java API can read ({@code OnnxSequence}). */
  private static final Set<OnnxJavaType> SEQUENCE_TENSOR_TYPES = EnumSet.of(OnnxJavaType.FLOAT,
      OnnxJavaType.DOUBLE, OnnxJavaType.INT64, OnnxJavaType.STRING);
  private static final Set<OnnxJavaType> MAP_KEY_TYPES =
      EnumSet.of(OnnxJavaType.INT64, OnnxJavaType.STRING);
  private static final Set<OnnxJavaType> MAP_VALUE_TYPES = SEQUENCE_TENSOR_TYPES;
  private static final String SUPPORTED_VALUES = "sequences of FLOAT, DOUBLE, INT64 or STRING"
      + " tensors, and maps (alone or in a sequence) with INT64 or STRING keys and FLOAT, DOUBLE,"
      + " INT64 or STRING values";

  /** How an output ONNX Runtime's Java API cannot describe is shown in messages. */
  private static final String UNDESCRIBED = "(a type ONNX Runtime's Java API cannot describe)";

  /**
   * One declared value. For a tensor, {@code type} is its element type (null when shadow-onnx
   * cannot carry it); for a sequence or map, {@code type} is null, {@code tensor} false, and
   * {@code readable} says whether ONNX Runtime's Java API can read it. An undescribed output
   * ({@code described} false) is known by name only.
   */
  private record Spec(String name, boolean tensor, ElementType type, String declaredType,
      long[] shape, String[] dimNames, boolean readable, boolean described) {

    Spec(String name, boolean tensor, ElementType type, String declaredType, long[] shape,
        String[] dimNames, boolean readable) {
      this(name, tensor, type, declaredType, shape, dimNames, readable, true);
    }

    static Spec undescribed(String name) {
      return new Spec(name, false, null, UNDESCRIBED, null, null, true, false);
    }

    /** {@code FLOAT [batch, 4]}: symbolic dimensions by name, unnamed dynamic ones as "?". */
    String describe() {
      if (!tensor) {
        return declaredType;
      }
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

  /**
   * The signature of a model whose output metadata ONNX Runtime's Java API cannot read (it fails
   * for all outputs when one is, say, optional, although a session runs the model): the outputs
   * are known by name only, so their values are checked when they arrive, not at build time.
   */
  public static ModelSignature withUndescribedOutputs(Map<String, NodeInfo> inputInfo,
      Set<String> outputNames) {
    Map<String, Spec> outputs = new LinkedHashMap<>();
    for (String name : outputNames) {
      outputs.put(name, Spec.undescribed(name));
    }
    return new ModelSignature(specs(inputInfo), Collections.unmodifiableMap(outputs));
  }

  public Set<String> inputNames() {
    return inputs.keySet();
  }

  public Set<String> outputNames() {
    return outputs.keySet();
  }

  /**
   * Checks at build time that the model's inputs are tensors of element types shadow-onnx
   * carries, that the mapper's declared input names are exactly the model's, that every requested
   * output exists, and that the outputs the mapper will receive are ones it can take: tensors of
   * supported element types, and sequences and maps ONNX Runtime can read only when
   * {@code mapperTakesValues} (a {@code ValueOutputMapper}).
   */
  public void checkMappers(Set<String> mapperInputs, Set<String> requestedOutputs,
      boolean mapperTakesValues, ConfigErrors errors) {
    for (Spec spec : inputs.values()) {
      if (!spec.tensor()) {
        String tensors = "tensors of " + Arrays.toString(ElementType.values());
        errors.add(new Problem(field("input", spec.name()), spec.describe(), "one of " + tensors),
            "input \"" + spec.name() + "\" is " + spec.describe()
                + ", which shadow-onnx cannot pass to a model (inputs must be " + tensors + ")");
      } else {
        checkSupported("input", spec, errors);
      }
    }
    if (!mapperInputs.isEmpty()) {
      checkNames(mapperInputs, errors);
    }
    for (String name : requestedOutputs) {
      if (!outputs.containsKey(name)) {
        String declared = describeAll(outputs);
        errors.add(new Problem("outputMapper.outputNames", name,
                "a name of the model's outputs (" + declared + ")"),
            "output \"" + name + "\" is not an output of the model (outputs: " + declared + ")");
      }
    }
    for (Spec spec : outputs.values()) {
      if (!spec.described()
          || !requestedOutputs.isEmpty() && !requestedOutputs.contains(spec.name())) {
        continue;
      }
      if (spec.tensor()) {
        checkSupported("output", spec, errors);
      } else if (!spec.readable()) {
        errors.add(new Problem(field("output", spec.name()), spec.describe(),
                "readable by ONNX Runtime's Java API (" + SUPPORTED_VALUES + ")"),
            "output \"" + spec.name() + "\" is " + spec.describe()
                + ", which ONNX Runtime's Java API cannot read (supported: " + SUPPORTED_VALUES
                + "); name the outputs you need in the output mapper to leave it out");
      } else if (!mapperTakesValues) {
        errors.add(new Problem(field("output", spec.name()), spec.describe(),
                "a tensor for a tensor OutputMapper"),
            "output \"" + spec.name() + "\" is " + spec.describe()
                + ", which a tensor OutputMapper cannot take: use a ValueOutputMapper"
                + " (ValueOutputMapper.identity() returns every output as a ModelValue), or name"
                + " only tensor outputs in the output mapper");
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
        errors.add(new Problem(field("input", spec.name()), null, "non-null"),
            "input \"" + spec.name() + "\" must not be null");
        continue;
      }
      String problem = mismatch(spec, tensor);
      if (problem != null) {
        String given = tensor.elementType() + " " + Arrays.toString(tensor.shape());
        errors.add(new Problem(field("input", spec.name()), given,
                spec.describe() + " as the model declares"),
            "input \"" + spec.name() + "\" must be " + spec.describe()
                + " as the model declares but was " + given + ": " + problem);
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
        String declared = describeAll(inputs);
        errors.add(new Problem("inputs", name, "a name of the model's inputs (" + declared + ")"),
            "input \"" + name + "\" is not an input of the model (inputs: " + declared + ")");
      }
    }
    for (Spec spec : inputs.values()) {
      if (!given.contains(spec.name())) {
        errors.add(new Problem(field("input", spec.name()), null,
                spec.describe() + " as the model declares"),
            "input \"" + spec.name() + "\" is missing: the model declares " + spec.describe());
      }
    }
  }

  private static void checkSupported(String role, Spec spec, ConfigErrors errors) {
    if (spec.type() == null) {
      String supported = Arrays.toString(ElementType.values()) + " tensors";
      errors.add(new Problem(field(role, spec.name()), spec.describe(), "one of " + supported),
          role + " \"" + spec.name() + "\" is " + spec.describe()
              + ", which shadow-onnx does not support (supported: " + supported + ")");
    }
  }

  /** A model's input or output as a problem's field: {@code inputs[x]}, {@code outputs[y]}. */
  private static String field(String role, String name) {
    return role + "s[" + name + "]";
  }

  private static String describeAll(Map<String, Spec> specs) {
    StringJoiner all = new StringJoiner(", ");
    specs.values().forEach(s -> all.add(s.name() + " " + s.describe()));
    return all.toString();
  }

  private static Map<String, Spec> specs(Map<String, NodeInfo> infos) {
    Map<String, Spec> specs = new LinkedHashMap<>();
    for (NodeInfo node : infos.values()) {
      specs.put(node.getName(), spec(node.getName(), node.getInfo()));
    }
    return Collections.unmodifiableMap(specs);
  }

  private static Spec spec(String name, ValueInfo info) {
    if (info instanceof TensorInfo tensor) {
      return new Spec(name, true, OrtTensors.elementType(tensor.onnxType),
          OrtTensors.onnxName(tensor.onnxType), tensor.getShape(), tensor.getDimensionNames(),
          true);
    } else if (info instanceof SequenceInfo sequence) {
      if (sequence.isSequenceOfMaps()) {
        return new Spec(name, false, null, "seq(" + describe(sequence.mapInfo) + ")", null, null,
            readable(sequence.mapInfo));
      }
      return new Spec(name, false, null, "seq(tensor(" + sequence.sequenceType + "))", null, null,
          SEQUENCE_TENSOR_TYPES.contains(sequence.sequenceType));
    } else if (info instanceof MapInfo map) {
      return new Spec(name, false, null, describe(map), null, null, readable(map));
    }
    // ONNX Runtime describes other kinds (optional, sparse, opaque) by failing to read them, but
    // keep the name known should a later version return something else
    return new Spec(name, false, null, info.getClass().getSimpleName(), null, null, false);
  }

  private static String describe(MapInfo map) {
    return "map(" + map.keyType + ", " + map.valueType + ")";
  }

  private static boolean readable(MapInfo map) {
    return MAP_KEY_TYPES.contains(map.keyType) && MAP_VALUE_TYPES.contains(map.valueType);
  }
}
