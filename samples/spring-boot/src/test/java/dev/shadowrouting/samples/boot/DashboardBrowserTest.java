package dev.shadowrouting.samples.boot;

import static org.assertj.core.api.Assertions.assertThat;

import dev.shadowrouting.ShadowRouter;
import dev.shadowrouting.ShadowTest;
import dev.shadowrouting.Verdict;
import dev.shadowrouting.spring.ShadowRouters;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.openqa.selenium.By;
import org.openqa.selenium.Keys;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.StaleElementReferenceException;
import org.openqa.selenium.support.ui.WebDriverWait;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.context.SpringBootTest.WebEnvironment;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * The sample app on a random port, its dashboard in a real headless Chromium: the numbers on the
 * page are the endpoint's, "Stop test" stops the test, a FAIL candidate's promote is a separate
 * danger action that needs its name typed (the page never sends {@code force} on its own), every
 * write is in the audit log, and screenshots at desktop and phone widths land in
 * target/screenshots.
 */
@SpringBootTest(classes = FraudServiceApplication.class, webEnvironment = WebEnvironment.RANDOM_PORT,
    properties = {"server.address=127.0.0.1", "demo.traffic.requests-per-second=0",
        "shadow-routing.endpoints.fraud.shadows.v2.max-concurrency=64"})
@ExtendWith(OutputCaptureExtension.class)
class DashboardBrowserTest extends BrowserTestBase {

  static final HttpClient HTTP = HttpClient.newHttpClient();
  static final JsonMapper JSON = JsonMapper.builder().build();

  @Autowired
  ShadowRouters routers;

  @Autowired
  AlertLog alerts;

