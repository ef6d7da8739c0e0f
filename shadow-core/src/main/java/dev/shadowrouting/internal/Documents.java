package dev.shadowrouting.internal;

import dev.shadowrouting.Comparison;
import dev.shadowrouting.EndpointConfig;
import dev.shadowrouting.RejectReason;
import dev.shadowrouting.Role;
import dev.shadowrouting.RouterSnapshot;
import dev.shadowrouting.ShadowRecord;
import dev.shadowrouting.ShadowRouter;
import dev.shadowrouting.ShadowTest;
import dev.shadowrouting.ShadowTestReport.CheckResult;
import dev.shadowrouting.ShadowTestReport.LatencySummary;
import dev.shadowrouting.ShadowTestReport.VariantReport;
import dev.shadowrouting.ShadowTestReport;
import dev.shadowrouting.Variant;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.function.Consumer;
import org.jspecify.annotations.Nullable;

/**
 * The documents shadow-routing writes, each defined once, here, as the ordered members it hands to
 * a {@link Writer}: a record (a JSON Lines line, schema {@value ShadowRecord#SCHEMA_VERSION}), a
 * shadow test's report, a router snapshot, and a router's state (its snapshot with each variant's
 * settings and its tests' reports: what the Actuator endpoint shows per endpoint). {@link Json}
 * writes a document as JSON ({@link #json}), {@link Tree} builds it as ordered maps for an
 * application's JSON mapper ({@link #tree}), so the two forms cannot drift apart. Layouts are
 * documented in docs/sinks.md and docs/spring.md and pinned by golden tests: add members, never
 * rename or remove them.
 *
 * <p>Stateless and thread-safe.
 *
 * <p>Why one file of ~500 lines: it is the one place each document's fields are listed, in
 * order (records, reports, snapshots, a router's state); splitting it per document would spread
 * the layout the golden tests pin across files that must change together.
 */
public final class Documents {

  /** z for a two-sided 95% interval. */
  private static final double Z95 = 1.959963984540054;

  private Documents() {}

  /**
   * Receives one JSON document in order: containers opened and closed, member names each followed
   * by exactly one value. The typed values are {@link #value(Object)} of their boxes; a writer may
   * take them without boxing. Implementations are not thread-safe.
   */
  public interface Writer {
    Writer beginObject();

    Writer endObject();

    Writer beginArray();

    Writer endArray();

    /** The name of the next member of the open object; its value comes next. */
    Writer name(String name);

    /** Any value, as {@link Json#value(Object)} describes: payloads, trees. */
    Writer value(@Nullable Object value);

    /** A string, or null. */
    default Writer value(@Nullable String value) {
      return value((Object) value);
    }

    default Writer value(long value) {
      return value((Object) value);
    }

    /** A double as it is; a document whose layout says null for non-finite values checks first. */
    default Writer value(double value) {
      return value((Object) value);
    }

    default Writer value(boolean value) {
      return value((Object) value);
    }

    default Writer nullValue() {
      return value((Object) null);
    }
  }

  /** The document {@code doc} writes, as JSON. */
  public static String json(Consumer<Writer> doc) {
    Json json = new Json();
    doc.accept(json);
    return json.toString();
  }

  /** The document {@code doc} writes, as a new tree (see {@link Tree}). */
  @SuppressWarnings("unchecked")
  public static Map<String, Object> tree(Consumer<Writer> doc) {
    Tree tree = new Tree();
    doc.accept(tree);
    return (Map<String, Object>) tree.root;
  }

  /**
   * Builds a document as a tree of {@code LinkedHashMap}s (members in order), {@code ArrayList}s,
   * strings, {@code Long}s, {@code Double}s, booleans and nulls, the types any JSON mapper writes
   * as {@link Json} does. Not thread-safe.
   */
  static final class Tree implements Writer {
    private final ArrayDeque<Object> open = new ArrayDeque<>();
    private @Nullable String name;
    private @Nullable Object root;

    @Override
    public Tree beginObject() {
      open.push(add(new LinkedHashMap<String, Object>()));
      return this;
    }

    @Override
    public Tree endObject() {
      open.pop();
      return this;
    }

    @Override
    public Tree beginArray() {
      open.push(add(new ArrayList<>()));
      return this;
    }

    @Override
    public Tree endArray() {
      open.pop();
      return this;
    }

    @Override
    public Tree name(String name) {
      this.name = name;
      return this;
    }

    @Override
    public Tree value(@Nullable Object value) {
      add(value);
      return this;
    }

