package dev.shadowrouting.samples.boot;

import static dev.shadowrouting.samples.boot.DashboardBrowserTest.JSON;
import static org.assertj.core.api.Assertions.assertThat;

import dev.shadowrouting.ShadowRouter;
import dev.shadowrouting.ShadowTestSpec;
import dev.shadowrouting.VerdictRule;
import dev.shadowrouting.spring.ShadowRouters;
import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.openqa.selenium.By;
import org.openqa.selenium.NoSuchElementException;
import org.openqa.selenium.StaleElementReferenceException;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.support.ui.Select;
import org.openqa.selenium.support.ui.WebDriverWait;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.context.SpringBootTest.WebEnvironment;
import tools.jackson.databind.JsonNode;

/**
 * Setting up a shadow test from the page, as SageMaker's console guides one: the candidate from
 * the application's Predictor beans or a shadow of the endpoint, the settings with their defaults
 * and ranges as the endpoint gives them, a refusal shown in the form, then the new test's checks
 * drawn over time beside their thresholds. And a field the endpoint does not know, sent from the
 * page's origin, is refused naming the fields.
 */
@SpringBootTest(classes = FraudServiceApplication.class, webEnvironment = WebEnvironment.RANDOM_PORT,
    properties = {"server.address=127.0.0.1", "demo.traffic.requests-per-second=150"})
class DashboardStartTestBrowserTest extends BrowserTestBase {

  @Autowired
  ShadowRouters routers;

  WebDriverWait wait;

