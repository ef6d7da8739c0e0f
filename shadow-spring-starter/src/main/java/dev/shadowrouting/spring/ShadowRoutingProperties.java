package dev.shadowrouting.spring;

import dev.shadowrouting.EndpointConfig;
import dev.shadowrouting.ShadowTestSpec;
import dev.shadowrouting.Variant;
import dev.shadowrouting.VerdictRule;
import dev.shadowrouting.sinks.jsonl.JsonLinesSink;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.jspecify.annotations.Nullable;

/**
 * Configuration of the shadow-routing starter, under {@code shadow-routing}: one
 * {@link dev.shadowrouting.ShadowRouter} per entry of {@code shadow-routing.endpoints}, the JSON
 * Lines sink and the dashboard page.
 *
 * <pre>
 * shadow-routing:
 *   endpoints:
 *     fraud:
 *       production:
 *         v1: { predictor: fraudModelV1 }
 *       shadows:
 *         v2: { predictor: fraudModelV2, sampling-rate: 0.25, timeout: 50ms, max-concurrency: 4 }
 * </pre>
 *
 * <p>Unset values take shadow-core's defaults (see its configuration reference): each is
 * initialised from the core builder's constant, never a copy. Shadow-core validates every value;
 * an invalid one fails start-up with a message naming the property, its value and what is allowed.
 *
 * <p>A mutable JavaBean for Spring's binder; not thread-safe.
 */
@ConfigurationProperties(ShadowRoutingProperties.PREFIX)
public class ShadowRoutingProperties {

  /** The prefix of every property of the starter. */
  public static final String PREFIX = "shadow-routing";

  /**
   * The endpoints: one ShadowRouter bean per entry, named "<endpoint>ShadowRouter", keyed by
   * endpoint name.
   */
  private Map<String, Endpoint> endpoints = new LinkedHashMap<>();

  /** JSON Lines sink: every record of every endpoint appended to files, when a directory is set. */
  private final Jsonl jsonl = new Jsonl();

  /** Kafka sink: every record of every endpoint sent to a topic, when a topic is set. */
  private final KafkaSinkProperties kafkaSink = new KafkaSinkProperties();

  /** The fleet the endpoints' shadow tests are shared with (several instances of a service). */
  private final FleetProperties fleet = new FleetProperties();

  /** The live dashboard page (served where the Actuator endpoint is exposed over HTTP). */
  private final Dashboard dashboard = new Dashboard();

  public Map<String, Endpoint> getEndpoints() {
    return endpoints;
  }

  public void setEndpoints(Map<String, Endpoint> endpoints) {
    this.endpoints = endpoints;
  }

  public Jsonl getJsonl() {
    return jsonl;
  }

  public KafkaSinkProperties getKafkaSink() {
    return kafkaSink;
  }

  public FleetProperties getFleet() {
    return fleet;
  }

  public Dashboard getDashboard() {
    return dashboard;
  }

  /** One endpoint: its production and shadow variants, its pool and an optional shadow test. */
  public static class Endpoint {

    /**
     * Production variants, keyed by variant name: each answers a share of requests by weight (at
     * least one).
     */
    private Map<String, ProductionVariant> production = new LinkedHashMap<>();

    /** Shadow variants, keyed by variant name: each gets sampled copies of requests. */
    private Map<String, ShadowVariant> shadows = new LinkedHashMap<>();

    /**
     * Bean name of the OutputComparator used for shadows that name none. Default: deep equality
     * of the outputs.
     */
    private @Nullable String comparator;

    /**
     * Shadow pool threads, in [1, 1024]. Default: half the cores, between 1 and 4.
     */
    private int workerThreads = EndpointConfig.DEFAULT_WORKER_THREADS;

    /** Shadow copies waiting for a pool thread, in [1, 16777216]. */
    private int queueCapacity = EndpointConfig.DEFAULT_QUEUE_CAPACITY;

