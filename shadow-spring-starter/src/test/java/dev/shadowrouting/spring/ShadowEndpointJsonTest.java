package dev.shadowrouting.spring;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;

import dev.shadowrouting.Comparison;
import dev.shadowrouting.Outcome;
import dev.shadowrouting.Role;
import dev.shadowrouting.RouterSnapshot;
import dev.shadowrouting.ShadowRecord;
import dev.shadowrouting.ShadowRouter;
import dev.shadowrouting.ShadowTest;
import dev.shadowrouting.ShadowTestReport;
import dev.shadowrouting.sinks.jsonl.JsonLinesSink;
import dev.shadowrouting.spring.Models.Score;
import dev.shadowrouting.spring.Models.Txn;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.context.SpringBootTest.WebEnvironment;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.test.annotation.DirtiesContext;
import tools.jackson.databind.json.JsonMapper;

/**
 * One document model, one JSON: what shadow-routing writes itself (a report's and a snapshot's
 * {@code toJson()}, a JSON Lines record) is byte for byte what the Actuator endpoint writes for the
 * same documents with the application's JSON mapper. Its own context (it stops the test).
 */
@SpringBootTest(classes = EndpointTestApp.class, webEnvironment = WebEnvironment.RANDOM_PORT,
    properties = {EndpointTestApp.ENDPOINTS, "spring.application.name=endpoint-json"})
@DirtiesContext
class ShadowEndpointJsonTest {
  @LocalServerPort
  int port;

  @Autowired
  ShadowRouters routers;

  /** The mapper Spring MVC writes the endpoint's answers with. */
  @Autowired
  JsonMapper mapper;

  @TempDir
  Path tmp;

  @Test
  void theEndpointServesEachReportAsItsToJson() throws Exception {
    ShadowTest test = endedTest();

    for (String url : List.of("/actuator/shadow", "/actuator/shadow/fraud")) {
      Http.Response r = Http.get("http://localhost:" + port + url);
      assertThat(r.status()).isEqualTo(200);
      assertThat(r.body()).as(url).contains(test.report().toJson());
    }
  }

  @Test
  void theMapperWritesEachDocumentAsShadowRoutingDoes() throws Exception {
    ShadowTestReport report = endedTest().report();
    RouterSnapshot snapshot = routers.get("fraud").snapshot();

    assertThat(mapper.writeValueAsString(report.toDocument())).isEqualTo(report.toJson());
    assertThat(mapper.writeValueAsString(snapshot.toDocument())).isEqualTo(snapshot.toJson());

    String line = recordLine();
    assertThat(mapper.writeValueAsString(mapper.readValue(line, LinkedHashMap.class)))
        .isEqualTo(line);
  }

  private ShadowTest endedTest() throws Exception {
    ShadowRouter<Txn, Score> router = routers.get("fraud");
    for (int i = 0; i < 50; i++) {
      router.predict(new Txn("u" + i, i * 20));
    }
    assertThat(router.awaitIdle(Duration.ofSeconds(10))).isTrue();
    ShadowTest test = router.tests().get(0);
    test.stop(); // an ended test's report no longer changes
    return test;
  }

  /** A record with payloads of every JSON type, as the JSON Lines sink writes it. */
  private String recordLine() throws Exception {
    Map<String, Object> input = new LinkedHashMap<>();
    input.put("amount", 1234.5);
    input.put("features", List.of(0.1, 2e-5, 1e21, -3L, Long.MAX_VALUE));
    input.put("note", "tab\t quote\" emoji \uD83D\uDE00 accents éü");
    input.put("missing", null);
    input.put("flag", true);
    try (JsonLinesSink sink = JsonLinesSink.builder(tmp).build()) {
      sink.accept(ShadowRecord.builder().endpoint("fraud").requestId("r-1").variant("v2")
          .role(Role.SHADOW).outcome(Outcome.SUCCESS)
          .timestamp(Instant.parse("2026-11-23T10:15:30.123456789Z"))
          .latencyNanos(2_500_000).queueWaitNanos(40_000)
          .comparison(Comparison.mismatch(List.of("label")).withScore(0.25))
          .productionVariant("v1").input(input).output(Map.of("score", 0.91)).build());
    }
    try (Stream<Path> files = Files.list(tmp)) {
      List<String> lines = Files.readAllLines(files.findFirst().orElseThrow(), UTF_8);
      assertThat(lines).hasSize(1);
      return lines.get(0);
    }
  }
}
