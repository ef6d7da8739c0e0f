package dev.shadowrouting.samples.boot;

import static org.assertj.core.api.Assertions.assertThat;

import dev.shadowrouting.ShadowRouter;
import dev.shadowrouting.ShadowTest;
import dev.shadowrouting.spring.ShadowRouters;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.openqa.selenium.By;
import org.openqa.selenium.NoSuchElementException;
import org.openqa.selenium.StaleElementReferenceException;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.support.ui.Select;
import org.openqa.selenium.support.ui.WebDriverWait;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.context.SpringBootTest.WebEnvironment;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;
import org.springframework.context.ApplicationContext;
import org.springframework.web.reactive.DispatcherHandler;

/**
 * The same application as a WebFlux one (on Netty): the starter's dashboard reads the endpoint,
 * and its writes (stop a test, start one from the form) work and are audit-logged, as in Spring
 * MVC.
 */
@SpringBootTest(classes = FraudServiceApplication.class, webEnvironment = WebEnvironment.RANDOM_PORT,
    properties = {"server.address=127.0.0.1", "demo.traffic.requests-per-second=100",
        "spring.main.web-application-type=reactive"})
@ExtendWith(OutputCaptureExtension.class)
class DashboardWebFluxBrowserTest extends BrowserTestBase {

  @Autowired
  ShadowRouters routers;

  @Autowired
  ApplicationContext context;

  @Test
  void theDashboardReadsAndWritesInAWebFluxApplication(CapturedOutput log) throws Exception {
    assertThat(context.getBeansOfType(DispatcherHandler.class)).isNotEmpty();
    ShadowRouter<Txn, Score> router = routers.get("fraud");
    driver.get(base() + "/shadow-routing");
    WebDriverWait wait = new WebDriverWait(driver, Duration.ofSeconds(20));
    wait.ignoring(StaleElementReferenceException.class).ignoring(NoSuchElementException.class);
    wait.until(d -> d.findElement(By.id("live")).getText().equals("live"));
    String card = "section[data-endpoint='fraud'] .test[data-candidate='v3'] ";
    wait.until(d -> Long.parseLong(DashboardBrowserTest.shown(card + "[data-field='calls']")
        .value()) > 0);
    wait.until(d -> !d.findElements(By.cssSelector(card + ".check-chart .uplot")).isEmpty());

    // a write: stop the test
    wait.until(d -> {
      d.findElement(By.cssSelector(card + "button[data-action='stop-test']")).click();
      return true;
    });
    wait.until(d -> DashboardBrowserTest.shown(card + "[data-field='status']").text()
        .equals("STOPPED"));
    assertThat(router.test("v3").orElseThrow().status()).isEqualTo(ShadowTest.Status.STOPPED);

    // another: a new test from the form
    wait.until(d -> {
      d.findElement(By.cssSelector("section[data-endpoint='fraud'] button[data-open-form]"))
          .click();
      return d.findElement(By.cssSelector(".start-form")).isDisplayed();
    });
    WebElement form = driver.findElement(By.cssSelector(".start-form form"));
    new Select(form.findElement(By.tagName("select"))).selectByValue("predictor:fraudModelV1");
    DashboardStartTestBrowserTest.type(DashboardStartTestBrowserTest.field(form, "candidate"),
        "v1-again");
    DashboardStartTestBrowserTest.type(DashboardStartTestBrowserTest.field(form, "duration"),
        "5m");
    DashboardStartTestBrowserTest.submit(form);
    wait.until(d -> router.test("v1-again").isPresent());
    String again = "section[data-endpoint='fraud'] .test[data-candidate='v1-again'] ";
    wait.until(d -> DashboardBrowserTest.shown(again + "[data-field='status']").text()
        .equals("RUNNING"));
    assertThat(router.test("v1-again").orElseThrow().spec().duration())
        .isEqualTo(Duration.ofMinutes(5));
    assertThat(log).contains("shadow endpoint write by anonymous on endpoint 'fraud': stop-test"
        + " {variant=v3} applied").contains("shadow endpoint write by anonymous on endpoint"
        + " 'fraud': start-test {candidate=v1-again, predictor=fraudModelV1, duration=5m}"
        + " applied");
    Browser.fullPage(driver, "dashboard-webflux");
  }
}