    /** Records waiting per sink before new ones are dropped, in [1, 16777216]. */
    private int sinkBufferCapacity = EndpointConfig.DEFAULT_SINK_BUFFER_CAPACITY;

    /**
     * How long closing the router at shutdown waits for queued and running shadow copies and for
     * the sinks to flush, in [0, 1d].
     */
    private Duration closeTimeout = EndpointConfig.DEFAULT_CLOSE_TIMEOUT;

    /** A shadow test started with the application (optional). */
    private @Nullable Test test;

    public Map<String, ProductionVariant> getProduction() {
      return production;
    }

    public void setProduction(Map<String, ProductionVariant> production) {
      this.production = production;
    }

    public Map<String, ShadowVariant> getShadows() {
      return shadows;
    }

    public void setShadows(Map<String, ShadowVariant> shadows) {
      this.shadows = shadows;
    }

    public @Nullable String getComparator() {
      return comparator;
    }

    public void setComparator(@Nullable String comparator) {
      this.comparator = comparator;
    }

    public int getWorkerThreads() {
      return workerThreads;
    }

    public void setWorkerThreads(int workerThreads) {
      this.workerThreads = workerThreads;
    }

    public int getQueueCapacity() {
      return queueCapacity;
    }

    public void setQueueCapacity(int queueCapacity) {
      this.queueCapacity = queueCapacity;
    }

    public int getSinkBufferCapacity() {
      return sinkBufferCapacity;
    }

    public void setSinkBufferCapacity(int sinkBufferCapacity) {
      this.sinkBufferCapacity = sinkBufferCapacity;
    }

    public Duration getCloseTimeout() {
      return closeTimeout;
    }

    public void setCloseTimeout(Duration closeTimeout) {
      this.closeTimeout = closeTimeout;
    }

    public @Nullable Test getTest() {
      return test;
    }

    public void setTest(@Nullable Test test) {
      this.test = test;
    }
  }

  /** A production variant. */
  public static class ProductionVariant {

    /** Bean name of the Predictor that serves this variant. */
    private @Nullable String predictor;

    /** Share of live traffic relative to the other production variants, finite and >= 0. */
    private double weight = Variant.DEFAULT_WEIGHT;

    /** Put inputs and outputs into this variant's records (payloads are off by default). */
    private boolean capturePayloads;

    public @Nullable String getPredictor() {
      return predictor;
    }

    public void setPredictor(@Nullable String predictor) {
      this.predictor = predictor;
    }

    public double getWeight() {
      return weight;
    }

    public void setWeight(double weight) {
      this.weight = weight;
    }

    public boolean isCapturePayloads() {
      return capturePayloads;
    }

    public void setCapturePayloads(boolean capturePayloads) {
      this.capturePayloads = capturePayloads;
    }
  }

  /** A shadow variant. */
  public static class ShadowVariant {

    /** Bean name of the Predictor that serves this variant. */
    private @Nullable String predictor;

    /** Share of requests copied to this shadow, in [0, 1]. */
    private double samplingRate = Variant.DEFAULT_SAMPLING_RATE;

    /** A shadow call that takes longer ends as TIMEOUT, in (0, 1d]. */
    private Duration timeout = Variant.DEFAULT_TIMEOUT;

    /** Copies of this shadow queued or running at once, in [1, 4096]; beyond it they are rejected. */
    private int maxConcurrency = Variant.DEFAULT_MAX_CONCURRENCY;

    /** Bean name of the OutputComparator for this shadow. Default: the endpoint's. */
    private @Nullable String comparator;

    /** Put inputs and outputs into this variant's records (payloads are off by default). */
    private boolean capturePayloads;

    public @Nullable String getPredictor() {
      return predictor;
    }

    public void setPredictor(@Nullable String predictor) {
      this.predictor = predictor;
    }

    public double getSamplingRate() {
      return samplingRate;
    }

    public void setSamplingRate(double samplingRate) {
      this.samplingRate = samplingRate;
    }

    public Duration getTimeout() {
      return timeout;
    }

