package dev.shadowrouting;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/** A sink that is still busy when close() gives up must not keep receiving records afterwards. */
class FaultSinkDeadlineTest {

  @Test
  void aSinkStillBusyAtTheCloseDeadlineGetsNoMoreRecordsAndItsBacklogIsDropped() throws Exception {
    CountDownLatch entered = new CountDownLatch(1);
    CountDownLatch release = new CountDownLatch(1);
    AtomicBoolean closed = new AtomicBoolean();
    AtomicInteger acceptedAfterClose = new AtomicInteger();
    ShadowSink stuck = new ShadowSink() {
      @Override
      public void accept(ShadowRecord record) {
        if (closed.get()) {
          acceptedAfterClose.incrementAndGet();
        }
        try {
          Fixtures.hangIgnoringInterrupts(entered, release, null).predict(null);
        } catch (Exception e) {
          throw new IllegalStateException(e);
        }
      }

      @Override
      public String name() {
        return "stuck";
      }
    };
    ShadowRouter<Integer, Integer> router = ShadowRouter.create(
        EndpointConfig.<Integer, Integer>builder("sink-deadline")
            .production(Variant.<Integer, Integer>builder("prod", in -> in).build())
            .shadow(Variant.<Integer, Integer>builder("s", in -> in).build())
            .closeTimeout(Duration.ofMillis(200))
            .sink(stuck)
            .build());
    for (int i = 0; i < 50; i++) {
      router.predict(i);
    }
    assertThat(entered.await(20, TimeUnit.SECONDS)).isTrue();
    Fixtures.awaitQuiescentShadows(router);
    router.close(); // gives up on the stuck sink at its deadline
    closed.set(true);
    release.countDown();
    FaultSupport.awaitNoRouterThreads("sink-deadline");

    assertThat(acceptedAfterClose.get())
        .as("records delivered after close() returned, past its deadline").isZero();
    RouterSnapshot.SinkStats s = router.snapshot().sinks().get(0);
    assertThat(s.emitted()).isEqualTo(100); // 50 production + 50 shadow records
    // the record the sink was stuck in when close gave up is dropped, not left pending
    assertThat(s.delivered()).isZero();
    assertThat(s.dropped()).isEqualTo(100);
    assertThat(s.pending()).isZero();
  }
}
