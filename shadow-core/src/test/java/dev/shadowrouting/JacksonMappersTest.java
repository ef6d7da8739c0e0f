package dev.shadowrouting;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.lang.reflect.Method;
import java.net.URL;
import java.net.URLClassLoader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * Returned from a controller, a snapshot, a report or a record is written by an application's
 * plain {@code ObjectMapper}, of Jackson 2 ({@code com.fasterxml.jackson.databind}) or of Jackson 3
 * ({@code tools.jackson.databind}), with no module registered, as the document its {@code
 * toJson()} writes and the Actuator endpoint serves ({@code @JsonValue} on {@code toDocument()}).
 * Jackson 2 escapes characters outside the Basic Multilingual Plane when it writes bytes, where
 * Jackson 3 and {@code toJson()} write them as UTF-8: the same JSON text, so that document is
 * compared as a tree, the others byte for byte. Without jackson-annotations at run time nothing
 * changes.
 */
class JacksonMappersTest {

  private static final com.fasterxml.jackson.databind.ObjectMapper JACKSON2 =
      new com.fasterxml.jackson.databind.ObjectMapper();
  private static final tools.jackson.databind.ObjectMapper JACKSON3 =
      new tools.jackson.databind.ObjectMapper();

  /**
   * What a Jackson 2 mapper sends (UTF-8 bytes, as a web framework writes a response body), after
   * checking that its string form says the same.
   */
  private static String jackson2(Object value) throws Exception {
    String bytes = new String(JACKSON2.writeValueAsBytes(value), StandardCharsets.UTF_8);
    assertThat(JACKSON2.writeValueAsString(value)).isEqualTo(bytes);
    return bytes;
  }

  /** The same for Jackson 3. */
  private static String jackson3(Object value) {
    String bytes = new String(JACKSON3.writeValueAsBytes(value), StandardCharsets.UTF_8);
    assertThat(JACKSON3.writeValueAsString(value)).isEqualTo(bytes);
    return bytes;
  }

  /** {@code json} as Jackson 2 reads it, for comparing JSON texts that escape differently. */
  private static com.fasterxml.jackson.databind.JsonNode tree(String json) throws Exception {
    return JACKSON2.readTree(json);
  }

  private static ShadowRecord record(Object input, Object output) {
    return ShadowRecord.builder().endpoint("fraud").requestId("r-1")
        .variant("v2").role(Role.SHADOW).outcome(Outcome.ERROR)
        .timestamp(Instant.parse("2026-11-23T10:15:30.123456789Z"))
        .latencyNanos(2_500_000).queueWaitNanos(40_000).errorType("java.io.IOException")
        .errorDetails("line 1\nline 2", "at x\n\tat y")
        .comparison(Comparison.mismatch(List.of("label", "score")).withScore(0.25))
        .productionVariant("v1").input(input).output(output).build();
  }

  @Test
  void aSnapshotIsWrittenByBothMappersAsItsJson() throws Exception {
    RouterSnapshot snapshot = Samples.snapshot();
    assertThat(jackson2(snapshot)).isEqualTo(snapshot.toJson())
        .isEqualTo(DocumentsTest.SNAPSHOT_GOLDEN);
    assertThat(jackson3(snapshot)).isEqualTo(snapshot.toJson());
  }

  @Test
  void aReportIsWrittenByBothMappersAsItsJson() throws Exception {
    ShadowTestReport report = Samples.report();
    assertThat(jackson2(report)).isEqualTo(report.toJson());
    assertThat(jackson3(report)).isEqualTo(report.toJson());
  }

