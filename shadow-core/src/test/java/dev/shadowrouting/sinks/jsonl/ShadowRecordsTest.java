package dev.shadowrouting.sinks.jsonl;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.shadowrouting.Comparison;
import dev.shadowrouting.EndpointConfig;
import dev.shadowrouting.Outcome;
import dev.shadowrouting.RejectReason;
import dev.shadowrouting.Role;
import dev.shadowrouting.ShadowRecord;
import dev.shadowrouting.ShadowRouter;
import dev.shadowrouting.Variant;
import dev.shadowrouting.sinks.SinkFixtures;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.NoSuchElementException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ShadowRecordsTest {
  @TempDir
  Path tmp;

  @Test
  void comparesVariantsSideBySide() {
    List<ShadowRecord> records = new ArrayList<>();
    for (int i = 1; i <= 100; i++) {
      records.add(SinkFixtures.production().toBuilder().latencyNanos(i * 1_000_000L).build());
    }
    records.add(SinkFixtures.shadow(Outcome.SUCCESS).latencyNanos(5_000_000).build());
    records.add(SinkFixtures.shadow(Outcome.SUCCESS).latencyNanos(7_000_000).build());
    records.add(SinkFixtures.shadow(Outcome.SUCCESS).comparison(Comparison.mismatch())
        .latencyNanos(9_000_000).build());
    records.add(SinkFixtures.rejected(RejectReason.QUEUE_FULL));

    OfflineComparison c = ShadowRecords.compare(records);

    assertThat(c.variants()).extracting(OfflineComparison.VariantSummary::variant)
        .containsExactly("prod", "candidate");
    OfflineComparison.VariantSummary prod = c.variant("prod");
    assertThat(prod.role()).isEqualTo(Role.PRODUCTION);
    assertThat(prod.records()).isEqualTo(100);
    assertThat(prod.p50Nanos()).isEqualTo(50_000_000);
    assertThat(prod.p99Nanos()).isEqualTo(99_000_000);
    assertThat(prod.agreement()).isNaN();
    OfflineComparison.VariantSummary candidate = c.variant("candidate");
    assertThat(candidate.records()).isEqualTo(4);
    assertThat(candidate.count(Outcome.SUCCESS)).isEqualTo(3);
    assertThat(candidate.count(Outcome.REJECTED)).isEqualTo(1);
    assertThat(candidate.p50Nanos()).isEqualTo(7_000_000); // the rejection has no latency
    assertThat(candidate.p99Nanos()).isEqualTo(9_000_000);
    assertThat(candidate.agreement()).isEqualTo(2.0 / 3);
    assertThat(c.toTable()).contains("candidate", "shadow", "66.7%", "50.000");
    assertThatThrownBy(() -> c.variant("nope")).isInstanceOf(NoSuchElementException.class);
  }

  @Test
  void endToEndThroughARouterWithPayloadsOnlyWhereOptedIn() throws Exception {
    int n = 50;
    Variant<Integer, Integer> candidate = Variant.<Integer, Integer>builder("candidate",
        x -> x % 10 == 0 ? -1 : 2 * x).capturePayloads(true).maxConcurrency(n).build();
    EndpointConfig<Integer, Integer> config;
    try (JsonLinesSink sink = JsonLinesSink.builder(tmp).build()) {
      config = SinkFixtures.config(sink, candidate).toBuilder()
          .redactor((field, payload) -> field == dev.shadowrouting.Redactor.Field.INPUT
              ? "masked" : payload)
          .build();
      try (ShadowRouter<Integer, Integer> router = ShadowRouter.create(config)) {
        for (int i = 1; i <= n; i++) {
          router.predict(i);
        }
      }
      assertThat(sink.written()).isEqualTo(2L * n); // the router flushed its sink on close
    }

    ShadowRecords back = ShadowRecords.readAll(tmp);
    assertThat(back.skippedLines()).isZero();
    assertThat(back.stream().filter(r -> r.role() == Role.PRODUCTION))
        .hasSize(n).allSatisfy(r -> assertThat(r.input()).isNull());
    assertThat(back.stream().filter(r -> r.role() == Role.SHADOW)).hasSize(n)
        .allSatisfy(r -> assertThat(r.input()).isEqualTo("masked"))
        .allSatisfy(r -> assertThat(r.output()).isInstanceOf(Integer.class));
    OfflineComparison c = back.compare();
    assertThat(c.variant("candidate").mismatches()).isEqualTo(5);
    assertThat(c.variant("candidate").agreement()).isEqualTo(0.9);
  }
}
