package dev.shadowrouting.kafka;

import dev.shadowrouting.ReplaySource;
import dev.shadowrouting.internal.util.ConfigErrors;
import dev.shadowrouting.sinks.jsonl.ShadowRecords;
import java.io.IOException;
import java.io.InterruptedIOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.apache.kafka.clients.consumer.CloseOptions;
import org.apache.kafka.clients.consumer.Consumer;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.PartitionInfo;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.InterruptException;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.jspecify.annotations.Nullable;

/**
 * The records a {@link KafkaSink} wrote to a topic, as a {@link ReplaySource} for {@link
 * dev.shadowrouting.ShadowReplay}: every partition, from its beginning to the end offset it had
 * when the source opened (on the first {@link #next()}), so a replay reads a bounded capture and
 * does not wait for records written since. Each message's value is read with {@link
 * ShadowRecords#parse}; one that is not a record (not JSON, torn, a tombstone) is a {@link
 * Entry#malformed malformed} entry, located {@code topic-partition@offset}, whose reason never
 * quotes the value.
 *
 * <p>The consumer is assigned the partitions (no consumer group: nothing is committed, no other
 * consumer of the topic is disturbed). Partitions are read as they come, so records of different
 * partitions interleave in no particular order; those of one request are in one partition, in
 * order (the sink keys them by request id). Extra consumer settings (security, fetch sizes) go
 * through {@link Builder#property}.
 *
 * <p>Not thread-safe: one reader, as every source. Close it (a replay closes its source).
 */
public final class KafkaReplaySource implements ReplaySource {
  /** Default {@code timeout}: for the topic's metadata, and for a poll that brings nothing. */
  public static final Duration DEFAULT_TIMEOUT = Duration.ofSeconds(30);

  /** The consumer settings the source sets itself. */
  static final Set<String> OWNED = Set.of(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG,
      ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG,
      ConsumerConfig.GROUP_ID_CONFIG, ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG,
      ConsumerConfig.AUTO_OFFSET_RESET_CONFIG);

  /** How long one poll waits before the source checks whether it is done or stuck. */
  private static final Duration POLL = Duration.ofMillis(200);

  private final String topic;
  private final Duration timeout;
  private final Map<String, Object> consumerConfig;
  private @Nullable Consumer<byte[], byte[]> consumer;
  /** Per partition: the offsets read are [begin, end) as of opening. */
  private final Map<TopicPartition, Long> begin = new HashMap<>();
  private final Map<TopicPartition, Long> end = new HashMap<>();
  /** Per partition still being read: the next offset to hand out. */
  private final Map<TopicPartition, Long> next = new HashMap<>();
  private final ArrayDeque<ConsumerRecord<byte[], byte[]>> polled = new ArrayDeque<>();
  private long total;
  private long read;
  private boolean opened;
  private boolean closed;

