package dev.shadowrouting.benchmarks;

import dev.shadowrouting.EndpointConfig;
import dev.shadowrouting.Fleet;
import dev.shadowrouting.ShadowRouter;
import dev.shadowrouting.ShadowTestSpec;
import dev.shadowrouting.Variant;
import dev.shadowrouting.kafka.KafkaFleet;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

/**
 * Issue 17: what a fleet adds to the caller. The same endpoint with a running shadow test, alone
 * ({@code none}) and in a Kafka fleet ({@code kafka}: a broker in this JVM, a peer instance
 * publishing its statistics of the same test, both publishing every 200 ms, 25 times the default
 * rate, so the fleet thread's work overlaps the measurement), at the test's sampling rates 1% and
 * 100%. The fleet never runs on the caller's thread; what it can cost is CPU it takes from the 2
 * cores.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 2, time = 2)
@Measurement(iterations = 3, time = 2)
@Fork(1)
public class FleetOverheadBenchmark {

  @Param({"none", "kafka"})
  public String fleet;

  @Param({"0.01", "1.0"})
  public double sampling;

  private BenchBroker broker;
  private KafkaFleet own;
  private KafkaFleet peerFleet;
  private ShadowRouter<Long, Long> peer;
  private ShadowRouter<Long, Long> router;
  private final Long input = 42L;

  private static ShadowRouter<Long, Long> router(Fleet fleet, double sampling) {
    ShadowRouter<Long, Long> r = ShadowRouter.create(EndpointConfig.<Long, Long>builder("bench")
        .production(Variant.<Long, Long>builder("prod", x -> x).build())
        .queueCapacity(4096)
        .fleet(fleet)
        .build());
    r.startTest(ShadowTestSpec.builder(Variant.<Long, Long>builder("candidate", x -> x)
            .maxConcurrency(4096).build())
        .samplingRate(sampling).duration(Duration.ofHours(1)).continueAfterFail(true).build());
    return r;
  }

  private KafkaFleet fleet(String instance) {
    return KafkaFleet.builder(broker.bootstrap()).instanceId(instance)
        .publishInterval(Duration.ofMillis(200)).build();
  }

  @Setup(Level.Trial)
  public void setUp() throws Exception {
    if (fleet.equals("kafka")) {
      broker = new BenchBroker();
      peerFleet = fleet("peer");
      peer = router(peerFleet, 1.0);
      for (long i = 0; i < 20_000; i++) {
        peer.predict(i); // statistics with content, merged here at every publication
      }
      own = fleet("bench");
    }
    router = router(own, sampling);
  }

  @TearDown(Level.Trial)
  public void tearDown() {
    router.close();
    if (own != null) {
      System.out.printf("%n[kafka] published %d statistics records, %d bytes; received %d%n",
          own.published(), own.publishedBytes(), own.received());
      peer.close();
      own.close();
      peerFleet.close();
      broker.close();
    }
  }

  @Benchmark
  public Long predict() throws Exception {
    return router.predict(input);
  }
}
