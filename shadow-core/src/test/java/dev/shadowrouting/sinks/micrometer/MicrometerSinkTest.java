package dev.shadowrouting.sinks.micrometer;

import static dev.shadowrouting.sinks.SinkFixtures.ENDPOINT;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.shadowrouting.Comparison;
import dev.shadowrouting.Outcome;
import dev.shadowrouting.RejectReason;
import dev.shadowrouting.ShadowRouter;
import dev.shadowrouting.ShadowSink;
import dev.shadowrouting.Variant;
import dev.shadowrouting.sinks.SinkFixtures;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.Meter;
import io.micrometer.core.instrument.Tag;
import io.micrometer.core.instrument.Timer;
import io.micrometer.core.instrument.config.MeterFilter;
import io.micrometer.core.instrument.distribution.DistributionStatisticConfig;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

class MicrometerSinkTest {
  private final SimpleMeterRegistry registry = new SimpleMeterRegistry();
  private final MicrometerSink sink = MicrometerSink.create(registry);

  @Test
  void timesCallsByRoleAndOutcomeInBaseUnits() {
    sink.accept(SinkFixtures.shadow(Outcome.SUCCESS).build());
    sink.accept(SinkFixtures.shadow(Outcome.SUCCESS).latencyNanos(500_000).build());
    sink.accept(SinkFixtures.shadow(Outcome.ERROR).errorType("java.io.IOException").build());
    sink.accept(SinkFixtures.production());

    Timer ok = timer("candidate", "shadow", "success");
    assertThat(ok.count()).isEqualTo(2);
    assertThat(ok.totalTime(TimeUnit.NANOSECONDS)).isEqualTo(3_000_000);
    assertThat(ok.getId().getTag("endpoint")).isEqualTo(ENDPOINT);
    assertThat(timer("candidate", "shadow", "error").count()).isEqualTo(1);
    assertThat(timer("prod", "production", "success").count()).isEqualTo(1);
  }

  @Test
  void tagsAreLowCardinality() {
    for (int i = 0; i < 100; i++) {
      sink.accept(SinkFixtures.shadow(Outcome.SUCCESS).requestId("req-" + i).build());
    }
    List<Meter> meters = registry.getMeters();
    assertThat(meters).hasSize(2); // one timer, one comparison counter
    for (Meter m : meters) {
      assertThat(m.getId().getTags()).extracting(Tag::getValue)
          .noneMatch(v -> v.startsWith("req-"));
    }
  }

  @Test
  void countsComparisonsOfShadowsOnly() {
    sink.accept(SinkFixtures.shadow(Outcome.SUCCESS).build());
    sink.accept(SinkFixtures.shadow(Outcome.SUCCESS).comparison(Comparison.mismatch()).build());
    sink.accept(SinkFixtures.shadow(Outcome.SUCCESS).comparison(Comparison.mismatch()).build());
    sink.accept(SinkFixtures.shadow(Outcome.TIMEOUT).build());
    sink.accept(SinkFixtures.production());

    assertThat(comparisons("match")).isEqualTo(1);
    assertThat(comparisons("mismatch")).isEqualTo(2);
    assertThat(comparisons("not_compared")).isEqualTo(1);
    assertThat(registry.find(MicrometerSink.COMPARISONS).tag("variant", "prod").counters())
        .isEmpty();
  }

  @Test
  void countsRejectionsByReasonWithoutTimingThem() {
    sink.accept(SinkFixtures.rejected(RejectReason.QUEUE_FULL));
    sink.accept(SinkFixtures.rejected(RejectReason.QUEUE_FULL));
    sink.accept(SinkFixtures.rejected(RejectReason.CONCURRENCY_LIMIT));

    assertThat(registry.get(MicrometerSink.REJECTED).tags("variant", "candidate",
        "reason", "queue_full").counter().count()).isEqualTo(2);
    assertThat(registry.get(MicrometerSink.REJECTED).tag("reason", "concurrency_limit")
        .counter().count()).isEqualTo(1);
    assertThat(registry.find(MicrometerSink.INVOCATIONS).timers()).isEmpty();
    assertThat(registry.find(MicrometerSink.COMPARISONS).counters()).isEmpty();
  }

