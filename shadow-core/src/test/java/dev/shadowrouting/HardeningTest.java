package dev.shadowrouting;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import java.util.logging.Level;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * What careful users and adversarial tests found (issue "Under real faults"): close that accounts
 * for everything whatever user code does, and user code that cannot change what the caller gets.
 */
class HardeningTest {

  @RegisterExtension
  final LogCapture logs = LogCapture.of("dev.shadowrouting");

  /** A Throwable that is neither an Exception nor an Error, as Kotlin's throw Throwable() makes. */
  static final class Odd extends Throwable {
    Odd() {
      super("odd", null, false, false);
    }
  }

  private static <T extends Throwable> void sneakyThrow(Throwable t) throws T {
    @SuppressWarnings("unchecked")
    T cast = (T) t;
    throw cast;
  }

  /** Closes a router from wherever user code calls it (a shadow, a comparator), timing it. */
  private static final class SelfClose {
    private final AtomicReference<ShadowRouter<Integer, Integer>> router = new AtomicReference<>();
    private final AtomicReference<Duration> took = new AtomicReference<>();
    private final CountDownLatch closed = new CountDownLatch(1);

    ShadowRouter<Integer, Integer> of(ShadowRouter<Integer, Integer> created) {
      router.set(created);
      return created;
    }

    void close() {
      long start = System.nanoTime();
      router.get().close();
      took.set(Duration.ofNanos(System.nanoTime() - start));
      closed.countDown();
    }

    /** How long the close took, once it returned. */
    Duration awaitTook() throws InterruptedException {
      assertThat(closed.await(20, TimeUnit.SECONDS)).isTrue();
      return took.get();
    }
  }

  @Test
  void anOddThrowableFromProductionReachesTheCallerUnchangedWhenSampled() {
    Odd odd = new Odd();
    try (ShadowRouter<Integer, Integer> router = ShadowRouter.create(
        EndpointConfig.<Integer, Integer>builder("odd")
            .production("v1", in -> {
              HardeningTest.<RuntimeException>sneakyThrow(odd);
              return in;
            })
            .shadow("v2", in -> in)
            .build())) {
      assertThatThrownBy(() -> router.predict(1)).isSameAs(odd);
      assertThatThrownBy(() -> router.invoke(1, Request.none())).isSameAs(odd);
    }
  }

  @Test
  void propagatorsThatEqualEachOtherLoseNoCopy() throws Exception {
    ThreadLocal<String> mdc = new ThreadLocal<>();
    ContextPropagator<String> a = equalPropagator(mdc);
    ContextPropagator<String> b = equalPropagator(mdc);
    assertThat(a).isEqualTo(b).isNotSameAs(b);
    InMemorySink sink = ShadowSink.inMemory();
    try (ShadowRouter<Integer, Integer> router = ShadowRouter.create(
        EndpointConfig.<Integer, Integer>builder("equal-propagators")
            .production("v1", in -> in)
            .shadow("v2", in -> in)
            .contextPropagator(a)
            .contextPropagator(b)
            .sink(sink)
            .testMode(true)
            .build())) {
      mdc.set("trace-1");
      for (int i = 0; i < 100; i++) {
        router.predict(i);
      }
      assertThat(router.awaitIdle(Fixtures.WAIT)).isTrue();
      assertThat(router.snapshot().variant("v2").successes()).isEqualTo(100);
      assertThat(sink.records("v2")).hasSize(100)
          .allSatisfy(r -> assertThat(r.capturedContext(b)).isEqualTo("trace-1"));
      assertThat(logs.records(Level.WARNING, "internal failure")).isEmpty();
    } finally {
      mdc.remove();
    }
  }

  private static ContextPropagator<String> equalPropagator(ThreadLocal<String> tl) {
    ContextPropagator<String> delegate = ContextPropagator.threadLocal(tl);
    return new ContextPropagator<>() {
      @Override
      public String capture() {
        return delegate.capture();
      }

      @Override
      public void restore(String captured) {
        delegate.restore(captured);
      }

      @Override
      public void clear() {
        delegate.clear();
      }

      @Override
      public boolean equals(Object o) {
        return o instanceof ContextPropagator<?>; // records of the same thread-local
      }

      @Override
      public int hashCode() {
        return 1;
      }
    };
  }

