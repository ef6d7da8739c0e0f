package dev.shadowrouting;

import static org.assertj.core.api.Assertions.assertThat;

import dev.shadowrouting.internal.Documents;
import dev.shadowrouting.internal.JacksonOracle;
import dev.shadowrouting.internal.Json;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * Each document (a record, a report, a snapshot, a router's state) is written by the one
 * serialiser exactly as a JSON mapper writes its tree form, which is what the Actuator endpoint
 * serves; the snapshot's JSON is pinned like the others'.
 */
class DocumentsTest {

  static final String SNAPSHOT_GOLDEN = "{\"name\":\"fraud\",\"capturedAt\":\"2026-11-30T10:00:00Z\","
      + "\"variants\":{"
      + "\"v1\":{\"role\":\"PRODUCTION\",\"active\":true,\"invocations\":100,\"sampled\":90,"
      + "\"successes\":99,\"errors\":1,\"timeouts\":0,\"rejected\":0,\"rejections\":{"
      + "\"QUEUE_FULL\":0,\"CONCURRENCY_LIMIT\":0,\"CLOSED\":0,\"QUARANTINED\":0},"
      + "\"errorRate\":0.01,\"timeoutRate\":0.0,\"rejectedRate\":0.0,\"inFlight\":0,"
      + "\"latency\":{\"count\":100,\"p50Nanos\":1000,\"p90Nanos\":2000,\"p99Nanos\":3000,"
      + "\"maxNanos\":4000},\"recentLatency\":{\"count\":10,\"p50Nanos\":1100,\"p99Nanos\":3100},"
      + "\"matches\":0,\"mismatches\":0,\"notCompared\":0,\"comparatorErrors\":0,"
      + "\"agreement\":null,\"agreementInterval\":null},"
      + "\"v2\":{\"role\":\"SHADOW\",\"active\":false,\"invocations\":80,\"sampled\":90,"
      + "\"successes\":76,\"errors\":3,\"timeouts\":1,\"rejected\":10,\"rejections\":{"
      + "\"QUEUE_FULL\":4,\"CONCURRENCY_LIMIT\":6,\"CLOSED\":0,\"QUARANTINED\":0},"
      + "\"errorRate\":0.0375,\"timeoutRate\":0.0125,\"rejectedRate\":0.1111111111111111,"
      + "\"inFlight\":2,\"latency\":{\"count\":80,\"p50Nanos\":5000,\"p90Nanos\":6000,"
      + "\"p99Nanos\":7000,\"maxNanos\":8000},\"recentLatency\":{\"count\":0,\"p50Nanos\":0,"
      + "\"p99Nanos\":0},\"matches\":70,\"mismatches\":6,\"notCompared\":4,"
      + "\"comparatorErrors\":1,\"agreement\":0.9210526315789473,\"agreementInterval\":{"
      + "\"lower\":0.8382725651786193,\"upper\":0.9633159947665283,\"confidence\":0.95,"
      + "\"method\":\"wilson\"}}},"
      + "\"pool\":{\"liveThreads\":2,\"abandonedThreads\":1,\"queueDepth\":3,"
      + "\"queueCapacity\":1024},"
      + "\"sinks\":{\"jsonl\":{\"emitted\":180,\"delivered\":170,\"dropped\":10,\"failed\":2,"
      + "\"pending\":0}}}";

  @Test
  void theSnapshotJsonFormIsStable() {
    assertThat(Samples.snapshot().toJson()).isEqualTo(SNAPSHOT_GOLDEN);
  }

  @Test
  void aSnapshotIsWrittenAsAJsonMapperWritesItsDocument() {
    RouterSnapshot snapshot = Samples.snapshot();
    assertThat(snapshot.toJson()).isEqualTo(JacksonOracle.write(snapshot.toDocument()));
  }

  @Test
  void aReportIsWrittenAsAJsonMapperWritesItsDocument() {
    ShadowTestReport report = Samples.report();
    assertThat(report.toJson()).isEqualTo(JacksonOracle.write(report.toDocument()));
  }

  @Test
  void aRecordIsWrittenAsAJsonMapperWritesItsDocument() {
    Map<String, Object> input = new LinkedHashMap<>();
    input.put("amount", 12.5);
    input.put("items", List.of(1L, 2L, Long.MAX_VALUE));
    input.put("note", "tab\t, quote \", emoji \uD83D\uDE00, accents éü");
    input.put("missing", null);
    ShadowRecord record = ShadowRecord.builder().endpoint("fraud").requestId("r-1")
        .variant("v2").role(Role.SHADOW).outcome(Outcome.ERROR)
        .timestamp(Instant.parse("2026-11-23T10:15:30.123456789Z"))
        .latencyNanos(2_500_000).queueWaitNanos(40_000).errorType("java.io.IOException")
        .errorDetails("line 1\nline 2", "at x\n\tat y")
        .comparison(Comparison.mismatch(List.of("label", "score")).withScore(0.25))
        .productionVariant("v1").input(input).output(List.of(0.91, true, "x")).build();

    String json = Documents.json(w -> Documents.record(record, w));

    assertThat(json).isEqualTo(JacksonOracle.write(Documents.tree(w -> Documents.record(record, w))));
    assertThat(json).startsWith("{\"schema\":2,\"ts\":\"2026-11-23T10:15:30.123456789Z\"");
  }

  @Test
  void aRoutersStateIsItsSnapshotWithItsSettingsAndTestsWrittenAsAJsonMapperWritesIt()
      throws Exception {
    try (ShadowRouter<Integer, Integer> router = ShadowRouter.create(
        EndpointConfig.<Integer, Integer>builder("state")
            .production("v1", in -> in)
            .shadow("v2", in -> in % 7 == 0 ? in + 1 : in)
            .testMode(true)
            .build())) {
      ShadowTest test = router.startTest(ShadowTestSpec.builder(
          Variant.<Integer, Integer>builder("v3", in -> in).build()).build());
      for (int i = 0; i < 50; i++) {
        router.predict(i);
      }
      assertThat(router.awaitIdle(Duration.ofSeconds(20))).isTrue();
      test.stop();

      Map<String, Object> state = router.toDocument();

      assertThat(new Json().value(state).toString()).isEqualTo(JacksonOracle.write(state));
      assertThat(state.get("tests")).isEqualTo(List.of(test.report().toDocument()));
      // the snapshot's layout is the state's without what only the router knows
      Map<String, Object> snapshot = router.snapshot().toDocument();
      assertThat(keysWithout(state, "tests")).containsExactlyElementsOf(snapshot.keySet());
      assertThat(keysWithout(variant(state, "v2"), "testCandidate", "config"))
          .containsExactlyElementsOf(variant(snapshot, "v2").keySet());
      assertThat(keysWithout(object(state, "pool"), "workerThreads"))
          .containsExactlyElementsOf(object(snapshot, "pool").keySet());
      assertThat(variant(state, "v1")).containsEntry("testCandidate", false)
          .containsEntry("config", Map.of("weight", 1.0));
      assertThat(object(variant(state, "v2"), "config"))
          .containsOnlyKeys("samplingRate", "timeoutMillis", "maxConcurrency");
    }
  }

  private static List<String> keysWithout(Map<String, Object> doc, String... routerMembers) {
    List<String> keys = new ArrayList<>(doc.keySet());
    keys.removeAll(List.of(routerMembers));
    return keys;
  }

  @SuppressWarnings("unchecked")
  private static Map<String, Object> object(Map<String, Object> doc, String name) {
    return (Map<String, Object>) doc.get(name);
  }

  @SuppressWarnings("unchecked")
  private static Map<String, Object> variant(Map<String, Object> doc, String name) {
    return ((Map<String, Map<String, Object>>) doc.get("variants")).get(name);
  }
}
