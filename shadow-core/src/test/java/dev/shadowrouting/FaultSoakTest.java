package dev.shadowrouting;

import static org.assertj.core.api.Assertions.assertThat;

import java.lang.management.ManagementFactory;
import java.time.Duration;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.LongAdder;
import java.util.concurrent.locks.LockSupport;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/**
 * Soak: mixed faults for a long time (default 10 minutes, {@code -Dsoak.minutes=N}), with a
 * report every 10 seconds of heap, threads, records and drops, so a slow leak shows as a trend.
 * Not part of the normal build: {@code mvn -B -pl shadow-core test -Psoak}.
 */
@Tag("soak")
class FaultSoakTest {

  private static final int CALLERS = 4;
  private static final int WORKERS = 2;
  private static final int HUNG_SLOTS = 4;

  @Test
  void mixedFaultsForMinutesStayBounded() throws Exception {
    Duration length = Duration.ofMinutes(Long.getLong("soak.minutes", 10));
    CountDownLatch hungEntered = new CountDownLatch(1);
    CountDownLatch release = new CountDownLatch(1);
    LongAdder sunk = new LongAdder();
    ShadowRouter<Integer, Integer> router = ShadowRouter.create(
        EndpointConfig.<Integer, Integer>builder("soak")
            .production(Variant.<Integer, Integer>builder("prod", in -> in).build())
            .shadow(Variant.<Integer, Integer>builder("hangs",
                    Fixtures.hangIgnoringInterrupts(hungEntered, release, 0))
                .timeout(Duration.ofMillis(50)).maxConcurrency(HUNG_SLOTS).build())
            .shadow(Variant.<Integer, Integer>builder("mixed", in -> {
              int r = ThreadLocalRandom.current().nextInt(100);
              if (r < 10) {
                throw new IllegalStateException("shadow failure");
              }
              if (r < 12) {
                LockSupport.parkNanos(Duration.ofMillis(80).toNanos()); // past its timeout
              }
              return r < 30 ? null : in;
            }).timeout(Duration.ofMillis(50)).samplingRate(0.5).build())
            .workerThreads(WORKERS)
            .sink(record -> {
              if (ThreadLocalRandom.current().nextInt(100) == 0) {
                throw new IllegalStateException("sink failure");
              }
              sunk.increment();
            })
            .build());
    long end = System.nanoTime() + length.toNanos();
    try {
      FaultSupport.runCallers(CALLERS + 1, length.plus(Fixtures.WAIT), caller -> {
        if (caller == CALLERS) { // the reporter
          while (System.nanoTime() < end) {
            LockSupport.parkNanos(Duration.ofSeconds(10).toNanos());
            report(router, sunk.sum());
          }
          return;
        }
        int i = 0;
        while (System.nanoTime() < end) {
          assertThat(router.predict(i)).isEqualTo(i);
          i++;
        }
      });
      assertThat(router.snapshot().liveThreads()).isLessThanOrEqualTo(WORKERS + HUNG_SLOTS);
    } finally {
      release.countDown();
      router.close();
    }
    FaultSupport.awaitNoRouterThreads("soak");
    Fixtures.assertAccounting(router.snapshot());
  }

  private static void report(ShadowRouter<?, ?> router, long sunk) {
    RouterSnapshot s = router.snapshot();
    RouterSnapshot.SinkStats sink = s.sinks().get(0);
    long heap = ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getUsed();
    System.out.printf("[soak] heap=%,d KB threads=%d (abandoned %d) queue=%d records=%,d"
            + " sink-dropped=%,d hangs=%s mixed=%s%n",
        heap / 1024, s.liveThreads(), s.abandonedThreads(), s.queueDepth(), sunk,
        sink.dropped(), s.variant("hangs").outcomes(), s.variant("mixed").outcomes());
  }
}
