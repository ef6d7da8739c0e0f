/**
 * ONNX Runtime predictors for shadow-routing: {@link dev.shadowrouting.onnx.OnnxPredictor} over an
 * {@code OrtSession}, the {@link dev.shadowrouting.onnx.Tensor} value type and mappers that connect
 * a predictor's types to a model's named tensors, and
 * {@link dev.shadowrouting.onnx.OnnxComparators} for model outputs. The
 * {@code dev.shadowrouting.onnx.internal} package is implementation, not API.
 */
package dev.shadowrouting.onnx;
