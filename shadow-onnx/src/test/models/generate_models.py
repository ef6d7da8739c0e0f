#!/usr/bin/env python3
"""Generates the tiny ONNX models that shadow-onnx's tests and the samples use.

Run from the repository root after changing it (Debian: apt-get install python3-onnx):

    /usr/bin/python3 shadow-onnx/src/test/models/generate_models.py

The output is committed, so tests never need python. The logistic models are also written to the
samples and benchmarks resources (those modules cannot read shadow-onnx's test resources, and the
library jar should not carry demo models). The weights below are repeated in the Java
tests (OnnxModels.java), which compute the expected outputs themselves instead of reading them
back from a model. Opset 13 and IR version 7 keep the files loadable by any onnxruntime >= 1.8.
"""
import os

import numpy as np
import onnx
from onnx import TensorProto, TypeProto, helper, numpy_helper

ROOT = os.path.dirname(os.path.abspath(__file__))
TEST_DIR = os.path.join(ROOT, "..", "resources", "models")
SAMPLES_DIR = os.path.join(ROOT, "..", "..", "..", "..", "samples", "src", "main", "resources",
                           "dev", "shadowrouting", "samples", "models")
BENCHMARKS_DIR = os.path.join(ROOT, "..", "..", "..", "..", "benchmarks", "src", "main",
                              "resources", "dev", "shadowrouting", "benchmarks", "models")

# logistic models: score = sigmoid(x . W + b), x is [1, 4]
LOGISTIC_V1_W = [0.5, -1.25, 2.0, 0.75]
LOGISTIC_V1_B = -0.3
LOGISTIC_V2_W = [0.6, -1.0, 1.5, 1.25]
LOGISTIC_V2_B = 0.1

# classifier: logits = x . W + b, x is [batch, 4], 3 classes
CLASSIFIER_W = [[1.0, -0.5, 0.25],
                [0.0, 2.0, -1.0],
                [-1.5, 0.5, 1.0],
                [0.75, -0.25, 0.5]]
CLASSIFIER_B = [0.1, -0.2, 0.3]

# ZipMap classifiers, shaped like what skl2onnx makes of a scikit-learn LogisticRegression:
# LinearClassifier (softmax) -> output_label int64 [N] and ZipMap -> output_probability
# seq(map(int64, float)). v1 reuses the classifier's weights (feature-major above; transposed
# into LinearClassifier's class-major coefficients); v2 is "retrained".
ZIPMAP_V2_W = [[1.1, -0.5, 0.2],
               [0.1, 1.8, -1.0],
               [-1.4, 0.5, 1.1],
               [0.7, -0.3, 0.6]]
ZIPMAP_V2_B = [0.0, -0.1, 0.35]
ZIPMAP_STRING_LABELS = ["setosa", "versicolor", "virginica"]


def save(model, *dirs_and_names):
    onnx.checker.check_model(model)
    for directory, name in dirs_and_names:
        os.makedirs(directory, exist_ok=True)
        onnx.save(model, os.path.join(directory, name))


def make(graph, opset=13, ir_version=7, ml_opset=None):
    opsets = [helper.make_opsetid("", opset)]
    if ml_opset is not None:
        opsets.append(helper.make_opsetid("ai.onnx.ml", ml_opset))
    model = helper.make_model(graph, producer_name="shadow-routing", opset_imports=opsets)
    model.ir_version = ir_version
    return model


def seq_of_maps_value_info(name, key_type, value_type):
    """seq(map(key_type, tensor(value_type))), the type of ZipMap's output."""
    map_type = TypeProto()
    map_type.map_type.key_type = key_type
    map_type.map_type.value_type.CopyFrom(helper.make_tensor_type_proto(value_type, None))
    return helper.make_value_info(name, helper.make_sequence_type_proto(map_type))


def seq_of_tensors_value_info(name, elem_type):
    return helper.make_value_info(
        name, helper.make_sequence_type_proto(helper.make_tensor_type_proto(elem_type, None)))


