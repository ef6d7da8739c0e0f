package dev.shadowrouting.spring;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import dev.shadowrouting.EndpointConfig;
import dev.shadowrouting.RejectReason;
import dev.shadowrouting.RouterSnapshot;
import dev.shadowrouting.ShadowRouter;
import dev.shadowrouting.ShadowTest;
import dev.shadowrouting.Variant;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The JSON documents of the Actuator endpoint {@code shadow}, as ordered maps of strings, numbers,
 * booleans, lists and maps (so any JSON mapper writes them the same way). The layout is documented
 * in docs/spring-boot.md and pinned by a golden test: add fields, never rename or remove them.
 * Non-finite numbers (an agreement before the first comparison) are written as {@code null}.
 *
 * <p>Stateless and thread-safe.
 */
final class ShadowDocuments {

  /** Version of the document layout. */
  static final int SCHEMA = 1;

  private static final JsonFactory JSON = new JsonFactory();
  /** z for a two-sided 95% interval. */
  private static final double Z95 = 1.959963984540054;

  private ShadowDocuments() {}

  /** One endpoint: its variants with configuration and live statistics, sinks and tests. */
  static Map<String, Object> endpoint(ShadowRouter<?, ?> router) {
    RouterSnapshot snapshot = router.snapshot();
    EndpointConfig<?, ?> config = router.config();
    List<ShadowTest> tests = router.tests();
    Map<String, String> runningTests = new HashMap<>();
    for (ShadowTest t : tests) {
      if (t.status() == ShadowTest.Status.RUNNING) {
        runningTests.put(t.candidate(), t.candidate());
      }
    }
    Map<String, Variant<?, ?>> configured = new LinkedHashMap<>();
    for (Variant<?, ?> v : config.productionVariants()) {
      configured.put(v.name(), v);
    }
    for (Variant<?, ?> v : config.shadowVariants()) {
      configured.put(v.name(), v);
    }
    Map<String, Object> doc = new LinkedHashMap<>();
    doc.put("name", router.name());
    doc.put("capturedAt", snapshot.capturedAt().toString());
    Map<String, Object> variants = new LinkedHashMap<>();
    for (RouterSnapshot.VariantStats v : snapshot.variants()) {
      variants.put(v.name(), variant(v, configured.get(v.name()),
          runningTests.containsKey(v.name())));
    }
    doc.put("variants", variants);
    Map<String, Object> pool = new LinkedHashMap<>();
    pool.put("workerThreads", config.workerThreads());
    pool.put("liveThreads", snapshot.liveThreads());
    pool.put("abandonedThreads", snapshot.abandonedThreads());
    pool.put("queueDepth", snapshot.queueDepth());
    pool.put("queueCapacity", snapshot.queueCapacity());
    doc.put("pool", pool);
    Map<String, Object> sinks = new LinkedHashMap<>();
    for (RouterSnapshot.SinkStats s : snapshot.sinks()) {
      Map<String, Object> sink = new LinkedHashMap<>();
      sink.put("emitted", s.emitted());
      sink.put("delivered", s.delivered());
      sink.put("dropped", s.dropped());
      sink.put("failed", s.failed());
      sink.put("pending", s.pending());
      sinks.put(s.name(), sink);
    }
    doc.put("sinks", sinks);
    List<Object> testDocs = new ArrayList<>();
    for (ShadowTest t : tests) {
      testDocs.add(parse(t.report().toJson()));
    }
    doc.put("tests", testDocs);
    return doc;
  }

