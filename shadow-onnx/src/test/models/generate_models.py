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
from onnx import TensorProto, helper, numpy_helper

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


def save(model, *dirs_and_names):
    onnx.checker.check_model(model)
    for directory, name in dirs_and_names:
        os.makedirs(directory, exist_ok=True)
        onnx.save(model, os.path.join(directory, name))


def make(graph):
    model = helper.make_model(graph, producer_name="shadow-routing",
                              opset_imports=[helper.make_opsetid("", 13)])
    model.ir_version = 7
    return model


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
