package dev.shadowrouting;

import static org.assertj.core.api.Assertions.assertThat;

import java.lang.management.ManagementFactory;
import java.lang.management.MemoryMXBean;
import java.lang.management.ThreadMXBean;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.LongAdder;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/**
 * A flood: 8 callers, 2 million requests, every one copied to a shadow that hangs and ignores
 * interrupts. Threads stay within what the configuration allows and every copy is accounted for
 * (the default suite); memory stays within what the configuration allows, and production's
 * throughput within 10% of the same router without the shadow (tag "perf": measurements, run by
 * {@code mvn -B -ntp verify -Pperf}).
 */
class FaultFloodTest {

  private static final int CALLERS = 8;
  private static final int ROUNDS = 10;
  private static final int CALLS_PER_CALLER_PER_ROUND = 25_000;
  private static final int SHADOWED_REQUESTS = ROUNDS * CALLERS * CALLS_PER_CALLER_PER_ROUND;
  private static final int WORKERS = 2;
  private static final int MAX_CONCURRENCY = 4;
  /** Threads the hung variant may hold before it is quarantined. */
  private static final int MAX_ABANDONED = 4;
  private static final int QUEUE_CAPACITY = 1024;
  /** Production's CPU work per call (a multiply chain, a few microseconds), so a ratio means something. */
  private static final int WORK = 4_000;

  /*
   * The memory bound, from the configuration. What the router may hold at most, whatever the
   * shadows do:
   *  - QUEUE_CAPACITY queued copies, each a ShadowTask (~32 B) sharing an Exchange (~80 B) that
   *    holds the boxed input and output (~16 B each): < 256 B per copy, counted generously;
   *  - MAX_CONCURRENCY abandoned calls, each holding one copy and its thread's stack (off heap);
   *  - fixed: the queues' ring arrays (capacity rounded up to a power of two, 8 B per slot), the
   *    HdrHistograms (~40 KB each, a recorder pair and a cumulative one per variant), counters,
   *    Thread objects, loggers; 8 MB covers it with room for GC noise (objects of the JVM and the
   *    test itself, e.g. JIT and Awaitility, that move between measurements).
   * Without the bounds the flood would keep 2 million copies (>= 100 B each: >= 200 MB).
   */
  private static final long PER_COPY_BYTES = 256;
  private static final long FIXED_BYTES = 8L << 20;
  private static final long MEMORY_BOUND = QUEUE_CAPACITY * PER_COPY_BYTES
      + (MAX_CONCURRENCY + MAX_ABANDONED) * PER_COPY_BYTES + FIXED_BYTES;

  /**
   * Behaviour: through the flood the hung variant holds at most its threads, it is quarantined,
   * and every copy is accounted for and recorded.
   */
  @Test
  void aHungShadowUnderAFloodKeepsThreadsBoundedAndAccountsForEveryCopy() throws Exception {
    Flood flood = new Flood();
    try {
      for (int round = 0; round < ROUNDS; round++) {
        throughput(flood.router); // one round of the flood; its rate is the perf test's business
        flood.assertHungAtTheThreadMaximum();
      }
      flood.assertQuarantinedAtTheThreadMaximum();
    } finally {
      flood.close();
    }
    flood.assertEveryCopyAccountedFor();
  }

  /**
   * Measurements (tag "perf"): the heap stays within what the configuration allows, and
   * production keeps >= 90% of its throughput next to the same router without the shadow.
   */
  @Tag("perf")
  @Test
  void aHungShadowUnderAFloodKeepsHeapAndThroughputBounded() throws Exception {
    long heapBefore = heapAfterGc();
    Flood flood = new Flood();
    ShadowRouter<Integer, Integer> plain = ShadowRouter.create(
        EndpointConfig.<Integer, Integer>builder("plain-flood")
            .production(Variant.<Integer, Integer>builder("prod", FaultFloodTest::work).build())
            .build());
    List<Double> ratios = new ArrayList<>();
    List<Double> wallRatios = new ArrayList<>();
    try {
      for (int round = 0; round < ROUNDS; round++) {
        // Interleaved and alternating in order, so drifting load on the shared machine hits both.
        double[] plainRate;
        double[] shadowedRate;
        if (round % 2 == 0) {
          plainRate = throughput(plain);
          shadowedRate = throughput(flood.router);
        } else {
          shadowedRate = throughput(flood.router);
          plainRate = throughput(plain);
        }
        ratios.add(shadowedRate[0] / plainRate[0]);
        wallRatios.add(shadowedRate[1] / plainRate[1]);
        flood.assertHungAtTheThreadMaximum();
      }
      long heapGrowth = heapAfterGc() - heapBefore;
      assertThat(heapGrowth)
          .as("heap growth after %,d hung copies, bound %,d bytes", SHADOWED_REQUESTS, MEMORY_BOUND)
          .isLessThanOrEqualTo(MEMORY_BOUND);
      flood.assertQuarantinedAtTheThreadMaximum();

      assertThat(median(ratios))
          .as("median throughput per caller CPU second with the hung shadow / without, over %d"
              + " interleaved rounds %s (wall clock: %s): production must keep >= 90%% of its"
              + " throughput", ROUNDS, ratios, wallRatios)
          .isGreaterThanOrEqualTo(0.9);
    } finally {
      flood.close();
      plain.close();
    }
    flood.assertEveryCopyAccountedFor();
  }