    @SuppressWarnings("unchecked")
    private <T> T add(T value) {
      Object parent = open.peek();
      if (parent == null) {
        root = value;
      } else if (parent instanceof Map<?, ?> map) {
        ((Map<String, Object>) map).put(name, value);
      } else {
        ((List<Object>) parent).add(value);
      }
      return value;
    }
  }

  // ------------------------------------------------------------------------------------ record

  /**
   * A record as one JSON Lines line (schema {@value ShadowRecord#SCHEMA_VERSION}, documented in
   * docs/sinks.md): members in a fixed order, absent values left out, payloads as {@link
   * Writer#value(Object)} writes them.
   */
  public static void record(ShadowRecord r, Writer w) {
    w.beginObject();
    w.name("schema").value(ShadowRecord.SCHEMA_VERSION);
    w.name("ts").value(r.timestamp().toString());
    w.name("endpoint").value(r.endpoint());
    stringIfPresent(w, "request_id", r.requestId());
    w.name("variant").value(r.variant());
    w.name("role").value(r.role().name());
    w.name("outcome").value(r.outcome().name());
    if (r.rejectReason() != null) {
      w.name("reject_reason").value(r.rejectReason().name());
    }
    if (r.count() != 1) {
      w.name("count").value(r.count()); // aggregated rejections (schema 2)
    }
    if (r.latencyNanos() >= 0) {
      w.name("latency_ns").value(r.latencyNanos());
    }
    if (r.queueWaitNanos() >= 0) {
      w.name("queue_wait_ns").value(r.queueWaitNanos());
    }
    stringIfPresent(w, "error_type", r.errorType());
    stringIfPresent(w, "error_message", r.errorMessage());
    stringIfPresent(w, "error_stack", r.errorStackTrace());
    Comparison c = r.comparison();
    w.name("comparison").value(c.result().name());
    if (c.hasScore()) {
      w.name("score").value(c.score());
    }
    if (!c.differingPaths().isEmpty()) {
      strings(w.name("differing_paths"), c.differingPaths());
    }
    stringIfPresent(w, "production_variant", r.productionVariant());
    if (r.input() != null) {
      w.name("input").value(r.input());
    }
    if (r.output() != null) {
      w.name("output").value(r.output());
    }
    w.endObject();
  }

  private static void stringIfPresent(Writer w, String name, @Nullable String value) {
    if (value != null) {
      w.name(name).value(value);
    }
  }

  // ------------------------------------------------------------------------------------ report

  /**
   * A shadow test's report (documented in docs/spring.md): durations in milliseconds, latencies in
   * nanoseconds, rates as fractions, absent values as null.
   */
  public static void report(ShadowTestReport r, Writer w) {
    w.beginObject();
    w.name("endpoint").value(r.endpoint());
    w.name("candidate").value(r.candidate());
    w.name("status").value(r.status().name());
    w.name("verdict").value(r.verdict().name());
    w.name("decision").value(r.decision().name());
    w.name("startedAt").value(r.startedAt().toString());
    w.name("endedAt").value(r.endedAt() == null ? null : r.endedAt().toString());
    w.name("endReason").value(r.endReason());
    w.name("elapsedMillis").value(r.elapsed().toMillis());
    w.name("durationMillis").value(r.duration().toMillis());
    w.name("progress").value(r.progress());
    w.name("calls").value(r.calls());
    w.name("maxRequests").value(r.maxRequests());
    w.name("samplingRate").value(r.samplingRate());
    strings(w.name("productionVariants"), r.productionVariants());
    w.name("unmatchedLabels").value(r.unmatchedLabels());
    w.name("instances").beginArray();
    for (ShadowTestReport.FleetInstance i : r.instances()) {
      w.beginObject();
      w.name("id").value(i.id());
      w.name("pairs").value(i.pairs());
      w.name("updatedAt").value(i.updatedAt().toString());
      w.name("stale").value(i.stale());
      w.endObject();
    }
    w.endArray();
    w.name("checks").beginArray();
    for (CheckResult c : r.checks()) {
      w.beginObject();
      w.name("name").value(c.name());
      w.name("verdict").value(c.verdict().name());
      finite(w.name("estimate"), c.estimate());
      finite(w.name("lower"), c.lower());
      finite(w.name("upper"), c.upper());
      finite(w.name("threshold"), c.threshold());
      finite(w.name("confidence"), c.confidence());
      w.name("n").value(c.n());
      w.name("reason").value(c.reason());
      w.endObject();
    }
    w.endArray();
    w.name("variants").beginArray();
    for (VariantReport v : r.variants()) {
      variant(v, w);
    }
    w.endArray();
    w.endObject();
  }

