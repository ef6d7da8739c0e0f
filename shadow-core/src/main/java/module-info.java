/**
 * shadow-routing's core: the API ({@code dev.shadowrouting}) and the sink adapters
 * ({@code dev.shadowrouting.sinks.*}, whose libraries are optional: {@code requires static}, so a
 * modular application adds the one it uses). The engine ({@code dev.shadowrouting.internal} and its
 * statistics) is not exported; {@code dev.shadowrouting.internal.util} is exported to
 * {@code dev.shadowrouting.onnx} and {@code dev.shadowrouting.kafka} only, for their
 * configuration-error messages and logging.
 */
module dev.shadowrouting.core {
  requires com.github.benmanes.caffeine;
  requires org.jctools.core;
  requires HdrHistogram;
  requires hipparchus.stat;
  requires hipparchus.core;
  requires static org.jspecify;
  requires static micrometer.core;
  requires static io.opentelemetry.api;
  requires static io.opentelemetry.context;
  requires static com.fasterxml.jackson.core;
  requires static com.fasterxml.jackson.databind;

  exports dev.shadowrouting;
  exports dev.shadowrouting.sinks.micrometer;
  exports dev.shadowrouting.sinks.otel;
  exports dev.shadowrouting.sinks.jsonl;
  exports dev.shadowrouting.internal.util to dev.shadowrouting.onnx, dev.shadowrouting.kafka;
}
