package dev.shadowrouting.kafka;

import java.util.Map;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.springframework.kafka.test.EmbeddedKafkaKraftBroker;

/**
 * In-JVM KRaft brokers for the tests (no Docker): {@link #shared} is started once for the test
 * run and stopped at its end; {@link #start} gives a test a broker of its own to stop.
 */
final class Brokers {
  private Brokers() {}

  /** A single-node KRaft broker, started; topics are not created on first use. */
  static EmbeddedKafkaKraftBroker start() {
    EmbeddedKafkaKraftBroker broker = new EmbeddedKafkaKraftBroker(1, 1);
    broker.brokerProperties(Map.of("auto.create.topics.enable", "false"));
    broker.afterPropertiesSet();
    return broker;
  }

  /**
   * The broker shared by the test classes of this run ({@code @RegisterExtension static}),
   * started before the first and stopped when the run ends.
   */
  static final class SharedBroker implements BeforeAllCallback {
    private volatile String bootstrap;

    @Override
    public void beforeAll(ExtensionContext context) {
      bootstrap = context.getRoot().getStore(ExtensionContext.Namespace.GLOBAL)
          .computeIfAbsent(Brokers.class, k -> new Shared(start()), Shared.class)
          .broker.getBrokersAsString();
    }

    String bootstrap() {
      return bootstrap;
    }
  }

  private record Shared(EmbeddedKafkaKraftBroker broker) implements AutoCloseable {
    @Override
    public void close() {
      broker.destroy();
    }
  }
}