def init(name, values, dtype=np.float32):
    return numpy_helper.from_array(np.array(values, dtype=dtype), name)


def logistic(w, b, name):
    graph = helper.make_graph(
        [helper.make_node("MatMul", ["x", "W"], ["xw"]),
         helper.make_node("Add", ["xw", "b"], ["z"]),
         helper.make_node("Sigmoid", ["z"], ["score"])],
        name,
        [helper.make_tensor_value_info("x", TensorProto.FLOAT, [1, 4])],
        [helper.make_tensor_value_info("score", TensorProto.FLOAT, [1, 1])],
        [init("W", [[v] for v in w]), init("b", [b])])
    return make(graph)


def two_in_two_out():
    graph = helper.make_graph(
        [helper.make_node("Add", ["a", "b"], ["sum"]),
         helper.make_node("Mul", ["a", "b"], ["product"])],
        "two_in_two_out",
        [helper.make_tensor_value_info("a", TensorProto.FLOAT, [2, 3]),
         helper.make_tensor_value_info("b", TensorProto.FLOAT, [2, 3])],
        [helper.make_tensor_value_info("sum", TensorProto.FLOAT, [2, 3]),
         helper.make_tensor_value_info("product", TensorProto.FLOAT, [2, 3])])
    return make(graph)


def classifier():
    graph = helper.make_graph(
        [helper.make_node("MatMul", ["x", "W"], ["xw"]),
         helper.make_node("Add", ["xw", "b"], ["logits"]),
         helper.make_node("Softmax", ["logits"], ["probs"], axis=1)],
        "classifier",
        [helper.make_tensor_value_info("x", TensorProto.FLOAT, ["batch", 4])],
        [helper.make_tensor_value_info("logits", TensorProto.FLOAT, ["batch", 3]),
         helper.make_tensor_value_info("probs", TensorProto.FLOAT, ["batch", 3])],
        [init("W", CLASSIFIER_W), init("b", CLASSIFIER_B)])
    return make(graph)


def int64_affine():
    # y = ids * 3 + 7 over a dynamic-length int64 vector (declared with -1, not a symbol)
    graph = helper.make_graph(
        [helper.make_node("Mul", ["ids", "three"], ["m"]),
         helper.make_node("Add", ["m", "seven"], ["y"])],
        "int64_affine",
        [helper.make_tensor_value_info("ids", TensorProto.INT64, [None])],
        [helper.make_tensor_value_info("y", TensorProto.INT64, [None])],
        [init("three", 3, np.int64), init("seven", 7, np.int64)])
    return make(graph)


def reshape_2x2():
    # valid only for 4 elements: lets tests make onnxruntime itself fail inside run()
    graph = helper.make_graph(
        [helper.make_node("Reshape", ["x", "shape"], ["y"])],
        "reshape_2x2",
        [helper.make_tensor_value_info("x", TensorProto.FLOAT, ["n"])],
        [helper.make_tensor_value_info("y", TensorProto.FLOAT, [2, 2])],
        [init("shape", [2, 2], np.int64)])
    return make(graph)


