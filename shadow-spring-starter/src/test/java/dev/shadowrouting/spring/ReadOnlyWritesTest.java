package dev.shadowrouting.spring;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Map;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.beans.factory.support.DefaultListableBeanFactory;
import org.springframework.boot.actuate.endpoint.Access;
import org.springframework.boot.actuate.endpoint.EndpointAccessResolver;
import org.springframework.mock.env.MockEnvironment;

/** Which requests the read-only answer takes, and what it says. */
class ReadOnlyWritesTest {

  static final String READ_ONLY = "writes to the Actuator endpoint 'shadow' are not allowed"
      + " (management.endpoint.shadow.access is read-only (the default)): to allow promote,"
      + " discard, start-test, stop-test, sampling-rate, set"
      + " management.endpoint.shadow.access=unrestricted, and protect the endpoint (Spring"
      + " Security's rules apply to Actuator endpoints)";

  private static ReadOnlyWrites writes(Access access, MockEnvironment env) {
    DefaultListableBeanFactory beans = new DefaultListableBeanFactory();
    beans.registerSingleton("resolver", (EndpointAccessResolver) (id, d) -> access);
    ObjectProvider<EndpointAccessResolver> resolver =
        beans.getBeanProvider(EndpointAccessResolver.class);
    ShadowEndpoint endpoint = new ShadowEndpoint(new ShadowRouters(Map.of()), beans, resolver);
    return new ReadOnlyWrites(endpoint, "/actuator/shadow", env);
  }

  @Test
  void onlyAPostToAnEndpointWhileWritesAreOff() {
    ReadOnlyWrites w = writes(Access.READ_ONLY, new MockEnvironment());
    assertThat(w.refused("POST", "/actuator/shadow/fraud")).isEqualTo("fraud");
    assertThat(w.refused("GET", "/actuator/shadow/fraud")).isNull();
    assertThat(w.refused("POST", "/actuator/shadow")).isNull();
    assertThat(w.refused("POST", "/actuator/shadow/")).isNull();
    assertThat(w.refused("POST", "/actuator/shadow/fraud/v3")).isNull();
    assertThat(w.refused("POST", "/actuator/shadowy/fraud")).isNull();
    assertThat(w.refused("POST", "/predict")).isNull();
    assertThat(writes(Access.UNRESTRICTED, new MockEnvironment())
        .refused("POST", "/actuator/shadow/fraud")).isNull();
  }

  @Test
  void namesTheAccessPropertyAndTheCapWhenItHoldsWritesBack() {
    assertThat(writes(Access.READ_ONLY, new MockEnvironment()).message()).isEqualTo(READ_ONLY);
    MockEnvironment capped = new MockEnvironment()
        .withProperty("management.endpoint.shadow.access", "unrestricted")
        .withProperty("management.endpoints.access.max-permitted", "read-only");
    assertThat(writes(Access.READ_ONLY, capped).message()).isEqualTo("writes to the Actuator"
        + " endpoint 'shadow' are not allowed (management.endpoint.shadow.access is unrestricted"
        + " and management.endpoints.access.max-permitted is read-only): to allow promote,"
        + " discard, start-test, stop-test, sampling-rate, set"
        + " management.endpoint.shadow.access=unrestricted and"
        + " management.endpoints.access.max-permitted=unrestricted, and protect the endpoint"
        + " (Spring Security's rules apply to Actuator endpoints)");
  }
}
