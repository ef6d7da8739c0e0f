package dev.shadowrouting.kafka;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.shadowrouting.EndpointConfig;
import dev.shadowrouting.InvalidConfigurationException;
import dev.shadowrouting.Problem;
import dev.shadowrouting.Request;
import dev.shadowrouting.RouterSnapshot;
import dev.shadowrouting.ShadowRouter;
import dev.shadowrouting.Variant;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.logging.Handler;
import java.util.logging.Level;
import java.util.logging.LogRecord;
import java.util.logging.Logger;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** The Kafka sink on a real broker: nothing acknowledged is lost, nothing unsent is hidden. */
class KafkaSinkTest {
  @RegisterExtension
  static final Brokers.SharedBroker BROKER = new Brokers.SharedBroker();

  private static ShadowRouter<String, Integer> router(String name, KafkaSink sink) {
    return ShadowRouter.create(EndpointConfig.<String, Integer>builder(name)
        .production(Variant.<String, Integer>builder("v1", String::length).build())
        .shadow(Variant.<String, Integer>builder("s", String::length).capturePayloads(true)
            .maxConcurrency(4096).build())
        .queueCapacity(8192)
        .sinkBufferCapacity(8192)
        .sink(sink)
        .build());
  }

  @Test
  void theTopicHoldsExactlyTheRecordsCountedDeliveredKeyedByRequestId() throws Exception {
    String topic = "records-delivered";
    Topics.create(BROKER.bootstrap(), topic);
    KafkaSink sink = KafkaSink.builder(BROKER.bootstrap()).topic(topic).build();
    ShadowRouter<String, Integer> router = router("delivered", sink);
    for (int i = 0; i < 300; i++) {
      router.predict("input-" + i, Request.builder().requestId("req-" + i).build());
    }
    assertThat(router.awaitIdle(Duration.ofSeconds(30))).isTrue(); // every record acknowledged
    RouterSnapshot.SinkStats stats = router.snapshot().sinks().get(0);
    router.close();
    sink.close();

    assertThat(stats.emitted()).isEqualTo(600);
    assertThat(stats.delivered()).isEqualTo(600);
    assertThat(stats.failed()).isZero();
    assertThat(stats.pending()).isZero();
    assertThat(sink.acknowledged()).isEqualTo(600);
    List<ConsumerRecord<String, String>> records = Topics.readAll(BROKER.bootstrap(), topic);
    assertThat(records).hasSize((int) stats.delivered());
    for (ConsumerRecord<String, String> r : records) {
      assertThat(r.value()).startsWith("{\"schema\":2,");
      assertThat(r.key()).isNotNull().isEqualTo(Topics.requestId(r.value()));
    }
    assertThat(records).filteredOn(r -> r.value().contains("\"variant\":\"s\""))
        .allSatisfy(r -> assertThat(r.value()).contains("\"input\":\"input-"));
    assertThat(records).filteredOn(r -> r.value().contains("\"variant\":\"v1\""))
        .allSatisfy(r -> assertThat(r.value()).doesNotContain("\"input\""));
  }

  /**
   * Records the producer cannot send (here: larger than the producer's request size) are failed
   * and dropped in the router's count, logged once at WARN, and are not on the topic; the others
   * are, every one counted delivered.
   */
  @Test
  void whatCannotBeSentIsCountedFailedAndLoggedOnce() throws Exception {
    String topic = "records-failed";
    Topics.create(BROKER.bootstrap(), topic);
    List<LogRecord> warnings = new CopyOnWriteArrayList<>();
    Handler handler = new Handler() {
      @Override
      public void publish(LogRecord record) {
        if (record.getLevel() == Level.WARNING) {
          warnings.add(record);
        }
      }

      @Override
      public void flush() {}

      @Override
      public void close() {}
    };
    Logger logger = Logger.getLogger("dev.shadowrouting");
    logger.addHandler(handler);
    try {
      KafkaSink sink = KafkaSink.builder(BROKER.bootstrap()).topic(topic)
          .property("max.request.size", 2_000).build();
      ShadowRouter<String, Integer> router = router("failing", sink);
      for (int i = 0; i < 100; i++) { // the shadow's record of every 4th carries 5 KB
        router.predict(i % 4 == 0 ? "x".repeat(5_000) : "small-" + i);
      }
      assertThat(router.awaitIdle(Duration.ofSeconds(30))).isTrue();
      RouterSnapshot.SinkStats stats = router.snapshot().sinks().get(0);
      router.close();
      sink.close();

      assertThat(stats.emitted()).isEqualTo(200);
      assertThat(stats.failed()).isEqualTo(25);
      assertThat(stats.dropped()).isEqualTo(25);
      assertThat(stats.delivered()).isEqualTo(175);
      assertThat(sink.failed()).isEqualTo(25);
      assertThat(Topics.readAll(BROKER.bootstrap(), topic)).hasSize(175);
      assertThat(warnings).filteredOn(w -> w.getMessage().contains("'failing'")).hasSize(1);
      assertThat(warnings).noneMatch(w -> String.valueOf(w.getMessage()).contains("xxxx"));
    } finally {
      logger.removeHandler(handler);
    }
  }

  @Test
  void theBuilderNamesEveryInvalidSetting() {
    assertThatThrownBy(() -> KafkaSink.builder("no-port").topic("bad topic!")
        .closeTimeout(Duration.ZERO).property("lingr.ms", 5).property("acks", "1").build())
        .isInstanceOfSatisfying(InvalidConfigurationException.class, e -> assertThat(
            e.problems()).extracting(Problem::field).containsExactly("bootstrapServers", "topic",
            "closeTimeout", "properties[lingr.ms]", "properties[acks]"))
        .hasMessageContaining("Kafka sink is invalid: 5 errors")
        .hasMessageContaining("properties[lingr.ms] must be a setting of the Kafka producer"
            + " client but was 5");
  }
}
