package dev.shadowrouting;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/** The snapshot's text form, pinned like its JSON (DocumentsTest): logs and messages quote it. */
class RouterSnapshotTest {

  @Test
  void theTextFormIsStable() {
    assertThat(DocumentsTest.snapshot()).hasToString("RouterSnapshot[endpoint=fraud, variants=["
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
    RouterSnapshot.VariantStats unwell = RouterSnapshot.VariantStats.builder("v3", Role.SHADOW)
        .health(1, true, true, true).build();

    assertThat(unwell).hasToString("v3[SHADOW, sampled=0, "
        + "{SUCCESS=0, ERROR=0, TIMEOUT=0, REJECTED=0}, rejections={QUEUE_FULL=0, "
        + "CONCURRENCY_LIMIT=0, CLOSED=0, QUARANTINED=0}, matches=0, mismatches=0, notCompared=0, "
        + "p50=0ns, p99=0ns, quarantined, saturated, timing out]");
  }
}