  @Test
  void percentileHistogramIsOptIn() {
    Map<String, Boolean> histogramByVariant = new ConcurrentHashMap<>();
    registry.config().meterFilter(new MeterFilter() {
      @Override
      public DistributionStatisticConfig configure(Meter.Id id, DistributionStatisticConfig c) {
        histogramByVariant.put(id.getTag("variant"), Boolean.TRUE.equals(c.isPercentileHistogram()));
        return c;
      }
    });
    MicrometerSink.builder(registry).percentileHistogram(true).build()
        .accept(SinkFixtures.shadow(Outcome.SUCCESS).variant("with").build());
    sink.accept(SinkFixtures.shadow(Outcome.SUCCESS).variant("without").build());

    assertThat(histogramByVariant).containsEntry("with", true).containsEntry("without", false);
  }

  @Test
  void registersGaugesOnAttachAndRemovesThemOnDetach() throws Exception {
    CountDownLatch release = new CountDownLatch(1);
    // one worker, held by the first copy: the copies after it wait in the queue
    try (ShadowRouter<Integer, Integer> router = ShadowRouter.create(SinkFixtures.config(
        ShadowSink.inMemory(), Variant.<Integer, Integer>builder("candidate", x -> {
          release.await();
          return 2 * x;
        }).timeout(Duration.ofMinutes(1)).build()).toBuilder().workerThreads(1).build())) {
      try {
        sink.onAttach(ENDPOINT, router::snapshot);
        predict(router, 8);

        await().atMost(5, TimeUnit.SECONDS)
            .until(() -> gauge(MicrometerSink.QUEUE_DEPTH).value() == 7);
        assertThat(registry.get(MicrometerSink.IN_FLIGHT).tags("endpoint", ENDPOINT,
            "variant", "candidate").gauge().value()).isEqualTo(8); // queued or running
        assertThat(gauge(MicrometerSink.QUEUE_DEPTH).getId().getBaseUnit()).isEqualTo("tasks");
        predict(router, 2);
        await().atMost(5, TimeUnit.SECONDS)
            .until(() -> gauge(MicrometerSink.QUEUE_DEPTH).value() == 9);

        sink.onDetach(ENDPOINT);
        assertThat(registry.find(MicrometerSink.QUEUE_DEPTH).gauges()).isEmpty();
        assertThat(registry.find(MicrometerSink.IN_FLIGHT).gauges()).isEmpty();
      } finally {
        release.countDown();
      }
    }
  }

  @Test
  void registersInFlightGaugeForVariantsAddedAfterAttach() throws Exception {
    try (ShadowRouter<Integer, Integer> router = SinkFixtures.router(ShadowSink.inMemory(),
        x -> x)) {
      sink.onAttach(ENDPOINT, router::snapshot);
      sink.accept(SinkFixtures.shadow(Outcome.SUCCESS).variant("added-later").build());

      assertThat(registry.find(MicrometerSink.IN_FLIGHT).tag("variant", "added-later").gauge())
          .isNotNull();
      assertThat(registry.get(MicrometerSink.IN_FLIGHT).tag("variant", "added-later").gauge()
          .value()).isZero(); // not in the router's snapshot
    }
  }

  @Test
  void endToEndThroughARouter() throws Exception {
    CountDownLatch release = new CountDownLatch(1);
    try (ShadowRouter<Integer, Integer> router = SinkFixtures.router(sink, x -> {
      release.await();
      return 2 * x;
    })) {
      assertThat(router.predict(21)).isEqualTo(42);
      await().atMost(5, TimeUnit.SECONDS).until(() -> registry.get(MicrometerSink.IN_FLIGHT)
          .tag("variant", "candidate").gauge().value() == 1);
      assertThat(gauge(MicrometerSink.QUEUE_DEPTH).value()).isZero();
      release.countDown();
    }

    assertThat(timer("candidate", "shadow", "success").count()).isEqualTo(1);
    assertThat(timer("prod", "production", "success").count()).isEqualTo(1);
    assertThat(comparisons("match")).isEqualTo(1);
    assertThat(registry.find(MicrometerSink.QUEUE_DEPTH).gauges()).isEmpty();
    assertThat(registry.find(MicrometerSink.IN_FLIGHT).gauges()).isEmpty();
  }

  private Timer timer(String variant, String role, String outcome) {
    return registry.get(MicrometerSink.INVOCATIONS)
        .tags("variant", variant, "role", role, "outcome", outcome).timer();
  }

  private double comparisons(String result) {
    return registry.get(MicrometerSink.COMPARISONS).tags("variant", "candidate", "result", result)
        .counter().count();
  }

  private Gauge gauge(String name) {
    return registry.get(name).tag("endpoint", ENDPOINT).gauge();
  }

  private static void predict(ShadowRouter<Integer, Integer> router, int requests)
      throws Exception {
    for (int i = 0; i < requests; i++) {
      assertThat(router.predict(i)).isEqualTo(2 * i);
    }
  }
}
