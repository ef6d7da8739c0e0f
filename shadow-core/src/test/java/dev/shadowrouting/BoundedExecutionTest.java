package dev.shadowrouting;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.time.Duration;
import java.util.Set;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

/** Never block, never grow without bound, never let a hung shadow starve the others. */
class BoundedExecutionTest {

  @Test
  void aHungShadowThatIgnoresInterruptsNeitherBlocksProductionNorStarvesOtherShadows()
      throws Exception {
    CountDownLatch hungEntered = new CountDownLatch(1);
    CountDownLatch release = new CountDownLatch(1);
    AtomicInteger healthyCalls = new AtomicInteger();
    InMemorySink sink = ShadowSink.inMemory();
    ShadowRouter<Integer, Integer> router = ShadowRouter.create(
        EndpointConfig.<Integer, Integer>builder("hung")
            .production(Variant.<Integer, Integer>builder("prod", in -> in).build())
            .shadow(Variant.<Integer, Integer>builder("hangs",
                    Fixtures.hangIgnoringInterrupts(hungEntered, release, 0))
                .timeout(Duration.ofMillis(50)).maxConcurrency(2).build())
            .shadow(Variant.<Integer, Integer>builder("healthy", in -> {
              healthyCalls.incrementAndGet();
              return in;
            }).maxConcurrency(1000).build())
            .workerThreads(2)
            .queueCapacity(2048)
            .sink(sink)
            .build());
    try {
      router.predict(0);
      assertThat(hungEntered.await(20, TimeUnit.SECONDS)).isTrue();
      // While the hung variant holds its two slots forever, production answers every call on the
      // caller's thread, and the healthy shadow keeps getting its copies run.
      for (int i = 1; i <= 2_000; i++) {
        assertThat(router.predict(i)).isEqualTo(i);
        if (i % 100 == 0) {
          int expected = i;
          // never more than a few hundred copies behind: the pool is not starved
          await().atMost(Fixtures.WAIT).until(() -> healthyCalls.get() >= expected - 100);
        }
      }
      await().atMost(Fixtures.WAIT).until(() -> healthyCalls.get() == 2_001);
      RouterSnapshot s = router.snapshot();
      RouterSnapshot.VariantStats hangs = s.variant("hangs");
      assertThat(hangs.timeouts()).isEqualTo(2);
      assertThat(hangs.rejected(RejectReason.CONCURRENCY_LIMIT)).isEqualTo(2_001 - 2);
      assertThat(hangs.inFlight()).isEqualTo(2); // still hung, still holding its slots
      // two hung calls are abandoned and replaced: threads stay within workers + maxConcurrency
      assertThat(s.abandonedThreads()).isEqualTo(2);
      assertThat(s.liveThreads()).isBetween(2, 2 + 2);
      assertThat(s.variant("healthy").successes()).isEqualTo(2_001);
      assertThat(sink.await(r -> r.variant().equals("hangs") && r.outcome() == Outcome.TIMEOUT,
          2, Fixtures.WAIT)).hasSize(2);
    } finally {
      release.countDown();
      router.close();
    }
    Fixtures.assertAccounting(router.snapshot());
  }

  @Test
  void aFullQueueDropsTheCopyWithAReason() throws Exception {
    CountDownLatch entered = new CountDownLatch(1);
    CountDownLatch release = new CountDownLatch(1);
    InMemorySink sink = ShadowSink.inMemory();
    try (ShadowRouter<Integer, Integer> router = ShadowRouter.create(
        EndpointConfig.<Integer, Integer>builder("q")
            .production(Variant.<Integer, Integer>builder("prod", in -> in).build())
            .shadow(Variant.<Integer, Integer>builder("slow",
                    Fixtures.hangIgnoringInterrupts(entered, release, 0))
                .timeout(Duration.ofMinutes(5)).maxConcurrency(100).build())
            .workerThreads(1)
            .queueCapacity(3)
            .sink(sink)
            .build())) {
      router.predict(0); // occupies the only worker
      assertThat(entered.await(20, TimeUnit.SECONDS)).isTrue();
      for (int i = 1; i <= 10; i++) {
        router.predict(i);
      }
      RouterSnapshot s = router.snapshot();
      assertThat(s.queueDepth()).isEqualTo(3);
      assertThat(s.variant("slow").rejected(RejectReason.QUEUE_FULL)).isEqualTo(7);
      assertThat(sink.await(r -> r.rejectReason() == RejectReason.QUEUE_FULL, 7, Fixtures.WAIT))
          .allSatisfy(r -> {
            assertThat(r.outcome()).isEqualTo(Outcome.REJECTED);
            assertThat(r.latencyNanos()).isEqualTo(-1);
          });
      release.countDown();
      Fixtures.awaitQuiescent(router);
      assertThat(router.snapshot().variant("slow").successes()).isEqualTo(4);
      Fixtures.assertAccounting(router.snapshot());
    }
  }

