package dev.shadowrouting.spring;

import static dev.shadowrouting.spring.Http.at;
import static org.assertj.core.api.Assertions.assertThat;

import dev.shadowrouting.ShadowRouter;
import dev.shadowrouting.ShadowTest;
import dev.shadowrouting.spring.Models.Score;
import dev.shadowrouting.spring.Models.Txn;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.context.SpringBootTest.WebEnvironment;
import org.springframework.boot.test.web.server.LocalServerPort;

/** The Actuator endpoint over HTTP when the application allows writes: the life of a test. */
@SpringBootTest(classes = EndpointTestApp.class, webEnvironment = WebEnvironment.RANDOM_PORT,
    properties = {EndpointTestApp.ENDPOINTS, "management.endpoint.shadow.access=unrestricted"})
class ShadowEndpointWriteTest {
  @LocalServerPort
  int port;

  @Autowired
  ShadowRouters routers;

  String url;

  @BeforeEach
  void url() {
    url = "http://localhost:" + port + "/actuator/shadow/fraud";
  }

  @Test
  void theLifeOfATest() throws Exception {
    ShadowRouter<Txn, Score> router = routers.get("fraud");
    assertThat(Http.get("http://localhost:" + port + "/actuator/shadow").json().get("access"))
        .isEqualTo("UNRESTRICTED");

    // sampling rate of a plain shadow and of the test's candidate
    Http.Response rate = Http.post(url, "{\"action\":\"sampling-rate\",\"variant\":\"v2\","
        + "\"samplingRate\":0.5}");
    assertThat(rate.status()).isEqualTo(200);
    assertThat(rate.json().get("result")).isEqualTo("sampling rate of shadow variant 'v2' set to 0.5");
    assertThat(at(rate.json(), "endpoint", "variants", "v2", "config", "samplingRate"))
        .isEqualTo(0.5);
    assertThat(Http.post(url, "{\"action\":\"sampling-rate\",\"variant\":\"v3\","
        + "\"samplingRate\":0.25}").status()).isEqualTo(200);
    assertThat(router.config().shadowVariants().stream()
        .filter(v -> v.name().equals("v3")).findFirst().orElseThrow().samplingRate())
        .isEqualTo(0.25);

    // promoting the candidate of a running test needs force: 409 says why
    Http.Response early = Http.post(url, "{\"action\":\"promote\",\"variant\":\"v3\"}");
    assertThat(early.status()).isEqualTo(409);
    assertThat((String) early.json().get("error")).contains("running");

    // refused writes name what was wrong
    Http.Response unknown = Http.post(url, "{\"action\":\"promote\",\"variant\":\"v9\"}");
    assertThat(unknown.status()).isEqualTo(400);
    assertThat((String) unknown.json().get("error")).contains("v9").contains("[v2, v3]");
    Http.Response badAction = Http.post(url, "{\"action\":\"explode\"}");
    assertThat(badAction.status()).isEqualTo(400);
    assertThat((String) badAction.json().get("error")).isEqualTo("unknown action \"explode\":"
        + " the actions are [promote, discard, start-test, stop-test, sampling-rate]");
    Http.Response badRate = Http.post(url, "{\"action\":\"sampling-rate\",\"variant\":\"v2\","
        + "\"samplingRate\":1.5}");
    assertThat(badRate.status()).isEqualTo(400);
    assertThat((String) badRate.json().get("error")).contains("samplingRate").contains("1.5");
    assertThat(Http.post("http://localhost:" + port + "/actuator/shadow/nope",
        "{\"action\":\"stop-test\"}").status()).isEqualTo(404);

    // stop, then promote the candidate: it becomes production
    Http.Response stop = Http.post(url, "{\"action\":\"stop-test\"}");
    assertThat(stop.status()).isEqualTo(200);
    assertThat(at(stop.json(), "endpoint", "tests", "0", "status")).isEqualTo("STOPPED");
    Http.Response promote = Http.post(url, "{\"action\":\"promote\",\"variant\":\"v3\"}");
    assertThat(promote.status()).isEqualTo(200);
    assertThat(router.config().productionVariants()).extracting(v -> v.name())
        .containsExactly("v3");
    assertThat(at(promote.json(), "endpoint", "tests", "0", "decision")).isEqualTo("PROMOTED");

    // a new test from a predictor bean, then discarded with force while it runs
    Http.Response start = Http.post(url, "{\"action\":\"start-test\",\"candidate\":\"v4\","
        + "\"predictor\":\"fraudModelV1\",\"samplingRate\":0.5,\"duration\":\"30m\","
        + "\"minAgreement\":0.95}");
    assertThat(start.status()).isEqualTo(200);
    ShadowTest v4 = router.tests().get(1);
    assertThat(v4.candidate()).isEqualTo("v4");
    assertThat(v4.spec().duration()).isEqualTo(Duration.ofMinutes(30));
    assertThat(v4.spec().minAgreement()).isEqualTo(0.95);
    Http.Response wrongType = Http.post(url, "{\"action\":\"start-test\",\"candidate\":\"v5\","
        + "\"predictor\":\"wordLength\"}");
    assertThat(wrongType.status()).isEqualTo(400);
    assertThat((String) wrongType.json().get("error")).contains("wordLength")
        .contains("fraudModelV1, fraudModelV2, fraudModelV3");
    Http.Response discard = Http.post(url, "{\"action\":\"discard\",\"variant\":\"v4\","
        + "\"force\":true}");
    assertThat(discard.status()).isEqualTo(200);
    assertThat(v4.decision()).isEqualTo(ShadowTest.Decision.DISCARDED);

    // discard a plain shadow
    assertThat(Http.post(url, "{\"action\":\"discard\",\"variant\":\"v2\"}").status())
        .isEqualTo(200);
    assertThat(router.config().shadowVariants()).isEmpty();
    assertThat(List.of(router.tests().get(0).status(), v4.status()))
        .containsExactly(ShadowTest.Status.STOPPED, ShadowTest.Status.STOPPED);
  }
}

