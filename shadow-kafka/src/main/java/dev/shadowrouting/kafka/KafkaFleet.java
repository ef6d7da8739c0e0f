package dev.shadowrouting.kafka;

import dev.shadowrouting.Fleet;
import dev.shadowrouting.internal.util.ConfigErrors;
import dev.shadowrouting.internal.util.WarnThenDebugLogger;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.LongAdder;
import java.util.concurrent.locks.LockSupport;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.PartitionInfo;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.config.TopicConfig;
import org.apache.kafka.common.errors.TopicExistsException;
import org.apache.kafka.common.errors.WakeupException;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;

/**
 * A {@link Fleet} on Kafka: the instances of a service share their shadow tests' statistics and
 * operations through two topics.
 *
 * <ul>
 *   <li><b>Statistics</b> ({@value #DEFAULT_STATISTICS_TOPIC}, compacted): every {@link
 *       #publishInterval()} each instance publishes the {@code PairedStatistics} of each running
 *       test of each connected endpoint (and an ended test's final ones, once), keyed {@code
 *       <endpoint>/<candidate>/<hash>/<instance>} (the test's {@code fleetId} and the instance).
 *       Compaction keeps each instance's latest; an instance that stops keeps its last ones in the
 *       fleet, shown stale after three intervals.
 *   <li><b>Commands</b> ({@value #DEFAULT_COMMAND_TOPIC}, retained {@code commandRetention}):
 *       start-test, stop, promote and discard, keyed by endpoint so one endpoint's commands keep
 *       one order, applied by every instance.
 * </ul>
 *
 * Every instance reads both topics from the beginning (no consumer group: each reads every
 * partition), so one that starts or restarts later sees the fleet's statistics and catches up on
 * its commands; an instance restarted with the same id finds its earlier statistics there and
 * keeps their pairs. Nothing of a request travels.
 *
 * <p><b>Never on the caller's path.</b> Publishing and consuming run on one daemon thread per
 * fleet ({@code shadow-fleet-<instance>}), started when the first router connects; a broker that
 * is down makes the fleet view stale (shown in the fleet report), never an error or a wait for
 * production. Only {@link #publishCommand} waits, on the thread of the person's operation, at
 * most {@code commandTimeout}.
 *
 * <p>The topics are created when missing ({@link Builder#createTopics}), with one partition each
 * and the broker's default replication; create them yourself for other settings (see
 * docs/fleets.md). Extra client settings (security) go through {@link Builder#property}.
 * Thread-safe; one fleet may serve several routers. Close it when done (routers only disconnect).
 */
public final class KafkaFleet implements Fleet, AutoCloseable {
  public static final String DEFAULT_STATISTICS_TOPIC = "shadow-routing-statistics";
  public static final String DEFAULT_COMMAND_TOPIC = "shadow-routing-commands";
  public static final Duration DEFAULT_PUBLISH_INTERVAL = Duration.ofSeconds(5);
  public static final Duration MIN_PUBLISH_INTERVAL = Duration.ofMillis(100);
  public static final Duration MAX_PUBLISH_INTERVAL = Duration.ofHours(1);
  public static final Duration DEFAULT_COMMAND_TIMEOUT = Duration.ofSeconds(10);
  public static final Duration MIN_COMMAND_TIMEOUT = Duration.ofSeconds(1);
  /** Default retention of the command topic: how far back a new instance catches up. */
  public static final Duration DEFAULT_COMMAND_RETENTION = Duration.ofDays(7);
  /** Default retention of the statistics topic: longer than the longest test (30 days). */
  public static final Duration DEFAULT_STATISTICS_RETENTION = Duration.ofDays(31);
  static final Duration MAX_RETENTION = Duration.ofDays(3650);

  /** The client settings the fleet sets itself. */
  static final Set<String> OWNED = Set.of(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG,
      ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG,
      ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, ProducerConfig.ACKS_CONFIG,
      ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG,
      ConsumerConfig.GROUP_ID_CONFIG, ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG,
      ConsumerConfig.AUTO_OFFSET_RESET_CONFIG);
  /** The fleet's three clients and the settings each knows, in the order errors name them. */
  private static final Map<String, Set<String>> CLIENTS = clients();

