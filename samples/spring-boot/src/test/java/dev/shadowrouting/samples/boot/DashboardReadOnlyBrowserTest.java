package dev.shadowrouting.samples.boot;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.openqa.selenium.By;
import org.openqa.selenium.support.ui.WebDriverWait;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.context.SpringBootTest.WebEnvironment;

/**
 * Boot's default access (read-only): the page shows the live numbers, hides every control (the
 * new-test form too) and says which property allows them; a write sent anyway is refused with a
 * 405 that names that property.
 */
@SpringBootTest(classes = FraudServiceApplication.class, webEnvironment = WebEnvironment.RANDOM_PORT,
    properties = {"server.address=127.0.0.1", "demo.traffic.requests-per-second=50",
        "management.endpoint.shadow.access=read-only"})
class DashboardReadOnlyBrowserTest extends BrowserTestBase {

  @Test
  void noControlsAndTheWriteAccessPropertyNamed() throws Exception {
    driver.get(base() + "/shadow-routing");
    new WebDriverWait(driver, Duration.ofSeconds(15))
        .until(d -> !d.findElements(By.cssSelector(".test[data-candidate='v3']")).isEmpty());
    assertThat(driver.findElement(By.id("access-note")).getText())
        .contains("management.endpoint.shadow.access=unrestricted");
    assertThat(driver.findElements(By.cssSelector("button[data-action], button[data-open-form],"
        + " .start-form form"))).isEmpty();
    assertThat(driver.findElement(By.id("problem")).isDisplayed()).isFalse();

    @SuppressWarnings("unchecked")
    Map<String, Object> refused = (Map<String, Object>) driver.executeAsyncScript(
        "var done = arguments[arguments.length - 1];"
            + "fetch('/actuator/shadow/fraud', {method: 'POST', headers: {'Content-Type':"
            + " 'application/json'}, body: JSON.stringify({action: 'stop-test'})})"
            + ".then(function (r) { return r.json().then(function (j) {"
            + " done({status: r.status, allow: r.headers.get('Allow'), error: j.error}); }); });");
    assertThat(refused).containsEntry("status", 405L).containsEntry("allow", "GET");
    assertThat((String) refused.get("error")).contains("management.endpoint.shadow.access is"
        + " read-only").contains("set management.endpoint.shadow.access=unrestricted");
    Browser.fullPage(driver, "dashboard-read-only");
  }
}
