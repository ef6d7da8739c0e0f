/**
 * ONNX Runtime predictors for shadow-routing: {@link dev.shadowrouting.onnx.OnnxPredictor} over an
 * {@code OrtSession}, the {@link dev.shadowrouting.onnx.Tensor} value type (float, double,
 * float16, bfloat16, 8/16/32/64-bit integer, bool and string elements) and the
 * {@link dev.shadowrouting.onnx.SequenceValue} and {@link dev.shadowrouting.onnx.MapValue} values
 * of models such as skl2onnx classifiers, mappers that connect a predictor's types to a model's
 * named values, {@link dev.shadowrouting.onnx.HalfPrecision} conversions, and
 * {@link dev.shadowrouting.onnx.OnnxComparators} for model outputs. The
 * {@code dev.shadowrouting.onnx.internal} package is implementation, not API.
 */
@NullMarked
package dev.shadowrouting.onnx;

import org.jspecify.annotations.NullMarked;
