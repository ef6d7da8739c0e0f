package dev.shadowrouting;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import dev.shadowrouting.ShadowTestReport.CheckResult;
import dev.shadowrouting.ShadowTestReport.FleetInstance;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** Instances of one service share their shadow tests through a {@link Fleet}. */
class FleetTest {

  private final InMemoryFleet.Hub hub = new InMemoryFleet.Hub();
  private final List<ShadowRouter<Integer, Integer>> routers = new ArrayList<>();

  @AfterEach
  void close() {
    routers.forEach(ShadowRouter::close);
  }

  private ShadowRouter<Integer, Integer> instance(String id) {
    ShadowRouter<Integer, Integer> router = ShadowRouter.create(
        EndpointConfig.<Integer, Integer>builder("fraud")
            .production(Variant.<Integer, Integer>builder("v1", in -> in % 2).build())
            .queueCapacity(8192)
            .fleet(hub.instance(id))
            .build());
    routers.add(router);
    return router;
  }

  /** The same test, as every instance starts it from the same configuration. */
  private static ShadowTestSpec<Integer, Integer> spec() {
    // wrong on every 20th input: 5% mismatches and 5% more errors
    return ShadowTestSpec.builder(Variant.<Integer, Integer>builder("v2", in -> {
          if (in % 20 == 0) {
            throw new IllegalStateException("candidate bug");
          }
          return in % 2;
        }).maxConcurrency(4096).build())
        .withoutCheck(ShadowTestSpec.Check.LATENCY)
        .withoutCheck(ShadowTestSpec.Check.TAIL_LATENCY)
        .continueAfterFail(true)
        .duration(Duration.ofHours(1))
        .build();
  }

  private static void traffic(ShadowRouter<Integer, Integer> router, int from, int to)
      throws Exception {
    for (int i = from; i < to; i++) {
      router.predict(i);
    }
    Fixtures.awaitQuiescentShadows(router);
  }

  @Test
  void everyInstanceReachesTheVerdictOfAllThePairsMerged() throws Exception {
    ShadowRouter<Integer, Integer> a = instance("pod-a");
    ShadowRouter<Integer, Integer> b = instance("pod-b");
    ShadowRouter<Integer, Integer> c = instance("pod-c");
    ShadowTest ta = a.startTest(spec());
    ShadowTest tb = b.startTest(spec());
    ShadowTest tc = c.startTest(spec());
    assertThat(tb.fleetId()).isEqualTo(ta.fleetId()).isEqualTo(tc.fleetId())
        .startsWith("fraud/v2/");
    traffic(a, 0, 100);
    traffic(b, 100, 400);
    traffic(c, 400, 1_000);
    Instant now = Instant.now();
    hub.publishAll(now);

    PairedStatistics all = ta.statistics().merge(tb.statistics()).merge(tc.statistics());
    Evaluation expected = all.evaluate();
    assertThat(expected.pairs()).isEqualTo(1_000);
    for (ShadowTest t : List.of(ta, tb, tc)) {
      ShadowTestReport fleet = t.fleetReport();
      assertThat(fleet.calls()).isEqualTo(1_000);
      assertThat(fleet.verdict()).isEqualTo(expected.verdict());
      assertThat(fleet.checks()).hasSameSizeAs(expected.checks());
      for (int i = 0; i < expected.checks().size(); i++) {
        CheckResult want = expected.checks().get(i);
        CheckResult got = fleet.checks().get(i);
        assertThat(got.name()).isEqualTo(want.name());
        assertThat(got.verdict()).isEqualTo(want.verdict());
        assertThat(got.lower()).isCloseTo(want.lower(), within(1e-9));
        assertThat(got.upper()).isCloseTo(want.upper(), within(1e-9));
        assertThat(got.n()).isEqualTo(want.n());
      }
      assertThat(fleet.instances()).extracting(FleetInstance::pairs)
          .containsExactlyInAnyOrder(100L, 300L, 600L);
      assertThat(fleet.instances().get(0).pairs()).as("this instance first")
          .isEqualTo(t.report().calls());
      assertThat(fleet.instances()).noneMatch(FleetInstance::stale);
      assertThat(t.report().instances()).as("the local report is the instance's own").isEmpty();
      assertThat(fleet.toString()).contains("fleet of 3 instances:");
      assertThat(fleet.toJson()).contains("\"instances\":[{\"id\":");
    }
    // the instance's own view decides on its own pairs only
    assertThat(ta.report().calls()).isEqualTo(100);
    assertThat(ta.fleetReport().check("errors").orElseThrow().verdict()).isEqualTo(Verdict.FAIL);
  }

  @Test
  void aSilentInstanceIsShownStaleAndItsPairsStillCount() throws Exception {
    ShadowRouter<Integer, Integer> a = instance("pod-a");
    ShadowRouter<Integer, Integer> b = instance("pod-b");
    ShadowTest ta = a.startTest(spec());
    ShadowTest tb = b.startTest(spec());
    traffic(b, 0, 200);
    hub.publishAll(Instant.now().minus(Duration.ofMinutes(1)));

    ShadowTestReport fleet = ta.fleetReport();
    assertThat(fleet.calls()).isEqualTo(200);
    assertThat(fleet.instances()).extracting(FleetInstance::id, FleetInstance::stale)
        .containsExactly(org.assertj.core.groups.Tuple.tuple("pod-a", false),
            org.assertj.core.groups.Tuple.tuple("pod-b", true));
    assertThat(fleet.toString()).contains("pod-b 200 pairs (stale since");
    tb.stop();
  }

  @Test
  void anotherSpecIsAnotherTestAndUnreadableBytesAreLeftOut() throws Exception {
    ShadowRouter<Integer, Integer> a = instance("pod-a");
    ShadowRouter<Integer, Integer> b = instance("pod-b");
    ShadowTest ta = a.startTest(spec());
    ShadowTest other = b.startTest(ShadowTestSpec.builder(
        Variant.<Integer, Integer>builder("v2", in -> in % 2).build()).minAgreement(0.9).build());
    assertThat(other.fleetId()).isNotEqualTo(ta.fleetId());
    traffic(b, 0, 100);
    hub.publishAll(Instant.now());
    hub.deliver("fraud", ta.fleetId(), "pod-x", Instant.now(), new byte[] {1, 2, 3});

    ShadowTestReport fleet = ta.fleetReport();
    assertThat(fleet.calls()).isZero();
    assertThat(fleet.instances()).extracting(FleetInstance::id).containsExactly("pod-a");
  }

  @Test
  void withoutAFleetTheFleetReportIsTheLocalOneAndTheFleetCannotChangeOnUpdate()
      throws Exception {
    try (ShadowRouter<Integer, Integer> alone = ShadowRouter.create(
        EndpointConfig.<Integer, Integer>builder("alone")
            .production(Variant.<Integer, Integer>builder("v1", in -> in).build()).build())) {
      ShadowTest t = alone.startTest(spec());
      traffic(alone, 0, 50);
      assertThat(t.fleetReport().instances()).isEmpty();
      assertThat(t.fleetReport().calls()).isEqualTo(t.report().calls());
      assertThatThrownBy(() -> alone.update(alone.config().toBuilder()
          .fleet(hub.instance("pod-z")).build()))
          .isInstanceOf(IllegalArgumentException.class)
          .hasMessageContaining("fleet cannot change on a running router");
      t.stop();
    }
  }
}