  @Test
  void anErrorFromOneSinkOfACompositeDoesNotSkipTheOthers() throws Exception {
    InMemorySink after = ShadowSink.inMemory();
    ShadowSink missingDependency = record -> {
      throw new NoClassDefFoundError("io/micrometer/core/instrument/MeterRegistry");
    };
    try (ShadowRouter<Integer, Integer> router = ShadowRouter.create(
        EndpointConfig.<Integer, Integer>builder("composite-error")
            .production("v1", in -> in)
            .shadow("v2", in -> in)
            .sink(ShadowSink.composite(missingDependency, after))
            .testMode(true)
            .build())) {
      for (int i = 0; i < 10; i++) {
        router.predict(i);
      }
      assertThat(router.awaitIdle(Fixtures.WAIT)).isTrue();
      assertThat(after.records("v2")).hasSize(10);
      assertThat(router.snapshot().sinks().get(0).failed()).isEqualTo(20);
    }
  }

  @Test
  void closeInterruptsASinkWaitingInterruptiblyAndItsThreadEnds() throws Exception {
    CountDownLatch entered = new CountDownLatch(1);
    ShadowSink waits = new ShadowSink() {
      @Override
      public void accept(ShadowRecord record) {
        entered.countDown();
        try {
          new CountDownLatch(1).await(); // interruptible, never released
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
        }
      }

      @Override
      public String name() {
        return "waits";
      }
    };
    ShadowRouter<Integer, Integer> router = ShadowRouter.create(
        EndpointConfig.<Integer, Integer>builder("sink-waits")
            .production("v1", in -> in)
            .shadow("v2", in -> in)
            .sink(waits)
            .closeTimeout(Duration.ofMillis(200))
            .build());
    router.predict(1);
    assertThat(entered.await(20, TimeUnit.SECONDS)).isTrue();
    router.close();
    FaultSupport.awaitNoRouterThreads("sink-waits"); // the delivery thread ended too
    RouterSnapshot.SinkStats s = router.snapshot().sinks().get(0);
    assertThat(s.pending()).isZero();
    assertThat(s.delivered() + s.dropped()).isEqualTo(s.emitted());
  }