  @Test
  void aClosedRouterKeepsAnsweringButRejectsCopiesAsClosed() throws Exception {
    InMemorySink sink = ShadowSink.inMemory();
    ShadowRouter<Integer, Integer> router = ShadowRouter.create(
        EndpointConfig.<Integer, Integer>builder("c")
            .production(Variant.<Integer, Integer>builder("prod", in -> in * 2).build())
            .shadow(Variant.<Integer, Integer>builder("s", in -> in * 2).build())
            .sink(sink)
            .build());
    router.close();
    assertThat(router.predict(21)).isEqualTo(42);
    RouterSnapshot s = router.snapshot();
    assertThat(s.variant("s").rejected(RejectReason.CLOSED)).isEqualTo(1);
    // the sinks are closed too: the late REJECTED record is counted as dropped, never lost
    // silently (production has no record: no copy of this request ran)
    assertThat(s.sinks().get(0).emitted()).isEqualTo(1);
    assertThat(s.sinks().get(0).dropped()).isEqualTo(1);
    Fixtures.assertAccounting(s);
  }

  @Test
  void poolThreadsAreNamedDaemonsAndAllStopOnClose() throws Exception {
    ShadowRouter<Integer, Integer> router = ShadowRouter.create(
        EndpointConfig.<Integer, Integer>builder("named")
            .production(Variant.<Integer, Integer>builder("prod", in -> in).build())
            .shadow(Variant.<Integer, Integer>builder("s", in -> in).build())
            .workerThreads(3)
            .sink(ShadowSink.inMemory())
            .build());
    router.predict(1);
    Fixtures.awaitQuiescent(router);
    Set<Thread> ours = threadsNamed("shadow-named-");
    assertThat(ours).extracting(Thread::getName)
        .filteredOn(n -> n.startsWith("shadow-named-worker-")).hasSize(3);
    assertThat(ours).extracting(Thread::getName)
        .anyMatch(n -> n.startsWith("shadow-named-sink-in-memory"));
    assertThat(ours).allMatch(Thread::isDaemon);
    router.close();
    await().atMost(Fixtures.WAIT).until(() -> threadsNamed("shadow-named-").isEmpty());
  }

  private static Set<Thread> threadsNamed(String prefix) {
    return Thread.getAllStackTraces().keySet().stream()
        .filter(t -> t.getName().startsWith(prefix) && t.isAlive())
        .collect(Collectors.toSet());
  }

  @Test
  void aTimedOutResultIsDiscardedAndNeverCompared() throws Exception {
    CountDownLatch entered = new CountDownLatch(1);
    CountDownLatch release = new CountDownLatch(1);
    AtomicInteger comparisons = new AtomicInteger();
    InMemorySink sink = ShadowSink.inMemory();
    try (ShadowRouter<Integer, Integer> router = ShadowRouter.create(
        EndpointConfig.<Integer, Integer>builder("t")
            .production(Variant.<Integer, Integer>builder("prod", in -> in).build())
            .shadow(Variant.<Integer, Integer>builder("late", in -> {
              entered.countDown();
              release.await(); // honours the interrupt: ends as soon as it is interrupted
              return in;
            }).timeout(Duration.ofMillis(20)).build())
            .comparator((p, s) -> {
              comparisons.incrementAndGet();
              return Comparison.match();
            })
            .sink(sink)
            .build())) {
      router.predict(7);
      ShadowRecord timeout = sink.await(r -> r.outcome() == Outcome.TIMEOUT, 1, Fixtures.WAIT)
          .get(0);
      assertThat(timeout.variant()).isEqualTo("late");
      assertThat(timeout.comparison().result()).isEqualTo(Comparison.Result.NOT_COMPARED);
      assertThat(timeout.latencyNanos()).isGreaterThanOrEqualTo(Duration.ofMillis(20).toNanos());
      release.countDown();
      Fixtures.awaitQuiescent(router);
      RouterSnapshot.VariantStats late = router.snapshot().variant("late");
      assertThat(late.timeouts()).isEqualTo(1);
      assertThat(late.successes() + late.errors()).isZero();
      assertThat(comparisons.get()).isZero();
      assertThat(sink.records("late")).hasSize(1);
    }
  }
}