  /** The router under the flood: production does WORK, its one shadow hangs ignoring interrupts. */
  private static final class Flood {
    final CountDownLatch hung = new CountDownLatch(MAX_ABANDONED);
    final LongAdder records = new LongAdder();
    final CountDownLatch release = new CountDownLatch(1);
    final ShadowRouter<Integer, Integer> router = ShadowRouter.create(
        EndpointConfig.<Integer, Integer>builder("flood")
            .production(Variant.<Integer, Integer>builder("prod", FaultFloodTest::work).build())
            .shadow(Variant.<Integer, Integer>builder("hangs",
                    Fixtures.hangIgnoringInterrupts(hung, release, 0))
                .timeout(Duration.ofMillis(20))
                .maxConcurrency(MAX_CONCURRENCY)
                .maxAbandonedThreads(MAX_ABANDONED)
                .build())
            .workerThreads(WORKERS)
            .queueCapacity(QUEUE_CAPACITY)
            // With a sink: refused copies are counted on the caller's thread and recorded in
            // aggregate by the pool, so a sink costs the callers nothing here.
            .sink(record -> records.add(record.count()))
            .build());

    /** After each round: the shadow hangs, and its threads are at their maximum, no more. */
    void assertHungAtTheThreadMaximum() throws InterruptedException {
      assertThat(hung.await(20, TimeUnit.SECONDS)).as("the shadow hangs").isTrue();
      assertThreadsAtTheirMaximum(router);
    }

    /** After the flood: every request was sampled, most refused by the quarantine. */
    void assertQuarantinedAtTheThreadMaximum() {
      assertThreadsAtTheirMaximum(router);

      RouterSnapshot s = router.snapshot();
      RouterSnapshot.VariantStats hangs = s.variant("hangs");
      assertThat(hangs.sampled()).isEqualTo(SHADOWED_REQUESTS);
      assertThat(hangs.quarantined()).isTrue();
      assertThat(hangs.abandonedThreads()).isEqualTo(MAX_ABANDONED);
      assertThat(hangs.timeouts()).isGreaterThanOrEqualTo(MAX_ABANDONED);
      assertThat(hangs.rejected(RejectReason.QUARANTINED))
          .isGreaterThan(SHADOWED_REQUESTS / 2);
    }

    void close() {
      release.countDown();
      router.close();
    }

    /** After close: the threads are gone, and every copy is in the sink's records. */
    void assertEveryCopyAccountedFor() {
      FaultSupport.awaitNoRouterThreads("flood");
      Fixtures.assertAccounting(router.snapshot());
      // every copy is in the sink's records, the refused ones in aggregated records
      assertThat(records.sum()).isEqualTo(SHADOWED_REQUESTS + router.snapshot().variant("prod")
          .sampled());
    }
  }

  private static void assertThreadsAtTheirMaximum(ShadowRouter<?, ?> router) {
    // the hung calls are abandoned and replaced: workers + maxAbandonedThreads, never more
    assertThat(router.snapshot().liveThreads()).isEqualTo(WORKERS + MAX_ABANDONED);
    assertThat(FaultSupport.routerThreads("flood"))
        .as("pool threads, the watchdog and the sink's thread")
        .hasSize(WORKERS + MAX_ABANDONED + 2);
  }

  /**
   * Requests per second of caller CPU time, over one round of CALLERS threads. CPU time, not wall
   * time: the machine is shared, and other tenants' load swings wall-clock rounds by +-30% (seen
   * here), while what a hung shadow could take from production is the callers' own work (its
   * threads are blocked, they take no CPU). Wall-clock ratios are reported alongside.
   */
  private static double[] throughput(ShadowRouter<Integer, Integer> router) throws Exception {
    ThreadMXBean threads = ManagementFactory.getThreadMXBean();
    LongAdder cpuNanos = new LongAdder();
    long start = System.nanoTime();
    FaultSupport.runCallers(CALLERS, caller -> {
      long cpuStart = threads.getCurrentThreadCpuTime();
      long sum = 0;
      for (int i = 0; i < CALLS_PER_CALLER_PER_ROUND; i++) {
        sum += router.predict(i);
      }
      cpuNanos.add(threads.getCurrentThreadCpuTime() - cpuStart);
      assertThat(sum).isNotEqualTo(42); // keeps the results alive
    });
    double requests = CALLERS * CALLS_PER_CALLER_PER_ROUND;
    return new double[] {
        requests * 1e9 / cpuNanos.sum(), requests * 1e9 / (System.nanoTime() - start)};
  }

  private static double median(List<Double> values) {
    List<Double> sorted = new ArrayList<>(values);
    Collections.sort(sorted);
    return sorted.get(sorted.size() / 2);
  }

  private static Integer work(Integer in) {
    int x = in;
    for (int i = 0; i < WORK; i++) {
      x = x * 1_103_515_245 + 12_345;
    }
    return x;
  }

  /** Used heap after full collections, the lowest of a few (a collection may run concurrently). */
  private static long heapAfterGc() {
    MemoryMXBean memory = ManagementFactory.getMemoryMXBean();
    long lowest = Long.MAX_VALUE;
    for (int i = 0; i < 5; i++) {
      System.gc();
      lowest = Math.min(lowest, memory.getHeapMemoryUsage().getUsed());
    }
    return lowest;
  }
}
