package dev.shadowrouting.sinks.micrometer;

import dev.shadowrouting.Comparison;
import dev.shadowrouting.Outcome;
import dev.shadowrouting.RejectReason;
import dev.shadowrouting.Role;
import dev.shadowrouting.RouterSnapshot;
import dev.shadowrouting.ShadowRecord;
import dev.shadowrouting.ShadowSink;
import dev.shadowrouting.internal.util.LowerCaseNames;
import dev.shadowrouting.internal.util.PerVariantCache;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.Meter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import io.micrometer.core.instrument.binder.BaseUnits;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.NoSuchElementException;
import java.util.Objects;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;

/**
 * Publishes {@link ShadowRecord}s as Micrometer meters:
 *
 * <table>
 *   <caption>Meters</caption>
 *   <tr><th>name</th><th>type</th><th>tags</th></tr>
 *   <tr><td>{@value #INVOCATIONS}</td><td>timer (seconds)</td>
 *       <td>endpoint, variant, role, outcome</td></tr>
 *   <tr><td>{@value #COMPARISONS}</td><td>counter</td><td>endpoint, variant, result</td></tr>
 *   <tr><td>{@value #REJECTED}</td><td>counter</td><td>endpoint, variant, reason</td></tr>
 *   <tr><td>{@value #QUEUE_DEPTH}</td><td>gauge (tasks)</td><td>endpoint</td></tr>
 *   <tr><td>{@value #IN_FLIGHT}</td><td>gauge (tasks)</td><td>endpoint, variant</td></tr>
 *   <tr><td>{@value #SINK_DROPPED}</td><td>function counter</td><td>endpoint, sink</td></tr>
 *   <tr><td>{@value #SINK_FAILED}</td><td>function counter</td><td>endpoint, sink</td></tr>
 * </table>
 *
 * <p>{@value #INVOCATIONS} times every shadow call that ran and production's calls on the
 * requests that had a shadow copy queued (the requests the comparison is about); every production
 * call, sampled or not, is counted in the router's snapshot ({@code invocations()}). The sink
 * counters follow each sink of the router (this one included) from its snapshot: records dropped
 * (buffer full, router closed, the sink threw) and records a sink failed to handle, also after
 * accepting them (see {@link ShadowSink.Context#failed}).
 *
 * <p>Tag values are lower case and come only from configuration and enums (never request ids), so
 * the number of series is bounded by endpoints × variants. Rejected copies never ran, so they are
 * counted in {@value #REJECTED} and not timed. Comparisons are counted for shadow copies that ran.
 * The gauges are registered when a router attaches and removed when it closes.
 *
 * <p>Thread-safe: one sink may serve several routers.
 */
public final class MicrometerSink implements ShadowSink {

  public static final String INVOCATIONS = "shadow.invocations";
  public static final String COMPARISONS = "shadow.comparisons";
  public static final String REJECTED = "shadow.rejected";
  public static final String QUEUE_DEPTH = "shadow.queue.depth";
  public static final String IN_FLIGHT = "shadow.inflight";
  public static final String SINK_DROPPED = "shadow.sink.dropped";
  public static final String SINK_FAILED = "shadow.sink.failed";

  /** Gauges of one router read one snapshot per scrape, not one per gauge. */
  private static final long SNAPSHOT_TTL_NANOS = TimeUnit.MILLISECONDS.toNanos(100);

  private static final int OUTCOMES = Outcome.values().length;

  private final MeterRegistry registry;
  private final boolean percentileHistogram;
  private final PerVariantCache<VariantMeters> meters = new PerVariantCache<>(VariantMeters::new);
  private final Map<String, Attachment> attachments = new ConcurrentHashMap<>();

  private MicrometerSink(Builder b) {
    this.registry = b.registry;
    this.percentileHistogram = b.percentileHistogram;
  }

  /** A sink with default settings (no percentile histogram). */
  public static MicrometerSink create(MeterRegistry registry) {
    return builder(registry).build();
  }

  public static Builder builder(MeterRegistry registry) {
    return new Builder(registry);
  }

  @Override
  public void accept(ShadowRecord record) {
    VariantMeters m = meters.get(record.endpoint(), record.variant());
    if (record.outcome() == Outcome.REJECTED) {
      RejectReason reason = record.rejectReason();
      // a rejection always has a reason; CLOSED is the safe reading of a malformed record
      m.rejected(reason == null ? RejectReason.CLOSED : reason).increment(record.count());
      return;
    }
    m.timer(record.role(), record.outcome())
        .record(Math.max(0, record.latencyNanos()), TimeUnit.NANOSECONDS);
    if (record.role() == Role.SHADOW) {
      m.comparisons(record.comparison().result()).increment();
    }
  }

  @Override
  public String name() {
    return "micrometer";
  }

  @Override
  public void onAttach(String endpoint, Supplier<RouterSnapshot> snapshot) {
    Attachment a = new Attachment(endpoint, snapshot);
    Attachment previous = attachments.put(endpoint, a);
    if (previous != null) {
      previous.removeGauges();
    }
    a.register(Gauge.builder(QUEUE_DEPTH, () -> a.snapshot().queueDepth())
        .description("Shadow copies waiting for a pool thread")
        .baseUnit(BaseUnits.TASKS)
        .tag("endpoint", endpoint));
    for (RouterSnapshot.VariantStats v : a.snapshot().variants()) {
      a.inFlightGauge(v.name());
    }
    for (RouterSnapshot.SinkStats k : a.snapshot().sinks()) {
      String sink = k.name();
      a.register(FunctionCounter.builder(SINK_DROPPED, a, x -> x.sink(sink, true))
          .description("Records a sink of the router did not get (buffer full, closed, threw)")
          .tags("endpoint", endpoint, "sink", sink));
      a.register(FunctionCounter.builder(SINK_FAILED, a, x -> x.sink(sink, false))
          .description("Records a sink of the router failed to handle")
          .tags("endpoint", endpoint, "sink", sink));
    }
  }

