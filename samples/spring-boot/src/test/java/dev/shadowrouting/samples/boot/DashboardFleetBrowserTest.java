package dev.shadowrouting.samples.boot;

import static dev.shadowrouting.samples.boot.DashboardBrowserTest.endpointJson;
import static dev.shadowrouting.samples.boot.DashboardBrowserTest.post;
import static dev.shadowrouting.samples.boot.DashboardBrowserTest.shown;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import dev.shadowrouting.InMemoryFleet;
import dev.shadowrouting.ShadowRouter;
import dev.shadowrouting.spring.ShadowRouters;
import java.time.Duration;
import java.util.Locale;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.openqa.selenium.By;
import org.openqa.selenium.NoSuchElementException;
import org.openqa.selenium.StaleElementReferenceException;
import org.openqa.selenium.support.ui.WebDriverWait;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.context.SpringBootTest.WebEnvironment;
import org.springframework.context.ApplicationContextInitializer;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.test.context.ContextConfiguration;
import tools.jackson.databind.JsonNode;

/**
 * Two instances of the sample app in one fleet (an {@link InMemoryFleet} bean in each, which the
 * starter uses instead of building one): the dashboard of instance "fraud-a" shows the shadow
 * test's fleet verdict on both instances' pairs beside its own, lists both instances with their
 * pairs, and marks "fraud-b" stale once it stops publishing; screenshots in target/screenshots.
 */
@SpringBootTest(classes = FraudServiceApplication.class,
    webEnvironment = WebEnvironment.RANDOM_PORT,
    properties = {"server.address=127.0.0.1", "demo.traffic.requests-per-second=0"})
@ContextConfiguration(initializers = DashboardFleetBrowserTest.JoinAsA.class)
class DashboardFleetBrowserTest extends BrowserTestBase {

  /** Short, so that an instance the test silences turns stale within seconds. */
  static final Duration PUBLISH_INTERVAL = Duration.ofMillis(500);
  /** Well under the interval, so that a publishing instance is never stale on a loaded machine. */
  static final Duration PUBLISH_EVERY = Duration.ofMillis(100);
  /**
   * The fleet's hub: every instance publishes on the hub's thread until the test silences it;
   * no commands, each instance is operated alone.
   */
  static final InMemoryFleet.Hub HUB = InMemoryFleet.Hub.builder()
      .publishInterval(PUBLISH_INTERVAL).publishEvery(PUBLISH_EVERY).carriesCommands(false)
      .build();
  static final String CARD = "section[data-endpoint='fraud'] .test[data-candidate='v3'] ";
  static final String FLEET = CARD + "[data-testid='fleet'] ";

  /** The app's own {@code Fleet} bean, registered before the context starts. */
  static final class JoinAsA
      implements ApplicationContextInitializer<ConfigurableApplicationContext> {
    @Override
    public void initialize(ConfigurableApplicationContext context) {
      context.getBeanFactory().registerSingleton("fleet", HUB.instance("fraud-a"));
    }
  }

  /** The other instance: the same application and YAML, so the same fleet test id. */
  static ConfigurableApplicationContext peer;

  @Autowired
  ShadowRouters routers;

  @BeforeAll
  static void startPeer() {
    peer = new SpringApplicationBuilder(FraudServiceApplication.class)
        .initializers(c -> c.getBeanFactory().registerSingleton("fleet", HUB.instance("fraud-b")))
        // arguments, not default properties, which application.yml would override
        .run("--server.port=0", "--demo.traffic.requests-per-second=0");
  }

  @AfterAll
  static void stopPeer() {
    if (peer != null) {
      peer.close();
    }
    HUB.close();
  }

