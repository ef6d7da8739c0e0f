package dev.shadowrouting;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

/** update, promote and close. */
class LifecycleTest {

  @Test
  void updateSwapsAtomicallyWhileRequestsAreInFlight() throws Exception {
    InMemorySink sink = ShadowSink.inMemory(1_000_000);
    EndpointConfig<Integer, Integer> a = EndpointConfig.<Integer, Integer>builder("swap")
        .production(Variant.<Integer, Integer>builder("p1", in -> in).build())
        .shadow(Variant.<Integer, Integer>builder("s1", in -> in).maxConcurrency(1024).build())
        .queueCapacity(4096).sinkBufferCapacity(1 << 16).sink(sink)
        .build();
    EndpointConfig<Integer, Integer> b = a.toBuilder()
        .productionVariants(List.of(Variant.<Integer, Integer>builder("p2", in -> in).build()))
        .shadowVariants(List.of(
            Variant.<Integer, Integer>builder("s2", in -> in).maxConcurrency(1024).build()))
        .build();
    ShadowRouter<Integer, Integer> router = ShadowRouter.create(a);
    AtomicBoolean stop = new AtomicBoolean();
    AtomicLong answered = new AtomicLong();
    ExecutorService callers = Executors.newFixedThreadPool(4);
    List<Future<?>> futures = new ArrayList<>();
    CountDownLatch running = new CountDownLatch(4);
    for (int t = 0; t < 4; t++) {
      futures.add(callers.submit(() -> {
        running.countDown();
        int i = 0;
        while (!stop.get()) {
          Invocation<Integer> inv = router.invoke(i, Request.none());
          assertThat(inv.output()).isEqualTo(i);
          assertThat(inv.variant()).isIn("p1", "p2");
          answered.incrementAndGet();
          i++;
        }
        return null;
      }));
    }
    running.await();
    for (int swap = 0; swap < 200; swap++) {
      router.update(swap % 2 == 0 ? b : a);
    }
    stop.set(true);
    for (Future<?> f : futures) {
      f.get(1, TimeUnit.MINUTES); // none failed
    }
    callers.shutdown();
    router.close();
    RouterSnapshot s = router.snapshot();
    Fixtures.assertAccounting(s);
    assertThat(answered.get()).isPositive(); // every call answered correctly (checked above)
    assertThat(router.config()).isEqualTo(a);
    // the statistics of removed variants retire with them: only a's variants are listed
    assertThat(s.variants()).extracting(RouterSnapshot.VariantStats::name)
        .containsExactlyInAnyOrder("p1", "s1");
    assertThat(s.variant("p1").active()).isTrue();
  }

  @Test
  void updateRefusesWhatARunningRouterCannotChange() {
    EndpointConfig<Integer, Integer> config = EndpointConfig.<Integer, Integer>builder("fixed")
        .production(Variant.<Integer, Integer>builder("p", in -> in).build())
        .workerThreads(2)
        .build();
    try (ShadowRouter<Integer, Integer> router = ShadowRouter.create(config)) {
      assertThatThrownBy(() -> router.update(config.toBuilder().workerThreads(7)
          .queueCapacity(9).sink(ShadowSink.noop()).build()))
          .isInstanceOf(IllegalArgumentException.class)
          .hasMessageContaining("workerThreads cannot change on a running router (was 2, now 7)")
          .hasMessageContaining("queueCapacity")
          .hasMessageContaining("sinks");
      assertThat(router.config()).isSameAs(config);
    }
  }

  @Test
  void promoteMakesTheShadowTheProductionVariant() throws Exception {
    InMemorySink sink = ShadowSink.inMemory();
    try (ShadowRouter<Integer, String> router = ShadowRouter.create(
        EndpointConfig.<Integer, String>builder("promo")
            .production(Variant.<Integer, String>builder("old", in -> "old").build())
            .shadow(Variant.<Integer, String>builder("new", in -> "new").samplingRate(0.5).build())
            .shadow(Variant.<Integer, String>builder("other", in -> "other").build())
            .sink(sink).build())) {
      assertThat(router.predict(1)).isEqualTo("old");
      router.promote("new");
      assertThat(router.predict(1)).isEqualTo("new");
      assertThat(router.config().productionVariants()).extracting(Variant::name)
          .containsExactly("new");
      assertThat(router.config().shadowVariants()).extracting(Variant::name)
          .containsExactly("other");
      assertThat(router.snapshot().variant("new").role()).isEqualTo(Role.PRODUCTION);
      // the old production variant is gone, its statistics retired with it
      assertThat(router.snapshot().variants()).extracting(RouterSnapshot.VariantStats::name)
          .containsExactlyInAnyOrder("new", "other");
      assertThatThrownBy(() -> router.promote("nope"))
          .isInstanceOf(IllegalArgumentException.class)
          .hasMessageContaining("cannot promote 'nope'")
          .hasMessageContaining("[other]");
    }
  }

