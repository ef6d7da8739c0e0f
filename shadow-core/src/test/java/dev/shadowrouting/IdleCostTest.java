package dev.shadowrouting;

import static org.assertj.core.api.Assertions.assertThat;

import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import org.junit.jupiter.api.Test;

/**
 * An idle router costs (next to) no CPU: its workers, sink threads and watchdog sleep until work
 * arrives, and the first request after the idle period wakes them. Measured with the threads' own
 * CPU time (ThreadMXBean), so other load on the machine does not count; the bound is generous
 * (what it measures is printed, and reported in BENCHMARKS.md).
 */
class IdleCostTest {

  private static final long WINDOW_NANOS = TimeUnit.SECONDS.toNanos(2);

  @Test
  void tenIdleRoutersWithASinkEachCostLessThanOnePercentOfACore() throws Exception {
    List<ShadowRouter<Integer, Integer>> routers = new ArrayList<>();
    List<InMemorySink> sinks = new ArrayList<>();
    try {
      for (int i = 0; i < 10; i++) {
        InMemorySink sink = ShadowSink.inMemory();
        sinks.add(sink);
        ShadowRouter<Integer, Integer> router = ShadowRouter.create(
            EndpointConfig.<Integer, Integer>builder("idle-" + i)
                .production("v1", in -> in)
                .shadow("v2", in -> in)
                .workerThreads(2)
                .sink(sink)
                .build());
        routers.add(router);
        router.predict(1); // it has worked once, then goes idle
      }
      for (ShadowRouter<Integer, Integer> r : routers) {
        assertThat(r.awaitIdle(Fixtures.WAIT)).isTrue();
      }
      LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(300)); // past the idle period
      long before = cpuOfRouterThreads();
      long start = System.nanoTime();
      LockSupport.parkNanos(WINDOW_NANOS);
      long wall = System.nanoTime() - start;
      double share = (double) (cpuOfRouterThreads() - before) / wall;
      System.out.printf("[idle] 10 idle routers (2 workers, 1 sink each): %.4f%% of a core%n",
          100 * share);
      assertThat(share).as("CPU share of one core used by 10 idle routers").isLessThan(0.01);

      // The first request after the idle period is served at once and its copy runs.
      for (int i = 0; i < routers.size(); i++) {
        assertThat(routers.get(i).predict(7)).isEqualTo(7);
        assertThat(routers.get(i).awaitIdle(Fixtures.WAIT)).isTrue();
        assertThat(sinks.get(i).records("v2")).hasSize(2);
      }
    } finally {
      routers.forEach(ShadowRouter::close);
    }
  }

  /** CPU time of this JVM's threads named shadow-idle-*. */
  private static long cpuOfRouterThreads() {
    ThreadMXBean mx = ManagementFactory.getThreadMXBean();
    long sum = 0;
    for (Thread t : Thread.getAllStackTraces().keySet()) {
      if (t.getName().startsWith("shadow-idle-")) {
        long cpu = mx.getThreadCpuTime(t.getId());
        sum += Math.max(0, cpu);
      }
    }
    return sum;
  }
}
