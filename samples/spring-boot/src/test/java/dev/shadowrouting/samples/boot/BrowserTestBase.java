package dev.shadowrouting.samples.boot;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.openqa.selenium.chrome.ChromeDriver;
import org.springframework.boot.test.web.server.LocalServerPort;

/** One headless Chromium per test class against the app on its random port. */
abstract class BrowserTestBase {

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
      driver = null;
    }
  }

  /** The app's base URL. */
  String base() {
    return "http://127.0.0.1:" + port;
  }
}
