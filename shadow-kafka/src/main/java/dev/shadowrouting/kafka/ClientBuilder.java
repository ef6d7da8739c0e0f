package dev.shadowrouting.kafka;

import dev.shadowrouting.internal.util.ConfigErrors;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import org.apache.kafka.clients.CommonClientConfigs;

/**
 * What the Kafka builders share: the brokers, the extra client settings a user passes (security,
 * tuning), the checks of both that open and close each {@code build()}, and the configuration of
 * each client they make of them. Not thread-safe, like
 * the builders.
 *
 * @param <B> the builder itself, so that the setters chain
 */
abstract class ClientBuilder<B extends ClientBuilder<B>> {
  private final String bootstrapServers;
  private final Map<String, Object> properties = new LinkedHashMap<>();
  /** The settings each client of the component knows, by client ("producer", ...). */
  private final Map<String, Set<String>> clients;
  /** The settings the component sets itself. */
  private final Set<String> owned;

  ClientBuilder(String bootstrapServers, Map<String, Set<String>> clients, Set<String> owned) {
    this.bootstrapServers = bootstrapServers;
    this.clients = clients;
    this.owned = owned;
  }

  /**
   * A setting of the Kafka client or clients this builds ({@code security.protocol}, {@code
   * sasl.mechanism}, {@code sasl.jaas.config}, {@code ssl.truststore.location}, tuning such as
   * {@code compression.type} or {@code max.poll.records}...). {@code build()} refuses, naming
   * them, a key none of those clients knows and one the library sets itself (bootstrap servers,
   * serialisers, and what the component's own guarantees rest on: idempotence and acks, group and
   * offsets).
   */
  public B property(String key, Object value) {
    properties.put(Objects.requireNonNull(key, "key"), value);
    return self();
  }

  /** Several client settings, as {@link #property}. */
  public B properties(Map<String, ?> properties) {
    properties.forEach(this::property);
    return self();
  }

  /** Opens {@code build()}'s checks: the brokers. */
  final ConfigErrors checks(String subject) {
    ConfigErrors errors = new ConfigErrors(subject);
    KafkaSettings.requireBootstrap(errors, bootstrapServers);
    return errors;
  }

  /**
   * Closes {@code build()}'s checks: the client settings; then throws naming every problem.
   *
   * @throws dev.shadowrouting.InvalidConfigurationException if any check failed
   */
  final void throwIfInvalid(ConfigErrors errors) {
    KafkaSettings.requireProperties(errors, properties, clients, owned);
    errors.throwIfAny();
  }

  /**
   * A client's configuration: the component's {@code defaults}, then the user's settings that
   * this client {@code known}s (a fleet's settings go to each of its clients that has them), then
   * what the component sets itself ({@code owned}) and the brokers, which no setting overrides.
   */
  final Map<String, Object> clientConfig(Map<String, Object> defaults, Set<String> known,
      Map<String, Object> owned) {
    Map<String, Object> config = new HashMap<>(defaults);
    properties.forEach((k, v) -> {
      if (known.contains(k)) {
        config.put(k, v);
      }
    });
    config.putAll(owned);
    config.put(CommonClientConfigs.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers);
    return config;
  }

  @SuppressWarnings("unchecked") // B is this class's own subclass, by the type parameter's bound
  private B self() {
    return (B) this;
  }
}