  @Test
  void aRecordIsWrittenByBothMappersAsItsJsonLine() throws Exception {
    Map<String, Object> input = new LinkedHashMap<>();
    input.put("amount", 12.5);
    input.put("items", List.of(1L, 2L, Long.MAX_VALUE));
    input.put("note", "tab\t, quote \", accents éü, control \u0001");
    input.put("missing", null);
    ShadowRecord record = record(input, List.of(0.91, true, "x"));
    assertThat(record.toJson())
        .startsWith("{\"schema\":2,\"ts\":\"2026-11-23T10:15:30.123456789Z\"")
        .contains("\"production_variant\":\"v1\",\"input\":{\"amount\":12.5,");
    assertThat(jackson2(record)).isEqualTo(record.toJson());
    assertThat(jackson3(record)).isEqualTo(record.toJson());

    ShadowRecord aggregated = ShadowRecord.builder().endpoint("fraud").variant("v2")
        .role(Role.SHADOW).outcome(Outcome.REJECTED).rejectReason(RejectReason.QUEUE_FULL)
        .count(7).timestamp(Instant.parse("2026-11-23T10:15:31Z")).build();
    assertThat(jackson2(aggregated)).isEqualTo(aggregated.toJson())
        .isEqualTo("{\"schema\":2,\"ts\":\"2026-11-23T10:15:31Z\",\"endpoint\":\"fraud\","
            + "\"variant\":\"v2\",\"role\":\"SHADOW\",\"outcome\":\"REJECTED\","
            + "\"reject_reason\":\"QUEUE_FULL\",\"count\":7,\"comparison\":\"NOT_COMPARED\"}");
    assertThat(jackson3(aggregated)).isEqualTo(aggregated.toJson());
  }

  @Test
  void supplementaryCharactersAreTheSameJsonTextWhichJackson2EscapesInBytes() throws Exception {
    ShadowRecord record = record(Map.of("note", "emoji \uD83D\uDE00"), "ok");
    assertThat(record.toJson()).contains("emoji \uD83D\uDE00");
    assertThat(jackson3(record)).isEqualTo(record.toJson());
    assertThat(JACKSON2.writeValueAsString(record)).isEqualTo(record.toJson());
    String bytes = new String(JACKSON2.writeValueAsBytes(record), StandardCharsets.UTF_8);
    assertThat(bytes).contains("emoji \\uD83D\\uDE00");
    assertThat(tree(bytes)).isEqualTo(tree(record.toJson()));
  }

  /** What a controller returns: the documents nested in the application's own objects. */
  @Test
  void theDocumentsNestInsideAnApplicationsObjects() throws Exception {
    RouterSnapshot snapshot = Samples.snapshot();
    ShadowTestReport report = Samples.report();
    Map<String, Object> body = new LinkedHashMap<>();
    body.put("snapshot", snapshot);
    body.put("reports", List.of(report));
    String expected = "{\"snapshot\":" + snapshot.toJson() + ",\"reports\":[" + report.toJson()
        + "]}";
    assertThat(jackson2(body)).isEqualTo(expected);
    assertThat(jackson3(body)).isEqualTo(expected);
  }