  private static void variant(VariantReport v, Writer w) {
    w.beginObject();
    w.name("name").value(v.name());
    w.name("side").value(v.side().name());
    w.name("invocations").value(v.invocations());
    w.name("errors").value(v.errors());
    w.name("timeouts").value(v.timeouts());
    w.name("rejected").value(v.rejected());
    latency(w.name("runTime"), v.runTime());
    latency(w.name("queueWait"), v.queueWait());
    latency(w.name("routerTime"), v.routerTime());
    w.name("compared").value(v.compared());
    w.name("mismatches").value(v.mismatches());
    finite(w.name("agreement"), v.agreement().orElse(Double.NaN));
    finite(w.name("agreementLower"), v.agreementLower());
    finite(w.name("agreementUpper"), v.agreementUpper());
    strings(w.name("mismatchSamples"), v.mismatchSamples());
    w.name("fieldMismatches").beginObject();
    for (Map.Entry<String, Long> e : new TreeMap<>(v.fieldMismatches()).entrySet()) {
      w.name(e.getKey()).value((long) e.getValue());
    }
    w.endObject();
    w.name("qualityMetric").value(v.qualityMetric());
    finite(w.name("quality"), v.quality().orElse(Double.NaN));
    w.name("labels").value(v.labels());
    finite(w.name("throughputPerSecond"), v.throughputPerSecond());
    w.endObject();
  }

  private static void latency(Writer w, LatencySummary s) {
    w.beginObject();
    w.name("count").value(s.count());
    w.name("p50Nanos").value(s.p50Nanos());
    w.name("p90Nanos").value(s.p90Nanos());
    w.name("p99Nanos").value(s.p99Nanos());
    w.name("p999Nanos").value(s.p999Nanos());
    w.name("maxNanos").value(s.maxNanos());
    w.endObject();
  }

  // ---------------------------------------------------------------------------------- snapshot

  /**
   * A router snapshot: the layout of {@link #router} without what only the router knows (each
   * variant's {@code testCandidate} and {@code config}, {@code pool.workerThreads}, {@code tests}).
   */
  public static void snapshot(RouterSnapshot s, Writer w) {
    snapshot(s, null, List.of(), w);
  }

  /**
   * A router's state (documented in docs/spring.md, served by the Actuator endpoint): its snapshot
   * with each variant's settings and whether it is a running test's candidate, and the reports of
   * its tests. Rates are fractions, absent values null.
   */
  public static void router(ShadowRouter<?, ?> router, Writer w) {
    snapshot(router.snapshot(), router.config(), router.tests(), w);
  }

  /** The snapshot, with the router's members where {@code config} is given. */
  private static void snapshot(RouterSnapshot s, @Nullable EndpointConfig<?, ?> config,
      List<ShadowTest> tests, Writer w) {
    Map<String, Variant<?, ?>> configured = new LinkedHashMap<>();
    Set<String> candidates = new HashSet<>();
    if (config != null) {
      for (Variant<?, ?> v : config.productionVariants()) {
        configured.put(v.name(), v);
      }
      for (Variant<?, ?> v : config.shadowVariants()) {
        configured.put(v.name(), v);
      }
      for (ShadowTest t : tests) {
        if (t.status() == ShadowTest.Status.RUNNING) {
          candidates.add(t.candidate());
        }
      }
    }
    w.beginObject();
    w.name("name").value(s.endpoint());
    w.name("capturedAt").value(s.capturedAt().toString());
    w.name("variants").beginObject();
    for (RouterSnapshot.VariantStats v : s.variants()) {
      w.name(v.name());
      variant(v, config == null ? null : new Settings(configured.get(v.name()),
          candidates.contains(v.name())), w);
    }
    w.endObject();
    w.name("pool").beginObject();
    if (config != null) {
      w.name("workerThreads").value(config.workerThreads());
    }
    w.name("liveThreads").value(s.liveThreads());
    w.name("abandonedThreads").value(s.abandonedThreads());
    w.name("queueDepth").value(s.queueDepth());
    w.name("queueCapacity").value(s.queueCapacity());
    w.endObject();
    w.name("sinks").beginObject();
    for (RouterSnapshot.SinkStats k : s.sinks()) {
      w.name(k.name()).beginObject();
      w.name("emitted").value(k.emitted());
      w.name("delivered").value(k.delivered());
      w.name("dropped").value(k.dropped());
      w.name("failed").value(k.failed());
      w.name("pending").value(k.pending());
      w.endObject();
    }
    w.endObject();
    if (config != null) {
      w.name("tests").beginArray();
      for (ShadowTest t : tests) {
        report(t.report(), w);
      }
      w.endArray();
    }
    w.endObject();
  }

