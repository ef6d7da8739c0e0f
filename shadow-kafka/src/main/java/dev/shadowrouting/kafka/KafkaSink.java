package dev.shadowrouting.kafka;

import dev.shadowrouting.ShadowRecord;
import dev.shadowrouting.ShadowSink;
import dev.shadowrouting.internal.util.ConfigErrors;
import dev.shadowrouting.internal.util.WarnThenDebugLogger;
import dev.shadowrouting.sinks.jsonl.PayloadWriter;
import dev.shadowrouting.sinks.jsonl.RecordLineWriter;
import java.time.Duration;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.LongAdder;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.Producer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.errors.InterruptException;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;

/**
 * Writes {@link ShadowRecord}s to a Kafka topic, one record per message: the value is the JSON
 * Lines sink's line (schema 2, the same serialiser, {@link RecordLineWriter}), the key the
 * request id (a rejection aggregate, which stands for many requests, is keyed by its variant), so
 * every record of one request lands in one partition, in order.
 *
 * <ul>
 *   <li><b>Never in the caller's way</b>: the router calls it on the sink's own delivery thread
 *       from a bounded buffer (like every sink); the producer sends in the background. A broker
 *       that is slow or down fills the producer's bounded memory ({@code buffer.memory}), then
 *       {@code accept} waits at most {@code max.block.ms} (default here 1 s) on that thread, the
 *       router's buffer for this sink fills, and further records are dropped and counted there.
 *   <li><b>Delivered means acknowledged</b>: the producer is idempotent ({@code
 *       enable.idempotence=true}, {@code acks=all}), and the sink {@linkplain
 *       ShadowSink#confirmsDelivery() confirms delivery}: the router counts a record as delivered
 *       when the broker acknowledged it, and as failed when the producer gave up on it (after
 *       {@code delivery.timeout.ms}, default here 30 s). The first failure is logged at WARN,
 *       later ones at DEBUG, without payloads. What is still unacknowledged when the router's
 *       close deadline passes is counted as dropped.
 *   <li><b>Payloads</b> travel only when the record has them (variants that opted in, after the
 *       endpoint's redactor), through the {@link PayloadWriter}; a record whose payload cannot be
 *       written is failed (counted, logged once), never thrown.
 * </ul>
 *
 * <p>Extra producer settings (security, compression, batching) go through {@link
 * Builder#property}. Thread-safe: several routers may share it. Call {@link #close()} when done:
 * routers flush their sinks, only the owner closes them.
 */
public final class KafkaSink implements ShadowSink, AutoCloseable {
  /** Default topic. */
  public static final String DEFAULT_TOPIC = "shadow-records";
  /** Default {@code closeTimeout}: how long {@link #close()} waits for unsent records. */
  public static final Duration DEFAULT_CLOSE_TIMEOUT = Duration.ofSeconds(5);

  /** The producer settings the sink sets itself. */
  static final Set<String> OWNED = Set.of(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG,
      ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG,
      ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, ProducerConfig.ACKS_CONFIG);

  private final String topic;
  private final Duration closeTimeout;
  private final Map<String, Object> producerConfig;
  /**
   * Made on first use ({@link #producer()}), not at build: a broker's name that does not resolve
   * yet fails records (counted), not the application's start.
   */
  private volatile Producer<String, byte[]> producer;
  /** When a failed attempt to make the producer may be retried (System.nanoTime). */
  private long retryAt;
  /** One serialiser; routers' delivery threads take turns on it. */
  private final RecordLineWriter writer;
  private final Map<String, Context> contexts = new ConcurrentHashMap<>();
  private final WarnThenDebugLogger unattachedFailures;
  private final LongAdder acknowledged = new LongAdder();
  private final LongAdder failed = new LongAdder();
  private volatile boolean closed;

  private KafkaSink(Builder b) {
    this.topic = b.topic;
    this.closeTimeout = b.closeTimeout;
    this.writer = RecordLineWriter.create(b.payloadWriter);
    this.unattachedFailures = new WarnThenDebugLogger(System.getLogger("dev.shadowrouting.kafka"),
        "Kafka sink writing to topic '" + topic + "' failed to send records");
    Map<String, Object> defaults = Map.of(
        ProducerConfig.MAX_BLOCK_MS_CONFIG, 1_000,
        ProducerConfig.DELIVERY_TIMEOUT_MS_CONFIG, 30_000,
        ProducerConfig.REQUEST_TIMEOUT_MS_CONFIG, 10_000,
        ProducerConfig.LINGER_MS_CONFIG, 5,
        ProducerConfig.CLIENT_ID_CONFIG, "shadow-routing-sink-" + topic);
    Map<String, Object> owned = Map.of(
        ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, StringSerializer.class,
        ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class,
        ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true,
        ProducerConfig.ACKS_CONFIG, "all");
    this.producerConfig = b.clientConfig(defaults, ProducerConfig.configNames(), owned);
  }