  /**
   * A live router's snapshot, a test's report and the records it wrote, each as its JSON,
   * and as the same members the endpoint's document (the router's state) shows.
   */
  @Test
  void aLiveRoutersDocumentsAreWrittenAsTheEndpointShowsThem() throws Exception {
    InMemorySink sink = ShadowSink.inMemory();
    try (ShadowRouter<Integer, Integer> router = ShadowRouter.create(
        EndpointConfig.<Integer, Integer>builder("jackson")
            .production("v1", in -> in)
            .shadow(Variant.<Integer, Integer>builder("v2", in -> in % 7 == 0 ? -in : in)
                .capturePayloads(true))
            .sink(sink)
            .build())) {
      ShadowTest test = router.startTest(ShadowTestSpec.builder(
          Variant.<Integer, Integer>builder("v3", in -> in).build())
          .duration(Duration.ofHours(1)).build());
      for (int i = 0; i < 50; i++) {
        router.predict(i);
      }
      assertThat(router.awaitIdle(Fixtures.WAIT)).isTrue();

      test.stop(); // its report no longer changes with the clock
      RouterSnapshot snapshot = router.snapshot();
      assertThat(jackson2(snapshot)).isEqualTo(snapshot.toJson());
      assertThat(jackson3(snapshot)).isEqualTo(snapshot.toJson());
      ShadowTestReport report = test.report();
      assertThat(jackson2(report)).isEqualTo(report.toJson());
      assertThat(jackson3(report)).isEqualTo(report.toJson());
      List<ShadowRecord> records = sink.records();
      assertThat(records).hasSizeGreaterThan(100);
      for (ShadowRecord r : records) {
        assertThat(jackson2(r)).isEqualTo(r.toJson());
        assertThat(jackson3(r)).isEqualTo(r.toJson());
      }

      // The endpoint's document carries the same report, and the snapshot's members.
      tools.jackson.databind.JsonNode endpoint = JACKSON3.valueToTree(router.toDocument());
      assertThat(endpoint.get("tests").get(0)).isEqualTo(JACKSON3.valueToTree(report));
      tools.jackson.databind.JsonNode mapped = JACKSON3.valueToTree(router.snapshot());
      for (String member : List.of("name", "pool", "sinks")) {
        tools.jackson.databind.JsonNode shown = endpoint.get(member).deepCopy();
        if (shown instanceof tools.jackson.databind.node.ObjectNode o) {
          o.remove("workerThreads"); // what only the router knows
        }
        assertThat(shown).as(member).isEqualTo(mapped.get(member));
      }
    }
  }

  /**
   * jackson-annotations is optional: on a class path without it the annotated classes load, their
   * methods reflect (the annotation is simply absent) and the documents are written as before.
   */
  @Test
  void withoutJacksonAnnotationsAtRunTimeNothingChanges() throws Exception {
    URL[] withoutJackson = Arrays.stream(System.getProperty("java.class.path")
            .split(java.io.File.pathSeparator))
        .filter(p -> !p.contains("jackson"))
        .map(p -> {
          try {
            return Path.of(p).toUri().toURL();
          } catch (java.net.MalformedURLException e) {
            throw new IllegalStateException(e);
          }
        })
        .toArray(URL[]::new);
    try (URLClassLoader loader =
        new URLClassLoader(withoutJackson, ClassLoader.getPlatformClassLoader())) {
      assertThatThrownBy(() -> Class.forName("com.fasterxml.jackson.annotation.JsonValue", false,
          loader)).isInstanceOf(ClassNotFoundException.class);
      for (String type : List.of("dev.shadowrouting.RouterSnapshot",
          "dev.shadowrouting.ShadowTestReport", "dev.shadowrouting.ShadowRecord")) {
        Class<?> c = Class.forName(type, true, loader);
        Method toDocument = c.getMethod("toDocument");
        assertThat(toDocument.getAnnotations()).as(type).isEmpty();
        assertThat(c.getDeclaredMethods()).isNotEmpty();
      }
      Class<?> recordType = Class.forName("dev.shadowrouting.ShadowRecord", true, loader);
      Class<?> role = Class.forName("dev.shadowrouting.Role", true, loader);
      Class<?> outcome = Class.forName("dev.shadowrouting.Outcome", true, loader);
      Object builder = recordType.getMethod("builder").invoke(null);
      Class<?> b = builder.getClass();
      b.getMethod("endpoint", String.class).invoke(builder, "e");
      b.getMethod("variant", String.class).invoke(builder, "v");
      b.getMethod("role", role).invoke(builder, role.getField("SHADOW").get(null));
      b.getMethod("outcome", outcome).invoke(builder, outcome.getField("SUCCESS").get(null));
      Object built = b.getMethod("build").invoke(builder);
      assertThat(recordType.getMethod("toJson").invoke(built)).isEqualTo(
          "{\"schema\":2,\"ts\":\"1970-01-01T00:00:00Z\",\"endpoint\":\"e\",\"variant\":\"v\","
              + "\"role\":\"SHADOW\",\"outcome\":\"SUCCESS\",\"comparison\":\"NOT_COMPARED\"}");
    }
  }
}
