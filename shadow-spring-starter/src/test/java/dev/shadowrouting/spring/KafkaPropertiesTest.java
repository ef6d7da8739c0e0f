package dev.shadowrouting.spring;

import static dev.shadowrouting.spring.ShadowRoutingAutoConfigurationTest.FRAUD;
import static dev.shadowrouting.spring.ShadowRoutingAutoConfigurationTest.STARTER;
import static org.assertj.core.api.Assertions.assertThat;

import dev.shadowrouting.Fleet;
import dev.shadowrouting.ShadowRouter;
import dev.shadowrouting.kafka.KafkaFleet;
import dev.shadowrouting.kafka.KafkaSink;
import dev.shadowrouting.spring.ShadowRoutingConfigurationException.Problem;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.springframework.boot.test.context.FilteredClassLoader;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;

/**
 * {@code shadow-routing.fleet.kafka.*} and {@code shadow-routing.kafka-sink.*}: when a fleet and a
 * sink are built, with what, attached to which routers, and what an invalid value says. No broker:
 * nothing here needs one (the fleet reaches its brokers on its own thread, and a broker that
 * cannot be reached only makes its view stale); shadow-kafka's tests run them on a real one.
 */
class KafkaPropertiesTest {

  private static final String F = "shadow-routing.fleet.kafka.";
  private static final String S = "shadow-routing.kafka-sink.";
  /** Nothing listens there: the fleet's thread retries in the background, closing is quick. */
  private static final String NO_BROKER = "localhost:1";

  private final ApplicationContextRunner runner = new ApplicationContextRunner()
      .withConfiguration(STARTER)
      .withUserConfiguration(Models.class)
      .withPropertyValues(FRAUD)
      .withPropertyValues(F + "command-timeout=1s");

  @Test
  void aFleetFromItsPropertiesJoinsEveryEndpointAndClosesAfterThem() {
    runner.withPropertyValues(F + "bootstrap-servers=" + NO_BROKER, F + "instance-id=pod-7",
            F + "statistics-topic=stats", F + "command-topic=cmds", F + "publish-interval=250ms",
            "shadow-routing.endpoints.other.production.v1.predictor=fraudModelV1")
        .run(context -> {
          assertThat(context).hasNotFailed().hasSingleBean(KafkaFleet.class);
          KafkaFleet fleet = context.getBean(KafkaFleet.class);
          assertThat(fleet.instanceId()).isEqualTo("pod-7");
          assertThat(fleet.statisticsTopic()).isEqualTo("stats");
          assertThat(fleet.commandTopic()).isEqualTo("cmds");
          assertThat(fleet.publishInterval()).isEqualTo(Duration.ofMillis(250));
          ShadowRouters routers = context.getBean(ShadowRouters.class);
          assertThat(routers.get("fraud").config().fleet()).isSameAs(fleet);
          assertThat(routers.get("other").config().fleet()).isSameAs(fleet);
          // destroyed after the routers: their last statistics still go out through it
          assertThat(context.getBeanFactory().getDependentBeans("shadowRoutingKafkaFleet"))
              .contains("fraudShadowRouter", "otherShadowRouter");
        });
  }

  @Test
  void bootsBootstrapServersAreTheDefaultButNeverEnableAFleetAlone() {
    runner.withPropertyValues("spring.kafka.bootstrap-servers=" + NO_BROKER)
        .run(context -> {
          assertThat(context).hasNotFailed().doesNotHaveBean(Fleet.class);
          assertThat(context.getBean(ShadowRouters.class).get("fraud").config().fleet()).isNull();
        });
    runner.withPropertyValues("spring.kafka.bootstrap-servers=" + NO_BROKER, F + "enabled=true")
        .run(context -> {
          assertThat(context).hasNotFailed().hasSingleBean(KafkaFleet.class);
          assertThat(context.getBean(ShadowRouters.class).get("fraud").config().fleet())
              .isSameAs(context.getBean(KafkaFleet.class));
        });
  }

  @Test
  void enabledFalseWinsOverBootstrapServers() {
    runner.withPropertyValues(F + "bootstrap-servers=" + NO_BROKER, F + "enabled=false")
        .run(context -> assertThat(context).hasNotFailed().doesNotHaveBean(Fleet.class));
  }

  @Test
  void withoutShadowRoutingKafkaThereIsNoFleetAndNoSink() {
    runner.withClassLoader(new FilteredClassLoader(KafkaFleet.class, KafkaSink.class))
        .withPropertyValues(F + "bootstrap-servers=" + NO_BROKER, S + "topic=records")
        .run(context -> {
          assertThat(context).hasNotFailed().doesNotHaveBean(Fleet.class);
          assertThat(context.getBean(ShadowRouters.class).get("fraud").config().fleet()).isNull();
        });
  }