  @Override
  public void onDetach(String endpoint) {
    Attachment a = attachments.remove(endpoint);
    if (a != null) {
      a.removeGauges();
    }
  }

  /** The router attached under one endpoint name, and the gauges registered for it. */
  private final class Attachment {
    final String endpoint;
    private final Supplier<RouterSnapshot> source;
    private final List<Meter> gauges = new ArrayList<>();
    private final Map<String, Boolean> inFlightVariants = new ConcurrentHashMap<>();
    private RouterSnapshot cached;
    private long cachedAtNanos;

    Attachment(String endpoint, Supplier<RouterSnapshot> source) {
      this.endpoint = endpoint;
      this.source = source;
    }

    synchronized RouterSnapshot snapshot() {
      long now = System.nanoTime();
      if (cached == null || now - cachedAtNanos > SNAPSHOT_TTL_NANOS) {
        cached = source.get();
        cachedAtNanos = now;
      }
      return cached;
    }

    int inFlight(String variant) {
      try {
        return snapshot().variant(variant).inFlight();
      } catch (NoSuchElementException e) {
        return 0;
      }
    }

    /** Variants added later (update, promote) get their gauge with their first record. */
    void inFlightGauge(String variant) {
      if (inFlightVariants.putIfAbsent(variant, Boolean.TRUE) == null) {
        register(Gauge.builder(IN_FLIGHT, () -> inFlight(variant))
            .description("Shadow copies of the variant queued or running")
            .baseUnit(BaseUnits.TASKS)
            .tags("endpoint", endpoint, "variant", variant));
      }
    }

    synchronized void register(Gauge.Builder<?> gauge) {
      gauges.add(gauge.register(registry));
    }

    synchronized void register(FunctionCounter.Builder<?> counter) {
      gauges.add(counter.register(registry));
    }

    double sink(String name, boolean dropped) {
      for (RouterSnapshot.SinkStats k : snapshot().sinks()) {
        if (k.name().equals(name)) {
          return dropped ? k.dropped() : k.failed();
        }
      }
      return 0;
    }

    synchronized void removeGauges() {
      gauges.forEach(registry::remove);
      gauges.clear();
    }
  }

  /** The meters of one (endpoint, variant), created on first use. */
  private final class VariantMeters {
    private final String endpoint;
    private final String variant;
    private final Timer[] timers = new Timer[Role.values().length * OUTCOMES];
    private final Counter[] comparisons = new Counter[Comparison.Result.values().length];
    private final Counter[] rejected = new Counter[RejectReason.values().length];

    VariantMeters(String endpoint, String variant) {
      this.endpoint = endpoint;
      this.variant = variant;
      Attachment a = attachments.get(endpoint);
      if (a != null) {
        a.inFlightGauge(variant);
      }
    }

    // The arrays are filled racily on purpose: the registry returns the same meter for the same
    // id, so two threads that both miss store the same instance.
    Timer timer(Role role, Outcome outcome) {
      int i = role.ordinal() * OUTCOMES + outcome.ordinal();
      Timer t = timers[i];
      if (t == null) {
        t = Timer.builder(INVOCATIONS)
            .description("Variant calls by role and outcome")
            .tags("endpoint", endpoint, "variant", variant,
                "role", LowerCaseNames.of(role), "outcome", LowerCaseNames.of(outcome))
            .publishPercentileHistogram(percentileHistogram)
            .register(registry);
        timers[i] = t;
      }
      return t;
    }

    Counter comparisons(Comparison.Result result) {
      Counter c = comparisons[result.ordinal()];
      if (c == null) {
        c = Counter.builder(COMPARISONS)
            .description("Shadow outputs compared with production's, by result")
            .tags("endpoint", endpoint, "variant", variant, "result", LowerCaseNames.of(result))
            .register(registry);
        comparisons[result.ordinal()] = c;
      }
      return c;
    }

    Counter rejected(RejectReason reason) {
      Counter c = rejected[reason.ordinal()];
      if (c == null) {
        c = Counter.builder(REJECTED)
            .description("Sampled shadow copies dropped instead of run, by reason")
            .tags("endpoint", endpoint, "variant", variant, "reason", LowerCaseNames.of(reason))
            .register(registry);
        rejected[reason.ordinal()] = c;
      }
      return c;
    }
  }

  /** Builder for {@link MicrometerSink}; not thread-safe. */
  public static final class Builder {
    private final MeterRegistry registry;
    private boolean percentileHistogram;

    private Builder(MeterRegistry registry) {
      this.registry = Objects.requireNonNull(registry, "registry");
    }

    /**
     * Publishes a percentile histogram for {@value #INVOCATIONS} (for server-side percentiles,
     * e.g. Prometheus {@code histogram_quantile}); off by default because it multiplies the
     * number of series.
     */
    public Builder percentileHistogram(boolean enabled) {
      this.percentileHistogram = enabled;
      return this;
    }

    public MicrometerSink build() {
      return new MicrometerSink(this);
    }
  }
}