  @Test
  void closeWaitsForInFlightShadowsFlushesSinksAndIsIdempotent() throws Exception {
    CountDownLatch entered = new CountDownLatch(1);
    CountDownLatch release = new CountDownLatch(1);
    AtomicInteger flushes = new AtomicInteger();
    InMemorySink memory = ShadowSink.inMemory();
    ShadowSink flushing = new ShadowSink() {
      @Override
      public void accept(ShadowRecord record) {
        memory.accept(record);
      }

      @Override
      public void flush() {
        flushes.incrementAndGet();
      }
    };
    ShadowRouter<Integer, Integer> router = ShadowRouter.create(
        EndpointConfig.<Integer, Integer>builder("closing")
            .production(Variant.<Integer, Integer>builder("p", in -> in).build())
            .shadow(Variant.<Integer, Integer>builder("s", in -> {
              entered.countDown();
              release.await();
              return in;
            }).timeout(Duration.ofMinutes(1)).build())
            .sink(flushing)
            .closeTimeout(Duration.ofSeconds(30))
            .build());
    router.predict(1);
    assertThat(entered.await(20, TimeUnit.SECONDS)).isTrue();
    Thread closer = new Thread(router::close);
    closer.start();
    // close waits for the running shadow rather than cutting it off
    org.awaitility.Awaitility.await().atMost(Fixtures.WAIT)
        .until(() -> closer.getState() == Thread.State.TIMED_WAITING
            || closer.getState() == Thread.State.WAITING);
    assertThat(closer.isAlive()).isTrue();
    release.countDown();
    closer.join(TimeUnit.SECONDS.toMillis(20));
    assertThat(closer.isAlive()).isFalse();
    assertThat(memory.records("s")).singleElement()
        .extracting(ShadowRecord::outcome).isEqualTo(Outcome.SUCCESS);
    assertThat(flushes.get()).isEqualTo(1);
    router.close(); // idempotent
    assertThat(flushes.get()).isEqualTo(1);
    Fixtures.assertAccounting(router.snapshot());
  }

  @Test
  void closeGivesUpAtItsDeadlineAndAccountsForEverything() throws Exception {
    CountDownLatch entered = new CountDownLatch(1);
    CountDownLatch release = new CountDownLatch(1);
    InMemorySink sink = ShadowSink.inMemory();
    ShadowRouter<Integer, Integer> router = ShadowRouter.create(
        EndpointConfig.<Integer, Integer>builder("deadline")
            .production(Variant.<Integer, Integer>builder("p", in -> in).build())
            .shadow(Variant.<Integer, Integer>builder("s",
                    Fixtures.hangIgnoringInterrupts(entered, release, 0))
                .timeout(Duration.ofMinutes(10)).maxConcurrency(100).build())
            .workerThreads(1)
            .sink(sink)
            .closeTimeout(Duration.ofMillis(200))
            .build());
    try {
      for (int i = 0; i < 5; i++) {
        router.predict(i);
      }
      assertThat(entered.await(20, TimeUnit.SECONDS)).isTrue();
      long start = System.nanoTime();
      router.close();
      assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(5));
      RouterSnapshot.VariantStats s = router.snapshot().variant("s");
      assertThat(s.timeouts()).isEqualTo(1); // the running one
      assertThat(s.rejected(RejectReason.CLOSED)).isEqualTo(4); // the queued ones
      assertThat(sink.records("s")).extracting(ShadowRecord::outcome)
          .containsExactlyInAnyOrder(Outcome.TIMEOUT, Outcome.REJECTED, Outcome.REJECTED,
              Outcome.REJECTED, Outcome.REJECTED);
      Fixtures.assertAccounting(router.snapshot());
    } finally {
      release.countDown();
    }
  }
}
