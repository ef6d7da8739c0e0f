package dev.shadowrouting.kafka;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import dev.shadowrouting.Evaluation;
import dev.shadowrouting.InvalidConfigurationException;
import dev.shadowrouting.OperationResult;
import dev.shadowrouting.Problem;
import dev.shadowrouting.ShadowRouter;
import dev.shadowrouting.ShadowTest;
import dev.shadowrouting.ShadowTestReport.FleetInstance;
import dev.shadowrouting.Variant;
import dev.shadowrouting.Verdict;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import org.assertj.core.groups.Tuple;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.springframework.kafka.test.EmbeddedKafkaKraftBroker;

/**
 * A fleet on a real (in-JVM KRaft) broker: instances in this JVM and in another one, on the
 * Kafka clients this module compiles against and on the newest, share one verdict and one promote.
 */
class KafkaFleetTest {
  @RegisterExtension
  static final Brokers.SharedBroker BROKER = new Brokers.SharedBroker();
  private static final Duration WAIT = Duration.ofSeconds(30);

  /** Routers and fleets, closed in reverse order after each test. */
  private final List<AutoCloseable> open = new ArrayList<>();

  @AfterEach
  void close() throws Exception {
    Collections.reverse(open);
    for (AutoCloseable c : open) {
      c.close();
    }
  }

  private ShadowRouter<Integer, Integer> instance(String bootstrap, String id, String topics) {
    KafkaFleet fleet = FleetScenario.fleet(bootstrap, id, topics).build();
    open.add(fleet);
    ShadowRouter<Integer, Integer> router = FleetScenario.router(fleet);
    open.add(router);
    return router;
  }

  private static long fleetPairs(ShadowTest t) {
    return t.fleetStatistics().evaluate().pairs();
  }

  /**
   * Three instances, one in another JVM on the newest kafka-clients, with 10%, 30% and 60% of the
   * traffic, reach the verdict of one router fed all the pairs; then a test started by name and a
   * promote, each issued on one instance, are applied by all while requests flow, none failing
   * or answered by another variant than it says; a later instance catches up.
   */
  @Test
  void threeInstancesShareOneVerdictAndOnePromote() throws Exception {
    String bootstrap = BROKER.bootstrap();
    String topics = "three";
    try (ChildInstance c = ChildInstance.start(bootstrap, "pod-c", topics, "400", "1000")) {
      assertThat(c.next()).isEqualTo("CLIENTS " + ChildInstance.newestClients().getFileName());
      ShadowRouter<Integer, Integer> a = instance(bootstrap, "pod-a", topics);
      ShadowRouter<Integer, Integer> b = instance(bootstrap, "pod-b", topics);
      ShadowTest ta = a.startTest(FleetScenario.spec());
      ShadowTest tb = b.startTest(FleetScenario.spec());
      FleetScenario.traffic(a, 0, 100);
      FleetScenario.traffic(b, 100, 400);
      assertThat(c.next()).isEqualTo("READY 600");

      Evaluation expected;
      try (ShadowRouter<Integer, Integer> all = FleetScenario.router(null)) {
        ShadowTest t = all.startTest(FleetScenario.spec());
        FleetScenario.traffic(all, 0, 1_000);
        expected = t.statistics().evaluate();
      }
      assertThat(expected.verdict()).isEqualTo(Verdict.FAIL); // the candidate's 5% errors
      await().atMost(WAIT).until(() -> fleetPairs(ta) == 1_000 && fleetPairs(tb) == 1_000);
      for (ShadowTest t : List.of(ta, tb)) {
        Evaluation fleet = t.fleetStatistics().evaluate();
        assertThat(fleet.verdict()).isEqualTo(expected.verdict());
        assertThat(fleet.checks()).usingRecursiveComparison()
            .withComparatorForType((x, y) -> Math.abs(x - y) <= 1e-9 ? 0 : Double.compare(x, y),
                Double.class)
            .isEqualTo(expected.checks());
        assertThat(t.fleetReport().instances()).extracting(FleetInstance::id,
            FleetInstance::pairs).containsExactlyInAnyOrder(Tuple.tuple("pod-a", 100L),
            Tuple.tuple("pod-b", 300L), Tuple.tuple("pod-c", 600L));
      }
      await().atMost(WAIT).until(() -> c.send("status").contains(" fleetPairs=1000 "));

      try (Traffic ra = new Traffic(a); Traffic rb = new Traffic(b)) {
        assertThat(c.send("traffic-start")).isEqualTo("OK");
        OperationResult started = a.operations().startTest("v3", FleetScenario.V3_SETTINGS);
        assertThat(started.status()).as(started.message())
            .isEqualTo(OperationResult.Status.PUBLISHED);
        await().atMost(WAIT).until(() -> running(a) && running(b)
            && c.send("status").contains(" v3=RUNNING/NONE "));

        long issued = System.nanoTime();
        OperationResult promoted = b.operations().promote("v3", true);
        assertThat(promoted.status()).as(promoted.message())
            .isEqualTo(OperationResult.Status.PUBLISHED);
        await().atMost(WAIT).pollInterval(Duration.ofMillis(5))
            .until(() -> production(a).equals(List.of("v3")));
        long onA = System.nanoTime() - issued;
        await().atMost(WAIT).until(() -> production(b).equals(List.of("v3"))
            && c.send("status").startsWith("STATUS production=v3 v3=STOPPED/PROMOTED "));
        System.out.printf("promote issued on pod-b applied on pod-a after %.1f ms%n",
            onA / 1e6);
        await().atMost(WAIT).until(() -> ra.answered() > 0 && rb.answered() > 0);
        ra.close();
        rb.close();
        for (Traffic r : List.of(ra, rb)) {
          assertThat(r.failed()).isZero();
          assertThat(r.wrong()).isZero();
          assertThat(r.back()).isZero();
        }
      }
      assertThat(c.send("traffic-stop")).isEqualTo("OK");
      String status = c.send("status");
      assertThat(status).contains(" failed=0 wrong=0 back=0").doesNotContain(" answered=0 ");
      assertThat(a.test("v3").orElseThrow().decision()).isEqualTo(ShadowTest.Decision.PROMOTED);

      ShadowRouter<Integer, Integer> late = instance(bootstrap, "pod-late", topics);
      await().atMost(WAIT).until(() -> production(late).equals(List.of("v3")));
      assertThat(late.test("v3").orElseThrow().decision())
          .isEqualTo(ShadowTest.Decision.PROMOTED);

      assertThat(c.send("exit")).isEqualTo("BYE");
      assertThat(c.exitCode()).isZero();
    }
  }