    public void setTimeout(Duration timeout) {
      this.timeout = timeout;
    }

    public int getMaxConcurrency() {
      return maxConcurrency;
    }

    public void setMaxConcurrency(int maxConcurrency) {
      this.maxConcurrency = maxConcurrency;
    }

    public @Nullable String getComparator() {
      return comparator;
    }

    public void setComparator(@Nullable String comparator) {
      this.comparator = comparator;
    }

    public boolean isCapturePayloads() {
      return capturePayloads;
    }

    public void setCapturePayloads(boolean capturePayloads) {
      this.capturePayloads = capturePayloads;
    }
  }

  /** A shadow test started with the application: a new candidate variant, time-boxed. */
  public static class Test {

    /** Name of the candidate variant: a new name, not one of the endpoint's variants. */
    private @Nullable String candidate;

    /** Bean name of the candidate's Predictor. */
    private @Nullable String predictor;

    /** Share of requests copied to the candidate, in [0, 1]; changeable while the test runs. */
    private double samplingRate = Variant.DEFAULT_SAMPLING_RATE;

    /** The time box, in [1s, 30d]. */
    private Duration duration = ShadowTestSpec.DEFAULT_DURATION;

    /** Candidate calls after which the test completes, >= 0 (0: no budget). */
    private long maxRequests = ShadowTestSpec.DEFAULT_MAX_REQUESTS;

    /** The candidate may be at most this much slower per request (ratio - 1), in [0, 100]. */
    private double maxLatencyIncrease = ShadowTestSpec.DEFAULT_MAX_LATENCY_INCREASE;

    /** At most this many more failed requests per request, in [0, 1]. */
    private double maxErrorRateIncrease = ShadowTestSpec.DEFAULT_MAX_ERROR_RATE_INCREASE;

    /** Share of compared outputs that must agree, in [0, 1]. */
    private double minAgreement = ShadowTestSpec.DEFAULT_MIN_AGREEMENT;

    /** The latency quantile the tail check compares, in [0.5, 0.9999]. */
    private double tailQuantile = VerdictRule.defaults().tailQuantile();

    /** That quantile may be at most this much higher (ratio - 1), in [0, 100]. */
    private double maxTailLatencyIncrease = VerdictRule.defaults().maxTailLatencyIncrease();

    /** Pairs in this first stretch of the test are left out of the latency checks, in [0, 1d]. */
    private Duration warmup = VerdictRule.defaults().warmup();

    /** Keep the test running after a statistical FAIL (default: a FAIL ends it). */
    private boolean continueAfterFail;

    /** An optional extra gate: no PASS or FAIL before this many pairs, in [1, 1000000000]. */
    private long minSamples = ShadowTestSpec.DEFAULT_MIN_SAMPLES;

    /** Overall error probability of the verdict, in (0, 0.5]. */
    private double alpha = ShadowTestSpec.DEFAULT_ALPHA;

    /** Guard: the test fails at once when the candidate's error rate is above this, in [0, 1]. */
    private double stopIfErrorRateAbove = ShadowTestSpec.DEFAULT_STOP_IF_ERROR_RATE_ABOVE;

    /** Guard: the test fails at once when the candidate's timeout rate is above this, in [0, 1]. */
    private double stopIfTimeoutRateAbove = ShadowTestSpec.DEFAULT_STOP_IF_TIMEOUT_RATE_ABOVE;

    /** Run production as an A/A shadow too, to separate the candidate from noise. */
    private boolean noiseBaseline;

    /** A shadow call of the candidate that takes longer ends as TIMEOUT, in (0, 1d]. */
    private Duration timeout = Variant.DEFAULT_TIMEOUT;

    /** Copies of the candidate queued or running at once, in [1, 4096]. */
    private int maxConcurrency = Variant.DEFAULT_MAX_CONCURRENCY;

    public @Nullable String getCandidate() {
      return candidate;
    }

    public void setCandidate(@Nullable String candidate) {
      this.candidate = candidate;
    }

