package dev.shadowrouting.benchmarks;

import dev.shadowrouting.EndpointConfig;
import dev.shadowrouting.OperationResult;
import dev.shadowrouting.ShadowRouter;
import dev.shadowrouting.ShadowTest;
import dev.shadowrouting.ShadowTestSpec;
import dev.shadowrouting.Variant;
import dev.shadowrouting.kafka.KafkaFleet;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.locks.LockSupport;
import java.util.function.Predicate;

/**
 * Issue 17's measured load test of a Kafka fleet (not JMH: these are times and sizes on the wire,
 * not a cost per call): three instances in this JVM, each with a broker-backed {@link KafkaFleet}
 * at the default publish interval (5 s) and a running shadow test, each fed about 2,000 requests
 * a second from a thread of its own throughout, then
 *
 * <ol>
 *   <li>bytes published per second per running test, per instance, over a 30 s window;
 *   <li>for each round, a start-test by name issued on one instance, then a promote issued on
 *       another, each timed from the call to its application on all three.
 * </ol>
 *
 * <p>{@code java -cp benchmarks/target/benchmarks.jar
 * dev.shadowrouting.benchmarks.FleetLoadMain [rounds, default 20]}
 */
public final class FleetLoadMain {
  private static final int INSTANCES = 3;

  private FleetLoadMain() {}

  public static void main(String[] args) throws Exception {
    int rounds = args.length > 0 ? Integer.parseInt(args[0]) : 20;
    try (BenchBroker broker = new BenchBroker()) {
      List<KafkaFleet> fleets = new ArrayList<>();
      List<ShadowRouter<Long, Long>> routers = new ArrayList<>();
      for (int i = 0; i < INSTANCES; i++) {
        KafkaFleet fleet = KafkaFleet.builder(broker.bootstrap()).instanceId("pod-" + i).build();
        EndpointConfig.Builder<Long, Long> b = EndpointConfig.<Long, Long>builder("load")
            .production(Variant.<Long, Long>builder("s0", x -> x).build())
            .queueCapacity(8192)
            .fleet(fleet);
        for (int k = 1; k <= rounds; k++) {
          b.shadow(Variant.<Long, Long>builder("s" + k, x -> x).samplingRate(0.0).build());
        }
        ShadowRouter<Long, Long> router = ShadowRouter.create(b.build());
        router.startTest(ShadowTestSpec.builder(Variant.<Long, Long>builder("candidate",
                x -> x % 97 == 0 ? -x : x).maxConcurrency(4096).build())
            .duration(Duration.ofHours(1)).continueAfterFail(true).build());
        fleets.add(fleet);
        routers.add(router);
      }
      AtomicBoolean running = new AtomicBoolean(true);
      List<Thread> traffic = new ArrayList<>();
      for (ShadowRouter<Long, Long> router : routers) {
        Thread t = new Thread(() -> {
          for (long r = 0; running.get(); r++) {
            try {
              router.predict(r);
            } catch (Exception e) {
              throw new IllegalStateException(e);
            }
            LockSupport.parkNanos(500_000); // about 2,000 requests a second
          }
        });
        t.start();
        traffic.add(t);
      }

      long[] bytes = new long[INSTANCES];
      long[] records = new long[INSTANCES];
      long until = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
      while (fleets.stream().anyMatch(f -> f.published() == 0) && System.nanoTime() < until) {
        LockSupport.parkNanos(1_000_000); // until every fleet has published once
      }
      for (int i = 0; i < INSTANCES; i++) {
        bytes[i] = fleets.get(i).publishedBytes();
        records[i] = fleets.get(i).published();
      }
      long window = 30;
      Thread.sleep(TimeUnit.SECONDS.toMillis(window)); // the measured window
      for (int i = 0; i < INSTANCES; i++) {
        long b = fleets.get(i).publishedBytes() - bytes[i];
        long r = fleets.get(i).published() - records[i];
        System.out.printf("pod-%d: %d statistics records in %d s, %d bytes: %.0f bytes/s per"
            + " running test (%.0f bytes per record)%n", i, r, window, b, (double) b / window,
            (double) b / Math.max(1, r));
      }

      double[] starts = new double[rounds];
      double[] promotes = new double[rounds];
      for (int k = 1; k <= rounds; k++) {
        String shadow = "s" + k;
        long t0 = System.nanoTime();
        check(routers.get(k % INSTANCES).operations().startTest(shadow,
            Map.of("duration", "PT1H")));
        awaitAll(routers, r -> r.test(shadow).map(t -> t.status() == ShadowTest.Status.RUNNING)
            .orElse(false));
        starts[k - 1] = (System.nanoTime() - t0) / 1e6;
        long t1 = System.nanoTime();
        check(routers.get((k + 1) % INSTANCES).operations().promote(shadow, true));
        awaitAll(routers, r -> r.config().productionVariants().get(0).name().equals(shadow));
        promotes[k - 1] = (System.nanoTime() - t1) / 1e6;
      }
      System.out.println("start-test by name, issued on one instance, applied on all 3: "
          + summary(starts));
      System.out.println("promote, issued on one instance, applied on all 3: " + summary(promotes));
      running.set(false);
      for (Thread t : traffic) {
        t.join();
      }
      for (int i = 0; i < INSTANCES; i++) {
        System.out.printf("pod-%d: %d pairs in its test%n", i,
            routers.get(i).test("candidate").orElseThrow().report().calls());
        routers.get(i).close();
        fleets.get(i).close();
      }
    }
  }

  private static void check(OperationResult r) {
    if (r.status() != OperationResult.Status.PUBLISHED) {
      throw new IllegalStateException(r.message());
    }
  }

  /** Polls every 100 µs until every router satisfies {@code applied}; at most 30 s. */
  private static void awaitAll(List<ShadowRouter<Long, Long>> routers,
      Predicate<ShadowRouter<Long, Long>> applied) {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
    while (!routers.stream().allMatch(applied)) {
      if (System.nanoTime() > deadline) {
        throw new IllegalStateException("not applied on every instance within 30 s");
      }
      LockSupport.parkNanos(100_000);
    }
  }

  private static String summary(double[] millis) {
    double[] sorted = millis.clone();
    Arrays.sort(sorted);
    return String.format("median %.1f ms, p90 %.1f ms, max %.1f ms over %d rounds",
        sorted[sorted.length / 2], sorted[(int) Math.ceil(0.9 * sorted.length) - 1],
        sorted[sorted.length - 1], sorted.length);
  }
}
