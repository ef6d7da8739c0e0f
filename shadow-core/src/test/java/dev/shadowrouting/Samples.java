package dev.shadowrouting;

import dev.shadowrouting.ShadowTestReport.CheckResult;
import dev.shadowrouting.ShadowTestReport.LatencySummary;
import dev.shadowrouting.ShadowTestReport.Side;
import dev.shadowrouting.ShadowTestReport.VariantReport;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.OptionalDouble;

/**
 * Engine outputs built by hand, every number chosen: the subjects of the golden tests of their
 * JSON and text forms, and instances for tests of code that reads them where no router can run
 * (MissingJacksonTest loads them without shadow-core's dependencies). Tests elsewhere take their
 * snapshots from a real router.
 */
public final class Samples {
  private Samples() {}

  /** Endpoint "fraud": production v1, and v2 removed (inactive) with every kind of count. */
  public static RouterSnapshot snapshot() {
    RouterSnapshot.VariantStats v1 = new RouterSnapshot.VariantStats("v1", Role.PRODUCTION,
        true, 90, Map.of(Outcome.SUCCESS, 99L, Outcome.ERROR, 1L), Map.of(), 0, 0, 0, 0, 0,
        100, 1000, 2000, 3000, 4000, 10, 1100, 3100, 0, false, false, false);
    RouterSnapshot.VariantStats v2 = new RouterSnapshot.VariantStats("v2", Role.SHADOW,
        false, 90, Map.of(Outcome.SUCCESS, 76L, Outcome.ERROR, 3L, Outcome.TIMEOUT, 1L),
        Map.of(RejectReason.QUEUE_FULL, 4L, RejectReason.CONCURRENCY_LIMIT, 6L), 70, 6, 4, 1, 2,
        80, 5000, 6000, 7000, 8000, 0, 0, 0, 0, false, false, false);
    return new RouterSnapshot("fraud", Instant.parse("2026-11-30T10:00:00Z"), List.of(v1, v2),
        List.of(new RouterSnapshot.SinkStats("jsonl", 180, 170, 10, 2, 0)), 3, 1024, 2, 1);
  }

  /**
   * A completed test of v2 on endpoint "fraud" that failed on latency, every member set, some to
   * their absent values (a check without data, production's queue wait).
   */
  public static ShadowTestReport report() {
    VariantReport v1 = new VariantReport("v1", Side.PRODUCTION, 2000, 1, 0, 0,
        new LatencySummary(2000, 100_000, 150_000, 300_000, 900_000, 1_000_000),
        LatencySummary.EMPTY, LatencySummary.EMPTY, 0, 0, Double.NaN, Double.NaN, List.of(),
        Map.of(), "accuracy", OptionalDouble.of(0.9), 100, 0.5);
    VariantReport v2 = new VariantReport("v2", Side.CANDIDATE, 2000, 4, 2, 7,
        new LatencySummary(2000, 150_000, 200_000, 400_000, 1_000_000, 2_000_000),
        new LatencySummary(2000, 1_000, 2_000, 5_000, 9_000, 10_000),
        new LatencySummary(2000, 2_000, 3_000, 6_000, 9_000, 12_000), 1994, 6, 0.99, 0.999,
        List.of("r7", "r9"), Map.of("score", 6L), "accuracy", OptionalDouble.empty(), 0, 0.5);
    return new ShadowTestReport("fraud", "v2", ShadowTest.Status.COMPLETED,
        ShadowTest.Decision.NONE, Verdict.FAIL, List.of(
            new CheckResult("latency", Verdict.FAIL, 1.5, 1.25, 1.75, 1.1, 0.99, 2000,
                "latency: x1.50 -> FAIL"),
            new CheckResult("agreement", Verdict.INCONCLUSIVE, Double.NaN, Double.NaN,
                Double.NaN, Double.NaN, Double.NaN, 0, "agreement: no data")),
        Instant.parse("2026-11-30T10:00:00Z"), Instant.parse("2026-11-30T11:00:00Z"),
        Duration.ofHours(1), Duration.ofHours(1), 2000, 0, 0.25, List.of("v1"),
        "deadline reached after PT1H", List.of(v1, v2), 3, List.of());
  }
}
