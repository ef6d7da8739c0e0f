package dev.shadowrouting;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * The snapshot's text form, pinned like its JSON (DocumentsTest): logs and messages quote it; and
 * what a variant's statistics make of the counts they are given.
 */
class RouterSnapshotTest {

  @Test
  void theTextFormIsStable() {
    assertThat(Samples.snapshot()).hasToString("RouterSnapshot[endpoint=fraud, variants=["
        + "v1[PRODUCTION, sampled=90, {SUCCESS=99, ERROR=1, TIMEOUT=0, REJECTED=0}, "
        + "rejections={QUEUE_FULL=0, CONCURRENCY_LIMIT=0, CLOSED=0, QUARANTINED=0}, matches=0, "
        + "mismatches=0, notCompared=0, p50=1000ns, p99=3000ns], "
        + "v2[SHADOW, sampled=90, {SUCCESS=76, ERROR=3, TIMEOUT=1, REJECTED=10}, "
        + "rejections={QUEUE_FULL=4, CONCURRENCY_LIMIT=6, CLOSED=0, QUARANTINED=0}, matches=70, "
        + "mismatches=6, notCompared=4, p50=5000ns, p99=7000ns]], "
        + "sinks=[jsonl[emitted=180, delivered=170, dropped=10, failed=2, pending=0]], "
        + "queueDepth=3, liveThreads=2]");
  }

  @Test
  void aVariantsTextFormNamesItsHealthFlags() {
    RouterSnapshot.VariantStats unwell = variant(Map.of(), Map.of(), true);

    assertThat(unwell).hasToString("v3[SHADOW, sampled=0, "
        + "{SUCCESS=0, ERROR=0, TIMEOUT=0, REJECTED=0}, rejections={QUEUE_FULL=0, "
        + "CONCURRENCY_LIMIT=0, CLOSED=0, QUARANTINED=0}, matches=0, mismatches=0, notCompared=0, "
        + "p50=0ns, p99=0ns, quarantined, saturated, timing out]");
  }

  @Test
  void everyOutcomeAndReasonIsCountedAndRejectedIsTheSumOfTheReasons() {
    RouterSnapshot.VariantStats v = variant(Map.of(Outcome.SUCCESS, 5L),
        Map.of(RejectReason.QUEUE_FULL, 2L, RejectReason.CLOSED, 1L), false);

    assertThat(v.outcomes()).containsOnlyKeys(Outcome.values())
        .containsEntry(Outcome.ERROR, 0L).containsEntry(Outcome.REJECTED, 3L);
    assertThat(v.rejections()).containsOnlyKeys(RejectReason.values());
    assertThat(v.rejected()).isEqualTo(3);
    assertThat(v.rejected(RejectReason.QUARANTINED)).isZero();
    assertThat(variant(Map.of(Outcome.REJECTED, 3L), Map.of(RejectReason.QUEUE_FULL, 3L), false)
        .rejected()).isEqualTo(3);
  }

  @Test
  void aRejectedCountThatIsNotTheSumOfTheReasonsIsRefused() {
    assertThatThrownBy(() -> variant(Map.of(Outcome.REJECTED, 4L),
        Map.of(RejectReason.QUEUE_FULL, 3L), false))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("variant 'v3': 4 rejected copies, but the rejections per reason add up to 3");
  }

  private static RouterSnapshot.VariantStats variant(Map<Outcome, Long> outcomes,
      Map<RejectReason, Long> rejections, boolean unwell) {
    return new RouterSnapshot.VariantStats("v3", Role.SHADOW, true, 0, outcomes, rejections, 0,
        0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, unwell ? 1 : 0, unwell, unwell, unwell);
  }
}