  @Test
  void theInstanceIdDefaultsToTheHostNameAndServerPort() {
    runner.withPropertyValues(F + "bootstrap-servers=" + NO_BROKER, "server.port=8081")
        .run(context -> assertThat(context.getBean(KafkaFleet.class).instanceId())
            .endsWith(":8081").hasSizeGreaterThan(":8081".length()));
    // a random port says nothing: the fleet's default (host name and process id)
    runner.withPropertyValues(F + "bootstrap-servers=" + NO_BROKER, "server.port=0")
        .run(context -> assertThat(context.getBean(KafkaFleet.class).instanceId())
            .endsWith(":" + ProcessHandle.current().pid()));
  }

  @Test
  void enabledWithoutAnyBootstrapServersNamesBothProperties() {
    assertThat(problems(F + "enabled=true")).containsExactly(new Problem(
        F + "bootstrap-servers", null, "is required: set it (host:port pairs, e.g."
        + " broker-1:9092,broker-2:9092) or spring.kafka.bootstrap-servers"));
  }

  @ParameterizedTest(name = "{0}={1}")
  @CsvSource(delimiter = '|', textBlock = """
      fleet.kafka.publish-interval       | 50ms   | PT0.05S | must be a duration in [PT0.1S, PT1H]
      fleet.kafka.command-timeout        | 0s     | PT0S    | must be a duration in [PT1S, PT5M]
      fleet.kafka.statistics-topic       | a/b    | a/b     | must be a Kafka topic name: 1 to 249
      fleet.kafka.command-topic          | a b    | a b     | must be a Kafka topic name: 1 to 249
      fleet.kafka.bootstrap-servers      | broker | broker  | must be host:port pairs separated by
      fleet.kafka.properties.linger.mss  | 5      | 5       | must be a setting of the Kafka
      kafka-sink.close-timeout           | 0s     | PT0S    | must be a duration in (0, PT5M]
      kafka-sink.properties.acks         | 1      | 1       | must be a setting the library does not
      """)
  void aValueTheBuildersRefuseNamesItsProperty(String key, String value, String shown,
      String reason) {
    String property = "shadow-routing." + key;
    assertThat(problems(F + "bootstrap-servers=" + NO_BROKER, S + "topic=records",
        property + "=" + value)).singleElement().satisfies(p -> {
          assertThat(p.property()).isEqualTo(property);
          assertThat(String.valueOf(p.value())).isEqualTo(shown);
          assertThat(p.requirement()).startsWith(reason);
        });
  }

  @Test
  void aMisspelledKeyFailsStartUpWithTheKeysAllowed() {
    assertThat(problems(F + "bootstrap-servers=" + NO_BROKER, F + "publish-intervall=1s"))
        .singleElement().satisfies(p -> {
          assertThat(p.property()).isEqualTo(F + "publish-intervall");
          assertThat(p.requirement()).contains("command-topic", "instance-id", "publish-interval",
              "statistics-topic", "did you mean 'publish-interval'?");
        });
    assertThat(problems(S + "topix=records")).singleElement().satisfies(p ->
        assertThat(p.requirement()).contains("did you mean 'topic'?"));
  }

  @Test
  void aKafkaSinkFromItsTopicReceivesEveryEndpointsRecords() {
    runner.withPropertyValues(S + "topic=records", F + "bootstrap-servers=" + NO_BROKER)
        .run(context -> {
          assertThat(context).hasNotFailed().hasSingleBean(KafkaSink.class);
          KafkaSink sink = context.getBean(KafkaSink.class);
          assertThat(sink.topic()).isEqualTo("records");
          ShadowRouter<?, ?> router = context.getBean(ShadowRouters.class).get("fraud");
          assertThat(router.config().sinks()).contains(sink);
          assertThat(context.getBeanFactory().getDependentBeans("shadowRoutingKafkaSink"))
              .contains("fraudShadowRouter");
        });
    runner.withPropertyValues(S + "topic=records", "spring.kafka.bootstrap-servers=" + NO_BROKER)
        .run(context -> assertThat(context).hasNotFailed().hasSingleBean(KafkaSink.class)
            .doesNotHaveBean(Fleet.class));
    runner.run(context -> assertThat(context).hasNotFailed().doesNotHaveBean(KafkaSink.class));
  }

  private List<Problem> problems(String... properties) {
    return PropertyProblemsTest.problems(runner, properties);
  }
}
