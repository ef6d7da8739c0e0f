package dev.shadowrouting.spring;

import org.springframework.beans.factory.ObjectProvider;
import org.springframework.beans.factory.config.ConfigurableListableBeanFactory;
import org.springframework.boot.actuate.autoconfigure.endpoint.condition.ConditionalOnAvailableEndpoint;
import org.springframework.boot.actuate.endpoint.EndpointAccessResolver;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.context.annotation.Bean;

/**
 * The Actuator endpoint {@code shadow} ({@link ShadowEndpoint}) and its web extension, when
 * Actuator is on the classpath and the application makes the endpoint available: it is enabled
 * unless {@code management.endpoint.shadow.access=none}, and exposed only where the application
 * includes it ({@code management.endpoints.web.exposure.include=shadow}). This starter never
 * changes exposure or access.
 */
@AutoConfiguration(after = ShadowRoutingAutoConfiguration.class)
@ConditionalOnClass(name = {
    "org.springframework.boot.actuate.endpoint.annotation.Endpoint",
    "org.springframework.boot.actuate.autoconfigure.endpoint.condition.ConditionalOnAvailableEndpoint"})
// the registrar, not ShadowRouters: that bean is registered later, by the registrar itself
@ConditionalOnBean(ShadowRouterRegistrar.class)
@ConditionalOnAvailableEndpoint(ShadowEndpoint.class)
public class ShadowEndpointAutoConfiguration {

  @Bean
  @ConditionalOnMissingBean
  ShadowEndpoint shadowEndpoint(ShadowRouters routers, ConfigurableListableBeanFactory beans,
      ObjectProvider<EndpointAccessResolver> access) {
    return new ShadowEndpoint(routers, beans, access);
  }

  @Bean
  @ConditionalOnMissingBean
  @ConditionalOnClass(name = "org.springframework.boot.actuate.endpoint.web.WebEndpointResponse")
  ShadowEndpointWebExtension shadowEndpointWebExtension(ShadowEndpoint endpoint) {
    return new ShadowEndpointWebExtension(endpoint);
  }
}
