package dev.shadowrouting;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import org.junit.jupiter.api.Test;

/** The report's stable JSON form (golden) and its side-by-side text table. */
class ShadowTestReportTest {

  @Test
  void theJsonFormIsStable() {
    String golden = "{\"endpoint\":\"fraud\",\"candidate\":\"v2\",\"status\":\"COMPLETED\","
        + "\"verdict\":\"FAIL\",\"decision\":\"NONE\",\"startedAt\":\"2026-11-30T10:00:00Z\","
        + "\"endedAt\":\"2026-11-30T11:00:00Z\",\"endReason\":\"deadline reached after PT1H\","
        + "\"elapsedMillis\":3600000,\"durationMillis\":3600000,\"progress\":1.0,\"calls\":2000,"
        + "\"maxRequests\":0,\"samplingRate\":0.25,\"productionVariants\":[\"v1\"],"
        + "\"unmatchedLabels\":3,\"instances\":[],\"checks\":["
        + "{\"name\":\"latency\",\"verdict\":\"FAIL\",\"estimate\":1.5,"
        + "\"lower\":1.25,\"upper\":1.75,\"threshold\":1.1,\"confidence\":0.99,\"n\":2000,"
        + "\"reason\":\"latency: x1.50 -> FAIL\"},"
        + "{\"name\":\"agreement\",\"verdict\":\"INCONCLUSIVE\",\"estimate\":null,"
        + "\"lower\":null,\"upper\":null,\"threshold\":null,\"confidence\":null,\"n\":0,"
        + "\"reason\":\"agreement: no data\"}],"
        + "\"variants\":["
        + "{\"name\":\"v1\",\"side\":\"PRODUCTION\",\"invocations\":2000,\"errors\":1,"
        + "\"timeouts\":0,\"rejected\":0,\"runTime\":{\"count\":2000,\"p50Nanos\":100000,"
        + "\"p90Nanos\":150000,\"p99Nanos\":300000,\"p999Nanos\":900000,\"maxNanos\":1000000},"
        + "\"queueWait\":{\"count\":0,\"p50Nanos\":0,\"p90Nanos\":0,\"p99Nanos\":0,"
        + "\"p999Nanos\":0,\"maxNanos\":0},\"routerTime\":{\"count\":0,\"p50Nanos\":0,"
        + "\"p90Nanos\":0,\"p99Nanos\":0,\"p999Nanos\":0,\"maxNanos\":0},"
        + "\"compared\":0,\"mismatches\":0,\"agreement\":null,"
        + "\"agreementLower\":null,\"agreementUpper\":null,\"mismatchSamples\":[],"
        + "\"fieldMismatches\":{},\"qualityMetric\":\"accuracy\",\"quality\":0.9,\"labels\":100,"
        + "\"throughputPerSecond\":0.5},"
        + "{\"name\":\"v2\",\"side\":\"CANDIDATE\",\"invocations\":2000,\"errors\":4,"
        + "\"timeouts\":2,\"rejected\":7,\"runTime\":{\"count\":2000,\"p50Nanos\":150000,"
        + "\"p90Nanos\":200000,\"p99Nanos\":400000,\"p999Nanos\":1000000,\"maxNanos\":2000000},"
        + "\"queueWait\":{\"count\":2000,\"p50Nanos\":1000,\"p90Nanos\":2000,\"p99Nanos\":5000,"
        + "\"p999Nanos\":9000,\"maxNanos\":10000},\"routerTime\":{\"count\":2000,"
        + "\"p50Nanos\":2000,\"p90Nanos\":3000,\"p99Nanos\":6000,\"p999Nanos\":9000,"
        + "\"maxNanos\":12000},\"compared\":1994,\"mismatches\":6,"
        + "\"agreement\":0.9969909729187563,\"agreementLower\":0.99,\"agreementUpper\":0.999,"
        + "\"mismatchSamples\":[\"r7\",\"r9\"],\"fieldMismatches\":{\"score\":6},"
        + "\"qualityMetric\":\"accuracy\",\"quality\":null,\"labels\":0,"
        + "\"throughputPerSecond\":0.5}]}";

    assertThat(Samples.report().toJson()).isEqualTo(golden);
  }

