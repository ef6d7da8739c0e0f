package dev.shadowrouting;

import java.time.Instant;
import java.util.List;
import java.util.Map;

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
}