def all_types():
    # one input per remaining element type; each output is computed from its input
    graph = helper.make_graph(
        [helper.make_node("Mul", ["d", "two"], ["d_twice"]),
         helper.make_node("Add", ["i", "one"], ["i_plus_one"]),
         helper.make_node("Identity", ["s8"], ["s8_out"]),
         helper.make_node("Identity", ["u8"], ["u8_out"]),
         helper.make_node("Not", ["flag"], ["not_flag"]),
         helper.make_node("Identity", ["text"], ["text_out"])],
        "all_types",
        [helper.make_tensor_value_info("d", TensorProto.DOUBLE, [2, 2]),
         helper.make_tensor_value_info("i", TensorProto.INT32, [3]),
         helper.make_tensor_value_info("s8", TensorProto.INT8, [3]),
         helper.make_tensor_value_info("u8", TensorProto.UINT8, [3]),
         helper.make_tensor_value_info("flag", TensorProto.BOOL, ["n"]),
         helper.make_tensor_value_info("text", TensorProto.STRING, ["n"])],
        [helper.make_tensor_value_info("d_twice", TensorProto.DOUBLE, [2, 2]),
         helper.make_tensor_value_info("i_plus_one", TensorProto.INT32, [3]),
         helper.make_tensor_value_info("s8_out", TensorProto.INT8, [3]),
         helper.make_tensor_value_info("u8_out", TensorProto.UINT8, [3]),
         helper.make_tensor_value_info("not_flag", TensorProto.BOOL, ["n"]),
         helper.make_tensor_value_info("text_out", TensorProto.STRING, ["n"])],
        [init("two", 2.0, np.float64), init("one", 1, np.int32)])
    return make(graph)


def zipmap_classifier(w, b, name, string_labels=None):
    # LinearClassifier's coefficients are class-major: [classes, features] flattened
    coefficients = [w[f][c] for c in range(len(b)) for f in range(len(w))]
    if string_labels is None:
        labels = {"classlabels_ints": list(range(len(b)))}
        zip_labels = {"classlabels_int64s": list(range(len(b)))}
        key_type, label_type = TensorProto.INT64, TensorProto.INT64
    else:
        labels = {"classlabels_strings": string_labels}
        zip_labels = {"classlabels_strings": string_labels}
        key_type, label_type = TensorProto.STRING, TensorProto.STRING
    graph = helper.make_graph(
        [helper.make_node("LinearClassifier", ["float_input"], ["label", "probabilities"],
                          domain="ai.onnx.ml", coefficients=coefficients, intercepts=b,
                          post_transform="SOFTMAX", **labels),
         helper.make_node("Identity", ["label"], ["output_label"]),
         helper.make_node("ZipMap", ["probabilities"], ["output_probability"],
                          domain="ai.onnx.ml", **zip_labels)],
        name,
        [helper.make_tensor_value_info("float_input", TensorProto.FLOAT, ["N", 4])],
        [helper.make_tensor_value_info("output_label", label_type, ["N"]),
         seq_of_maps_value_info("output_probability", key_type, TensorProto.FLOAT)])
    return make(graph, ml_opset=1)


def sequence_split():
    # x split into chunks of two: a sequence of float tensors, and the same as int32 (a sequence
    # element type ONNX Runtime's Java API cannot read)
    graph = helper.make_graph(
        [helper.make_node("SplitToSequence", ["x", "two"], ["chunks"]),
         helper.make_node("Cast", ["x"], ["x_int"], to=TensorProto.INT32),
         helper.make_node("SplitToSequence", ["x_int", "two"], ["int_chunks"])],
        "sequence_split",
        [helper.make_tensor_value_info("x", TensorProto.FLOAT, ["n"])],
        [seq_of_tensors_value_info("chunks", TensorProto.FLOAT),
         seq_of_tensors_value_info("int_chunks", TensorProto.INT32)],
        [init("two", 2, np.int64)])
    return make(graph)


