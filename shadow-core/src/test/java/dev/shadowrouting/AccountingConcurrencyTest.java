package dev.shadowrouting;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;
import org.junit.jupiter.api.Test;

/** Every sampled copy ends in exactly one record, under contention, counted exactly. */
class AccountingConcurrencyTest {

  @Test
  void manyCallerThreadsMixedOutcomesExactCounts() throws Exception {
    int threads = 8;
    int perThread = 5_000;
    AtomicLong productionErrors = new AtomicLong();
    InMemorySink sink = ShadowSink.inMemory(1_000_000);
    ShadowRouter<Integer, Integer> router = ShadowRouter.create(
        EndpointConfig.<Integer, Integer>builder("acct")
            .production(Variant.<Integer, Integer>builder("prod", in -> {
              if (in % 97 == 0) {
                throw new IllegalStateException("production fails sometimes");
              }
              return in;
            }).build())
            .shadow(Variant.<Integer, Integer>builder("mixed", in -> {
              int r = ThreadLocalRandom.current().nextInt(100);
              if (r < 5) {
                throw new IllegalArgumentException("shadow error");
              }
              if (r < 7) {
                LockSupport.parkNanos(Duration.ofMillis(30).toNanos()); // > timeout
              }
              return r < 20 ? in + 1 : in;
            }).timeout(Duration.ofMillis(10)).samplingRate(0.7).maxConcurrency(64).build())
            .shadow(Variant.<Integer, Integer>builder("fast", in -> in).build())
            .workerThreads(2)
            .queueCapacity(256)
            // room for every record (~110k): the counters must match the records one for one;
            // dropping under a slow sink is SinkDeliveryTest's subject
            .sinkBufferCapacity(1 << 17)
            .sink(sink)
            .build());
    ExecutorService callers = Executors.newFixedThreadPool(threads);
    CountDownLatch start = new CountDownLatch(1);
    List<Future<?>> futures = new ArrayList<>();
    for (int t = 0; t < threads; t++) {
      int base = t * perThread;
      futures.add(callers.submit(() -> {
        start.await();
        for (int i = base; i < base + perThread; i++) {
          try {
            assertThat(router.predict(i, Request.withSamplingKey("k" + i))).isEqualTo(i);
          } catch (IllegalStateException e) {
            productionErrors.incrementAndGet();
          }
        }
        return null;
      }));
    }
    start.countDown();
    for (Future<?> f : futures) {
      f.get(2, TimeUnit.MINUTES);
    }
    callers.shutdown();
    router.close();

    RouterSnapshot s = router.snapshot();
    Fixtures.assertAccounting(s);
    int total = threads * perThread;
    RouterSnapshot.VariantStats prod = s.variant("prod");
    assertThat(prod.successes() + prod.errors()).isEqualTo(total);
    assertThat(prod.errors()).isEqualTo(productionErrors.get());
    assertThat(s.variant("fast").sampled()).isEqualTo(total);
    RouterSnapshot.VariantStats mixed = s.variant("mixed");
    assertThat(mixed.sampled()).isBetween((long) (total * 0.65), (long) (total * 0.75));
    // what the in-memory sink received matches the counters one for one
    RouterSnapshot.SinkStats memory = s.sinks().get(0);
    assertThat(memory.dropped()).as("the in-memory sink has room for all").isZero();
    for (Outcome o : Outcome.values()) {
      assertThat(Fixtures.copies(sink.records(r -> r.variant().equals("mixed")
              && r.outcome() == o)))
          .as("records of outcome %s", o).isEqualTo(mixed.count(o));
    }
    // production records: one per request that had at least one copy accepted
    assertThat((long) sink.records(r -> r.role() == Role.PRODUCTION).size())
        .isEqualTo(prod.sampled()).isPositive().isLessThanOrEqualTo(total);
  }
}
