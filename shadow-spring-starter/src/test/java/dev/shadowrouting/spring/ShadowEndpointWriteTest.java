package dev.shadowrouting.spring;

import static dev.shadowrouting.spring.Http.at;
import static org.assertj.core.api.Assertions.assertThat;

import dev.shadowrouting.ShadowRouter;
import dev.shadowrouting.ShadowTest;
import dev.shadowrouting.spring.Models.Score;
import dev.shadowrouting.spring.Models.Txn;
import dev.shadowrouting.ShadowTestSpec;
import dev.shadowrouting.Variant;
import dev.shadowrouting.VerdictRule;
import jakarta.servlet.Filter;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletRequestWrapper;
import java.security.Principal;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.extension.ExtendWith;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.context.SpringBootTest.WebEnvironment;
import org.springframework.boot.test.web.server.LocalServerPort;

/**
 * The Actuator endpoint over HTTP when the application allows writes: the life of a test on
 * endpoint "fraud"; refused fields, a test set up from the body's settings or from a shadow, and
 * the audit log on endpoint "payments". A filter stands in for Spring Security: it puts a
 * principal on requests that carry the header X-User, as Spring Security's request wrapper does.
 */
@SpringBootTest(classes = {EndpointTestApp.class, ShadowEndpointWriteTest.SignedIn.class},
    webEnvironment = WebEnvironment.RANDOM_PORT,
    properties = {EndpointTestApp.ENDPOINTS, "management.endpoint.shadow.access=unrestricted",
        "shadow-routing.endpoints.payments.production.p1.predictor=fraudModelV1",
        "shadow-routing.endpoints.payments.shadows.p2.predictor=fraudModelV2",
        "shadow-routing.endpoints.payments.shadows.p2.sampling-rate=0.3",
        "shadow-routing.endpoints.payments.shadows.p2.timeout=40ms",
        "shadow-routing.endpoints.payments.comparator=byBlock"})
@ExtendWith(OutputCaptureExtension.class)
class ShadowEndpointWriteTest {

  @Configuration(proxyBeanMethods = false)
  static class SignedIn {
    @Bean
    Filter signedIn() {
      return (request, response, chain) -> {
        HttpServletRequest http = (HttpServletRequest) request;
        String user = http.getHeader("X-User");
        chain.doFilter(user == null ? request : new HttpServletRequestWrapper(http) {
          @Override
          public Principal getUserPrincipal() {
            return () -> user;
          }
        }, response);
      };
    }
  }

  @LocalServerPort
  int port;

  @Autowired
  ShadowRouters routers;

  String url;

  @BeforeEach
  void url() {
    url = "http://localhost:" + port + "/actuator/shadow/fraud";
    payments = "http://localhost:" + port + "/actuator/shadow/payments";
  }

  String payments;