    public @Nullable String getPredictor() {
      return predictor;
    }

    public void setPredictor(@Nullable String predictor) {
      this.predictor = predictor;
    }

    public double getSamplingRate() {
      return samplingRate;
    }

    public void setSamplingRate(double samplingRate) {
      this.samplingRate = samplingRate;
    }

    public Duration getDuration() {
      return duration;
    }

    public void setDuration(Duration duration) {
      this.duration = duration;
    }

    public long getMaxRequests() {
      return maxRequests;
    }

    public void setMaxRequests(long maxRequests) {
      this.maxRequests = maxRequests;
    }

    public double getMaxLatencyIncrease() {
      return maxLatencyIncrease;
    }

    public void setMaxLatencyIncrease(double maxLatencyIncrease) {
      this.maxLatencyIncrease = maxLatencyIncrease;
    }

    public double getMaxErrorRateIncrease() {
      return maxErrorRateIncrease;
    }

    public void setMaxErrorRateIncrease(double maxErrorRateIncrease) {
      this.maxErrorRateIncrease = maxErrorRateIncrease;
    }

    public double getMinAgreement() {
      return minAgreement;
    }

    public void setMinAgreement(double minAgreement) {
      this.minAgreement = minAgreement;
    }

    public double getTailQuantile() {
      return tailQuantile;
    }

    public void setTailQuantile(double tailQuantile) {
      this.tailQuantile = tailQuantile;
    }

    public double getMaxTailLatencyIncrease() {
      return maxTailLatencyIncrease;
    }

    public void setMaxTailLatencyIncrease(double maxTailLatencyIncrease) {
      this.maxTailLatencyIncrease = maxTailLatencyIncrease;
    }

    public Duration getWarmup() {
      return warmup;
    }

    public void setWarmup(Duration warmup) {
      this.warmup = warmup;
    }

    public boolean isContinueAfterFail() {
      return continueAfterFail;
    }

    public void setContinueAfterFail(boolean continueAfterFail) {
      this.continueAfterFail = continueAfterFail;
    }

    public long getMinSamples() {
      return minSamples;
    }

    public void setMinSamples(long minSamples) {
      this.minSamples = minSamples;
    }

    public double getAlpha() {
      return alpha;
    }

    public void setAlpha(double alpha) {
      this.alpha = alpha;
    }

    public double getStopIfErrorRateAbove() {
      return stopIfErrorRateAbove;
    }

    public void setStopIfErrorRateAbove(double stopIfErrorRateAbove) {
      this.stopIfErrorRateAbove = stopIfErrorRateAbove;
    }

    public double getStopIfTimeoutRateAbove() {
      return stopIfTimeoutRateAbove;
    }

    public void setStopIfTimeoutRateAbove(double stopIfTimeoutRateAbove) {
      this.stopIfTimeoutRateAbove = stopIfTimeoutRateAbove;
    }

    public boolean isNoiseBaseline() {
      return noiseBaseline;
    }

    public void setNoiseBaseline(boolean noiseBaseline) {
      this.noiseBaseline = noiseBaseline;
    }

    public Duration getTimeout() {
      return timeout;
    }

    public void setTimeout(Duration timeout) {
      this.timeout = timeout;
    }

    public int getMaxConcurrency() {
      return maxConcurrency;
    }

    public void setMaxConcurrency(int maxConcurrency) {
      this.maxConcurrency = maxConcurrency;
    }
  }

  /** The JSON Lines sink. */
  public static class Jsonl {

    /**
     * Directory of the JSON Lines files (created owner-only when missing). The sink is active
     * when this is set.
     */
    private @Nullable Path directory;

    /** File name prefix: <prefix>-<timestamp>-<n>.jsonl. */
    private String prefix = JsonLinesSink.DEFAULT_PREFIX;

    /** Rotate when a file reaches this size in bytes (default 64 MiB), >= 1024. */
    private long maxFileBytes = JsonLinesSink.DEFAULT_MAX_FILE_BYTES;

