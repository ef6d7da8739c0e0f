package dev.shadowrouting.samples.boot;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.openqa.selenium.By;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.support.ui.WebDriverWait;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.context.SpringBootTest.WebEnvironment;
import org.springframework.boot.test.web.server.LocalServerPort;

/**
 * Boot's default access (read-only): the page shows the live numbers, hides the buttons and says
 * which property allows them.
 */
@SpringBootTest(classes = FraudServiceApplication.class, webEnvironment = WebEnvironment.RANDOM_PORT,
    properties = {"server.address=127.0.0.1", "demo.traffic.requests-per-second=50",
        "management.endpoint.shadow.access=read-only"})
class DashboardReadOnlyBrowserTest {

  static ChromeDriver driver;

  @LocalServerPort
  int port;

  @BeforeAll
  static void browser() throws Exception {
    driver = Browser.start();
  }

  @AfterAll
  static void quit() {
    if (driver != null) {
      driver.quit();
    }
  }

  @Test
  void noButtonsAndTheWriteAccessPropertyNamed() throws Exception {
    driver.get("http://127.0.0.1:" + port + "/shadow-routing");
    new WebDriverWait(driver, Duration.ofSeconds(15))
        .until(d -> !d.findElements(By.cssSelector(".test[data-candidate='v3']")).isEmpty());
    assertThat(driver.findElement(By.id("access-note")).getText())
        .contains("management.endpoint.shadow.access=unrestricted");
    assertThat(driver.findElements(By.cssSelector("button[data-action]"))).isEmpty();
    assertThat(driver.findElement(By.id("problem")).isDisplayed()).isFalse();
  }
}