  /** The case: "sampling-rate" would have been dropped, and the test run at rate 1.0. */
  @Test
  void aFieldTheActionDoesNotTakeIsRefusedNamingTheActionsFields(CapturedOutput log)
      throws Exception {
    ShadowRouter<Txn, Score> router = routers.get("payments");
    int tests = router.tests().size();
    Http.Response dashed = Http.post(payments, "{\"action\":\"start-test\",\"candidate\":"
        + "\"p3\",\"predictor\":\"fraudModelV3\",\"sampling-rate\":0.05}");
    assertThat(dashed.status()).isEqualTo(400);
    assertThat(dashed.json().get("error")).isEqualTo("unknown field \"sampling-rate\""
        + " (\"sampling-rate\": did you mean \"samplingRate\"?): the fields of \"start-test\" are"
        + " [action, candidate, predictor, shadow, samplingRate, duration, maxRequests,"
        + " maxLatencyIncrease, tailQuantile, maxTailLatencyIncrease, maxErrorRateIncrease,"
        + " minAgreement, minSamples, alpha, warmup]");
    assertThat(router.tests()).hasSize(tests);
    assertThat(log).contains("shadow endpoint write by anonymous on endpoint 'payments':"
        + " start-test {candidate=p3, predictor=fraudModelV3, sampling-rate=(not logged: unknown"
        + " field)} refused (400): unknown field");

    // a field of another action, and a misspelling, in one answer; also from the query string
    Http.Response mixed = Http.post(payments + "?forse=true",
        "{\"action\":\"promote\",\"variant\":\"p2\",\"duration\":\"1h\"}");
    assertThat(mixed.status()).isEqualTo(400);
    assertThat(mixed.json().get("error")).isEqualTo("unknown field \"forse\" (\"forse\": did you"
        + " mean \"force\"?); field \"duration\" does not apply to \"promote\": the fields of"
        + " \"promote\" are [action, variant, force]");
    assertThat(router.config().productionVariants()).extracting(v -> v.name())
        .containsExactly("p1");

    // what a caller typed cannot forge a log line
    Http.Response forged = Http.post(payments, "{\"action\":\"promote\",\"variant\":"
        + "\"p9\\nINFO dev.shadowrouting.spring.audit : shadow endpoint write by 'root'\"}");
    assertThat(forged.status()).isEqualTo(400);
    assertThat(log).contains("promote {variant=p9?INFO dev.shadowrouting.spring.audit : shadow")
        .doesNotContain("write by 'root'\n").doesNotContain("\nINFO dev.shadowrouting");

    Http.Response noAction = Http.post(payments, "{\"variant\":\"p2\"}");
    assertThat(noAction.status()).isEqualTo(400);
    assertThat(noAction.json().get("error")).isEqualTo("the body needs an \"action\": one of"
        + " [promote, discard, start-test, stop-test, sampling-rate]");

    Http.Response fractional = Http.post(payments, "{\"action\":\"start-test\",\"candidate\":"
        + "\"p3\",\"predictor\":\"fraudModelV3\",\"maxRequests\":10.5}");
    assertThat(fractional.status()).isEqualTo(400);
    assertThat(fractional.json().get("error"))
        .isEqualTo("maxRequests must be a whole number but was \"10.5\"");
    assertThat(router.tests()).hasSize(tests);
  }