    /** Keep the newest this many files, in [1, 1000000]. */
    private int maxFiles = JsonLinesSink.DEFAULT_MAX_FILES;

    /** Rotate files older than this (0: never). */
    private Duration rotationInterval = JsonLinesSink.DEFAULT_ROTATION_INTERVAL;

    /** Hand buffered lines to the OS at least this often (a crash loses at most this much). */
    private Duration flushInterval = JsonLinesSink.DEFAULT_FLUSH_INTERVAL;

    public @Nullable Path getDirectory() {
      return directory;
    }

    public void setDirectory(@Nullable Path directory) {
      this.directory = directory;
    }

    public String getPrefix() {
      return prefix;
    }

    public void setPrefix(String prefix) {
      this.prefix = prefix;
    }

    public long getMaxFileBytes() {
      return maxFileBytes;
    }

    public void setMaxFileBytes(long maxFileBytes) {
      this.maxFileBytes = maxFileBytes;
    }

    public int getMaxFiles() {
      return maxFiles;
    }

    public void setMaxFiles(int maxFiles) {
      this.maxFiles = maxFiles;
    }

    public Duration getRotationInterval() {
      return rotationInterval;
    }

    public void setRotationInterval(Duration rotationInterval) {
      this.rotationInterval = rotationInterval;
    }

    public Duration getFlushInterval() {
      return flushInterval;
    }

    public void setFlushInterval(Duration flushInterval) {
      this.flushInterval = flushInterval;
    }
  }

  /** The dashboard page. */
  public static class Dashboard {

    /**
     * Serve the dashboard page (needs Spring MVC or WebFlux, and Actuator). Unset: served when
     * the Actuator endpoint "shadow" is exposed over HTTP; true: always (the page then says which
     * property exposes the endpoint); false: never.
     */
    private @Nullable Boolean enabled;

    /** Path of the page. It polls the Actuator endpoint "shadow", which must be exposed over HTTP. */
    private String path = "/shadow-routing";

    public @Nullable Boolean getEnabled() {
      return enabled;
    }

    public void setEnabled(@Nullable Boolean enabled) {
      this.enabled = enabled;
    }

    public String getPath() {
      return path;
    }

    public void setPath(String path) {
      this.path = path;
    }
  }

  /** The fleet: {@code shadow-routing.fleet.kafka} (needs shadow-routing-kafka). */
  public static class FleetProperties {

    /** A fleet on Kafka (KafkaFleet). */
    private final FleetKafka kafka = new FleetKafka();

    public FleetKafka getKafka() {
      return kafka;
    }
  }

  /**
   * A {@code KafkaFleet} shared by every endpoint. Unset values take the fleet builder's defaults
   * (shadow-routing-kafka's {@code KafkaFleet.Builder}), which also checks every value.
   */
  public static class FleetKafka {

    /**
     * Whether the endpoints join a Kafka fleet. Unset: they do when
     * shadow-routing.fleet.kafka.bootstrap-servers is set; true: with Boot's
     * spring.kafka.bootstrap-servers when that one is unset.
     */
    private @Nullable Boolean enabled;

    /** The brokers, host:port; default spring.kafka.bootstrap-servers. */
    private @Nullable List<String> bootstrapServers;

    /**
     * This instance's id, unique in the fleet and the same after a restart (default: the host
     * name and server.port, or the host name and process id when the port is unset or random).
     */
    private @Nullable String instanceId;

    /** The compacted statistics topic (default shadow-routing-statistics). */
    private @Nullable String statisticsTopic;

    /** The command topic (default shadow-routing-commands). */
    private @Nullable String commandTopic;

    /** How often this instance publishes its statistics, in [100ms, 1h] (default 5s). */
    private @Nullable Duration publishInterval;

    /**
     * Whether operations (Actuator writes: start-test, stop, promote, discard) go to the whole
     * fleet as commands (default true); false: each instance is operated alone.
     */
    private @Nullable Boolean commands;