  private static Map<String, Object> variant(RouterSnapshot.VariantStats v, Variant<?, ?> config,
      boolean testCandidate) {
    Map<String, Object> doc = new LinkedHashMap<>();
    doc.put("role", v.role().name());
    doc.put("active", v.active());
    doc.put("testCandidate", testCandidate);
    if (config != null) {
      Map<String, Object> settings = new LinkedHashMap<>();
      if (v.role() == dev.shadowrouting.Role.PRODUCTION) {
        settings.put("weight", config.weight());
      } else {
        settings.put("samplingRate", config.samplingRate());
        settings.put("timeoutMillis", config.timeout().toMillis());
        settings.put("maxConcurrency", config.maxConcurrency());
      }
      doc.put("config", settings);
    } else {
      doc.put("config", null);
    }
    long invocations = v.invocations();
    doc.put("invocations", invocations);
    doc.put("sampled", v.sampled());
    doc.put("successes", v.successes());
    doc.put("errors", v.errors());
    doc.put("timeouts", v.timeouts());
    doc.put("rejected", v.rejected());
    Map<String, Object> rejections = new LinkedHashMap<>();
    for (RejectReason r : RejectReason.values()) {
      rejections.put(r.name(), v.rejected(r));
    }
    doc.put("rejections", rejections);
    doc.put("errorRate", ratio(v.errors(), invocations));
    doc.put("timeoutRate", ratio(v.timeouts(), invocations));
    doc.put("rejectedRate", ratio(v.rejected(), v.sampled()));
    doc.put("inFlight", v.inFlight());
    Map<String, Object> latency = new LinkedHashMap<>();
    latency.put("count", v.latencyCount());
    latency.put("p50Nanos", v.p50Nanos());
    latency.put("p90Nanos", v.p90Nanos());
    latency.put("p99Nanos", v.p99Nanos());
    latency.put("maxNanos", v.maxNanos());
    doc.put("latency", latency);
    Map<String, Object> recent = new LinkedHashMap<>();
    recent.put("count", v.recentLatencyCount());
    recent.put("p50Nanos", v.recentP50Nanos());
    recent.put("p99Nanos", v.recentP99Nanos());
    doc.put("recentLatency", recent);
    doc.put("matches", v.matches());
    doc.put("mismatches", v.mismatches());
    doc.put("notCompared", v.notCompared());
    doc.put("comparatorErrors", v.comparatorErrors());
    doc.put("agreement", finite(v.agreement()));
    doc.put("agreementInterval", wilson(v.matches(), v.matches() + v.mismatches()));
    return doc;
  }

  /**
   * The Wilson score interval (95%, fixed horizon) of the agreement, or null before the first
   * comparison. For a shadow test's decision use the test's own anytime-valid bounds.
   */
  static Map<String, Object> wilson(long successes, long n) {
    if (n == 0) {
      return null;
    }
    double p = (double) successes / n;
    double z2 = Z95 * Z95;
    double centre = (p + z2 / (2 * n)) / (1 + z2 / n);
    double half = Z95 * Math.sqrt(p * (1 - p) / n + z2 / (4.0 * n * n)) / (1 + z2 / n);
    Map<String, Object> doc = new LinkedHashMap<>();
    doc.put("lower", Math.max(0, centre - half));
    doc.put("upper", Math.min(1, centre + half));
    doc.put("confidence", 0.95);
    doc.put("method", "wilson");
    return doc;
  }

  private static Object ratio(long part, long whole) {
    return whole == 0 ? null : (double) part / whole;
  }

  private static Object finite(double value) {
    return Double.isFinite(value) ? value : null;
  }

  /** A JSON text (core's report) as ordered maps and lists. */
  static Object parse(String json) {
    try (JsonParser parser = JSON.createParser(json)) {
      parser.nextToken();
      return value(parser);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static Object value(JsonParser p) throws IOException {
    JsonToken t = p.currentToken();
    switch (t) {
      case START_OBJECT: {
        Map<String, Object> map = new LinkedHashMap<>();
        while (p.nextToken() == JsonToken.FIELD_NAME) {
          String name = p.currentName();
          p.nextToken();
          map.put(name, value(p));
        }
        return map;
      }
      case START_ARRAY: {
        List<Object> list = new ArrayList<>();
        while (p.nextToken() != JsonToken.END_ARRAY) {
          list.add(value(p));
        }
        return list;
      }
      case VALUE_STRING:
        return p.getText();
      case VALUE_NUMBER_INT:
        return p.getLongValue();
      case VALUE_NUMBER_FLOAT:
        return p.getDoubleValue();
      case VALUE_TRUE:
        return Boolean.TRUE;
      case VALUE_FALSE:
        return Boolean.FALSE;
      default:
        return null;
    }
  }
}
