package dev.shadowrouting.benchmarks;

import java.util.Map;
import org.springframework.kafka.test.EmbeddedKafkaKraftBroker;

/**
 * A single-node KRaft broker inside the benchmark's JVM (no Docker, no network beyond the
 * loopback): the Kafka numbers include the broker's own CPU on the same 2 cores.
 */
final class BenchBroker implements AutoCloseable {
  private final EmbeddedKafkaKraftBroker broker = new EmbeddedKafkaKraftBroker(1, 1);

  BenchBroker() {
    broker.brokerProperties(Map.of("auto.create.topics.enable", "true"));
    broker.afterPropertiesSet();
  }

  String bootstrap() {
    return broker.getBrokersAsString();
  }

  @Override
  public void close() {
    broker.destroy();
  }
}