def half_types():
    # float16, bfloat16 and int16 through Identity (bits must come back unchanged) and through
    # ONNX Runtime's own Cast, which the tests use as the reference for the Java conversions
    graph = helper.make_graph(
        [helper.make_node("Identity", ["h"], ["h_same"]),
         helper.make_node("Cast", ["h"], ["h_as_float"], to=TensorProto.FLOAT),
         helper.make_node("Cast", ["f"], ["f_as_half"], to=TensorProto.FLOAT16),
         helper.make_node("Identity", ["bf"], ["bf_same"]),
         helper.make_node("Cast", ["bf"], ["bf_as_float"], to=TensorProto.FLOAT),
         helper.make_node("Cast", ["f"], ["f_as_bf"], to=TensorProto.BFLOAT16),
         helper.make_node("Identity", ["s"], ["s_same"]),
         helper.make_node("Cast", ["s"], ["s_as_int"], to=TensorProto.INT32)],
        "half_types",
        [helper.make_tensor_value_info("h", TensorProto.FLOAT16, ["n"]),
         helper.make_tensor_value_info("bf", TensorProto.BFLOAT16, ["n"]),
         helper.make_tensor_value_info("s", TensorProto.INT16, ["n"]),
         helper.make_tensor_value_info("f", TensorProto.FLOAT, ["m"])],
        [helper.make_tensor_value_info("h_same", TensorProto.FLOAT16, ["n"]),
         helper.make_tensor_value_info("h_as_float", TensorProto.FLOAT, ["n"]),
         helper.make_tensor_value_info("f_as_half", TensorProto.FLOAT16, ["m"]),
         helper.make_tensor_value_info("bf_same", TensorProto.BFLOAT16, ["n"]),
         helper.make_tensor_value_info("bf_as_float", TensorProto.FLOAT, ["n"]),
         helper.make_tensor_value_info("f_as_bf", TensorProto.BFLOAT16, ["m"]),
         helper.make_tensor_value_info("s_same", TensorProto.INT16, ["n"]),
         helper.make_tensor_value_info("s_as_int", TensorProto.INT32, ["n"])])
    return make(graph)


def logistic_fp16(w, b, name):
    # the logistic scorer with a float16 interface, as a model converted to half precision for
    # serving: float16 in and out, computed in float32 between two Casts
    graph = helper.make_graph(
        [helper.make_node("Cast", ["x"], ["x32"], to=TensorProto.FLOAT),
         helper.make_node("MatMul", ["x32", "W"], ["xw"]),
         helper.make_node("Add", ["xw", "b"], ["z"]),
         helper.make_node("Sigmoid", ["z"], ["score32"]),
         helper.make_node("Cast", ["score32"], ["score"], to=TensorProto.FLOAT16)],
        name,
        [helper.make_tensor_value_info("x", TensorProto.FLOAT16, [1, 4])],
        [helper.make_tensor_value_info("score", TensorProto.FLOAT16, [1, 1])],
        [init("W", [[v] for v in w]), init("b", [b])])
    return make(graph)


def unsigned_types():
    # unsigned 16/32/64-bit integers, which shadow-onnx does not carry (ONNX Runtime's Java API
    # reports them as the signed types, so they must be recognised by their ONNX type)
    graph = helper.make_graph(
        [helper.make_node("Identity", ["u16"], ["u16_out"]),
         helper.make_node("Identity", ["u32"], ["u32_out"])],
        "unsigned_types",
        [helper.make_tensor_value_info("u16", TensorProto.UINT16, [2]),
         helper.make_tensor_value_info("u32", TensorProto.UINT32, [2])],
        [helper.make_tensor_value_info("u16_out", TensorProto.UINT16, [2]),
         helper.make_tensor_value_info("u32_out", TensorProto.UINT32, [2])])
    return make(graph)


def optional_output():
    # an optional(tensor(float)) output: the model loads and runs, but ONNX Runtime's Java API
    # cannot describe the output, so reading the output metadata fails (opset 15 and IR 8 for
    # Optional)
    graph = helper.make_graph(
        [helper.make_node("Optional", ["x"], ["maybe"])],
        "optional_output",
        [helper.make_tensor_value_info("x", TensorProto.FLOAT, [2])],
        [helper.make_value_info("maybe", helper.make_optional_type_proto(
            helper.make_tensor_type_proto(TensorProto.FLOAT, [2])))])
    return make(graph, opset=15, ir_version=8)


