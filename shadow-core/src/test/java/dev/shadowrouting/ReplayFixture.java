package dev.shadowrouting;

import java.time.Instant;

/**
 * What the replay tests share, here and in shadow-routing-kafka (through shadow-core's test jar):
 * a production and a candidate whose disagreements and failures are known in advance, and the
 * production records a capture of them holds. Stateless: thread-safe.
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
