package dev.shadowrouting.internal.tests;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.shadowrouting.Role;
import dev.shadowrouting.ShadowTest.Status;
import dev.shadowrouting.ShadowTest;
import dev.shadowrouting.ShadowTestSpec;
import dev.shadowrouting.Variant;
import dev.shadowrouting.internal.lanes.Exchange;
import dev.shadowrouting.internal.ledger.VariantLedger;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;

/**
 * A shadow test's life cycle against a recording {@link TestHost}: no router, no watchdog, no
 * thread but the test's. Reading a test never ends it; the tick does; a test ended on a pool
 * worker leaves its lanes to the next tick; one promote call makes the candidate production.
 */
class TestRunLifecycleTest {

  private final AtomicReference<Instant> now =
      new AtomicReference<>(Instant.parse("2026-12-03T10:00:00Z"));
  private final Clock clock = new Clock() {
    @Override
    public ZoneOffset getZone() {
      return ZoneOffset.UTC;
    }

    @Override
    public Clock withZone(java.time.ZoneId zone) {
      return this;
    }

    @Override
    public Instant instant() {
      return now.get();
    }
  };

  /** Records what the test asks of its endpoint, in order. */
  private static final class Host implements TestHost<Integer, Integer> {
    final List<String> calls = new ArrayList<>();

    @Override
    public String endpoint() {
      return "e";
    }

    @Override
    public String requestId(Exchange<?, ?> ex) {
      return "r";
    }

    @Override
    public long unmatchedLabels() {
      return 0;
    }

    @Override
    public void endedOnPool() {
      calls.add("endedOnPool");
    }

    @Override
    public void removeLanes(TestRun<Integer, Integer> test) {
      calls.add("removeLanes");
    }

    @Override
    public void changeSamplingRate(TestRun<Integer, Integer> test, double rate) {
      calls.add("samplingRate " + rate);
    }

    @Override
    public List<String> promote(TestRun<Integer, Integer> test) {
      calls.add("promote " + test.candidateName());
      return List.of("v1");
    }

    @Override
    public FleetPeers<Integer, Integer> fleet() {
      return null;
    }
  }

  private final Host host = new Host();

  private TestRun<Integer, Integer> test(ShadowTestSpec.Builder<Integer, Integer> spec) {
    TestRun<Integer, Integer> t = new TestRun<>(host, spec.build(), List.of("v1"), null);
    t.attach(new VariantLedger("e", "v2", Role.SHADOW), null);
    return t;
  }

  private ShadowTestSpec.Builder<Integer, Integer> spec() {
    return ShadowTestSpec.builder(Variant.<Integer, Integer>builder("v2", in -> in).build())
        .duration(Duration.ofHours(1))
        .clock(clock);
  }

  @Test
  void readingATestPastItsDeadlineNeverEndsItTheTickDoes() throws Exception {
    TestRun<Integer, Integer> t = test(spec());
    now.set(now.get().plus(Duration.ofHours(2))); // past the deadline, and no tick yet

    for (int i = 0; i < 3; i++) {
      assertThat(t.status()).isEqualTo(Status.RUNNING);
      assertThat(t.report().status()).isEqualTo(Status.RUNNING);
      assertThat(t.awaitCompletion(Duration.ZERO)).isFalse();
      assertThat(t.decision()).isEqualTo(ShadowTest.Decision.NONE);
    }
    assertThat(host.calls).isEmpty();

    t.tick();

    assertThat(t.status()).isEqualTo(Status.COMPLETED);
    assertThat(t.report().endReason()).contains("deadline");
    assertThat(t.awaitCompletion(Duration.ZERO)).isTrue();
    assertThat(host.calls).containsExactly("removeLanes");
    assertThat(t.active()).isFalse();
  }

  @Test
  void aTestEndedOnThePoolLeavesItsLanesToTheNextTick() throws Exception {
    TestRun<Integer, Integer> t = test(spec().maxRequests(1));
    Exchange<Integer, Integer> ex = new Exchange<>(null, null, 1, null, "r");
    ex.output = 2;
    ex.latencyNanos = 1_000;

    t.observe(ex, false, dev.shadowrouting.Outcome.SUCCESS, 1_000, 10, 10,
        dev.shadowrouting.Comparison.match(), 2);

    assertThat(t.status()).isEqualTo(Status.COMPLETED); // the budget is spent
    assertThat(host.calls).containsExactly("endedOnPool"); // no lock taken on the worker
    assertThat(t.awaitCompletion(Duration.ZERO)).isFalse(); // its lanes are still there
    assertThat(t.active()).isTrue();

    t.tick();

    assertThat(host.calls).containsExactly("endedOnPool", "removeLanes");
    assertThat(t.awaitCompletion(Duration.ZERO)).isTrue();
    assertThat(t.report().calls()).isEqualTo(1);
  }

  @Test
  void theStateMachineAllowsOneEndAndOneDecision() {
    TestRun<Integer, Integer> t = test(spec());
    assertThatThrownBy(t::promote).isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("still running");
    t.stop();
    t.stop(); // idempotent
    assertThat(t.status()).isEqualTo(Status.STOPPED);
    assertThat(host.calls).containsExactly("removeLanes");

    t.promote();
    assertThat(t.decision()).isEqualTo(ShadowTest.Decision.PROMOTED);
    assertThat(t.report().productionVariants()).containsExactly("v1");
    assertThat(host.calls).containsExactly("removeLanes", "promote v2");
    assertThatThrownBy(t::discard).isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("already promoted");
    t.tick(); // nothing left to do
    assertThat(host.calls).hasSize(2);
  }
}