  private KafkaReplaySource(Builder b) {
    this.topic = b.topic;
    this.timeout = b.timeout;
    this.consumerConfig = b.clientConfig(Map.of(
            ConsumerConfig.CLIENT_ID_CONFIG, "shadow-routing-replay-" + b.topic,
            ConsumerConfig.ALLOW_AUTO_CREATE_TOPICS_CONFIG, false),
        ConsumerConfig.configNames(), Map.of(
            ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class,
            ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class,
            ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false,
            // records deleted by retention while the replay runs: go on from what is left
            ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest"));
  }

  /**
   * A builder for a source reading from the brokers {@code bootstrapServers} ({@code
   * "host:port,host:port"}).
   */
  public static Builder builder(String bootstrapServers) {
    return new Builder(bootstrapServers);
  }

  @Override
  public @Nullable Entry next() throws IOException {
    if (closed) {
      throw new IOException("Kafka replay source of " + description() + " is closed");
    }
    try {
      if (!opened) {
        open();
      }
      while (true) {
        ConsumerRecord<byte[], byte[]> r = polled.poll();
        if (r != null) {
          Entry e = entry(r);
          if (e != null) {
            return e;
          }
        } else if (next.isEmpty()) {
          return null;
        } else {
          pollMore();
        }
      }
    } catch (InterruptException e) {
      Thread.currentThread().interrupt();
      throw (InterruptedIOException) new InterruptedIOException("reading " + description())
          .initCause(e);
    } catch (KafkaException e) {
      throw new IOException("cannot read " + description() + ": " + e, e);
    }
  }

  /** Assigns every partition that has records and takes the offsets the read ends at. */
  private void open() throws IOException {
    opened = true;
    Consumer<byte[], byte[]> c = new KafkaConsumer<>(consumerConfig);
    consumer = c;
    List<PartitionInfo> infos = c.partitionsFor(topic, timeout);
    if (infos == null || infos.isEmpty()) {
      throw new IOException("topic '" + topic + "' does not exist (or is not visible) on "
          + consumerConfig.get(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG));
    }
    List<TopicPartition> partitions = new ArrayList<>();
    infos.forEach(i -> partitions.add(new TopicPartition(topic, i.partition())));
    begin.putAll(c.beginningOffsets(partitions, timeout));
    end.putAll(c.endOffsets(partitions, timeout));
    for (TopicPartition p : partitions) {
      if (begin.get(p) < end.get(p)) {
        next.put(p, begin.get(p));
        total += end.get(p) - begin.get(p);
      }
    }
    c.assign(next.keySet());
    next.forEach(c::seek);
  }

  /** Polls until records come or every partition is read; fails after {@code timeout} idle. */
  private void pollMore() throws IOException {
    long deadline = System.nanoTime() + timeout.toNanos();
    while (polled.isEmpty() && !next.isEmpty()) {
      consumer.poll(POLL).forEach(polled::add);
      if (polled.isEmpty()) {
        // offsets may have gaps (transaction markers, compaction): the position says where a
        // partition is even when no record came
        for (TopicPartition p : List.copyOf(next.keySet())) {
          long position = consumer.position(p, timeout);
          if (position >= end.get(p)) {
            read += end.get(p) - next.get(p);
            finish(p);
          }
        }
        if (!next.isEmpty() && System.nanoTime() - deadline > 0) {
          throw new IOException("no records from " + description() + " for " + timeout
              + "; partitions left to read: " + next.keySet());
        }
      }
    }
  }

  /** The entry of {@code r}, or null if it is past the end taken at opening. */
  private @Nullable Entry entry(ConsumerRecord<byte[], byte[]> r) {
    TopicPartition p = new TopicPartition(r.topic(), r.partition());
    Long from = next.get(p);
    long stop = end.getOrDefault(p, 0L);
    if (from == null || r.offset() < from || r.offset() >= stop) {
      return null; // written after the source opened (or handed out already)
    }
    read += r.offset() + 1 - from; // a gap in the offsets is read too
    if (r.offset() + 1 >= stop) {
      finish(p);
    } else {
      next.put(p, r.offset() + 1);
    }
    String location = r.topic() + "-" + r.partition() + "@" + r.offset();
    if (r.value() == null) {
      return Entry.malformed(location, "no value (a tombstone)");
    }
    try {
      // malformed UTF-8 is replaced, so a torn value is malformed JSON like any other
      return Entry.of(location, ShadowRecords.parse(new String(r.value(),
          StandardCharsets.UTF_8)));
    } catch (IOException e) {
      // the reason only: the value may hold payloads
      return Entry.malformed(location, e.getMessage() == null ? e.getClass().getSimpleName()
          : e.getMessage());
    }
  }

  private void finish(TopicPartition p) {
    next.remove(p);
    consumer.pause(Set.of(p)); // fetch nothing more from it
  }

  /** Offsets read over the offsets there were at opening; 0 before the first read. */
  @Override
  public double fractionRead() {
    if (!opened) {
      return 0.0;
    }
    return total == 0 ? (next.isEmpty() ? 1.0 : 0.0) : Math.min(1.0, (double) read / total);
  }

  @Override
  public String description() {
    return "Kafka topic '" + topic + "'";
  }

  /** Closes the consumer (waiting at most {@code timeout}). Idempotent. */
  @Override
  public void close() {
    if (closed) {
      return;
    }
    closed = true;
    if (consumer != null) {
      consumer.close(CloseOptions.timeout(timeout));
    }
  }

  @Override
  public String toString() {
    return "KafkaReplaySource[" + topic + ']';
  }

  /**
   * Builder for {@link KafkaReplaySource}; not thread-safe. {@link #build()} validates every
   * setting and reports all errors at once; it does not connect (the first {@code next()} does).
   */
  public static final class Builder extends ClientBuilder<Builder> {
    private String topic = KafkaSink.DEFAULT_TOPIC;
    private Duration timeout = DEFAULT_TIMEOUT;

    private Builder(String bootstrapServers) {
      super(bootstrapServers, Map.of("consumer", ConsumerConfig.configNames()), OWNED);
    }

    /** The topic a {@link KafkaSink} wrote, default {@value KafkaSink#DEFAULT_TOPIC}. */
    public Builder topic(String topic) {
      this.topic = topic;
      return this;
    }

    /**
     * How long to wait for the topic's metadata and offsets, and for a poll that brings no
     * records before the source gives up with an {@code IOException}; in (0, 5 min], default
     * 30 s.
     */
    public Builder timeout(Duration timeout) {
      this.timeout = timeout;
      return this;
    }

    /**
     * @throws dev.shadowrouting.InvalidConfigurationException naming every invalid setting
     */
    public KafkaReplaySource build() {
      ConfigErrors errors = checks("Kafka replay source is invalid");
      KafkaSettings.requireTopic(errors, "topic", topic);
      errors.requirePositive("timeout", timeout, KafkaSettings.MAX_TIMEOUT);
      throwIfInvalid(errors);
      return new KafkaReplaySource(this);
    }
  }
}