  private static boolean running(ShadowRouter<?, ?> router) {
    return router.test("v3").map(t -> t.status() == ShadowTest.Status.RUNNING).orElse(false);
  }

  private static List<String> production(ShadowRouter<?, ?> router) {
    return router.config().productionVariants().stream().map(Variant::name).toList();
  }

  /**
   * A broker that stops mid-test makes the fleet view stale (the other instance shown stale, its
   * pairs still counted) and an operation unavailable; production answers every request.
   */
  @Test
  void aStoppedBrokerMakesTheFleetViewStaleAndProductionNeverNotices() throws Exception {
    EmbeddedKafkaKraftBroker broker = Brokers.start();
    ShadowRouter<Integer, Integer> a;
    ShadowRouter<Integer, Integer> b;
    ShadowTest ta;
    try {
      a = instance(broker.getBrokersAsString(), "pod-a", "down");
      b = instance(broker.getBrokersAsString(), "pod-b", "down");
      ta = a.startTest(FleetScenario.spec());
      b.startTest(FleetScenario.spec());
      FleetScenario.traffic(a, 0, 100);
      FleetScenario.traffic(b, 100, 300);
      await().atMost(WAIT).until(() -> fleetPairs(ta) == 300);
    } finally {
      broker.destroy();
    }
    long started = System.nanoTime();
    for (int i = 0; i < 2_000; i++) {
      assertThat(a.predict(i)).isEqualTo(i % 2);
      assertThat(b.predict(i)).isEqualTo(i % 2);
    }
    System.out.printf("4000 requests with the broker down: %.1f ms%n",
        (System.nanoTime() - started) / 1e6);
    await().atMost(WAIT).until(() -> ta.fleetReport().instances().stream()
        .anyMatch(i -> i.id().equals("pod-b") && i.stale()));
    assertThat(ta.fleetReport().instances()).filteredOn(i -> i.id().equals("pod-b"))
        .extracting(FleetInstance::pairs).containsExactly(200L);
    assertThat(fleetPairs(ta)).isGreaterThanOrEqualTo(300);
    assertThat(ta.fleetReport().toString()).contains("pod-b 200 pairs (stale since");

    OperationResult r = a.operations().promote("v2", true);
    assertThat(r.status()).as(r.message()).isEqualTo(OperationResult.Status.UNAVAILABLE);
    assertThat(production(a)).containsExactly("v1");
    assertThat(ta.status()).isEqualTo(ShadowTest.Status.RUNNING);
  }

