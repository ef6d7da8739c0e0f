package dev.shadowrouting.spring;

import dev.shadowrouting.sinks.jsonl.FlushPolicy;
import dev.shadowrouting.sinks.jsonl.JsonLinesSink;
import dev.shadowrouting.sinks.micrometer.MicrometerSink;
import dev.shadowrouting.sinks.otel.OpenTelemetrySink;
import io.micrometer.core.instrument.MeterRegistry;
import io.opentelemetry.api.OpenTelemetry;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnProperty;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.context.annotation.Import;

/**
 * Auto-configuration of shadow-routing: one {@code ShadowRouter} bean per
 * {@code shadow-routing.endpoints} entry (see {@link ShadowRoutingProperties}), the
 * {@link ShadowRouters} bean, and the sinks the application has the means for:
 * <ul>
 *   <li>{@link MicrometerSink} when there is a {@code MeterRegistry} bean,
 *   <li>{@link OpenTelemetrySink} when there is an {@code OpenTelemetry} bean,
 *   <li>{@link JsonLinesSink} when {@code shadow-routing.jsonl.directory} is set,
 *   <li>a {@code KafkaSink} when {@code shadow-routing.kafka-sink.topic} is set, and a {@code
 *       KafkaFleet} every endpoint joins when {@code shadow-routing.fleet.kafka} is configured
 *       (both need shadow-routing-kafka: {@link KafkaConfiguration}),
 *   <li>plus every {@code ShadowSink} bean the application declares.
 * </ul>
 * Routers are closed at shutdown (shadow copies drained within each endpoint's
 * {@code close-timeout}, sinks flushed) before the sinks and predictors they use are destroyed.
 */
@AutoConfiguration(afterName = {
    "org.springframework.boot.micrometer.metrics.autoconfigure.MetricsAutoConfiguration",
    "org.springframework.boot.micrometer.metrics.autoconfigure.CompositeMeterRegistryAutoConfiguration",
    "org.springframework.boot.opentelemetry.autoconfigure.OpenTelemetrySdkAutoConfiguration"})
@EnableConfigurationProperties(ShadowRoutingProperties.class)
@Import(KafkaConfiguration.class)
public class ShadowRoutingAutoConfiguration {

  /** Static: a bean definition registry post-processor must not need this class instantiated. */
  @Bean
  static ShadowRouterRegistrar shadowRouterRegistrar() {
    return new ShadowRouterRegistrar();
  }

  @Configuration(proxyBeanMethods = false)
  @ConditionalOnClass(name = "io.micrometer.core.instrument.MeterRegistry")
  @ConditionalOnBean(type = "io.micrometer.core.instrument.MeterRegistry")
  static class MicrometerSinkConfiguration {

    @Bean
    @ConditionalOnMissingBean
    MicrometerSink shadowRoutingMicrometerSink(MeterRegistry registry) {
      return MicrometerSink.create(registry);
    }
  }

  @Configuration(proxyBeanMethods = false)
  @ConditionalOnClass(name = "io.opentelemetry.api.OpenTelemetry")
  @ConditionalOnBean(type = "io.opentelemetry.api.OpenTelemetry")
  static class OpenTelemetrySinkConfiguration {

    @Bean
    @ConditionalOnMissingBean
    OpenTelemetrySink shadowRoutingOpenTelemetrySink(OpenTelemetry openTelemetry) {
      return OpenTelemetrySink.create(openTelemetry);
    }
  }

  @Configuration(proxyBeanMethods = false)
  @ConditionalOnClass(name = "com.fasterxml.jackson.core.JsonFactory")
  @ConditionalOnProperty(prefix = "shadow-routing.jsonl", name = "directory")
  static class JsonLinesSinkConfiguration {

    /** Closed (its last lines written) after every router that uses it has closed. */
    @Bean(destroyMethod = "close")
    @ConditionalOnMissingBean
    JsonLinesSink shadowRoutingJsonLinesSink(ShadowRoutingProperties properties) {
      ShadowRoutingProperties.Jsonl jsonl = properties.getJsonl();
      return CoreProblems.build(() -> JsonLinesSink.builder(jsonl.getDirectory())
              .prefix(jsonl.getPrefix())
              .maxFileBytes(jsonl.getMaxFileBytes())
              .maxFiles(jsonl.getMaxFiles())
              .rotationInterval(jsonl.getRotationInterval())
              .flushPolicy(FlushPolicy.every(jsonl.getFlushInterval()))
              .build(),
          CoreProblems.jsonl(ShadowRoutingProperties.PREFIX + ".jsonl"));
    }
  }
}
