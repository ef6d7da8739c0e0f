package dev.shadowrouting.samples.boot;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.openqa.selenium.By;
import org.openqa.selenium.support.ui.WebDriverWait;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.context.SpringBootTest.WebEnvironment;

/**
 * The application did not expose the endpoint over HTTP: the page is not served on the
 * application's port, unless {@code shadow-routing.dashboard.enabled=true} asks for it; then it
 * says plainly which property to set.
 */
class DashboardUnreachableBrowserTest {

  @Nested
  @SpringBootTest(classes = FraudServiceApplication.class,
      webEnvironment = WebEnvironment.RANDOM_PORT,
      properties = {"server.address=127.0.0.1", "demo.traffic.requests-per-second=0",
          "management.endpoints.web.exposure.include=health"})
  class NotExposed extends BrowserTestBase {

    @Test
    void noPage() throws Exception {
      HttpResponse<String> r = DashboardBrowserTest.HTTP.send(HttpRequest.newBuilder(
          URI.create(base() + "/shadow-routing")).build(), HttpResponse.BodyHandlers.ofString());
      assertThat(r.statusCode()).isEqualTo(404);
      driver.get(base() + "/shadow-routing");
      assertThat(driver.findElements(By.id("endpoints"))).isEmpty();
      assertThat(driver.getPageSource()).doesNotContain("Shadow routing");
    }
  }

  @Nested
  @SpringBootTest(classes = FraudServiceApplication.class,
      webEnvironment = WebEnvironment.RANDOM_PORT,
      properties = {"server.address=127.0.0.1", "demo.traffic.requests-per-second=0",
          "management.endpoints.web.exposure.include=health",
          "shadow-routing.dashboard.enabled=true"})
  class SwitchedOn extends BrowserTestBase {

    @Test
    void thePageNamesThePropertyToSet() throws Exception {
      driver.get(base() + "/shadow-routing");
      new WebDriverWait(driver, Duration.ofSeconds(15))
          .until(d -> d.findElement(By.id("problem")).isDisplayed());
      assertThat(driver.findElement(By.id("problem")).getText()).isEqualTo("The actuator"
          + " endpoint /actuator/shadow is not reachable: set"
          + " management.endpoints.web.exposure.include=shadow (and make sure"
          + " management.endpoint.shadow.access is not none).");
      assertThat(driver.findElement(By.id("live")).getText()).isEqualTo("unreachable");
      Browser.fullPage(driver, "dashboard-unreachable");
    }
  }
}
