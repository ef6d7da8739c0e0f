package dev.shadowrouting.tck;

import dev.shadowrouting.Comparison;
import dev.shadowrouting.EndpointConfig;
import dev.shadowrouting.Outcome;
import dev.shadowrouting.Predictor;
import dev.shadowrouting.RejectReason;
import dev.shadowrouting.Role;
import dev.shadowrouting.RouterSnapshot;
import dev.shadowrouting.ShadowRecord;
import dev.shadowrouting.ShadowRouter;
import dev.shadowrouting.ShadowSink;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The records the sink kit sends: every shape the router produces (both roles, every outcome and
 * reject reason, comparisons with and without score and differing paths, payloads of the types a
 * redactor may return). Stateless and thread-safe.
 */
final class TckRecords {
  static final String ENDPOINT = "tck";
  static final String PRODUCTION = "tck-v1";
  static final String SHADOW = "tck-v2";
  static final Instant T0 = Instant.parse("2026-11-23T10:15:30.123456789Z");
  /** The {@code count()} of the kit's aggregated rejection. */
  static final long AGGREGATED = 37;
  /** How many shapes {@link #record(int, String, String)} cycles through. */
  static final int KINDS = 10;

  private TckRecords() {}

  /** Record number {@code i} of endpoint {@code endpoint}: its shape is {@code i % KINDS}. */
  static ShadowRecord record(int i, String endpoint, String requestId) {
    ShadowRecord.Builder b = ShadowRecord.builder()
        .endpoint(endpoint)
        .requestId(requestId)
        .timestamp(T0.plusMillis(i))
        .productionVariant(PRODUCTION);
    switch (Math.floorMod(i, KINDS)) {
      case 0 -> production(b).outcome(Outcome.SUCCESS);
      case 1 -> ran(b).outcome(Outcome.SUCCESS).comparison(Comparison.of(true, 0.0));
      case 2 -> ran(b).outcome(Outcome.SUCCESS)
          .comparison(Comparison.mismatch(List.of("label", "score")).withScore(0.25));
      case 3 -> ran(b).outcome(Outcome.ERROR).errorType("java.io.IOException");
      case 4 -> ran(b).outcome(Outcome.TIMEOUT).latencyNanos(Duration.ofSeconds(1).toNanos());
      case 5 -> rejected(b, RejectReason.QUEUE_FULL);
      case 6 -> rejected(b, RejectReason.CONCURRENCY_LIMIT);
      case 7 -> rejected(b, RejectReason.CLOSED);
      case 8 -> rejected(b, RejectReason.QUARANTINED);
      default -> production(b).outcome(Outcome.ERROR).errorType("java.lang.IllegalStateException");
    }
    return b.build();
  }

  static ShadowRecord record(int i, String requestId) {
    return record(i, ENDPOINT, requestId);
  }

  /** {@code count} records with ids {@code <prefix>-0 ...}, shapes cycling. */
  static List<ShadowRecord> records(String prefix, int count) {
    List<ShadowRecord> out = new ArrayList<>(count);
    for (int i = 0; i < count; i++) {
      out.add(record(i, prefix + "-" + i));
    }
    return out;
  }

  /**
   * One record of every shape, plus the corner cases: aggregated rejections without request id
   * (one standing for {@value #AGGREGATED} copies), zero and one-day latencies, the epoch as
   * timestamp, payloads of many types (one whose {@code toString} throws, as a user's type may).
   */
  static List<ShadowRecord> everyKind(String prefix) {
    List<ShadowRecord> out = new ArrayList<>(records(prefix, KINDS));
    // copies refused on the caller's thread: recorded in aggregate, without a request id
    out.add(ShadowRecord.builder().endpoint(ENDPOINT).variant(SHADOW).role(Role.SHADOW)
        .outcome(Outcome.REJECTED).rejectReason(RejectReason.CONCURRENCY_LIMIT).timestamp(T0)
        .count(AGGREGATED).build());
    out.add(ShadowRecord.builder().endpoint(ENDPOINT).variant(SHADOW).role(Role.SHADOW)
        .outcome(Outcome.REJECTED).rejectReason(RejectReason.QUARANTINED).timestamp(T0)
        .build());
    out.add(record(0, prefix + "-zero").toBuilder().latencyNanos(0).build());
    out.add(record(1, prefix + "-day").toBuilder().latencyNanos(Duration.ofDays(1).toNanos())
        .queueWaitNanos(Duration.ofDays(1).toNanos()).build());
    out.add(record(1, prefix + "-epoch").toBuilder().timestamp(Instant.EPOCH).build());
    Map<String, Object> map = new LinkedHashMap<>();
    map.put("amount", 12.5);
    map.put("country", "FR");
    map.put("items", List.of(1, 2, 3));
    map.put("missing", null);
    Object[] payloads = {"text", 42, 2.5, Double.NaN, true, map, new byte[] {1, 2, 3},
        new double[] {0.1, 0.2}, new float[][] {{1f}, {2f}}, List.of("a", "b"), new Hostile()};
    for (int p = 0; p < payloads.length; p++) {
      out.add(record(1, prefix + "-payload-" + p).toBuilder()
          .input(payloads[p]).output(payloads[payloads.length - 1 - p]).build());
    }
    return out;
  }

  /** A shadow record that carries {@code secret} in both payloads, as an opted-in variant's would. */
  static ShadowRecord withSecret(int i, String requestId, String secret) {
    return record(i, requestId).toBuilder()
        .input(Map.of("card", secret))
        .output("score for " + secret)
        .build();
  }

  /**
   * A snapshot to hand to {@code onAttach}, as a router of {@code endpoint} gives it: taken from
   * one with the kit's two variants and a sink, after a few requests and its close (so its counts
   * are final and balance as {@link RouterSnapshot} says).
   */
  static RouterSnapshot snapshot(String endpoint) throws Exception {
    ShadowRouter<Integer, Integer> router = ShadowRouter.create(
        EndpointConfig.<Integer, Integer>builder(endpoint)
            .production(PRODUCTION, Predictor.<Integer, Integer>of(x -> x))
            .shadow(SHADOW, Predictor.<Integer, Integer>of(x -> x % 2 == 0 ? x : -x))
            .sink(ShadowSink.inMemory())
            .build());
    try (router) {
      for (int i = 0; i < 4; i++) {
        router.predict(i);
      }
    }
    return router.snapshot();
  }

  private static ShadowRecord.Builder production(ShadowRecord.Builder b) {
    return b.variant(PRODUCTION).role(Role.PRODUCTION).latencyNanos(1_000_000);
  }

  private static ShadowRecord.Builder ran(ShadowRecord.Builder b) {
    return b.variant(SHADOW).role(Role.SHADOW).latencyNanos(2_500_000).queueWaitNanos(40_000);
  }

  private static ShadowRecord.Builder rejected(ShadowRecord.Builder b, RejectReason reason) {
    return b.variant(SHADOW).role(Role.SHADOW).outcome(Outcome.REJECTED).rejectReason(reason);
  }

  /** A payload of a user's type whose {@code toString} throws. */
  static final class Hostile {
    @Override
    public String toString() {
      throw new IllegalStateException("a payload whose toString() throws");
    }
  }
}