  private static Map<String, Set<String>> clients() {
    Map<String, Set<String>> clients = new LinkedHashMap<>();
    clients.put("producer", ProducerConfig.configNames());
    clients.put("consumer", ConsumerConfig.configNames());
    clients.put("admin", AdminClientConfig.configNames());
    return clients;
  }

  private static final System.Logger LOG = System.getLogger("dev.shadowrouting.kafka");
  /** How long the thread waits between attempts while the brokers cannot be reached. */
  private static final long RETRY_NANOS = TimeUnit.MILLISECONDS.toNanos(500);

  private final String instanceId;
  private final Duration publishInterval;
  private final String statisticsTopic;
  private final String commandTopic;
  private final boolean commands;
  private final Duration commandTimeout;
  private final boolean createTopics;
  private final Duration statisticsRetention;
  private final Duration commandRetention;
  private final Map<String, Object> producerConfig;
  private final Map<String, Object> consumerConfig;
  private final Map<String, Object> adminConfig;
  /** This run of the instance: its own statistics coming back are never another run's. */
  private final String run = UUID.randomUUID().toString();
  /**
   * Made on first use ({@link #producer()}), not at build: a broker's name that does not resolve
   * yet is a stale fleet, not an application that cannot start.
   */
  private volatile KafkaProducer<String, byte[]> producer;
  /**
   * Made and used on the fleet thread only (Kafka's consumer is not thread-safe); {@link
   * #close()} only wakes it.
   */
  private volatile KafkaConsumer<String, byte[]> consumer;
  private final List<Link> links = new CopyOnWriteArrayList<>();
  /** Set when a router connected: the thread reads the topics again from the beginning for it. */
  private final AtomicBoolean replay = new AtomicBoolean();
  private final AtomicInteger unacknowledged = new AtomicInteger();
  private final LongAdder published = new LongAdder();
  private final LongAdder publishedBytes = new LongAdder();
  private final LongAdder failed = new LongAdder();
  private final LongAdder received = new LongAdder();
  private final LongAdder unreadable = new LongAdder();
  private final WarnThenDebugLogger failures;
  private final WarnThenDebugLogger memberFailures;
  private final Thread thread;
  private final AtomicBoolean started = new AtomicBoolean();
  private volatile boolean closed;

  /** One connected endpoint: its member and the next offset it has to see, per partition. */
  private final class Link implements Connection {
    final String endpoint;
    final Member member;
    /** Fleet thread only. */
    final Map<TopicPartition, Long> next = new HashMap<>();

    Link(String endpoint, Member member) {
      this.endpoint = endpoint;
      this.member = member;
    }

    /** Stops publishing for the endpoint, after its last statistics (its ended tests' final). */
    @Override
    public void close() {
      if (links.remove(this) && !closed) {
        publish(this);
      }
    }
  }

