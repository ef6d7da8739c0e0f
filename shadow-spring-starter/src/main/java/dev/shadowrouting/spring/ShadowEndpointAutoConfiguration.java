package dev.shadowrouting.spring;

import org.springframework.beans.factory.ObjectProvider;
import org.springframework.beans.factory.config.ConfigurableListableBeanFactory;
import org.springframework.boot.actuate.autoconfigure.endpoint.condition.ConditionalOnAvailableEndpoint;
import org.springframework.boot.actuate.autoconfigure.endpoint.expose.EndpointExposure;
import org.springframework.boot.actuate.autoconfigure.endpoint.web.WebEndpointProperties;
import org.springframework.boot.actuate.endpoint.EndpointAccessResolver;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnWebApplication;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.env.Environment;

/**
 * The Actuator endpoint {@code shadow} ({@link ShadowEndpoint}) and its web extension, when
 * Actuator is on the classpath and the application makes the endpoint available: it is enabled
 * unless {@code management.endpoint.shadow.access=none}, and exposed only where the application
 * includes it ({@code management.endpoints.web.exposure.include=shadow}). This starter never
 * changes exposure or access. With it: the tests' histories ({@link TestHistories}, one daemon
 * thread), the check of write fields, and, where it is exposed over HTTP in a Spring MVC or
 * WebFlux application, the answer to a write while it is read-only ({@link ReadOnlyWrites}).
 */
@AutoConfiguration(after = ShadowRoutingAutoConfiguration.class)
@ConditionalOnClass(name = {
    "org.springframework.boot.actuate.endpoint.annotation.Endpoint",
    "org.springframework.boot.actuate.autoconfigure.endpoint.condition.ConditionalOnAvailableEndpoint"})
// the registrar, not ShadowRouters: that bean is registered later, by the registrar itself
@ConditionalOnBean(ShadowRouterRegistrar.class)
@ConditionalOnAvailableEndpoint(ShadowEndpoint.class)
public class ShadowEndpointAutoConfiguration {

  /** Started and stopped with the application: stopped before the routers close. */
  @Bean
  @ConditionalOnMissingBean
  TestHistories shadowRoutingTestHistories(ShadowRouters routers) {
    return new TestHistories(routers, System::currentTimeMillis);
  }

  @Bean
  @ConditionalOnMissingBean
  ShadowEndpoint shadowEndpoint(ShadowRouters routers, ConfigurableListableBeanFactory beans,
      ObjectProvider<EndpointAccessResolver> access, TestHistories histories) {
    return new ShadowEndpoint(routers, beans, access, histories);
  }

  @Bean
  @ConditionalOnMissingBean
  @ConditionalOnClass(name = "org.springframework.boot.actuate.endpoint.web.WebEndpointResponse")
  ShadowEndpointWebExtension shadowEndpointWebExtension(ShadowEndpoint endpoint) {
    return new ShadowEndpointWebExtension(endpoint);
  }

  @Bean
  @ConditionalOnClass(name = "org.springframework.boot.actuate.endpoint.web.WebServerNamespace")
  static ShadowEndpointFieldCheck shadowEndpointFieldCheck() {
    return new ShadowEndpointFieldCheck();
  }

  /** The endpoint's path within the application: {@code <base-path>/<mapping of shadow>}. */
  static String webPath(ObjectProvider<WebEndpointProperties> webEndpoints) {
    WebEndpointProperties web = webEndpoints.getIfAvailable(WebEndpointProperties::new);
    return web.getBasePath() + "/"
        + web.getPathMapping().getOrDefault(ShadowEndpoint.ID, ShadowEndpoint.ID);
  }

  private static ReadOnlyWrites readOnlyWrites(ShadowEndpoint endpoint,
      ObjectProvider<WebEndpointProperties> web, Environment environment) {
    return new ReadOnlyWrites(endpoint, webPath(web), environment);
  }

  @Configuration(proxyBeanMethods = false)
  @ConditionalOnWebApplication(type = ConditionalOnWebApplication.Type.SERVLET)
  @ConditionalOnClass(name = {"org.springframework.web.filter.OncePerRequestFilter",
      "jakarta.servlet.Filter"})
  @ConditionalOnAvailableEndpoint(endpoint = ShadowEndpoint.class,
      exposure = EndpointExposure.WEB)
  static class ServletReadOnlyWrites {

    @Bean
    ReadOnlyWriteFilter shadowRoutingReadOnlyWriteFilter(ShadowEndpoint endpoint,
        ObjectProvider<WebEndpointProperties> web, Environment environment) {
      return new ReadOnlyWriteFilter(readOnlyWrites(endpoint, web, environment));
    }
  }

  @Configuration(proxyBeanMethods = false)
  @ConditionalOnWebApplication(type = ConditionalOnWebApplication.Type.REACTIVE)
  @ConditionalOnClass(name = "org.springframework.web.server.WebFilter")
  @ConditionalOnAvailableEndpoint(endpoint = ShadowEndpoint.class,
      exposure = EndpointExposure.WEB)
  static class ReactiveReadOnlyWrites {

    @Bean
    ReadOnlyWriteWebFilter shadowRoutingReadOnlyWriteWebFilter(ShadowEndpoint endpoint,
        ObjectProvider<WebEndpointProperties> web, Environment environment) {
      return new ReadOnlyWriteWebFilter(readOnlyWrites(endpoint, web, environment));
    }
  }
}
