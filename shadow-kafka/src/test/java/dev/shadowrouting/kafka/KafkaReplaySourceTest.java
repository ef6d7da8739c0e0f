package dev.shadowrouting.kafka;

import static dev.shadowrouting.ReplayFixture.candidateTest;
import static dev.shadowrouting.ReplayFixture.liveTest;
import static dev.shadowrouting.ReplayFixture.productionRecord;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.shadowrouting.InvalidConfigurationException;
import dev.shadowrouting.PayloadDecoder;
import dev.shadowrouting.Predictor;
import dev.shadowrouting.Problem;
import dev.shadowrouting.ReplayFixture;
import dev.shadowrouting.ReplayReport;
import dev.shadowrouting.ReplaySource;
import dev.shadowrouting.ShadowRecord;
import dev.shadowrouting.ShadowReplay;
import dev.shadowrouting.ShadowTest;
import dev.shadowrouting.ShadowTestReport.VariantReport;
import dev.shadowrouting.ShadowTestSpec.Check;
import dev.shadowrouting.Variant;
import dev.shadowrouting.sinks.jsonl.FlushPolicy;
import dev.shadowrouting.sinks.jsonl.JsonLinesSink;
import dev.shadowrouting.sinks.jsonl.JsonLinesSource;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.stream.Collectors;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/** Replay from a topic a {@link KafkaSink} wrote, on a real broker. */
class KafkaReplaySourceTest {
  @RegisterExtension
  static final Brokers.SharedBroker BROKER = new Brokers.SharedBroker();
  private static final int REQUESTS = 600;
  /** Payloads are read back as plain values: integers here. */
  private static final PayloadDecoder<Integer> INTEGER = p -> ((Number) p).intValue();

  @TempDir
  Path tmp;

  private static ShadowReplay.Builder<Integer, Integer> replay(ReplaySource source) {
    return ShadowReplay.builder(source, Variant.builder("v2", Predictor.of(
            ReplayFixture::candidate)).build())
        .inputDecoder(INTEGER).outputDecoder(INTEGER).parallelism(2);
  }

  /**
   * One router captures into a topic of three partitions and into JSON Lines files at once,
   * while a live test runs the candidate; the replay from the topic equals the replay from the
   * files and the live test on errors and agreement: counts, estimates, bounds, verdicts.
   */
  @Test
  void replayOfATopicEqualsTheLiveTestAndTheReplayOfTheSameJsonLinesCapture() throws Exception {
    String topic = "replay-capture";
    Topics.create(BROKER.bootstrap(), topic, 3);
    Path files = tmp.resolve("capture");
    ShadowTest live;
    try (KafkaSink kafka = KafkaSink.builder(BROKER.bootstrap()).topic(topic).build();
        JsonLinesSink jsonl = JsonLinesSink.builder(files)
            .flushPolicy(FlushPolicy.everyRecord()).build()) {
      // the replay leaves latency out (production is not re-run), so does the live test
      live = liveTest(REQUESTS, candidateTest().withoutCheck(Check.LATENCY)
          .withoutCheck(Check.TAIL_LATENCY), kafka, jsonl);
    }
    assertThat(Topics.readAll(BROKER.bootstrap(), topic).stream()
        .map(r -> r.partition()).collect(Collectors.toSet())).as("partitions written")
        .hasSize(3);

    ReplayReport fromTopic = replay(KafkaReplaySource.builder(BROKER.bootstrap()).topic(topic)
        .build()).build().run();
    ReplayReport fromFiles = replay(JsonLinesSource.open(files)).build().run();

    assertThat(fromTopic.entries()).isEqualTo(fromFiles.entries()).isEqualTo(2L * REQUESTS);
    assertThat(fromTopic.replayed()).isEqualTo(fromFiles.replayed()).isEqualTo(REQUESTS);
    assertThat(fromTopic.skipped()).isEqualTo(fromFiles.skipped());
    assertThat(fromTopic.malformed()).isZero();
    assertThat(fromTopic.unreplayableTotal()).isZero();
    assertThat(fromTopic.source()).isEqualTo("Kafka topic 'replay-capture'");
    var liveChecks = live.statistics().evaluate().checks();
    assertThat(liveChecks).extracting(c -> c.name()).containsExactly("errors", "agreement");
    assertThat(liveChecks).allSatisfy(c -> assertThat(c.n()).isPositive());
    assertThat(fromTopic.statistics().evaluate().checks()).isEqualTo(liveChecks)
        .isEqualTo(fromFiles.statistics().evaluate().checks());
    assertThat(fromTopic.verdict()).isEqualTo(live.statistics().evaluate().verdict());
    VariantReport l = live.report().variant("v2");
    VariantReport k = fromTopic.report().variant("v2");
    assertThat(l.rejected()).as("the live test dropped no copy").isZero();
    assertThat(k.invocations()).isEqualTo(l.invocations()).isEqualTo(REQUESTS);
    assertThat(k.errors()).isEqualTo(l.errors()).isEqualTo(REQUESTS / 31);
    assertThat(k.compared()).isEqualTo(l.compared());
    assertThat(k.mismatches()).isEqualTo(l.mismatches()).isPositive();
    assertThat(fromTopic.report().variants().get(0).errors()).as("production's failures")
        .isEqualTo(live.report().variants().get(0).errors()).isEqualTo(REQUESTS / 97);
  }