def optional_input():
    # an optional(tensor(float)) input: ONNX Runtime's Java API cannot describe the inputs either,
    # and shadow-onnx cannot check a call's inputs without their declaration
    graph = helper.make_graph(
        [helper.make_node("OptionalHasElement", ["maybe"], ["present"])],
        "optional_input",
        [helper.make_value_info("maybe", helper.make_optional_type_proto(
            helper.make_tensor_type_proto(TensorProto.FLOAT, [2])))],
        [helper.make_tensor_value_info("present", TensorProto.BOOL, [])])
    return make(graph, opset=15, ir_version=8)


def if_optional():
    # the shape of ONNX's backend case test_if_opt: an If whose branches return an
    # optional(seq(tensor(float))), empty when "empty" is true, else one tensor [1, 2, 3, 4, 5].
    # Its output metadata is unreadable to ONNX Runtime's Java API; a session still runs it.
    element = helper.make_tensor_type_proto(TensorProto.FLOAT, [5])
    optional_sequence = helper.make_optional_type_proto(helper.make_sequence_type_proto(element))
    none = helper.make_graph(
        [helper.make_node("Optional", [], ["none"],
                          type=helper.make_sequence_type_proto(element))],
        "none", [], [helper.make_value_info("none", optional_sequence)])
    some = helper.make_graph(
        [helper.make_node("Constant", [], ["values"], value=numpy_helper.from_array(
            np.arange(1, 6, dtype=np.float32))),
         helper.make_node("SequenceConstruct", ["values"], ["sequence"]),
         helper.make_node("Optional", ["sequence"], ["some"])],
        "some", [], [helper.make_value_info("some", optional_sequence)])
    graph = helper.make_graph(
        [helper.make_node("If", ["empty"], ["maybe"], then_branch=none, else_branch=some)],
        "if_optional",
        [helper.make_tensor_value_info("empty", TensorProto.BOOL, [])],
        [helper.make_value_info("maybe", optional_sequence)])
    return make(graph, opset=16, ir_version=8)


if __name__ == "__main__":
    save(logistic(LOGISTIC_V1_W, LOGISTIC_V1_B, "logistic_v1"),
         (TEST_DIR, "logistic_v1.onnx"), (SAMPLES_DIR, "logistic_v1.onnx"),
         (BENCHMARKS_DIR, "logistic_v1.onnx"))
    save(logistic(LOGISTIC_V2_W, LOGISTIC_V2_B, "logistic_v2"),
         (TEST_DIR, "logistic_v2.onnx"), (SAMPLES_DIR, "logistic_v2.onnx"))
    save(two_in_two_out(), (TEST_DIR, "two_in_two_out.onnx"))
    save(classifier(), (TEST_DIR, "classifier.onnx"))
    save(int64_affine(), (TEST_DIR, "int64_affine.onnx"))
    save(all_types(), (TEST_DIR, "all_types.onnx"))
    save(reshape_2x2(), (TEST_DIR, "reshape_2x2.onnx"))
    save(zipmap_classifier(CLASSIFIER_W, CLASSIFIER_B, "zipmap_v1"),
         (TEST_DIR, "zipmap_v1.onnx"))
    save(zipmap_classifier(ZIPMAP_V2_W, ZIPMAP_V2_B, "zipmap_v2"), (TEST_DIR, "zipmap_v2.onnx"))
    save(zipmap_classifier(CLASSIFIER_W, CLASSIFIER_B, "zipmap_labels", ZIPMAP_STRING_LABELS),
         (TEST_DIR, "zipmap_labels.onnx"))
    save(sequence_split(), (TEST_DIR, "sequence_split.onnx"))
    save(half_types(), (TEST_DIR, "half_types.onnx"))
    save(logistic_fp16(LOGISTIC_V1_W, LOGISTIC_V1_B, "logistic_fp16_v1"),
         (TEST_DIR, "logistic_fp16_v1.onnx"))
    save(unsigned_types(), (TEST_DIR, "unsigned_types.onnx"))
    save(optional_output(), (TEST_DIR, "optional_output.onnx"))
    save(optional_input(), (TEST_DIR, "optional_input.onnx"))
    save(if_optional(), (TEST_DIR, "if_optional.onnx"))
