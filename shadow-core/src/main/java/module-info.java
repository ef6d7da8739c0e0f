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
  // No release of these two declares a module name (no module-info, no Automatic-Module-Name),
  // so they are named after their jar files, and javac and Maven warn about it. HdrHistogram
  // 2.2.1's descriptor (org.HdrHistogram) cannot be read (an invalid package) and 2.2.2 meant to
  // set Automatic-Module-Name: org.HdrHistogram but its build drops it (upstream pull request 226);
  // Hipparchus has none. Not shaded (an application would carry two copies of the classes) and
  // not requires static (the engine needs both at run time, so they must be resolved). These
  // names change when upstream publishes real ones.
  requires HdrHistogram;
  requires hipparchus.core;
  requires static org.jspecify;
  requires static micrometer.core;
  requires static io.opentelemetry.api;
  requires static io.opentelemetry.context;
  requires static com.fasterxml.jackson.core;
  requires static com.fasterxml.jackson.databind;
  // @JsonValue on the documents: shared by Jackson 2 and 3, ignored when absent at run time
  requires static com.fasterxml.jackson.annotation;

  exports dev.shadowrouting;
  exports dev.shadowrouting.sinks.micrometer;
  exports dev.shadowrouting.sinks.otel;
  exports dev.shadowrouting.sinks.jsonl;
  exports dev.shadowrouting.internal.util to dev.shadowrouting.onnx, dev.shadowrouting.kafka;
}
