package dev.shadowrouting;

import java.time.Duration;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

/** Shared test helpers: predictors that hang on latches, and quiescence waits. */
final class Fixtures {
  static final Duration WAIT = Duration.ofSeconds(20);

  private Fixtures() {}

  /** A predictor that blocks until {@code release} opens, ignoring interrupts, like a hung call. */
  static <I, O> Predictor<I, O> hangIgnoringInterrupts(CountDownLatch entered,
      CountDownLatch release, O result) {
    return input -> {
      entered.countDown();
      boolean interrupted = false;
      while (true) {
        try {
          if (release.await(1, TimeUnit.HOURS)) {
            break;
          }
        } catch (InterruptedException e) {
          interrupted = true; // swallow, as badly behaved user code does
        }
      }
      if (interrupted) {
        Thread.currentThread().interrupt();
      }
      return result;
    };
  }

  /** Waits until no shadow copy is queued or in flight, so the variants' counters are final. */
  static void awaitQuiescentShadows(ShadowRouter<?, ?> router) {
    org.awaitility.Awaitility.await().atMost(WAIT).until(() -> shadowsIdle(router.snapshot()));
  }

  private static boolean shadowsIdle(RouterSnapshot s) {
    if (s.queueDepth() != 0) {
      return false;
    }
    for (RouterSnapshot.VariantStats v : s.variants()) {
      if (v.inFlight() != 0) {
        return false;
      }
    }
    return true;
  }

  /** Waits until no shadow copy is queued or in flight and every sink has caught up. */
  static void awaitQuiescent(ShadowRouter<?, ?> router) {
    org.awaitility.Awaitility.await().atMost(WAIT).until(() -> {
      RouterSnapshot s = router.snapshot();
      if (!shadowsIdle(s)) {
        return false;
      }
      for (RouterSnapshot.SinkStats k : s.sinks()) {
        if (k.pending() != 0 || k.emitted() != k.delivered() + k.dropped()) {
          return false;
        }
      }
      return true;
    });
  }

  /** The copies some records stand for: aggregated rejection records stand for several. */
  static long copies(java.util.List<ShadowRecord> records) {
    return records.stream().mapToLong(ShadowRecord::count).sum();
  }

  /** Checks the accounting invariant on a quiescent router. */
  static void assertAccounting(RouterSnapshot s) {
    for (RouterSnapshot.VariantStats v : s.variants()) {
      if (v.role() == Role.SHADOW) {
        org.assertj.core.api.Assertions.assertThat(
                v.successes() + v.errors() + v.timeouts() + v.rejected())
            .as("sampled = success + error + timeout + rejected for %s", v)
            .isEqualTo(v.sampled());
        org.assertj.core.api.Assertions.assertThat(v.matches() + v.mismatches() + v.notCompared())
            .as("every copy that ran has one comparison result for %s", v)
            .isEqualTo(v.invocations());
      }
    }
    for (RouterSnapshot.SinkStats k : s.sinks()) {
      org.assertj.core.api.Assertions.assertThat(k.delivered() + k.dropped())
          .as("emitted = delivered + dropped for %s", k)
          .isEqualTo(k.emitted());
    }
  }
}