  @Test
  void theDashboardShowsTheFleetVerdictTheInstancesAndAStaleOne() throws Exception {
    String peerBase = "http://127.0.0.1:" + peer.getEnvironment().getProperty("local.server.port");
    ShadowRouter<?, ?> a = routers.get("fraud");
    ShadowRouter<?, ?> b = peer.getBean(ShadowRouters.class).get("fraud");
    assertThat(b.tests().get(0).fleetId()).isEqualTo(a.tests().get(0).fleetId());
    // twice as much traffic on this instance as on the peer: their pairs differ
    for (int i = 0; i < 400; i++) {
      post(base(), i);
      if (i % 2 == 0) {
        post(peerBase, i);
      }
    }
    assertThat(a.awaitIdle(Duration.ofSeconds(10))).isTrue();
    assertThat(b.awaitIdle(Duration.ofSeconds(10))).isTrue();
    long pairsA = ownPairs(endpointJson(base()));
    long pairsB = ownPairs(endpointJson(peerBase));
    assertThat(pairsA).isGreaterThan(pairsB).isPositive();
    assertThat(pairsB).isPositive();

    driver.get(base() + "/shadow-routing");
    WebDriverWait wait = new WebDriverWait(driver, Duration.ofSeconds(20));
    wait.ignoring(StaleElementReferenceException.class).ignoring(NoSuchElementException.class);
    // the peer's latest pairs reach this instance and the page's next poll shows them
    wait.until(d -> shown(row("fraud-b") + "[data-field='pairs']").text().equals(fmt(pairsB)));
    assertThat(shown(row("fraud-a") + "[data-field='pairs']").text()).isEqualTo(fmt(pairsA));
    assertThat(shown(row("fraud-a") + "td").text()).isEqualTo("fraud-a this instance");
    assertThat(shown(row("fraud-b") + "td").text()).isEqualTo("fraud-b");
    assertThat(driver.findElements(By.cssSelector(FLEET + "tbody tr")))
        .extracting(r -> r.getAttribute("data-instance")).containsExactly("fraud-a", "fraud-b");
    // both publishing: neither is stale
    assertThat(driver.findElements(By.cssSelector(FLEET + "[data-field='stale']"))).isEmpty();

    // the fleet verdict is the document's, on both instances' pairs, beside this instance's own
    JsonNode test = endpointJson(base()).at("/endpoints/fraud/tests/0");
    JsonNode fleet = test.get("fleet");
    assertThat(fleet.get("calls").asLong()).isEqualTo(pairsA + pairsB);
    assertThat(test.get("calls").asLong()).isLessThan(pairsA + pairsB);
    String fleetVerdict = fleet.get("verdict").asString();
    wait.until(d -> shown(FLEET + "[data-field='fleetVerdict']").text().equals(fleetVerdict));
    assertThat(shown(FLEET + "[data-field='fleetVerdict']").text()).isEqualTo(fleetVerdict);
    assertThat(shown(FLEET + ".test-head .muted").text()).isEqualTo("on " + fmt(pairsA + pairsB)
        + " calls from 2 instances · this instance alone: " + test.get("verdict").asString()
        + " on " + fmt(test.get("calls").asLong()));
    assertThat(driver.findElements(By.cssSelector(FLEET + "[data-field='fleetReasons'] li")))
        .hasSize(fleet.get("checks").size());
    assertThat(shown(CARD + "[data-field='verdict']").text())
        .isEqualTo(test.get("verdict").asString());
    assertThat(shown("[data-field='instanceId']").text().strip()).isEqualTo("fraud-a");
    // after this instance's checks over time, so that those charts never read as the fleet's
    assertThat(driver.executeScript("return document.querySelector(arguments[0])"
        + ".compareDocumentPosition(document.querySelector(arguments[1]))"
        + " & Node.DOCUMENT_POSITION_FOLLOWING;", CARD + ".history", FLEET.trim()))
        .isEqualTo(4L);
    int pairsColumn = pairsColumnX();
    Browser.fullPage(driver, "dashboard-fleet");

    // the peer goes quiet: three publish intervals later it is stale, its last pairs still count
    HUB.silence("fraud-b");
    wait.until(d -> !d.findElements(By.cssSelector(row("fraud-b") + "[data-field='stale']"))
        .isEmpty());
    assertThat(shown(row("fraud-b") + "[data-field='stale']").text()).isEqualTo("stale");
    assertThat(driver.findElements(By.cssSelector(row("fraud-a") + "[data-field='stale']")))
        .isEmpty();
    assertThat(shown(row("fraud-b") + "[data-field='pairs']").text()).isEqualTo(fmt(pairsB));
    // the badge has its room: the columns stay (within rounding; without it, ~80 px move)
    assertThat(pairsColumnX()).isCloseTo(pairsColumn, within(2));
    assertThat(shown(FLEET + "[data-field='fleetVerdict']").text()).isEqualTo(fleetVerdict);
    JsonNode instances = endpointJson(base()).at("/endpoints/fraud/tests/0/fleet/instances");
    assertThat(instances.get(1).get("id").asString()).isEqualTo("fraud-b");
    assertThat(instances.get(1).get("stale").asBoolean()).isTrue();
    assertThat(instances.get(0).get("stale").asBoolean()).isFalse();
    Browser.fullPage(driver, "dashboard-fleet-stale");
    Browser.phone(driver, 390, 844);
    wait.until(d -> ((Number) driver.executeScript("return window.innerWidth;")).intValue()
        <= 390);
    Browser.fullPage(driver, "dashboard-fleet-phone");
    Browser.desktop(driver);
  }

  /** This instance's own pairs, as its document lists them (first in the fleet's instances). */
  static long ownPairs(JsonNode doc) {
    return doc.at("/endpoints/fraud/tests/0/fleet/instances/0/pairs").asLong();
  }

  /** Where the instances' pairs column starts, in CSS pixels. */
  static int pairsColumnX() {
    return driver.findElement(By.cssSelector(FLEET + "thead th:nth-child(2)")).getRect().getX();
  }

  static String row(String instance) {
    return FLEET + "tr[data-instance='" + instance + "'] ";
  }

  static String fmt(long n) {
    return String.format(Locale.US, "%,d", n);
  }
}