  /**
   * An instance restarted with the same id mid-test rejoins: it sees the fleet again, and its
   * earlier run's pairs stay in the fleet's count, with its new ones.
   */
  @Test
  void anInstanceRestartedMidTestRejoinsWithItsEarlierPairs() throws Exception {
    String bootstrap = BROKER.bootstrap();
    KafkaFleet first = FleetScenario.fleet(bootstrap, "pod-a", "restart").build();
    ShadowRouter<Integer, Integer> a = FleetScenario.router(first);
    ShadowRouter<Integer, Integer> b = instance(bootstrap, "pod-b", "restart");
    a.startTest(FleetScenario.spec());
    ShadowTest tb = b.startTest(FleetScenario.spec());
    FleetScenario.traffic(a, 0, 300);
    FleetScenario.traffic(b, 300, 400);
    await().atMost(WAIT).until(() -> fleetPairs(tb) == 400);
    a.close(); // the instance stops: its test's final statistics are published
    first.close();

    ShadowRouter<Integer, Integer> again = instance(bootstrap, "pod-a", "restart");
    ShadowTest restarted = again.startTest(FleetScenario.spec());
    FleetScenario.traffic(again, 400, 450);
    await().atMost(WAIT).until(() -> fleetPairs(restarted) == 450 && fleetPairs(tb) == 450);
    assertThat(restarted.fleetReport().instances()).extracting(FleetInstance::id,
        FleetInstance::pairs).containsExactlyInAnyOrder(Tuple.tuple("pod-a", 350L),
        Tuple.tuple("pod-b", 100L));
    assertThat(restarted.report().calls()).as("the local report is this run's").isEqualTo(50);
  }

  @Test
  void theBuilderNamesEveryInvalidSettingAndDefaultsTheInstanceToHostAndProcess() {
    assertThatThrownBy(() -> KafkaFleet.builder("broker:9092").instanceId(" ")
        .publishInterval(Duration.ofMillis(10)).statisticsTopic("same").commandTopic("same")
        .commandTimeout(Duration.ofHours(1)).property("group.id", "g")
        .property("securityy.protocol", "SSL").build())
        .isInstanceOfSatisfying(InvalidConfigurationException.class, e -> assertThat(
            e.problems()).extracting(Problem::field).containsExactly("instanceId",
            "publishInterval", "commandTopic", "commandTimeout", "properties[group.id]",
            "properties[securityy.protocol]"))
        .hasMessageContaining("properties[securityy.protocol] must be a setting of the Kafka"
            + " producer or consumer or admin client");
    try (KafkaFleet fleet = KafkaFleet.builder("broker:9092").property("security.protocol",
        "PLAINTEXT").build()) {
      assertThat(fleet.instanceId()).endsWith(":" + ProcessHandle.current().pid());
      assertThat(fleet.publishInterval()).isEqualTo(Duration.ofSeconds(5));
      assertThat(fleet.carriesCommands()).isTrue();
    }
  }

  /** A fleet built without commands shares statistics only: operations act on this instance. */
  @Test
  void withoutCommandsOperationsActOnThisInstanceAlone() {
    try (KafkaFleet alone = KafkaFleet.builder("localhost:1").commands(false)
        .commandTimeout(Duration.ofSeconds(1)).build();
        ShadowRouter<Integer, Integer> router = FleetScenario.router(alone)) {
      assertThat(alone.carriesCommands()).isFalse();
      OperationResult r = router.operations().promote("v3", false);
      assertThat(r.status()).as(r.message()).isEqualTo(OperationResult.Status.APPLIED);
      assertThat(production(router)).containsExactly("v3");
      assertThatThrownBy(() -> alone.publishCommand(FleetScenario.ENDPOINT, new byte[1]))
          .isInstanceOf(UnsupportedOperationException.class);
    }
  }
}