  @Test
  void closeOnAnInterruptedThreadStillDeliversTheBacklogAndKeepsTheInterrupt() throws Exception {
    AtomicInteger delivered = new AtomicInteger();
    CountDownLatch gate = new CountDownLatch(1);
    ShadowSink slowStart = record -> {
      try {
        gate.await(); // holds the backlog until close has begun
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
      delivered.incrementAndGet();
    };
    ShadowRouter<Integer, Integer> router = ShadowRouter.create(
        EndpointConfig.<Integer, Integer>builder("interrupted-close")
            .production("v1", in -> in)
            .shadow("v2", in -> in)
            .sink(slowStart)
            .testMode(true)
            .closeTimeout(Duration.ofSeconds(20))
            .build());
    for (int i = 0; i < 500; i++) {
      router.predict(i);
    }
    AtomicReference<Boolean> stillInterrupted = new AtomicReference<>();
    Thread closer = new Thread(() -> {
      Thread.currentThread().interrupt();
      router.close();
      stillInterrupted.set(Thread.currentThread().isInterrupted());
    });
    closer.start();
    gate.countDown();
    closer.join(TimeUnit.SECONDS.toMillis(30));
    assertThat(closer.isAlive()).isFalse();
    assertThat(stillInterrupted.get()).as("the caller's interrupt is restored").isTrue();
    RouterSnapshot.SinkStats s = router.snapshot().sinks().get(0);
    assertThat(s.dropped()).as("the backlog was delivered, not dropped").isZero();
    assertThat(delivered.get()).isEqualTo(1_000);
  }

  @Test
  void closeFromInsideAShadowCallOrASinkDoesNotWaitForItself() throws Exception {
    AtomicReference<ShadowRouter<Integer, Integer>> self = new AtomicReference<>();
    CountDownLatch closed = new CountDownLatch(1);
    ShadowRouter<Integer, Integer> fromShadow = ShadowRouter.create(
        EndpointConfig.<Integer, Integer>builder("close-from-shadow")
            .production("v1", in -> in)
            .shadow("v2", in -> {
              self.get().close();
              closed.countDown();
              return in;
            })
            .closeTimeout(Duration.ofSeconds(30))
            .build());
    self.set(fromShadow);
    long start = System.nanoTime();
    fromShadow.predict(1);
    assertThat(closed.await(20, TimeUnit.SECONDS)).isTrue();
    assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(10));
    FaultSupport.awaitNoRouterThreads("close-from-shadow");
    Fixtures.assertAccounting(fromShadow.snapshot());

    AtomicReference<ShadowRouter<Integer, Integer>> sinkSelf = new AtomicReference<>();
    CountDownLatch sinkClosed = new CountDownLatch(1);
    ShadowRouter<Integer, Integer> fromSink = ShadowRouter.create(
        EndpointConfig.<Integer, Integer>builder("close-from-sink")
            .production("v1", in -> in)
            .shadow("v2", in -> in)
            .sink(record -> {
              sinkSelf.get().close();
              sinkClosed.countDown();
            })
            .closeTimeout(Duration.ofSeconds(30))
            .build());
    sinkSelf.set(fromSink);
    start = System.nanoTime();
    fromSink.predict(1);
    assertThat(sinkClosed.await(20, TimeUnit.SECONDS)).isTrue();
    assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(10));
    FaultSupport.awaitNoRouterThreads("close-from-sink");
  }

  /**
   * Close from inside a shadow call, or from its comparator (on the worker, after the call
   * returned), does not wait for its own copy (which ends after close returns): before the fixes
   * it waited the 200 ms the close sequence gives workers to finish counting (the comparator's
   * case until issue 18). Timed, hence perf.
   */
  @org.junit.jupiter.params.ParameterizedTest(name = "from its comparator: {0}")
  @org.junit.jupiter.params.provider.ValueSource(booleans = {false, true})
  @org.junit.jupiter.api.Tag("perf")
  void closeFromInsideACopyReturnsWithoutWaitingForItsOwnCopy(boolean fromComparator)
      throws Exception {
    SelfClose self = new SelfClose();
    String name = fromComparator ? "close-from-comparator" : "close-from-shadow-fast";
    ShadowRouter<Integer, Integer> router = self.of(ShadowRouter.create(
        EndpointConfig.<Integer, Integer>builder(name)
            .production("v1", in -> in)
            .shadow("v2", in -> {
              if (!fromComparator) {
                self.close();
              }
              return in;
            })
            .comparator((production, shadow) -> {
              if (fromComparator) {
                self.close();
              }
              return Comparison.match();
            })
            .closeTimeout(Duration.ofSeconds(30))
            .build()));
    router.predict(1);
    assertThat(self.awaitTook()).isLessThan(Duration.ofMillis(100));
    FaultSupport.awaitNoRouterThreads(name);
    Fixtures.assertAccounting(router.snapshot());
  }

  /**
   * Close from inside a shadow call while another copy waits in the queue: the calling thread is
   * the pool's only worker, so nobody took that copy and close waited its whole closeTimeout for
   * itself, then dropped the copy as CLOSED. Now a replacement worker runs it and close returns
   * as soon as it ended.
   */
  @Test
  void closeFromInsideAShadowCallDoesNotWaitForTheCopiesQueuedBehindIt() throws Exception {
    SelfClose self = new SelfClose();
    Duration closeTimeout = Duration.ofSeconds(6);
    ShadowRouter<Integer, Integer> router = self.of(ShadowRouter.create(
        EndpointConfig.<Integer, Integer>builder("close-from-shadow-queued")
            .production("v1", in -> in)
            .shadow(Variant.<Integer, Integer>builder("v2", in -> {
              self.close();
              return in;
            }).timeout(Duration.ofMinutes(1))) // no watchdog rescue: only close decides
            .shadow("v3", in -> in)
            .workerThreads(1)
            .closeTimeout(closeTimeout)
            .build()));
    router.predict(1); // v2's copy runs on the one worker, v3's waits in the queue behind it
    Duration took = self.awaitTook();
    RouterSnapshot.VariantStats queued = router.snapshot().variant("v3");
    assertThat(queued.rejected()).as("v3's copy dropped as closed").isZero();
    assertThat(queued.successes()).isEqualTo(1);
    assertThat(took).isLessThan(closeTimeout.dividedBy(2));
    FaultSupport.awaitNoRouterThreads("close-from-shadow-queued");
  }

  @Test
  void closeDuringTrafficAlwaysClosesTheAccounting() throws Exception {
    for (int round = 0; round < 30; round++) {
      InMemorySink sink = ShadowSink.inMemory();
      ShadowRouter<Integer, Integer> router = ShadowRouter.create(
          EndpointConfig.<Integer, Integer>builder("close-race-" + round)
              .production("v1", in -> in)
              .shadow("v2", in -> in, v -> v.maxConcurrency(16))
              .shadow("v3", in -> {
                Thread.onSpinWait();
                return in;
              }, v -> v.maxConcurrency(16))
              .workerThreads(2)
              .queueCapacity(8)
              .sink(sink)
              .closeTimeout(Duration.ofMillis(round % 3 == 0 ? 0 : 50))
              .build());
      CountDownLatch started = new CountDownLatch(2);
      FaultSupport.runCallers(2, caller -> {
        started.countDown();
        for (int i = 0; i < 2_000; i++) {
          router.predict(i);
          if (caller == 0 && i == 1_000) {
            router.close();
          }
        }
      });
      RouterSnapshot s = router.snapshot();
      Fixtures.assertAccounting(s);
      for (String v : List.of("v2", "v3")) {
        assertThat(s.variant(v).sampled()).as(v).isEqualTo(4_000);
        assertThat(s.variant(v).inFlight()).as("%s in %s", v, s).isZero();
      }
    }
  }

  @Test
  void errorDetailsAreKeptOnlyForVariantsThatOptIn() throws Exception {
    InMemorySink sink = ShadowSink.inMemory();
    try (ShadowRouter<Integer, Integer> router = ShadowRouter.create(
        EndpointConfig.<Integer, Integer>builder("details")
            .production("v1", in -> in)
            .shadow("plain", in -> {
              throw new IllegalStateException("secret 4111-1111");
            })
            .shadow("detailed", in -> {
              throw new IllegalStateException("model server said 503");
            }, v -> v.captureErrorDetails(true))
            .sink(sink)
            .testMode(true)
            .build())) {
      router.predict(1);
      assertThat(router.awaitIdle(Fixtures.WAIT)).isTrue();
      ShadowRecord plain = sink.records("plain").get(0);
      assertThat(plain.errorType()).isEqualTo(IllegalStateException.class.getName());
      assertThat(plain.errorMessage()).isNull();
      assertThat(plain.errorStackTrace()).isNull();
      ShadowRecord detailed = sink.records("detailed").get(0);
      assertThat(detailed.errorMessage()).isEqualTo("model server said 503");
      assertThat(detailed.errorStackTrace()).contains("IllegalStateException", "HardeningTest");
      assertThat(detailed.toString()).doesNotContain("503"); // toString stays payload-free
      assertThat(logs.lines()).noneMatch(l -> l.contains("4111"))
          .anyMatch(l -> l.contains("model server said 503"));
    }
  }

  @Test
  void aSaturatedVariantIsLoggedOnceWhenItStartsNotPerCopy() throws Exception {
    CountDownLatch entered = new CountDownLatch(1);
    CountDownLatch release = new CountDownLatch(1);
    try (ShadowRouter<Integer, Integer> router = ShadowRouter.create(
        EndpointConfig.<Integer, Integer>builder("saturated")
            .production("v1", in -> in)
            .shadow("v2", Fixtures.hangIgnoringInterrupts(entered, release, 0),
                v -> v.maxConcurrency(1).timeout(Duration.ofMinutes(1)))
            .build())) {
      router.predict(0);
      assertThat(entered.await(20, TimeUnit.SECONDS)).isTrue();
      for (int i = 0; i < 1_000; i++) {
        router.predict(i);
      }
      await().atMost(Fixtures.WAIT).until(() -> router.snapshot().variant("v2").saturated());
      assertThat(logs.records(Level.WARNING, "'v2' of endpoint 'saturated' is saturated"))
          .hasSize(1);
      release.countDown();
    }
  }
}