  @Test
  void aTestSetUpInThePageThenItsChecksOverTime() throws Exception {
    ShadowRouter<Txn, Score> router = routers.get("fraud");
    driver.get(base() + "/shadow-routing");
    wait = new WebDriverWait(driver, Duration.ofSeconds(20));
    wait.ignoring(StaleElementReferenceException.class).ignoring(NoSuchElementException.class);
    wait.until(d -> d.findElement(By.id("live")).getText().equals("live"));
    DashboardBrowserTest.recordPosts();

    // the form: candidates and every setting with the endpoint's default and range
    WebElement form = openForm();
    Select candidate = new Select(form.findElement(By.cssSelector("select")));
    assertThat(candidate.getOptions()).extracting(o -> o.getAttribute("value")).containsExactly(
        "predictor:fraudModelV1", "predictor:fraudModelV2", "predictor:fraudModelV3",
        "shadow:v2");
    JsonNode settings = get("/actuator/shadow").at("/startTest/settings");
    assertThat(settings.size()).isEqualTo(11);
    form.findElement(By.tagName("summary")).click(); // the advanced settings
    for (JsonNode s : settings) {
      WebElement field = form.findElement(By.cssSelector("[data-setting='"
          + s.get("name").asString() + "']"));
      assertThat(field.findElement(By.tagName("small")).getText()).contains("default "
          + display(s.get("default")) + " · allowed " + s.get("requirement").asString());
    }
    assertThat(field(form, "samplingRate").getAttribute("value")).isEqualTo("1");
    assertThat(field(form, "duration").getAttribute("value")).isEqualTo("7d");
    Browser.fullPage(driver, "dashboard-new-test-form");

    // a value out of range: the endpoint's refusal, in the form
    candidate.selectByValue("predictor:fraudModelV1");
    assertThat(field(form, "candidate").getAttribute("value")).isEqualTo("fraudModelV1");
    type(field(form, "candidate"), "v4");
    type(field(form, "samplingRate"), "1.5");
    submit(form);
    WebElement error = form.findElement(By.cssSelector(".form-error"));
    wait.until(d -> error.isDisplayed());
    assertThat(error.getText()).startsWith("Refused (HTTP 400): ")
        .contains("samplingRate must be in [0.0, 1.0] but was 1.5");
    assertThat(router.test("v4")).isEmpty();

    // corrected: the test starts with the settings changed, the defaults for the rest
    type(field(form, "samplingRate"), "0.5");
    type(field(form, "duration"), "10m");
    type(field(form, "maxRequests"), "3000");
    type(field(form, "minAgreement"), "0.95");
    submit(form);
    wait.until(d -> router.test("v4").isPresent());
    wait.until(d -> !form.isDisplayed());
    assertThat(driver.findElement(By.id("message")).getText())
        .contains("started a shadow test of 'v4' on endpoint 'fraud' for PT10M");
    ShadowTestSpec<?, ?> spec = router.test("v4").orElseThrow().spec();
    assertThat(spec.samplingRate()).isEqualTo(0.5);
    assertThat(spec.duration()).isEqualTo(Duration.ofMinutes(10));
    assertThat(spec.maxRequests()).isEqualTo(3000);
    assertThat(spec.rule()).isEqualTo(VerdictRule.builder().minAgreement(0.95).build());
    assertThat(DashboardBrowserTest.posts().get(1)).isEqualTo(Map.of("action", "start-test",
        "predictor", "fraudModelV1", "candidate", "v4", "samplingRate", "0.5", "duration", "10m",
        "maxRequests", "3000", "minAgreement", "0.95"));

    // the shadow v2 taken over by a test: its name, predictor and sampling rate
    WebElement again = openForm();
    new Select(again.findElement(By.cssSelector("select"))).selectByValue("shadow:v2");
    assertThat(again.findElement(By.cssSelector("[data-for='predictor']")).isDisplayed())
        .isFalse();
    assertThat(field(again, "samplingRate").getAttribute("value")).isEqualTo("0.25");
    type(field(again, "duration"), "15m");
    submit(again);
    wait.until(d -> router.test("v2").isPresent());
    assertThat(router.test("v2").orElseThrow().spec().samplingRate()).isEqualTo(0.25);
    assertThat(DashboardBrowserTest.posts().get(2)).isEqualTo(Map.of("action", "start-test",
        "shadow", "v2", "duration", "15m"));

    // the checks of v4 over time, one chart each, beside its threshold, as the endpoint has them
    String card = "section[data-endpoint='fraud'] .test[data-candidate='v4'] ";
    new WebDriverWait(driver, Duration.ofSeconds(45)).until(d -> {
      List<WebElement> charts = d.findElements(By.cssSelector(card + ".check-chart"));
      return charts.size() >= 3 && charts.stream()
          .allMatch(c -> Integer.parseInt(c.getAttribute("data-points")) >= 4);
    });
    JsonNode history = get("/actuator/shadow/fraud/v4");
    assertThat(history.get("times").size()).isGreaterThanOrEqualTo(4);
    assertThat(driver.findElements(By.cssSelector(card + ".check-chart")))
        .extracting(c -> c.getAttribute("data-check"))
        .containsExactlyElementsOf(history.get("checks").propertyNames());
    assertThat(driver.findElement(By.cssSelector(card + ".check-chart[data-check='latency']"
        + " .check-legend")).getText()).contains("max +10%");
    assertThat(driver.findElement(By.cssSelector(card + ".check-chart[data-check='agreement']"
        + " .check-legend")).getText()).contains("min 95%");
    driver.findElement(By.cssSelector(card)).getLocation(); // laid out
    Browser.fullPage(driver, "dashboard-checks-over-time");

    // a field the endpoint does not know, from the page's origin: refused, naming the fields
    @SuppressWarnings("unchecked")
    Map<String, Object> refused = (Map<String, Object>) driver.executeAsyncScript(
        "var done = arguments[arguments.length - 1];"
            + "fetch('/actuator/shadow/fraud', {method: 'POST', headers: {'Content-Type':"
            + " 'application/json'}, body: JSON.stringify({action: 'start-test', candidate: 'v5',"
            + " predictor: 'fraudModelV1', 'sampling-rate': 0.05})})"
            + ".then(function (r) { return r.json().then(function (j) {"
            + " done({status: r.status, error: j.error}); }); });");
    assertThat(refused.get("status")).isEqualTo(400L);
    assertThat((String) refused.get("error")).startsWith("unknown field \"sampling-rate\""
        + " (\"sampling-rate\": did you mean \"samplingRate\"?): the fields of \"start-test\" are"
        + " [action, candidate, predictor, shadow, samplingRate,");
    assertThat(router.test("v5")).isEmpty();
  }

  WebElement openForm() {
    wait.until(d -> {
      d.findElement(By.cssSelector("section[data-endpoint='fraud'] button[data-open-form]"))
          .click();
      return d.findElement(By.cssSelector("section[data-endpoint='fraud'] .start-form"))
          .isDisplayed();
    });
    return driver.findElement(By.cssSelector("section[data-endpoint='fraud'] .start-form form"));
  }

  static WebElement field(WebElement form, String name) {
    return form.findElement(By.cssSelector("input[name='" + name + "']"));
  }

  static void type(WebElement input, String value) {
    input.clear();
    input.sendKeys(value);
  }

  static void submit(WebElement form) {
    form.findElement(By.cssSelector("button[type='submit']")).click();
  }

  /** A default as the page shows it: numbers as JavaScript prints them. */
  static String display(JsonNode value) {
    if (value.isNumber()) {
      double d = value.asDouble();
      return d == Math.rint(d) ? Long.toString((long) d) : Double.toString(d);
    }
    return value.asString();
  }

  JsonNode get(String path) throws Exception {
    HttpResponse<String> r = DashboardBrowserTest.HTTP.send(HttpRequest.newBuilder(
        URI.create(base() + path)).build(), HttpResponse.BodyHandlers.ofString());
    assertThat(r.statusCode()).isEqualTo(200);
    return JSON.readTree(r.body());
  }
}
