package dev.shadowrouting.internal.ledger;

import static org.assertj.core.api.Assertions.assertThat;

import dev.shadowrouting.Comparison;
import dev.shadowrouting.Outcome;
import dev.shadowrouting.RejectReason;
import dev.shadowrouting.Role;
import dev.shadowrouting.RouterSnapshot;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.ThreadLocalRandom;
import org.junit.jupiter.api.Test;

/**
 * The accounting equation {@code sampled == successes + errors + timeouts + rejected + inFlight}
 * holds through the ledger's operations alone, whichever way a copy enters and ends: the ledger is
 * the only code that can change those counts (its fields are private), so these paths are all
 * there is.
 */
class VariantLedgerTest {

  private static void assertBalanced(VariantLedger ledger) {
    RouterSnapshot.VariantStats s = ledger.snapshot();
    assertThat(s.sampled())
        .as("sampled %d = successes %d + errors %d + timeouts %d + rejected %d + in flight %d",
            s.sampled(), s.successes(), s.errors(), s.timeouts(), s.rejected(), s.inFlight())
        .isEqualTo(s.successes() + s.errors() + s.timeouts() + s.rejected() + s.inFlight());
  }

  @Test
  void everyWayInAndOutKeepsTheEquation() {
    VariantLedger ledger = new VariantLedger("e", "v", Role.SHADOW);
    assertBalanced(ledger);

    for (RejectReason reason : RejectReason.values()) { // refused before admission
      ledger.refuse(reason);
      assertBalanced(ledger);
    }
    assertThat(ledger.tryAdmit(1)).isTrue(); // admitted, never queued
    assertBalanced(ledger);
    assertThat(ledger.snapshot().inFlight()).isEqualTo(1);
    ledger.refuseAdmitted(RejectReason.QUEUE_FULL);
    assertBalanced(ledger);

    for (Outcome outcome : Outcome.values()) { // admitted, then every end a copy can have
      assertThat(ledger.tryAdmit(1)).isTrue();
      assertBalanced(ledger);
      RejectReason reason = outcome == Outcome.REJECTED ? RejectReason.CLOSED : null;
      ledger.end(outcome, reason, 1_000, Comparison.Result.MATCH);
      assertBalanced(ledger);
    }
    RouterSnapshot.VariantStats s = ledger.snapshot();
    assertThat(s.sampled()).isEqualTo(RejectReason.values().length + 1 + Outcome.values().length);
    assertThat(s.inFlight()).isZero();
    assertThat(s.successes()).isEqualTo(1);
    assertThat(s.errors()).isEqualTo(1);
    assertThat(s.timeouts()).isEqualTo(1);
    assertThat(s.rejected(RejectReason.QUEUE_FULL)).isEqualTo(2);
    assertThat(s.rejected(RejectReason.CLOSED)).isEqualTo(2);
  }

  @Test
  void aFullVariantAdmitsNothingAndCountsNothingUntilRefused() {
    VariantLedger ledger = new VariantLedger("e", "v", Role.SHADOW);
    assertThat(ledger.tryAdmit(1)).isTrue();
    assertThat(ledger.tryAdmit(1)).isFalse();
    assertThat(ledger.snapshot().sampled()).isEqualTo(1); // the refused try is not sampled yet
    ledger.refuse(RejectReason.CONCURRENCY_LIMIT);
    assertBalanced(ledger);
    assertThat(ledger.snapshot().rejected(RejectReason.CONCURRENCY_LIMIT)).isEqualTo(1);
  }

  @Test
  void callersAndWorkersRacingKeepTheEquationAtQuiescence() throws Exception {
    VariantLedger ledger = new VariantLedger("e", "v", Role.SHADOW);
    int threads = 4;
    int perThread = 20_000;
    ExecutorService pool = Executors.newFixedThreadPool(threads);
    CountDownLatch start = new CountDownLatch(1);
    try {
      List<Future<?>> done = new ArrayList<>();
      for (int t = 0; t < threads; t++) {
        done.add(pool.submit(() -> {
          start.await();
          ThreadLocalRandom random = ThreadLocalRandom.current();
          for (int i = 0; i < perThread; i++) {
            if (!ledger.tryAdmit(3)) {
              ledger.refuse(RejectReason.CONCURRENCY_LIMIT);
            } else if (random.nextInt(10) == 0) {
              ledger.refuseAdmitted(RejectReason.QUEUE_FULL);
            } else {
              Outcome o = Outcome.values()[random.nextInt(Outcome.values().length)];
              ledger.end(o, o == Outcome.REJECTED ? RejectReason.CLOSED : null, 10,
                  Comparison.Result.MATCH);
            }
          }
          return null;
        }));
      }
      start.countDown();
      for (Future<?> f : done) {
        f.get();
      }
    } finally {
      pool.shutdownNow();
    }
    assertBalanced(ledger);
    assertThat(ledger.snapshot().sampled()).isEqualTo((long) threads * perThread);
    assertThat(ledger.idle()).isTrue();
  }
}
