package dev.shadowrouting.spring;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.shadowrouting.EndpointConfig;
import dev.shadowrouting.ShadowRouter;
import dev.shadowrouting.Variant;
import java.lang.reflect.InvocationHandler;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Proxy;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.support.DefaultListableBeanFactory;

/**
 * A test that takes over a shadow, refused after the shadow was removed (the router closing,
 * another operator): the shadow is put back as it was, and the refusal says so.
 */
class ShadowTakeOverRaceTest {

  @Test
  void theShadowIsPutBackWhenTheTestCannotStart() {
    Variant<Integer, Integer> v2 = Variant.<Integer, Integer>builder("v2", x -> x + 1)
        .samplingRate(0.3).timeout(Duration.ofMillis(40)).build();
    try (ShadowRouter<Integer, Integer> real = ShadowRouter.create(
        EndpointConfig.<Integer, Integer>builder("e").production("v1", x -> x).shadow(v2)
            .workerThreads(1).build())) {
      // the router refuses the test as a closing one would, after the shadow was removed
      InvocationHandler refusing = (proxy, method, args) -> {
        if (method.getName().equals("startTest")) {
          throw new IllegalStateException("the router is closed");
        }
        if (method.isDefault()) {
          return InvocationHandler.invokeDefault(proxy, method, args);
        }
        try {
          return method.invoke(real, args);
        } catch (InvocationTargetException e) {
          throw e.getCause();
        }
      };
      @SuppressWarnings("unchecked")
      ShadowRouter<Integer, Integer> router = (ShadowRouter<Integer, Integer>)
          Proxy.newProxyInstance(getClass().getClassLoader(),
              new Class<?>[] {ShadowRouter.class}, refusing);
      ShadowEndpoint endpoint = new ShadowEndpoint(new ShadowRouters(Map.of("e", router)),
          new DefaultListableBeanFactory(),
          new DefaultListableBeanFactory().getBeanProvider(
              org.springframework.boot.actuate.endpoint.EndpointAccessResolver.class));

      assertThatThrownBy(() -> endpoint.write(null, "e",
          Map.of("action", "start-test", "shadow", "v2", "duration", "1h")))
          .isInstanceOf(ShadowEndpointException.class)
          .hasMessageContaining("the router is closed")
          .satisfies(e -> assertThat(((ShadowEndpointException) e).status()).isEqualTo(409));
      assertThat(real.config().shadowVariants()).containsExactly(v2);
      assertThat(real.tests()).isEmpty();
    }
  }
}
