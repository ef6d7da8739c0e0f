package dev.shadowrouting;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** Remote shadows without a thread each: AsyncPredictor as a shadow and as production. */
class AsyncPredictorTest {

  private final ScheduledExecutorService remote = Executors.newSingleThreadScheduledExecutor();

  @AfterEach
  void stop() {
    remote.shutdownNow();
  }

  /** A simulated model server: answers {@code in * 2} after {@code millis}. */
  private AsyncPredictor<Integer, Integer> server(long millis) {
    return in -> {
      CompletableFuture<Integer> f = new CompletableFuture<>();
      remote.schedule(() -> f.complete(in * 2), millis, TimeUnit.MILLISECONDS);
      return f;
    };
  }

  @Test
  void oneWorkerKeepsManyRemoteCallsInFlight() throws Exception {
    InMemorySink sink = ShadowSink.inMemory();
    try (ShadowRouter<Integer, Integer> router = ShadowRouter.create(
        EndpointConfig.<Integer, Integer>builder("remote")
            .production("v1", in -> in * 2)
            .shadowAsync("v2", server(50), v -> v.maxConcurrency(256))
            .workerThreads(1)
            .sink(sink)
            .testMode(true)
            .build())) {
      long start = System.nanoTime();
      for (int i = 0; i < 200; i++) {
        router.predict(i);
      }
      assertThat(router.awaitIdle(Fixtures.WAIT)).isTrue();
      // 200 calls of 50 ms on one worker: serially 10 s; in flight together, well under it
      assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(5));
      RouterSnapshot.VariantStats v2 = router.snapshot().variant("v2");
      assertThat(v2.successes()).isEqualTo(200);
      assertThat(v2.matches()).isEqualTo(200);
      assertThat(v2.p50Nanos()).isGreaterThanOrEqualTo(TimeUnit.MILLISECONDS.toNanos(45));
      assertThat(sink.records("v2")).hasSize(200);
      assertThat(router.snapshot().liveThreads()).isEqualTo(1);
    }
  }

  @Test
  void theTimeoutCancelsTheFutureAndFreesTheSlot() throws Exception {
    List<CompletableFuture<Integer>> futures = new CopyOnWriteArrayList<>();
    try (ShadowRouter<Integer, Integer> router = ShadowRouter.create(
        EndpointConfig.<Integer, Integer>builder("never")
            .production("v1", in -> in)
            .shadowAsync("v2", in -> {
              CompletableFuture<Integer> f = new CompletableFuture<>(); // never completes
              futures.add(f);
              return f;
            }, v -> v.timeout(Duration.ofMillis(20)).maxConcurrency(5))
            .build())) {
      for (int i = 0; i < 5; i++) {
        router.predict(i);
      }
      await().atMost(Fixtures.WAIT)
          .until(() -> router.snapshot().variant("v2").timeouts() == 5);
      assertThat(futures).hasSize(5).allMatch(CompletableFuture::isCancelled);
      assertThat(router.snapshot().variant("v2").inFlight()).isZero();
      assertThat(router.snapshot().abandonedThreads()).isZero(); // no thread was ever stuck
    }
  }

  @Test
  void inFlightCallsAreBoundedByMaxConcurrency() throws Exception {
    AtomicInteger started = new AtomicInteger();
    CompletableFuture<Integer> gate = new CompletableFuture<>();
    try (ShadowRouter<Integer, Integer> router = ShadowRouter.create(
        EndpointConfig.<Integer, Integer>builder("bounded")
            .production("v1", in -> in)
            .shadowAsync("v2", in -> {
              started.incrementAndGet();
              return gate.thenApply(x -> in);
            }, v -> v.timeout(Duration.ofMinutes(1)).maxConcurrency(5))
            .build())) {
      for (int i = 0; i < 100; i++) {
        router.predict(i);
      }
      await().atMost(Fixtures.WAIT).until(() -> started.get() == 5);
      assertThat(router.snapshot().variant("v2").rejected(RejectReason.CONCURRENCY_LIMIT))
          .isEqualTo(95);
      gate.complete(0);
      await().atMost(Fixtures.WAIT)
          .until(() -> router.snapshot().variant("v2").successes() == 5);
      assertThat(router.snapshot().variant("v2").matches()).isEqualTo(5);
    }
  }

  @Test
  void failuresOfTheStageOrOfTheStartAreErrorsWithTheirOwnType() throws Exception {
    InMemorySink sink = ShadowSink.inMemory();
    try (ShadowRouter<Integer, Integer> router = ShadowRouter.create(
        EndpointConfig.<Integer, Integer>builder("failing")
            .production("v1", in -> in)
            .shadowAsync("stage", in -> CompletableFuture.supplyAsync(() -> {
              throw new IllegalArgumentException("bad input");
            }))
            .shadowAsync("start", in -> {
              throw new java.io.IOException("connection refused");
            })
            .shadowAsync("null", in -> null)
            .sink(sink)
            .testMode(true)
            .build())) {
      router.predict(1);
      assertThat(router.awaitIdle(Fixtures.WAIT)).isTrue();
      assertThat(sink.records("stage").get(0).errorType())
          .isEqualTo(IllegalArgumentException.class.getName());
      assertThat(sink.records("start").get(0).errorType())
          .isEqualTo(java.io.IOException.class.getName());
      assertThat(sink.records("null").get(0).outcome()).isEqualTo(Outcome.ERROR);
    }
  }

  @Test
  void anAsyncProductionVariantAnswersTheCallerAndRethrowsTheSameException() throws Exception {
    IllegalStateException boom = new IllegalStateException("boom");
    try (ShadowRouter<Integer, Integer> router = ShadowRouter.create(
        EndpointConfig.<Integer, Integer>builder("async-prod")
            .production(Variant.async("v1", server(1)).build())
            .production(Variant.<Integer, Integer>async("v0",
                in -> CompletableFuture.failedFuture(boom)).weight(0).build())
            .shadow("v2", in -> in * 2)
            .build())) {
      assertThat(router.predict(21)).isEqualTo(42);
      assertThatThrownBy(() -> router.predict(1, Request.builder().targetVariant("v0").build()))
          .isSameAs(boom);
      assertThat(router.config().productionVariants().get(0))
          .isEqualTo(router.config().productionVariants().get(0).toBuilder().build());
    }
  }
}