    /** How long publishing a command waits for the brokers, in [1s, 5m] (default 10s). */
    private @Nullable Duration commandTimeout;

    /** Whether the fleet creates missing topics (needs the CREATE permission; default true). */
    private @Nullable Boolean createTopics;

    /** Extra Kafka client settings (security.protocol, sasl.jaas.config...). */
    private Map<String, String> properties = new LinkedHashMap<>();

    public @Nullable Boolean getEnabled() {
      return enabled;
    }

    public void setEnabled(@Nullable Boolean enabled) {
      this.enabled = enabled;
    }

    public @Nullable List<String> getBootstrapServers() {
      return bootstrapServers;
    }

    public void setBootstrapServers(@Nullable List<String> bootstrapServers) {
      this.bootstrapServers = bootstrapServers;
    }

    public @Nullable String getInstanceId() {
      return instanceId;
    }

    public void setInstanceId(@Nullable String instanceId) {
      this.instanceId = instanceId;
    }

    public @Nullable String getStatisticsTopic() {
      return statisticsTopic;
    }

    public void setStatisticsTopic(@Nullable String statisticsTopic) {
      this.statisticsTopic = statisticsTopic;
    }

    public @Nullable String getCommandTopic() {
      return commandTopic;
    }

    public void setCommandTopic(@Nullable String commandTopic) {
      this.commandTopic = commandTopic;
    }

    public @Nullable Duration getPublishInterval() {
      return publishInterval;
    }

    public void setPublishInterval(@Nullable Duration publishInterval) {
      this.publishInterval = publishInterval;
    }

    public @Nullable Boolean getCommands() {
      return commands;
    }

    public void setCommands(@Nullable Boolean commands) {
      this.commands = commands;
    }

    public @Nullable Duration getCommandTimeout() {
      return commandTimeout;
    }

    public void setCommandTimeout(@Nullable Duration commandTimeout) {
      this.commandTimeout = commandTimeout;
    }

    public @Nullable Boolean getCreateTopics() {
      return createTopics;
    }

    public void setCreateTopics(@Nullable Boolean createTopics) {
      this.createTopics = createTopics;
    }

    public Map<String, String> getProperties() {
      return properties;
    }

    public void setProperties(Map<String, String> properties) {
      this.properties = properties;
    }
  }

  /**
   * The Kafka sink (needs shadow-routing-kafka): every record of every endpoint, the JSON Lines
   * sink's line, to a topic. Unset values take {@code KafkaSink.Builder}'s defaults.
   */
  public static class KafkaSinkProperties {

    /** The topic (it must exist or be auto-created). The sink is active when this is set. */
    private @Nullable String topic;

    /**
     * The brokers, host:port; default shadow-routing.fleet.kafka.bootstrap-servers, then
     * spring.kafka.bootstrap-servers.
     */
    private @Nullable List<String> bootstrapServers;

    /** How long closing the sink waits for unsent records, in (0, 5m] (default 5s). */
    private @Nullable Duration closeTimeout;

    /** Extra Kafka producer settings (security.protocol, compression.type, linger.ms...). */
    private Map<String, String> properties = new LinkedHashMap<>();

    public @Nullable String getTopic() {
      return topic;
    }

    public void setTopic(@Nullable String topic) {
      this.topic = topic;
    }

    public @Nullable List<String> getBootstrapServers() {
      return bootstrapServers;
    }

    public void setBootstrapServers(@Nullable List<String> bootstrapServers) {
      this.bootstrapServers = bootstrapServers;
    }

    public @Nullable Duration getCloseTimeout() {
      return closeTimeout;
    }

    public void setCloseTimeout(@Nullable Duration closeTimeout) {
      this.closeTimeout = closeTimeout;
    }

    public Map<String, String> getProperties() {
      return properties;
    }

    public void setProperties(Map<String, String> properties) {
      this.properties = properties;
    }
  }
}
