/**
 * ONNX Runtime predictors and comparators for shadow-routing. Exports the API package only; its
 * {@code internal} package is implementation.
 */
module dev.shadowrouting.onnx {
  requires transitive dev.shadowrouting.core;
  requires com.microsoft.onnxruntime;
  requires static org.jspecify;

  exports dev.shadowrouting.onnx;
}