  private KafkaFleet(Builder b) {
    this.instanceId = b.instanceId != null ? b.instanceId : defaultInstanceId();
    this.publishInterval = b.publishInterval;
    this.statisticsTopic = b.statisticsTopic;
    this.commandTopic = b.commandTopic;
    this.commands = b.commands;
    this.commandTimeout = b.commandTimeout;
    this.createTopics = b.createTopics;
    this.statisticsRetention = b.statisticsRetention;
    this.commandRetention = b.commandRetention;
    this.failures = new WarnThenDebugLogger(LOG, "Kafka fleet of instance '" + instanceId
        + "' cannot reach its brokers or topics; the fleet view is stale until it can");
    this.memberFailures = new WarnThenDebugLogger(LOG, "a router connected to the Kafka fleet of"
        + " instance '" + instanceId + "' threw on a fleet record");
    long timeout = commandTimeout.toMillis();
    String client = "shadow-routing-fleet-" + instanceId;
    // One producer for statistics and commands: a command not acknowledged within
    // commandTimeout has expired in the producer too.
    this.producerConfig = b.clientConfig(Map.of(
            ProducerConfig.MAX_BLOCK_MS_CONFIG, Math.min(2_000, timeout / 2),
            ProducerConfig.REQUEST_TIMEOUT_MS_CONFIG, (int) (timeout / 2),
            ProducerConfig.DELIVERY_TIMEOUT_MS_CONFIG, (int) timeout,
            ProducerConfig.LINGER_MS_CONFIG, 0,
            ProducerConfig.CLIENT_ID_CONFIG, client),
        ProducerConfig.configNames(), Map.of(
            ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, StringSerializer.class,
            ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class,
            ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true,
            ProducerConfig.ACKS_CONFIG, "all"));
    this.consumerConfig = b.clientConfig(Map.of(
            ConsumerConfig.CLIENT_ID_CONFIG, client,
            ConsumerConfig.ALLOW_AUTO_CREATE_TOPICS_CONFIG, false,
            ConsumerConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, 2_000),
        ConsumerConfig.configNames(), Map.of(
            ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, StringDeserializer.class,
            ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class,
            ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false,
            ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest"));
    this.adminConfig = b.clientConfig(Map.of(
            AdminClientConfig.CLIENT_ID_CONFIG, client,
            AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, (int) timeout,
            AdminClientConfig.REQUEST_TIMEOUT_MS_CONFIG, (int) (timeout / 2)),
        AdminClientConfig.configNames(), Map.of());
    this.thread = new Thread(this::loop, "shadow-fleet-" + instanceId);
    thread.setDaemon(true); // must never keep the JVM alive
  }

  /**
   * A builder for a fleet whose brokers are {@code bootstrapServers} ({@code
   * "host:port,host:port"}).
   */
  public static Builder builder(String bootstrapServers) {
    return new Builder(bootstrapServers);
  }

  /** The host name and the process id: unique per instance on one host and across hosts. */
  static String defaultInstanceId() {
    String host;
    try {
      host = InetAddress.getLocalHost().getHostName();
    } catch (UnknownHostException e) {
      host = Objects.requireNonNullElse(System.getenv("HOSTNAME"), "localhost");
    }
    return host + ":" + ProcessHandle.current().pid();
  }

  @Override
  public String instanceId() {
    return instanceId;
  }

  @Override
  public Duration publishInterval() {
    return publishInterval;
  }

  @Override
  public Connection connect(String endpoint, Member member) {
    if (closed) {
      throw new IllegalStateException("Kafka fleet of instance '" + instanceId + "' is closed");
    }
    Link link = new Link(Objects.requireNonNull(endpoint, "endpoint"),
        Objects.requireNonNull(member, "member"));
    links.add(link);
    replay.set(true);
    if (started.compareAndSet(false, true)) {
      thread.start();
    }
    return link;
  }

  @Override
  public boolean carriesCommands() {
    return commands;
  }

  /**
   * Writes the command to the command topic and waits for the brokers' acknowledgement, at most
   * {@code commandTimeout}. A command that timed out may still have been written (Kafka cannot
   * tell): retrying is safe, an instance applies a start-test of a running test, or a decision
   * already made, as nothing.
   *
   * @throws IllegalStateException if it was not acknowledged in time, or the fleet is closed
   */
  @Override
  public void publishCommand(String endpoint, byte[] command) {
    if (!commands) {
      Fleet.super.publishCommand(endpoint, command); // throws: this fleet carries no commands
    }
    if (closed) {
      throw new IllegalStateException("Kafka fleet of instance '" + instanceId + "' is closed");
    }
    byte[] value = new FleetRecords.Command(endpoint, command).toBytes();
    try {
      producer().send(new ProducerRecord<>(commandTopic, endpoint, value))
          .get(2 * commandTimeout.toMillis(), TimeUnit.MILLISECONDS);
      publishedBytes.add(value.length);
    } catch (ExecutionException e) {
      throw new IllegalStateException("the brokers did not take the command on topic '"
          + commandTopic + "': " + e.getCause(), e.getCause());
    } catch (TimeoutException e) {
      throw new IllegalStateException("no acknowledgement for the command on topic '"
          + commandTopic + "' within " + commandTimeout, e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted while publishing the command", e);
    } catch (org.apache.kafka.common.KafkaException e) { // no metadata within max.block.ms
      throw new IllegalStateException("cannot publish to topic '" + commandTopic + "': " + e, e);
    }
  }

  /** The producer, made now if it was not yet (thread-safe). */
  private KafkaProducer<String, byte[]> producer() {
    KafkaProducer<String, byte[]> p = producer;
    if (p == null) {
      synchronized (this) {
        if (closed) {
          throw new IllegalStateException("Kafka fleet of instance '" + instanceId
              + "' is closed");
        }
        p = producer;
        if (p == null) {
          producer = p = new KafkaProducer<>(producerConfig);
        }
      }
    }
    return p;
  }

  // ---- the fleet thread --------------------------------------------------------------------------

  private void loop() {
    boolean ready = false;
    long nextPublish = System.nanoTime();
    try {
      while (!closed) {
        try {
          if (!ready) {
            ready = prepare();
          }
          if (ready) {
            if (replay.getAndSet(false)) {
              consumer.seekToBeginning(consumer.assignment());
            }
            for (ConsumerRecord<String, byte[]> r : consumer.poll(pollTimeout())) {
              dispatch(r);
            }
          } else {
            LockSupport.parkNanos(this, Math.min(RETRY_NANOS, publishInterval.toNanos()));
          }
          if (System.nanoTime() - nextPublish >= 0) {
            nextPublish = System.nanoTime() + publishInterval.toNanos();
            publishAll();
          }
        } catch (WakeupException e) {
          // closing
        } catch (RuntimeException e) {
          failures.logWithMessage(e);
          LockSupport.parkNanos(this, RETRY_NANOS);
        }
      }
    } finally {
      if (consumer != null) {
        consumer.close();
      }
    }
  }

  private Duration pollTimeout() {
    return Duration.ofMillis(Math.min(200, publishInterval.toMillis()));
  }

  /**
   * Creates the topics if asked and missing, and assigns every partition of both; false while
   * they cannot be reached or do not exist yet.
   */
  private boolean prepare() {
    if (consumer == null) {
      consumer = new KafkaConsumer<>(consumerConfig);
    }
    if (createTopics) {
      createTopics();
    }
    List<TopicPartition> partitions = new ArrayList<>();
    for (String topic : List.of(statisticsTopic, commandTopic)) {
      List<PartitionInfo> infos = consumer.partitionsFor(topic);
      if (infos == null || infos.isEmpty()) {
        failures.logWithMessage(new IllegalStateException("topic '" + topic + "' does not exist"));
        return false;
      }
      infos.forEach(p -> partitions.add(new TopicPartition(topic, p.partition())));
    }
    consumer.assign(partitions);
    consumer.seekToBeginning(partitions);
    return true;
  }

  private void createTopics() {
    List<NewTopic> topics = List.of(
        topic(statisticsTopic, TopicConfig.CLEANUP_POLICY_COMPACT + ","
            + TopicConfig.CLEANUP_POLICY_DELETE, statisticsRetention),
        topic(commandTopic, TopicConfig.CLEANUP_POLICY_DELETE, commandRetention));
    try (Admin admin = Admin.create(adminConfig)) {
      for (var e : admin.createTopics(topics).values().entrySet()) {
        try {
          e.getValue().get(commandTimeout.toMillis(), TimeUnit.MILLISECONDS);
          LOG.log(System.Logger.Level.INFO, "created topic '" + e.getKey() + "'");
        } catch (ExecutionException x) {
          if (!(x.getCause() instanceof TopicExistsException)) {
            failures.logWithMessage(x.getCause());
          }
        } catch (TimeoutException x) {
          failures.logWithMessage(x);
        } catch (InterruptedException x) {
          Thread.currentThread().interrupt();
          return;
        }
      }
    }
  }

  private static NewTopic topic(String name, String cleanup, Duration retention) {
    return new NewTopic(name, Optional.of(1), Optional.empty()).configs(Map.of(
        TopicConfig.CLEANUP_POLICY_CONFIG, cleanup,
        TopicConfig.RETENTION_MS_CONFIG, Long.toString(retention.toMillis())));
  }

  private void dispatch(ConsumerRecord<String, byte[]> r) {
    TopicPartition tp = new TopicPartition(r.topic(), r.partition());
    received.increment();
    try {
      if (r.topic().equals(statisticsTopic)) {
        FleetRecords.Statistics s = FleetRecords.Statistics.fromBytes(r.value());
        if (!(s.instanceId().equals(instanceId) && s.run().equals(run))) { // never our own run's
          for (Link l : links) {
            if (l.endpoint.equals(s.endpoint()) && r.offset() >= l.next.getOrDefault(tp, 0L)) {
              hand(() -> l.member.received(s.fleetId(), s.instanceId(), s.publishedAt(),
                  s.statistics()));
            }
          }
        }
      } else {
        FleetRecords.Command c = FleetRecords.Command.fromBytes(r.value());
        for (Link l : links) {
          if (l.endpoint.equals(c.endpoint()) && r.offset() >= l.next.getOrDefault(tp, 0L)) {
            hand(() -> l.member.command(c.command()));
          }
        }
      }
    } catch (IllegalArgumentException e) { // another format on the topic
      unreadable.increment();
      LOG.log(System.Logger.Level.DEBUG, "unreadable record at " + tp + "@" + r.offset() + ": "
          + e.getMessage());
    }
    for (Link l : links) {
      l.next.put(tp, r.offset() + 1);
    }
  }

  /**
   * Hands a record to a member; one that throws (it should not) is logged and the next records
   * are still handed over.
   */
  private void hand(Runnable delivery) {
    try {
      delivery.run();
    } catch (RuntimeException e) {
      memberFailures.log(e);
    }
  }

  /** Publishes every connected endpoint's statistics, unless the last ones are still unsent. */
  private void publishAll() {
    if (unacknowledged.get() > 0) {
      return; // the brokers are slow or down: no pile of stale statistics in the producer
    }
    for (Link l : links) {
      publish(l);
    }
  }

  private void publish(Link l) {
    for (Map.Entry<String, byte[]> e : l.member.statistics().entrySet()) {
      FleetRecords.Statistics s = new FleetRecords.Statistics(l.endpoint, e.getKey(), instanceId,
          run, Instant.now(), e.getValue());
      byte[] value = s.toBytes();
      unacknowledged.incrementAndGet();
      try {
        producer().send(new ProducerRecord<>(statisticsTopic, s.key(), value), (md, failure) -> {
          unacknowledged.decrementAndGet();
          if (failure == null) {
            published.increment();
            publishedBytes.add(value.length);
          } else {
            failed.increment();
            failures.logWithMessage(failure);
          }
        });
      } catch (RuntimeException x) { // no metadata within max.block.ms, or closed
        unacknowledged.decrementAndGet();
        failed.increment();
        failures.logWithMessage(x);
      }
    }
  }

  // ---- what it did -------------------------------------------------------------------------------

  /** Statistics records the brokers acknowledged. */
  public long published() {
    return published.sum();
  }

  /** Bytes of the acknowledged statistics and command records' values. */
  public long publishedBytes() {
    return publishedBytes.sum();
  }

  /** Statistics records that could not be published (the fleet view elsewhere is stale). */
  public long failed() {
    return failed.sum();
  }

  /** Records read from both topics. */
  public long received() {
    return received.sum();
  }

  /** Records of another format found on the topics, left out. */
  public long unreadable() {
    return unreadable.sum();
  }

  public String statisticsTopic() {
    return statisticsTopic;
  }

  public String commandTopic() {
    return commandTopic;
  }

  /**
   * Stops the fleet thread and closes the clients, sending what is unsent within {@code
   * commandTimeout}. Routers still connected stop receiving; closing them afterwards is fine.
   * Idempotent.
   */
  @Override
  public void close() {
    if (closed) {
      return;
    }
    synchronized (this) {
      closed = true; // no producer is made after this
    }
    if (started.get()) {
      LockSupport.unpark(thread); // a poll is woken by the consumer's wakeup
      KafkaConsumer<String, byte[]> c = consumer;
      if (c != null) {
        c.wakeup();
      }
      try {
        thread.join(commandTimeout.toMillis());
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }
    KafkaProducer<String, byte[]> p = producer;
    if (p != null) {
      p.close(commandTimeout);
    }
  }

  @Override
  public String toString() {
    return "KafkaFleet[" + instanceId + ", " + statisticsTopic + ", " + commandTopic + ']';
  }

  /**
   * Builder for {@link KafkaFleet}; not thread-safe. {@link #build()} validates every setting and
   * reports all errors at once.
   */
  public static final class Builder extends ClientBuilder<Builder> {
    private String instanceId;
    private Duration publishInterval = DEFAULT_PUBLISH_INTERVAL;
    private String statisticsTopic = DEFAULT_STATISTICS_TOPIC;
    private String commandTopic = DEFAULT_COMMAND_TOPIC;
    private boolean commands = true;
    private Duration commandTimeout = DEFAULT_COMMAND_TIMEOUT;
    private boolean createTopics = true;
    private Duration statisticsRetention = DEFAULT_STATISTICS_RETENTION;
    private Duration commandRetention = DEFAULT_COMMAND_RETENTION;

    private Builder(String bootstrapServers) {
      super(bootstrapServers, CLIENTS, OWNED);
    }

    /**
     * This instance's id, unique in the fleet and the same after a restart if the instance should
     * keep its earlier pairs (a pod's name and port); at most 200 characters. Default: the host
     * name and the process id.
     */
    public Builder instanceId(String instanceId) {
      this.instanceId = instanceId;
      return this;
    }

    /**
     * How often the instance publishes its statistics, in [100 ms, 1 h]; default 5 s. Others
     * show an instance stale after three of these without news.
     */
    public Builder publishInterval(Duration publishInterval) {
      this.publishInterval = publishInterval;
      return this;
    }

    /** The compacted statistics topic; default {@value #DEFAULT_STATISTICS_TOPIC}. */
    public Builder statisticsTopic(String statisticsTopic) {
      this.statisticsTopic = statisticsTopic;
      return this;
    }

    /** The command topic; default {@value #DEFAULT_COMMAND_TOPIC}. */
    public Builder commandTopic(String commandTopic) {
      this.commandTopic = commandTopic;
      return this;
    }

    /**
     * Whether operations (start-test, stop, promote, discard) go to the whole fleet as commands;
     * default true. With false each instance is operated alone and only statistics are shared.
     */
    public Builder commands(boolean commands) {
      this.commands = commands;
      return this;
    }

    /** How long publishing a command waits for the brokers, in [1 s, 5 min]; default 10 s. */
    public Builder commandTimeout(Duration commandTimeout) {
      this.commandTimeout = commandTimeout;
      return this;
    }

    /**
     * Whether the fleet creates missing topics (needs the CREATE permission); default true. With
     * false they must exist.
     */
    public Builder createTopics(boolean createTopics) {
      this.createTopics = createTopics;
      return this;
    }

    /**
     * {@code retention.ms} of topics the fleet creates: statistics (compacted, and deleted after
     * this; default 31 days) and commands (how far back a new instance catches up; default 7
     * days), each in (0, 3650 days].
     */
    public Builder retention(Duration statistics, Duration commands) {
      this.statisticsRetention = statistics;
      this.commandRetention = commands;
      return this;
    }

    /**
     * @throws dev.shadowrouting.InvalidConfigurationException naming every invalid setting
     */
    public KafkaFleet build() {
      ConfigErrors errors = checks("Kafka fleet is invalid");
      if (instanceId != null) {
        errors.requireName("instanceId", instanceId);
      }
      errors.requireInRange("publishInterval", publishInterval, MIN_PUBLISH_INTERVAL,
          MAX_PUBLISH_INTERVAL);
      KafkaSettings.requireTopic(errors, "statisticsTopic", statisticsTopic);
      KafkaSettings.requireTopic(errors, "commandTopic", commandTopic);
      if (statisticsTopic != null && statisticsTopic.equals(commandTopic)) {
        errors.add(new dev.shadowrouting.Problem("commandTopic", commandTopic,
            "another topic than statisticsTopic"));
      }
      errors.requireInRange("commandTimeout", commandTimeout, MIN_COMMAND_TIMEOUT,
          KafkaSettings.MAX_TIMEOUT);
      errors.requirePositive("retention.statistics", statisticsRetention, MAX_RETENTION);
      errors.requirePositive("retention.commands", commandRetention, MAX_RETENTION);
      throwIfInvalid(errors);
      return new KafkaFleet(this);
    }
  }
}
