package dev.shadowrouting.spring;

import static dev.shadowrouting.spring.ShadowRoutingAutoConfigurationTest.ACTUATOR;
import static dev.shadowrouting.spring.ShadowRoutingAutoConfigurationTest.FRAUD;
import static dev.shadowrouting.spring.ShadowRoutingAutoConfigurationTest.STARTER;
import static org.assertj.core.api.Assertions.assertThat;

import dev.shadowrouting.Fleet;
import dev.shadowrouting.InMemoryFleet;
import dev.shadowrouting.ShadowRouter;
import dev.shadowrouting.ShadowTest;
import dev.shadowrouting.spring.Models.Score;
import dev.shadowrouting.spring.Models.Txn;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.springframework.boot.actuate.endpoint.SecurityContext;
import org.springframework.boot.actuate.endpoint.web.WebEndpointResponse;
import org.springframework.boot.test.context.runner.WebApplicationContextRunner;
import org.springframework.context.ConfigurableApplicationContext;

/**
 * Two instances of an application in one fleet (an {@link InMemoryFleet}, from shadow-core's
 * test jar): the Actuator's writes are fleet commands (202 once published, 503 when the fleet
 * cannot take them), and the endpoint's document carries each test's fleet report beside this
 * instance's, with the instances listed.
 */
class FleetEndpointTest {

  private final InMemoryFleet.Hub hub = new InMemoryFleet.Hub();

  private WebApplicationContextRunner instance(String id) {
    return new WebApplicationContextRunner()
        .withConfiguration(STARTER).withConfiguration(ACTUATOR)
        .withUserConfiguration(Models.class)
        .withBean(Fleet.class, () -> hub.instance(id))
        .withPropertyValues(FRAUD)
        .withPropertyValues("management.endpoints.web.exposure.include=shadow",
            "management.endpoint.shadow.access=UNRESTRICTED");
  }

  @Test
  void writesAreFleetCommandsAndTheDocumentHasTheFleetsVerdictWithItsInstances() {
    instance("a").run(a -> instance("b").run(b -> {
      assertThat(a).hasNotFailed();
      assertThat(b).hasNotFailed();
      ShadowRouter<Txn, Score> routerA = router(a);
      ShadowRouter<Txn, Score> routerB = router(b);
      assertThat(routerA.config().fleet()).isSameAs(a.getBean(Fleet.class));

      WebEndpointResponse<Map<String, Object>> started = write(a, "start-test", "v2", "1");
      assertThat(started.getStatus()).as("%s", started.getBody()).isEqualTo(202);
      assertThat(started.getBody()).containsEntry("outcome", "PUBLISHED");
      // the command reached both instances, the one that asked included
      assertThat(routerA.tests()).singleElement().extracting(ShadowTest::candidate)
          .isEqualTo("v2");
      assertThat(routerB.tests()).singleElement().extracting(ShadowTest::candidate)
          .isEqualTo("v2");

      for (int i = 0; i < 30; i++) {
        routerA.predict(new Txn("u" + i, i * 40));
      }
      for (int i = 0; i < 12; i++) {
        routerB.predict(new Txn("w" + i, i * 40));
      }
      assertThat(routerA.awaitIdle(Duration.ofSeconds(5))).isTrue();
      assertThat(routerB.awaitIdle(Duration.ofSeconds(5))).isTrue();
      Instant at = Instant.now();
      hub.publishAll(at);

      Map<String, Object> doc = a.getBean(ShadowEndpoint.class).endpoint("fraud");
      assertThat(map(doc, "fleet")).containsEntry("instanceId", "a")
          .containsEntry("commands", true).containsEntry("publishIntervalMillis", 5000L);
      Map<String, Object> test = list(doc, "tests").get(0);
      assertThat(test).containsEntry("candidate", "v2");
      assertThat(list(test, "instances")).isEmpty(); // this instance's own report
      Map<String, Object> fleet = map(test, "fleet");
      assertThat(fleet).containsEntry("candidate", "v2")
          .containsEntry("verdict", routerA.tests().get(0).fleetReport().verdict().name());
      List<Map<String, Object>> instances = list(fleet, "instances");
      assertThat(instances).extracting(i -> i.get("id")).containsExactly("a", "b");
      long pairsA = routerA.tests().get(0).report().calls();
      long pairsB = routerB.tests().get(0).report().calls();
      assertThat(pairsA).isPositive();
      assertThat(pairsB).isPositive();
      assertThat(instances.get(0)).containsEntry("pairs", pairsA).containsEntry("stale", false);
      assertThat(instances.get(1)).containsEntry("pairs", pairsB)
          .containsEntry("updatedAt", at.toString()).containsEntry("stale", false);
      // the fleet's verdict is on both instances' pairs, this instance's on its own
      assertThat(fleet.get("calls")).isEqualTo(pairsA + pairsB);
      assertThat(test.get("calls")).isEqualTo(pairsA);

      hub.down(true);
      WebEndpointResponse<Map<String, Object>> refused = write(a, "stop-test", "v2", null);
      assertThat(refused.getStatus()).as("%s", refused.getBody()).isEqualTo(503);
      assertThat(routerA.tests().get(0).status()).isEqualTo(ShadowTest.Status.RUNNING);
      hub.down(false);
      assertThat(write(a, "stop-test", "v2", null).getStatus()).isEqualTo(202);
      assertThat(routerB.tests().get(0).status()).isNotEqualTo(ShadowTest.Status.RUNNING);
    }));
  }

  @Test
  void withoutAFleetTheDocumentHasNoFleetAndWritesAreApplied() {
    new WebApplicationContextRunner()
        .withConfiguration(STARTER).withConfiguration(ACTUATOR)
        .withUserConfiguration(Models.class).withPropertyValues(FRAUD)
        .withPropertyValues("management.endpoints.web.exposure.include=shadow",
            "management.endpoint.shadow.access=UNRESTRICTED")
        .run(context -> {
          WebEndpointResponse<Map<String, Object>> started =
              write(context, "start-test", "v2", "1");
          assertThat(started.getStatus()).isEqualTo(200);
          assertThat(started.getBody()).containsEntry("outcome", "APPLIED");
          Map<String, Object> doc = context.getBean(ShadowEndpoint.class).endpoint("fraud");
          assertThat(doc).doesNotContainKey("fleet");
          assertThat(list(doc, "tests").get(0)).doesNotContainKey("fleet");
        });
  }

  private static WebEndpointResponse<Map<String, Object>> write(
      ConfigurableApplicationContext context, String action, String candidate,
      String samplingRate) {
    // in a fleet a test is started on a shadow variant every instance has, by name
    boolean start = action.equals("start-test");
    return context.getBean(ShadowEndpointWebExtension.class).write(SecurityContext.NONE,
        "fraud", action, start ? null : candidate, null, null, start ? candidate : null,
        samplingRate, null, null, null, null, null, null, null, null, null, null, null);
  }

  @SuppressWarnings("unchecked")
  private static ShadowRouter<Txn, Score> router(ConfigurableApplicationContext context) {
    return (ShadowRouter<Txn, Score>) (ShadowRouter<?, ?>) context.getBean(ShadowRouters.class)
        .get("fraud");
  }

  @SuppressWarnings("unchecked")
  private static Map<String, Object> map(Map<String, Object> doc, String key) {
    return (Map<String, Object>) doc.get(key);
  }

  @SuppressWarnings("unchecked")
  private static List<Map<String, Object>> list(Map<String, Object> doc, String key) {
    return (List<Map<String, Object>>) doc.get(key);
  }
}
