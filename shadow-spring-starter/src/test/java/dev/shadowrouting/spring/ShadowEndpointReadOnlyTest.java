package dev.shadowrouting.spring;

import static dev.shadowrouting.spring.Http.at;
import static org.assertj.core.api.Assertions.assertThat;

import dev.shadowrouting.ShadowRouter;
import dev.shadowrouting.ShadowTest;
import dev.shadowrouting.spring.Models.Score;
import dev.shadowrouting.spring.Models.Txn;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.context.SpringBootTest.WebEnvironment;
import org.springframework.boot.test.web.server.LocalServerPort;

/** The Actuator endpoint over HTTP with the default access: reads work, writes are refused. */
@SpringBootTest(classes = EndpointTestApp.class, webEnvironment = WebEnvironment.RANDOM_PORT,
    properties = EndpointTestApp.ENDPOINTS)
class ShadowEndpointReadOnlyTest {
  @LocalServerPort
  int port;

  @Autowired
  ShadowRouters routers;

  @Test
  void readsEveryEndpointAndOne() throws Exception {
    ShadowRouter<Txn, Score> router = routers.get("fraud");
    for (int i = 0; i < 50; i++) {
      router.predict(new Txn("u" + i, i * 20));
    }
    router.awaitIdle(Duration.ofSeconds(5));
    Http.Response all = Http.get("http://localhost:" + port + "/actuator/shadow");
    assertThat(all.status()).isEqualTo(200);
    Map<String, Object> doc = all.json();
    assertThat(doc.get("access")).isEqualTo("READ_ONLY");
    assertThat(at(doc, "endpoints", "fraud", "variants", "v1", "role")).isEqualTo("PRODUCTION");
    assertThat(at(doc, "endpoints", "fraud", "variants", "v1", "invocations")).isEqualTo(50L);
    assertThat(at(doc, "endpoints", "fraud", "variants", "v2", "role")).isEqualTo("SHADOW");
    assertThat(at(doc, "endpoints", "fraud", "variants", "v2", "invocations"))
        .isEqualTo(router.snapshot().variant("v2").invocations());
    assertThat(at(doc, "endpoints", "fraud", "variants", "v3", "testCandidate")).isEqualTo(true);
    assertThat(at(doc, "endpoints", "fraud", "tests", "0", "candidate")).isEqualTo("v3");
    assertThat(at(doc, "endpoints", "fraud", "tests", "0", "status")).isEqualTo("RUNNING");

    Http.Response one = Http.get("http://localhost:" + port + "/actuator/shadow/fraud");
    assertThat(one.status()).isEqualTo(200);
    assertThat(at(one.json(), "name")).isEqualTo("fraud");
    assertThat(at(one.json(), "variants", "v1", "invocations")).isEqualTo(50L);

    Http.Response unknown = Http.get("http://localhost:" + port + "/actuator/shadow/nope");
    assertThat(unknown.status()).isEqualTo(404);
    assertThat(unknown.json().get("error"))
        .isEqualTo("there is no shadow-routing endpoint 'nope'; endpoints: [fraud]");
  }

  /** Refused with 405 (Allow: GET) and a body that names the property allowing writes. */
  @Test
  void writesAreRefusedNamingThePropertyThatAllowsThem() throws Exception {
    Http.Response r = Http.post("http://localhost:" + port + "/actuator/shadow/fraud",
        "{\"action\":\"stop-test\"}");
    assertThat(r.status()).isEqualTo(405);
    assertThat(r.headers().get("allow")).containsExactly("GET");
    assertThat(r.json().get("error")).isEqualTo(ReadOnlyWritesTest.READ_ONLY);
    assertThat(routers.get("fraud").tests().get(0).status())
        .isEqualTo(ShadowTest.Status.RUNNING);
    // other methods and paths are Actuator's as before
    assertThat(Http.get("http://localhost:" + port + "/actuator/shadow/fraud").status())
        .isEqualTo(200);
  }
}
