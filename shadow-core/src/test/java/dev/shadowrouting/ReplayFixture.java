package dev.shadowrouting;

import java.time.Duration;
import java.time.Instant;

/**
 * What the replay tests share, here and in shadow-routing-kafka (through shadow-core's test jar):
 * a production and a candidate whose disagreements and failures are known in advance, a live
 * shadow test of them whose capture a replay must match, and production records. Stateless:
 * thread-safe.
 */
public final class ReplayFixture {
  /** The time of the first captured record. */
  public static final Instant T0 = Instant.parse("2026-12-01T10:00:00Z");

  private ReplayFixture() {}

  /** Production: doubles, fails on multiples of 97. */
  public static Integer production(Integer x) {
    if (x % 97 == 0) {
      throw new IllegalStateException("production failure");
    }
    return 2 * x;
  }

  /** The candidate, deterministic: off by one on multiples of 7, fails on multiples of 31. */
  public static Integer candidate(Integer x) {
    if (x % 31 == 0) {
      throw new IllegalStateException("candidate failure");
    }
    return x % 7 == 0 ? 2 * x + 1 : 2 * x;
  }

  /** A shadow test of {@link #candidate} as variant v2, with room for every copy at once. */
  public static ShadowTestSpec.Builder<Integer, Integer> candidateTest() {
    return ShadowTestSpec.builder(Variant.builder("v2", Predictor.of(ReplayFixture::candidate))
        .maxConcurrency(Variant.MAX_CONCURRENCY_LIMIT).build());
  }

  /**
   * Runs the live shadow test {@code spec} (continued after a FAIL, so that every request counts)
   * on requests 1 to {@code requests} (ids "req-1", ...) through a router of endpoint "score"
   * whose production, {@link #production} as v1, captures payloads into {@code sinks}; returns
   * the test, stopped, once the router is closed: every record is delivered and flushed.
   */
  public static ShadowTest liveTest(int requests, ShadowTestSpec.Builder<Integer, Integer> spec,
      ShadowSink... sinks) throws Exception {
    EndpointConfig.Builder<Integer, Integer> config =
        EndpointConfig.<Integer, Integer>builder("score")
            .production(Variant.builder("v1", Predictor.of(ReplayFixture::production))
                .capturePayloads(true).build())
            .queueCapacity(4 * requests);
    for (ShadowSink sink : sinks) {
      config.sink(sink);
    }
    try (ShadowRouter<Integer, Integer> router = ShadowRouter.create(config.build())) {
      ShadowTest test = router.startTest(spec.continueAfterFail(true).build());
      for (int i = 1; i <= requests; i++) {
        try {
          router.predict(i, Request.builder().requestId("req-" + i).build());
        } catch (IllegalStateException expected) {
          // production's own failures reach the caller
        }
      }
      if (!router.awaitIdle(Duration.ofSeconds(30))) {
        throw new AssertionError("copies or records still pending: " + router.snapshot());
      }
      test.stop();
      return test;
    }
  }

  /**
   * Production's record of request {@code i} of endpoint "score" (variant v1, id "r" + i), at
   * {@link #T0} + i seconds, with its payloads: input i, output 2i.
   */
  public static ShadowRecord.Builder productionRecord(int i) {
    return ShadowRecord.builder().endpoint("score").requestId("r" + i).variant("v1")
        .role(Role.PRODUCTION).outcome(Outcome.SUCCESS).latencyNanos(1_000_000)
        .timestamp(T0.plusSeconds(i)).input(i).output(2 * i);
  }
}
