package dev.shadowrouting.samples.boot;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.openqa.selenium.By;
import org.openqa.selenium.support.ui.WebDriverWait;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.context.SpringBootTest.WebEnvironment;

/**
 * Boot's default access (read-only): the page shows the live numbers, hides the buttons and says
 * which property allows them.
 */
@SpringBootTest(classes = FraudServiceApplication.class, webEnvironment = WebEnvironment.RANDOM_PORT,
    properties = {"server.address=127.0.0.1", "demo.traffic.requests-per-second=50",
        "management.endpoint.shadow.access=read-only"})
class DashboardReadOnlyBrowserTest extends BrowserTestBase {

  @Test
  void noButtonsAndTheWriteAccessPropertyNamed() throws Exception {
    driver.get(base() + "/shadow-routing");
    new WebDriverWait(driver, Duration.ofSeconds(15))
        .until(d -> !d.findElements(By.cssSelector(".test[data-candidate='v3']")).isEmpty());
    assertThat(driver.findElement(By.id("access-note")).getText())
        .contains("management.endpoint.shadow.access=unrestricted");
    assertThat(driver.findElements(By.cssSelector("button[data-action]"))).isEmpty();
    assertThat(driver.findElement(By.id("problem")).isDisplayed()).isFalse();
  }
}
