package dev.shadowrouting.kafka;

import dev.shadowrouting.EndpointConfig;
import dev.shadowrouting.Fleet;
import dev.shadowrouting.ShadowRouter;
import dev.shadowrouting.ShadowTestSpec;
import dev.shadowrouting.Variant;
import java.time.Duration;
import java.util.Map;

/**
 * The service every fleet test runs, in this JVM and in the other one ({@link
 * FleetInstanceMain}): the same endpoint, the same test "from the same configuration".
 */
final class FleetScenario {
  static final String ENDPOINT = "fraud";
  /** Output of production v1: in % 2. Of the shadow v3: in % 2 + 1000 (so an answer names it). */
  static final int V3_OFFSET = 1000;
  /** Settings of the test of v3 started by name across the fleet. */
  static final Map<String, Object> V3_SETTINGS = Map.of("duration", "PT1H",
      "withoutChecks", "LATENCY,TAIL_LATENCY", "continueAfterFail", true);

  private FleetScenario() {}

  static KafkaFleet.Builder fleet(String bootstrap, String instance, String topics) {
    return KafkaFleet.builder(bootstrap)
        .instanceId(instance)
        .publishInterval(Duration.ofMillis(200))
        .commandTimeout(Duration.ofSeconds(2))
        .statisticsTopic("stats-" + topics)
        .commandTopic("commands-" + topics);
  }

  static ShadowRouter<Integer, Integer> router(Fleet fleet) {
    return ShadowRouter.create(EndpointConfig.<Integer, Integer>builder(ENDPOINT)
        .production(Variant.<Integer, Integer>builder("v1", in -> in % 2).build())
        .shadow(Variant.<Integer, Integer>builder("v3", in -> in % 2 + V3_OFFSET)
            .samplingRate(0.0).maxConcurrency(4096).build())
        .queueCapacity(8192)
        .fleet(fleet)
        .build());
  }

  /** The test every instance starts from its configuration: v2 fails on every 20th input. */
  static ShadowTestSpec<Integer, Integer> spec() {
    return ShadowTestSpec.builder(Variant.<Integer, Integer>builder("v2", in -> {
          if (in % 20 == 0) {
            throw new IllegalStateException("candidate bug");
          }
          return in % 7 == 0 ? 1 - in % 2 : in % 2; // and disagrees on every 7th
        }).maxConcurrency(4096).build())
        .withoutCheck(ShadowTestSpec.Check.LATENCY)
        .withoutCheck(ShadowTestSpec.Check.TAIL_LATENCY)
        .continueAfterFail(true)
        .duration(Duration.ofHours(1))
        .build();
  }

  /** Requests [from, to), then waits until every shadow copy of them ended. */
  static void traffic(ShadowRouter<Integer, Integer> router, int from, int to) throws Exception {
    for (int i = from; i < to; i++) {
      router.predict(i);
    }
    if (!router.awaitIdle(Duration.ofSeconds(30))) {
      throw new IllegalStateException("shadow copies still running after 30 s");
    }
  }

  /** Whether an answer is the one its variant gives: v1 in % 2, v3 in % 2 + 1000. */
  static boolean answeredBy(String variant, int input, int output) {
    return switch (variant) {
      case "v1" -> output == input % 2;
      case "v3" -> output == input % 2 + V3_OFFSET;
      default -> false;
    };
  }
}
