package dev.shadowrouting.spring;

import static dev.shadowrouting.spring.Http.at;
import static org.assertj.core.api.Assertions.assertThat;

import dev.shadowrouting.ShadowRouter;
import dev.shadowrouting.ShadowTest;
import dev.shadowrouting.spring.Models.Score;
import dev.shadowrouting.spring.Models.Txn;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.context.SpringBootTest.WebEnvironment;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.context.ApplicationContext;
import org.springframework.web.reactive.DispatcherHandler;

/**
 * The starter in a WebFlux application (on Netty, Spring MVC absent from its web stack): the
 * dashboard page and its assets, reads, writes and their refusals, as in Spring MVC.
 */
class WebFluxEndpointTest {

  @Nested
  @SpringBootTest(classes = EndpointTestApp.class, webEnvironment = WebEnvironment.RANDOM_PORT,
      properties = {EndpointTestApp.ENDPOINTS, "spring.main.web-application-type=reactive",
          "management.endpoint.shadow.access=unrestricted"})
  class Writable {
    @LocalServerPort
    int port;

    @Autowired
    ShadowRouters routers;

    @Autowired
    ApplicationContext context;

    @Test
    void thePageReadsAndWritesWork() throws Exception {
      assertThat(context.getBeansOfType(DispatcherHandler.class)).isNotEmpty();
      String base = "http://127.0.0.1:" + port;
      Http.Response page = Http.get(base + "/shadow-routing");
      assertThat(page.status()).isEqualTo(200);
      assertThat(page.body()).contains("data-endpoint-url=\"/actuator/shadow\"")
          .contains("src=\"/shadow-routing/assets/dashboard.js\"");
      assertThat(page.headers().get("content-type")).containsExactly("text/html;charset=UTF-8");
      assertThat(Http.get(base + "/shadow-routing/assets/dashboard.js").body())
          .contains("shadow-routing dashboard");
      assertThat(Http.get(base + "/shadow-routing/uplot/uPlot.iife.min.js").status())
          .isEqualTo(200);

      ShadowRouter<Txn, Score> router = routers.get("fraud");
      assertThat(at(Http.get(base + "/actuator/shadow").json(), "access"))
          .isEqualTo("UNRESTRICTED");
      Http.Response unknown = Http.post(base + "/actuator/shadow/fraud",
          "{\"action\":\"sampling-rate\",\"variant\":\"v2\",\"sampling-rate\":0.05}");
      assertThat(unknown.status()).isEqualTo(400);
      assertThat((String) unknown.json().get("error")).startsWith("unknown field"
          + " \"sampling-rate\" (\"sampling-rate\": did you mean \"samplingRate\"?)");
      Http.Response stop = Http.post(base + "/actuator/shadow/fraud",
          "{\"action\":\"stop-test\",\"variant\":\"v3\"}");
      assertThat(stop.status()).isEqualTo(200);
      assertThat(router.test("v3").orElseThrow().status()).isEqualTo(ShadowTest.Status.STOPPED);
      Http.Response early = Http.post(base + "/actuator/shadow/fraud",
          "{\"action\":\"discard\",\"variant\":\"v9\"}");
      assertThat(early.status()).isEqualTo(400);
      assertThat(Http.get(base + "/actuator/shadow/fraud/v3").json().get("status"))
          .isEqualTo("STOPPED");
    }
  }

  @Nested
  @SpringBootTest(classes = EndpointTestApp.class, webEnvironment = WebEnvironment.RANDOM_PORT,
      properties = {EndpointTestApp.ENDPOINTS, "spring.main.web-application-type=reactive",
          "spring.webflux.base-path=/app"})
  class ReadOnly {
    @LocalServerPort
    int port;

    @Autowired
    ShadowRouters routers;

    @Test
    void underABasePathWritesAreRefusedNamingTheProperty() throws Exception {
      String base = "http://127.0.0.1:" + port + "/app";
      assertThat(Http.get(base + "/shadow-routing").body())
          .contains("data-endpoint-url=\"/app/actuator/shadow\"");
      Http.Response r = Http.post(base + "/actuator/shadow/fraud", "{\"action\":\"stop-test\"}");
      assertThat(r.status()).isEqualTo(405);
      assertThat(r.headers().get("allow")).containsExactly("GET");
      assertThat(r.json().get("error")).isEqualTo(ReadOnlyWritesTest.READ_ONLY);
      assertThat(routers.get("fraud").tests().get(0).status())
          .isEqualTo(ShadowTest.Status.RUNNING);
    }
  }
}
