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
import java.util.Map;
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
    ShadowRouter<Integer, Integer> router = ShadowRouter.create(config(id).build());
    routers.add(router);
    return router;
  }

  private EndpointConfig.Builder<Integer, Integer> config(String id) {
    return EndpointConfig.<Integer, Integer>builder("fraud")
        .production(Variant.<Integer, Integer>builder("v1", in -> in % 2).build())
        .queueCapacity(8192)
        .fleet(hub.instance(id));
  }

  /** An instance whose configuration has the shadow variant "v3" (every instance has it). */
  private ShadowRouter<Integer, Integer> withShadow(String id) {
    ShadowRouter<Integer, Integer> router = ShadowRouter.create(config(id)
        .shadow(Variant.<Integer, Integer>builder("v3", in -> in % 2).maxConcurrency(4096)
            .build())
        .build());
    routers.add(router);
    return router;
  }

  private static List<String> production(ShadowRouter<?, ?> router) {
    return router.config().productionVariants().stream().map(Variant::name).toList();
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
      Evaluation memoryless = t.fleetStatistics().evaluate();
      assertThat(memoryless.pairs()).isEqualTo(1_000);
      assertThat(memoryless.checks()).usingRecursiveFieldByFieldElementComparator()
          .isEqualTo(expected.checks());
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

  private static final Map<String, Object> SETTINGS =
      Map.of("duration", "PT1H", "minAgreement", 0.9, "withoutChecks", List.of("latency"));

  /**
   * A start-test by name on one instance is published and applied by every instance with the same
   * start and the same fleet id as the test built from the same values in code; a later instance
   * catches up from the retained commands.
   */
  @Test
  void aTestStartedByNameOnOneInstanceStartsOnEveryInstance() throws Exception {
    ShadowRouter<Integer, Integer> a = withShadow("pod-a");
    ShadowRouter<Integer, Integer> b = withShadow("pod-b");
    OperationResult r = a.operations().startTest("v3", SETTINGS);
    assertThat(r.status()).as(r.message()).isEqualTo(OperationResult.Status.PUBLISHED);
    assertThat(r.accepted()).isTrue();
    assertThat(r.applied()).isFalse();
    ShadowRouter<Integer, Integer> late = withShadow("pod-late");

    ShadowTest ta = a.test("v3").orElseThrow();
    for (ShadowRouter<Integer, Integer> router : List.of(a, b, late)) {
      ShadowTest t = router.test("v3").orElseThrow();
      assertThat(t.status()).isEqualTo(ShadowTest.Status.RUNNING);
      assertThat(t.fleetId()).isEqualTo(ta.fleetId());
      assertThat(t.report().startedAt()).isEqualTo(ta.report().startedAt());
      assertThat(router.config().shadowVariants()).extracting(Variant::name)
          .containsExactly("v3"); // taken over, not added twice
    }
    try (ShadowRouter<Integer, Integer> inCode = ShadowRouter.create(
        EndpointConfig.<Integer, Integer>builder("fraud")
            .production(Variant.<Integer, Integer>builder("v1", in -> in).build()).build())) {
      ShadowTest same = inCode.startTest(ShadowTestSpec.builder(
              Variant.<Integer, Integer>builder("v3", in -> in % 2).build())
          .duration(Duration.ofHours(1)).minAgreement(0.9)
          .withoutCheck(ShadowTestSpec.Check.LATENCY).build());
      assertThat(same.fleetId()).isEqualTo(ta.fleetId());
    }

    hub.redeliverCommands(); // a consumer that read the topic again: each command applies once
    for (ShadowRouter<Integer, Integer> router : List.of(a, b, late)) {
      assertThat(router.tests()).hasSize(1);
    }
    assertThat(b.operations().startTest("v3", SETTINGS).status())
        .isEqualTo(OperationResult.Status.NOT_FOUND); // v3 is a test's candidate now
  }

  /** A promote on one instance is published, applied by all (forced); a later one catches up. */
  @Test
  void aPromoteOnOneInstancePromotesTheFleetAndALaterInstanceCatchesUp() throws Exception {
    ShadowRouter<Integer, Integer> a = withShadow("pod-a");
    ShadowRouter<Integer, Integer> b = withShadow("pod-b");
    a.operations().startTest("v3", SETTINGS);
    traffic(a, 0, 50);
    OperationResult refused = b.operations().promote("v3", false);
    assertThat(refused.status()).isEqualTo(OperationResult.Status.CONFLICT); // checked where asked
    assertThat(a.test("v3").orElseThrow().status()).isEqualTo(ShadowTest.Status.RUNNING);

    OperationResult r = b.operations().promote("v3", true);
    assertThat(r.status()).as(r.message()).isEqualTo(OperationResult.Status.PUBLISHED);
    assertThat(r.message()).contains("promote 'v3' (force) of endpoint 'fraud'", "from pod-b");
    for (ShadowRouter<Integer, Integer> router : List.of(a, b)) {
      assertThat(production(router)).containsExactly("v3");
      assertThat(router.test("v3").orElseThrow().decision())
          .isEqualTo(ShadowTest.Decision.PROMOTED);
    }
    assertThat(a.predict(3)).isEqualTo(1);

    ShadowRouter<Integer, Integer> late = withShadow("pod-late"); // start, then promote
    assertThat(production(late)).containsExactly("v3");
    assertThat(late.test("v3").orElseThrow().decision()).isEqualTo(ShadowTest.Decision.PROMOTED);
  }

  /**
   * A stop, promote or discard is kept as the latest decision about its test: a test of the same
   * fleet id that starts later here (from the same configuration, after a restart) gets it, unless
   * a later start-test of that id replaced it.
   */
  @Test
  void aDecisionIsAppliedToTheSameTestStartedLaterFromConfiguration() throws Exception {
    ShadowRouter<Integer, Integer> a = instance("pod-a");
    ShadowTest ta = a.startTest(spec());
    assertThat(a.operations().discard("v2", true).status())
        .isEqualTo(OperationResult.Status.PUBLISHED);
    assertThat(ta.decision()).isEqualTo(ShadowTest.Decision.DISCARDED);

    ShadowRouter<Integer, Integer> restarted = instance("pod-b");
    ShadowTest tb = restarted.startTest(spec()); // its configuration starts the same test
    assertThat(tb.fleetId()).isEqualTo(ta.fleetId());
    assertThat(tb.decision()).isEqualTo(ShadowTest.Decision.DISCARDED);
    assertThat(tb.status()).isEqualTo(ShadowTest.Status.STOPPED);
    ShadowTest other = restarted.startTest(ShadowTestSpec.builder(
        Variant.<Integer, Integer>builder("v2", in -> in).build()).build());
    assertThat(other.status()).as("another test of the same candidate is another test")
        .isEqualTo(ShadowTest.Status.RUNNING);
  }

  @Test
  void inAFleetOperationsAreRefusedWithTheFieldAndNothingIsPublishedWhenRefused() {
    ShadowRouter<Integer, Integer> a = withShadow("pod-a");
    ShadowRouter<Integer, Integer> b = withShadow("pod-b");
    ShadowOperations<Integer, Integer> ops = a.operations();
    OperationResult byCode = ops.startTest(spec());
    assertThat(byCode.status()).isEqualTo(OperationResult.Status.INVALID);
    assertThat(byCode.problems().get(0).field()).isEqualTo("candidate");
    assertThat(byCode.message()).contains("startTest(candidate, settings)");

    OperationResult misspelled = ops.startTest("v3", Map.of("minAgreemnt", 0.9));
    assertThat(misspelled.status()).isEqualTo(OperationResult.Status.INVALID);
    assertThat(misspelled.problems()).extracting(Problem::field).containsExactly("minAgreemnt");
    assertThat(misspelled.message()).contains("one of the settings [samplingRate, duration");
    OperationResult outOfRange = ops.startTest("v3", Map.of("minAgreement", 1.5,
        "duration", "an hour"));
    assertThat(outOfRange.problems()).extracting(Problem::field)
        .containsExactlyInAnyOrder("duration");
    assertThat(ops.startTest("v3", Map.of("minAgreement", "1.5")).problems())
        .extracting(Problem::field, Problem::requirement)
        .containsExactly(org.assertj.core.groups.Tuple.tuple("minAgreement", "in [0.0, 1.0]"));
    assertThat(ops.startTest("v9", Map.of()).status())
        .isEqualTo(OperationResult.Status.NOT_FOUND);

    hub.down(true);
    OperationResult unavailable = ops.startTest("v3", SETTINGS);
    assertThat(unavailable.status()).isEqualTo(OperationResult.Status.UNAVAILABLE);
    assertThat(unavailable.accepted()).isFalse();
    assertThat(unavailable.problems().get(0).field()).isEqualTo("fleet");
    hub.down(false);
    assertThat(a.tests()).isEmpty();
    assertThat(b.tests()).isEmpty();
  }

  /**
   * An instance restarted with the same id finds its earlier run's statistics in the fleet and
   * publishes them with its new pairs: the fleet loses none of its pairs.
   */
  @Test
  void anInstanceRestartedWithTheSameIdKeepsItsEarlierPairs() throws Exception {
    ShadowRouter<Integer, Integer> a = instance("pod-a");
    ShadowRouter<Integer, Integer> b = instance("pod-b");
    a.startTest(spec());
    ShadowTest tb = b.startTest(spec());
    traffic(a, 0, 300);
    traffic(b, 300, 400);
    hub.publishAll(Instant.now());
    a.close(); // its final statistics are published when its test stops
    hub.publishAll(Instant.now());
    assertThat(tb.fleetReport().calls()).isEqualTo(400);

    ShadowRouter<Integer, Integer> again = instance("pod-a");
    ShadowTest restarted = again.startTest(spec());
    traffic(again, 400, 450);
    assertThat(restarted.fleetReport().instances()).extracting(FleetInstance::id,
        FleetInstance::pairs).containsExactlyInAnyOrder(
        org.assertj.core.groups.Tuple.tuple("pod-a", 350L),
        org.assertj.core.groups.Tuple.tuple("pod-b", 100L));
    hub.publishAll(Instant.now());
    assertThat(tb.fleetReport().calls()).isEqualTo(450);
    assertThat(restarted.report().calls()).as("the local report is this run's").isEqualTo(50);
  }
}
