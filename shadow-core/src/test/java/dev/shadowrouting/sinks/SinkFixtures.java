package dev.shadowrouting.sinks;

import dev.shadowrouting.Comparison;
import dev.shadowrouting.EndpointConfig;
import dev.shadowrouting.Outcome;
import dev.shadowrouting.Predictor;
import dev.shadowrouting.RejectReason;
import dev.shadowrouting.Role;
import dev.shadowrouting.ShadowRecord;
import dev.shadowrouting.ShadowRouter;
import dev.shadowrouting.ShadowSink;
import dev.shadowrouting.Variant;
import java.time.Duration;
import java.time.Instant;

/** Records and routers shared by the sink adapters' tests. */
public final class SinkFixtures {
  public static final String ENDPOINT = "scoring";
  public static final Instant T0 = Instant.parse("2026-11-23T10:15:30.123456789Z");

  private SinkFixtures() {}

  /** A shadow record of variant "candidate" that ran and matched production's output. */
  public static ShadowRecord.Builder shadow(Outcome outcome) {
    return ShadowRecord.builder()
        .endpoint(ENDPOINT)
        .requestId("req-1")
        .variant("candidate")
        .role(Role.SHADOW)
        .outcome(outcome)
        .timestamp(T0)
        .latencyNanos(2_500_000)
        .queueWaitNanos(40_000)
        .comparison(outcome == Outcome.SUCCESS ? Comparison.match() : Comparison.notCompared())
        .productionVariant("prod");
  }

  public static ShadowRecord rejected(RejectReason reason) {
    return shadow(Outcome.REJECTED).rejectReason(reason).latencyNanos(-1).queueWaitNanos(-1)
        .build();
  }

  public static ShadowRecord production() {
    return ShadowRecord.builder()
        .endpoint(ENDPOINT)
        .requestId("req-1")
        .variant("prod")
        .role(Role.PRODUCTION)
        .outcome(Outcome.SUCCESS)
        .timestamp(T0)
        .latencyNanos(1_000_000)
        .productionVariant("prod")
        .build();
  }

  /** A router: production "prod" doubles its input, shadow "candidate" runs {@code shadow}. */
  public static ShadowRouter<Integer, Integer> router(ShadowSink sink,
      Predictor<Integer, Integer> shadow) {
    return ShadowRouter.create(config(sink, Variant.builder("candidate", shadow).build()));
  }

  public static EndpointConfig<Integer, Integer> config(ShadowSink sink,
      Variant<Integer, Integer> shadow) {
    return EndpointConfig.<Integer, Integer>builder(ENDPOINT)
        .production(Variant.<Integer, Integer>builder("prod", x -> 2 * x).build())
        .shadow(shadow)
        .sink(sink)
        .closeTimeout(Duration.ofSeconds(10))
        .build();
  }
}
