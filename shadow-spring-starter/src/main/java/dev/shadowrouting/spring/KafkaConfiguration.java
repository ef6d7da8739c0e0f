package dev.shadowrouting.spring;

import dev.shadowrouting.kafka.KafkaFleet;
import dev.shadowrouting.kafka.KafkaSink;
import dev.shadowrouting.spring.ShadowRoutingConfigurationException.Problem;
import dev.shadowrouting.spring.ShadowRoutingProperties.FleetKafka;
import dev.shadowrouting.spring.ShadowRoutingProperties.KafkaSinkProperties;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.List;
import java.util.Objects;
import java.util.function.UnaryOperator;
import org.jspecify.annotations.Nullable;
import org.springframework.boot.autoconfigure.condition.ConditionOutcome;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnProperty;
import org.springframework.boot.autoconfigure.condition.SpringBootCondition;
import org.springframework.boot.context.properties.bind.Bindable;
import org.springframework.boot.context.properties.bind.Binder;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.ConditionContext;
import org.springframework.context.annotation.Conditional;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.env.Environment;
import org.springframework.core.type.AnnotatedTypeMetadata;
import org.springframework.util.StringUtils;

/**
 * The Kafka parts of the starter, when shadow-routing-kafka is on the classpath: one {@link
 * KafkaFleet} ({@code shadow-routing.fleet.kafka.*}) that {@link RouterFactory} attaches to every
 * endpoint, and a {@link KafkaSink} ({@code shadow-routing.kafka-sink.*}). Both are closed at
 * shutdown after every router that uses them. Bootstrap servers default to Boot's {@code
 * spring.kafka.bootstrap-servers}. The builders own every default and range; their problems are
 * mapped onto the properties. Stateless.
 */
@Configuration(proxyBeanMethods = false)
@ConditionalOnClass(name = "dev.shadowrouting.kafka.KafkaFleet")
class KafkaConfiguration {

  static final String FLEET = ShadowRoutingProperties.PREFIX + ".fleet.kafka";
  static final String SINK = ShadowRoutingProperties.PREFIX + ".kafka-sink";
  static final String BOOT_SERVERS = "spring.kafka.bootstrap-servers";

  /** Closed (its last statistics published) after every router connected to it has closed. */
  @Bean(destroyMethod = "close")
  @ConditionalOnMissingBean(dev.shadowrouting.Fleet.class)
  @Conditional(FleetEnabled.class)
  KafkaFleet shadowRoutingKafkaFleet(ShadowRoutingProperties properties, Environment environment) {
    FleetKafka kafka = properties.getFleet().getKafka();
    String servers = servers(kafka.getBootstrapServers(), environment, FLEET);
    KafkaFleet.Builder b = KafkaFleet.builder(servers).properties(kafka.getProperties());
    String instanceId = kafka.getInstanceId() != null ? kafka.getInstanceId()
        : defaultInstanceId(environment);
    if (instanceId != null) {
      b.instanceId(instanceId);
    }
    if (kafka.getStatisticsTopic() != null) {
      b.statisticsTopic(kafka.getStatisticsTopic());
    }
    if (kafka.getCommandTopic() != null) {
      b.commandTopic(kafka.getCommandTopic());
    }
    if (kafka.getPublishInterval() != null) {
      b.publishInterval(kafka.getPublishInterval());
    }
    if (kafka.getCommands() != null) {
      b.commands(kafka.getCommands());
    }
    if (kafka.getCommandTimeout() != null) {
      b.commandTimeout(kafka.getCommandTimeout());
    }
    if (kafka.getCreateTopics() != null) {
      b.createTopics(kafka.getCreateTopics());
    }
    return CoreProblems.build(b::build, fields(FLEET));
  }

  /** Closed (unsent records sent within its close timeout) after every router that uses it. */
  @Bean(destroyMethod = "close")
  @ConditionalOnMissingBean(KafkaSink.class)
  @ConditionalOnProperty(prefix = SINK, name = "topic")
  KafkaSink shadowRoutingKafkaSink(ShadowRoutingProperties properties, Environment environment) {
    KafkaSinkProperties sink = properties.getKafkaSink();
    List<String> own = sink.getBootstrapServers() != null ? sink.getBootstrapServers()
        : properties.getFleet().getKafka().getBootstrapServers();
    KafkaSink.Builder b = KafkaSink.builder(servers(own, environment, SINK))
        .topic(Objects.requireNonNull(sink.getTopic()))
        .properties(sink.getProperties());
    if (sink.getCloseTimeout() != null) {
      b.closeTimeout(sink.getCloseTimeout());
    }
    return CoreProblems.build(b::build, fields(SINK));
  }

  /**
   * The bootstrap servers: the starter's own, else Boot's; neither set is a start-up failure
   * naming both properties.
   */
  private static String servers(@Nullable List<String> own, Environment environment,
      String path) {
    List<String> servers = own != null ? own : Binder.get(environment)
        .bind(BOOT_SERVERS, Bindable.listOf(String.class)).orElse(null);
    if (servers == null || servers.isEmpty()) {
      throw new ShadowRoutingConfigurationException(List.of(new Problem(
          path + ".bootstrap-servers", null, "is required: set it (host:port pairs, e.g."
          + " broker-1:9092,broker-2:9092) or " + BOOT_SERVERS)));
    }
    return String.join(",", servers);
  }

  /**
   * The host name and {@code server.port}: stable across restarts of one pod or service. Null
   * (the fleet's own default, host name and process id) when the port is unset or random (0),
   * so two instances on one host never share an id.
   */
  static @Nullable String defaultInstanceId(Environment environment) {
    Integer port = environment.getProperty("server.port", Integer.class);
    if (port == null || port <= 0) {
      return null;
    }
    String host;
    try {
      host = InetAddress.getLocalHost().getHostName();
    } catch (UnknownHostException e) {
      host = Objects.requireNonNullElse(System.getenv("HOSTNAME"), "localhost");
    }
    return host + ":" + port;
  }

  /** The builders' fields below {@code path}: {@code properties[k]} to {@code properties.k}. */
  static UnaryOperator<String> fields(String path) {
    UnaryOperator<String> dashed = CoreProblems.below(path);
    return field -> field.startsWith("properties[") && field.endsWith("]")
        ? path + ".properties." + field.substring("properties[".length(), field.length() - 1)
        : dashed.apply(field);
  }

  /**
   * {@code shadow-routing.fleet.kafka.enabled}, and when it is unset whether the fleet's own
   * bootstrap servers are set: Boot's alone never makes an application join a fleet.
   */
  static final class FleetEnabled extends SpringBootCondition {
    @Override
    public ConditionOutcome getMatchOutcome(ConditionContext context,
        AnnotatedTypeMetadata metadata) {
      Environment env = context.getEnvironment();
      String enabled = env.getProperty(FLEET + ".enabled");
      if (StringUtils.hasText(enabled)) {
        return Boolean.parseBoolean(enabled.trim())
            ? ConditionOutcome.match(FLEET + ".enabled is true")
            : ConditionOutcome.noMatch(FLEET + ".enabled is " + enabled);
      }
      boolean servers = Binder.get(env).bind(FLEET + ".bootstrap-servers",
          Bindable.listOf(String.class)).isBound();
      return servers ? ConditionOutcome.match(FLEET + ".bootstrap-servers is set")
          : ConditionOutcome.noMatch(FLEET + ".bootstrap-servers and .enabled are unset");
    }
  }
}