  /** What the router knows of a variant beyond its statistics; {@code variant} null if removed. */
  private record Settings(@Nullable Variant<?, ?> variant, boolean testCandidate) {}

  private static void variant(RouterSnapshot.VariantStats v, @Nullable Settings settings,
      Writer w) {
    w.beginObject();
    w.name("role").value(v.role().name());
    w.name("active").value(v.active());
    if (settings != null) {
      w.name("testCandidate").value(settings.testCandidate());
      w.name("config");
      Variant<?, ?> config = settings.variant();
      if (config == null) {
        w.nullValue();
      } else if (v.role() == Role.PRODUCTION) {
        w.beginObject().name("weight").value(config.weight()).endObject();
      } else {
        w.beginObject();
        w.name("samplingRate").value(config.samplingRate());
        w.name("timeoutMillis").value(config.timeout().toMillis());
        w.name("maxConcurrency").value(config.maxConcurrency());
        w.endObject();
      }
    }
    long invocations = v.invocations();
    w.name("invocations").value(invocations);
    w.name("sampled").value(v.sampled());
    w.name("successes").value(v.successes());
    w.name("errors").value(v.errors());
    w.name("timeouts").value(v.timeouts());
    w.name("rejected").value(v.rejected());
    w.name("rejections").beginObject();
    for (RejectReason r : RejectReason.values()) {
      w.name(r.name()).value(v.rejected(r));
    }
    w.endObject();
    ratio(w.name("errorRate"), v.errors(), invocations);
    ratio(w.name("timeoutRate"), v.timeouts(), invocations);
    ratio(w.name("rejectedRate"), v.rejected(), v.sampled());
    w.name("inFlight").value(v.inFlight());
    w.name("latency").beginObject();
    w.name("count").value(v.latencyCount());
    w.name("p50Nanos").value(v.p50Nanos());
    w.name("p90Nanos").value(v.p90Nanos());
    w.name("p99Nanos").value(v.p99Nanos());
    w.name("maxNanos").value(v.maxNanos());
    w.endObject();
    w.name("recentLatency").beginObject();
    w.name("count").value(v.recentLatencyCount());
    w.name("p50Nanos").value(v.recentP50Nanos());
    w.name("p99Nanos").value(v.recentP99Nanos());
    w.endObject();
    w.name("matches").value(v.matches());
    w.name("mismatches").value(v.mismatches());
    w.name("notCompared").value(v.notCompared());
    w.name("comparatorErrors").value(v.comparatorErrors());
    finite(w.name("agreement"), v.agreement());
    wilson(w.name("agreementInterval"), v.matches(), v.matches() + v.mismatches());
    w.endObject();
  }

  /**
   * The Wilson score interval (95%, fixed horizon) of the agreement, or null before the first
   * comparison: for display. A shadow test decides on its own anytime-valid bounds.
   */
  private static void wilson(Writer w, long successes, long n) {
    if (n == 0) {
      w.nullValue();
      return;
    }
    double p = (double) successes / n;
    double z2 = Z95 * Z95;
    double centre = (p + z2 / (2 * n)) / (1 + z2 / n);
    double half = Z95 * Math.sqrt(p * (1 - p) / n + z2 / (4.0 * n * n)) / (1 + z2 / n);
    w.beginObject();
    w.name("lower").value(Math.max(0, centre - half));
    w.name("upper").value(Math.min(1, centre + half));
    w.name("confidence").value(0.95);
    w.name("method").value("wilson");
    w.endObject();
  }

  // ----------------------------------------------------------------------------------- helpers

  private static void ratio(Writer w, long part, long whole) {
    if (whole == 0) {
      w.nullValue();
    } else {
      w.value((double) part / whole);
    }
  }

  /** NaN and infinities are not JSON numbers: these layouts write absent values as null. */
  private static void finite(Writer w, double value) {
    if (Double.isFinite(value)) {
      w.value(value);
    } else {
      w.nullValue();
    }
  }

  private static void strings(Writer w, List<String> values) {
    w.beginArray();
    for (String s : values) {
      w.value(s);
    }
    w.endArray();
  }
}
