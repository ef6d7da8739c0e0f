package dev.shadowrouting;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/**
 * An idle router costs (next to) no CPU: its workers, sink threads and watchdog sleep until work
 * arrives, and the first request after the idle period wakes them.
 *
 * <p>The default suite checks the behaviour: every thread of an idle router goes to sleep (parks
 * in the engine's {@code Parking}), and the first request wakes them. The CPU cost is a
 * measurement (tag "perf", {@code mvn -B -ntp verify -Pperf}): measured with the threads' own CPU
 * time (ThreadMXBean), so other load on the machine does not count; the bound is generous (what
 * it measures is printed, and reported in BENCHMARKS.md).
 */
class IdleCostTest {

  private static final int ROUTERS = 10;
  private static final long WINDOW_NANOS = TimeUnit.SECONDS.toNanos(2);

  @Test
  void tenIdleRoutersSleepAndTheFirstRequestWakesThem() throws Exception {
    List<ShadowRouter<Integer, Integer>> routers = new ArrayList<>();
    List<InMemorySink> sinks = new ArrayList<>();
    try {
      startIdleRouters(routers, sinks);
      awaitEveryRouterThreadAsleep();

      assertTheFirstRequestWakesThem(routers, sinks);
    } finally {
      routers.forEach(ShadowRouter::close);
    }
  }

  @Tag("perf")
  @Test
  void tenIdleRoutersWithASinkEachCostLessThanOnePercentOfACore() throws Exception {
    List<ShadowRouter<Integer, Integer>> routers = new ArrayList<>();
    List<InMemorySink> sinks = new ArrayList<>();
    try {
      startIdleRouters(routers, sinks);
      awaitEveryRouterThreadAsleep(); // the measurement window starts past the idle period
      long before = cpuOfRouterThreads();
      long start = System.nanoTime();
      LockSupport.parkNanos(WINDOW_NANOS); // the idle time being measured
      long wall = System.nanoTime() - start;
      double share = (double) (cpuOfRouterThreads() - before) / wall;
      System.out.printf("[idle] 10 idle routers (2 workers, 1 sink each): %.4f%% of a core%n",
          100 * share);
      assertThat(share).as("CPU share of one core used by 10 idle routers").isLessThan(0.01);

      assertTheFirstRequestWakesThem(routers, sinks);
    } finally {
      routers.forEach(ShadowRouter::close);
    }
  }

  /** Ten routers (2 workers and a sink each) that have worked once, then gone idle. */
  private static void startIdleRouters(List<ShadowRouter<Integer, Integer>> routers,
      List<InMemorySink> sinks) throws Exception {
    for (int i = 0; i < ROUTERS; i++) {
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
  }

  /** 2 workers, the watchdog and the sink's thread per router, each asleep until woken. */
  private static void awaitEveryRouterThreadAsleep() {
    await().atMost(Fixtures.WAIT).pollInterval(Duration.ofMillis(20))
        .untilAsserted(() -> assertThat(routerThreads())
            .hasSize(ROUTERS * 4)
            .allSatisfy(t -> assertThat(sleepsInParking(t))
                .as("%s (%s) sleeps in Parking", t.getName(), t.getState()).isTrue()));
  }

  /** The first request after the idle period is served at once and its copy runs. */
  private static void assertTheFirstRequestWakesThem(List<ShadowRouter<Integer, Integer>> routers,
      List<InMemorySink> sinks) throws Exception {
    for (int i = 0; i < routers.size(); i++) {
      assertThat(routers.get(i).predict(7)).isEqualTo(7);
      assertThat(routers.get(i).awaitIdle(Fixtures.WAIT)).isTrue();
      assertThat(sinks.get(i).records("v2")).hasSize(2);
    }
  }

  /** Parked with the engine's Parking as its blocker: asleep until a producer wakes it. */
  private static boolean sleepsInParking(Thread t) {
    Object blocker = LockSupport.getBlocker(t);
    return blocker != null && blocker.getClass().getName()
        .equals("dev.shadowrouting.internal.pool.Parking");
  }

  /** This JVM's live threads named shadow-idle-*. */
  private static List<Thread> routerThreads() {
    List<Thread> threads = new ArrayList<>();
    for (Thread t : Thread.getAllStackTraces().keySet()) {
      if (t.isAlive() && t.getName().startsWith("shadow-idle-")) {
        threads.add(t);
      }
    }
    return threads;
  }

  /** CPU time of this JVM's threads named shadow-idle-*. */
  private static long cpuOfRouterThreads() {
    ThreadMXBean mx = ManagementFactory.getThreadMXBean();
    long sum = 0;
    for (Thread t : routerThreads()) {
      long cpu = mx.getThreadCpuTime(t.getId());
      sum += Math.max(0, cpu);
    }
    return sum;
  }
}