  private static void send(KafkaSink sink, ShadowRecord record) {
    sink.accept(record);
    sink.flush();
  }

  /**
   * Reads up to the end offsets taken when it opens, counts from offsets, and yields values that
   * are not records as malformed entries at {@code topic-partition@offset}, without quoting them.
   */
  @Test
  void readsTheTopicAsItWasWhenOpenedAndLocatesMalformedValues() throws Exception {
    String topic = "replay-malformed";
    Topics.create(BROKER.bootstrap(), topic);
    try (KafkaSink sink = KafkaSink.builder(BROKER.bootstrap()).topic(topic).build();
        KafkaProducer<byte[], byte[]> raw = new KafkaProducer<>(Map.of(
            ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, BROKER.bootstrap(),
            ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class,
            ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class))) {
      send(sink, productionRecord(1).build());
      send(sink, productionRecord(2).build());
      for (String bad : new String[] {"secret card 4111 is not json",
          "{\"schema\":2,\"ts\":\"2026-12-01T10:0", null}) {
        raw.send(new ProducerRecord<>(topic, bad == null ? null
            : bad.getBytes(StandardCharsets.UTF_8))).get();
      }

      KafkaReplaySource source = KafkaReplaySource.builder(BROKER.bootstrap()).topic(topic)
          .timeout(Duration.ofSeconds(20)).build();
      assertThat(source.fractionRead()).isZero();
      ReplaySource.Entry first = source.next();
      assertThat(first.location()).isEqualTo("replay-malformed-0@0");
      assertThat(first.record()).extracting(ShadowRecord::requestId, ShadowRecord::input,
          ShadowRecord::output).containsExactly("r1", 1, 2);
      assertThat(source.fractionRead()).isEqualTo(0.2);
      send(sink, productionRecord(3).build()); // after opening: not part of this read
      assertThat(source.next().record().requestId()).isEqualTo("r2");
      ReplaySource.Entry notJson = source.next();
      ReplaySource.Entry torn = source.next();
      ReplaySource.Entry tombstone = source.next();
      assertThat(source.next()).isNull();
      assertThat(source.fractionRead()).isEqualTo(1.0);
      assertThat(notJson.location()).isEqualTo("replay-malformed-0@2");
      assertThat(notJson.problem()).isEqualTo("not valid JSON at column 1");
      assertThat(torn.location()).isEqualTo("replay-malformed-0@3");
      assertThat(torn.problem()).contains("torn");
      assertThat(tombstone.location()).isEqualTo("replay-malformed-0@4");
      assertThat(tombstone.problem()).isEqualTo("no value (a tombstone)");
      source.close();
      source.close();
      assertThatThrownBy(source::next).isInstanceOf(IOException.class).hasMessageContaining(
          "closed");

      // a replay counts them, with their location; the record written later is read now
      ReplayReport r = replay(KafkaReplaySource.builder(BROKER.bootstrap()).topic(topic)
          .build()).build().run();
      assertThat(r.entries()).isEqualTo(6);
      assertThat(r.replayed()).isEqualTo(3);
      assertThat(r.malformed()).isEqualTo(3);
      assertThat(r.problems()).contains("replay-malformed-0@2: not valid JSON at column 1",
          "replay-malformed-0@4: no value (a tombstone)");
      assertThat(r.toString()).doesNotContain("secret", "4111");
    }
  }

  @Test
  void aTopicThatDoesNotExistIsAnIoErrorNamingIt() {
    KafkaReplaySource source = KafkaReplaySource.builder(BROKER.bootstrap())
        .topic("no-such-topic").timeout(Duration.ofSeconds(5)).build();
    assertThatThrownBy(source::next).isInstanceOf(IOException.class)
        .hasMessageContaining("topic 'no-such-topic' does not exist");
    source.close();
  }

  @Test
  void theBuilderNamesEveryInvalidSetting() {
    assertThatThrownBy(() -> KafkaReplaySource.builder("no-port").topic("bad topic!")
        .timeout(Duration.ZERO).property("max.pol.records", 5).property("group.id", "g").build())
        .isInstanceOfSatisfying(InvalidConfigurationException.class, e -> assertThat(
            e.problems()).extracting(Problem::field).containsExactly("bootstrapServers", "topic",
            "timeout", "properties[max.pol.records]", "properties[group.id]"))
        .hasMessageContaining("Kafka replay source is invalid: 5 errors")
        .hasMessageContaining("properties[max.pol.records] must be a setting of the Kafka"
            + " consumer client but was 5");
    assertThatThrownBy(() -> KafkaReplaySource.builder("b:9092").timeout(Duration.ofMinutes(6))
        .build()).isInstanceOfSatisfying(InvalidConfigurationException.class, e -> assertThat(
            e.problems()).extracting(Problem::field).containsExactly("timeout"));
    assertThat(KafkaReplaySource.builder("b:9092").build().description())
        .isEqualTo("Kafka topic 'shadow-records'");
  }
}