  /**
   * The settings the page's form sends reach the test, and the document tells the page what it
   * may start: the settings with their defaults and ranges, the candidates per endpoint.
   */
  @Test
  void aTestFromEverySettingThenOneThatTakesOverAShadow(CapturedOutput log) throws Exception {
    ShadowRouter<Txn, Score> router = routers.get("payments");
    Map<String, Object> doc = Http.get(payments).json();
    assertThat(at(doc, "startTest", "candidates", "payments", "predictors"))
        .isEqualTo(List.of("fraudModelV1", "fraudModelV2", "fraudModelV3"));
    assertThat(at(doc, "startTest", "candidates", "payments", "shadows")).isEqualTo(List.of("p2"));
    assertThat(at(doc, "startTest", "settings", "0")).isEqualTo(Map.of("name", "samplingRate",
        "kind", "NUMBER", "default", 1.0, "requirement", "in [0.0, 1.0]", "min", 0.0,
        "max", 1.0));

    Http.Response start = Http.post(payments, "{\"action\":\"start-test\",\"candidate\":"
        + "\"p3\",\"predictor\":\"fraudModelV3\",\"samplingRate\":0.05,\"duration\":\"2h\","
        + "\"maxRequests\":5000,\"maxLatencyIncrease\":0.2,\"tailQuantile\":0.95,"
        + "\"maxTailLatencyIncrease\":0.5,\"maxErrorRateIncrease\":0.01,\"minAgreement\":0.9,"
        + "\"minSamples\":50,\"alpha\":0.01,\"warmup\":\"30s\"}");
    assertThat(start.status()).isEqualTo(200);
    ShadowTestSpec<?, ?> spec = router.test("p3").orElseThrow().spec();
    assertThat(spec.samplingRate()).isEqualTo(0.05);
    assertThat(spec.duration()).isEqualTo(Duration.ofHours(2));
    assertThat(spec.maxRequests()).isEqualTo(5000);
    assertThat(spec.rule()).isEqualTo(VerdictRule.builder().maxLatencyIncrease(0.2)
        .tailQuantile(0.95).maxTailLatencyIncrease(0.5).maxErrorRateIncrease(0.01)
        .minAgreement(0.9).alpha(0.01).warmup(Duration.ofSeconds(30)).build());
    assertThat(spec.minSamples()).isEqualTo(50);
    assertThat(log).contains("shadow endpoint write by anonymous on endpoint 'payments':"
        + " start-test {candidate=p3, predictor=fraudModelV3, samplingRate=0.05, duration=2h,")
        .contains("applied: started a shadow test of 'p3' on endpoint 'payments' for PT2H at"
            + " sampling rate 0.05; before: production [p1 (weight 1.0)], shadows [p2 (sampling"
            + " 0.3)], tests []; after: production [p1 (weight 1.0)], shadows [p2 (sampling 0.3),"
            + " p3 (sampling 0.05)], tests [p3 RUNNING ");
    // a running test's candidate is no shadow to take over
    assertThat(at(Http.get(payments).json(), "startTest", "candidates", "payments", "shadows"))
        .isEqualTo(List.of("p2"));
    Http.Response taken = Http.post(payments, "{\"action\":\"start-test\",\"shadow\":\"p3\"}");
    assertThat(taken.status()).isEqualTo(400);
    assertThat(taken.json().get("error")).isEqualTo("shadow must be a shadow variant of endpoint"
        + " 'payments' that no running test holds ([p2]) but was \"p3\"");
    Http.Response both = Http.post(payments, "{\"action\":\"start-test\",\"shadow\":\"p2\","
        + "\"predictor\":\"fraudModelV3\"}");
    assertThat(both.status()).isEqualTo(400);
    assertThat((String) both.json().get("error"))
        .contains("either \"candidate\" and \"predictor\"");

    // the shadow p2 becomes the candidate of a test: same name, predictor and timeout, its rate
    Variant<Txn, Score> p2 = router.config().shadowVariants().get(0);
    Http.Response fromShadow = Http.post(payments + "", "{\"action\":\"start-test\","
        + "\"shadow\":\"p2\",\"duration\":\"1h\"}");
    assertThat(fromShadow.status()).isEqualTo(200);
    ShadowTest test = router.test("p2").orElseThrow();
    assertThat(test.status()).isEqualTo(ShadowTest.Status.RUNNING);
    assertThat(test.spec().candidate().predictor()).isSameAs(p2.predictor());
    assertThat(test.spec().candidate().timeout()).isEqualTo(Duration.ofMillis(40));
    assertThat(test.spec().samplingRate()).isEqualTo(0.3);
    assertThat(router.config().shadowVariants()).extracting(v -> v.name())
        .containsExactlyInAnyOrder("p2", "p3");
    for (int i = 0; i < 20; i++) {
      router.predict(new Txn("u" + i, i * 50));
    }
    assertThat(router.awaitIdle(Duration.ofSeconds(5))).isTrue();
    assertThat(test.report().calls()).isPositive();

    // a signed-in user is named in the log
    Http.Response stop = Http.post(payments, "{\"action\":\"stop-test\",\"variant\":\"p2\"}",
        "X-User", "alice");
    assertThat(stop.status()).isEqualTo(200);
    assertThat(log).contains("shadow endpoint write by 'alice' on endpoint 'payments': stop-test"
        + " {variant=p2} applied: stopped the shadow test of 'p2'");
    // and the test's checks over time: at least the point of its end
    Map<String, Object> history = Http.get(payments + "/p2").json();
    assertThat(history.get("candidate")).isEqualTo("p2");
    assertThat(history.get("status")).isEqualTo("STOPPED");
    assertThat(Http.get(payments + "/nope").status()).isEqualTo(404);
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

