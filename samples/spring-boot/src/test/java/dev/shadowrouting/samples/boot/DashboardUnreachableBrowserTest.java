package dev.shadowrouting.samples.boot;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.openqa.selenium.By;
import org.openqa.selenium.support.ui.WebDriverWait;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.context.SpringBootTest.WebEnvironment;

/**
 * The application did not expose the endpoint: the page says plainly which property to set.
 */
@SpringBootTest(classes = FraudServiceApplication.class, webEnvironment = WebEnvironment.RANDOM_PORT,
    properties = {"server.address=127.0.0.1", "demo.traffic.requests-per-second=0",
        "management.endpoints.web.exposure.include=health"})
class DashboardUnreachableBrowserTest extends BrowserTestBase {

  @Test
  void thePageNamesThePropertyToSet() throws Exception {
    driver.get(base() + "/shadow-routing");
    new WebDriverWait(driver, Duration.ofSeconds(15))
        .until(d -> d.findElement(By.id("problem")).isDisplayed());
    assertThat(driver.findElement(By.id("problem")).getText()).isEqualTo("The actuator endpoint"
        + " /actuator/shadow is not reachable: set management.endpoints.web.exposure.include=shadow"
        + " (and make sure management.endpoint.shadow.access is not none).");
    assertThat(driver.findElement(By.id("live")).getText()).isEqualTo("unreachable");
    Browser.fullPage(driver, "dashboard-unreachable");
  }
}