  /**
   * The producer, made now if it was not yet; after a failed attempt the next one waits a second
   * (records meanwhile fail at once).
   */
  private Producer<String, byte[]> producer() {
    Producer<String, byte[]> p = producer;
    if (p != null) {
      return p;
    }
    synchronized (this) {
      if (closed) {
        throw new IllegalStateException("Kafka sink is closed");
      }
      if (producer == null) {
        long now = System.nanoTime();
        if (now - retryAt < 0) {
          throw new org.apache.kafka.common.KafkaException("no producer: the last attempt to"
              + " make one failed less than a second ago");
        }
        try {
          producer = new KafkaProducer<>(producerConfig);
        } catch (RuntimeException e) {
          retryAt = now + java.util.concurrent.TimeUnit.SECONDS.toNanos(1);
          throw e;
        }
      }
      return producer;
    }
  }

  /**
   * A builder for a sink that writes to the brokers {@code bootstrapServers} ({@code
   * "host:port,host:port"}).
   *
   * @throws IllegalStateException if {@code com.fasterxml.jackson.core:jackson-core} is missing
   */
  public static Builder builder(String bootstrapServers) {
    return new Builder(bootstrapServers);
  }

  @Override
  public void onAttach(Context context) {
    contexts.put(context.endpoint(), context);
  }

  @Override
  public void onDetach(String endpoint) {
    contexts.remove(endpoint);
  }

  @Override
  public boolean confirmsDelivery() {
    return true;
  }

  /**
   * Serialises the record and hands it to the producer; its acknowledgement or failure is
   * reported to the router later, from the producer's thread.
   */
  @Override
  public void accept(ShadowRecord record) {
    Context context = contexts.get(record.endpoint());
    try {
      byte[] value;
      synchronized (writer) {
        value = writer.toBytes(record);
      }
      String key = record.requestId() != null ? record.requestId() : record.variant();
      producer().send(new ProducerRecord<>(topic, key, value), (metadata, failure) -> {
        if (failure == null) {
          acknowledged.increment();
          if (context != null) {
            context.delivered(1);
          }
        } else {
          fail(context, failure);
        }
      });
    } catch (RuntimeException e) { // a payload that cannot be written, closed, or no room
      fail(context, e);                // in max.block.ms: never sent
    }
  }

  private void fail(Context context, Throwable failure) {
    failed.increment();
    if (context != null) {
      context.failed(failure, 1);
    } else {
      unattachedFailures.log(failure);
    }
  }

  /** Waits until every record handed to the producer is acknowledged or failed. */
  @Override
  public void flush() {
    Producer<String, byte[]> p = producer;
    if (closed || p == null) {
      return;
    }
    try {
      p.flush();
    } catch (InterruptException e) {
      Thread.currentThread().interrupt(); // the router's close deadline: it counts what is left
    }
  }

  /** Records the brokers acknowledged. */
  public long acknowledged() {
    return acknowledged.sum();
  }

  /** Records that could not be sent (the producer gave up, or had no room), counted once each. */
  public long failed() {
    return failed.sum();
  }

  public String topic() {
    return topic;
  }

  @Override
  public String name() {
    return "kafka";
  }

  /**
   * Sends what it can within {@code closeTimeout} and closes the producer; later records fail.
   * Idempotent.
   */
  @Override
  public void close() {
    Producer<String, byte[]> p;
    synchronized (this) {
      if (closed) {
        return;
      }
      closed = true; // no producer is made after this
      p = producer;
    }
    if (p != null) {
      p.close(closeTimeout);
    }
  }

  @Override
  public String toString() {
    return "KafkaSink[" + topic + ']';
  }

  /**
   * Builder for {@link KafkaSink}; not thread-safe. {@link #build()} validates every setting and
   * reports all errors at once.
   */
  public static final class Builder extends ClientBuilder<Builder> {
    private String topic = DEFAULT_TOPIC;
    private PayloadWriter payloadWriter = PayloadWriter.defaults();
    private Duration closeTimeout = DEFAULT_CLOSE_TIMEOUT;

    private Builder(String bootstrapServers) {
      super(bootstrapServers, Map.of("producer", ProducerConfig.configNames()), OWNED);
    }

    /** The topic, default {@value #DEFAULT_TOPIC}; it must exist or be auto-created. */
    public Builder topic(String topic) {
      this.topic = topic;
      return this;
    }

    /** Writes payload values of types the serialiser does not know. */
    public Builder payloadWriter(PayloadWriter payloadWriter) {
      this.payloadWriter = payloadWriter;
      return this;
    }

    /** How long {@link KafkaSink#close()} waits for unsent records, in (0, 5 min]. */
    public Builder closeTimeout(Duration closeTimeout) {
      this.closeTimeout = closeTimeout;
      return this;
    }

    /**
     * @throws dev.shadowrouting.InvalidConfigurationException naming every invalid setting
     */
    public KafkaSink build() {
      ConfigErrors errors = checks("Kafka sink is invalid");
      KafkaSettings.requireTopic(errors, "topic", topic);
      errors.requireNonNull("payloadWriter", payloadWriter);
      errors.requirePositive("closeTimeout", closeTimeout, KafkaSettings.MAX_TIMEOUT);
      throwIfInvalid(errors);
      return new KafkaSink(this);
    }
  }
}