  @Test
  void theJsonOfALiveReportParses() throws Exception {
    try (ShadowRouter<Integer, Integer> router = ShadowRouter.create(
        EndpointConfig.<Integer, Integer>builder("json")
            .production(Variant.<Integer, Integer>builder("v1", in -> in).build()).build())) {
      ShadowTest test = router.startTest(ShadowTestSpec.builder(
          Variant.<Integer, Integer>builder("v2", in -> in).build()).noiseBaseline(true).build());
      for (int i = 0; i < 50; i++) {
        router.predict(i);
      }
      Fixtures.awaitQuiescentShadows(router);
      int depth = 0;
      int fields = 0;
      try (JsonParser p = new JsonFactory().createParser(test.report().toJson())) {
        for (JsonToken t = p.nextToken(); t != null; t = p.nextToken()) {
          depth += t.isStructStart() ? 1 : t.isStructEnd() ? -1 : 0;
          fields += t == JsonToken.FIELD_NAME ? 1 : 0;
        }
      }
      assertThat(depth).isZero();
      assertThat(fields).isGreaterThan(60);
      assertThat(test.report().toJson()).contains("\"name\":\"v2~noise\",\"side\":\"NOISE\"");
    }
  }

  @Test
  void theTableShowsTheVariantsSideBySideWithTheReasons() {
    String table = Samples.report().toString();

    assertThat(table).startsWith(
        "shadow test of 'v2' on endpoint 'fraud': COMPLETED, verdict FAIL" + System.lineSeparator());
    assertThat(table).contains("ended: deadline reached after PT1H");
    assertThat(table).containsPattern("v1 +production +2000 +1 +0 +0 +100\\.0 +150\\.0 +300\\.0");
    assertThat(table).containsPattern("v2 +candidate +2000 +4 +2 +7 +150\\.0");
    assertThat(table).contains("99.70% [99.00%, 99.90%]", "accuracy 0.9000 (100 labels)",
        "accuracy - (no labels)");
    assertThat(table).endsWith("verdict FAIL:" + System.lineSeparator()
        + "  latency: x1.50 -> FAIL" + System.lineSeparator()
        + "  agreement: no data" + System.lineSeparator());
  }

  /** The parts' text forms, pinned like the JSON: logs and assertion messages quote them. */
  @Test
  void theTextFormsOfItsPartsAreStable() {
    ShadowTestReport report = Samples.report();

    assertThat(report.checks()).hasToString("[latency: x1.50 -> FAIL, agreement: no data]");
    assertThat(report.variants()).hasToString("[VariantReport[v1, PRODUCTION, invocations=2000, "
        + "errors=1, timeouts=0, rejected=0, runTime=LatencySummary[count=2000, p50=100000ns, "
        + "p90=150000ns, p99=300000ns, p99.9=900000ns, max=1000000ns], "
        + "agreement=OptionalDouble.empty, quality=OptionalDouble[0.9]], "
        + "VariantReport[v2, CANDIDATE, invocations=2000, errors=4, timeouts=2, rejected=7, "
        + "runTime=LatencySummary[count=2000, p50=150000ns, p90=200000ns, p99=400000ns, "
        + "p99.9=1000000ns, max=2000000ns], agreement=OptionalDouble[0.9969909729187563], "
        + "quality=OptionalDouble.empty]]");
    assertThat(report.variant("v2").queueWait()).hasToString("LatencySummary[count=2000, "
        + "p50=1000ns, p90=2000ns, p99=5000ns, p99.9=9000ns, max=10000ns]");
  }

  @Test
  void anUnknownVariantIsRefusedNamingTheKnownOnes() {
    assertThatThrownBy(() -> Samples.report().variant("v3"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("no variant 'v3'; it has [v1, v2]");
  }
}