  @Test
  void theDashboardShowsTheEndpointsNumbersAndStopsTheTest(CapturedOutput log) throws Exception {
    ShadowRouter<Txn, Score> router = routers.get("fraud");
    driver.get(base() + "/shadow-routing");
    WebDriverWait wait = new WebDriverWait(driver, Duration.ofSeconds(15));
    wait.ignoring(StaleElementReferenceException.class)
        .ignoring(org.openqa.selenium.NoSuchElementException.class);
    wait.until(d -> d.findElement(By.id("live")).getText().equals("live"));

    // live traffic through POST /predict while the page polls, so the chart has a history
    AtomicBoolean sending = new AtomicBoolean(true);
    Thread traffic = new Thread(() -> {
      int i = 0;
      while (sending.get()) {
        post(i++);
      }
    });
    traffic.start();
    // six polls of the page while traffic flows (each changes its "updated" time), and until
    // the candidate, twice as slow, has its FAIL verdict (its test goes on: continue-after-fail)
    java.util.Set<String> polls = new java.util.HashSet<>();
    new WebDriverWait(driver, Duration.ofSeconds(90)).until(d -> {
      polls.add(d.findElement(By.id("updated")).getText());
      return polls.size() > 6 && router.tests().get(0).report().verdict() == Verdict.FAIL;
    });
    sending.set(false);
    traffic.join();
    assertThat(router.awaitIdle(Duration.ofSeconds(10))).isTrue();

    // the numbers shown are the endpoint's: wait for a poll after the traffic stopped
    JsonNode doc = endpointJson();
    long v1Calls = doc.at("/endpoints/fraud/variants/v1/invocations").asLong();
    assertThat(v1Calls).isGreaterThan(100);
    wait.until(d -> field("v1", "invocations").value()
        .equals(Long.toString(v1Calls)));
    doc = endpointJson();
    for (String variant : List.of("v1", "v2", "v3")) {
      JsonNode v = doc.at("/endpoints/fraud/variants/" + variant);
      assertThat(field(variant, "invocations").value())
          .isEqualTo(v.get("invocations").asString());
      assertThat(field(variant, "invocations").text())
          .isEqualTo(String.format(java.util.Locale.US, "%,d", v.get("invocations").asLong()));
      assertThat(field(variant, "p50Nanos").value())
          .isEqualTo(v.at("/latency/p50Nanos").asString());
      assertThat(field(variant, "p99Nanos").value())
          .isEqualTo(v.at("/latency/p99Nanos").asString());
      assertThat(field(variant, "rejected").value())
          .isEqualTo(v.get("rejected").asString());
      assertThat(field(variant, "role").value())
          .isEqualTo(v.get("role").asString());
      if (!v.get("agreement").isNull()) {
        assertThat(Double.parseDouble(field(variant, "agreement").value()))
            .isEqualTo(v.get("agreement").asDouble());
      }
    }
    JsonNode test = doc.at("/endpoints/fraud/tests/0");
    String card = "section[data-endpoint='fraud'] .test[data-candidate='v3'] ";
    assertThat(shown(card + "[data-field='status']").text()).isEqualTo("RUNNING");
    assertThat(shown(card + "[data-field='verdict']").text())
        .isEqualTo(test.get("verdict").asString());
    assertThat(shown(card + "[data-field='calls']").value())
        .isEqualTo(test.get("calls").asString());
    assertThat(driver.findElements(By.cssSelector(card + "[data-field='reasons'] li")))
        .hasSize(test.get("checks").size());
    assertThat(driver.findElement(By.id("problem")).isDisplayed()).isFalse();
    // the page reached the chart library (served from the uPlot WebJar, no network)
    assertThat(driver.findElements(By.cssSelector("section[data-endpoint='fraud'] .chart .uplot")))
        .hasSize(1);
    // and each check of the test has its chart over time
    wait.until(d -> d.findElements(By.cssSelector(card + ".check-chart .uplot")).size()
        == test.get("checks").size());
    // shadow calls skipped the side effect
    assertThat(alerts.skippedInShadow()).isPositive();

    Browser.fullPage(driver, "dashboard-desktop");
    Browser.phone(driver, 390, 844);
    wait.until(d -> chartWidth() <= 390); // a poll re-lays the chart out at the new width
    Browser.fullPage(driver, "dashboard-phone");
    Browser.desktop(driver);
    wait.until(d -> chartWidth() > 390);

    // a running test can only be stopped: promote and discard come once it has ended
    assertThat(driver.findElements(By.cssSelector(card + "button[data-action='promote'],"
        + card + "button[data-action='discard']"))).isEmpty();
    recordPosts();

    // "Stop test": the test stops, the page says so and hides the button
    wait.until(d -> {
      d.findElement(By.cssSelector(card + "button[data-action='stop-test']")).click();
      return true;
    });
    wait.until(d -> shown(card + "[data-field='status']").text().equals("STOPPED"));
    assertThat(router.tests().get(0).status()).isEqualTo(ShadowTest.Status.STOPPED);
    assertThat(driver.findElement(By.id("message")).getText())
        .contains("stopped the shadow test of 'v3'");
    assertThat(driver.findElements(By.cssSelector(
        ".test[data-candidate='v3'] button[data-action='stop-test']"))).isEmpty();
    assertThat(endpointJson().at("/endpoints/fraud/tests/0/status").asString())
        .isEqualTo("STOPPED");
    Browser.fullPage(driver, "dashboard-stopped");

    // FAIL: discard is the primary action; promote is a separate danger action
    assertThat(shown(card + "[data-field='verdict']").text()).isEqualTo("FAIL");
    assertThat(driver.findElements(By.cssSelector(card + "button[data-action='promote']")))
        .isEmpty();
    // read in the page in one go: it re-renders the cards every second (a WebElement held across
    // a re-render is stale)
    assertThat(attribute(card + "button[data-action='discard']", "class")).isEqualTo("primary");
    assertThat(texts("button.primary")).isNotEmpty().noneMatch(t ->
        t.toLowerCase(java.util.Locale.ROOT).contains("promote"));
    assertThat(shown(card + "[data-testid='danger-zone']").text())
        .contains("The verdict is FAIL");
    WebElement dialog = driver.findElement(By.id("confirm"));
    WebElement confirm = dialog.findElement(By.cssSelector("button[value='confirm']"));
    WebElement typed = dialog.findElement(By.cssSelector("input[name='typed']"));
    forcePromote(wait, card);
    // the dialog shows the verdict's reasons and asks for the candidate's name
    assertThat(dialog.findElements(By.cssSelector(".confirm-reasons li")))
        .hasSize(endpointJson().at("/endpoints/fraud/tests/0/checks").size())
        .anyMatch(li -> li.getAttribute("class").equals("FAIL"));
    assertThat(dialog.getText()).contains("Type v3 to confirm");
    assertThat(confirm.isEnabled()).isFalse();
    typed.sendKeys("v");
    assertThat(confirm.isEnabled()).isFalse();
    typed.sendKeys(Keys.ENTER); // Enter does not confirm while the name is incomplete
    assertThat(dialog.getAttribute("open")).isNotNull();
    Browser.fullPage(driver, "dashboard-promote-despite-fail");
    dialog.findElement(By.cssSelector("button[value='cancel']")).click();
    wait.until(d -> dialog.getAttribute("open") == null);
    assertThat(posts()).containsExactly(Map.of("action", "stop-test", "variant", "v3"));
    assertThat(router.config().productionVariants()).extracting(v -> v.name())
        .containsExactly("v1");

    // typed in full: the one request with force, sent after the person typed the name
    forcePromote(wait, card);
    typed.sendKeys("v3");
    assertThat(confirm.isEnabled()).isTrue();
    confirm.click();
    wait.until(d -> shown(card + "[data-field='decision']").text().equals("PROMOTED"));
    assertThat(router.config().productionVariants()).extracting(v -> v.name())
        .containsExactly("v3");
    assertThat(posts()).containsExactly(Map.of("action", "stop-test", "variant", "v3"),
        Map.of("action", "promote", "variant", "v3", "force", true));
    assertThat(log).contains("shadow endpoint write by anonymous on endpoint 'fraud': stop-test"
        + " {variant=v3} applied: stopped the shadow test of 'v3'")
        .contains("shadow endpoint write by anonymous on endpoint 'fraud': promote {variant=v3,"
            + " force=true} applied: promoted 'v3', the candidate of the shadow test, to"
            + " production on endpoint 'fraud'; before: production [v1 (weight 1.0)]")
        .contains("; after: production [v3 (weight 1.0)]");
  }

