package dev.shadowrouting;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.concurrent.locks.LockSupport;
import org.junit.jupiter.api.Test;

/** Test mode (every copy runs) and awaitIdle, the two things unit tests of user code need. */
class TestModeTest {

  record Txn(int amount) {}

  record Score(double value) {}

  private static ShadowRouter<Txn, Score> router(boolean testMode, InMemorySink sink) {
    return ShadowRouter.create(EndpointConfig.<Txn, Score>builder("unit")
        .production("v1", txn -> new Score(txn.amount() / 100.0)) // no type witness needed
        .shadow("v2", txn -> {
          LockSupport.parkNanos(200_000); // a shadow slower than the loop that calls the router
          return new Score(txn.amount() / 100.0);
        }, v -> v.maxConcurrency(8).timeout(Duration.ofSeconds(5)))
        .queueCapacity(4)
        .sink(sink)
        .testMode(testMode)
        .build());
  }

  @Test
  void aThousandCallLoopInTestModeYieldsAThousandShadowRecords() throws Exception {
    InMemorySink sink = ShadowSink.inMemory();
    try (ShadowRouter<Txn, Score> router = router(true, sink)) {
      for (int i = 0; i < 1_000; i++) {
        router.predict(new Txn(i));
      }
      assertThat(router.awaitIdle(Fixtures.WAIT)).isTrue();

      assertThat(sink.records("v2")).hasSize(1_000)
          .allMatch(r -> r.outcome() == Outcome.SUCCESS && r.comparison().isMatch());
      assertThat(router.snapshot().variant("v2").rejected()).isZero();
    }
  }

  @Test
  void withoutTestModeTheSameLoopDropsCopies() throws Exception {
    InMemorySink sink = ShadowSink.inMemory();
    try (ShadowRouter<Txn, Score> router = router(false, sink)) {
      for (int i = 0; i < 1_000; i++) {
        router.predict(new Txn(i));
      }
      assertThat(router.awaitIdle(Fixtures.WAIT)).isTrue();

      RouterSnapshot.VariantStats v2 = router.snapshot().variant("v2");
      assertThat(v2.rejected()).isPositive();
      // every copy is in a record: the rejected ones in aggregated records with their count
      assertThat(Fixtures.copies(sink.records("v2"))).isEqualTo(1_000);
      assertThat(v2.successes()).isLessThan(1_000);
    }
  }

  @Test
  void awaitIdleReturnsFalseWhileACopyIsStillRunning() throws Exception {
    java.util.concurrent.CountDownLatch entered = new java.util.concurrent.CountDownLatch(1);
    java.util.concurrent.CountDownLatch release = new java.util.concurrent.CountDownLatch(1);
    try (ShadowRouter<Integer, Integer> router = ShadowRouter.create(
        EndpointConfig.<Integer, Integer>builder("busy")
            .production("v1", in -> in)
            .shadow("v2", Fixtures.hangIgnoringInterrupts(entered, release, 0),
                v -> v.timeout(Duration.ofMinutes(1)))
            .build())) {
      router.predict(1);
      entered.await();
      assertThat(router.awaitIdle(Duration.ofMillis(50))).isFalse();
      release.countDown();
      assertThat(router.awaitIdle(Fixtures.WAIT)).isTrue();
    }
  }

  @Test
  void testModeIsOffByDefaultAndSurvivesToBuilder() {
    EndpointConfig<Integer, Integer> config = EndpointConfig.<Integer, Integer>builder("e")
        .production("v1", in -> in).build();
    assertThat(config.testMode()).isFalse();
    assertThat(config.toBuilder().testMode(true).build().toBuilder().build().testMode()).isTrue();
  }
}
