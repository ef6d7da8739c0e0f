package dev.shadowrouting.spring;

import static org.assertj.core.api.Assertions.assertThat;

import dev.shadowrouting.EndpointConfig;
import dev.shadowrouting.OutputComparator;
import dev.shadowrouting.Request;
import dev.shadowrouting.ShadowRouter;
import dev.shadowrouting.ShadowTest;
import dev.shadowrouting.ShadowTestSpec;
import dev.shadowrouting.Variant;
import dev.shadowrouting.internal.JacksonOracle;
import dev.shadowrouting.spring.Models.Score;
import dev.shadowrouting.spring.Models.Txn;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

/**
 * Pins the JSON of the Actuator endpoint (documented in docs/spring-boot.md): field names, order and
 * types. Values that depend on timing (instants, latencies, durations, the latency check's numbers)
 * are replaced by placeholders. Regenerate after an intended change with
 * {@code -Dgolden.update=true}, and document the change.
 */
class ShadowEndpointGoldenJsonTest {

  static final Path GOLDEN = Path.of("src/test/resources/golden/shadow-endpoint.json");

  /** Keys whose values depend on timing. */
  static final Set<String> TIMING = Set.of("capturedAt", "startedAt", "endedAt", "elapsedMillis",
      "p50Nanos", "p90Nanos", "p99Nanos", "p999Nanos", "maxNanos", "throughputPerSecond",
      "liveThreads");

  @Test
  void theEndpointDocumentIsStable() throws Exception {
    Models models = new Models();
    try (ShadowRouter<Txn, Score> router = ShadowRouter.create(
        EndpointConfig.<Txn, Score>builder("fraud")
            .production("v1", models.fraudModelV1())
            .shadow("v2", models.fraudModelV2(), v -> v.samplingRate(1.0)
                .timeout(Duration.ofMillis(50)).maxConcurrency(4))
            .comparator(OutputComparator.comparing(Score::block))
            .workerThreads(1)
            .testMode(true)
            .build())) {
      ShadowTest test = router.startTest(ShadowTestSpec.builder(
              Variant.builder("v3", models.fraudModelV3()).build())
          .samplingRate(1.0).duration(Duration.ofHours(1)).build());
      for (int i = 0; i < 100; i++) {
        router.predict(new Txn("u" + i, i * 10), Request.builder().requestId("r" + i).build());
      }
      router.awaitIdle(Duration.ofSeconds(10));
      test.stop();
      Map<String, Object> doc = new LinkedHashMap<>();
      doc.put("schema", ShadowEndpoint.SCHEMA);
      doc.put("access", "READ_ONLY");
      doc.put("actions", ShadowEndpoint.ACTIONS);
      Map<String, Object> endpoints = new LinkedHashMap<>();
      endpoints.put("fraud", router.toDocument());
      doc.put("endpoints", endpoints);
      String json = JacksonOracle.pretty(normalise(doc, null)) + "\n";
      if (Boolean.getBoolean("golden.update") || !Files.exists(GOLDEN)) {
        Files.createDirectories(GOLDEN.getParent());
        Files.writeString(GOLDEN, json, StandardCharsets.UTF_8);
      }
      assertThat(json).isEqualTo(Files.readString(GOLDEN, StandardCharsets.UTF_8));
    }
  }

  @SuppressWarnings("unchecked")
  static Object normalise(Object value, String key) {
    if (value instanceof Map<?, ?> map) {
      Map<String, Object> out = new LinkedHashMap<>();
      boolean latencyCheck = "latency".equals(map.get("name"))
          || "tail_latency".equals(map.get("name"));
      ((Map<String, Object>) map).forEach((k, v) -> {
        boolean timing = TIMING.contains(k)
            || latencyCheck && Set.of("estimate", "lower", "upper", "reason", "verdict").contains(k);
        out.put(k, timing && v != null ? "<" + k + ">" : normalise(v, k));
      });
      return out;
    }
    if (value instanceof List<?> list) {
      return list.stream().map(v -> normalise(v, key)).toList();
    }
    return value;
  }
}