  /** Opens the FAIL candidate's danger dialog. */
  static void forcePromote(WebDriverWait wait, String card) {
    wait.until(d -> {
      d.findElement(By.cssSelector(card + "button[data-action='force-promote']")).click();
      return d.findElement(By.id("confirm")).getAttribute("open") != null;
    });
  }

  /** Records the body of every POST the page sends from now on. */
  static void recordPosts() {
    driver.executeScript("window.__posts = []; var f = window.fetch;"
        + " window.fetch = function (u, o) {"
        + "   if (o && o.method === 'POST') window.__posts.push(o.body);"
        + "   return f.apply(this, arguments); };");
  }

  /** The POST bodies the page sent since {@link #recordPosts()}, parsed. */
  @SuppressWarnings("unchecked")
  static List<Map<String, Object>> posts() {
    List<String> bodies = (List<String>) driver.executeScript("return window.__posts;");
    return bodies.stream().map(b -> (Map<String, Object>) JSON.readValue(b, Map.class)).toList();
  }

  /** One shown value, read atomically in the page (it re-renders every second). */
  static Shown field(String variant, String field) {
    return shown("section[data-endpoint='fraud'] [data-variant='" + variant + "'] [data-field='"
        + field + "']");
  }

  record Shown(String value, String text) {}

  /** The attribute {@code name} of the element at {@code selector}, read in the page. */
  static String attribute(String selector, String name) {
    Object r = driver.executeScript("var e = document.querySelector(arguments[0]);"
        + " return e ? String(e.getAttribute(arguments[1])) : null;", selector, name);
    if (r == null) {
      throw new org.openqa.selenium.NoSuchElementException(selector);
    }
    return (String) r;
  }

  /** The text of every element at {@code selector}, read in the page in one go. */
  @SuppressWarnings("unchecked")
  static List<String> texts(String selector) {
    return (List<String>) driver.executeScript("return Array.from("
        + "document.querySelectorAll(arguments[0])).map(function (e) { return e.textContent; });",
        selector);
  }

  @SuppressWarnings("unchecked")
  static Shown shown(String selector) {
    Map<String, Object> r = (Map<String, Object>) driver.executeScript(
        "var e = document.querySelector(arguments[0]);"
            + " return e ? {value: e.getAttribute('data-value'), text: e.textContent} : null;",
        selector);
    if (r == null) {
      throw new org.openqa.selenium.NoSuchElementException(selector);
    }
    return new Shown((String) r.get("value"), (String) r.get("text"));
  }

  JsonNode endpointJson() throws Exception {
    return endpointJson(base());
  }

  /** The shadow endpoint's document of the app at {@code base}. */
  static JsonNode endpointJson(String base) throws Exception {
    HttpResponse<String> r = HTTP.send(HttpRequest.newBuilder(
        URI.create(base + "/actuator/shadow")).build(), HttpResponse.BodyHandlers.ofString());
    assertThat(r.statusCode()).isEqualTo(200);
    return JSON.readTree(r.body());
  }

  void post(int i) {
    post(base(), i);
  }

  /** One transaction to {@code POST /predict} of the app at {@code base}; fails unless 200. */
  static void post(String base, int i) {
    String body = String.format(java.util.Locale.ROOT,
        "{\"userId\":\"user-%d\",\"amount\":%d,\"merchantRisk\":%d,\"foreign\":%b}",
        i % 700, (i * 37) % 2000, i % 10, i % 9 == 0);
    try {
      HttpResponse<String> r = HTTP.send(HttpRequest.newBuilder(URI.create(base + "/predict"))
              .header("Content-Type", "application/json")
              .header("X-Request-Id", "t-" + i)
              .POST(HttpRequest.BodyPublishers.ofString(body)).build(),
          HttpResponse.BodyHandlers.ofString());
      if (r.statusCode() != 200) {
        throw new IllegalStateException("POST /predict answered " + r.statusCode() + ": " + r.body());
      }
      Thread.sleep(3); // paces the load (a few hundred requests/s): not a synchronisation
    } catch (Exception e) {
      throw new IllegalStateException(e);
    }
  }

  /** The width, in CSS pixels, of the endpoint's latency chart as laid out now. */
  double chartWidth() {
    Object w = driver.executeScript("return document.querySelector("
        + "\"section[data-endpoint='fraud'] .chart .uplot\").getBoundingClientRect().width;");
    return ((Number) w).doubleValue();
  }
}
