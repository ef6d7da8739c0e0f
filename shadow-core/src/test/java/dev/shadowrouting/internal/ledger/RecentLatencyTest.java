package dev.shadowrouting.internal.ledger;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import dev.shadowrouting.Role;
import dev.shadowrouting.RouterSnapshot;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** The recent-latency window a live chart plots, next to the cumulative percentiles. */
class RecentLatencyTest {

  private static final long S = TimeUnit.SECONDS.toNanos(1);

  @Test
  void theWindowKeepsTheLastThirtySecondsOfSnapshotsAndTheCumulativeKeepsAll() {
    VariantLedger c = new VariantLedger("e", "v", Role.PRODUCTION);
    long t0 = 1_000 * S;
    for (int i = 0; i < 100; i++) {
      c.productionSampled(1_000_000); // 1 ms
    }
    RouterSnapshot.VariantStats first = c.snapshot(t0);
    assertThat(first.recentLatencyCount()).isEqualTo(100);
    assertThat((double) first.recentP50Nanos()).isCloseTo(1e6, within(1e5)); // 1 digit: 10%

    for (int i = 0; i < 100; i++) {
      c.productionSampled(10_000_000); // the variant became 10x slower
    }
    RouterSnapshot.VariantStats mixed = c.snapshot(t0 + 10 * S);
    assertThat(mixed.recentLatencyCount()).isEqualTo(200);

    RouterSnapshot.VariantStats later = c.snapshot(t0 + 33 * S); // the 1 ms bucket has expired
    assertThat(later.recentLatencyCount()).isEqualTo(100);
    assertThat((double) later.recentP50Nanos()).isCloseTo(1e7, within(1e6));
    assertThat(later.latencyCount()).isEqualTo(200); // cumulative: everything
    assertThat((double) later.p50Nanos()).isCloseTo(1e6, within(1e5));

    assertThat(c.snapshot(t0 + 100 * S).recentLatencyCount()).isZero();
    assertThat(c.snapshot(t0 + 100 * S).recentP99Nanos()).isZero();
  }
}
