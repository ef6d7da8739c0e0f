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
import org.junit.jupiter.api.extension.RegisterExtension;

/** Never block, never grow without bound, never let a hung shadow starve the others. */
class BoundedExecutionTest {

  @RegisterExtension
  final LogCapture logs = LogCapture.of("dev.shadowrouting");

  @Test
  void aHungShadowIsQuarantinedWithoutStarvingOthersAndReleasedWhenItsCallsReturn()
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
                .timeout(Duration.ofMillis(50)).maxConcurrency(2).maxAbandonedThreads(2).build())
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
      // While the hung variant's calls hang, production answers every call on the caller's
      // thread, and the healthy shadow keeps getting its copies run.
      int i = 1;
      for (; i <= 2_000 || !router.snapshot().variant("hangs").quarantined(); i++) {
        assertThat(router.predict(i)).isEqualTo(i);
        if (i % 100 == 0) {
          int expected = i;
          // never more than a few hundred copies behind: the pool is not starved
          await().atMost(Fixtures.WAIT).until(() -> healthyCalls.get() >= expected - 100);
        }
      }
      int sent = i;
      await().atMost(Fixtures.WAIT).until(() -> healthyCalls.get() == sent);
      RouterSnapshot s = router.snapshot();
      RouterSnapshot.VariantStats hangs = s.variant("hangs");
      // Timed-out copies free their slots: more than the two first copies ran and timed out...
      assertThat(hangs.timeouts()).isGreaterThanOrEqualTo(2);
      // ...until two threads hang: the variant is quarantined, its copies refused at the door
      assertThat(hangs.quarantined()).isTrue();
      assertThat(hangs.abandonedThreads()).isEqualTo(2);
      assertThat(hangs.rejected(RejectReason.QUARANTINED)).isPositive();
      assertThat(s.abandonedThreads()).isEqualTo(2);
      assertThat(s.liveThreads()).isBetween(2, 2 + 2); // workerThreads + maxAbandonedThreads
      assertThat(s.variant("healthy").successes()).isEqualTo(sent);
      assertThat(logs.records(java.util.logging.Level.WARNING, "'hangs' of endpoint 'hung' is"
          + " quarantined")).hasSize(1);
      assertThat(logs.records(java.util.logging.Level.WARNING, "'hangs' of endpoint 'hung' is"
          + " timing out")).hasSize(1);

      release.countDown(); // the hung calls return: the quarantine ends, copies run again
      await().atMost(Fixtures.WAIT)
          .until(() -> !router.snapshot().variant("hangs").quarantined());
      long before = router.snapshot().variant("hangs").successes();
      router.predict(-1);
      await().atMost(Fixtures.WAIT)
          .until(() -> router.snapshot().variant("hangs").successes() > before);
      assertThat(logs.records(java.util.logging.Level.WARNING, "released from quarantine"))
          .hasSize(1);
    } finally {
      release.countDown();
      router.close();
    }
    Fixtures.assertAccounting(router.snapshot());
  }

  @Test
  void aSlowShadowThatHonoursTheInterruptKeepsItsWorkers() throws Exception {
    try (ShadowRouter<Integer, Integer> router = ShadowRouter.create(
        EndpointConfig.<Integer, Integer>builder("slow")
            .production(Variant.<Integer, Integer>builder("prod", in -> in).build())
            .shadow(Variant.<Integer, Integer>builder("sleeps", in -> {
              // the slow call under test (not a synchronisation): the timeout interrupts it and
              // it returns at once, as a well-behaved slow shadow does
              Thread.sleep(60_000);
              return in;
            }).timeout(Duration.ofMillis(2)).build())
            .workerThreads(2)
            .testMode(true)
            .build())) {
      for (int i = 0; i < 100; i++) {
        router.predict(i);
      }
      assertThat(router.awaitIdle(Fixtures.WAIT)).isTrue();
      RouterSnapshot s = router.snapshot();
      assertThat(s.variant("sleeps").timeouts()).isEqualTo(100);
      assertThat(s.abandonedThreads()).isZero();
      assertThat(threadsNamed("shadow-slow-worker-")).extracting(Thread::getName)
          .as("no worker was replaced").containsExactlyInAnyOrder(
              "shadow-slow-worker-1", "shadow-slow-worker-2");
    }
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
      // refused on the caller's thread: recorded in aggregate, off that thread
      await().atMost(Fixtures.WAIT).until(() -> Fixtures.copies(
          sink.records(r -> r.rejectReason() == RejectReason.QUEUE_FULL)) == 7);
      assertThat(sink.records(r -> r.rejectReason() == RejectReason.QUEUE_FULL))
          .allSatisfy(r -> {
            assertThat(r.outcome()).isEqualTo(Outcome.REJECTED);
            assertThat(r.latencyNanos()).isEqualTo(-1);
            assertThat(r.requestId()).isNull();
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
    // the sinks are closed too: the copy is counted (no record: no copy of this request ran)
    assertThat(s.sinks().get(0).emitted()).isZero();
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
