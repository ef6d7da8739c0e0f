package dev.shadowrouting.kafka;

import dev.shadowrouting.tck.ShadowSinkCompatibilityKit;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The sink contract's checks (shadow-tck) against {@link KafkaSink} on a real broker, each sink
 * on a topic of its own, read back whole: what it saw is what the topic holds.
 */
class KafkaSinkCompatibilityTest extends ShadowSinkCompatibilityKit<KafkaSink> {
  @RegisterExtension
  static final Brokers.SharedBroker BROKER = new Brokers.SharedBroker();
  private static final AtomicInteger TOPICS = new AtomicInteger();

  private final Map<KafkaSink, String> topics = new ConcurrentHashMap<>();

  @Override
  protected KafkaSink createSink() throws Exception {
    String topic = "tck-" + TOPICS.incrementAndGet();
    Topics.create(BROKER.bootstrap(), topic);
    KafkaSink sink = KafkaSink.builder(BROKER.bootstrap()).topic(topic).build();
    topics.put(sink, topic);
    return sink;
  }

  /** The keys on the sink's topic: the request id, or the variant of an aggregate (no id). */
  @Override
  protected Optional<List<String>> requestIdsSeen(KafkaSink sink) {
    return Optional.of(Topics.readAll(BROKER.bootstrap(), topics.get(sink)).stream()
        .map(r -> Topics.requestId(r.value()))
        .toList());
  }
}
